"""Every rule on both years, and what became of each cross-year rule.

A reviewer must be told not only what failed but what could not be checked: a
cross-year rule that found nothing because last year's cells are blank, or because the
two reports are not consecutive years, has not passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gknb import ruleset as rs
from gknb.archive.decisions import Decisions, Verdict
from gknb.model import Report
from gknb.rules import STATE_ZH, Outcome, State, Violation, evaluate
from gknb.verdicts import verdict_for

__all__ = ["FAILED", "NEW", "NOT_APPLICABLE", "OLD", "PASSED", "STATE_ZH", "UNCHECKED", "ReviewFinding",
           "RuleStatus", "cross_year_status", "is_cross_year", "run_checks"]

NEW, OLD = "new", "old"  # which year a finding is about
PASSED, FAILED, UNCHECKED, NOT_APPLICABLE = State.PASSED, State.FAILED, State.NOT_CHECKABLE, State.NOT_APPLICABLE


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
    rule: rs.Rule
    state: State
    note: str = ""  # Chinese: why not checked, or what failed


def is_cross_year(rule: rs.Rule) -> bool:
    """Rules that read last year's report (the unit rule compares the fee with last year's)."""
    return rule.cross_year or isinstance(rule, rs.UnitRule)


def run_checks(old: Report | None, new: Report, *, consecutive: bool, before: Report | None = None,
               decisions: Mapping[int, Decisions] | None = None,
               outcomes: list[Outcome] | None = None) -> list[ReviewFinding]:
    """New year's findings (cross-year ones against ``old`` when consecutive), then old year's;
    each with the reviewers' verdict on it, if any (``decisions``: by year).  ``outcomes``: the
    new year's, when already evaluated (:func:`gknb.rules.evaluate` against ``old`` if consecutive)."""
    d = decisions or {}
    out = []
    for o in outcomes if outcomes is not None else evaluate(new, old if consecutive else None):
        for v in o.violations:
            out.append(ReviewFinding(v, new.year, NEW, is_cross_year(o.rule), verdict_for(v, new, d)))
    if old is not None:
        for o in evaluate(old, before):
            for v in o.violations:
                out.append(ReviewFinding(v, old.year, OLD, is_cross_year(o.rule) and before is not None,
                                         verdict_for(v, old, d)))
    return out


def _status(rule: rs.Rule, outcomes: list[Outcome]) -> RuleStatus:
    """One rule's instances summed up: failed where any failed, not checkable where all its
    checkable instances lacked figures, passed (with what could not be checked) otherwise."""
    applicable = [o for o in outcomes if o.state is not State.NOT_APPLICABLE]
    if not applicable:
        return RuleStatus(rule, State.NOT_APPLICABLE, outcomes[0].note if outcomes else "")
    failed = sum(len(o.violations) for o in applicable if o.state is State.FAILED)
    unchecked = [o for o in applicable if o.state is State.NOT_CHECKABLE]
    if len(applicable) == 1 and not isinstance(rule, rs.SumRule):
        o = applicable[0]
        return RuleStatus(rule, o.state, f"{failed}处" if o.state is State.FAILED else o.note)
    scopes = [o.scope for o in unchecked]
    gaps = f"{'、'.join(scopes[:3])}{'等' if len(scopes) > 3 else ''}的单元格未填写、缺失或存疑"
    if failed:
        return RuleStatus(rule, State.FAILED, f"{failed}处" + (f"；另有{gaps}" if unchecked else ""))
    if len(unchecked) == len(applicable):
        return RuleStatus(rule, State.NOT_CHECKABLE, gaps)
    return RuleStatus(rule, State.PASSED, f"部分无法核对：{gaps}" if unchecked else "")


def cross_year_status(old: Report | None, new: Report, outcomes: list[Outcome], *,
                      consecutive: bool) -> list[RuleStatus]:
    """Each cross-year rule: passed, failed, not checkable (and why) or not applicable, from the
    new year's ``outcomes`` (evaluated against ``old``)."""
    out = []
    for rule in rs.load().rules:
        if not is_cross_year(rule):
            continue
        if old is None:
            out.append(RuleStatus(rule, State.NOT_CHECKABLE, "没有上年报告"))
        elif not consecutive:
            out.append(RuleStatus(rule, State.NOT_CHECKABLE, f"两份报告不是相邻年度（{old.year}、{new.year}）"))
        else:
            out.append(_status(rule, [o for o in outcomes if o.rule is rule]))
    return out
