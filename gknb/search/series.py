"""Figures across years and agencies: a cell's series, numeric conditions, every figure.

All read the index's copy of the archive's cells (kept current like the text).  A blank or
absent cell has no value: it never satisfies a numeric condition and is never shown as 0.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import apsw

from gknb import template as tpl
from gknb.model import VALUE

from .cells import label_path, numbered, numbers, resolve
from .errors import SearchError
from .extract import STATE_CODES, STATES
from .scope import Scope

OPERATORS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
             "=": operator.eq, "==": operator.eq, "!=": operator.ne,
             "≥": operator.ge, "≤": operator.le, "≠": operator.ne, "＞": operator.gt, "＜": operator.lt,
             "＝": operator.eq}
_OPS = "|".join(re.escape(o) for o in sorted(OPERATORS, key=len, reverse=True))
_OP_CHARS = re.escape("".join(sorted(set("".join(OPERATORS)))))
_CONDITION = re.compile(
    rf"\s*(?:(?:且|并且|and|AND|&&|[,，;；])\s*)?(?P<lhs>[^{_OP_CHARS}]+?)\s*(?P<op>{_OPS})\s*"
    r"(?P<num>[-+]?\d+(?:\.\d+)?)(?=\s|$|[,，;；且&])\s*")


def number(text: str | None):
    """An archived value as a number (int, or Decimal where it has decimals)."""
    if text is None:
        return None
    return Decimal(text) if "." in text else int(text)


# --------------------------------------------------------------------------- series

@dataclass(frozen=True)
class Point:
    agency: str
    year: int
    format: str
    state: str | None  # value | blank | absent; None: the report's layout has no such cell
    value: str | None
    flag: str | None

    def as_dict(self) -> dict:
        return {"agency": self.agency, "year": self.year, "format": self.format, "state": self.state,
                "value": number(self.value), "flag": self.flag}


def series(conn: apsw.Connection, cell: tpl.CellDef, scope: Scope | None = None) -> list[Point]:
    """The cell in every archived report within the scope, by agency then year."""
    where, params = (scope or Scope()).where("r")
    rows = conn.execute(
        "SELECT r.agency, r.year, r.format, c.state, c.value, c.flag FROM reports r"
        " LEFT JOIN cells c ON c.report_id = r.id AND c.cell = :cell"
        f" WHERE r.error IS NULL{where} ORDER BY r.agency, r.year", {**params, "cell": numbers()[cell.id]})
    return [Point(a, y, f, None if s is None else STATES[s], v, flag) for a, y, f, s, v, flag in rows]


# --------------------------------------------------------------------------- conditions

@dataclass(frozen=True)
class Condition:
    text: str  # as the user wrote it
    cell: tpl.CellDef
    op: str
    number: Decimal

    def holds(self, value: str | None) -> bool:
        return value is not None and OPERATORS[self.op](Decimal(value), self.number)


def parse_conditions(args: tuple[str, ...] | list[str]) -> list[Condition]:
    """``行政复议 总计 > 0``, ``requests.new.total >= 100``…: words or ids, an operator, a number.

    The arguments are read as one text (the shell may split a condition into words); several
    conditions follow one another, optionally separated by 且 or a comma, and must all hold.
    """
    text = " ".join(args).strip()
    if not text:
        raise SearchError("未给出条件，例如：gknb query '行政复议 总计 > 0'")
    out, pos = [], 0
    while pos < len(text):
        m = _CONDITION.match(text, pos)
        if not m:
            raise SearchError(f"条件“{text[pos:].strip()}”无法识别；应写作“单元格 运算符 数字”，"
                              f"运算符为 > >= < <= = !=")
        out.append(Condition(m.group(0).strip(" ,，;；"), resolve(m.group("lhs")), m.group("op"),
                             Decimal(m.group("num"))))
        pos = m.end()
    return out


@dataclass(frozen=True)
class Match:
    agency: str
    year: int
    values: tuple[str, ...]  # one per condition, as archived
    flags: tuple[str | None, ...] = ()  # one per condition: why the reader was unsure of the figure

    def as_dict(self, conditions: list[Condition]) -> dict:
        return {"agency": self.agency, "year": self.year,
                "values": {c.cell.id: number(v) for c, v in zip(conditions, self.values)},
                "flags": {c.cell.id: f for c, f in zip(conditions, self.flags) if f}}


def query(conn: apsw.Connection, conditions: list[Condition], scope: Scope | None = None) -> list[Match]:
    """The (agency, year) whose reports satisfy every condition, by agency then year."""
    where, params = (scope or Scope()).where("r")
    found: dict[int, tuple[str, int, list[tuple[str, str | None]]]] | None = None
    for cond in conditions:
        rows = conn.execute(
            "SELECT r.id, r.agency, r.year, c.value, c.flag FROM cells c JOIN reports r ON r.id = c.report_id"
            f" WHERE c.cell = :cell AND c.state = :value AND r.error IS NULL{where}",
            {**params, "cell": numbers()[cond.cell.id], "value": STATE_CODES[VALUE]})
        hits = {rid: (agency, year, (value, flag)) for rid, agency, year, value, flag in rows if cond.holds(value)}
        if found is None:
            found = {rid: (a, y, [v]) for rid, (a, y, v) in hits.items()}
        else:
            found = {rid: (a, y, [*vs, hits[rid][2]]) for rid, (a, y, vs) in found.items() if rid in hits}
    matches = [Match(a, y, tuple(v for v, _ in vs), tuple(f for _, f in vs)) for a, y, vs in (found or {}).values()]
    return sorted(matches, key=lambda m: (m.agency, m.year))


# --------------------------------------------------------------------------- every figure

class Figure(NamedTuple):
    """One row of the export (a tuple: millions of them are written)."""

    agency: str
    year: int
    format: str
    table: str
    table_format: str
    cell_id: str
    label: str  # label path below the table, '/'-separated (as in the XML)
    value: str | None
    state: str
    flag: str | None


EXPORT_FIELDS = Figure._fields


def figures(conn: apsw.Connection, scope: Scope | None = None) -> Iterator[Figure]:
    """Every archived figure: by agency, year, then the report's own layout order."""
    where, params = (scope or Scope()).where("r")
    layouts: dict[str, dict[str, str]] = {}
    cells = [(c.table, c.id, label_path(c)) for c in numbered()]
    rows = conn.execute(
        "SELECT r.agency, r.year, r.format, r.table_formats, c.cell, c.state, c.value, c.flag"
        f" FROM reports r JOIN cells c ON c.report_id = r.id WHERE r.error IS NULL{where}"
        " ORDER BY r.agency, r.year, c.ord", params)
    for agency, year, fmt, table_formats, n, state, value, flag in rows:
        formats = layouts.get(table_formats)
        if formats is None:
            formats = layouts[table_formats] = json.loads(table_formats)
        table, cid, label = cells[n]
        yield Figure(agency, year, fmt, table, formats.get(table, ""), cid, label, value, STATES[state], flag)
