"""Full-text search over an archive built from the real corpus.

The reference is a plain scan of the archive's XML files with lxml, written here
independently of gknb: for every query the index must return exactly the parts the scan
finds (title, preamble, sections; a part's text is its heading line and paragraphs), text
and query folded as the search promises (whitespace, character widths, Latin case, ○/〇).
"""

from __future__ import annotations

import random
import shutil
import unicodedata
from pathlib import Path

import opencc
import pytest
from gknb.archive.store import Store
from gknb.jobs.ingest import ingest
from lxml import etree

from gknb.search.errors import SearchError
from gknb.search.fulltext import search
from gknb.search.index import Index
from gknb.search.scope import Scope, make_scope
from gknb.search.snippet import MARK
from tests.conftest import CORPUS

NS = {"a": "urn:gknb:archive:1"}

# Real documents of several kinds and agencies; each (agency, year) once, so none is refused.
CORPUS_FILES = [
    "docx/平潭综合实验区_2021.docx", "docx/平潭综合实验区_2023.docx", "docx/平潭综合实验区_2025.docx",
    "html/平潭综合实验区_2019.html", "html/平潭综合实验区_2024.html", "html/上海市人民政府办公厅_2019.html",
    "pdf/淮安市洪泽区人民政府_2023.pdf", "pdf/淮安市洪泽区人民政府_2024.pdf",
    "txt/平潭综合实验区_2017.txt", "txt/泽州县应急管理局_2025.txt",
    "md/上海市科学技术委员会_2024.md", "md/沭阳县人民政府_2025.md",
    "excerpts/02_cqjlp_九龙坡区二郎街道办事处_2022.txt", "excerpts/04_xiaogan_孝感市人民政府办公室_2020_2019format.txt",
    "excerpts/10_kaili_凯里市万潮镇_2023_date_typo.txt",
]
TRADITIONAL = "excerpts/07_996bkk_mirror_市场监督管理局_2024_TRADITIONAL_CHINESE.txt"  # names no agency


_BUILT: list[Path] = []  # the other test_search_* modules reuse these fixtures: ingest once per run


@pytest.fixture(scope="session")
def corpus_archive(tmp_path_factory) -> Path:
    """An archive of real reports (read-only for tests: copy it before changing anything)."""
    if not _BUILT:
        root = tmp_path_factory.mktemp("search") / "archive"
        outcomes = ingest(Store(root), [CORPUS / f for f in CORPUS_FILES], workers=2)
        failed = [o.error for o in outcomes if o.status == "failed"]
        assert not failed, failed
        _BUILT.append(root)
    return _BUILT[0]


@pytest.fixture()
def archive(corpus_archive, tmp_path) -> Path:
    """A private copy of the corpus archive, free to change."""
    root = tmp_path / "archive"
    shutil.copytree(corpus_archive, root)
    return root


@pytest.fixture(scope="session")
def index(corpus_archive, tmp_path_factory):
    root = tmp_path_factory.mktemp("search-ro") / "archive"
    shutil.copytree(corpus_archive, root)
    with Index(Store(root)) as ix:
        ix.refresh()
        yield ix


# --------------------------------------------------------------------------- the reference scan

def scan_parts(root: Path) -> dict[tuple[str, int, str], str]:
    """(agency directory, year, part key) -> text, read straight from the XML files."""
    out = {}
    for f in sorted((root / "reports").glob("*/*.xml")):
        if not f.stem.isdigit():
            continue
        doc = etree.parse(str(f)).getroot()
        agency, year = f.parent.name, int(f.stem)
        title = doc.find("a:title", NS)
        if title is not None:
            out[(agency, year, "title")] = title.text or ""
        pre = doc.find("a:preamble", NS)
        if pre is not None:
            out[(agency, year, "preamble")] = "\n".join(p.text or "" for p in pre.findall("a:p", NS))
        for sec in doc.findall("a:section", NS):
            heading = sec.find("a:heading", NS)
            lines = [heading.text] if heading is not None and heading.text else []
            lines += [p.text or "" for p in sec.findall("a:p", NS)]
            out[(agency, year, sec.get("key"))] = "\n".join(lines)
    return out


_T2S = opencc.OpenCC("t2s")


