"""The figures workbook: a year's draft as an Excel form staff fill in Excel or WPS.

One sheet per table laid out as the official form (labels and merges from the template, via
:mod:`gknb.formsheet`), the figures the archive carries forward prefilled (as the YAML draft
has them), every total a sum rule determines written as a formula (:mod:`gknb.equations`), data
validation on every input cell, labels and formulas protected (no password: the protection
keeps the form's shape, it is no secret).  Then a sheet for the text parts, one row per item.
The bytes are deterministic (:func:`gknb.xlsx.workbook_bytes`); :mod:`parsers.workbook` reads
a filled one back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from gknb import template as tpl
from gknb.equations import total_terms
from gknb.formgrid import FIGURE, HEADER, NOTE
from gknb.formsheet import TEXT_TOP, TextBlock, figure_refs, placed, spec
from gknb.model import Report
from gknb.view import from_view
from gknb.xlsx import workbook_bytes

from .draft import Draft

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
_OPEN = Protection(locked=False)


def workbook(d: Draft) -> bytes:
    """The draft's figures workbook (.xlsx bytes, the same for the same draft)."""
    t = tpl.load()
    v = d.view
    report = from_view({k: v[k] for k in ("agency", "year", "format", *t.tables) if k in v})
    carried = {c.cell for c in d.carried if c.value is not None}
    wb = Workbook()
    wb.remove(wb.active)
    for layout in report.layouts():
        _table_sheet(wb.create_sheet(layout.table.sheet or layout.table.id), layout, report, carried)
    _text_sheet(wb.create_sheet(spec()["text_sheet"]), v)
    return workbook_bytes(wb)


