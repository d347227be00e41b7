"""Read an agency web page (.html) into the neutral layout: paragraphs and table grids in page order.

Pages are parsed with lxml.html; site furniture (scripts, menus, footers) is dropped conservatively,
and tables are laid out with the HTML table model (rowspan/colspan, rows pushed right by spans from
above, irregular rows) without per-row span bookkeeping that would grow with the table.
"""

from __future__ import annotations

import codecs
import os
import re

import lxml.html
from gknb.parsers.errors import DocumentError
from gknb.parsers.layout import STRUCK, Grid, GridCell, Layout, Paragraph, Where
from gknb.parsers.sniff import decode_counted
from gknb.parsers.source import Source, as_source
from lxml import etree

Element = lxml.html.HtmlElement
Rows = list[list[Element]]  # rows of <td>/<th> elements

MB = 1024 * 1024
MAX_HTML_BYTES = 50 * MB
MAX_COLSPAN = 1000  # the HTML spec's own clamp
MAX_ROWSPAN = 65534  # likewise
MAX_GRID_COLS = 1000  # wider than this is no report table, and would cost memory per row

# Never content: code, embedded objects, form controls.
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
             "embed", "svg", "canvas", "input", "select", "option", "textarea", "button", "datalist")
# Site furniture, dropped only when it holds no table and little of the page's text.
FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside"})
FURNITURE_WORDS = re.compile(r"nav|menu|breadcrumb|crumb|footer|header|share|sidebar", re.IGNORECASE)
FURNITURE_MAX_SHARE = 1 / 3  # an element with this share of the page's text is content, whatever its class
CONTENT_MIN_CHARS = 200  # ... provided it has at least this much (a menu is all of a near-empty page)

HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", re.I)
# Struck-through text: a correction the page shows beside the figure, never part of it.
STRUCK_TAGS = ("del", "s", "strike")
# Inline, but never part of the text beside it: a superscript's "1" after "13" is a mark, not a digit.
SET_APART_TAGS = frozenset({"table", "sup", "sub"})
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "ul",
    "caption", "tbody", "thead", "tfoot", "tr", "td", "th",  # table parts met outside a table
})
SECTION_TAGS = frozenset({"thead", "tbody", "tfoot"})
CELL_TAGS = frozenset({"td", "th"})

HTML_TAG = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|meta|title|p|div|span|table|tr|td|br|h[1-6]|a)\b", re.IGNORECASE
)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "x-gbk", "gb_2312-80", "gb_2312", "csgb2312", "euc-cn", "cp936"})
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
FOREIGN_MAGIC = {
    b"%PDF": "PDF文件",
    b"PK\x03\x04": "压缩包或Word/Excel（.docx/.xlsx）文件",
    b"\xd0\xcf\x11\xe0": "旧版Office/WPS文件（.doc/.xls/.wps）",
    b"{\\rtf": "RTF文件",
}

SOURCE_SPACE = re.compile(r"[ \t\n\r\f]+")
# A line break in the source between two CJK characters is not a space (CSS Text segment-break rule).
CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK_BREAK = re.compile(rf"(?<=[{CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{CJK}])")
BREAK = None  # marks a hard line break (<br>, block boundary) among collected text pieces


def read_html(document: Source | str | os.PathLike) -> Layout:
    """Read a web page into paragraphs and grids; unreadable, empty or non-HTML files raise DocumentError."""
    src = as_source(document)
    path = src.name
    text, damaged = _decode(path, _checked_bytes(path, src.data))
    root = _parse(path, text)
    body = root.find("body")
    body = root if body is None else body
    _drop_furniture(body)
    reader = _BlockReader(path)
    try:
        reader.read(body)
    except RecursionError:
        raise DocumentError(path, "网页结构嵌套过深，无法读取。") from None
    blocks = _with_title(reader.blocks, _title(root))
    if not blocks:
        raise DocumentError(path, "网页中没有正文文字或表格（内容可能由脚本动态加载）。")
    return Layout(kind="html", blocks=blocks, pages=None, damaged_bytes=damaged)


# ---------------------------------------------------------------------------------------------
# Bytes, encoding, parsing