def folded(text: str) -> str:
    """What the search promises not to tell apart: spaces and line breaks, full- and
    half-width forms, Traditional and Simplified (one character for one), Latin case, ○ typed
    for 〇."""
    out = []
    for c in text:
        if c.isspace():
            continue
        f = unicodedata.normalize("NFKC", c)
        f = f if len(f) == 1 else c
        s = _T2S.convert(f)
        f = s if len(s) == 1 else f
        f = "〇" if f in "○◯" else f
        out.append(f.lower() if f.isascii() else f)
    return "".join(out)


def scan(root: Path, query: str, keep=lambda key: True) -> set[tuple[str, int, str]]:
    q = folded(query)
    return {key for key, text in scan_parts(root).items() if q in folded(text) and keep(key)}


def found(ix: Index, query: str, scope: Scope | None = None) -> set[tuple[str, int, str]]:
    result = search(ix.connection(), query, scope, limit=None)
    keys = [(h.agency, h.year, h.section) for h in result.hits]
    assert len(keys) == len(set(keys)) == result.total
    return set(keys)


# --------------------------------------------------------------------------- queries

FIXED_QUERIES = [
    # one character: common, rare, punctuation, digits, Latin, absent
    "公", "年", "的", "镇", "沐", "沭", "〔", "“", "（", "5", "H", "龘", "㐀",
    # two characters
    "公开", "申请", "复议", "整改", "平潭", "政务", "收费", "网站", "诉讼", "不予", "国资", "科委", "上年", "澳门",
    # across word boundaries
    "开申请", "息公开工", "年度报", "公开工作年度", "务公开标", "府信息公", "请公开申",
    # longer phrases and ones with no hit
    "依申请公开", "政府信息公开工作年度报告", "存在的主要问题及改进情况", "量子计算机",
    "区块链治理平台建设试点", "政府信息公开工作年度报告书",
    # Latin case, spaces and character widths are folded (in the index as in the scan)
    "H5等", "h5等", "www.pingtan", "WWW.PINGTAN", "0591-", "年报 平潭", "２０２４年", "2024 年", "（一）",
    "二○二三", "二〇二三",
    # FTS5 syntax must be taken literally
    '"公开"', "公开*", "AND", "NEAR(公开 申请)", "公开 OR 申请", "-公开", "^公开",
]


def sampled_queries(root: Path, n: int = 60) -> list[str]:
    """Substrings of 1-12 characters cut from the archive's own text at random places."""
    rnd = random.Random(2025)
    parts = sorted(scan_parts(root).items())
    texts = [t for _, t in parts if len(t) > 20]
    out = []
    while len(out) < n:
        text = rnd.choice(texts)
        length = rnd.choice([1, 2, 3, 4, 5, 6, 8, 10, 12])
        start = rnd.randrange(0, len(text) - length)
        q = text[start:start + length]
        if "\n" not in q and q == q.strip():
            out.append(q)
    return out


def test_fixed_queries_find_exactly_what_a_scan_finds(index):
    root = index.store.root
    for q in FIXED_QUERIES:
        assert found(index, q) == scan(root, q), q


def test_sampled_queries_of_1_to_12_characters_find_exactly_what_a_scan_finds(index):
    root = index.store.root
    queries = sampled_queries(root)
    assert {len(q) for q in queries} >= {1, 2, 3, 6, 12}
    for q in queries:
        expected = scan(root, q)
        assert expected, q  # cut from the text: at least its own part
        assert found(index, q) == expected, q


def test_queries_cover_both_paths_and_the_no_hit_case(index):
    root = index.store.root
    assert len(scan(root, "公")) > 20  # many parts for one character
    assert scan(root, "开申请") and scan(root, "务公开标")  # substrings crossing word boundaries
    assert not scan(root, "量子计算机") and not found(index, "量子计算机")
    assert scan(root, "H5等") == scan(root, "h5等") != set()  # Latin case folded
    assert scan(root, "www.pingtan") == scan(root, "WWW.PINGTAN") != set()
    assert not found(index, "龘")


