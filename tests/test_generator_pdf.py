"""The PDF LibreOffice makes of the generated .docx: read back exactly, laid out as FORMAT.md says,
rendered in the CJK faces each role asks for."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from decimal import Decimal

import pdfplumber
import pytest
from gknb.parsers import parse
from hypothesis import HealthCheck, given, settings

from gknb.generator.pdf import to_pdf
from gknb.rules import check

from .builders import consistent_report
from .test_generator import FEE_CELL, assert_same_figures, figure_sets, figures_of, write

pytestmark = [pytest.mark.libreoffice]

MM = 72 / 25.4


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(r=figure_sets())
def test_pdf_round_trip_gives_back_every_figure(tmp_path, r):
    (pdf,) = to_pdf([write(tmp_path, figures_of(r))], tmp_path)
    assert_same_figures(parse(pdf), r)


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    r = consistent_report(7, agency="某某市某某区数据资源管理局")
    r.set(FEE_CELL, Decimal("3.75"))
    tmp = tmp_path_factory.mktemp("pdf")
    (pdf,) = to_pdf([write(tmp, figures_of(r))], tmp)
    return r, pdf


def test_pdf_reads_back_and_passes_check(sample_pdf):
    r, pdf = sample_pdf
    back = parse(pdf)
    assert_same_figures(back, r)
    assert [v.as_dict() for v in check(back)] == []


def _lines(page) -> list[tuple[str, list[dict]]]:
    rows: dict[int, list[dict]] = {}
    for ch in page.chars:
        rows.setdefault(round(ch["top"] / 3), []).append(ch)
    return [("".join(c["text"] for c in sorted(cs, key=lambda c: c["x0"])), cs) for _, cs in sorted(rows.items())]


def _face(chars: list[dict]) -> tuple[str, float]:
    """The commonest font of a line's CJK characters (of all its characters if it has none), and its size."""
    cjk = [c for c in chars if "\u4e00" <= c["text"] <= "\u9fff"] or [c for c in chars if c["text"].strip()]
    name, size = Counter((c["fontname"].split("+")[-1], round(c["size"], 1)) for c in cjk).most_common(1)[0][0]
    return name, size


def test_layout_fonts_and_page_numbers_follow_the_official_conventions(sample_pdf):
    _, pdf = sample_pdf
    with pdfplumber.open(pdf) as doc:
        pages = doc.pages
        assert len(pages) >= 2
        first = pages[0]
        assert (round(first.width), round(first.height)) == (595, 842)  # A4 portrait
        lines = _lines(first)
        title = lines[0]
        assert title[0].startswith("某某市某某区数据资源管理局")
        assert _face(title[1]) == ("FandolSong-Bold", 22.0)  # 方正小标宋简体, 2号
        body_left = min(c["x0"] for _, cs in lines[1:] for c in cs)
        assert abs(body_left - 28 * MM) < 2  # left margin 28 mm
        assert min(c["top"] for c in first.chars) > 37 * MM - 22  # top margin 37 mm (title's ascent above)
        roles = {}
        for text, chars in (ln for p in pages for ln in _lines(p)):
            if re.match(r"^[一二三四五六]、", text):
                roles.setdefault("heading", _face(chars))
            elif text.startswith("（一）上年度"):
                roles.setdefault("subheading", _face(chars))
            elif text.startswith("本年度新收"):
                roles.setdefault("body", _face(chars))
            elif text.startswith("信息内容"):
                roles.setdefault("table", _face(chars))
        assert roles == {"heading": ("FandolHei-Regular", 16.0), "subheading": ("FandolKai-Regular", 16.0),
                         "body": ("FandolFang-Regular", 16.0), "table": ("FandolSong-Regular", 10.5)}
        for n, page in enumerate(pages, 1):
            text, chars = _lines(page)[-1]
            assert re.sub(r"\s", "", text) == f"—{n}—"
            middle = (min(c["x0"] for c in chars) + max(c["x1"] for c in chars)) / 2
            assert (middle > page.width / 2) == (n % 2 == 1)  # odd pages right, even pages left
            assert _face(chars) == ("FandolSong-Regular", 14.0)  # 4号宋体


def test_pages_render_to_png_in_cjk_faces(sample_pdf, tmp_path):
    _, pdf = sample_pdf
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    for face in ("FandolSong-Bold", "FandolFang-Regular", "FandolHei-Regular", "FandolKai-Regular",
                 "FandolSong-Regular"):
        assert face in fonts
    assert "Mincho" not in fonts and "Gothic" not in fonts  # no Japanese face anywhere
    subprocess.run(["pdftoppm", "-r", "60", "-png", pdf, tmp_path / "page"], check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    with pdfplumber.open(pdf) as doc:
        assert len(pngs) == len(doc.pages)
    assert pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
