"""A neutral layout → a report of the template: the one place documents meet the form.

Format readers (pdf, docx, html, text) stop at paragraphs and grids; everything here works
on any of them: which report it is, where its sections are, which grid rows are which
template rows, which format each table is in, and what the parser is unsure of.
"""

from __future__ import annotations

from gknb import template as tpl
from gknb.model import (ABSENT, ALTERED_TABLE, BLANK, MISSING_ROW, MISSING_SECTION, MISSING_TABLE, NOTE,
                        UNMATCHED_ROW, UNSURE, VALUE, Cell, Finding, Report, Section)

from . import identity, sections as sec
from .labels import is_traditional, key
from .layout import Grid, Layout, Paragraph
from .tables import GridReader, TableReadings
from .values import read_cell

MISSING_IN_SOURCE = "原文缺少此单元格（导出时丢失或行短于表头）"


def understand(layout: Layout, path: str) -> Report:
    paragraphs: list[str] = []
    grids: list[Grid] = []
    for block in layout.blocks:
        if isinstance(block, Paragraph):
            paragraphs.extend(sec.split_inline_headings(block.text))
        else:
            grids.append(block)

    findings: list[Finding] = []
    if is_traditional("".join(paragraphs[:50])):
        findings.append(Finding(NOTE, "正文为繁体字，已按简体对照模板识别"))
    title, used = identity.find_title(paragraphs)
    agency, year = identity.agency_and_year(title)
    body = paragraphs[used:]
    if year is None:
        year = identity.year_from_text(body[:60])
        if year is not None:
            findings.append(Finding(NOTE, f"标题未写明年度，按正文取为{year}年度"))
    if agency is None:
        findings.append(Finding(NOTE, "未能从标题识别机关名称"))
    preamble, found = sec.assign(body, agency)

    reader = GridReader(layout.kind)
    for grid in grids:
        reader.read(grid)
    if not any(r.slots for r in reader.readings.values()):
        from .stream import read_stream  # tables printed as running text (crawler pages)
        read_stream(reader, body)

    report = _build(agency or "", year, reader.readings, findings)
    report.title = title
    report.preamble = preamble
    for k, s in found.items():
        report.sections[k] = Section(k, s.heading, s.paragraphs)
    for s in tpl.load().sections:
        if s.key not in found:
            report.findings.append(Finding(MISSING_SECTION, f"未找到第{s.key}部分的标题（{s.heading}）", s.key))
    return report


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


def _table_format(tid: str, r: TableReadings, default: str) -> str:
    if not r.format_votes:
        return default
    return max(r.format_votes, key=lambda f: (r.format_votes[f], f == default))


def _build(agency: str, year: int | None, readings: dict[str, TableReadings], findings: list[Finding]) -> Report:
    t = tpl.load()
    fmt = _report_format(year, readings)
    if fmt == "pre2019":
        report = Report.empty(agency, year, fmt)
        report.findings = findings + [Finding(NOTE, "2019年以前的报告：没有全国统一的表格，只归档正文")]
        return report
    table_formats = {tid: _table_format(tid, readings[tid], fmt) for tid in t.tables}
    report = Report.empty(agency, year, fmt, table_formats)
    report.findings = findings
    for layout in report.layouts():
        tid = layout.table.id
        r = readings[tid]
        heading = t.section(layout.table.section).heading
        if not r.slots:
            report.findings.append(Finding(MISSING_TABLE, f"未找到表格：{heading}", tid))
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
        for text in r.unmatched:
            report.findings.append(Finding(UNMATCHED_ROW, f"{heading}：有一行无法对应模板：“{text}”", tid))
        for label in r.duplicates:
            report.findings.append(Finding(UNSURE, f"{heading}：“{label}”出现不止一次，取最后一次", tid))
        for cdef in layout.cells:
            raw = r.slots.get((cdef.block, cdef.row.id, key(cdef.column.label)))
            if raw is None:
                continue  # the row or column was not found: absent, reported above
            if raw.missing:
                report.cells[cdef.id] = Cell(ABSENT, None, None, raw.where, MISSING_IN_SOURCE)
                continue
            reading = read_cell(raw.text, cdef.column)
            state = VALUE if reading.value is not None else BLANK
            if reading.value is None and reading.flag:
                state = ABSENT
            report.cells[cdef.id] = Cell(state, reading.value, reading.printed, raw.where, reading.flag)
            if reading.flag:
                report.findings.append(Finding(UNSURE, f"{'/'.join(cdef.json_path)}：{reading.flag}", cdef.id))
    return report