def test_a_query_spans_a_line_break_or_a_space_within_a_part_never_two_parts(index):
    root = index.store.root
    parts = scan_parts(root)
    key, text = next((k, t) for k, t in sorted(parts.items()) if t.count("\n") >= 2)
    first, second = text.split("\n")[1:3]
    q = first[-3:] + second[:3]
    assert key in found(index, q) == scan(root, q)  # hard-wrapped prose is found across its breaks
    # 上海 2024 (Markdown from a PDF) prints "市科委 2024 年": found by "2024年", quoted as printed.
    hits = search(index.connection(), "市科委2024年", limit=None).hits
    assert [(h.agency, h.year) for h in hits] == [("上海市科委", 2024)] * len(hits) and hits
    assert "【市科委 2024 年】" in hits[0].as_dict()["snippet"]
    assert found(index, "２０２４年") == found(index, "2024年") == scan(root, "2024 年")
    # The end of a title and the start of the preamble: two parts, never one hit.
    agency, year = next((k[0], k[1]) for k in sorted(parts) if k[2] == "title" and (k[0], k[1], "preamble") in parts)
    q = parts[(agency, year, "title")][-3:] + parts[(agency, year, "preamble")][:3]
    assert (agency, year, "title") not in found(index, q) and (agency, year, "preamble") not in found(index, q)


def test_a_report_in_traditional_characters_is_found_by_a_query_in_simplified(archive):
    # A mirror site's copy of a report in Traditional characters (主動公開情況): "主动公开情况"
    # missed it; it is found now, and quoted as printed.
    [done] = ingest(Store(archive), [CORPUS / TRADITIONAL], agency="某市场监督管理局")
    assert done.status != "failed", done.error
    with Index(Store(archive)) as ix:
        ix.refresh()
        hits = [h for h in search(ix.connection(), "主动公开情况", limit=None).hits if h.agency == "某市场监督管理局"]
        assert hits and "【主動公開情況】" in hits[0].as_dict()["snippet"]
        assert found(ix, "主动公开情况") == scan(archive, "主动公开情况") == scan(archive, "主動公開情況")


def test_counts_and_ranking(index):
    parts = scan_parts(index.store.root)
    for q in ("公", "公开", "申请"):
        result = search(index.connection(), q, limit=None)
        assert result.ranking == "count"
        scores = [h.score for h in result.hits]
        assert scores == sorted(scores, reverse=True)
        for h in result.hits:
            assert h.score == h.count == folded(parts[(h.agency, h.year, h.section)]).count(q)
    for q in ("依申请公开", "行政复议", "政府信息公开工作年度报告"):
        result = search(index.connection(), q, limit=None)
        assert result.ranking == "bm25"
        scores = [h.score for h in result.hits]
        assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
        for h in result.hits:
            assert h.count == folded(parts[(h.agency, h.year, h.section)]).count(q) > 0


def test_limit_keeps_the_best_and_reports_the_total(index):
    full = search(index.connection(), "公开", limit=None)
    top = search(index.connection(), "公开", limit=5)
    assert top.total == full.total > 5
    assert [h.as_dict() for h in top.hits] == [h.as_dict() for h in full.hits[:5]]
    long_full = search(index.connection(), "信息公开", limit=None)
    long_top = search(index.connection(), "信息公开", limit=3)
    assert long_top.total == long_full.total and long_top.hits == long_full.hits[:3]


def short_queries(parts: dict[tuple[str, int, str], str], pairs: int = 600) -> list[str]:
    """Every character of the archive's text, and pairs of adjacent ones cut at random places."""
    rnd = random.Random(13)
    texts = sorted(parts.values())
    chars = sorted({c for t in texts for c in t if not c.isspace()})
    out: list[str] = []
    while len(out) < pairs:
        text = rnd.choice(texts)
        start = rnd.randrange(0, len(text) - 1)
        q = text[start:start + 2]
        if not any(c.isspace() for c in q):
            out.append(q)
    return chars + out


def test_every_short_query_of_a_sample_finds_exactly_what_a_scan_finds(index):
    parts = scan_parts(index.store.root)
    queries = short_queries(parts)
    assert len(queries) > 1000 and any(q[0] == q[1] for q in queries if len(q) == 2)
    conn = index.connection()
    for q in [*queries, "哈哈", "龘龘", "1", "1 ", " 1", "１", "Ａ", "a"]:
        f = folded(q)
        expected = {key: folded(text).count(f) for key, text in parts.items() if f in folded(text)}
        result = search(conn, q, limit=None)
        assert {(h.agency, h.year, h.section): h.score for h in result.hits} == expected, q
        assert result.total == len(expected) and result.ranking == "count", q


def test_short_queries_with_a_limit_keep_the_best_and_the_total(index):
    conn = index.connection()
    for q in ("公", "的", "开", "公开", "信息", "镇", "（", "沭"):
        full = search(conn, q, limit=None)
        for limit in (1, 3, 10):
            top = search(conn, q, limit=limit)
            assert top.total == full.total, (q, limit)
            assert [h.as_dict() for h in top.hits] == [h.as_dict() for h in full.hits[:limit]], (q, limit)


