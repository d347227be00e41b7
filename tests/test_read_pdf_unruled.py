"""PDF tables printed without ruling (none at all, 三线表, rules between rows only): read from
where their text stands, every figure exact or flagged.

The PDFs are made at test time from the corpus web pages with their table borders taken off,
through LibreOffice, so their expected figures are the pages' own.
"""

from __future__ import annotations

import re

import pytest
from gknb.parsers import parse
from gknb.parsers.layout import Grid, GridCell
from gknb.parsers.pdf import read_pdf
from gknb.parsers.rowmerge import joined_rows, merge_wrapped_rows

from gknb.view import to_view

from .conftest import CORPUS, load_expected
from .scoring import score

pytestmark = [pytest.mark.libreoffice]

PAGES = ["平潭综合实验区_2019", "平潭综合实验区_2021", "平潭综合实验区_2023", "平潭综合实验区_2024",
         "平潭综合实验区_2025", "上海市人民政府办公厅_2019"]
STYLES = {
    "none": '<table border="0" cellpadding="2">',
    "three-line": '<table border="0" cellpadding="2" style="border-top:1.5pt solid black;border-bottom:1.5pt solid black">',
    "rows": '<table border="0" rules="rows" frame="hsides" cellpadding="2">',
}
# Pages whose every cell is printed: each figure must come out exact.  上海 2019 leaves cells
# empty, which a table without ruling cannot tell from a lost figure: those are flagged.
ALL_EXACT = {p for p in PAGES if not p.startswith("上海")}


@pytest.fixture(scope="module")
def unruled(tmp_path_factory):
    from gknb.office import OfficeError, convert
    out = tmp_path_factory.mktemp("unruled")
    sources = []
    for page in PAGES:
        html = (CORPUS / "html" / f"{page}.html").read_text("utf-8")
        for style, tag in STYLES.items():
            path = out / f"{page}.{style}.html"
            path.write_text(re.sub(r"<table[^>]*>", tag, html), "utf-8")
            sources.append(path)
    try:
        pdfs = convert(sources, "pdf", out / "pdf")
    except OfficeError as e:
        pytest.fail(f"LibreOffice is needed for these tests: {e}")
    return {p.stem: p for p in pdfs}


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("page", PAGES)
def test_unruled_tables_are_exact_or_flagged(unruled, page, style):
    pdf = unruled[f"{page}.{style}"]
    assert not [b for b in read_pdf(pdf).blocks if isinstance(b, Grid) and b.ruled]  # no ruling left
    expected = load_expected(CORPUS / "html" / f"{page}.html.expected.json")
    s = score(to_view(parse(pdf)), expected)
    assert s.silent == []
    if page in ALL_EXACT:
        assert s.flagged == 0


WORD = ["平潭综合实验区_2021", "平潭综合实验区_2023", "平潭综合实验区_2025"]
NO_BORDERS = ('<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/>'
              '<w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>')


@pytest.fixture(scope="module")
def unruled_word(tmp_path_factory):
    """The corpus Word reports with every table border removed, printed to PDF by LibreOffice:
    numbers left-aligned under centred headers, labels and figures on different lines."""
    import zipfile

    from gknb.office import OfficeError, convert
    out = tmp_path_factory.mktemp("unruled-word")
    sources = []
    for name in WORD:
        src = zipfile.ZipFile(CORPUS / "docx" / f"{name}.docx")
        path = out / f"{name}.docx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == "word/document.xml":
                    xml = re.sub(r"<w:(tbl|tc)Borders>.*?</w:\1Borders>", "", data.decode("utf-8"), flags=re.S)
                    data = xml.replace("<w:tblPr>", "<w:tblPr>" + NO_BORDERS).encode("utf-8")
                dst.writestr(info, data)
        sources.append(path)
    try:
        pdfs = convert(sources, "pdf", out / "pdf")
    except OfficeError as e:
        pytest.fail(f"LibreOffice is needed for these tests: {e}")
    return dict(zip(WORD, pdfs))


@pytest.mark.parametrize("name", WORD)
def test_word_tables_without_borders_printed_to_pdf_are_exact(unruled_word, name):
    pdf = unruled_word[name]
    assert not [b for b in read_pdf(pdf).blocks if isinstance(b, Grid) and b.ruled]
    s = score(to_view(parse(pdf)), load_expected(CORPUS / "docx" / f"{name}.docx.expected.json"))
    assert s.silent == [] and s.flagged == 0


def _row(*texts):
    return [GridCell(0, k, t) if t else None for k, t in enumerate(texts)]


def test_a_wrapped_label_joins_the_figures_it_surrounds():
    fit = {"（二）部分公开（区分处理的，只计这一情形）": 1.0, "1.属于国家秘密": 1.0}.get
    rows = [_row("（二）部分公开（区分处理的，", "", ""),
            _row("", "19", "20"),
            _row("只计这一情形）", "", ""),
            _row("1.属于国家秘密", "0", "0")]
    merged = merge_wrapped_rows(rows, 1, str.isdigit, lambda t: fit(t, 0.3))
    assert [[c.text if c else "" for c in r] for r in merged] == [
        ["（二）部分公开（区分处理的，只计这一情形）", "19", "20"], ["1.属于国家秘密", "0", "0"]]
    assert joined_rows(merged) == {0}  # placed by position: the sums must confirm it


def test_a_label_line_that_is_a_label_on_its_own_stays_a_row():
    fit = {"第二十条第（五）项": 1.0, "规章": 1.0, "行政许可": 1.0}.get
    rows = [_row("规章", "0"), _row("第二十条第（五）项", ""), _row("行政许可", "7")]
    merged = merge_wrapped_rows(rows, 1, str.isdigit, lambda t: fit(t, 0.3))
    assert [r[0].text for r in merged] == ["规章", "第二十条第（五）项", "行政许可"]
    assert joined_rows(merged) == set()
