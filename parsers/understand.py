"""A neutral layout → a report of the template: the one place documents meet the form.

Format readers (pdf, docx, html, text) stop at paragraphs and grids; everything here works
on any of them: which report it is, where its sections are, which grid rows are which
template rows, which format each table is in, and what the parser is unsure of.
"""

from __future__ import annotations

from dataclasses import replace

from gknb import template as tpl
from gknb.equations import linear_constraints  # the template's own sums decide, read in one place
from gknb.model import (
    ABSENT,
    ALTERED_TABLE,
    BLANK,
    IDENTITY_AGENCY,
    MISSING_ROW,
    MISSING_SECTION,
    MISSING_TABLE,
    NOTE,
    UNMATCHED_ROW,
    UNSURE,
    VALUE,
    Cell,
    Finding,
    Report,
    Section,
)

from . import identity
from . import sections as sec
from .errors import DocumentError
from .explain import Event, explain
from .labels import is_traditional, key
from .layout import Layout, Paragraph, Where
from .matchsettings import MATCH, MatchSettings
from .readings import REPEATED_ROW, TableReadings
from .splitting import Run, solve
from .tables import read as read_tables
from .values import header_unit_doubt, read_cell
from .vocab import table_name

MISSING_IN_SOURCE = "原文缺少此单元格（导出时丢失或行短于表头）"


def understand(layout: Layout, path: str, events: list[Event] | None = None,
               settings: MatchSettings = MATCH) -> Report:
    """The report a layout holds; ``events`` (when given) receives how each part was read."""
    paragraphs: list[str] = []
    for block in layout.blocks:
        if isinstance(block, Paragraph):
            paragraphs.extend(sec.split_inline_headings(block.text))
    tables = read_tables(layout, settings)

    findings: list[Finding] = []
    if layout.damaged_bytes:
        findings.append(Finding(UNSURE, f"文件中有{layout.damaged_bytes}处无法识别的字节，已替换为“\ufffd”；"
                                        "涉及的文字和数字请核对原件"))
    if is_traditional("".join(paragraphs[:50])):
        findings.append(Finding(NOTE, "正文为繁体字，已按简体对照模板识别"))
    title, used = identity.find_title(paragraphs)
    agency, year = identity.agency_and_year(title)
    body = paragraphs[used:]
    if year is None:
        year, sure = identity.year_from_text(body[:60])
        if year is not None and sure:
            findings.append(Finding(NOTE, f"标题未写明年度，按正文取为{year}年度"))
        elif year is not None:
            findings.append(Finding(UNSURE, f"标题和正文都未写明报告年度（统计期限、“××××年度”），按正文中最常见的"
                                            f"年份推定为{year}年度，请核对"))
    if agency is None:
        agency = identity.agency_from_lines(paragraphs[:3]) or identity.agency_from_lines(paragraphs[::-1][:4])
        findings.append(Finding(NOTE, f"未能从标题识别机关名称，按正文取为“{agency}”" if agency
                                else "未能从标题识别机关名称", IDENTITY_AGENCY))
    preamble, found = sec.assign(body, agency)

    if not found and not any(r.slots or r.runs for r in tables.tables.values()):
        what = "虽有类似年报的标题，但" if title else ""
        raise DocumentError(path, f"这不像是一份政府信息公开工作年度报告：{what}没有找到“一、总体情况”等六个部分的"
                                  "任何一个，也没有找到年报的三张表格中的任何一张")
    for size in tables.skipped:
        findings.append(Finding(NOTE, f"跳过一个{size}的表格：远大于年报的任何一张表"))
    report, splits = _build(agency or "", year, tables.tables, findings, layout.recognised)
    if events is not None:
        if layout.recognised:
            events.extend(_recognition_events(layout))
        events.extend(explain(tables.trace, settings))
        events.extend(splits)
        for k, sec_text in found.items():
            events.append(Event("部分", Where(), sec_text.heading or "（无标题）", f"第{k}部分"))
    report.title = title
    report.preamble = preamble
    for k, s in found.items():
        report.sections[k] = Section(k, s.heading, s.paragraphs)
    for s in tpl.load().sections:
        if s.key not in found:
            report.findings.append(Finding(MISSING_SECTION, f"未找到第{s.key}部分的标题（{s.heading}）", s.key))
    return report


def _recognition_events(layout: Layout) -> list[Event]:
    """What recognition read in each table row of a scan, with its weakest confidence."""
    out = []
    for block in layout.blocks:
        if isinstance(block, Paragraph):
            continue
        for row in block.rows():
            texts = [c.text or "（空）" for c in row]
            confidences = [c.where.confidence for c in row if c.where.confidence is not None]
            doubts = sorted({c.doubt for c in row if c.doubt})
            result = f"最低置信度 {min(confidences):.2f}" if confidences else "无识别文字"
            if doubts:
                result += "；" + "；".join(doubts)
            page = next((c.where.page for c in row if c.where.page), block.where.page)
            out.append(Event("识别", Where(page=page), " | ".join(texts), result))
    return out


