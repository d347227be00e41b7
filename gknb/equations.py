"""The template's sum rules as equations over a report's cells: the one reading of their terms.

A sum rule in ``template/official.toml`` says, per column or per row of a block (``each``),
that its ``left`` terms add up to its ``right`` terms; a term is a row or column id, ``*``
(every one), ``band:<id>`` (the rows of a band), ``prev:<id>`` (last year's cell) or
``-<id>`` (subtracted), with ``exclude`` taken out of ``*``.  This module turns a rule and a
report's table layouts into concrete equations; the checker (:mod:`gknb.rules`), the parsers
(splitting figures that ran together, confirming rows placed by inference) and the comparer
use these, so no other module interprets a rule's terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from . import template as tpl
from .model import BLANK, VALUE, Cell, Report

ERROR = "error"


@dataclass(frozen=True)
class Term:
    """One term of an equation: a cell, its sign, and whether it is read from last year."""

    sign: int
    cell: str
    previous: bool  # read from last year's report
    label: str = ""  # the term's own label within its instance (row key, or column label)


def instances(rule: tpl.Rule, report: Report) -> Iterator[tuple[str, list[Term], list[Term]]]:
    """(scope, left terms, right terms) for each column or row the rule quantifies over."""
    p = rule.params
    tid = p["table"]
    if tid not in report.table_formats or report.table_formats[tid] not in rule.formats:
        return
    layout = tpl.load().table(tid).layout(report.table_formats[tid])
    block = layout.block(p.get("block"))
    if block is None:
        return
    by_pos = {(c.row.id, c.column.id): c for c in layout.cells if c.block == block.id}
    exclude = set(p.get("exclude", ()))
    per_column = p["each"] == "column"
    outer = block.columns if per_column else block.rows
    inner = block.rows if per_column else block.columns

    def expand(term: str) -> list[Term]:
        sign = -1 if term.startswith("-") else 1
        term = term.lstrip("-")
        prev = term.startswith("prev:")
        term = term.removeprefix("prev:")
        if term == "*":
            ids = [x.id for x in inner]
        elif term.startswith("band:"):
            ids = [r.id for r in block.rows if r.band == term[5:]]
        else:
            ids = [term]
        ids = [i for i in ids if i not in exclude or i == term]
        return [Term(sign, i, prev) for i in ids]

    def cell_of(inner_id: str, outer_id: str) -> str | None:
        c = by_pos.get((inner_id, outer_id) if per_column else (outer_id, inner_id))
        return c.id if c else None

    for o in outer:
        sides = []
        for side in (p["left"], p["right"]):
            terms = []
            for term in side:
                for t in expand(term):
                    cid = cell_of(t.cell, o.id)
                    if cid is not None:
                        cdef = tpl.load().cell(cid)
                        label = row_key(cdef) if per_column else cdef.column.label
                        terms.append(Term(t.sign, cid, t.previous, ("上年" if t.previous else "") + label))
            sides.append(terms)
        scope = f"{o.label}栏" if per_column else (row_key(tpl.load().cell(sides[0][0].cell)) if sides[0] else o.label)
        yield scope, sides[0], sides[1]


def linear_constraints(report: Report, severity: str = ERROR) -> list[list[tuple[int, str]]]:
    """The single-year sum rules as equations: each a list of (coefficient, cell id), summing to 0.

    Parsers use them to split figures that ran together ("21710000218") the one way the
    table's own arithmetic allows.
    """
    out = []
    for rule in tpl.load().rules:
        if rule.kind != "sum" or rule.cross_year or rule.severity != severity:
            continue
        for _, left, right in instances(rule, report):
            out.append([(t.sign, t.cell) for t in left] + [(-t.sign, t.cell) for t in right])
    return out


def row_key(cdef: tpl.CellDef) -> str:
    return "/".join(cdef.json_path[:-1])


def lone_totals(report: Report) -> Iterator[tuple[Term, list[Term]]]:
    """(total, parts) for every single-year error-level sum with one side a lone term.

    That term is a total the table's arithmetic determines (T3-2's （七）总计, T3-3's and T4-1's
    总计): ``total.sign * sum(part.sign * part)`` gives it.  T3-1 (two terms a side) determines none.
    """
    for rule in tpl.load().rules:
        if rule.kind != "sum" or rule.cross_year or rule.severity != ERROR:
            continue
        for _, left, right in instances(rule, report):
            for total, parts in ((left, right), (right, left)):
                if len(total) == 1 and parts:
                    yield total[0], parts


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
