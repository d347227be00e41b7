"""parsers.pdf.read_pdf on the real corpus PDFs and on small PDFs written here.

The synthetic PDFs are built byte by byte (``_PdfWriter``) with a CID font whose
ToUnicode map we control: that gives CJK text, radicals, fake bold, ruled tables across
pages, encryption and unmapped glyphs without any PDF-writing library.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import struct
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from gknb.parsers.errors import DocumentError
from gknb.parsers.layout import Grid, Layout, Paragraph
from gknb.parsers.pdf import read_pdf

from tests.scans import coarse_page

PDF_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "pdf"
HONGZE_2023 = PDF_DIR / "淮安市洪泽区人民政府_2023.pdf"
HONGZE_2024 = PDF_DIR / "淮安市洪泽区人民政府_2024.pdf"
PINGTAN_2023 = PDF_DIR / "平潭综合实验区_2023.pdf"
CORPUS_PDFS = [HONGZE_2023, HONGZE_2024, PINGTAN_2023]

CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
PAGE_NUMBER = re.compile(r"^[-—–\s]*\d{1,3}[-—–\s]*$")
GLUED_FOOTER = re.compile(r"[-—–]\s*\d{1,3}\s*[-—–]")  # "- 3 -" left inside some text


# --- helpers ----------------------------------------------------------------------------


@functools.cache
def layout_of(path: Path) -> Layout:
    """Parse each corpus file once per test session (pdfplumber is the slow part)."""
    return read_pdf(path)


def expected_of(path: Path) -> dict:
    return json.loads(path.with_name(path.name + ".expected.json").read_text("utf-8"))


def grids(layout: Layout) -> list[Grid]:
    return [b for b in layout.blocks if isinstance(b, Grid)]


def paragraphs(layout: Layout) -> list[str]:
    return [b.text for b in layout.blocks if isinstance(b, Paragraph)]


def flat_text(layout: Layout) -> str:
    """All text in reading order, cells row by row, whitespace removed."""
    out = []
    for b in layout.blocks:
        if isinstance(b, Paragraph):
            out.append(b.text)
        else:
            out.extend(c.text for c in sorted(b.cells, key=lambda c: (c.row, c.col)))
    return re.sub(r"\s", "", "".join(out))


def is_figure(text: str) -> bool:
    return re.fullmatch(r"\d+(?:\.\d+)?", text) is not None


def figure_rows(grid: Grid, width: int) -> list[list[str]]:
    """The last ``width`` cells of every row that ends in ``width`` figures."""
    rows = [[c.text for c in row] for row in grid.rows()]
    return [r[-width:] for r in rows if len(r) >= width and all(map(is_figure, r[-width:]))]


def table_three(layout: Layout) -> Grid:
    found = [g for g in grids(layout) if "申请人情况" in {c.text for c in g.cells}]
    assert len(found) == 1, [(g.where.page, g.n_rows, g.n_cols) for g in grids(layout)]
    return found[0]


def expect_error(path: Path, phrase: str) -> None:
    start = time.perf_counter()
    with pytest.raises(DocumentError) as info:
        read_pdf(path)
    assert time.perf_counter() - start < 30, "a hang guard, not a speed test"
    message = str(info.value)
    assert path.name in message
    assert phrase in info.value.problem
    assert re.search(CJK, info.value.problem)


# --- a tiny PDF writer ------------------------------------------------------------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
_PAGE_H = 842.0


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


class _PdfWriter:
    """Pages of CID-font text and ruling lines; coordinates are pdfplumber's (top-left)."""

    def __init__(self, to_unicode: bool = True):
        self.to_unicode = to_unicode
        self.cids: dict[str, int] = {}
        self.pages: list[list[str]] = []

    def new_page(self) -> _PdfWriter:
        self.pages.append([])
        return self

    def text(self, x: float, top: float, s: str, size: float = 12.0) -> _PdfWriter:
        codes = "".join(f"{self.cids.setdefault(ch, len(self.cids) + 1):04X}" for ch in s)
        y = _PAGE_H - top - size * 0.88  # baseline: the default font ascent is 0.88 em
        self.pages[-1].append(f"BT /F1 {size} Tf {x} {y:.2f} Td <{codes}> Tj ET")
        return self

    def line(self, x0: float, top0: float, x1: float, top1: float) -> _PdfWriter:
        self.pages[-1].append(f"0.5 w {x0} {_PAGE_H - top0} m {x1} {_PAGE_H - top1} l S")
        return self

    def save(self, path: Path, user_pw: bytes | None = None, owner_pw: bytes = b"owner") -> Path:
        objs: dict[int, bytes] = {}
        n = len(self.pages)
        kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
        objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
        objs[2] = f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode()
        font, cid_font, cmap, descriptor = 3 + 2 * n, 4 + 2 * n, 5 + 2 * n, 6 + 2 * n
        streams = {}
        for i, ops in enumerate(self.pages):
            page, content = 3 + 2 * i, 4 + 2 * i
            objs[page] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 {_PAGE_H}] "
                          f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>").encode()
            streams[content] = "\n".join(ops).encode()
        tu = f" /ToUnicode {cmap} 0 R" if self.to_unicode else ""
        objs[font] = (f"<< /Type /Font /Subtype /Type0 /BaseFont /TestCJK /Encoding /Identity-H "
                      f"/DescendantFonts [{cid_font} 0 R]{tu} >>").encode()
        objs[cid_font] = (f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestCJK /DW 1000 "
                          f"/FontDescriptor {descriptor} 0 R "
                          f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>").encode()
        objs[descriptor] = (b"<< /Type /FontDescriptor /FontName /TestCJK /Flags 4 /ItalicAngle 0 "
                            b"/FontBBox [0 -120 1000 880] /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
        streams[cmap] = self._cmap()
        return self._write(path, objs, streams, user_pw, owner_pw)

    def _cmap(self) -> bytes:
        pairs = [f"<{cid:04X}> <{ord(ch):04X}>" for ch, cid in self.cids.items()]
        chunks = [pairs[i:i + 100] for i in range(0, len(pairs), 100)]
        body = "".join(f"{len(c)} beginbfchar\n" + "\n".join(c) + "\nendbfchar\n" for c in chunks)
        return ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
                "1 begincodespacerange <0000> <FFFF> endcodespacerange\n" + body +
                "endcmap CMapName currentdict /CMap defineresource pop end end").encode()

    @staticmethod
    def _write(path, objs, streams, user_pw, owner_pw) -> Path:
        """Serialise; with ``user_pw`` set, encrypt with the standard RC4 40-bit handler."""
        file_id = hashlib.md5(str(path).encode()).digest()
        key = None
        trailer = ""
        if user_pw is not None:
            perms = -3904  # printing allowed, copying forbidden: what agencies often set
            owner = _rc4(hashlib.md5((owner_pw + _PAD)[:32]).digest()[:5], (user_pw + _PAD)[:32])
            key = hashlib.md5((user_pw + _PAD)[:32] + owner + struct.pack("<i", perms) + file_id).digest()[:5]
            enc = max(list(objs) + list(streams)) + 1
            objs[enc] = (f"<< /Filter /Standard /V 1 /R 2 /O <{owner.hex()}> "
                         f"/U <{_rc4(key, _PAD).hex()}> /P {perms} >>").encode()
            trailer = f" /Encrypt {enc} 0 R"
        for num, data in streams.items():
            if key is not None:
                data = _rc4(hashlib.md5(key + num.to_bytes(3, "little") + b"\0\0").digest()[:10], data)
            objs[num] = b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = {}
        for num in sorted(objs):
            offsets[num] = len(out)
            out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
        xref = len(out)
        size = max(objs) + 1
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        out += b"".join(b"%010d 00000 n \n" % offsets[i] for i in range(1, size))
        out += (f"trailer\n<< /Size {size} /Root 1 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>]"
                f"{trailer} >>\nstartxref\n{xref}\n%%EOF\n").encode()
        path.write_bytes(bytes(out))
        return path


BODY = "本报告根据条例要求编制，数据统计期限自一月一日起至十二月三十一日止。"


def _table(pdf: _PdfWriter, xs, top: float, rows, open_top=False, open_bottom=False, h=30.0) -> None:
    """Draw a ruled table.  A ``None`` cell continues the cell above it (no line between);
    ``""`` is an empty cell of its own.  ``open_*``: no ruling along a page cut."""
    for i, row in enumerate(rows):
        y = top + i * h
        for j, cell in enumerate(row):
            if cell is not None and not (i == 0 and open_top):
                pdf.line(xs[j], y, xs[j + 1], y)
            if cell:
                pdf.text(xs[j] + 4, y + 8, cell)
    bottom = top + len(rows) * h
    if not open_bottom:
        pdf.line(xs[0], bottom, xs[-1], bottom)
    for x in xs:
        pdf.line(x, top, x, bottom)


XS = (100, 200, 350, 450)
HEADER = ("类别", "项目", "数量")


def _split_table_pdf(path: Path, running_head: str = "", footers=("- 1 -", "- 2 -")) -> Path:
    """A 3-column table cut by a page break: header repeated on page 2, a group cell
    spanning the break, page numbers under both parts, no ruling along the cut."""
    pdf = _PdfWriter().new_page()
    if running_head:
        pdf.text(200, 50, running_head, size=10)
    pdf.text(100, 500, BODY[:28]).text(100, 520, BODY[28:])
    _table(pdf, XS, 600, [HEADER, ("一、办理结果", "甲", "11"), (None, "乙", "22"), (None, "丙", "33")],
           open_bottom=True)
    pdf.text(280, 800, footers[0])
    pdf.new_page()
    if running_head:
        pdf.text(200, 50, running_head, size=10)
    _table(pdf, XS, 100, [HEADER, ("", "丁", "44"), ("二、其他", "戊", "55")])
    pdf.text(100, 250, "表格之后的一段文字。")
    pdf.text(280, 800, footers[1])
    return pdf.save(path)


# --- the corpus: tables -----------------------------------------------------------------


def test_hongze_2023_table_three_is_one_grid_across_the_page_break():
    grid = table_three(layout_of(HONGZE_2023))
    assert grid.where.page == 3
    assert grid.n_cols == 10
    assert {c.where.page for c in grid.cells} == {3, 4}
    # The group cell printed on page 3 continues down to （七）总计 on page 4.
    group = next(c for c in grid.cells if c.text == "三、本年度办理结果")
    last = grid.cell_at(group.row + group.rowspan - 1, 1)
    assert last.text == "（七）总计"
    assert group.where.page == 3


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.stem)
def test_table_three_figures_in_row_order(path):
    expected = [[str(v) for v in row.values()] for row in expected_of(path)["requests"].values()]
    assert figure_rows(table_three(layout_of(path)), 7) == expected


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.stem)
def test_tables_two_and_four_figures(path):
    exp = expected_of(path)
    layout = layout_of(path)
    table_two = grids(layout)[0]
    figures = [c.text for c in sorted(table_two.cells, key=lambda c: (c.row, c.col)) if is_figure(c.text)]
    assert figures == [str(v) for block in exp["proactive"].values() for row in block.values() for v in row.values()]
    table_four = next(g for g in grids(layout) if g.n_cols == 15)
    assert figure_rows(table_four, 15) == [[str(v) for grp in exp["review_litigation"].values() for v in grp.values()]]


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.stem)
def test_one_grid_per_table(path):
    # Table 二 also crosses a page in the 洪泽 reports; no line-background "tables".
    assert [g.n_cols for g in grids(layout_of(path))] == [4, 10, 15]


