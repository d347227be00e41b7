"""The checker: every rule of the template, evaluated generically on a report.

Rules are data (``template/official.toml``), compiled once into typed rules
(:mod:`gknb.ruleset`); this module knows a handful of rule *kinds* (sum, domain, filled,
unit, format change; the text kinds are in :mod:`gknb.textrules`) and evaluates whatever
rules the template declares with them.  :func:`evaluate` gives an :class:`Outcome` for
every rule instance — passed, failed, not checkable, not applicable —; :func:`check` the
findings alone.  A blank cell is never taken as 0: a sum that holds only if blanks were 0
is not checkable (and blanks themselves are reported as not filled).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from . import ruleset as rs
from . import template as tpl
from . import textrules
from .model import ABSENT, BLANK, FIGURES_FILE, Number, Report
from .outcomes import (
    ERROR,
    SEVERITY_ZH,
    STATE_ZH,
    WARNING,
    Outcome,
    State,
    Violation,
    counts,
    counts_line,
    not_applicable,
    outcome,
)
from .outcomes import fmt as _fmt
from .ruleset import Term
from .textrules import Statement, similarity, stated_figures, statement_text

__all__ = ["ERROR", "SEVERITY_ZH", "STATE_ZH", "WARNING", "Outcome", "State", "Statement", "Violation", "check",
           "check_consolidated", "counts", "counts_line", "evaluate", "similarity", "stated_figures",
           "statement_text"]

NO_PREVIOUS = "没有上年报告"


def _abs(n: Number) -> Number:
    """``abs(n)``, typed: mypy joins ``abs()`` of an ``int | Decimal`` to ``object``."""
    return abs(n) if isinstance(n, Decimal) else abs(n)


def evaluate(report: Report, previous: Report | None = None) -> list[Outcome]:
    """The outcome of every instance of every rule on ``report`` (cross-year ones against ``previous``)."""
    out: list[Outcome] = []
    figures_file = report.source is not None and report.source.kind == FIGURES_FILE
    for rule in rs.load().rules:
        if rule.cross_year and previous is None:
            if isinstance(rule, rs.SumRule) and (eqs := rule.equations_for(report.table_formats)):
                out += [_na_instance(rule, eq, NO_PREVIOUS) for eq in eqs]
            else:
                out.append(not_applicable(rule, NO_PREVIOUS))
        elif figures_file and rule.document_only:
            out.append(not_applicable(rule, "数字文件没有正文可供核对"))
        else:
            out.extend(KINDS[rule.kind](rule, report, previous))
    return out


def check(report: Report, previous: Report | None = None) -> list[Violation]:
    """Every finding on ``report``; cross-year rules only when ``previous`` is given."""
    return [v for o in evaluate(report, previous) for v in o.violations]


def _na_instance(rule: rs.Rule, eq: rs.Equation, note: str) -> Outcome:
    return Outcome(rule, eq.scope, State.NOT_APPLICABLE, eq.cells, (), note)


# --------------------------------------------------------------------------- sum rules

def _sum_rule(rule: rs.SumRule, report: Report, previous: Report | None) -> Iterator[Outcome]:
    eqs = rule.equations_for(report.table_formats)
    if not eqs:
        yield not_applicable(rule, "本年表格格式中没有这一项")
        return
    for eq in eqs:
        if eq.cross_year and (previous is None or any(t.previous and t.cell not in previous.cells for t in eq.terms)):
            # last year's report lacks this table (pre-2019, other format)
            yield _na_instance(rule, eq, "上年表格格式中没有这一项")
            continue
        values: dict[Term, Number | None] = {}
        unsure: list[Term] = []
        for term in eq.terms:
            src = previous if term.previous and previous is not None else report
            cell = src.cells.get(term.cell)
            values[term] = src.value(term.cell)
            if values[term] is None or (cell is not None and cell.flag):
                unsure.append(term)
        unfilled = [x for x in eq.terms if values[x] is None]
        doubtful = [x for x in unsure if values[x] is not None]
        lsum = sum((values[x] or 0) * x.sign for x in eq.left)
        rsum = sum((values[x] or 0) * x.sign for x in eq.right)
        found = []
        if lsum != rsum:  # a sum that holds with blanks is left to the "filled" rule
            # a sum failing on a blank or on a figure the reader was unsure of is no proven error
            severity = rule.severity if not unsure else WARNING
            lead = ("无法核对（有未填写的单元格，以下按0计）：" if unfilled else
                    f"无法核对（{'、'.join(dict.fromkeys(x.label for x in doubtful))}解析存疑，须核对原件）："
                    if doubtful else "")
            message = (f"{lead}{_side(eq.left, values)} = {_fmt(lsum)}，而 {_side(eq.right, values)} = "
                       f"{_fmt(rsum)}，相差 {_fmt(_abs(lsum - rsum))}")
            found.append(Violation(rule.id, severity, eq.scope, message, eq.cells, lsum, rsum))
        if unsure:
            names = "、".join(dict.fromkeys(x.label for x in unsure))
            yield Outcome(rule, eq.scope, State.NOT_CHECKABLE, eq.cells, tuple(found),
                          f"未填写、缺失或存疑：{names}")
        else:
            yield Outcome(rule, eq.scope, State.FAILED if found else State.PASSED, eq.cells, tuple(found))


def _side(terms: tuple[Term, ...], values: dict[Term, Number | None]) -> str:
    """"a（3）+ b（4）" — long sums list only their non-zero terms."""
    shown = [x for x in terms if len(terms) <= 4 or values.get(x) != 0]
    parts = []
    for i, x in enumerate(shown):
        op = ("－" if x.sign < 0 else "＋") if i else ("－" if x.sign < 0 else "")
        parts.append(f"{op}{x.label}（{_fmt(values.get(x))}）")
    text = "".join(parts) or "各项"
    return text if len(shown) == len(terms) else f"{text}（其余{len(terms) - len(shown)}项为0）"


# --------------------------------------------------------------------------- cell rules

NO_TABLE = "本报告没有这张表格"


def _domain_rule(rule: rs.DomainRule, report: Report, previous: Report | None) -> Iterator[Outcome]:
    if rule.table not in report.table_formats:
        yield not_applicable(rule, NO_TABLE)
        return
    check_value = DOMAINS[rule.domain]
    found = []
    cells = list(_table_cells(report, rule.table))
    for cdef in cells:
        v = report.value(cdef.id)
        if v is not None and not check_value(v):
            found.append(Violation(rule.id, rule.severity, "/".join(cdef.json_path),
                                   f"{'/'.join(cdef.json_path)} 为 {_fmt(v)}，应为非负整数", (cdef.id,), v, None))
    filled = any(report.value(c.id) is not None for c in cells)
    yield outcome(rule, found, cells=tuple(c.id for c in cells),
                  otherwise=State.PASSED if filled else State.NOT_CHECKABLE, note="" if filled else "表格没有数字")


def _is_nonnegative_int(v: Number) -> bool:
    # A Decimal that got past ``v == int(v)`` is finite, so its exponent is an int.
    return v >= 0 and v == int(v) and not (isinstance(v, Decimal) and int(v.as_tuple().exponent) < 0)


DOMAINS: dict[str, Callable[[Number], bool]] = {"nonnegative_int": _is_nonnegative_int}


def _table_cells(report: Report, tid: str) -> Iterator[tpl.CellDef]:
    if tid in report.table_formats:
        yield from tpl.load().table(tid).layout(report.table_formats[tid]).cells


def _filled_rule(rule: rs.FilledRule, report: Report, previous: Report | None) -> Iterator[Outcome]:
    """Blank and missing cells, and tables in another format than the year's."""
    t = tpl.load()
    if report.format == "pre2019":
        yield not_applicable(rule, "2019年以前的格式没有统一表格")
        return
    found = []
    for tid in t.tables:
        section = t.section(t.table(tid).section)
        if tid not in report.table_formats:
            found.append(Violation(rule.id, rule.severity, section.heading, "缺少这张表格"))
            continue
        cells = list(_table_cells(report, tid))
        for state, what in ((BLANK, "未填写（空白不等于0）"), (ABSENT, "缺失（表中没有这一行或这一栏）")):
            hit = [c for c in cells if report.cells[c.id].state == state]
            if hit:
                names = "、".join("/".join(c.json_path) for c in hit[:8]) + ("等" if len(hit) > 8 else "")
                found.append(Violation(rule.id, rule.severity, section.heading,
                                       f"{len(hit)}个单元格{what}：{names}", tuple(c.id for c in hit)))
        fmt = report.table_formats[tid]
        expected = report.format if report.format in tpl.TABLE_FORMATS else None
        if expected and fmt != expected and _layouts_differ(t.table(tid), fmt, expected):
            found.append(Violation(rule.id, rule.severity, section.heading,
                                   f"表格为{t.formats[fmt].name}，与本报告的{t.formats[expected].name}不一致（自行改表或沿用旧表）"))
    yield outcome(rule, found)


