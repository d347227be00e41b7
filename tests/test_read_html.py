"""read_html on the agency pages of the corpus, on hand-made pages, and on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gknb.parsers.errors import DocumentError
from gknb.parsers.html import read_html
from gknb.parsers.layout import Grid, Paragraph

from .gridcheck import check_figures, grids, label_row, squash

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "html"
PAGES = sorted(CORPUS.glob("*.html"))
TABLE_SECTIONS = {"二": 0, "三": 1, "四": 2}


# ---------------------------------------------------------------------------------------------
# Helpers: find expected figures in grids by their labels (the way a reader of the table would)


def paragraphs(layout) -> list[str]:
    return [b.text for b in layout.blocks if isinstance(b, Paragraph)]


def count_figures(expected: dict) -> int:
    proactive = sum(len(cols) for rows in expected["proactive"].values() for cols in rows.values())
    requests = sum(len(cols) for cols in expected["requests"].values())
    return proactive + requests + sum(len(cols) for cols in expected["review_litigation"].values())


def write(tmp_path: Path, html: str | bytes, name: str = "page.html") -> Path:
    path = tmp_path / name
    if isinstance(html, str):
        path.write_text(html, encoding="utf-8")
    else:
        path.write_bytes(html)
    return path


def page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


# ---------------------------------------------------------------------------------------------
# Real pages


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_every_expected_figure_is_in_place(path):
    expected = json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))
    layout = read_html(path)
    assert layout.kind == "html" and layout.pages is None
    assert len(grids(layout)) == 3
    assert check_figures(layout, expected) == count_figures(expected) >= 190


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_section_text_and_table_text(path):
    expected = json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))
    layout = read_html(path)
    text = squash("".join(paragraphs(layout)))
    tables = grids(layout)
    for number, section in expected["sections"].items():
        if number in TABLE_SECTIONS:  # a table section's text is its cells, row-major, merged cells once
            grid = tables[TABLE_SECTIONS[number]]
            cells = squash("".join(c.text for c in sorted(grid.cells, key=lambda c: (c.row, c.col))))
            assert cells.startswith(section["starts"]) and cells.endswith(section["ends"]), number
        else:
            assert section["starts"] in text and section["ends"] in text, number


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_positions_and_reading_order(path):
    layout = read_html(path)
    for i, grid in enumerate(grids(layout)):
        assert grid.where.table == i
        assert all((c.where.table, c.where.row, c.where.col) == (i, c.row, c.col) for c in grid.cells)
        assert all(c.row + c.rowspan <= grid.n_rows and c.col + c.colspan <= grid.n_cols for c in grid.cells)
    kinds = ["G" if isinstance(b, Grid) else b.text[:2] for b in layout.blocks]
    assert kinds.index("G") == kinds.index("二、") + 1
    assert kinds.index("四、") < len(kinds) - kinds[::-1].index("G") - 1 < kinds.index("五、")


def test_pingtan_2021_irregular_eleven_column_grid():
    t3 = grids(read_html(CORPUS / "平潭综合实验区_2021.html"))[1]
    assert (t3.n_rows, t3.n_cols) == (28, 11)
    header = {squash(c.text): (c.row, c.col, c.rowspan, c.colspan) for c in t3.cells if c.row < 3}
    assert header["申请人情况"] == (0, 3, 1, 8)
    assert header["自然人"] == (1, 3, 1, 2)  # no rowspan: an extra blank cell sits below it
    assert header["商业企业"] == (2, 4, 1, 2)
    assert header["总计"] == (1, 10, 2, 1)
    assert t3.cell_at(2, 3).text == ""
    new = [c.text for c in t3.rows()[3]]
    assert new == ["一、本年新收政府信息公开申请数量", "64", "0", "0", "2", "0", "4", "70"]
    assert t3.cell_at(3, 5).colspan == 2 and t3.cell_at(3, 5).col == 4  # value spans like its header
    assert t3.cell_at(5, 0).rowspan == 22


def test_pingtan_2019_split_group_cell_keeps_rows_aligned():
    t3 = grids(read_html(CORPUS / "平潭综合实验区_2019.html"))[1]
    groups = [c for c in t3.cells if squash(c.text) == "三、本年度办理结果"]
    assert [(c.row, c.rowspan) for c in groups] == [(5, 10), (15, 10)]
    assert [c.text for c in t3.rows()[24]][:2] == ["（七）总计", "23"]


def test_shanghai_2019_blanks_are_blank_not_zero():
    layout = read_html(CORPUS / "上海市人民政府办公厅_2019.html")
    t2, t3, t4 = grids(layout)
    row = label_row(t3, "（一）予以公开", 3)
    assert [t3.cell_at(row, c).text for c in range(3, 10)] == ["258", "12", "", "", "1", "1", ""]
    assert [c.text for c in t4.rows()[3]][10:] == ["", "", "", "", ""]
    blanks = [c for c in t3.cells if c.row >= 3 and c.col >= 3 and c.text == ""]
    assert len(blanks) == 126  # as the expected file's anomalies count them
    assert t2.cell_at(1, 1).text == "本年新\n制作数量"  # <br> inside a cell is a newline
    assert paragraphs(layout)[0] == "2019年上海市人民政府办公厅政府信息公开工作年度报告"  # no duplicate <title>


def test_title_is_first_when_the_body_lacks_it():
    assert paragraphs(read_html(CORPUS / "平潭综合实验区_2021.html"))[0] == "平潭综合实验区2021年度政府信息公开工作年度报告"


# ---------------------------------------------------------------------------------------------
# Text: markup stays text, whitespace as a browser shows it


def test_markup_in_text_is_plain_text(tmp_path):
    body = (
        "<p>第一段<b>加粗</b><span>文字</span><a href='#'>链接</a><font color=red>红</font></p>"
        "<p>前<br>后</p><div>块<p>内段</p>尾</div>"
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><script>var hidden = 1;</script>"
        "<table><tr><td>&lt;script&gt;x&lt;/script&gt;</td><td><b>1</b><span>2</span></td></tr>"
        "<tr><td>&nbsp;</td><td> &nbsp; <br> </td></tr><tr><td>行一<br/>行二</td><td><p>甲</p><p>乙</p></td></tr></table>"
        "<p>中文\n换行&nbsp;与 English\n words</p>"
    )
    layout = read_html(write(tmp_path, page(body)))
    assert paragraphs(layout) == [
        "第一段加粗文字链接红", "前", "后", "块", "内段", "尾", "<script>alert(1)</script>", "中文换行 与 English words",
    ]
    (grid,) = grids(layout)
    assert [[c.text for c in row] for row in grid.rows()] == [
        ["<script>x</script>", "12"], ["", ""], ["行一\n行二", "甲\n乙"],
    ]


def test_site_furniture_is_dropped_but_content_is_kept(tmp_path):
    report = "<p>" + "正文内容" * 100 + "</p>"
    body = (
        "<div id='topNav'><a>首页</a><a>政务公开</a></div><nav><a>导航</a></nav>"
        "<div class='breadcrumb'>当前位置：首页</div><header><span>网站头部</span></header>"
        "<form id='form1'><div class='main-header'><h1>某某年度报告</h1></div>"
        f"<div class='menu-content'>{report}</div>"
        "<div class='header-table'><table><tr><td>数1</td><td>数2</td></tr></table></div>"
        "<input value='搜索框'><select><option>选项</option></select><button>打印</button></form>"
        "<div class='share'>分享到：微信</div><aside class='sidebar'>相关链接</aside>"
        "<footer>版权所有</footer><div id='footer'>主办单位</div><noscript>请启用脚本</noscript>"
        "<style>p{color:red}</style><iframe src='x'></iframe>"
    )
    layout = read_html(write(tmp_path, page(body)))
    assert paragraphs(layout) == ["某某年度报告", "正文内容" * 100]
    assert [c.text for c in grids(layout)[0].cells] == ["数1", "数2"]


def test_furniture_names_inside_a_data_table_are_not_furniture(tmp_path):
    body = (
        "<div class='nav'>栏目导航</div>"
        "<table class='menu'><tr class='header'><td class='nav'>信息内容</td><td>本年制发件数</td></tr>"
        "<tr><td>规章</td><td class='share'>3</td></tr></table>"
    )
    layout = read_html(write(tmp_path, page(body)))
    assert paragraphs(layout) == []
    assert [[c.text for c in row] for row in grids(layout)[0].rows()] == [["信息内容", "本年制发件数"], ["规章", "3"]]


# ---------------------------------------------------------------------------------------------
# Tables: the HTML table model


def cells_of(grid: Grid) -> dict[str, tuple[int, int, int, int]]:
    return {c.text: (c.row, c.col, c.rowspan, c.colspan) for c in grid.cells}


def test_spans_push_cells_right_and_irregular_rows(tmp_path):
    body = (
        "<table>"
        "<tr><td rowspan='2'>A</td><td colspan='2'>B</td><td>C</td></tr>"
        "<tr><td>D</td></tr>"  # short row: pushed right of A, rest of the row empty
        "<tr><td>E</td><td>F</td><td>G</td><td>H</td><td>I</td></tr>"  # long row widens the grid
        "<tr><td colspan='0'>J</td><td rowspan=' 3px'>K</td></tr>"  # colspan 0 is 1; '3px' reads 3
        "<tr><td rowspan='99999'>L</td></tr>"  # clamped to the rows left
        "</table>"
    )
    (grid,) = grids(read_html(write(tmp_path, page(body))))
    assert (grid.n_rows, grid.n_cols) == (5, 5)
    assert cells_of(grid) == {
        "A": (0, 0, 2, 1), "B": (0, 1, 1, 2), "C": (0, 3, 1, 1), "D": (1, 1, 1, 1),
        "E": (2, 0, 1, 1), "F": (2, 1, 1, 1), "G": (2, 2, 1, 1), "H": (2, 3, 1, 1), "I": (2, 4, 1, 1),
        "J": (3, 0, 1, 1), "K": (3, 1, 2, 1), "L": (4, 0, 1, 1),
    }
    assert grid.cell_at(1, 3) is None  # a hole, not a span


def test_rowspan_zero_and_row_groups(tmp_path):
    body = (
        "<table><thead><tr><th rowspan='5'>头</th><th>h</th></tr></thead>"
        "<tbody><tr><td rowspan='0'>全组</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></tbody>"
        "<tbody><tr><td>x</td><td>y</td></tr></tbody></table>"
    )
    (grid,) = grids(read_html(write(tmp_path, page(body))))
    assert cells_of(grid) == {
        "头": (0, 0, 1, 1), "h": (0, 1, 1, 1),  # a span never leaves its row group
        "全组": (1, 0, 3, 1), "1": (1, 1, 1, 1), "2": (2, 1, 1, 1), "3": (3, 1, 1, 1),
        "x": (4, 0, 1, 1), "y": (4, 1, 1, 1),
    }


def test_layout_tables_are_descended_not_emitted(tmp_path):
    inner = "<table><tr><td>数据1</td><td>数据2</td></tr><tr><td>3</td><td>4</td></tr></table>"
    body = (
        f"<table><tr><td>左栏文字</td><td><p>正文段落</p>{inner}<p>表后段落</p></td></tr></table>"
        "<table><tr><td>一个单元格的排版表格</td></tr></table>"
        f"<table role='presentation'><tr><td>甲</td><td>乙</td></tr></table>{inner}"
    )
    layout = read_html(write(tmp_path, page(body)))
    kinds = [b.text if isinstance(b, Paragraph) else f"grid{b.where.table}" for b in layout.blocks]
    assert kinds == ["左栏文字", "正文段落", "grid0", "表后段落", "一个单元格的排版表格", "甲", "乙", "grid1"]
    assert [c.text for c in grids(layout)[0].cells] == ["数据1", "数据2", "3", "4"]


def test_stray_cells_outside_rows_form_a_row(tmp_path):
    (grid,) = grids(read_html(write(tmp_path, page("<table><td>a</td><td>b</td><tr><td>c</td></tr></table>"))))
    assert cells_of(grid) == {"a": (0, 0, 1, 1), "b": (0, 1, 1, 1), "c": (1, 0, 1, 1)}


def test_twenty_thousand_rows(tmp_path):
    rows = []
    for r in range(20_000):
        group = f"<td rowspan='10'>组{r // 10}</td>" if r % 10 == 0 else ""
        rows.append(f"<tr>{group}<td>行{r}</td><td>{r}</td><td colspan='2'>&nbsp;</td></tr>")
    layout = read_html(write(tmp_path, page("<table>" + "".join(rows) + "</table>")))
    (grid,) = grids(layout)
    assert (grid.n_rows, grid.n_cols) == (20_000, 5)
    assert len(grid.cells) == 2_000 + 3 * 20_000
    last = grid.rows()[-1]
    assert [(c.col, c.text) for c in last] == [(1, "行19999"), (2, "19999"), (3, "")]
    assert grid.cell_at(19_999, 0).text == "组1999"


# ---------------------------------------------------------------------------------------------
# Encodings


def test_gbk_page_with_meta_charset(tmp_path):
    html = page("<p>政府信息公开年度报告</p>", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    assert paragraphs(read_html(write(tmp_path, html.encode("gbk")))) == ["政府信息公开年度报告"]


def test_gbk_page_without_declaration_falls_back_to_gb18030(tmp_path):
    html = "<html><body><p>依申请公开</p></body></html>"
    assert paragraphs(read_html(write(tmp_path, html.encode("gb18030")))) == ["依申请公开"]


def test_utf8_page_with_stale_gbk_declaration(tmp_path):
    html = page("<p>主动公开政府信息情况</p>", '<meta charset="gbk">')
    assert paragraphs(read_html(write(tmp_path, html.encode("utf-8")))) == ["主动公开政府信息情况"]


def test_utf16_with_bom(tmp_path):
    html = page("<p>行政复议</p>")
    assert paragraphs(read_html(write(tmp_path, b"\xff\xfe" + html.encode("utf-16-le")))) == ["行政复议"]


def test_xhtml_with_xml_declaration(tmp_path):
    html = '<?xml version="1.0" encoding="gb2312"?>\n' + page("<p>行政诉讼</p>")
    assert paragraphs(read_html(write(tmp_path, html.encode("gbk")))) == ["行政诉讼"]


# ---------------------------------------------------------------------------------------------
# Bad input: each one a DocumentError that names the file


def assert_refused(path: Path, *words: str) -> None:
    with pytest.raises(DocumentError) as info:
        read_html(path)
    err = info.value
    assert err.path == str(path) and str(path) in str(err)
    for word in words:
        assert word in err.problem, err.problem


@pytest.mark.parametrize("content, word", [
    (b"", "为空"),
    (b"  \r\n\t ", "为空"),
    (bytes(range(256)) * 20, "二进制"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"PK\x03\x04\x14\x00\x00\x00", "压缩包"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "旧版"),
    ("只是一段纯文本，没有任何标记。".encode(), "没有HTML标记"),
    (b'{"title": "json"}', "没有HTML标记"),
    (b"<html><body><p>" + b"\x80\xff\x80" * 50 + b"</p></body></html>", "字符编码"),
    (page("<script>render()</script><nav>首页</nav>").encode(), "没有正文"),
], ids=["empty", "blank", "binary", "pdf", "zip", "ole2", "plain-text", "json", "undecodable", "script-only"])
def test_bad_input(tmp_path, content, word):
    assert_refused(write(tmp_path, content, "bad.html"), word)


def test_missing_file(tmp_path):
    assert_refused(tmp_path / "nowhere.html", "无法读取")


def test_oversized_file(tmp_path):
    path = tmp_path / "huge.html"
    with open(path, "wb") as f:  # sparse: costs no disk
        f.write(b"<html>")
        f.truncate(51 * 1024 * 1024)
    assert_refused(path, "过大")


def test_absurdly_wide_table(tmp_path):
    body = "<table><tr>" + "<td colspan='999'>x</td>" * 3 + "</tr><tr><td>y</td></tr></table>"
    assert_refused(write(tmp_path, page(body)), "列")