def _checked_bytes(path: str, data: bytes) -> bytes:
    """The page's bytes, refusing empty, oversized and obviously non-HTML files."""
    if len(data) > MAX_HTML_BYTES:
        raise DocumentError(path, f"网页文件过大（{len(data) // MB} MB），超过{MAX_HTML_BYTES // MB} MB的处理上限。")
    if not data.strip():
        raise DocumentError(path, "文件为空，不是网页（HTML）文件。")
    for magic, what in FOREIGN_MAGIC.items():
        if data.startswith(magic):
            raise DocumentError(path, f"这是{what}，不是网页（HTML）文件。")
    return data


def _decode(path: str, data: bytes) -> tuple[str, int]:
    """(page text, bytes replaced): BOM first; then UTF-8, the declared charset, GB18030.

    Valid UTF-8 wins over a declared legacy charset because Chinese sites often keep a stale
    ``charset=gb2312`` on pages served as UTF-8, while GBK text is practically never valid UTF-8.
    A few bad bytes are replaced and counted (the report flags them), not a reason to refuse.
    """
    if b"\x00" in data[:4096] and not data.startswith(tuple(bom for bom, _ in BOMS)):
        raise DocumentError(path, "不是网页（HTML）文件：文件内容是二进制数据。")
    decoded = decode_counted(data, tuple(_candidate_codecs(data)))
    if decoded is None:
        raise DocumentError(path, "无法识别网页的字符编码（既不是UTF-8，也不是网页声明的编码或GB18030）。")
    return _checked_text(path, decoded[0]), decoded[1]


def _candidate_codecs(data: bytes) -> list[str]:
    """UTF-8, then the charset a <meta> declares (GB family read as GB18030), then GB18030."""
    codecs_to_try = ["utf-8"]
    match = META_CHARSET.search(data[:8192])
    if match:
        label = match.group(1).decode("ascii").lower()
        if label in GB_FAMILY:
            label = "gb18030"
        try:
            codecs_to_try.append(codecs.lookup(label).name)
        except LookupError:
            pass  # unknown label: ignore it, as browsers do
    codecs_to_try.append("gb18030")
    return list(dict.fromkeys(codecs_to_try))


def _checked_text(path: str, text: str) -> str:
    """Refuse decoded text that carries no HTML markup at all (plain text, JSON, other XML)."""
    if not HTML_TAG.search(text):
        raise DocumentError(path, "不是网页（HTML）文件：文件中没有HTML标记。")
    return text


