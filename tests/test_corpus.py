"""Every document of the corpus parsed and compared with its expected.json.

For every expected cell the parser's answer is exact, flagged, or a silent error.  Silent
errors must be zero everywhere; on PDF, Word and HTML every cell must be exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from gknb.view import to_view
from parsers import parse

from .conftest import CORPUS, EXPECTED, load_expected

EXACT_KINDS = {"pdf", "docx", "html"}
NARRATIVE = ("一", "五", "六")  # table sections (二三四) are compared as figures


def _leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, (*path, k))
    else:
        yield path, node


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return Decimal(str(a)) == Decimal(str(b))


@dataclass
class Score:
    exact: int = 0
    flagged: int = 0
    silent: list = field(default_factory=list)


def score(view: dict, expected: dict) -> Score:
    s = Score()
    for tid in ("proactive", "requests", "review_litigation"):
        got = dict(_leaves(view.get(tid, {})))
        for path, want in _leaves(expected[tid]):
            label = "/".join((tid, *path))
            if label in view["flags"]:
                s.flagged += 1
            elif path in got and _same(got[path], want):
                s.exact += 1
            else:
                s.silent.append((label, want, got.get(path, "（无此单元格）")))
    return s


def document_of(expected_path):
    return expected_path.with_name(expected_path.name.removesuffix(".expected.json"))


@pytest.fixture(scope="module")
def parsed():
    cache = {}

    def get(path):
        if path not in cache:
            cache[path] = parse(path)
        return cache[path]
    return get


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: f"{p.parent.name}/{p.name[:-14]}")
def test_figures_match_expected(expected_path, parsed):
    doc = document_of(expected_path)
    if doc.parent.name not in EXACT_KINDS:
        pytest.skip("plain text and Markdown: see test_text_corpus")
    expected = load_expected(expected_path)
    report = parsed(doc)
    s = score(to_view(report), expected)
    assert s.silent == []
    assert s.flagged == 0
    assert (report.agency, report.year, report.format) == (expected["agency"], expected["year"], expected["format"])


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: f"{p.parent.name}/{p.name[:-14]}")
def test_sections_start_and_end_as_recorded(expected_path, parsed):
    doc = document_of(expected_path)
    if doc.parent.name not in EXACT_KINDS:
        pytest.skip("plain text and Markdown: see test_text_corpus")
    expected = load_expected(expected_path)
    view = to_view(parsed(doc))
    for key, want in expected["sections"].items():
        if key in NARRATIVE:
            assert view["sections"].get(key) == want, key


def test_provenance_of_pdf_and_word_figures(parsed):
    pdf = parsed(CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf")
    cell = pdf.cells["review_litigation.reconsideration.upheld"]
    assert cell.where.page is not None and cell.where.box is not None
    word = parsed(CORPUS / "docx" / "平潭综合实验区_2023.docx")
    cell = word.cells["requests.new.total"]
    assert (cell.where.table, cell.where.row, cell.where.col) == (1, 3, 9)


def test_mixed_format_and_typo_are_reported(parsed):
    report = parsed(CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf")
    assert report.table_formats["requests"] == "2019"
    assert any(f.kind == "altered-table" for f in report.findings)
    assert report.value("requests.withheld_prohibited.total") is not None  # matched despite "行政止公开"
