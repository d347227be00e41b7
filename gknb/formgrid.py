"""The three tables as the official form lays them out: labels, merges and figure cells.

Built from the template's structure alone (blocks, bands, groups, column groups, row groups,
the note), so any layout the template holds — 2021 or 2019 — comes out in its form: table 三's
note cell spanning 3×3, 三、本年度办理结果 spanning every row of its band, and so on.  The
Word generator prints it (``gknb.generator.grids``), the figures workbook is laid out by it and
read back by it (``gknb.generator.workbook``, ``parsers.workbook``): one definition of the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from math import lcm

from gknb import template as tpl

__all__ = ["BAND", "CAPTION", "FIGURE", "HEADER", "LABEL", "NOTE", "FormCell", "form_cells"]

CAPTION, HEADER, BAND, LABEL, NOTE, FIGURE = "caption", "header", "band", "label", "note", "figure"


@dataclass(frozen=True)
class FormCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    role: str  # caption | header | band (三、本年度办理结果) | label | note | figure
    cell: str | None = None  # the template cell id of a figure


Figures = Callable[[str], str]  # cell id -> text to print ("" for a blank)


def form_cells(layout: tpl.TableLayout, figures: Figures) -> tuple[list[FormCell], int, int]:
    """(cells, label columns, figure columns) of a table as the official form prints it."""
    table = layout.table
    if table.kind == "blocks":
        return _blocks(layout, figures)
    if table.printed_transposed:
        return _transposed(layout, figures)
    return _rows(layout, figures)


def _figure(layout: tpl.TableLayout, figures: Figures, row: int, col: int, span: int,
            block: str | None, row_id: str, col_id: str) -> FormCell:
    cid = _ids(layout)[block, row_id, col_id]
    return FormCell(row, col, 1, span, figures(cid), FIGURE, cid)


def _blocks(layout: tpl.TableLayout, figures: Figures):
    """Table 二: per block a caption row, a header row (信息内容 | columns), the data rows."""
    width = lcm(*(len(b.columns) for b in layout.blocks))
    cells, r = [], 0
    for block in layout.blocks:
        span = width // len(block.columns)
        cells.append(FormCell(r, 0, 1, 1 + width, block.caption or "", CAPTION))
        cells.append(FormCell(r + 1, 0, 1, 1, layout.table.row_header or "", HEADER))
        for j, col in enumerate(block.columns):
            cells.append(FormCell(r + 1, 1 + j * span, 1, span, col.label, HEADER))
        r += 2
        for row in block.rows:
            cells.append(FormCell(r, 0, 1, 1, row.label, LABEL))
            for j, col in enumerate(block.columns):
                cells.append(_figure(layout, figures, r, 1 + j * span, span, block.id, row.id, col.id))
            r += 1
    return cells, 1, width


def _rows(layout: tpl.TableLayout, figures: Figures):
    """Table 三: the note cell over the label columns, grouped column headers, banded rows."""
    table = layout.table
    (block,) = layout.blocks
    n_labels = 1 + any(r.band for r in block.rows) + any(r.group for r in block.rows)
    top = 1 if table.column_header else 0
    head = top + (2 if any(c.group for c in block.columns) else 1)
    cells = [FormCell(0, 0, head, n_labels, table.note or "", NOTE)]
    if table.column_header:
        cells.append(FormCell(0, n_labels, 1, len(block.columns), table.column_header, HEADER))
    c = n_labels
    for group, cols in groupby(block.columns, key=lambda x: x.group):
        cols = list(cols)
        if group:
            cells.append(FormCell(top, c, 1, len(cols), table.label_of("column_group", group) or "", HEADER))
        for col in cols:
            cells.append(FormCell(head - 1 if group else top, c, 1 if group else head - top, 1, col.label, HEADER))
            c += 1
    r = head
    for band, rows in groupby(block.rows, key=lambda x: x.band):
        rows = list(rows)
        if band:
            cells.append(FormCell(r, 0, len(rows), 1, table.label_of("band", band) or "", BAND))
        for group, members in groupby(rows, key=lambda x: x.group):
            members = list(members)
            if group:
                cells.append(FormCell(r, n_labels - 2, len(members), 1, table.label_of("group", group) or "", LABEL))
            for row in members:
                start = n_labels - 1 if group else (1 if band else 0)
                cells.append(FormCell(r, start, 1, n_labels - start, row.label, LABEL))
                for j, col in enumerate(block.columns):
                    cells.append(_figure(layout, figures, r, n_labels + j, 1, None, row.id, col.id))
                r += 1
    return cells, n_labels, len(block.columns)


def _transposed(layout: tpl.TableLayout, figures: Figures):
    """Table 四: one row of figures under the rows' labels (行政复议 | 行政诉讼 → two kinds)."""
    table = layout.table
    (block,) = layout.blocks
    k = len(block.columns)
    head = 3 if any(r.row_group for r in block.rows) else 2
    cells, c = [], 0
    for group, rows in groupby(block.rows, key=lambda x: x.row_group):
        rows = list(rows)
        if group:
            cells.append(FormCell(0, c, 1, k * len(rows), table.label_of("row_group", group) or "", HEADER))
        for row in rows:
            cells.append(FormCell(1 if group else 0, c, 1, k, row.label, HEADER))
            for j, col in enumerate(block.columns):
                r = head - 1 if group else 1
                cells.append(FormCell(r, c + j, head - r, 1, col.label, HEADER))
                cells.append(_figure(layout, figures, head, c + j, 1, None, row.id, col.id))
            c += k
    return cells, 0, c


@cache
def _ids(layout: tpl.TableLayout) -> dict[tuple[str | None, str, str], str]:
    return {(c.block, c.row.id, c.column.id): c.id for c in layout.cells}