def test_vertical_header_is_joined():
    for path in (HONGZE_2023, HONGZE_2024, PINGTAN_2023):
        texts = {c.text for c in table_three(layout_of(path)).cells}
        assert "三、本年度办理结果" in texts
        assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in texts


def test_merged_cells_have_spans():
    grid = table_three(layout_of(HONGZE_2023))
    note = grid.cell_at(0, 0)
    assert note.text.startswith("（本列数据") and (note.rowspan, note.colspan) == (3, 3)
    assert grid.cell_at(0, 9).text == "申请人情况"
    assert grid.cell_at(2, 9).text == "总计"  # the 2-row 总计 header covers row 2
    assert grid.cell_at(1, 4).text == "法人或其他组织" and grid.cell_at(1, 4).colspan == 5


# --- the corpus: text -------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.stem)
def test_section_starts_and_ends_are_in_the_text(path):
    text = flat_text(layout_of(path))
    for name, section in expected_of(path)["sections"].items():
        assert section["starts"] in text, name
        assert section["ends"] in text, name


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.stem)
def test_headings_start_paragraphs(path):
    paras = paragraphs(layout_of(path))
    assert "一、总体情况" in paras
    assert any(p.startswith("（一）主动公开") for p in paras)
    assert "六、其他需要报告的事项" in paras


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.stem)
def test_no_page_numbers_in_text_or_cells(path):
    layout = layout_of(path)
    cells = [c.text for g in grids(layout) for c in g.cells]
    for text in paragraphs(layout) + cells:
        assert not GLUED_FOOTER.search(text), text
    assert not any(PAGE_NUMBER.match(p) for p in paragraphs(layout))


