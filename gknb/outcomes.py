"""What the checker says about a report: a finding per failure, an outcome per rule instance.

A reviewer must be told not only what failed but what could not be checked: every rule
instance (a sum on one column, a rule on the whole report) ends in one :class:`State`,
with the cells it needed and, where it found something, the :class:`Violation` s.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from . import ruleset
from . import template as tpl
from .model import Number

ERROR, WARNING = "error", "warning"
SEVERITY_ZH = {ERROR: "错误", WARNING: "警告"}


class State(Enum):
    """How a rule instance came out."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_CHECKABLE = "not_checkable"  # a figure it needs is blank, absent or flagged
    NOT_APPLICABLE = "not_applicable"  # the rule does not apply to this report (or needs last year's)

    @property
    def zh(self) -> str:
        return STATE_ZH[self]


STATE_ZH = {State.PASSED: "通过", State.FAILED: "不通过", State.NOT_CHECKABLE: "无法核对",
            State.NOT_APPLICABLE: "不适用"}


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
    quote: str | None = None  # the words of the report the finding is about (X-1's statement)

    def as_dict(self) -> dict[str, Any]:
        t = tpl.load()
        return {
            "rule": self.rule,
            "severity": self.severity,
            "title": t.rule(self.rule).title,
            "scope": self.scope,
            "message": self.message,
            "cells": [cell_label(c) for c in self.cells],
            "printed": plain(self.printed),
            "implied": plain(self.implied),
        }


@dataclass(frozen=True)
class Outcome:
    """One rule instance on one report: its state, the cells it needed, what it found."""

    rule: ruleset.Rule
    scope: str  # the instance ("自然人栏"), or "" for a rule on the whole report
    state: State
    cells: tuple[str, ...] = ()
    violations: tuple[Violation, ...] = ()  # the findings (a not-checkable sum may still report one)
    note: str = ""  # Chinese: why not checkable or not applicable

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.id,
            "title": self.rule.title,
            "severity": self.rule.severity,
            "scope": self.scope,
            "state": self.state.value,
            "state_zh": self.state.zh,
            "cells": [cell_label(c) for c in self.cells],
            "note": self.note,
            "violations": [v.as_dict() for v in self.violations],
        }


def outcome(rule: ruleset.Rule, found: list[Violation], *, scope: str = "", cells: tuple[str, ...] = (),
            otherwise: State = State.PASSED, note: str = "") -> Outcome:
    """A single-instance rule's outcome: failed with what it found, else ``otherwise``."""
    if found:
        return Outcome(rule, scope, State.FAILED, cells or tuple(dict.fromkeys(c for v in found for c in v.cells)),
                       tuple(found))
    return Outcome(rule, scope, otherwise, cells, (), note)


def not_applicable(rule: ruleset.Rule, note: str) -> Outcome:
    return Outcome(rule, "", State.NOT_APPLICABLE, note=note)


def counts(outcomes: list[Outcome]) -> dict[State, int]:
    """How many instances came out in each state (every state present, in the enum's order)."""
    return {s: sum(o.state is s for o in outcomes) for s in State}


def counts_line(outcomes: list[Outcome]) -> str:
    """"规则：通过 N，不通过 M，无法核对 K，不适用 L"."""
    return "规则：" + "，".join(f"{s.zh} {n}" for s, n in counts(outcomes).items())


def plain(n: Number | None) -> float | int | None:
    return float(n) if isinstance(n, Decimal) else n


def cell_label(cell_id: str) -> str:
    c = tpl.load().cell(cell_id)
    return "/".join((c.table, *c.json_path))


def fmt(n: Number | None) -> str:
    if n is None:
        return "（未填写）"
    return format(n, "f") if isinstance(n, Decimal) else str(n)