def _report_format(year: int | None, readings: dict[str, TableReadings]) -> str:
    t = tpl.load()
    if year is not None and t.format_for_year(year) == "pre2019" and not any(r.slots for r in readings.values()):
        return "pre2019"
    votes = readings["proactive"].format_votes
    if votes:
        return max(votes, key=lambda f: (votes[f], f))
    if year is not None and t.format_for_year(year) != "pre2019":
        return t.format_for_year(year)
    return "2021"


def _build(agency: str, year: int | None, readings: dict[str, TableReadings], findings: list[Finding],
           recognised: bool = False) -> tuple[Report, list[Event]]:
    """The report's cells from the tables' readings, and how its runs of digits were split."""
    t = tpl.load()
    fmt = _report_format(year, readings)
    if fmt == "pre2019":
        report = Report.empty(agency, year, fmt)
        report.findings = findings + [Finding(NOTE, "2019年以前的报告：没有全国统一的表格，只归档正文")]
        return report, []
    table_formats = {tid: readings[tid].format(fmt) for tid in t.tables}
    report = Report.empty(agency, year, fmt, table_formats)
    report.findings = findings
    explained: dict[str, str] = {}  # cell id -> why it is absent, when a table or row finding says it
    confirmable: set[str] = set()  # cells placed by inference, certain when every sum through them holds
    for layout in report.layouts():
        tid = layout.table.id
        r = readings[tid]
        heading = t.section(layout.table.section).heading
        if not r.slots:
            report.findings.append(Finding(MISSING_TABLE, f"未找到表格：{heading}", tid))
            _mark_absent(report, [c.id for c in layout.cells], f"未找到此表（{heading}）", explained)
            continue
        if layout.format != fmt:
            report.findings.append(Finding(ALTERED_TABLE, f"{heading}的表格为{t.formats[layout.format].name}，"
                                                          f"与报告其余部分（{t.formats[fmt].name}）不同", tid))
        missing_rows = []
        for block in layout.blocks:
            for row in block.rows:
                if (block.id, row.id) not in r.rows_seen:
                    missing_rows.append("/".join(x for x in (block.caption, row.label) if x))
        for label in missing_rows:
            report.findings.append(Finding(MISSING_ROW, f"{heading}：未找到“{label}”这一行", tid))
        for cdef in layout.cells:
            if (cdef.block, cdef.row.id) not in r.rows_seen:
                _mark_absent(report, [cdef.id], f"未找到此行（{heading}）", explained)
        for text in r.unmatched:
            report.findings.append(Finding(UNMATCHED_ROW, f"{heading}：有一行无法对应模板：“{text}”", tid))
        for label in r.duplicates:
            report.findings.append(Finding(UNSURE, f"{heading}：“{label}”出现不止一次，取最后一次", tid))
        for cdef in layout.cells:
            raw = r.slots.get((cdef.block, cdef.row.id, key(cdef.column.label)))
            if raw is None:
                if cdef.id not in explained:  # the row was read, but no column of it was this one
                    report.cells[cdef.id] = Cell(ABSENT, None, None, None, "原文此行中未找到这一栏")
                continue
            if raw.missing:
                report.cells[cdef.id] = Cell(ABSENT, None, None, raw.where, MISSING_IN_SOURCE)
                continue
            reading = read_cell(raw.text, cdef.column)
            state = VALUE if reading.value is not None else BLANK
            if reading.value is None and (reading.flag or raw.doubt):
                state = ABSENT  # a blank the reader is unsure of is no blank
            unit = next((d for h in r.headers.get(key(cdef.column.label), ())
                         if (d := header_unit_doubt(h, cdef.column))), None) if reading.value is not None else None
            report.cells[cdef.id] = Cell(state, reading.value, reading.printed, raw.where,
                                         reading.flag or unit or raw.inferred or raw.doubt)
            if (raw.inferred or raw.doubt) and not reading.flag:
                confirmable.add(cdef.id)
    splits = _split_runs(report, readings)
    _confirm_by_arithmetic(report, confirmable)
    if recognised:
        _settle_misread(report)
        _flag_contradicted(report)
    for cid, cell in report.cells.items():
        if cell.state == ABSENT and not cell.flag:  # absent is never silent: it is not a blank
            cell.flag = "原文中未找到此单元格"
        if cell.flag and (cid not in explained or cell.flag != explained[cid]):
            report.findings.append(Finding(UNSURE, f"{'/'.join(t.cell(cid).json_path)}：{cell.flag}", cid))
    return report, splits


def _imbalance(report: Report, equation: list[tuple[int, str]], instead: dict | None = None):
    """By how much a sum fails (0: it holds), or None when one of its figures is unknown;
    ``instead`` gives some cells another value."""
    instead = instead or {}
    values = [instead[cid] if cid in instead else report.value(cid) for _, cid in equation]
    if any(v is None for v in values):
        return None
    return sum(k * v for (k, _), v in zip(equation, values))