def test_short_queries_are_index_lookups_not_scans(index):
    """Every statement a 1- or 2-character search runs searches an index: none scans a table."""
    conn = index.connection()
    statements: list[tuple[str, object]] = []

    def trace(cursor, sql, bindings):
        statements.append((sql, bindings))
        return True

    for q in ("公", "公开", "龘"):
        statements.clear()
        conn.exec_trace = trace
        try:
            search(conn, q, limit=20)
        finally:
            conn.exec_trace = None
        assert statements, q
        for sql, bindings in statements:
            plan = [row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", bindings)]
            assert all(step.startswith(("SEARCH", "USE TEMP B-TREE")) for step in plan), (q, sql, plan)


def test_snippets_mark_the_hits_in_the_parts_text(index):
    parts = scan_parts(index.store.root)
    for q in ("公", "复议", "依申请公开", "政府信息公开工作年度报告"):
        for h in search(index.connection(), q, limit=None).hits:
            text = parts[(h.agency, h.year, h.section)].replace("\n", " ¶ ")
            marked = h.as_dict()["snippet"]
            plain = marked.replace(MARK[0], "").replace(MARK[1], "").strip("…")
            assert plain in text  # quoted as printed
            hits = [s for s, hit in h.snippet if hit]
            assert hits and all(folded(s.replace(" ¶ ", "\n")) == q for s in hits)


# --------------------------------------------------------------------------- filters

def test_filters_agree_with_the_scan(index):
    root, conn, store = index.store.root, index.connection(), index.store
    for q in ("公", "公开", "依申请公开"):
        scope = make_scope(conn, store, agency="平潭综合实验区")
        assert found(index, q, scope) == scan(root, q, lambda k: k[0] == "平潭综合实验区")
        scope = make_scope(conn, store, agency="平潭")  # part of a name
        assert found(index, q, scope) == scan(root, q, lambda k: k[0] == "平潭综合实验区")
        scope = make_scope(conn, store, year=2024)
        assert found(index, q, scope) == scan(root, q, lambda k: k[1] == 2024)
        scope = make_scope(conn, store, years="2019-2023")
        assert found(index, q, scope) == scan(root, q, lambda k: 2019 <= k[1] <= 2023)
        scope = make_scope(conn, store, years="2023-")
        assert found(index, q, scope) == scan(root, q, lambda k: k[1] >= 2023)
        scope = make_scope(conn, store, sections=("五",))
        assert found(index, q, scope) == scan(root, q, lambda k: k[2] == "五")
        scope = make_scope(conn, store, sections=("标题", "前言"))
        assert found(index, q, scope) == scan(root, q, lambda k: k[2] in ("title", "preamble"))
        scope = make_scope(conn, store, agency="平潭综合实验区", years="2021-2024", sections=("一", "五"))
        assert found(index, q, scope) == scan(
            root, q, lambda k: k[0] == "平潭综合实验区" and 2021 <= k[1] <= 2024 and k[2] in ("一", "五"))


def test_an_agency_is_found_under_any_name_the_store_accepts(index):
    conn, store = index.connection(), index.store
    # The 2024 report prints 淮安市洪泽区人民政府; the store keeps it with 洪泽区人民政府.
    assert make_scope(conn, store, agency="淮安市洪泽区人民政府").agency == "洪泽区人民政府"
    assert {(a, y) for a, y, _ in found(index, "公开", make_scope(conn, store, agency="洪泽区人民政府"))} == {
        ("洪泽区人民政府", 2023), ("洪泽区人民政府", 2024)}


def test_bad_filters_are_errors(index):
    conn, store = index.connection(), index.store
    with pytest.raises(SearchError, match="没有机关"):
        make_scope(conn, store, agency="不存在的机关")
    with pytest.raises(SearchError, match="不明确"):
        make_scope(conn, store, agency="上海")
    with pytest.raises(SearchError):
        make_scope(conn, store, year=2020, years="2019-2021")
    with pytest.raises(SearchError):
        make_scope(conn, store, years="2023-2019")
    with pytest.raises(SearchError):
        make_scope(conn, store, years="去年")
    with pytest.raises(SearchError):
        make_scope(conn, store, sections=("七",))
    with pytest.raises(SearchError):
        search(conn, "   ")
