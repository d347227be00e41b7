"""The two PDF readers — pdfium (the default) and pdfplumber — agree, and ``--verify`` flags where not.

On every corpus PDF the two give the same characters (boxes to a hundredth of a point), the
same ruling edges, the same layout and the same report: figures, flags and section texts.
Small PDFs written here cover what the corpus does not: a rotated page, a MediaBox away from
the origin, text pdfium cannot draw, and a disagreement turned into a flagged cell.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from gknb.parsers import PdfSettings, ReadSettings, parse
from gknb.parsers import pdf as reader
from gknb.parsers.layout import Grid, Paragraph
from gknb.parsers.pdf import read_pdf
from gknb.parsers.pdf_paint import visible
from gknb.parsers.pdf_pdfium import font_descents, read_page
from gknb.parsers.pdf_verify import disagreements

from gknb.view import to_view

from .test_read_pdf import BODY, CORPUS_PDFS, HONGZE_2023, _PdfWriter, _table

PLUMBER = PdfSettings("pdfplumber")


def _blocks(layout) -> list[tuple]:
    out: list[tuple] = []
    for b in layout.blocks:
        if isinstance(b, Paragraph):
            out.append(("P", b.text, b.where.page))
        else:
            assert isinstance(b, Grid)
            out.append(("G", b.n_rows, b.n_cols, b.where.page,
                        tuple((c.row, c.col, c.rowspan, c.colspan, c.text) for c in b.cells)))
    return out


def _plumber_chars(page) -> list[dict]:
    return [c for c in page.chars if not c["text"].isspace()]


def _same_chars(mine: list[dict], theirs: list[dict], tol: float = 0.01) -> None:
    """Same text, same boxes; the right edge within a quarter point (pdfium takes some Latin
    glyphs' advance from the font program, pdfminer from the PDF's /Widths).  On a rotated
    page pdfium lists them in another order, which no later step depends on."""
    def order(chars):
        return sorted(chars, key=lambda c: (round(c["top"]), round(c["x0"]), c["text"]))
    mine, theirs = order(mine), order(theirs)
    assert [c["text"] for c in mine] == [c["text"] for c in theirs]
    for a, b in zip(mine, theirs):
        for k in ("x0", "x1", "top", "bottom", "size"):
            assert abs(a[k] - b[k]) <= (0.25 if k == "x1" else tol), (a["text"], k, a[k], b[k])
        assert a["upright"] == b["upright"]


def _edge_set(edges: list[dict]) -> set[tuple]:
    """The edges drawn on paper (the pdfium reader returns only those)."""
    return {(e["object_type"], e["orientation"], round(e["x0"], 2), round(e["top"], 2), round(e["x1"], 2),
             round(e["bottom"], 2), bool(e.get("stroke")), bool(e.get("fill"))) for e in edges if visible(e)}


def _read(doc, i: int, descents=None):
    page = doc[i]
    try:
        return read_page(page, descents)
    finally:
        page.close()  # before the document: pypdfium2 asserts the order in its finalizers


def _compare_pages(path: Path) -> int:
    """Characters and edges of every page, the two engines side by side; how many characters."""
    data = path.read_bytes()
    descents = font_descents(data)
    doc = pdfium.PdfDocument(data)
    n = 0
    with pdfplumber.open(path) as pdf:
        for i, page in enumerate(pdf.pages):
            content = _read(doc, i, descents)
            assert content.lost == 0
            assert abs(content.height - float(page.height)) < 0.01
            _same_chars(content.chars, _plumber_chars(page))
            assert _edge_set(content.edges) == _edge_set(page.edges)
            assert all(visible(e) for e in content.edges)
            n += len(content.chars)
    doc.close()
    return n


# --- the corpus --------------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.stem)
def test_same_characters_and_ruling_on_every_page(path):
    assert _compare_pages(path) > 2000


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.stem)
def test_same_layout_and_report(path):
    assert _blocks(read_pdf(path)) == _blocks(read_pdf(path, PLUMBER))
    first, second = parse(path), parse(path, ReadSettings(pdf=PLUMBER))
    assert disagreements(first, second) == []
    assert first.cell_counts()["exact"] > 180  # the same full reading, not two empty ones
    assert to_view(first) == to_view(second)


# --- what the corpus does not show -------------------------------------------------------


def _table_pdf(path: Path, page_attrs: bytes = b"") -> Path:
    """A ruled table and a paragraph in two-character strings (pdfium draws every one)."""
    pdf = _PdfWriter().new_page()
    pdf.text(100, 80, BODY)
    _table(pdf, (100, 220, 340, 460), 150, [("类别名称", "项目名称", "数量合计"), ("一、结果", "甲乙", "12"),
                                            ("二、其他", "丙丁", "34")])
    pdf.save(path)
    if page_attrs:
        data = path.read_bytes().replace(b"/MediaBox [0 0 595 842.0]", page_attrs)
        path.write_bytes(_fix_xref(data))
    return path


def _fix_xref(data: bytes) -> bytes:
    """Rewrite the cross-reference offsets after an edit changed the objects' lengths."""
    import re
    body, _, _ = data.partition(b"xref\n")
    offsets = [m.start() for m in re.finditer(rb"(?m)^\d+ 0 obj\n", body)]
    table = b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    trailer = data[data.index(b"trailer"):data.index(b"startxref")]
    return body + table + trailer + b"startxref\n%d\n%%%%EOF\n" % len(body)