def _settle_misread(report: Report) -> None:
    """The sums decide where they force one answer: when the failing sums of a scan's table
    (at least two) share exactly one recognised figure, and each of them, with its other
    figures read without doubt, gives that figure the same value — which makes every sum
    through it hold — the figure is that value (a misread digit), and a note says so."""
    equations = linear_constraints(report)
    failing = [eq for eq in equations if _imbalance(report, eq) not in (None, 0)]
    if len(failing) < 2:
        return
    common = set.intersection(*({cid for _, cid in eq} for eq in failing))
    if len(common) != 1:
        return
    culprit = next(iter(common))
    forced = set()
    for equation in failing:
        k = next(k for k, cid in equation if cid == culprit)
        others = [(kk, cid) for kk, cid in equation if cid != culprit]
        if any(report.cells[cid].flag for _, cid in others):
            return  # a doubtful figure among the others: nothing is forced
        forced.add(-sum(kk * report.value(cid) for kk, cid in others) / k)
    if len(forced) != 1:
        return
    value = forced.pop()
    if value < 0 or value != int(value):
        return
    value = int(value)
    cell = report.cells[culprit]
    for equation in equations:  # every sum through the figure must hold with the new value
        if any(cid == culprit for _, cid in equation) and _imbalance(report, equation, {culprit: value}) != 0:
            return
    read = cell.printed or str(cell.value)
    report.cells[culprit] = Cell(VALUE, value, read, cell.where, None)
    path = "/".join(tpl.load().cell(culprit).json_path)
    report.findings.append(Finding(NOTE, f"{path}：扫描件识别为“{read}”，与表内{len(failing)}处合计不符；"
                                         f"按这些合计取为{value}，请核对原件", culprit))


def _flag_contradicted(report: Report) -> None:
    """Recognised figures that a sum of their table contradicts: one of them is misread, and
    nothing says which — every figure of the sum is flagged."""
    for equation in linear_constraints(report):
        if _imbalance(report, equation) in (None, 0):
            continue
        for _, cid in equation:
            cell = report.cells[cid]
            if cell.state == VALUE and not cell.flag:
                cell.flag = "扫描件识别结果与表内合计不符，请核对原件"


def _mark_absent(report: Report, cells: list[str], why: str, explained: dict[str, str]) -> None:
    """Cells of a table or row that was not found: absent, flagged, reported once for the part."""
    for cid in cells:
        report.cells[cid] = Cell(ABSENT, None, None, None, why)
        explained[cid] = why


def _split_runs(report: Report, readings: dict[str, TableReadings]) -> list[Event]:
    """Figures that ran together, cut the one way the table's sums allow (or flagged);
    for ``--explain``, how each run was cut."""
    runs = []
    for layout in report.layouts():
        by_row = {}
        for cdef in layout.cells:
            by_row.setdefault((cdef.block, cdef.row.id), []).append(cdef.id)
        latest = {}
        for read in readings[layout.table.id].runs:
            before = latest.get(read.rows)
            if before is not None and before.text != read.text and not read.unsure:
                read = replace(read, unsure=REPEATED_ROW.format(before.text, read.text))
            latest[read.rows] = read  # a row read twice: the later reading stands (flagged if they differ)
        for rows, read in latest.items():
            cells = [cid for row in rows for cid in by_row.get(row, [])]
            if cells:
                runs.append((Run(cells, read.text, read.where), read.unsure))
    if not runs:
        return []
    values = solve(report, [run for run, _ in runs], linear_constraints(report))
    told = []
    for run, unsure in runs:
        cut = []
        for cid in run.cells:
            options = values.get(cid, set())
            if len(options) == 1:  # a cut the sums leave one way is still doubtful if the run is
                report.cells[cid] = Cell(VALUE, next(iter(options)), run.text, run.where, unsure)
                cut.append(str(next(iter(options))))
            else:
                shown = "、".join(str(v) for v in sorted(options)[:6])
                why = f"可能为 {shown}" if options else "位数不足或拆法过多"
                report.cells[cid] = Cell(ABSENT, None, run.text, run.where,
                                         f"数字连在一起（“{run.text}”），无法唯一拆分：{why}")
                cut.append("?")
        told.append(_told_split(run, cut))
    return told


def _told_split(run: Run, cut: list[str]) -> Event:
    """How one run of digits was cut into its cells (? where the sums leave it open)."""
    t = tpl.load()
    first = t.cell(run.cells[0])
    rows = dict.fromkeys(c.row.label for c in map(t.cell, run.cells))
    result = " ".join(cut) if "?" not in cut else f"{' '.join(cut)}（无法唯一拆分，已标为存疑）"
    return Event("拆分", run.where, f"{'、'.join(rows)}：{run.text}", f"{table_name(first.table)} 按表内合计拆为 {result}")


def _confirm_by_arithmetic(report: Report, placed: set[str]) -> None:
    """A row placed by inference (the form's order, text positions) is certain when at least
    one of the table's sums runs through it and every sum through it holds."""
    if not placed:
        return
    through: dict[str, list[bool]] = {}
    for equation in linear_constraints(report):
        holds = _imbalance(report, equation) == 0
        for _, cid in equation:
            through.setdefault(cid, []).append(holds)
    for cid in placed:
        cell = report.cells[cid]
        if cell.state == VALUE and through.get(cid) and all(through[cid]):
            cell.flag = None