def _layouts_differ(table: tpl.Table, a: str, b: str) -> bool:
    return table.layout(a).cell_ids != table.layout(b).cell_ids


def _unit_rule(rule: rs.UnitRule, report: Report, previous: Report | None) -> Iterator[Outcome]:
    cells = [c for c in _table_cells(report, rule.table) if c.block == rule.block and c.column.id == rule.column]
    if not cells:
        yield not_applicable(rule, "本年表格格式中没有这一项")
        return
    found = []
    compared = False
    for cdef in cells:
        cell = report.cells[cdef.id]
        label = "/".join(cdef.json_path)
        printed = cell.printed or ""
        unit = cdef.column.unit or ""
        for bad in rule.contradicting_units:
            if bad in printed.replace(unit, ""):
                found.append(Violation(rule.id, rule.severity, label,
                                       f"{label} 印为“{printed}”，单位“{bad}”与本栏单位“{unit}”不符", (cdef.id,),
                                       cell.value))
        prev = previous.value(cdef.id) if previous is not None else None
        cur = cell.value if cell.state == "value" else None
        if prev and cur:
            compared = True
            ratio = Decimal(cur) / Decimal(prev)
            if ratio >= rule.jump_factor or ratio <= 1 / rule.jump_factor:
                found.append(Violation(rule.id, rule.severity, label,
                                       f"{label} 由上年 {_fmt(prev)} 变为 {_fmt(cur)}（约 {ratio:.4g} 倍），疑为元与{unit}混用",
                                       (cdef.id,), cur, prev))
    ids = tuple(c.id for c in cells)
    if previous is not None and not compared:
        yield outcome(rule, found, cells=ids, otherwise=State.NOT_CHECKABLE,
                      note="两年中至少一年的金额未填写或为0，无法比较")
    elif not any(report.value(c) is not None for c in ids):
        yield outcome(rule, found, cells=ids, otherwise=State.NOT_CHECKABLE, note="本年金额未填写")
    else:
        yield outcome(rule, found, cells=ids)


