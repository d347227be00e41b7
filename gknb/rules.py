"""The checker: every rule of the template, evaluated generically on a report.

Rules are data (``template/official.toml``); this module knows a handful of rule
*kinds* (sum, domain, filled, unit, text_figures, mentions, similarity) and evaluates
whatever rules the template declares with them.  A blank cell is never taken as 0: a sum
that holds only if blanks were 0 is reported as not checkable, and blanks themselves are
reported as not filled.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import template as tpl
from .equations import Term, instances
from .model import ABSENT, BLANK, FIGURES_FILE, Number, Report

ERROR, WARNING = "error", "warning"
SEVERITY_ZH = {ERROR: "错误", WARNING: "警告"}


@dataclass(frozen=True)
class Violation:
    """A rule that a report breaks (or that cannot be checked because cells are blank)."""

    rule: str
    severity: str
    scope: str  # which instance: "自然人栏", "行政复议", a section key...
    message: str  # Chinese, with the values printed and implied
    cells: tuple[str, ...] = ()
    printed: Decimal | int | None = None
    implied: Decimal | int | None = None

    def as_dict(self) -> dict[str, Any]:
        t = tpl.load()
        return {
            "rule": self.rule,
            "severity": self.severity,
            "title": t.rule(self.rule).title,
            "scope": self.scope,
            "message": self.message,
            "cells": [_cell_label(c) for c in self.cells],
            "printed": _plain(self.printed),
            "implied": _plain(self.implied),
        }


def _plain(n: Number | None) -> float | int | None:
    return float(n) if isinstance(n, Decimal) else n


def _cell_label(cell_id: str) -> str:
    c = tpl.load().cell(cell_id)
    return "/".join((c.table, *c.json_path))


def _abs(n: Number) -> Number:
    """``abs(n)``, typed: mypy joins ``abs()`` of an ``int | Decimal`` to ``object``."""
    return abs(n) if isinstance(n, Decimal) else abs(n)


def _fmt(n: Number | None) -> str:
    if n is None:
        return "（未填写）"
    return format(n, "f") if isinstance(n, Decimal) else str(n)


def check(report: Report, previous: Report | None = None) -> list[Violation]:
    """Every applicable rule on ``report``; cross-year rules only when ``previous`` is given."""
    out: list[Violation] = []
    figures_file = report.source is not None and report.source.kind == FIGURES_FILE
    for rule in tpl.load().rules:
        if rule.cross_year and previous is None:
            continue
        if figures_file and rule.params.get("document_only"):
            continue  # a figures file has no headings or prose of its own to judge
        out.extend(KINDS[rule.kind](rule, report, previous))
    return out


# --------------------------------------------------------------------------- sum rules

def _sum_rule(rule: tpl.Rule, report: Report, previous: Report | None) -> Iterator[Violation]:
    for scope, left, right in instances(rule, report):
        values: dict[Term, Number | None] = {}
        unfilled: list[Term] = []
        for term in left + right:
            src = previous if term.previous else report
            if src is None or (term.previous and term.cell not in src.cells):
                break  # last year's report lacks this table (pre-2019, other format): not checkable
            v = src.value(term.cell)
            values[term] = v
            if v is None:
                unfilled.append(term)
        else:
            lsum = sum((values[x] or 0) * x.sign for x in left)
            rsum = sum((values[x] or 0) * x.sign for x in right)
            if lsum == rsum:
                continue  # holds; blanks (if any) are reported by the "filled" rule
            severity = rule.severity if not unfilled else WARNING
            lead = "" if not unfilled else "无法核对（有未填写的单元格，以下按0计）："
            message = (f"{lead}{_side(left, values)} = {_fmt(lsum)}，而 {_side(right, values)} = "
                       f"{_fmt(rsum)}，相差 {_fmt(_abs(lsum - rsum))}")
            yield Violation(rule.id, severity, scope, message,
                            tuple(dict.fromkeys(x.cell for x in left + right)), lsum, rsum)


def _side(terms: list[Term], values: dict[Term, Number | None]) -> str:
    """"a（3）+ b（4）" — long sums list only their non-zero terms."""
    shown = [x for x in terms if len(terms) <= 4 or values.get(x) != 0]
    parts = []
    for i, x in enumerate(shown):
        op = ("－" if x.sign < 0 else "＋") if i else ("－" if x.sign < 0 else "")
        parts.append(f"{op}{x.label}（{_fmt(values.get(x))}）")
    text = "".join(parts) or "各项"
    return text if len(shown) == len(terms) else f"{text}（其余{len(terms) - len(shown)}项为0）"


# --------------------------------------------------------------------------- cell rules

def _domain_rule(rule: tpl.Rule, report: Report, previous: Report | None) -> Iterator[Violation]:
    tid = rule.params["table"]
    check_value = DOMAINS[rule.params["domain"]]
    for cdef in _table_cells(report, tid):
        v = report.value(cdef.id)
        if v is not None and not check_value(v):
            yield Violation(rule.id, rule.severity, "/".join(cdef.json_path),
                            f"{'/'.join(cdef.json_path)} 为 {_fmt(v)}，应为非负整数", (cdef.id,), v, None)


def _is_nonnegative_int(v: Number) -> bool:
    # A Decimal that got past ``v == int(v)`` is finite, so its exponent is an int.
    return v >= 0 and v == int(v) and not (isinstance(v, Decimal) and int(v.as_tuple().exponent) < 0)


DOMAINS: dict[str, Callable[[Number], bool]] = {"nonnegative_int": _is_nonnegative_int}


def _table_cells(report: Report, tid: str) -> Iterator[tpl.CellDef]:
    if tid in report.table_formats:
        yield from tpl.load().table(tid).layout(report.table_formats[tid]).cells


def _filled_rule(rule: tpl.Rule, report: Report, previous: Report | None) -> Iterator[Violation]:
    """Blank and missing cells, and tables in another format than the year's."""
    t = tpl.load()
    if report.format == "pre2019":
        return
    for tid in t.tables:
        section = t.section(t.table(tid).section)
        if tid not in report.table_formats:
            yield Violation(rule.id, rule.severity, section.heading, "缺少这张表格")
            continue
        cells = list(_table_cells(report, tid))
        for state, what in ((BLANK, "未填写（空白不等于0）"), (ABSENT, "缺失（表中没有这一行或这一栏）")):
            hit = [c for c in cells if report.cells[c.id].state == state]
            if hit:
                names = "、".join("/".join(c.json_path) for c in hit[:8]) + ("等" if len(hit) > 8 else "")
                yield Violation(rule.id, rule.severity, section.heading,
                                f"{len(hit)}个单元格{what}：{names}", tuple(c.id for c in hit))
        fmt = report.table_formats[tid]
        expected = report.format if report.format in tpl.TABLE_FORMATS else None
        if expected and fmt != expected and _layouts_differ(t.table(tid), fmt, expected):
            yield Violation(rule.id, rule.severity, section.heading,
                            f"表格为{t.formats[fmt].name}，与本报告的{t.formats[expected].name}不一致（自行改表或沿用旧表）")