@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.stem)
def test_no_spaces_inside_chinese(path):
    layout = layout_of(path)
    for text in paragraphs(layout) + [c.text for g in grids(layout) for c in g.cells]:
        assert not re.search(rf"{CJK}\s|\s{CJK}", text), text


def test_wrapped_lines_join_into_paragraphs():
    paras = paragraphs(layout_of(PINGTAN_2023))
    first = next(p for p in paras if p.startswith("2023年，平潭综合实验区"))
    assert first.endswith("积极助力实验区经济社会发展。")
    # A paragraph wrapped over a page break stays whole.
    assert any("五是加强政务新媒体管理" in p and p.endswith("新开设1个政务新媒体。") for p in paras)
    hongze = paragraphs(layout_of(HONGZE_2023))
    assert any(p.endswith("电子邮箱：hzzwgk@126.com）。") for p in hongze)


def test_blocks_carry_where_they_came_from():
    layout = layout_of(HONGZE_2023)
    assert layout.kind == "pdf" and layout.pages == 5
    pages = [b.where.page for b in layout.blocks]
    assert pages == sorted(pages) and pages[0] == 1
    for b in layout.blocks:
        x0, top, x1, bottom = b.where.box
        assert 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842


# --- synthetic PDFs ---------------------------------------------------------------------