# --------------------------------------------------------------------------- cross-year and consolidation

def _format_change_rule(rule: rs.FormatChangeRule, report: Report, previous: Report | None) -> Iterator[Outcome]:
    """A table printed in another format than last year's, away from the format of the year."""
    if previous is None:
        yield not_applicable(rule, NO_PREVIOUS)
        return
    if not (previous.has_tables and report.has_tables):
        yield not_applicable(rule, "至少一年没有统计表格")
        return
    t = tpl.load()
    due = t.format_for_year(report.year) if report.year else report.format
    found = []
    for tid, fmt in report.table_formats.items():
        before = previous.table_formats.get(tid)
        if before is None or before == fmt or fmt == due or not _layouts_differ(t.table(tid), fmt, before):
            continue
        heading = t.section(t.table(tid).section).heading
        found.append(Violation(rule.id, rule.severity, heading,
                               f"上年为{t.formats[before].name}，本年改为{t.formats[fmt].name}"
                               f"（{report.year or '本'}年度应使用{t.formats[due].name}；沿用旧表或自行改表）"))
    yield outcome(rule, found)


def _consolidation_rule(rule: rs.ConsolidationRule, report: Report, previous: Report | None) -> Iterator[Outcome]:
    """Nothing on one report alone: the members' sum is needed (:func:`check_consolidated`)."""
    yield not_applicable(rule, "须与各成员机关报告之和核对（gknb consolidate）")


def check_consolidated(published: Report, expected: Report) -> list[Violation]:
    """A published consolidated report against the sum of its members (``expected``), cell by cell."""
    out: list[Violation] = []
    t = tpl.load()
    for rule in rs.load().of_kind(rs.ConsolidationRule):
        for tid in rule.tables:
            if tid not in expected.table_formats:
                continue
            heading = t.section(t.table(tid).section).heading
            if tid not in published.table_formats:
                out.append(Violation(rule.id, rule.severity, heading, "汇总报告缺少这张表格"))
                continue
            if published.table_formats[tid] != expected.table_formats[tid]:
                out.append(Violation(rule.id, rule.severity, heading,
                                     f"汇总报告的表格为{t.formats[published.table_formats[tid]].name}，各成员机关为"
                                     f"{t.formats[expected.table_formats[tid]].name}，无法逐项核对"))
                continue
            for cdef in _table_cells(expected, tid):
                want = expected.value(cdef.id)
                if want is None or cdef.id not in published.cells:
                    continue
                got = published.value(cdef.id)
                if got == want:
                    continue
                label = "/".join(cdef.json_path)
                diff = f"，相差 {_fmt(_abs(got - want))}" if got is not None else ""
                out.append(Violation(rule.id, rule.severity, label,
                                     f"{label} 报告为 {_fmt(got)}，各成员机关合计为 {_fmt(want)}{diff}",
                                     (cdef.id,), got, want))
    return out


KINDS: dict[str, Callable[[Any, Report, Report | None], Iterable[Outcome]]] = {
    "sum": _sum_rule,
    "domain": _domain_rule,
    "filled": _filled_rule,
    "unit": _unit_rule,
    "text_figures": textrules.text_figures,
    "mentions": textrules.mentions,
    "sections": textrules.sections,
    "enumeration": textrules.enumeration,
    "similarity": textrules.sameness,
    "format_change": _format_change_rule,
    "consolidation": _consolidation_rule,
}
