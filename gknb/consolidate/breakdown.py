"""The per-agency breakdown of a consolidated report, as an Excel workbook with Chinese headers.

One sheet of figures (a row per cell of the tables: each member's figure and the total), one
of members (included, missing, not added and why), so that the office can see where each
figure of the government's report comes from and whom to chase.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from gknb import template as tpl
from gknb.model import ABSENT, BLANK, Cell
from gknb.xlsx import workbook_bytes

from .total import STATUS_ZH, Consolidation

STATE_ZH = {BLANK: "空白", ABSENT: "缺失"}


def _shown(cell: Cell | None) -> object:
    if cell is None:
        return STATE_ZH[ABSENT]
    if cell.value is None:
        return STATE_ZH.get(cell.state, "")
    return float(cell.value) if isinstance(cell.value, Decimal) else cell.value


def workbook(c: Consolidation) -> bytes:
    """The .xlsx of the breakdown, byte-identical for the same consolidation."""
    t = tpl.load()
    wb = Workbook()
    figures = wb.active
    figures.title = "各机关数字"
    members = c.included
    figures.append(["表格", "项目", "栏目", *(m.name for m in members), "合计", "说明"])
    for cdef in c.report.cell_defs():
        total = c.report.cells[cdef.id]
        row = [t.section(t.table(cdef.table).section).heading, "/".join(cdef.json_path[:-1]), cdef.json_path[-1]]
        row += [_shown(m.report.cells.get(cdef.id) if m.report else None) for m in members]
        figures.append([*row, _shown(total), total.flag or ""])
    listing = wb.create_sheet("成员机关")
    listing.append(["机关", "状态", "错误", "说明"])
    for m in c.members:
        listing.append([m.name, STATUS_ZH[m.status], len(m.errors), m.note])
    for ws in (figures, listing):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    return workbook_bytes(wb)