@pytest.mark.parametrize("attrs", [b"", b"/MediaBox [0 0 595 842.0] /Rotate 90", b"/MediaBox [0 0 595 842.0] /Rotate 270",
                                   b"/MediaBox [30 -40 625 802.0]", b"/MediaBox [0 0 595 842.0] /CropBox [50 50 545 792]"],
                         ids=["plain", "rotate90", "rotate270", "offset", "cropbox"])
def test_page_geometry_as_pdfplumber_sees_it(tmp_path, attrs):
    path = _table_pdf(tmp_path / "t.pdf", attrs)
    assert _compare_pages(path) > 40
    layout = read_pdf(path)
    assert _blocks(layout) == _blocks(read_pdf(path, PLUMBER))
    if b"Rotate" not in attrs:
        assert [b[0] for b in _blocks(layout)] == ["P", "G"]


def test_text_pdfium_cannot_draw_is_read_by_pdfplumber(tmp_path):
    """A single glyph of a font neither embedded nor installed: pdfium's text page drops it."""
    pdf = _PdfWriter().new_page().text(100, 100, BODY).text(100, 130, "甲")
    path = pdf.save(tmp_path / "lost.pdf")
    doc = pdfium.PdfDocument(str(path))
    assert _read(doc, 0).lost == 1
    doc.close()
    text = [b.text for b in read_pdf(path).blocks]
    assert text == [b.text for b in read_pdf(path, PLUMBER).blocks]
    assert "甲" in "".join(text)


def test_white_boxes_and_filled_rules(tmp_path):
    """WPS's white box behind a line is no table; a thin black filled rectangle is a rule."""
    pdf = _PdfWriter().new_page()
    pdf.pages[-1].append("1 1 1 rg 90 700 400 30 re f")  # white box behind the first line
    pdf.text(100, 120, BODY[:20])
    xs, top, h = (100, 220, 340), 300, 30
    for i in range(3):  # rows as thin filled rectangles, columns as stroked lines
        y = 842 - top - i * h
        pdf.pages[-1].append(f"0 0 0 rg {xs[0]} {y - 0.25} {xs[-1] - xs[0]} 0.5 re f")
    for x in xs:
        pdf.line(x, top, x, top + 2 * h)
    pdf.text(104, 308, "第一格子").text(224, 308, "第二格子").text(104, 338, "第三格子").text(224, 338, "第四格子")
    path = pdf.save(tmp_path / "boxes.pdf")
    _compare_pages(path)
    grids = [b for b in read_pdf(path).blocks if isinstance(b, Grid)]
    assert [[c.text for c in row] for g in grids for row in g.rows()] == [["第一格子", "第二格子"], ["第三格子", "第四格子"]]


# --- --verify ------------------------------------------------------------------------------


def test_verify_flags_the_cells_the_readers_disagree_on(monkeypatch):
    """pdfplumber made to misread one figure: that cell, and only that one, is flagged."""
    real = reader._plumber_pages
    expected = parse(HONGZE_2023).cells

    def misread(data):
        for number, height, chars, edges in real(data):
            if number == 2:  # a figure of table 二, at the right of its last column
                figure = next(c for c in chars if c["text"] == "5" and c["x0"] > 460 and c["top"] > 580)
                chars = [dict(c, text="6") if c is figure else c for c in chars]
            yield number, height, chars, edges
    monkeypatch.setattr(reader, "_plumber_pages", misread)
    report = parse(HONGZE_2023, ReadSettings(pdf=PdfSettings(verify=True)))
    flagged = report.flags()
    assert len(flagged) == 1
    (cid, why), = flagged.items()
    assert "两种PDF读取引擎结果不一致" in why and "pdfium读作" in why
    assert report.cells[cid].value == expected[cid].value  # the default reading stands, flagged
    assert any(f.ref == cid and "pdfplumber" in f.message for f in report.findings)


