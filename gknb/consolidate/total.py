"""The member agencies' tables added up into the government's, by the template's own rules.

Every figure of a member is a count or an amount of that member's own, so each cell of the
consolidated tables is the sum of the members' cells — a carried figure (二、上年结转) the sum
of the members' carried figures.  Totals are not added but recomputed from the summed parts
through the table's sums (:func:`gknb.equations.complete_totals`), so the consolidated
tables satisfy their own rules even where a member's total was wrong.  A blank is never a 0:
a cell some member left blank is the sum of the others, flagged with the members it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gknb import template as tpl
from gknb.equations import complete_totals, lone_totals
from gknb.model import BLANK, VALUE, Cell, Number, Report
from gknb.rules import ERROR, Violation, check

INCLUDED, MISSING, UNUSABLE = "included", "missing", "unusable"
_LACKING = "以下成员机关未填写，未计入"
STATUS_ZH = {INCLUDED: "已计入", MISSING: "未提交（档案中没有本年度报告）", UNUSABLE: "未计入"}


@dataclass
class Member:
    name: str
    report: Report | None
    status: str = INCLUDED
    errors: list[Violation] = field(default_factory=list)  # error-level findings of its own report
    note: str = ""  # Chinese: why not included, or what to verify


@dataclass
class Consolidation:
    government: str
    year: int
    report: Report
    members: list[Member]

    @property
    def included(self) -> list[Member]:
        return [m for m in self.members if m.status == INCLUDED]

    def of(self, status: str) -> list[Member]:
        return [m for m in self.members if m.status == status]

    def notes(self) -> list[str]:
        """The members missing, not included or with errors, one Chinese line each."""
        return [f"{m.name}：{STATUS_ZH[m.status]}" + (f"，{m.note}" if m.note else "")
                for m in self.members if m.status != INCLUDED or m.note]


def _member(name: str, report: Report | None, year: int, fmt: str) -> Member:
    t = tpl.load()
    if report is None:
        return Member(name, None, MISSING)
    if not report.has_tables:
        return Member(name, report, UNUSABLE, note=f"报告为{t.formats[report.format].name}，没有统一表格")
    other = {tid: f for tid, f in report.table_formats.items() if f != fmt}
    lacking = [tid for tid in t.tables if tid not in report.table_formats]
    if other or lacking:
        what = [f"{t.section(t.table(tid).section).heading}为{t.formats[f].name}" for tid, f in other.items()]
        what += [f"缺少{t.section(t.table(tid).section).heading}的表格" for tid in lacking]
        return Member(name, report, UNUSABLE, note=f"{'；'.join(what)}，与{year}年度的{t.formats[fmt].name}不同，无法相加")
    errors = [v for v in check(report) if v.severity == ERROR]
    note = f"报告有{len(errors)}个错误（{'、'.join(dict.fromkeys(v.rule for v in errors))}），已按其表格计入，请核实" \
        if errors else ""
    return Member(name, report, INCLUDED, errors, note)


def _sum_cell(cell_id: str, members: list[Member]) -> tuple[Cell, bool]:
    """The members' sum of a cell, and whether some member lacks a figure in it."""
    values: list[Number] = []
    lacking: list[str] = []
    unsure: list[str] = []
    for m in members:
        assert m.report is not None  # included members have reports
        cell = m.report.cells.get(cell_id)
        if cell is None or cell.value is None:
            lacking.append(m.name)
        else:
            values.append(cell.value)
            if cell.flag:
                unsure.append(m.name)
    if not values:
        return Cell(BLANK), False
    flags = [f"{_LACKING}：{'、'.join(lacking)}" if lacking else "",
             f"以下成员机关的数字存疑：{'、'.join(unsure)}" if unsure else ""]
    return Cell(VALUE, sum(values[1:], values[0]), flag="；".join(f for f in flags if f) or None), bool(lacking)


def consolidate(government: str, year: int, members: list[tuple[str, Report | None]]) -> Consolidation:
    """The government's tables for ``year`` from its members' reports (None: the member has none)."""
    fmt = tpl.load().format_for_year(year)
    checked = [_member(name, report, year, fmt) for name, report in members]
    included = [m for m in checked if m.status == INCLUDED]
    report = Report.empty(government, year, fmt)
    # Only members who left a part blank make a summed part short: a total over such parts is
    # the members' own totals added up, not recomputed from parts that lack figures.
    partial = set()
    for cell_id in report.cells:
        report.cells[cell_id], lacks = _sum_cell(cell_id, included)
        if lacks:
            partial.add(cell_id)
    summed: dict[str, Cell] = {}
    short: set[str] = set()
    for total, parts in lone_totals(report):
        summed[total.cell] = report.cells[total.cell]
        if any(p.cell in partial for p in parts):
            short.add(total.cell)
    for cell_id in summed.keys() - short:
        report.cells[cell_id] = Cell(BLANK)
    complete_totals(report)
    for cell_id, added in summed.items():
        cell = report.cells[cell_id]
        if cell.state == BLANK:  # parts left blank by every member: the members' own totals, summed
            report.cells[cell_id] = added
        elif added.flag:
            report.cells[cell_id] = Cell(VALUE, cell.value, flag=added.flag)
    return Consolidation(government, year, report, checked)