def _layouts_differ(table: tpl.Table, a: str, b: str) -> bool:
    return table.layout(a).cell_ids != table.layout(b).cell_ids


def _unit_rule(rule: tpl.Rule, report: Report, previous: Report | None) -> Iterator[Violation]:
    p = rule.params
    cells = [c for c in _table_cells(report, p["table"])
             if c.block == p.get("block") and c.column.id == p["column"]]
    for cdef in cells:
        cell = report.cells[cdef.id]
        label = "/".join(cdef.json_path)
        printed = cell.printed or ""
        unit = cdef.column.unit or ""
        for bad in p.get("contradicting_units", ()):
            if bad in printed.replace(unit, ""):
                yield Violation(rule.id, rule.severity, label,
                                f"{label} 印为“{printed}”，单位“{bad}”与本栏单位“{unit}”不符", (cdef.id,), cell.value)
        prev = previous.value(cdef.id) if previous is not None else None
        cur = cell.value if cell.state == "value" else None
        if prev and cur:
            ratio = Decimal(cur) / Decimal(prev)
            factor = Decimal(p["jump_factor"])
            if ratio >= factor or ratio <= 1 / factor:
                yield Violation(rule.id, rule.severity, label,
                                f"{label} 由上年 {_fmt(prev)} 变为 {_fmt(cur)}（约 {ratio:.4g} 倍），疑为元与{unit}混用",
                                (cdef.id,), cur, prev)


# --------------------------------------------------------------------------- text rules

def _has_text(report: Report) -> bool:
    return any(s.paragraphs for s in report.sections.values())


@dataclass(frozen=True)
class Statement:
    """A figure the text states, with what the tables say (X-1).

    ``tables`` holds the value of each reading the statement allows (e.g. 受理 = new
    requests, or new plus carried-in); None where that reading's cells are not filled.
    """

    section: str
    text: str  # the matched words, as printed (whitespace removed)
    stated: int
    readings: tuple[tuple[str, ...], ...]  # each a sum of cell ids
    tables: tuple[Decimal | int | None, ...]

    @property
    def checkable(self) -> bool:
        return any(v is not None for v in self.tables)

    @property
    def agrees(self) -> bool:
        return any(v == self.stated for v in self.tables if v is not None)


