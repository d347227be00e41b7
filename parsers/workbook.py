"""The figures workbook, filled in Excel or WPS, read back into the report a figures file gives.

The sheets are laid out by :mod:`gknb.formsheet` (what ``gknb draft … -o 年度.xlsx`` wrote); each
figure is read from its own cell and checked as a figures file's figure is (:func:`gknb.view.number`),
every problem named by sheet and cell ("表二!D12").  Formula cells are the totals: their cached
value (Excel and WPS save one; openpyxl does not) is read as a typed total, which the checker
then compares with the parts; without one the total is computed from the parts, as a blank
total of a YAML file is.

Anyone can send a workbook, so the package is vetted before openpyxl parses it: a size limit,
declared member sizes (the zip bomb), no DTD or entity in any XML part (the billion laughs),
merged ranges and used ranges bounded (a merge over a whole sheet would make 17 billion cells).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from datetime import date, datetime, time
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from gknb import template as tpl
from gknb.extras import read_extras
from gknb.formgrid import FIGURE
from gknb.formsheet import TEXT_TOP, TextBlock, figure_refs, placed, ref, spec
from gknb.model import BLANK, VALUE, Cell, Report, Section
from gknb.view import YEARS, number, show

from .errors import DocumentError
from .figures import MAX_PROBLEMS, FiguresFile, finish
from .zipdamage import ZIP_DAMAGE

MB = 1024 * 1024
MAX_BYTES = 5 * MB  # a drafted workbook is ~20 KB
MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 20 * MB  # any part, uncompressed (declared and read)
MAX_TOTAL_BYTES = 60 * MB
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)
_MERGE = re.compile(rb'<mergeCell\b[^>]*\bref="([^"]{1,40})"')
_DIMENSION = re.compile(rb'<dimension\b[^>]*\bref="([^"]{1,40})"')
# A <sheet> of the workbook part (a sheet listed many times is read that many times by openpyxl)
_SHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet[\s/>]")

Problems = list[tuple[int, str]]  # (order, Chinese sentence naming sheet and cell)


def is_workbook(names: set[str]) -> bool:
    """A zip package that is an Excel workbook (by its members, as a .docx is by its own)."""
    return "xl/workbook.xml" in names


def load(data: bytes, path: str) -> FiguresFile:
    """The workbook's report and extras, or one DocumentError listing every problem."""
    s = spec()
    wb, cached = _open(data, path)
    problems: Problems = []
    text = wb[s["text_sheet"]] if s["text_sheet"] in wb.sheetnames else None
    obj, refs = _read_text(text, problems) if text is not None else ({}, {})
    agency, year = _identity(obj.pop("identity", {}), refs, problems)
    t = tpl.load()
    fmt = t.format_for_year(year) if year else "2021"
    report = Report(agency, year, fmt)
    missing = [tb.sheet for tb in t.tables.values() if tb.sheet not in wb.sheetnames]
    if text is None:
        missing.append(s["text_sheet"])
    if missing:
        raise DocumentError(path, f"不是gknb的数字填报表：缺少工作表“{'”“'.join(str(m) for m in missing)}”"
                                  "（请用 gknb draft … -o 年度.xlsx 生成填报表）")
    for table in t.tables.values():
        ws = wb[str(table.sheet)]
        layout = _layout(ws, table, fmt, problems)
        if layout is None:
            continue
        report.table_formats[table.id] = layout.format
        _read_figures(ws, cached[ws.title], layout, report, problems)
    extras, wrong = read_extras(obj)
    problems += [_at(refs, where, message) for where, message in wrong]
    if problems:
        shown = [m for _, m in sorted(problems, key=lambda p: p[0])[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"……另有{len(problems) - MAX_PROBLEMS}处问题未列出")
        raise DocumentError(path, "数字填报表有误：\n  " + "\n  ".join(shown))
    report.sections.update(obj.get("sections", {}))
    return finish(report, extras, path)


# --------------------------------------------------------------------------- the package

def _open(data: bytes, path: str) -> tuple[Workbook, dict[str, Worksheet]]:
    """The workbook with formulas, and each sheet with the values Excel cached for them."""
    if len(data) > MAX_BYTES:
        raise DocumentError(path, f"文件过大（{len(data) // MB} MB），数字填报表不应超过{MAX_BYTES // MB} MB")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            _vet(path, package)
    except ZIP_DAMAGE as e:
        raise DocumentError(path, f"文件已损坏，无法作为Excel工作簿（.xlsx）打开（{type(e).__name__}）") from None
    try:
        with warnings.catch_warnings():  # openpyxl's English asides on what it drops (extensions, bad links)
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), data_only=False)
            values = load_workbook(io.BytesIO(data), data_only=True)
    except DocumentError:
        raise
    except Exception as e:  # noqa: BLE001 -- openpyxl meets a part it cannot read: this file's error
        raise DocumentError(path, f"文件已损坏，无法作为Excel工作簿（.xlsx）打开（{type(e).__name__}）；"
                                  "请用Excel或WPS另存为.xlsx后再试") from None
    limits = spec()
    for ws in wb.worksheets:
        if ws.max_row > limits["max_rows"] or ws.max_column > limits["max_columns"]:
            raise DocumentError(path, f"工作表“{ws.title}”的范围过大（{ws.max_row}行×{ws.max_column}列），"
                                      "不是gknb的数字填报表")
    return wb, {ws.title: ws for ws in values.worksheets}