def _fill(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


def _validation(kind: str, unit: str | None) -> DataValidation | None:
    """Whole numbers ≥ 0 for counts, numbers ≥ 0 for amounts; none for a signed change (2019)."""
    s = spec()
    if kind not in ("int", "decimal"):
        return None
    message = s["count_error"] if kind == "int" else s["amount_error"] + (s["unit_error"].format(unit=unit)
                                                                           if unit else "")
    return DataValidation(type="whole" if kind == "int" else "decimal", operator="greaterThanOrEqual",
                          formula1="0", allow_blank=True, showErrorMessage=True, errorTitle=s["error_title"],
                          error=message)


def _heading(ws: Worksheet, row: int, text: str, width: int, bold: bool = False) -> None:
    ws.cell(row, 1, text).alignment = _WRAP
    ws.cell(row, 1).font = Font(bold=bold)
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _protect(ws: Worksheet, *, rows: bool = False) -> None:
    """Labels and formulas locked (no password); ``rows``: staff may insert rows (more items)."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # staff may widen a column or a row
    ws.protection.formatRows = False
    ws.protection.insertRows = not rows


def _table_sheet(ws: Worksheet, layout: tpl.TableLayout, report: Report, carried: set[str]) -> None:
    s, t = spec(), tpl.load()
    cells, width = placed(layout)
    heading = t.section(layout.table.section).heading
    _heading(ws, 1, s["table_title"].format(agency=report.agency, year=report.year, sheet=ws.title,
                                             heading=heading), width, bold=True)
    _heading(ws, 2, s["instructions"], width)
    ws.row_dimensions[2].height = 30
    totals = total_terms(report)
    refs = figure_refs(layout)
    validations: dict[tuple[str, str | None], DataValidation] = {}
    n_labels = min(col for c, _, col in cells if c.role == FIGURE) - 1
    for c, row, col in cells:
        if c.rowspan > 1 or c.colspan > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + c.rowspan - 1,
                           end_column=col + c.colspan - 1)
        for r in range(row, row + c.rowspan):
            for k in range(col, col + c.colspan):
                ws.cell(r, k).border = _BORDER
        x = ws.cell(row, col)
        if c.role != FIGURE or c.cell is None:
            x.value = c.text
            x.alignment = _CENTRE if c.role in (HEADER, NOTE) else _WRAP
            x.fill = _fill(s["label_fill"])
            continue
        x.alignment = _CENTRE
        if c.cell in totals:
            total, parts = totals[c.cell]
            x.value = "=" + "".join(("+" if total.sign * p.sign > 0 else "-") + refs[p.cell]
                                    for p in parts).lstrip("+")
            x.fill = _fill(s["formula_fill"])
            continue
        value = report.value(c.cell)
        x.value = float(value) if isinstance(value, Decimal) else value
        x.protection = _OPEN
        x.fill = _fill(s["carried_fill"] if c.cell in carried else s["input_fill"])
        column = t.cell(c.cell).column
        key = (column.type, column.unit)
        if key not in validations and (dv := _validation(*key)) is not None:
            validations[key] = dv
            ws.add_data_validation(dv)
        if key in validations:
            validations[key].add(x.coordinate)
    for k in range(1, width + 1):
        ws.column_dimensions[get_column_letter(k)].width = s["label_width"] if k <= n_labels else s["figure_width"]
    _protect(ws)


# --------------------------------------------------------------------------- the text sheet

def _values(block: TextBlock, v: dict[str, Any]) -> Any:
    """What the draft already holds for a block: a mapping (record) or a list of mappings."""
    if block.feeds == "identity":
        return {name: v.get(name) for name in block.fields}
    if block.feeds == "section":
        paragraphs = ((v.get("sections") or {}).get(block.section) or {}).get("paragraphs") or []
        return [{"text": p} for p in paragraphs]
    return v.get(block.feeds) or ({} if block.kind == "record" else [])


def _text_sheet(ws: Worksheet, v: dict[str, Any]) -> None:
    s = spec()
    width = 1 + max(len(b.fields) for b in s.blocks if b.kind == "list")
    _heading(ws, 1, s["title"].format(agency=v.get("agency") or "", year=v.get("year") or "", sheet=ws.title),
             width, bold=True)
    _heading(ws, 2, s["text_instructions"], width)
    row = TEXT_TOP
    for block in s.blocks:
        _heading(ws, row, block.title, width, bold=True)
        ws.cell(row, 1).fill = _fill(s["label_fill"])
        row += 1
        values = _values(block, v)
        if block.kind == "record":
            for name, label in block.fields.items():
                ws.cell(row, 1, label).border = _BORDER
                _input(ws, row, 2, values.get(name), width)
                if (dv := _validation(block.types[name], None) if name in block.types else None) is not None:
                    ws.add_data_validation(dv)
                    dv.add(ws.cell(row, 2).coordinate)
                row += 1
        else:
            ws.cell(row, 1, s["number_header"]).border = _BORDER
            for k, label in enumerate(block.fields.values(), 2):
                ws.cell(row, k, label).border = _BORDER
                ws.cell(row, k).alignment = _CENTRE
            row += 1
            labels = block.row_labels()
            n = max(len(labels), len(values)) + s["spare_rows"]
            for i in range(n):
                ws.cell(row, 1, labels[i] if i < len(labels) else str(i + 1)).border = _BORDER
                ws.cell(row, 1).alignment = _WRAP
                item = values[i] if i < len(values) else {}
                for k, name in enumerate(block.fields, 2):
                    _input(ws, row, k, item.get(name))
                row += 1
        row += 1
    for k, w in enumerate(s["text_widths"], 1):
        ws.column_dimensions[get_column_letter(k)].width = w
    _protect(ws, rows=True)  # a list longer than its rows: insert one (the reader goes by the block titles)


def _input(ws: Worksheet, row: int, col: int, value: Any, width: int = 0) -> None:
    """An input cell of the text sheet (merged to the sheet's width for a record's value)."""
    x = ws.cell(row, col, float(value) if isinstance(value, Decimal) else value)
    x.protection, x.alignment, x.border = _OPEN, _WRAP, _BORDER
    x.fill = _fill(spec()["input_fill"])
    if width > col:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=width)