def test_split_table_with_repeated_header(tmp_path):
    layout = read_pdf(_split_table_pdf(tmp_path / "split.pdf"))
    assert [type(b).__name__ for b in layout.blocks] == ["Paragraph", "Grid", "Paragraph"]
    grid = layout.blocks[1]
    rows = [[c.text for c in row] for row in grid.rows()]
    assert rows == [["类别", "项目", "数量"], ["一、办理结果", "甲", "11"], ["乙", "22"],
                    ["丙", "33"], ["丁", "44"], ["二、其他", "戊", "55"]]
    group = grid.cell_at(4, 0)
    assert group.text == "一、办理结果" and group.rowspan == 4
    assert layout.blocks[0].text == BODY
    assert layout.blocks[2].text == "表格之后的一段文字。"


def test_table_across_three_pages(tmp_path):
    pdf = _PdfWriter().new_page()
    _table(pdf, XS, 600, [HEADER, ("一、办理结果", "甲", "1"), (None, "乙", "2")], open_bottom=True)
    pdf.new_page()  # a full page of rows, cut at top and bottom
    _table(pdf, XS, 80, [("", "丙", "3")] + [(None, "丁", "4")] * 22, open_top=True, open_bottom=True)
    pdf.new_page()
    _table(pdf, XS, 80, [("", "戊", "5"), ("二、其他", "己", "6")], open_top=True)
    pdf.text(100, 400, BODY)
    layout = read_pdf(pdf.save(tmp_path / "three.pdf"))
    assert [type(b).__name__ for b in layout.blocks] == ["Grid", "Paragraph"]
    grid = layout.blocks[0]
    assert grid.n_rows == 1 + 2 + 23 + 2
    group = grid.cell_at(1, 0)
    assert group.text == "一、办理结果" and group.rowspan == 2 + 23 + 1
    assert grid.cell_at(27, 0).text == "二、其他"
    assert [c.text for c in grid.cells if c.col == 2][1:4] == ["1", "2", "3"]


def test_different_table_on_next_page_is_not_joined(tmp_path):
    pdf = _PdfWriter().new_page()
    _table(pdf, XS, 600, [HEADER, ("甲", "乙", "1"), ("丙", "丁", "2")])
    pdf.new_page()
    _table(pdf, (100, 300, 450), 80, [("信息内容", "数量"), ("许可", "5")])
    pdf.text(100, 400, BODY)
    layout = read_pdf(pdf.save(tmp_path / "two.pdf"))
    assert [(type(b).__name__, b.where.page) for b in layout.blocks] == [("Grid", 1), ("Grid", 2), ("Paragraph", 2)]