def _vet(path: str, package: zipfile.ZipFile) -> None:
    members = package.infolist()
    if len(members) > MAX_MEMBERS:
        raise DocumentError(path, f"压缩包中的部件过多（{len(members)}个），不是数字填报表")
    total = sum(m.file_size for m in members)
    if any(m.file_size > MAX_MEMBER_BYTES for m in members) or total > MAX_TOTAL_BYTES:
        raise DocumentError(path, f"文件疑似压缩炸弹：声明的解压后大小约{total // MB} MB，已拒绝处理")
    limits = spec()
    for m in members:
        if m.flag_bits & 0x1:
            raise DocumentError(path, "文件已加密（设有密码），无法读取；请取消密码后另存为.xlsx")
        if not m.filename.endswith((".xml", ".rels", ".vml")):
            continue
        with package.open(m) as part:
            body = part.read(MAX_MEMBER_BYTES + 1)
        if len(body) > MAX_MEMBER_BYTES:
            raise DocumentError(path, f"文件中的{m.filename}过大，已拒绝处理")
        if _DTD.search(body):
            raise DocumentError(path, f"文件中的{m.filename}含有DTD或实体声明，Excel不会这样保存，已拒绝处理")
        sheets = len(_SHEET.findall(body))
        if sheets > limits["max_sheets"]:
            raise DocumentError(path, f"文件中列出了{sheets}个工作表，gknb的数字填报表没有这么多工作表，已拒绝处理")
        for found in (*_MERGE.findall(body), *_DIMENSION.findall(body)):
            try:
                c0, r0, c1, r1 = range_boundaries(found.decode("ascii", "replace"))
            except (ValueError, TypeError):
                raise DocumentError(path, f"文件中的{m.filename}有无法识别的单元格范围，已拒绝处理") from None
            if max(r0 or 1, r1 or 1) > limits["max_rows"] or max(c0 or 1, c1 or 1) > limits["max_columns"]:
                raise DocumentError(path, f"文件中的{m.filename}的单元格范围过大（{found.decode('ascii', 'replace')}），"
                                          "不是gknb的数字填报表")


# --------------------------------------------------------------------------- the tables

def _text(value: Any) -> str:
    return "" if value is None else re.sub(r"\s+", "", str(value))


def _layout(ws: Worksheet, table: tpl.Table, fmt: str, problems: Problems) -> tpl.TableLayout | None:
    """The table's layout whose labels the sheet has (the year's format first); else a problem."""
    first: str | None = None
    for f in sorted(tpl.TABLE_FORMATS, key=lambda x: x != fmt):
        layout = table.layout(f)
        cells, _ = placed(layout)
        wrong = next(((c, r, k) for c, r, k in cells if c.role != FIGURE and _text(ws.cell(r, k).value) != _text(c.text)),
                     None)
        if wrong is None:
            return layout
        if first is None:
            c, r, k = wrong
            first = (f"{ws.title}!{ref(r, k)}：应为“{c.text}”，实为“{show(ws.cell(r, k).value or '')}”——"
                     "表格的行列标签被改动，请使用 gknb draft 生成的填报表，只在黄色单元格中填写")
    problems.append((0, first or ws.title))
    return None