_FULLWIDTH = str.maketrans("０１２３４５６７８９，", "0123456789,")
_CLAUSE_START = re.compile(r"[，。；：！？,;:!?]")


def statement_text(text: str) -> str:
    """Text as statements are matched and quoted: whitespace removed, full-width digits made ASCII."""
    return re.sub(r"\s+", "", text).translate(_FULLWIDTH)


def stated_figures(rule: tpl.Rule, report: Report) -> Iterator[Statement]:
    """Every figure the sections' text states that the rule's statement patterns recognise."""
    p = rule.params
    skip = re.compile(p["skip_clauses"]) if p.get("skip_clauses") else None
    for key in p["sections"]:
        text = statement_text(report.section_text(key))
        for stmt in p["statements"]:
            readings = tuple(tuple(r) for r in stmt.get("any_of", [[stmt["cell"]]] if "cell" in stmt else []))
            readings = tuple(r for r in readings if all(c in report.cells for c in r))
            if not readings:
                continue
            not_after = re.compile(f"(?:{stmt['not_after']})$") if stmt.get("not_after") else None
            for m in re.finditer(stmt["pattern"], text):
                before = text[:m.start()]
                clauses = _CLAUSE_START.split(before)
                clause = clauses[-1]
                # A short lead-in clause ("其中，", "同比，") qualifies the clause after it.
                context = (clauses[-2] if len(clauses) > 1 and len(clauses[-2]) <= 4 else "") + clause
                if (skip and skip.search(context)) or (not_after and not_after.search(before)):
                    continue
                tables: list[Number | None] = []
                for reading in readings:
                    values = [report.value(c) for c in reading]
                    tables.append(None if None in values else sum(v for v in values if v is not None))
                yield Statement(key, clause + m.group(0), int(m.group("n").replace(",", "")), readings, tuple(tables))


def _text_figures_rule(rule: tpl.Rule, report: Report, previous: Report | None) -> Iterator[Violation]:
    for st in stated_figures(rule, report):
        if not st.checkable or st.agrees:
            continue
        shown = [(r, v) for r, v in zip(st.readings, st.tables) if v is not None]
        shown = [x for k, x in enumerate(shown) if x[1] not in [v for _, v in shown[:k]]]
        parts = [f"{_reading_label(r)} 为 {_fmt(v)}" for r, v in shown]
        yield Violation(rule.id, rule.severity, f"第{st.section}部分",
                        f"正文“{st.text}”称 {st.stated}，表格 {'，或 '.join(parts)}",
                        tuple(dict.fromkeys(c for r, _ in shown for c in r)), st.stated, shown[0][1])


def _reading_label(cells: tuple[str, ...]) -> str:
    return "＋".join(_cell_label(c).split("/", 1)[1] for c in cells)


def _mentions_rule(rule: tpl.Rule, report: Report, previous: Report | None) -> Iterator[Violation]:
    if not _has_text(report):
        return  # a figures file without text: nothing to read
    key = rule.params["section"]
    text = re.sub(r"\s+", "", report.section_text(key))
    heading = tpl.load().section(key).heading
    if not any(word in text for word in rule.params["any_of"]):
        what = "缺少该部分" if not text else f"未提及“{'”或“'.join(rule.params['any_of'][:3])}”等"
        yield Violation(rule.id, rule.severity, heading, f"{rule.title}——{what}")
    for word in rule.params.get("none_of", ()):  # a gap left to fill does not count as reporting
        if (at := text.find(word)) >= 0:
            end = text.find("】", at)
            gap = text[at:end + 1 if end >= 0 else at + 40]
            n = text.count(word)
            yield Violation(rule.id, rule.severity, heading,
                            f"{rule.title}——尚有{n}处待填写的内容" + ("，第一处" if n > 1 else "") + f"：{gap}")
            break


_NUMERALS = "一二三四五六七八九十"


