"""Read a Word .docx file into the neutral layout: paragraphs and table grids in body order.

The main document XML is read straight from the zip (:mod:`parsers.docx_package` opens the
package safely) rather than through python-docx: python-docx repeats merged cells
(``row.cells``), hides text boxes and content controls, and parses every part of the package,
while we only need ``word/document.xml`` and want to vet it (size, DOCTYPE) before any parser
sees it.  This module walks its body: paragraphs, text boxes, content controls, tables with
their merged cells.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from gknb.parsers.errors import DocumentError
from gknb.parsers.layout import STRUCK, Grid, GridCell, Layout, Paragraph, Where
from gknb.parsers.source import Source, as_source
from lxml import etree

from gknb.ooxml import qn

from .docx_package import open_main_part, w_name

MAX_SPAN = 1000  # Word allows 63 columns; anything far above is corrupt
MAX_GRID_COLS = 1000  # likewise for a whole row; keeps n_cols sane for whoever walks the grid

MC_ALTERNATE, MC_CHOICE, MC_FALLBACK = (qn(f"mc:{name}") for name in ("AlternateContent", "Choice", "Fallback"))

# Containers whose children are read as if they stood in the parent (content controls,
# custom XML, tracked insertions/moves).
TRANSPARENT = frozenset({"sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"})
# Never text: properties, deleted/moved-away runs, field codes.
NO_TEXT = frozenset({"pPr", "rPr", "tblPr", "trPr", "tcPr", "sectPr", "sdtPr", "sdtEndPr",
                     "del", "moveFrom", "delText", "instrText", "delInstrText"})
RUN_CHARS = {"tab": "\t", "ptab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}


def read_docx(document: Source | str | os.PathLike) -> Layout:
    """Read a .docx into paragraphs and grids; every unreadable or hostile file raises DocumentError."""
    src = as_source(document)
    path = src.name
    root = open_main_part(path, src.data)
    body = next((child for child in root if w_name(child) == "body"), None)
    if body is None:
        raise DocumentError(path, "文件已损坏：Word正文（w:body）缺失。")
    if any(w_name(el) == "altChunk" for el in body.iter()):
        raise DocumentError(path, "文档正文以嵌入块（altChunk）形式保存，暂不支持；请用Word或WPS打开后另存为.docx再试。")
    reader = _BodyReader(path)
    try:
        reader.read_container(body)
    except RecursionError:
        raise DocumentError(path, "文件结构嵌套过深，无法读取。") from None
    if not reader.blocks:
        raise DocumentError(path, "Word文档中没有任何文字或表格（可能只有图片）。")
    return Layout(kind="docx", blocks=reader.blocks, pages=None)


# ---------------------------------------------------------------------------------------------
# XML helpers


def _w_val(el: etree._Element | None) -> str | None:
    """The ``w:val`` attribute of a property element, in either namespace."""
    if el is None:
        return None
    for key, value in el.attrib.items():
        if key.endswith("}val"):
            return value
    return None


def _child(el: etree._Element, name: str) -> etree._Element | None:
    """First WordprocessingML child called ``name``."""
    return next((c for c in el if w_name(c) == name), None)


def _alternative(el: etree._Element) -> etree._Element | None:
    """One branch of an mc:AlternateContent: the first Choice with text, else the Fallback.

    Word writes each text box twice (DrawingML Choice, VML Fallback); reading both would
    duplicate its text.
    """
    choices = [c for c in el if c.tag == MC_CHOICE]
    fallback = next((c for c in el if c.tag == MC_FALLBACK), None)
    for choice in choices:
        if any(w_name(t) == "t" for t in choice.iter()):
            return choice
    return fallback if fallback is not None else (choices[0] if choices else None)


def _block_children(el: etree._Element):
    """Block-level children (w:p, w:tbl, ...) of a container, looking through transparent wrappers."""
    for child in el:
        name = w_name(child)
        if name in TRANSPARENT:
            yield from _block_children(child)
        elif child.tag == MC_ALTERNATE:
            branch = _alternative(child)
            if branch is not None:
                yield from _block_children(branch)
        elif name is not None:
            yield child


# ---------------------------------------------------------------------------------------------
# Text


def _paragraph_text(p: etree._Element, struck: list[str] | None = None) -> tuple[str, list[etree._Element]]:
    """A paragraph's own text, and the text boxes anchored in it (read separately, once each);
    with ``struck``, struck-through runs are left out of the text and collected there."""
    parts: list[str] = []
    boxes: list[etree._Element] = []
    _collect_text(p, parts, boxes, struck)
    return "".join(parts), boxes


def _collect_text(el: etree._Element, parts: list[str], boxes: list[etree._Element],
                  struck: list[str] | None = None) -> None:
    """Append the visible text under ``el`` in order; text boxes are set aside, not inlined."""
    for child in el:
        name = w_name(child)
        if name == "t":
            parts.append(child.text or "")
        elif name in RUN_CHARS:
            parts.append(RUN_CHARS[name])
        elif name == "txbxContent":
            boxes.append(child)
        elif name in NO_TEXT or (name == "r" and _hidden(child)):
            continue
        elif name == "r" and struck is not None and _struck(child):  # "12" struck beside "13": a correction
            said: list[str] = []
            _collect_text(child, said, boxes)
            struck.append("".join(said))
        elif name == "r" and _raised(child):  # a superscript's "1" after "13" is a mark, not a digit
            parts.append("\n")
            _collect_text(child, parts, boxes, struck)
            parts.append("\n")
        elif child.tag == MC_ALTERNATE:
            branch = _alternative(child)
            if branch is not None:
                _collect_text(branch, parts, boxes, struck)
        elif isinstance(child.tag, str):
            _collect_text(child, parts, boxes, struck)  # runs, hyperlinks, fields, drawings, VML...


def _hidden(run: etree._Element) -> bool:
    """A run formatted as hidden text (w:vanish): Word neither shows nor prints it."""
    r_pr = _child(run, "rPr")
    vanish = _child(r_pr, "vanish") if r_pr is not None else None
    return vanish is not None and _w_val(vanish) not in ("0", "false", "off")


def _struck(run: etree._Element) -> bool:
    """A run struck through (w:strike, w:dstrike): printed, but crossed out."""
    r_pr = _child(run, "rPr")
    if r_pr is None:
        return False
    return any((mark := _child(r_pr, name)) is not None and _w_val(mark) not in ("0", "false", "off")
               for name in ("strike", "dstrike"))


def _raised(run: etree._Element) -> bool:
    """A run set as superscript or subscript (w:vertAlign)."""
    r_pr = _child(run, "rPr")
    align = _child(r_pr, "vertAlign") if r_pr is not None else None
    return align is not None and _w_val(align) in ("superscript", "subscript")


def _container_lines(el: etree._Element, struck: list[str] | None = None) -> list[str]:
    """Every non-empty line of text in a container (cell, text box), nested tables included;
    with ``struck``, struck-through runs are collected there instead."""
    lines: list[str] = []
    for block in _block_children(el):
        name = w_name(block)
        if name == "p":
            text, boxes = _paragraph_text(block, struck)
            lines.append(text.strip())
            for box in boxes:
                lines.extend(_container_lines(box, struck))
        elif name == "tbl":
            lines.extend(_nested_table_lines(block, struck))
    return [line for line in lines if line]


def _nested_table_lines(tbl: etree._Element, struck: list[str] | None = None) -> list[str]:
    """A table inside a cell, flattened to one line per row, cells separated by tabs."""
    lines = []
    for tr in _table_rows(tbl):
        cells = ["\n".join(_container_lines(tc, struck)).replace("\n", " ") for tc in _row_cells(tr)]
        lines.append("\t".join(cells).strip())
    return lines


# ---------------------------------------------------------------------------------------------
# Tables


def _table_rows(tbl: etree._Element):
    """The w:tr rows of a table, through content-control wrappers, minus tracked-deleted rows."""
    for row in _block_children(tbl):
        if w_name(row) != "tr":
            continue
        tr_pr = _child(row, "trPr")
        if tr_pr is not None and _child(tr_pr, "del") is not None:
            continue
        yield row


def _row_cells(tr: etree._Element):
    """The w:tc cells of a row, through content-control wrappers."""
    return (c for c in _block_children(tr) if w_name(c) == "tc")


def _row_skips(tr: etree._Element) -> tuple[int, int]:
    """(gridBefore, gridAfter): empty grid columns before the first and after the last cell."""
    tr_pr = _child(tr, "trPr")
    if tr_pr is None:
        return 0, 0
    return _int(_w_val(_child(tr_pr, "gridBefore")), 0), _int(_w_val(_child(tr_pr, "gridAfter")), 0)


@dataclass
class _CellProps:
    colspan: int
    vmerge: str | None  # None, "restart" or "continue"
    hmerge: str | None  # legacy horizontal merge: None, "restart" or "continue"


def _cell_props(tc: etree._Element) -> _CellProps:
    """Span and merge properties of a cell (a bare vMerge/hMerge element means continue)."""
    tc_pr = _child(tc, "tcPr")
    if tc_pr is None:
        return _CellProps(1, None, None)
    span = max(_int(_w_val(_child(tc_pr, "gridSpan")), 1), 1)
    return _CellProps(span, _merge_kind(_child(tc_pr, "vMerge")), _merge_kind(_child(tc_pr, "hMerge")))


def _merge_kind(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    return "restart" if _w_val(el) == "restart" else "continue"


def _int(value: str | None, default: int) -> int:
    """Integer attribute value; junk or absurd values give ``default`` or are clamped."""
    try:
        return min(max(int(value), 0), MAX_SPAN) if value is not None else default
    except ValueError:
        return default


def _append_text(cell: GridCell, text: str) -> None:
    """Keep text found in a merged-away cell rather than lose it."""
    if text:
        cell.text = f"{cell.text}\n{text}" if cell.text else text


def _build_grid(path: str, tbl: etree._Element, index: int) -> Grid:
    """A table's anchor cells with real spans, from gridSpan, vMerge, hMerge, gridBefore/After."""
    cells: list[GridCell] = []
    open_merges: dict[int, GridCell] = {}  # grid column -> vertically merged cell still open
    n_cols = 0
    n_rows = 0
    for r, tr in enumerate(_table_rows(tbl)):
        n_rows = r + 1
        before, after = _row_skips(tr)
        col = before
        still_open: dict[int, GridCell] = {}
        left: GridCell | None = None
        for tc in _row_cells(tr):
            props = _cell_props(tc)
            struck: list[str] = []
            text = "\n".join(_container_lines(tc, struck))
            said = " ".join(s for s in (x.strip() for x in struck) if s)
            doubt = STRUCK.format(said) if said else None
            above = open_merges.get(col)
            if props.hmerge == "continue" and left is not None and left.col + left.colspan == col:
                left.colspan += props.colspan
                _append_text(left, text)
                left.doubt = left.doubt or doubt
            elif props.vmerge == "continue" and above is not None and above.colspan == props.colspan:
                above.rowspan = r - above.row + 1
                _append_text(above, text)
                above.doubt = above.doubt or doubt
                still_open[col] = above
                left = None
            else:
                left = GridCell(r, col, text, 1, props.colspan, Where(table=index, row=r, col=col), doubt)
                cells.append(left)
                if props.vmerge is not None:  # a restart, or a continue with nothing above it
                    still_open[col] = left
            col += props.colspan
        open_merges = still_open
        n_cols = max(n_cols, col + after)
        if n_cols > MAX_GRID_COLS:
            raise DocumentError(path, f"第{index + 1}个表格超过{MAX_GRID_COLS}列，文件可能已损坏。")
    return Grid(cells=cells, n_rows=n_rows, n_cols=n_cols, where=Where(table=index))


# ---------------------------------------------------------------------------------------------
# Body


class _BodyReader:
    """Walks block containers in order, emitting Paragraph and Grid blocks and numbering tables."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.blocks: list[Paragraph | Grid] = []
        self.n_tables = 0

    def read_container(self, el: etree._Element) -> None:
        for block in _block_children(el):
            name = w_name(block)
            if name == "p":
                self._read_paragraph(block)
            elif name == "tbl":
                self.blocks.append(_build_grid(self.path, block, self.n_tables))
                self.n_tables += 1

    def _read_paragraph(self, p: etree._Element) -> None:
        text, boxes = _paragraph_text(p)
        text = text.strip()
        if text:
            self.blocks.append(Paragraph(text, Where()))
        for box in boxes:  # text boxes follow the paragraph they are anchored in
            self.read_container(box)
