"""read_docx on the real Word documents of the corpus, on hand-made WordprocessingML, and on hostile files."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from gknb.parsers.docx import read_docx
from gknb.parsers.errors import DocumentError
from gknb.parsers.layout import Grid, Paragraph

from .gridcheck import check_figures, grids, squash

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "docx"
TEMPLATE = CORPUS / "年报格式模板_2021_空白.docx"
FILLED = sorted(CORPUS.glob("平潭综合实验区_*.docx"))
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# ---------------------------------------------------------------------------------------------
# Helpers: find expected figures in grids by their labels (the way a reader of the table would)


def body_text(layout) -> str:
    return squash("".join(b.text for b in layout.blocks if isinstance(b, Paragraph)))


def assert_tiles(grid: Grid) -> None:
    """Anchor cells cover every grid position exactly once (true of any well-formed Word table)."""
    seen = {}
    for c in grid.cells:
        for r in range(c.row, c.row + c.rowspan):
            for col in range(c.col, c.col + c.colspan):
                assert (r, col) not in seen, f"({r},{col}) covered twice"
                seen[(r, col)] = c
    assert len(seen) == grid.n_rows * grid.n_cols


# ---------------------------------------------------------------------------------------------
# Real documents


def test_blank_template_has_three_grids_with_real_merges():
    layout = read_docx(TEMPLATE)
    assert layout.kind == "docx" and layout.pages is None
    t2, t3, t4 = grids(layout)
    assert (t2.n_rows, t2.n_cols) == (14, 4)
    assert (t3.n_rows, t3.n_cols) == (28, 10)
    assert (t4.n_rows, t4.n_cols) == (4, 15)
    for grid in (t2, t3, t4):
        assert_tiles(grid)

    caption = t2.cell_at(0, 3)
    assert (caption.text, caption.row, caption.col, caption.colspan) == ("第二十条第（一）项", 0, 0, 4)

    note = t3.cell_at(2, 2)  # the diagonal note cell covers the whole 3x3 corner
    assert "勾稽关系" in note.text and (note.row, note.col, note.rowspan, note.colspan) == (0, 0, 3, 3)
    spans = {squash(c.text): (c.row, c.col, c.rowspan, c.colspan) for c in t3.cells if c.text}
    assert spans["申请人情况"] == (0, 3, 1, 7)
    assert spans["自然人"] == (1, 3, 2, 1)
    assert spans["法人或其他组织"] == (1, 4, 1, 5)
    assert spans["总计"] == (1, 9, 2, 1)
    assert spans["三、本年度办理结果"] == (5, 0, 22, 1)
    assert spans["（三）不予公开"] == (7, 1, 8, 1)
    assert spans["（六）其他处理"] == (23, 1, 3, 1)
    assert spans["（七）总计"] == (26, 1, 1, 2)

    top = {squash(c.text): (c.row, c.col, c.rowspan, c.colspan) for c in t4.cells if c.row < 2}
    assert top["行政复议"] == (0, 0, 1, 5) and top["行政诉讼"] == (0, 5, 1, 10)
    assert top["结果维持"] == (1, 0, 2, 1) and top["复议后起诉"] == (1, 10, 1, 5)

    # Blank template cells hold only full-width spaces: they come out blank, never as text or 0.
    assert all(c.text == "" for c in t3.cells if c.row >= 3 and c.col >= 3)
    assert all(c.text == "" for c in t4.cells if c.row == 3)


def test_blank_template_positions_and_paragraphs():
    layout = read_docx(TEMPLATE)
    for i, grid in enumerate(grids(layout)):
        assert grid.where.table == i
        assert all((c.where.table, c.where.row, c.where.col) == (i, c.row, c.col) for c in grid.cells)
    texts = [b.text for b in layout.blocks if isinstance(b, Paragraph)]
    assert texts[0] == "政府信息公开工作年度报告格式模板"
    assert all(t.strip() for t in texts)  # empty paragraphs are skipped
    headings = [t for t in texts if re.match("[一二三四五六]、", t)]
    assert headings == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    ]
    # Reading order: each table sits right after its section heading.
    kinds = ["G" if isinstance(b, Grid) else b.text[:2] for b in layout.blocks]
    assert kinds.index("G") == kinds.index("二、") + 1


@pytest.mark.parametrize("path", FILLED, ids=lambda p: p.stem)
def test_filled_reports_have_every_figure_in_place(path):
    expected = json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))
    layout = read_docx(path)
    assert len(grids(layout)) == 3
    assert check_figures(layout, expected) == 10 + 25 * 7 + 15  # tables 二, 三, 四


@pytest.mark.parametrize("path", FILLED, ids=lambda p: p.stem)
def test_filled_reports_have_section_text(path):
    expected = json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))
    text = body_text(read_docx(path))
    for section in expected["sections"].values():
        assert section["starts"] in text and section["ends"] in text
    assert text.startswith(f"平潭综合实验区{expected['year']}年")


def test_pingtan_2023_known_cells():
    t2, t3, t4 = grids(read_docx(CORPUS / "平潭综合实验区_2023.docx"))
    assert [t2.cell_at(3, c).text for c in range(4)] == ["行政规范性文件", "77", "132", "470"]
    assert t2.cell_at(13, 2).text == "5949.088667"  # colspan 3 value read under any of its columns
    assert [c.text for c in t3.rows()[3]] == ["一、本年新收政府信息公开申请数量", "80", "1", "0", "0", "0", "0", "81"]
    assert [c.text for c in t4.rows()[3]][:5] == ["1", "1", "0", "0", "2"]


# ---------------------------------------------------------------------------------------------
# Hand-made WordprocessingML: the constructs real files use that the corpus lacks

DOC_START = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:document xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"><w:body>'
)
DOC_END = "</w:body></w:document>"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def make_docx(path: Path, document_xml: str | bytes, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text) if text else '<w:p/>'}</w:tc>"


def test_text_runs_breaks_tabs_deletions_and_text_boxes_once(tmp_path):
    box = "<w:txbxContent>" + p("框内文字") + "</w:txbxContent>"
    body = (
        "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"420\"/></w:tabs></w:pPr>"
        "<w:r><w:t>一、</w:t><w:tab/><w:t>总体</w:t></w:r>"
        "<w:ins><w:r><w:t>情况</w:t></w:r></w:ins>"
        "<w:del><w:r><w:delText>删除的字</w:delText></w:r></w:del>"
        "<w:r><w:br/><w:t>第二行</w:t><w:instrText> PAGE </w:instrText></w:r>"
        "<w:hyperlink><w:r><w:t>链接</w:t></w:r></w:hyperlink>"
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏文字</w:t></w:r>"
        "<w:r><w:rPr><w:vanish w:val=\"0\"/></w:rPr><w:t>可见</w:t></w:r>"
        "<w:r><mc:AlternateContent>"
        f"<mc:Choice Requires=\"wps\"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:textbox>{box}</v:textbox></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
        "<w:p/><w:p><w:r><w:t>　　</w:t></w:r></w:p>"
        + "<w:sdt><w:sdtPr/><w:sdtContent>" + p("控件中的段落") + "</w:sdtContent></w:sdt>"
    )
    layout = read_docx(make_docx(tmp_path / "t.docx", DOC_START + body + DOC_END))
    texts = [b.text for b in layout.blocks]
    assert texts == ["一、\t总体情况\n第二行链接可见", "框内文字", "控件中的段落"]


def test_table_spans_grid_before_after_hmerge_and_nested_tables(tmp_path):
    nested = "<w:tbl><w:tr>" + tc("内1") + tc("内2") + "</w:tr><w:tr>" + tc("内3") + tc("") + "</w:tr></w:tbl>"
    rows = [
        # gridBefore 1, a cell spanning 2, gridAfter 1 -> width 4
        "<w:tr><w:trPr><w:gridBefore w:val=\"1\"/><w:gridAfter w:val=\"1\"/></w:trPr>"
        + tc("跨两列", '<w:gridSpan w:val="2"/>') + "</w:tr>",
        "<w:tr>" + tc("纵向", '<w:vMerge w:val="restart"/>') + tc("a") + tc("b") + tc("c") + "</w:tr>",
        "<w:tr>" + tc("", "<w:vMerge/>") + tc("旧式", '<w:hMerge w:val="restart"/>')
        + tc("", '<w:hMerge w:val="continue"/>') + tc("d") + "</w:tr>",
        "<w:tr>" + tc("e") + tc("孤立续接", '<w:vMerge w:val="continue"/>')
        + "<w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>" + p("外") + nested + "</w:tc></w:tr>",
    ]
    sdt_rows = "<w:sdt><w:sdtContent>" + rows[2] + "</w:sdtContent></w:sdt>"
    table = "<w:tbl><w:tblGrid/>" + rows[0] + rows[1] + sdt_rows + rows[3] + "</w:tbl>"
    body = p("前") + table + "<w:sdt><w:sdtContent>" + table + "</w:sdtContent></w:sdt>"
    layout = read_docx(make_docx(tmp_path / "t.docx", DOC_START + body + DOC_END))
    first, second = grids(layout)
    assert (second.where.table, first.where.table) == (1, 0)  # the table in a content control counts
    assert (first.n_rows, first.n_cols) == (4, 4)
    cells = {c.text: (c.row, c.col, c.rowspan, c.colspan) for c in first.cells}
    assert cells["跨两列"] == (0, 1, 1, 2)
    assert cells["纵向"] == (1, 0, 2, 1)
    assert cells["旧式"] == (2, 1, 1, 2)
    assert cells["d"] == (2, 3, 1, 1)
    assert cells["e"] == (3, 0, 1, 1)
    assert cells["孤立续接"] == (3, 1, 1, 1)  # a continuation with nothing above starts a cell
    assert cells["外\n内1\t内2\n内3"] == (3, 2, 1, 2)  # nested table text appended, not a grid
    assert len(first.cells) == 1 + 4 + 2 + 3


def test_absurd_spans_are_refused(tmp_path):
    row = "<w:tr>" + tc("x", '<w:gridSpan w:val="999"/>') * 3 + "</w:tr>"
    assert_refused(make_docx(tmp_path / "wide.docx", DOC_START + f"<w:tbl>{row}</w:tbl>" + DOC_END), "列")


def test_strict_ooxml_namespace_is_read(tmp_path):
    xml = (DOC_START + p("严格格式") + DOC_END).replace(W_NS, "http://purl.oclc.org/ooxml/wordprocessingml/main")
    assert [b.text for b in read_docx(make_docx(tmp_path / "s.docx", xml)).blocks] == ["严格格式"]


def test_main_part_found_through_package_relationship(tmp_path):
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="/word/document2.xml"/></Relationships>'
    )
    path = tmp_path / "d2.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document2.xml", DOC_START + p("第二个正文") + DOC_END)
    assert [b.text for b in read_docx(path).blocks] == ["第二个正文"]


# ---------------------------------------------------------------------------------------------
# Bad and hostile input: each one a DocumentError that names the file


def assert_refused(path: Path, *words: str) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        read_docx(path)
    err = info.value
    assert err.path == str(path) and str(path) in str(err)
    assert re.search(r"[\u4e00-\u9fff]", err.problem)
    for word in words:
        assert word in err.problem, err.problem
    return err


def test_random_bytes(tmp_path):
    path = tmp_path / "random.docx"
    path.write_bytes(bytes(range(256)) * 40)
    assert_refused(path, "不是Word文档")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    assert_refused(path, "为空")


def test_missing_file(tmp_path):
    assert_refused(tmp_path / "nowhere.docx", "无法读取")


def test_truncated_zip(tmp_path):
    data = TEMPLATE.read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(data[: len(data) // 2])
    assert_refused(path, "损坏")


def test_zip_without_document_xml(tmp_path):
    path = tmp_path / "nodoc.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("word/styles.xml", "<x/>")
    assert_refused(path, "word/document.xml")


def test_zip_whose_main_part_is_not_word(tmp_path):
    xml = '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    assert_refused(make_docx(tmp_path / "book.docx", xml), "不是Word文档")


def test_corrupt_document_xml(tmp_path):
    assert_refused(make_docx(tmp_path / "bad.docx", DOC_START + "<w:p>"), "损坏")


def test_document_without_text(tmp_path):
    xml = DOC_START + "<w:p/><w:p><w:r><w:t> </w:t></w:r></w:p>" + DOC_END
    assert_refused(make_docx(tmp_path / "blank.docx", xml), "没有任何文字")


def test_alt_chunk_content_is_refused_not_lost(tmp_path):
    chunk = '<w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId9"/>'
    body = p("前言") + chunk
    assert_refused(make_docx(tmp_path / "chunk.docx", DOC_START + body + DOC_END), "altChunk")


@pytest.mark.parametrize("encrypted", [False, True])
def test_ole2_legacy_or_encrypted(tmp_path, encrypted):
    path = tmp_path / "old.docx"
    body = "EncryptedPackage".encode("utf-16-le") if encrypted else b"W\x00o\x00r\x00d\x00"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + body + b"\x00" * 512)
    err = assert_refused(path, "加密", ".docx")
    assert encrypted or ".doc/.wps" in err.problem


@pytest.mark.parametrize("head, word", [(b"{\\rtf1\\ansi hello}", "RTF"), (b"%PDF-1.7\n", "PDF"),
                                        (b"<html><body>x</body></html>", "网页")])
def test_other_formats_named(tmp_path, head, word):
    path = tmp_path / "other.docx"
    path.write_bytes(head)
    assert_refused(path, word)


def test_zip_bomb(tmp_path):
    path = make_docx(tmp_path / "bomb.docx", DOC_START + p("正常") + DOC_END)
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/media/image1.png", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    assert_refused(path, "压缩炸弹")


def test_oversized_file(tmp_path):
    path = tmp_path / "huge.docx"
    with open(path, "wb") as f:  # sparse: costs no disk
        f.write(b"PK\x03\x04")
        f.truncate(201 * 1024 * 1024)
    assert_refused(path, "过大")


BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:document [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10)
    )
    + "]>\n"
)
XXE = '<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


@pytest.mark.parametrize("prolog, entity, encoding", [
    (BILLION_LAUGHS, "&lol9;", "utf-8"),
    (XXE, "&xxe;", "utf-8"),
    (BILLION_LAUGHS.replace("UTF-8", "UTF-16"), "&lol9;", "utf-16"),
], ids=["billion-laughs", "external-entity", "utf16-billion-laughs"])
def test_doctype_in_document_xml_is_refused(tmp_path, prolog, entity, encoding):
    xml = prolog + DOC_START.split("?>", 1)[1] + p(entity) + DOC_END
    path = make_docx(tmp_path / "hostile.docx", xml.encode(encoding))
    assert_refused(path, "DOCTYPE")


def test_doctype_in_package_relationships_is_refused(tmp_path):
    rels = XXE + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
    path = make_docx(tmp_path / "rels.docx", DOC_START + p("x") + DOC_END, {"_rels/.rels": rels.encode()})
    assert_refused(path, "DOCTYPE")


def test_merges_made_by_python_docx(tmp_path):
    """Spans written by another producer (python-docx: gridSpan + vMerge) come back as written."""
    import docx

    document = docx.Document()
    document.add_paragraph("表前")
    table = document.add_table(rows=4, cols=4)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"{r}{c}"
    table.cell(0, 0).merge(table.cell(1, 1))  # 2x2 block
    table.cell(2, 3).merge(table.cell(3, 3))  # vertical pair
    table.cell(3, 0).merge(table.cell(3, 2))  # horizontal triple
    path = tmp_path / "pd.docx"
    document.save(path)
    layout = read_docx(path)
    assert [b.text for b in layout.blocks if isinstance(b, Paragraph)] == ["表前"]
    (grid,) = grids(layout)
    assert_tiles(grid)
    spans = {(c.row, c.col): (c.rowspan, c.colspan, c.text) for c in grid.cells}
    assert spans[(0, 0)] == (2, 2, "00\n01\n10\n11")  # merged text, as Word keeps it
    assert spans[(2, 3)] == (2, 1, "23\n33")
    assert spans[(3, 0)] == (1, 3, "30\n31\n32")
    assert len(grid.cells) == 16 - 3 - 1 - 2
