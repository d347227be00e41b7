"""The template's rules compiled once into typed objects: the one reading of a rule's data.

A rule in ``template/official.toml`` is a table of keys whose meaning depends on its kind.
This module is the only one that reads those keys: it turns each rule into a typed object
(:class:`SumRule`, :class:`UnitRule`, …) when the template is first used, and resolves every
sum rule's terms — ``*`` (every row or column), ``band:<id>``, ``prev:<id>`` (last year's
cell), ``-<id>`` (subtracted), ``exclude``, quantified over ``each`` column or row — into
concrete :class:`Equation` s over cell ids, one tuple per table format.  The checker
(:mod:`gknb.rules`), the equations helpers (:mod:`gknb.equations`), the generator and the
comparer use these objects, never the rule's data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from . import template as tpl


@dataclass(frozen=True)
class Term:
    """One term of an equation: a cell, its sign, and whether it is read from last year."""

    sign: int
    cell: str
    previous: bool  # read from last year's report
    label: str = ""  # the term's own label within its instance (row key, or column label)


@dataclass(frozen=True)
class Equation:
    """One instance of a sum rule: ``sum(left) == sum(right)`` for one column or row."""

    scope: str  # "自然人栏", "行政复议"…
    left: tuple[Term, ...]
    right: tuple[Term, ...]

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.left + self.right

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.cell for t in self.terms))

    @property
    def cross_year(self) -> bool:
        return any(t.previous for t in self.terms)


@dataclass(frozen=True)
class Carry:
    """A cross-year equation that starts this year's cell from last year's (T3-5, T2-1)."""

    cell: str  # this year's cell
    source: str  # last year's cell
    adjust: tuple[str, ...]  # this year's cells the carried figure is then adjusted by


@dataclass(frozen=True, kw_only=True)
class Rule:
    """What every compiled rule has: the template's entry, its formats and when it runs."""

    entry: tpl.Rule
    formats: tuple[str, ...]
    cross_year: bool  # needs last year's report
    document_only: bool  # judges a document's own text: never a figures file

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def severity(self) -> str:
        return self.entry.severity

    @property
    def title(self) -> str:
        return self.entry.title

    @property
    def kind(self) -> str:
        return self.entry.kind


@dataclass(frozen=True, kw_only=True)
class SumRule(Rule):
    table: str
    block: str | None
    per_column: bool  # quantified over each column (terms are rows), else each row
    equations: dict[str, tuple[Equation, ...]] = field(hash=False, compare=False)  # by table format

    def equations_for(self, table_formats: dict[str, str]) -> tuple[Equation, ...]:
        """The equations on a report whose tables are in ``table_formats`` (none if this table is absent)."""
        fmt = table_formats.get(self.table)
        return self.equations.get(fmt, ()) if fmt is not None else ()

    def carries(self, table_formats: dict[str, str]) -> list[Carry]:
        """Each equation of the form ``cell = prev:source [± adjust…]``: a figure carried from last year."""
        out = []
        for eq in self.equations_for(table_formats):
            sources = [t for t in eq.right if t.previous]
            if len(eq.left) == 1 and not eq.left[0].previous and len(sources) == 1:
                out.append(Carry(eq.left[0].cell, sources[0].cell,
                                 tuple(t.cell for t in eq.right if not t.previous)))
        return out


@dataclass(frozen=True, kw_only=True)
class DomainRule(Rule):
    table: str
    domain: str  # a name of gknb.rules.DOMAINS


@dataclass(frozen=True, kw_only=True)
class FilledRule(Rule):
    pass


@dataclass(frozen=True, kw_only=True)
class UnitRule(Rule):
    table: str
    block: str | None
    column: str
    jump_factor: Decimal
    contradicting_units: tuple[str, ...]


@dataclass(frozen=True)
class StatementPattern:
    """A way the text states a figure: the pattern (group ``n``) and the sums of cells it may mean."""

    pattern: re.Pattern[str]
    readings: tuple[tuple[str, ...], ...]
    not_after: re.Pattern[str] | None


@dataclass(frozen=True, kw_only=True)
class TextFiguresRule(Rule):
    sections: tuple[str, ...]
    skip_clauses: re.Pattern[str] | None
    statements: tuple[StatementPattern, ...]


@dataclass(frozen=True, kw_only=True)
class MentionsRule(Rule):
    section: str
    any_of: tuple[str, ...]
    none_of: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class SectionsRule(Rule):
    pass


@dataclass(frozen=True, kw_only=True)
class EnumerationRule(Rule):
    section: str
    marker: re.Pattern[str]


@dataclass(frozen=True, kw_only=True)
class SimilarityRule(Rule):
    section: str
    max_similarity: float


@dataclass(frozen=True, kw_only=True)
class FormatChangeRule(Rule):
    pass


@dataclass(frozen=True, kw_only=True)
class ConsolidationRule(Rule):
    tables: tuple[str, ...]


