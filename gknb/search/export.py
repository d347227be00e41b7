"""Writing every figure: a tidy long table (CSV, JSON), or a wide workbook (agencies × figures).

CSV is for people opening it in Excel or WPS: Chinese headers (机关、年度、表、行、栏、数值、
状态…) and states (有值 / 空白 / 缺失), UTF-8 with a byte-order mark and CRLF line ends.
JSON is for scripts: the archive's own keys and codes, an array with one object per line.
The workbook has one sheet per year, an agency a row and a figure a column, headed by its
table, row and column.  Values are written exactly as archived (decimal notation, never
rounded); a blank cell is 空白 and an absent one 缺失, never 0.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from gknb import template as tpl
from gknb.model import ABSENT, BLANK, VALUE
from gknb.xlsx import workbook_bytes

from .cells import catalogue
from .series import EXPORT_FIELDS, Figure

FORMATS = ("csv", "json", "xlsx")
BINARY_ONLY = ("xlsx",)  # written to a file, never to a terminal
STATE_ZH = {VALUE: "有值", BLANK: "空白", ABSENT: "缺失"}
CSV_HEADERS = ("机关", "年度", "表", "行", "栏", "数值", "状态", "存疑原因", "格式", "表格格式", "单元格编号")
FLAGGED = PatternFill("solid", fgColor="FFF2CC")  # a figure the parser is unsure of


@cache
def _names(cell_id: str) -> tuple[str, str, str]:
    """(表, 行, 栏) of a cell in Chinese: the table's section heading, the row's label path, the column."""
    t = tpl.load()
    c = t.cell(cell_id)
    return t.section(t.table(c.table).section).heading, "/".join(c.json_path[:-1]), c.json_path[-1]


def _format_name(fmt: str) -> str:
    f = tpl.load().formats.get(fmt)
    return f.name if f else fmt


def chinese_row(f: Figure) -> tuple:
    table, row, column = _names(f.cell_id)
    return (f.agency, f.year, table, row, column, f.value, STATE_ZH.get(f.state, f.state), f.flag,
            _format_name(f.format), _format_name(f.table_format) if f.table_format else "", f.cell_id)


def write_csv(figures: Iterable[Figure], out: BinaryIO) -> int:
    out.write(codecs.BOM_UTF8)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        w = csv.writer(text, lineterminator="\r\n")
        w.writerow(CSV_HEADERS)
        n = 0
        for f in figures:
            w.writerow(chinese_row(f))  # None is written as an empty field
            n += 1
        text.flush()
        return n
    finally:
        text.detach()  # leave ``out`` open for the caller


def _json_object(f: Figure) -> str:
    parts = []
    for key, v in zip(EXPORT_FIELDS, f):
        raw = v if key == "value" and v is not None else json.dumps(v, ensure_ascii=False)
        parts.append(f'"{key}": {raw}')
    return "{" + ", ".join(parts) + "}"


def write_json(figures: Iterable[Figure], out: BinaryIO) -> int:
    n = 0
    out.write(b"[")
    for f in figures:
        out.write((",\n" if n else "\n").encode())
        out.write(_json_object(f).encode("utf-8"))
        n += 1
    out.write(b"\n]\n" if n else b"]\n")
    return n


def _number(text: str) -> int | Decimal:
    return Decimal(text) if "." in text else int(text)


def workbook(figures: Iterable[Figure]) -> tuple[bytes, int]:
    """The wide workbook (bytes) and how many figures it holds."""
    years: dict[int, dict[str, dict[str, Figure]]] = {}
    n = 0
    for f in figures:
        years.setdefault(f.year, {}).setdefault(f.agency, {})[f.cell_id] = f
        n += 1
    order = {cid: i for i, cid in enumerate(catalogue())}
    wb = Workbook()
    wb.remove(wb.active)
    for year in sorted(years):
        agencies = years[year]
        cells = sorted({cid for row in agencies.values() for cid in row}, key=order.__getitem__)
        ws = wb.create_sheet(f"{year}年度")
        for r, label in enumerate(("表", "行", "栏"), start=1):
            ws.cell(r, 1, label if r < 3 else "机关").font = Font(bold=True)
            for c, cid in enumerate(cells, start=2):
                cell = ws.cell(r, c, _names(cid)[r - 1])
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, agency in enumerate(sorted(agencies), start=4):
            ws.cell(r, 1, agency)
            for c, cid in enumerate(cells, start=2):
                f = agencies[agency].get(cid)
                if f is None:
                    continue  # the agency's table format has no such cell
                cell = ws.cell(r, c, _number(f.value) if f.state == VALUE and f.value is not None
                               else STATE_ZH.get(f.state, f.state))
                if f.flag:
                    cell.fill = FLAGGED
        ws.column_dimensions["A"].width = 32
        ws.freeze_panes = "B4"
    if not years:
        wb.create_sheet("无数据")
    return workbook_bytes(wb), n


def write_xlsx(figures: Iterable[Figure], out: BinaryIO) -> int:
    data, n = workbook(figures)
    out.write(data)
    return n


def write(fmt: str, figures: Iterable[Figure], out: BinaryIO) -> int:
    """Write the figures as ``fmt``; the number of figures written."""
    return {"csv": write_csv, "json": write_json, "xlsx": write_xlsx}[fmt](figures, out)
