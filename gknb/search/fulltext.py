"""Full-text search: any Chinese substring, one character or many, ranked.

Text and query are folded (:mod:`.fold`: whitespace, character widths, Latin case) and
matched exactly.  Queries of three characters or more go through the trigram index (ranked
by bm25): with the tokenizer case-sensitive, a phrase of the query's trigrams at
consecutive positions is exactly an occurrence of the query.  Shorter ones, which a trigram
index cannot answer, go through the table of every 1- and 2-character substring (``grams``)
and rank by how often the query occurs.  Ties are broken by agency, year and part order, so
the same archive always gives the same list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import apsw

from . import grams
from .errors import SearchError
from .fold import fold
from .scope import PART_NAMES, Scope
from .snippet import Segments, render, segments

RANKED = "bm25"
COUNTED = "count"


@dataclass(frozen=True)
class Hit:
    agency: str
    year: int
    section: str  # part key: 一..六, title, preamble
    heading: str | None
    score: float | int  # higher is better: -bm25, or the number of occurrences
    count: int  # occurrences of the query in the part
    snippet: Segments

    @property
    def label(self) -> str:
        """The part as a reader names it: its printed heading, 标题 or 前言."""
        return PART_NAMES.get(self.section) or self.heading or f"第{self.section}部分"

    def as_dict(self) -> dict:
        return {"agency": self.agency, "year": self.year, "section": self.section, "heading": self.heading,
                "snippet": render(self.snippet), "score": self.score, "count": self.count}


@dataclass
class Result:
    query: str
    ranking: str  # bm25 | count
    total: int  # parts that contain the query (within the scope), however many are shown
    hits: list[Hit] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"query": self.query, "ranking": self.ranking, "total": self.total,
                "results": [h.as_dict() for h in self.hits]}


def normalise(query: str) -> str:
    """The query as the index holds text (:mod:`.fold`): spaces, widths and Latin case folded."""
    q = fold(query)
    if not q:
        raise SearchError("检索词为空")
    try:
        q.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are no text (a terminal in another encoding)
        raise SearchError("检索词含有无法识别的字符（请检查终端的字符编码是否为UTF-8）") from None
    return q


def _fts_phrase(q: str) -> str:
    """The query as one FTS5 string: no operator, column filter or prefix syntax applies."""
    return '"' + q.replace('"', '""') + '"'


def _sig(x: float) -> float:
    """bm25 rounded to 6 significant digits: stable across index histories, readable in JSON."""
    return float(f"{x:.6g}")


def search(conn: apsw.Connection, query: str, scope: Scope | None = None, limit: int | None = 20) -> Result:
    """The parts that contain ``query``, best first; ``limit`` None or 0 for all of them."""
    q = normalise(query)
    where, params = (scope or Scope()).where("p", "p")
    params = {**params, "q": q, "limit": limit or -1}
    order = "ORDER BY score DESC, p.agency, p.year, p.ord LIMIT :limit"
    if len(q) > grams.SHORT:
        # A phrase of consecutive trigrams (case-sensitive, of folded text) is exactly a substring.
        params["match"] = _fts_phrase(q)
        source = f"FROM parts_fts JOIN parts p ON p.id = parts_fts.rowid WHERE parts_fts MATCH :match{where}"
        ranked = conn.execute(
            f"SELECT p.id, p.agency, p.year, p.key, p.heading, -bm25(parts_fts) AS score {source} {order}",
            params).fetchall()
        ranking = RANKED
        counted = f"SELECT count(*) {source}"
    else:
        source = f"FROM grams g JOIN parts p ON p.id = g.part WHERE g.gram = :q{where}"
        # Unfiltered, only the top of the range can hold the best: read that, and count the range alone.
        floor = grams.floor(conn, q, limit) if limit and not where else None
        top = "" if floor is None else " AND g.n >= :floor"
        params["floor"] = floor or 0
        ranked = conn.execute(
            f"SELECT p.id, p.agency, p.year, p.key, p.heading, g.n AS score {source}{top} {order}",
            params).fetchall()
        ranking = COUNTED
        counted = f"SELECT count(*) {source}" if where else "SELECT count(*) FROM grams g WHERE g.gram = :q"
    total = len(ranked)
    if limit and total == limit:
        total = conn.execute(counted, params).fetchone()[0]
    result = Result(query.strip(), ranking, total)
    for pid, agency, year, key, heading, score in ranked:
        text = conn.execute("SELECT text FROM texts WHERE id = ?", (pid,)).fetchone()[0]
        result.hits.append(Hit(agency, year, key, heading, _sig(score) if ranking == RANKED else score,
                               fold(text).count(q), segments(text, q)))
    return result
