"""Queries of one or two characters: every such substring of a part, counted, in a B-tree.

A trigram index cannot answer a query shorter than three characters, and scanning every
text for one is slow on a large archive.  So each distinct character and pair of adjacent
characters of a part's folded text (:mod:`.fold`) is kept with its number of occurrences
(counted as ``str.count`` counts: without overlap), keyed (gram, count, part): a short query
is one index range, its total a count of that range and its best hits the range's last
rows.  Folded text holds no whitespace, nor does a folded query.

Rows are inserted through a staging table and merged in key order: a whole archive's grams
(millions of rows) then fill the B-tree front to back instead of at random leaves.
"""

from __future__ import annotations

from collections import Counter

import apsw

from .fold import fold

SHORT = 2  # the longest query answered here; longer ones go through the trigram index

Gram = tuple[str, int]  # (one or two characters, occurrences in the part)


def grams(text: str) -> tuple[Gram, ...]:
    """Every queryable 1- and 2-character substring of ``text`` with its count, sorted."""
    counts = Counter(text)
    counts.update(map(str.__add__, text, text[1:]))
    out = []
    for g, n in counts.items():
        if any(c.isspace() for c in g):
            continue
        if len(g) == 2 and g[0] == g[1]:
            n = text.count(g)  # "哈哈哈" holds 哈哈 once without overlap, twice with
        out.append((g, n))
    return tuple(sorted(out))


def stage(conn: apsw.Connection, part_id: int, rows: tuple[Gram, ...]) -> None:
    """Queue a part's grams for :func:`merge` (inside the caller's transaction)."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS staged_grams(gram TEXT, n INTEGER, part INTEGER)")
    conn.executemany("INSERT INTO staged_grams VALUES (?,?,?)", ((g, n, part_id) for g, n in rows))


def merge(conn: apsw.Connection) -> None:
    """Move the staged grams into the index, in key order."""
    if not conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'staged_grams'").fetchall():
        return
    conn.execute("INSERT INTO grams SELECT gram, n, part FROM staged_grams ORDER BY gram, n, part")
    conn.execute("DELETE FROM staged_grams")


def drop(conn: apsw.Connection, part_id: int, text: str) -> None:
    """Remove a part's grams, found again from its stored text (no index by part is kept)."""
    conn.executemany("DELETE FROM grams WHERE gram = ? AND n = ? AND part = ?",
                     ((g, n, part_id) for g, n in grams(fold(text))))


def floor(conn: apsw.Connection, query: str, limit: int) -> int:
    """The lowest count among the ``limit`` best parts for ``query`` (0 if fewer match).

    Over the whole archive, no part counting fewer can be among the first ``limit``: the
    ranked query is then restricted to the top of the range instead of all of it.
    """
    row = conn.execute("SELECT n FROM grams WHERE gram = ? ORDER BY n DESC LIMIT 1 OFFSET ?",
                       (query, limit - 1)).fetchone()
    return row[0] if row else 0