def _parse(path: str, text: str) -> Element:
    """Parse decoded text; the encoding is fixed, so a stale <meta charset> cannot re-decode it."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:
        return lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise DocumentError(path, f"网页无法解析（{exc}）。") from None


# ---------------------------------------------------------------------------------------------
# Furniture


def _drop_furniture(body: Element) -> None:
    """Remove code, form controls and what the page hides (``display:none``, Word's
    ``mso-hide:all``, ``hidden``: a browser shows none of it, so no figure may come from it),
    then menus/footers that hold neither a table nor the main text."""
    for el in list(body.iter(*DROP_TAGS)):
        el.drop_tree()
    for el in [el for el in body.iter() if isinstance(el.tag, str) and _hidden(el)]:
        if el.getparent() is not None:
            el.drop_tree()
    page_chars = len(_squash(body.text_content()))
    stack = [body]
    while stack:
        for child in list(stack.pop()):
            if not isinstance(child.tag, str) or _is_data_table(child):
                continue  # a data table is kept whole: a row classed "header" is still a row
            if _looks_like_furniture(child) and not _holds_content(child, page_chars):
                child.drop_tree()
            else:
                stack.append(child)


def _hidden(el: Element) -> bool:
    return el.get("hidden") is not None or bool(HIDDEN_STYLE.search(el.get("style") or ""))


def _is_data_table(el: Element) -> bool:
    return el.tag == "table" and el.find(".//table") is None


def _looks_like_furniture(el: Element) -> bool:
    return el.tag in FURNITURE_TAGS or bool(FURNITURE_WORDS.search(f"{el.get('id', '')} {el.get('class', '')}"))


def _holds_content(el: Element, page_chars: int) -> bool:
    """A table, a page title or a large share of the text makes an element content, whatever its name."""
    if el.find(".//table") is not None or el.find(".//h1") is not None:
        return True
    return len(_squash(el.text_content())) >= max(CONTENT_MIN_CHARS, FURNITURE_MAX_SHARE * page_chars)


def _squash(text: str) -> str:
    return "".join(text.split())


# ---------------------------------------------------------------------------------------------
# Text


def _normalise(raw: str) -> str:
    """Collapse source whitespace as a browser would; &nbsp; becomes a plain space; trim."""
    raw = CJK_BREAK.sub("", raw)
    return SOURCE_SPACE.sub(" ", raw).replace("\xa0", " ").strip()


def _gather(el: Element, out: list[str | None]) -> None:
    """Collect the text under ``el``; <br> and block boundaries become BREAK markers."""
    if el.text:
        out.append(el.text)
    for child in el:
        if isinstance(child.tag, str):
            if child.tag == "br":
                out.append(BREAK)
            elif child.tag in BLOCK_TAGS or child.tag in SET_APART_TAGS:
                out.append(BREAK)
                _gather(child, out)
                out.append(BREAK)
            else:
                _gather(child, out)
        if child.tail:
            out.append(child.tail)


def _lines(pieces: list[str | None]) -> list[str]:
    """Non-empty normalised lines between BREAK markers."""
    lines, run = [], []
    for piece in pieces + [BREAK]:
        if piece is BREAK:
            line = _normalise("".join(run))
            if line:
                lines.append(line)
            run = []
        else:
            run.append(piece)
    return lines


def _drop_struck(cell: Element) -> str:
    """Take struck-through text out of a cell; what it said ("" when there was none)."""
    struck = [el for el in cell.iter(*STRUCK_TAGS) if el is not cell]
    said = " ".join(t for t in (_normalise(el.text_content()) for el in struck) if t)
    for el in struck:
        if el.getparent() is not None:
            el.drop_tree()
    return said


def _cell_text(cell: Element) -> str:
    """A cell's text, its lines (<br>, <p>) joined with newlines; a &nbsp;-only cell is ''."""
    pieces: list[str | None] = []
    _gather(cell, pieces)
    return "\n".join(_lines(pieces))


def _title(root: Element) -> str:
    title = root.find("head/title")
    return _normalise(title.text_content()) if title is not None else ""


def _with_title(blocks: list[Paragraph | Grid], title: str) -> list[Paragraph | Grid]:
    """Put the <title> first unless the body already shows it: it often names the agency and year."""
    if not title:
        return blocks
    for block in blocks:
        if isinstance(block, Paragraph) and len(block.text) >= 6 and (block.text in title or title in block.text):
            return blocks
    return [Paragraph(title, Where()), *blocks]


# ---------------------------------------------------------------------------------------------
# Tables


def _row_groups(table: Element) -> list[Rows]:
    """Rows of cells, grouped by thead/tbody/tfoot (spans never cross a group, as in browsers).

    Rows directly under <table> form implicit groups; stray cells outside any <tr> form a row.
    """
    groups: list[Rows] = []
    implicit: Rows | None = None
    for child in table:
        if child.tag in SECTION_TAGS:
            groups.append(_section_rows(child))
            implicit = None
        elif child.tag == "tr" or child.tag in CELL_TAGS:
            if implicit is None:
                implicit = []
                groups.append(implicit)
            _add_row_part(implicit, child)
    return groups


def _section_rows(section: Element) -> Rows:
    rows: Rows = []
    for child in section:
        if child.tag == "tr" or child.tag in CELL_TAGS:
            _add_row_part(rows, child)
    return rows


def _add_row_part(rows: Rows, el: Element) -> None:
    """Append a <tr> as a row, or a stray cell to the stray row it continues."""
    if el.tag == "tr":
        rows.append([cell for cell in el if cell.tag in CELL_TAGS])
        return
    previous = el.getprevious()
    if rows and previous is not None and previous.tag in CELL_TAGS:
        rows[-1].append(el)
    else:
        rows.append([el])