def _enumeration_rule(rule: tpl.Rule, report: Report, previous: Report | None) -> Iterator[Violation]:
    """Numbered items in order: each marker is the next number, or 一 starting a new list."""
    key = rule.params["section"]
    text = re.sub(r"\s+", "", report.section_text(key))
    seen, expected = [], 1
    slips = []
    for m in re.finditer(rule.params["marker"], text):
        n = _NUMERALS.index(m.group(1)) + 1
        seen.append(m.group(0))
        if n != expected and n != 1:
            slips.append(f"“{m.group(0)}”处应为“{_NUMERALS[expected - 1]}是”")
        expected = n + 1 if n == expected or n == 1 else expected + 1
    if slips:
        heading = tpl.load().section(key).heading
        yield Violation(rule.id, rule.severity, heading,
                        f"条目编号不连续（{'……'.join(seen)}）：{'；'.join(slips)}")


def _heading_key(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", unicodedata.normalize("NFKC", text))


def _sections_rule(rule: tpl.Rule, report: Report, previous: Report | None) -> Iterator[Violation]:
    """Each of the six sections present, under its official heading or an accepted variant."""
    if not _has_text(report) or report.format == "pre2019":
        return
    for s in tpl.load().sections:
        found = report.sections.get(s.key)
        if found is None:
            yield Violation(rule.id, rule.severity, s.heading, "缺少这一部分")
        elif found.heading is None:
            yield Violation(rule.id, rule.severity, s.heading, "这一部分没有标题")
        elif _heading_key(found.heading) not in {_heading_key(h) for h in s.headings}:
            yield Violation(rule.id, rule.severity, s.heading, f"标题印为“{found.heading}”，与官方格式不同")


def similarity(a: str, b: str) -> float:
    """Share of characters the two texts have in common, 0..1 (0 when either is empty).

    Clause-aligned with numbers masked (:mod:`gknb.textdiff`): plain difflib misaligns
    repetitive prose, and a copy with updated years is still a copy.
    """
    from .textdiff import similarity as aligned  # late: the diff is only needed for S5-2
    return aligned(a, b)


def _similarity_rule(rule: tpl.Rule, report: Report, previous: Report | None) -> Iterator[Violation]:
    if previous is None:
        return  # a cross-year rule: check() runs it only with last year's report
    key = rule.params["section"]
    ratio = similarity(previous.section_text(key), report.section_text(key))
    if ratio > rule.params["max_similarity"]:
        heading = tpl.load().section(key).heading
        yield Violation(rule.id, rule.severity, heading,
                        f"与上年相似度 {ratio:.0%}，超过 {rule.params['max_similarity']:.0%}（内容雷同）")


def _format_change_rule(rule: tpl.Rule, report: Report, previous: Report | None) -> Iterator[Violation]:
    """A table printed in another format than last year's, away from the format of the year."""
    if previous is None:
        return
    t = tpl.load()
    due = t.format_for_year(report.year) if report.year else report.format
    for tid, fmt in report.table_formats.items():
        before = previous.table_formats.get(tid)
        if before is None or before == fmt or fmt == due or not _layouts_differ(t.table(tid), fmt, before):
            continue
        heading = t.section(t.table(tid).section).heading
        yield Violation(rule.id, rule.severity, heading,
                        f"上年为{t.formats[before].name}，本年改为{t.formats[fmt].name}"
                        f"（{report.year or '本'}年度应使用{t.formats[due].name}；沿用旧表或自行改表）")


def _consolidation_rule(rule: tpl.Rule, report: Report, previous: Report | None) -> Iterator[Violation]:
    """Nothing on one report alone: the members' sum is needed (:func:`check_consolidated`)."""
    return iter(())


def check_consolidated(published: Report, expected: Report) -> list[Violation]:
    """A published consolidated report against the sum of its members (``expected``), cell by cell."""
    out: list[Violation] = []
    for rule in tpl.load().rules:
        if rule.kind != "consolidation":
            continue
        for tid in rule.params["tables"]:
            if tid not in expected.table_formats:
                continue
            heading = tpl.load().section(tpl.load().table(tid).section).heading
            if tid not in published.table_formats:
                out.append(Violation(rule.id, rule.severity, heading, "汇总报告缺少这张表格"))
                continue
            if published.table_formats[tid] != expected.table_formats[tid]:
                t = tpl.load()
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


KINDS: dict[str, Callable[[tpl.Rule, Report, Report | None], Iterable[Violation]]] = {
    "sum": _sum_rule,
    "domain": _domain_rule,
    "filled": _filled_rule,
    "unit": _unit_rule,
    "text_figures": _text_figures_rule,
    "mentions": _mentions_rule,
    "sections": _sections_rule,
    "enumeration": _enumeration_rule,
    "similarity": _similarity_rule,
    "format_change": _format_change_rule,
    "consolidation": _consolidation_rule,
}