def test_parse_verify_on_the_command_line(tmp_path):
    res = subprocess.run([sys.executable, "-m", "gknb.cli", "parse", "--verify", "--json", HONGZE_2023],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    view = json.loads(res.stdout)
    assert view == to_view(parse(HONGZE_2023))  # the readers agree: nothing flagged, same figures


def test_ingest_verify(tmp_path):
    res = subprocess.run([sys.executable, "-m", "gknb.cli", "ingest", "--verify", HONGZE_2023,
                          "--archive", tmp_path / "档案"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 1, res.stderr  # archived; the report itself breaks two rules
    row = next(line.split() for line in res.stdout.splitlines() if "已归档" in line)
    assert row[4:6] == ["186", "0"]  # 186 cells exact, none flagged: the readers agree
    assert list((tmp_path / "档案" / "reports").rglob("2023.xml"))


# --- the cell finder -------------------------------------------------------------------------


def _intersections(edges: list[dict]):
    from pdfplumber.table import edges_to_intersections, merge_edges
    return edges_to_intersections(merge_edges(edges, 3, 3, 3, 3), 3, 3)


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.stem)
def test_cell_finder_is_pdfplumbers(path):
    from gknb.parsers.pdf_cells import intersections_to_cells
    from pdfplumber.table import intersections_to_cells as theirs
    found = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            points = _intersections([e for e in page.edges if e["orientation"] in ("h", "v") and visible(e)])
            assert intersections_to_cells(points) == theirs(points)
            found += len(points)
    assert found > 100


def test_cell_finder_on_random_rulings():
    import random

    from gknb.parsers.pdf_cells import intersections_to_cells
    from pdfplumber.table import intersections_to_cells as theirs
    rng = random.Random(13)
    cells = 0
    for _ in range(120):
        xs = sorted(rng.sample(range(0, 400, 20), rng.randint(2, 8)))
        ys = sorted(rng.sample(range(0, 400, 20), rng.randint(2, 8)))
        edges = []
        for y in ys:  # pieces of rows and columns, some missing: merged cells, open ends
            a, b = sorted(rng.sample(xs, 2))
            edges.append({"orientation": "h", "x0": a, "x1": b, "top": y, "bottom": y, "width": b - a, "height": 0})
        for x in xs:
            a, b = sorted(rng.sample(ys, 2))
            edges.append({"orientation": "v", "x0": x, "x1": x, "top": a, "bottom": b, "width": 0, "height": b - a})
        points = _intersections(edges)
        assert intersections_to_cells(points) == theirs(points)
        cells += len(theirs(points))
    assert cells > 150  # not a vacuous comparison


def test_ruling_inside_a_form_xobject(tmp_path):
    """Lines and a box drawn in a Form XObject (its /Matrix, placed with cm): edges in page space."""
    form = b"0.5 w 0 0 m 200 0 l S 0 60 m 200 60 l S 0 0 m 0 60 l S 100 0 m 100 60 l S 0 0 0 rg 150 10 40 0.6 re f"
    page = b"q 1 0 0 1 100 500 cm /Fm1 Do Q q 0.5 0 0 0.5 300 100 cm /Fm1 Do Q"
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Fm1 5 0 R >> >> "
               b"/Contents 4 0 R >>"}
    streams = {4: page}
    path = tmp_path / "form.pdf"
    _PdfWriter._write(path, objs, streams, None, b"")
    body, _, rest = path.read_bytes().partition(b"xref\n")  # the form: a stream with a dictionary of its own
    body += (b"5 0 obj\n<< /Type /XObject /Subtype /Form /BBox [0 0 200 60] /Matrix [1 0 0 1 5 5] /Length %d >>\n"
             b"stream\n%s\nendstream\nendobj\n" % (len(form), form))
    path.write_bytes(_fix_xref(body + b"xref\n" + rest).replace(b"/Size 5", b"/Size 6"))
    doc = pdfium.PdfDocument(str(path))
    mine = _read(doc, 0).edges
    doc.close()
    with pdfplumber.open(path) as pdf:
        theirs = pdf.pages[0].edges
    assert len(_edge_set(mine)) >= 10
    assert _edge_set(mine) == _edge_set(theirs)


def test_a_zero_descent_is_read_as_pdfminer_reads_it(tmp_path):
    """LibreOffice writes /Descent 0; pdfium then makes one up from an embedded font's glyphs,
    pdfminer takes 0 (the 平潭 corpus PDF, whose characters match above only so).  A zero
    descent is looked up through pdfminer; a descriptor's own number is pdfium's too."""
    from gknb.parsers.pdf_pdfium import _descents_agree
    path = _table_pdf(tmp_path / "t.pdf")
    data = path.read_bytes()
    assert _descents_agree(data) and font_descents(data) == {}  # the descriptor's -120: pdfium reads it too
    zero = data.replace(b"/Descent -120", b"/Descent -000")
    assert not _descents_agree(zero) and font_descents(zero) == {"TestCJK": 0.0}
    path.write_bytes(zero)
    assert _compare_pages(path) > 40