def _read_figures(ws: Worksheet, cached: Worksheet, layout: tpl.TableLayout, report: Report,
                  problems: Problems) -> None:
    for cid, at in figure_refs(layout).items():
        cdef = tpl.load().cell(cid)
        raw = ws[at].value
        formula = (isinstance(raw, str) and raw.startswith("=")) or \
            (raw is not None and not isinstance(raw, (int, float, str, bool, datetime, date, time)))  # array formula
        if formula:
            raw = cached[at].value  # a formula: what Excel or WPS computed, if they saved it
            if isinstance(raw, str) and raw.startswith("#"):  # "#VALUE!": a part holds text
                raw = None
        if isinstance(raw, (datetime, date, time)):
            problems.append((_order(ws, at), f"{ws.title}!{at}（{cdef.label}）：应为数字，实为日期或时间"))
            report.cells[cid] = Cell(BLANK)
            continue
        value, problem = number(raw, cdef.column.type)
        if problem:
            problems.append((_order(ws, at), f"{ws.title}!{at}（{cdef.label}）：{problem}"))
        report.cells[cid] = Cell(VALUE, value) if value is not None else Cell(BLANK)


def _order(ws: Worksheet, at: str) -> int:
    """Problems listed sheet by sheet, row by row."""
    sheets = [str(t.sheet) for t in tpl.load().tables.values()]
    index = sheets.index(ws.title) if ws.title in sheets else len(sheets)
    return (index + 1) * 100_000 + ws[at].row * 100 + ws[at].column


# --------------------------------------------------------------------------- the text sheet

Refs = dict[tuple[str | int, ...], tuple[str, int, str]]  # key path -> ("文字部分!C12", row, label)


def _read_text(ws: Worksheet, problems: Problems) -> tuple[dict[str, Any], Refs]:
    """The text sheet as a figures file's keys (identity, extras, sections), and where each came from."""
    s = spec()
    titles = {_text(b.title): b for b in s.blocks}
    obj: dict[str, Any] = {}
    refs: Refs = {}
    block: TextBlock | None = None
    index = 0
    for row in range(TEXT_TOP, ws.max_row + 1):
        label = ws.cell(row, 1).value
        if _text(label) in titles:
            block, index = titles[_text(label)], 0
            refs[(_key(block),)] = (f"{ws.title}!A{row}", row, block.title)
            continue
        if block is None or _text(label) == _text(s["number_header"]):
            continue
        if block.kind == "record":
            name = next((n for n, lab in block.fields.items() if _text(lab) == _text(label)), None)
            value = ws.cell(row, 2).value
            if name is not None and _given(value):
                obj.setdefault(_key(block), {})[name] = _field(value, name in block.types)
                refs[(_key(block), name)] = (f"{ws.title}!B{row}", row, block.fields[name])
            continue
        item = {name: _field(ws.cell(row, k).value, False) for k, name in enumerate(block.fields, 2)
                if _given(ws.cell(row, k).value)}
        if not item:
            continue
        if block.feeds == "section":
            paragraphs = obj.setdefault("sections", {}).setdefault(str(block.section), Section(str(block.section), None))
            heading = _text(label) if block.rows == "subheadings" and str(label).strip() in block.row_labels() else ""
            paragraphs.paragraphs += ([str(label).strip()] if heading else []) + [str(v) for v in item.values()]
            continue
        where = (block.feeds, index)
        refs[where] = (f"{ws.title}!A{row}", row, block.title)
        for k, name in enumerate(block.fields, 2):
            refs[(*where, name)] = (f"{ws.title}!{ref(row, k)}", row, block.fields[name])
        obj.setdefault(block.feeds, []).append(item)
        index += 1
    return obj, refs


def _key(block: TextBlock) -> str:
    return f"sections.{block.section}" if block.feeds == "section" else block.feeds


def _given(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _field(value: Any, figure: bool) -> Any:
    """A text cell as the figures file would hold it: text, or the figure as typed."""
    if figure or isinstance(value, bool):
        return value
    if isinstance(value, (datetime, date)):  # a date typed into a cell Excel formats as one
        return f"{value.year}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _identity(given: dict[str, Any], refs: Refs, problems: Problems) -> tuple[str, int | None]:
    agency = str(given.get("agency") or "").strip()
    raw = given.get("year")
    year: int | None = None
    if raw is not None:
        value, problem = number(raw, "int")
        if problem or not isinstance(value, int) or value not in YEARS:
            problems.append(_at(refs, ("identity", "year"), f"应为年份（如 2025），实为“{show(raw)}”"))
        else:
            year = value
    return agency, year


def _at(refs: Refs, where: tuple[str | int, ...], message: str) -> tuple[int, str]:
    """A problem of the text sheet at the cell its key path came from (or the nearest one)."""
    for n in range(len(where), 0, -1):
        if where[:n] in refs:
            at, row, label = refs[where[:n]]
            return 10_000_000 + row, f"{at}（{label}）：{message}"
    return 10_000_000, message
