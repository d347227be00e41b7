"""Who has reported: every agency that must report, 已提交 / 逾期 / 未提交, and the 催报 list.

The first thing an office checks in February is who has not reported, so the index starts
with every agency the register says must report — not only those that sent something.  A
report is late when its file arrived (its modification time in the inbox) after the
deadline of its kind (FORMAT.md: 31 January for 部门, 31 March for the 本级政府; from the
template), or after the deadline the office sets.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Font

from gknb import template as tpl
from gknb.xlsx import workbook_bytes

from .markup import Element, N, h, head, page, slot

SUBMITTED, LATE, MISSING = "已提交", "逾期", "未提交"
_BADGE = {SUBMITTED: "passed", LATE: "warning", MISSING: "error"}
REMINDER_NAME = "催报名单"
REMINDER_HEADERS = ("序号", "机关全称", "上级政府", "类别", "报送截止日期", "状态")


@dataclass(frozen=True)
class Submission:
    agency: str  # the register's full name
    kind: str
    parent: str
    deadline: datetime.date
    state: str  # SUBMITTED | LATE | MISSING
    arrived: datetime.date | None = None  # when its file came into the inbox (None: generated, or missing)
    file: str | None = None  # the inbox file's name
    page: str | None = None  # its review page, relative to the index


def deadline(year: int, kind: str, override: datetime.date | None = None) -> datetime.date:
    """When a kind's report on ``year`` is due: the office's date, else the law's (the template's)."""
    if override is not None:
        return override
    month, day = tpl.load().office.deadline(kind)
    return datetime.date(year + 1, month, day)


def judge(archived: bool, arrived: datetime.date | None, due: datetime.date) -> str:
    if not archived:
        return MISSING
    return LATE if arrived is not None and arrived > due else SUBMITTED


def _date(d: datetime.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def summary_line(subs: list[Submission]) -> str:
    n = {s: sum(x.state == s for x in subs) for s in (SUBMITTED, LATE, MISSING)}
    return (f"应报送 {len(subs)} 个机关：已提交 {n[SUBMITTED] + n[LATE]} 个（其中逾期 {n[LATE]} 个），"
            f"未提交 {n[MISSING]} 个")


def table_html(name: str) -> Element:
    """The index's first table: every agency that must report and where its report is; its
    rows (:func:`table_rows`) fill the page's slot ``name``."""
    return h.table(head("机关", "类别", "上级政府", ("截止日期", N), ("收到日期", N), "收到的文件", "报送情况"),
                   h.tbody(slot(name)))


def table_rows(subs: list[Submission]) -> Iterator[Element]:
    order = {MISSING: 0, LATE: 1, SUBMITTED: 2}
    for s in sorted(subs, key=lambda s: (order[s.state], s.agency)):
        name = h.a(s.agency, href=quote(s.page)) if s.page else s.agency
        yield h.tr(h.td(name), h.td(s.kind), h.td(s.parent), h.td(_date(s.deadline), N),
                   h.td(_date(s.arrived), N), h.td(s.file or ""),
                   h.td(h.span(s.state, class_=f"badge {_BADGE[s.state]}")))


def missing(subs: list[Submission]) -> list[Submission]:
    return sorted((s for s in subs if s.state == MISSING), key=lambda s: (s.parent, s.agency))


def _reminder_rows(year: int, subs: list[Submission]) -> list[tuple[str, ...]]:
    return [(str(i), s.agency, s.parent, s.kind, _date(s.deadline), MISSING)
            for i, s in enumerate(missing(subs), 1)]


def reminder_html(year: int, subs: list[Submission]) -> str:
    """The printable 催报 list: who has not sent the report on ``year``."""
    rows = _reminder_rows(year, subs)
    table = (h.table(head(*REMINDER_HEADERS), h.tbody(h.tr(h.td(c) for c in r) for r in rows)) if rows
             else h.p("应报送的机关均已提交。", class_="muted"))
    return page(f"{year}年度政府信息公开工作年度报告催报名单", [
        h.header(h.p("政府信息公开工作年度报告 · 催报名单", class_="kicker"), h.h1(f"{year}年度报告未提交机关名单"),
                 h.p(f"共 {len(rows)} 个机关尚未提交{year}年度政府信息公开工作年度报告。", class_="years")),
        table, h.footer("由 gknb 按机关名录生成。")])


def reminder_xlsx(year: int, subs: list[Submission]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年度{REMINDER_NAME}"
    ws.append(REMINDER_HEADERS)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in _reminder_rows(year, subs):
        ws.append(r)
    for col, width in zip("ABCDEF", (6, 34, 22, 10, 16, 8)):
        ws.column_dimensions[col].width = width
    return workbook_bytes(wb)
