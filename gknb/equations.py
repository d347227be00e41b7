"""The template's sum rules as equations over a report's cells, and what the parsers, the
generator and the consolidation do with them.

The equations themselves are compiled once from the template (:mod:`gknb.ruleset`: terms
``*``, ``band:``, ``prev:``, ``-`` and ``exclude`` resolved per table format); this module
picks the ones a report's table formats have and uses them — to split figures that ran
together, to find the totals a table's sums determine and to fill blank totals.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import ruleset
from .model import BLANK, VALUE, Cell, Report
from .ruleset import Equation, Term, row_key

__all__ = ["Equation", "Term", "complete_totals", "instances", "linear_constraints", "lone_totals", "row_key",
           "total_terms"]

ERROR = "error"


def instances(rule: ruleset.SumRule, report: Report) -> tuple[Equation, ...]:
    """The rule's equations on ``report``: one per column or row it quantifies over."""
    return rule.equations_for(report.table_formats)


def linear_constraints(report: Report, severity: str = ERROR) -> list[list[tuple[int, str]]]:
    """The single-year sum rules as equations: each a list of (coefficient, cell id), summing to 0.

    Parsers use them to split figures that ran together ("21710000218") the one way the
    table's own arithmetic allows.
    """
    out = []
    for rule in ruleset.load().sums(cross_year=False, severity=severity):
        for eq in instances(rule, report):
            out.append([(t.sign, t.cell) for t in eq.left] + [(-t.sign, t.cell) for t in eq.right])
    return out


def lone_totals(report: Report) -> Iterator[tuple[Term, list[Term]]]:
    """(total, parts) for every single-year error-level sum with one side a lone term.

    That term is a total the table's arithmetic determines (T3-2's （七）总计, T3-3's and T4-1's
    总计): ``total.sign * sum(part.sign * part)`` gives it.  T3-1 (two terms a side) determines none.
    """
    for rule in ruleset.load().sums(cross_year=False, severity=ERROR):
        for eq in instances(rule, report):
            for total, parts in ((eq.left, eq.right), (eq.right, eq.left)):
                if len(total) == 1 and parts:
                    yield total[0], list(parts)


def total_terms(report: Report) -> dict[str, tuple[Term, list[Term]]]:
    """Each determined total's cell id -> (its term, the parts it is the sum of); the first rule
    that determines a cell gives its parts (a workbook writes them as the cell's formula)."""
    out: dict[str, tuple[Term, list[Term]]] = {}
    for total, parts in lone_totals(report):
        out.setdefault(total.cell, (total, parts))
    return out


def complete_totals(report: Report) -> list[str]:
    """Fill in every blank total that the table's sums determine; the ids filled, in order.

    A total is the lone term of one side of a single-year error-level sum (:func:`lone_totals`)
    whose other side is all given; filled totals may complete other sums in turn.  A total
    never comes out negative, and nothing but a blank is filled: a typed total that disagrees
    stays, for the checker to report with both figures.
    """
    filled: list[str] = []
    changed = True
    while changed:
        changed = False
        for total, parts in lone_totals(report):
            if report.cells.get(total.cell, Cell()).state != BLANK:
                continue
            values = [report.value(p.cell) for p in parts]
            if any(v is None for v in values):
                continue
            value = total.sign * sum(p.sign * v for p, v in zip(parts, values) if v is not None)
            if value >= 0:
                report.cells[total.cell] = Cell(VALUE, value)
                filled.append(total.cell)
                changed = True
    return filled