R = TypeVar("R", bound=Rule)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def sums(self, *, cross_year: bool | None = None, severity: str | None = None) -> list[SumRule]:
        """The sum rules, optionally only the (single-year / cross-year) ones of one severity."""
        return [r for r in self.rules if isinstance(r, SumRule)
                and (cross_year is None or r.cross_year == cross_year)
                and (severity is None or r.severity == severity)]

    def of_kind(self, cls: type[R]) -> list[R]:
        return [r for r in self.rules if isinstance(r, cls)]

    def similarity_limit(self, section: str) -> float | None:
        """The share of last year's text beyond which a section reads as copied (S5-2), if any rule says."""
        return next((r.max_similarity for r in self.of_kind(SimilarityRule) if r.section == section), None)

    def ids(self, cls: type[Rule], section: str | None = None) -> str:
        """The ids of a kind's rules ("X-1"; on one section only, for rules that have one), as a page names them."""
        return "、".join(r.id for r in self.of_kind(cls) if section is None or getattr(r, "section", None) == section)

    def mentioned(self, section: str) -> tuple[str, ...]:
        """The words a section must mention one of (the ``mentions`` rules on it)."""
        return tuple(w for r in self.of_kind(MentionsRule) if r.section == section for w in r.any_of)


# --------------------------------------------------------------------------- compiling

def row_key(cdef: tpl.CellDef) -> str:
    return "/".join(cdef.json_path[:-1])


def _equations(t: tpl.Template, p: dict[str, Any], fmt: str) -> tuple[Equation, ...]:
    """A sum rule's equations on one table format: its terms resolved against the layout."""
    layout = t.table(p["table"]).layout(fmt)
    block = layout.block(p.get("block"))
    if block is None:
        return ()
    by_pos = {(c.row.id, c.column.id): c for c in layout.cells if c.block == block.id}
    exclude = set(p.get("exclude", ()))
    per_column = p["each"] == "column"
    outer = block.columns if per_column else block.rows
    inner = block.rows if per_column else block.columns

    def expand(term: str) -> list[tuple[int, str, bool]]:
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
        return [(sign, i, prev) for i in ids if i not in exclude or i == term]

    out = []
    for o in outer:
        sides: list[tuple[Term, ...]] = []
        for side in (p["left"], p["right"]):
            terms = []
            for term in side:
                for sign, inner_id, prev in expand(term):
                    cdef = by_pos.get((inner_id, o.id) if per_column else (o.id, inner_id))
                    if cdef is not None:
                        label = row_key(cdef) if per_column else cdef.column.label
                        terms.append(Term(sign, cdef.id, prev, ("上年" if prev else "") + label))
            sides.append(tuple(terms))
        scope = f"{o.label}栏" if per_column else (row_key(t.cell(sides[0][0].cell)) if sides[0] else o.label)
        out.append(Equation(scope, sides[0], sides[1]))
    return tuple(out)


def _statement(d: dict[str, Any]) -> StatementPattern:
    readings = d.get("any_of", [[d["cell"]]] if "cell" in d else [])
    not_after = re.compile(f"(?:{d['not_after']})$") if d.get("not_after") else None
    return StatementPattern(re.compile(d["pattern"]), tuple(tuple(r) for r in readings), not_after)


def compile_rule(t: tpl.Template, entry: tpl.Rule) -> Rule:
    """One rule of the template as its typed object."""
    p = entry.params
    terms = [*p.get("left", ()), *p.get("right", ())]
    common: dict[str, Any] = {
        "entry": entry,
        "formats": tuple(p.get("formats", tpl.TABLE_FORMATS)),
        "cross_year": bool(p.get("cross_year")) or any(x.lstrip("-").startswith("prev:") for x in terms),
        "document_only": bool(p.get("document_only")),
    }
    kind = entry.kind
    if kind == "sum":
        eqs = {fmt: _equations(t, p, fmt) for fmt in common["formats"]}
        return SumRule(**common, table=p["table"], block=p.get("block"), per_column=p["each"] == "column",
                       equations=eqs)
    if kind == "domain":
        return DomainRule(**common, table=p["table"], domain=p["domain"])
    if kind == "filled":
        return FilledRule(**common)
    if kind == "unit":
        return UnitRule(**common, table=p["table"], block=p.get("block"), column=p["column"],
                        jump_factor=Decimal(p["jump_factor"]),
                        contradicting_units=tuple(p.get("contradicting_units", ())))
    if kind == "text_figures":
        skip = re.compile(p["skip_clauses"]) if p.get("skip_clauses") else None
        return TextFiguresRule(**common, sections=tuple(p["sections"]), skip_clauses=skip,
                               statements=tuple(_statement(s) for s in p["statements"]))
    if kind == "mentions":
        return MentionsRule(**common, section=p["section"], any_of=tuple(p["any_of"]),
                            none_of=tuple(p.get("none_of", ())))
    if kind == "sections":
        return SectionsRule(**common)
    if kind == "enumeration":
        return EnumerationRule(**common, section=p["section"], marker=re.compile(p["marker"]))
    if kind == "similarity":
        return SimilarityRule(**common, section=p["section"], max_similarity=float(p["max_similarity"]))
    if kind == "format_change":
        return FormatChangeRule(**common)
    if kind == "consolidation":
        return ConsolidationRule(**common, tables=tuple(p["tables"]))
    raise ValueError(f"rule {entry.id}: unknown kind {kind!r}")


@lru_cache(maxsize=1)
def load() -> RuleSet:
    """The official template's rules, compiled once (cached like :func:`gknb.template.load`)."""
    t = tpl.load()
    return RuleSet(tuple(compile_rule(t, r) for r in t.rules))