@pytest.mark.parametrize("footers", [("- 1 -", "- 2 -"), ("—1—", "—2—"), ("第1页共2页", "第2页共2页"),
                                     ("1/2", "2/2"), ("1", "2")])
def test_running_heads_and_page_numbers_do_not_split_a_table(tmp_path, footers):
    layout = read_pdf(_split_table_pdf(tmp_path / "heads.pdf", "某区人民政府2023年政府信息公开工作年度报告", footers))
    assert [type(b).__name__ for b in layout.blocks] == ["Paragraph", "Grid", "Paragraph"]
    assert layout.blocks[1].n_rows == 6
    assert "年度报告" not in flat_text(layout)


def test_unmapped_glyph_counter():
    from gknb.parsers.pdf import _CidCounter, _clean_chars

    chars = [{"text": "(cid:12)", "top": 0, "x0": 12 * i, "fontname": "F", "size": 12, "upright": True}
             for i in range(150)]
    chars += [{"text": "字", "top": 20, "x0": 12 * i, "fontname": "F", "size": 12, "upright": True}
              for i in range(100)]
    counter = _CidCounter()
    assert [c["text"] for c in _clean_chars(chars, counter)] == ["字"] * 100
    assert counter.is_garbage(final=False)
    assert not _CidCounter(total=100, cid=10).is_garbage(final=True)
    assert _CidCounter().is_garbage(final=True)


def test_text_clean_up(tmp_path):
    pdf = _PdfWriter().new_page()
    pdf.text(100, 100, "⼀、总体情况")  # Kangxi radical U+2F00 for 一
    pdf.text(100, 130, "⻓江⻔户网站")  # radicals supplement: 长, 门
    pdf.text(100, 160, "一般性收费说明文字").text(100.3, 160, "一般性收费说明文字")  # fake bold
    pdf.text(100, 190, "邮箱").text(124, 190, "abc").text(166, 190, "def")  # Latin words keep a space
    pdf.text(100, 220, "第 3 页")
    pdf.text(280, 800, "第3页")
    layout = read_pdf(pdf.save(tmp_path / "clean.pdf"))
    text = flat_text(layout)
    assert text.startswith("一、总体情况长江门户网站一般性收费说明文字邮箱abc")
    assert "邮箱abc def" in "".join(paragraphs(layout))
    assert text.count("第3页") == 1  # in the body it is text; only the footer copy goes


def test_owner_password_only_pdf_is_read(tmp_path):
    pdf = _PdfWriter().new_page().text(100, 100, BODY)
    layout = read_pdf(pdf.save(tmp_path / "permissions.pdf", user_pw=b""))
    assert paragraphs(layout) == [BODY]


# --- errors -----------------------------------------------------------------------------


def test_truncated_pdf(tmp_path):
    data = HONGZE_2023.read_bytes()
    path = tmp_path / "截断.pdf"
    path.write_bytes(data[: len(data) // 2])
    expect_error(path, "已损坏或不完整")


@pytest.mark.parametrize("data", [b"", b"hello, not a pdf", bytes(range(256)) * 40, b"%PDF-1.7\n%%EOF\n"])
def test_not_a_pdf(tmp_path, data):
    path = tmp_path / "坏文件.pdf"
    path.write_bytes(data)
    expect_error(path, "已损坏或不完整")


def test_encrypted_pdf(tmp_path):
    pdf = _PdfWriter().new_page().text(100, 100, BODY)
    expect_error(pdf.save(tmp_path / "加密.pdf", user_pw=b"secret"), "已加密")


def test_scanned_pdf(tmp_path):
    path = coarse_page(HONGZE_2023, tmp_path / "扫描件.pdf")
    check = pdfium.PdfDocument(str(path))
    assert len(check) == 1  # sanity: a valid, image-only PDF
    check.close()
    expect_error(path, "没有可用的文字层")


def test_unmapped_glyphs(tmp_path):
    pdf = _PdfWriter(to_unicode=False).new_page()
    for i in range(12):
        pdf.text(100, 100 + 20 * i, BODY)
    expect_error(pdf.save(tmp_path / "乱码.pdf"), "没有可用的文字层")


def test_missing_file(tmp_path):
    with pytest.raises(DocumentError) as info:
        read_pdf(tmp_path / "不存在.pdf")
    assert "不存在.pdf" in str(info.value)