def _span(value: str | None, limit: int) -> int:
    """An HTML span attribute: leading digits after optional spaces (rules for non-negative integers)."""
    match = re.match(r"\s*\+?(\d+)", value or "")
    if not match:
        return 1
    digits = match.group(1)
    return min(int(digits), limit) if len(digits) <= 7 else limit


def _is_layout_table(table: Element, groups: list[Rows]) -> bool:
    """A table holding tables, marked presentational, or of one cell, arranges the page: not a grid."""
    if table.get("role", "").lower() in ("presentation", "none") or table.find(".//table") is not None:
        return True
    return sum(len(row) for group in groups for row in group) <= 1


class _Columns:
    """Per grid column: the last row a placed cell covers, and the column where that cell ends.

    Finding a row's next free column jumps over whole cells, and placing a cell is a slice
    assignment, so a table costs time in proportion to its cells, not rows x spans.
    """

    def __init__(self) -> None:
        self.last_row: list[int] = []
        self.end_col: list[int] = []

    def next_free(self, col: int, row: int) -> int:
        while col < len(self.last_row) and self.last_row[col] >= row:
            col = self.end_col[col]
        return col

    def occupy(self, col: int, colspan: int, last_row: int) -> None:
        end = col + colspan
        if end > len(self.last_row):
            grow = end - len(self.last_row)
            self.last_row.extend([-1] * grow)
            self.end_col.extend([0] * grow)
        self.last_row[col:end] = [last_row] * colspan
        self.end_col[col:end] = [end] * colspan


def _build_grid(path: str, groups: list[Rows], index: int) -> Grid:
    """Place cells with the HTML table model: spans from above push cells right; rowspan=0 fills the group."""
    cells: list[GridCell] = []
    columns = _Columns()
    r = 0
    for group in groups:
        group_end = r + len(group) - 1
        for row in group:
            col = 0
            for td in row:
                col = columns.next_free(col, r)
                colspan = max(_span(td.get("colspan"), MAX_COLSPAN), 1)
                rowspan = _span(td.get("rowspan"), MAX_ROWSPAN)
                rowspan = group_end - r + 1 if rowspan == 0 else min(rowspan, group_end - r + 1)
                if col + colspan > MAX_GRID_COLS:
                    raise DocumentError(path, f"第{index + 1}个表格超过{MAX_GRID_COLS}列，无法作为报表读取。")
                columns.occupy(col, colspan, r + rowspan - 1)
                struck = _drop_struck(td)
                cells.append(GridCell(r, col, _cell_text(td), rowspan, colspan, Where(table=index, row=r, col=col),
                                      doubt=STRUCK.format(struck) if struck else None))
                col += colspan
            r += 1
    return Grid(cells=cells, n_rows=r, n_cols=len(columns.last_row), where=Where(table=index))


# ---------------------------------------------------------------------------------------------
# Blocks


class _BlockReader:
    """Walks the page in order: inline text accumulates until a block boundary makes it a Paragraph."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.blocks: list[Paragraph | Grid] = []
        self.n_tables = 0
        self._pending: list[str] = []

    def read(self, el: Element) -> None:
        self._read_children(el)
        self._flush()

    def _read_children(self, el: Element) -> None:
        if el.text:
            self._pending.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                self._read_element(child)
            if child.tail:
                self._pending.append(child.tail)

    def _read_element(self, el: Element) -> None:
        if el.tag == "br":
            self._flush()  # outside tables a line break ends a paragraph
        elif el.tag == "table":
            self._flush()
            self._read_table(el)
        elif el.tag in BLOCK_TAGS:
            self._flush()
            self._read_children(el)
            self._flush()
        else:
            self._read_children(el)  # inline markup: its text is plain text

    def _read_table(self, table: Element) -> None:
        caption = table.find("caption")
        if caption is not None:
            self._read_element(caption)
        groups = _row_groups(table)
        if _is_layout_table(table, groups):
            for cell in (cell for group in groups for row in group for cell in row):
                self._read_element(cell)  # a cell is a block: its content is read in place
            return
        self.blocks.append(_build_grid(self.path, groups, self.n_tables))
        self.n_tables += 1

    def _flush(self) -> None:
        text = _normalise("".join(self._pending))
        self._pending = []
        if text:
            self.blocks.append(Paragraph(text, Where()))
