"""Reviewers' decisions taken on the archive: settle a flagged figure, confirm or dismiss a finding.

Each decision is recorded in the year's decisions file (``archive.decisions``) with who, when
and why; a fix is also written into the archived report (the version it replaces kept in
history), so that every later reading — checks, reviews, exports, next year's draft — uses it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from gknb import template as tpl
from gknb.archive import decisions as archived
from gknb.archive.decisions import Decisions, Fix, Verdict, number, plain, shown
from gknb.archive.store import Store
from gknb.cellnames import CellNameError, resolve
from gknb.model import Report
from gknb.rules import check
from gknb.verdicts import fingerprint


class DecisionError(ValueError):
    """A decision that cannot be taken (no such report, cell, finding; a value of the wrong kind)."""


@dataclass(frozen=True)
class Who:
    by: str
    date: datetime.date
    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise DecisionError("请用 --reason 说明理由")
        if not self.by.strip():
            raise DecisionError("请用 --by 写明处理人")


def _report(store: Store, agency: str, year: int) -> Report:
    report = store.get(agency, year)
    if report is None:
        raise DecisionError(f"档案中没有“{agency}”{year}年度的报告（档案目录：{store.root}）")
    return report


def _checked_value(cell_id: str, text: str):
    column = tpl.load().cell(cell_id).column
    try:
        value = number(text)
    except ValueError as e:
        raise DecisionError(str(e)) from None
    if column.type != "decimal" and not isinstance(value, int):
        raise DecisionError(f"“{text}”不是整数：“{column.label}”栏应填整数")
    if column.type != "signed_int" and value < 0:
        raise DecisionError(f"“{text}”是负数：“{column.label}”栏不能为负")
    return value


def fix(store: Store, agency: str, year: int, cell: str, value: str, who: Who) -> Fix:
    """Settle one figure of an archived year: recorded, and written into the archived report."""
    report = _report(store, agency, year)
    try:
        cdef = resolve(cell)
    except CellNameError as e:
        raise DecisionError(str(e)) from None
    if cdef.id not in report.cells:
        raise DecisionError(f"“{agency}”{year}年度报告的表格中没有单元格 {archived.label(cdef.id)}（该年表格格式不同）")
    new = _checked_value(cdef.id, value)
    current = report.cells[cdef.id]
    record = Fix(cdef.id, current.state, plain(current.value) if current.value is not None else None,
                 shown(current), plain(new), who.by, who.date, who.reason)
    path = store.report_path(agency, year)
    decided = archived.load(store, agency, year).with_fix(record)
    archived.apply_fixes(report, Decisions(decided.agency, year, [record]))
    store.put(report, replace=True, folder=path.parent.name)
    archived.save(store, path, decided)
    return record


def judge(store: Store, agency: str, year: int, rule: str, verdict: str, who: Who,
          scope: str | None = None) -> list[Verdict]:
    """Confirm or dismiss the year's findings of ``rule`` (those of ``scope`` only, if given)."""
    report = _report(store, agency, year)
    previous = store.get(agency, year - 1)
    found = check(report, previous)
    chosen = [v for v in found if v.rule == rule and (scope is None or v.scope == scope)]
    if not chosen:
        rules = "、".join(sorted({f"{v.rule}［{v.scope}］" for v in found})) or "无"
        raise DecisionError(f"“{agency}”{year}年度报告没有规则 {rule}" + (f"［{scope}］" if scope else "")
                            + f" 的发现；现有的发现：{rules}")
    path = store.report_path(agency, year)
    decided = archived.load(store, agency, year)
    out = []
    for v in chosen:
        record = Verdict(v.rule, v.scope, fingerprint(v, report), verdict, v.message, who.by, who.date, who.reason)
        decided = decided.with_verdict(record)
        out.append(record)
    archived.save(store, path, decided)
    return out
