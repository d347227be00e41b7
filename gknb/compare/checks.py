"""Every rule on both years, and what became of each cross-year rule.

A reviewer must be told not only what failed but what could not be checked: a
cross-year rule that found nothing because last year's cells are blank, or because the
two reports are not consecutive years, has not passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gknb import template as tpl
from gknb.archive.decisions import Decisions, Verdict
from gknb.equations import instances as rule_instances
from gknb.model import Report
from gknb.rules import Violation, check
from gknb.verdicts import verdict_for

NEW, OLD = "new", "old"  # which year a finding is about
PASSED, FAILED, UNCHECKED, NOT_APPLICABLE = "passed", "failed", "unchecked", "n/a"
STATE_ZH = {PASSED: "通过", FAILED: "不符", UNCHECKED: "无法核对", NOT_APPLICABLE: "不适用"}


@dataclass(frozen=True)
class ReviewFinding:
    violation: Violation
    year: int | None
    which: str  # new | old
    cross_year: bool
    verdict: Verdict | None = None  # a reviewer's, when this finding was judged

    @property
    def rule(self) -> str:
        return self.violation.rule

    @property
    def severity(self) -> str:
        return self.violation.severity

    def as_dict(self) -> dict:
        return {**self.violation.as_dict(), "year": self.year, "report": self.which,
                "cross_year": self.cross_year}


@dataclass(frozen=True)
class RuleStatus:
    rule: tpl.Rule
    state: str
    note: str = ""  # Chinese: why not checked, or what failed


def is_cross_year(rule: tpl.Rule) -> bool:
    """Rules that read last year's report (the unit rule compares the fee with last year's)."""
    return rule.cross_year or rule.kind == "unit"


def run_checks(old: Report | None, new: Report, *, consecutive: bool, before: Report | None = None,
               decisions: Mapping[int, Decisions] | None = None) -> list[ReviewFinding]:
    """New year's findings (cross-year ones against ``old`` when consecutive), then old year's;
    each with the reviewers' verdict on it, if any (``decisions``: by year)."""
    d = decisions or {}
    out = []
    for v in check(new, old if consecutive else None):
        out.append(ReviewFinding(v, new.year, NEW, is_cross_year(tpl.load().rule(v.rule)), verdict_for(v, new, d)))
    if old is not None:
        for v in check(old, before):
            out.append(ReviewFinding(v, old.year, OLD, is_cross_year(tpl.load().rule(v.rule)) and before is not None,
                                     verdict_for(v, old, d)))
    return out


def _sum_status(rule: tpl.Rule, old: Report, new: Report, failed: list[ReviewFinding]) -> tuple[str, str]:
    """Per instance (column or row): are all its cells filled?  A difference found where some
    are not is "无法核对", not a failure."""
    instances = list(rule_instances(rule, new))
    if not instances:
        return NOT_APPLICABLE, "本年表格格式中没有这一项"
    if all(any(t.previous and t.cell not in old.cells for t in left + right) for _, left, right in instances):
        return NOT_APPLICABLE, "上年表格格式中没有这一项"
    unfilled = []
    for scope, left, right in instances:
        src = lambda term: old if term.previous else new  # noqa: E731
        if any(src(t).value(t.cell) is None for t in left + right):
            unfilled.append(scope)
    real = [f for f in failed if f.violation.scope not in unfilled]
    gaps = f"{'、'.join(unfilled[:3])}{'等' if len(unfilled) > 3 else ''}的单元格未填写、缺失或存疑"
    if real:
        return FAILED, f"{len(real)}处" + (f"；另有{gaps}" if unfilled else "")
    if len(unfilled) == len(instances):
        return UNCHECKED, gaps
    return PASSED, f"部分无法核对：{gaps}" if unfilled else ""


def _unit_status(rule: tpl.Rule, old: Report, new: Report) -> tuple[str, str]:
    cells = [c for c in new.cells if c.startswith(f"{rule.params['table']}.{rule.params.get('block')}.")
             and c.endswith(f".{rule.params['column']}")]
    if not cells:
        return NOT_APPLICABLE, "本年表格格式中没有这一项"
    if all(not old.value(c) or not new.value(c) for c in cells):
        return UNCHECKED, "两年中至少一年的金额未填写或为0，无法比较"
    return PASSED, ""


def cross_year_status(old: Report | None, new: Report, findings: list[ReviewFinding], *,
                      consecutive: bool) -> list[RuleStatus]:
    """Each cross-year rule: passed, failed, not checkable (and why) or not applicable."""
    out = []
    for rule in tpl.load().rules:
        if not is_cross_year(rule):
            continue
        failed = [f for f in findings if f.which == NEW and f.rule == rule.id and f.cross_year]
        if old is None:
            out.append(RuleStatus(rule, UNCHECKED, "没有上年报告"))
        elif not consecutive:
            out.append(RuleStatus(rule, UNCHECKED, f"两份报告不是相邻年度（{old.year}、{new.year}）"))
        elif rule.kind == "sum":
            out.append(RuleStatus(rule, *_sum_status(rule, old, new, failed)))
        elif failed:
            out.append(RuleStatus(rule, FAILED, f"{len(failed)}处"))
        elif rule.kind == "unit":
            out.append(RuleStatus(rule, *_unit_status(rule, old, new)))
        elif rule.kind == "similarity":
            key = rule.params["section"]
            ok = old.section_text(key).strip() and new.section_text(key).strip()
            out.append(RuleStatus(rule, PASSED if ok else UNCHECKED, "" if ok else "至少一年缺少该部分正文"))
        elif rule.kind == "format_change":
            ok = old.has_tables and new.has_tables
            out.append(RuleStatus(rule, PASSED if ok else NOT_APPLICABLE, "" if ok else "至少一年没有统计表格"))
        else:
            out.append(RuleStatus(rule, PASSED))
    return out

