"""The three tables as the official form prints them: a grid of cells with their merges.

Built from the template's structure alone (blocks, bands, groups, column groups, row groups,
the note), so any layout the template holds — 2021 or 2019 — comes out in its form: table 三's
note cell spanning 3×3, 三、本年度办理结果 spanning every row of its band, and so on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from math import lcm

from gknb import template as tpl

from .settings import Settings

CAPTION, HEADER, BAND, LABEL, NOTE, FIGURE = "caption", "header", "band", "label", "note", "figure"


@dataclass(frozen=True)
class FormCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    role: str  # caption | header | band (三、本年度办理结果) | label | note | figure


@dataclass(frozen=True)
class FormGrid:
    table: str
    widths: tuple[int, ...]  # twips, one per grid column
    cells: tuple[FormCell, ...]

    @property
    def n_rows(self) -> int:
        return max(c.row + c.rowspan for c in self.cells)

    def at(self, row: int, col: int) -> FormCell | None:
        """The cell anchored at (row, col); None where a merge covers it."""
        return next((c for c in self.cells if c.row == row and c.col == col), None)

    def covering(self, row: int, col: int) -> FormCell:
        return next(c for c in self.cells
                    if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan)


Figures = Callable[[str], str]  # cell id -> text to print ("" for a blank)


def build(layout: tpl.TableLayout, figures: Figures, settings: Settings) -> FormGrid:
    table = layout.table
    if table.kind == "blocks":
        cells, n_labels, n_values = _blocks(layout, figures)
    elif table.printed_transposed:
        cells, n_labels, n_values = _transposed(layout, figures)
    else:
        cells, n_labels, n_values = _rows(layout, figures)
    return FormGrid(table.id, _widths(settings, table.id, n_labels, n_values), tuple(cells))


def _widths(settings: Settings, tid: str, n_labels: int, n_values: int) -> tuple[int, ...]:
    style = settings.tables[tid]
    if len(style.label_widths) != n_labels:
        raise ValueError(f"[generator.tables.{tid}] label_widths needs {n_labels} entries")
    total = settings.text_width
    units = sum(style.label_widths) + style.value_width
    widths = [round(total * w / units) for w in style.label_widths]
    widths += [round(total * style.value_width / units / n_values)] * n_values
    widths[-1] += total - sum(widths)
    return tuple(widths)


def _blocks(layout: tpl.TableLayout, figures: Figures):
    """Table 二: per block a caption row, a header row (信息内容 | columns), the data rows."""
    width = lcm(*(len(b.columns) for b in layout.blocks))
    cells, r = [], 0
    for block in layout.blocks:
        span = width // len(block.columns)
        cells.append(FormCell(r, 0, 1, 1 + width, block.caption, CAPTION))
        cells.append(FormCell(r + 1, 0, 1, 1, layout.table.row_header, HEADER))
        for j, col in enumerate(block.columns):
            cells.append(FormCell(r + 1, 1 + j * span, 1, span, col.label, HEADER))
        r += 2
        for row in block.rows:
            cells.append(FormCell(r, 0, 1, 1, row.label, LABEL))
            for j, col in enumerate(block.columns):
                cid = _cell_id(layout, block.id, row.id, col.id)
                cells.append(FormCell(r, 1 + j * span, 1, span, figures(cid), FIGURE))
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
            cells.append(FormCell(top, c, 1, len(cols), table.label_of("column_group", group), HEADER))
        for col in cols:
            cells.append(FormCell(head - 1 if group else top, c, 1 if group else head - top, 1, col.label, HEADER))
            c += 1
    r = head
    for band, rows in groupby(block.rows, key=lambda x: x.band):
        rows = list(rows)
        if band:
            cells.append(FormCell(r, 0, len(rows), 1, table.label_of("band", band), BAND))
        for group, members in groupby(rows, key=lambda x: x.group):
            members = list(members)
            if group:
                cells.append(FormCell(r, n_labels - 2, len(members), 1, table.label_of("group", group), LABEL))
            for row in members:
                start = n_labels - 1 if group else (1 if band else 0)
                cells.append(FormCell(r, start, 1, n_labels - start, row.label, LABEL))
                for j, col in enumerate(block.columns):
                    cells.append(FormCell(r, n_labels + j, 1, 1, figures(_cell_id(layout, None, row.id, col.id)),
                                          FIGURE))
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
            cells.append(FormCell(0, c, 1, k * len(rows), table.label_of("row_group", group), HEADER))
        for row in rows:
            cells.append(FormCell(1 if group else 0, c, 1, k, row.label, HEADER))
            for j, col in enumerate(block.columns):
                r = head - 1 if group else 1
                cells.append(FormCell(r, c + j, head - r, 1, col.label, HEADER))
                cells.append(FormCell(head, c + j, 1, 1, figures(_cell_id(layout, None, row.id, col.id)), FIGURE))
            c += k
    return cells, 0, c


def _cell_id(layout: tpl.TableLayout, block: str | None, row: str, col: str) -> str:
    return _ids(layout)[block, row, col]


@cache
def _ids(layout: tpl.TableLayout) -> dict[tuple[str | None, str, str], str]:
    return {(c.block, c.row.id, c.column.id): c.id for c in layout.cells}
