"""Typed readings: what each step of table understanding concluded from one row event.

The pipeline's steps (:mod:`parsers.tables`) return readings and never write anywhere;
:class:`Book` is the one place they are collected into a :class:`TableReadings` per table —
what was printed for each (block, row, column), rows without labels, digit runs — which
:mod:`parsers.understand` turns into report cells once the tables' formats are known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from gknb import template as tpl
from gknb.model import Where

from .labels import Match
from .vocab import RowRef, Slot, vocab


@dataclass(frozen=True)
class Raw:
    """What a grid printed for one template cell."""

    text: str
    where: Where
    missing: bool = False  # the source has no cell here (a short row in an export)
    inferred: str | None = None  # why the row was placed without its own label (Chinese)
    doubt: str | None = None  # why the reader is unsure of the text itself (a scan), Chinese


ABSENT_RAW = Raw("", Where(), missing=True)
REPEATED_ROW = "此行出现不止一次，所印数字不同（“{}”/“{}”），取最后一次，请核对"


# --------------------------------------------------------------------------- readings

@dataclass(frozen=True)
class RowRead:
    """A row of the form found, with its figures (column label key -> Raw; empty: a run)."""

    table: str
    block: str | None
    row: str
    values: Mapping[str, Raw]
    match: Match | None = None  # how its label matched (None: a line of text, a turned table's row)


@dataclass(frozen=True)
class RunRead:
    """Rows whose figures ran together into one run of digits, split once all rows are read."""

    table: str
    rows: tuple[RowRef, ...]
    text: str
    where: Where
    unsure: str | None = None  # why the run itself is doubtful (digits left unread after it)


@dataclass(frozen=True)
class UnlabeledRead:
    """A row of figures printed without a label (an export that lost it)."""

    table: str
    values: tuple[Raw, ...]
    hint: RowRef | None = None  # (block, row) a label just above it named


@dataclass(frozen=True)
class Placed:
    """An unlabelled row given a row of the form at the end, by the form's order or a label above."""

    table: str
    block: str | None
    row: str
    values: Mapping[str, Raw]
    how: str  # Chinese


@dataclass(frozen=True)
class Unmatched:
    """A row with figures whose label names no row of the form (a finding)."""

    table: str
    text: str


@dataclass(frozen=True)
class ColumnSeen:
    """A column label read in a header (evidence of the table's format), as printed."""

    table: str
    column: str
    printed: str = ""


@dataclass(frozen=True)
class Skipped:
    """A grid far larger than any table of the form."""

    size: str  # Chinese: "500行×3列"


Reading = RowRead | RunRead | UnlabeledRead | Placed | Unmatched | ColumnSeen | Skipped


# --------------------------------------------------------------------------- collected

@dataclass
class TableReadings:
    """Everything read for one table, in printed order."""

    slots: dict[Slot, Raw] = field(default_factory=dict)
    rows_seen: set[RowRef] = field(default_factory=set)
    format_votes: dict[str, int] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    # rows in printed order: (block, row) for a labelled row, UnlabeledRead for one without
    sequence: list[RowRef | UnlabeledRead] = field(default_factory=list)
    runs: list[RunRead] = field(default_factory=list)
    headers: dict[str, list[str]] = field(default_factory=dict)  # column label key -> its headers as printed

    def format(self, default: str = "2021") -> str:
        """The layout the evidence points to: labels found only in one format's form."""
        if not self.format_votes:
            return default
        return max(self.format_votes, key=lambda f: (self.format_votes[f], f == default))


class Book:
    """The readings of one document collected per table; only :meth:`add` writes to it."""

    def __init__(self) -> None:
        self.tables: dict[str, TableReadings] = {tid: TableReadings() for tid in tpl.load().tables}
        self.skipped: list[str] = []

    def format(self, tid: str) -> str:
        return self.tables[tid].format()

    def found_any(self) -> bool:
        return any(r.slots or r.runs for r in self.tables.values())

    def add(self, readings: Iterable[Reading]) -> None:
        for r in readings:
            if isinstance(r, RowRead):
                self._row(r.table, r.block, r.row, r.values)
            elif isinstance(r, RunRead):
                self.tables[r.table].runs.append(r)
            elif isinstance(r, UnlabeledRead):
                self.tables[r.table].sequence.append(r)
            elif isinstance(r, Placed):
                t = self.tables[r.table]
                for colkey, raw in r.values.items():
                    t.slots[(r.block, r.row, colkey)] = raw
                t.rows_seen.add((r.block, r.row))
            elif isinstance(r, Unmatched):
                self.tables[r.table].unmatched.append(r.text)
            elif isinstance(r, ColumnSeen):
                if r.printed:
                    self.tables[r.table].headers.setdefault(r.column, []).append(r.printed)
                fmts = vocab().column_formats.get((r.table, r.column), frozenset())
                if len(fmts) == 1:  # a column label found only in one format's form
                    self._vote(r.table, next(iter(fmts)), 1)
            else:
                self.skipped.append(r.size)

    def _vote(self, tid: str, fmt: str, n: int) -> None:
        votes = self.tables[tid].format_votes
        votes[fmt] = votes.get(fmt, 0) + n

    def _row(self, tid: str, block: str | None, rowid: str, values: Mapping[str, Raw]) -> None:
        t = self.tables[tid]
        if (block, rowid) in t.rows_seen:
            t.duplicates.append("/".join(x for x in (block, rowid) if x))
        t.rows_seen.add((block, rowid))
        t.sequence.append((block, rowid))
        fmts = vocab().row_formats[(tid, block, rowid)]
        if len(fmts) == 1:
            self._vote(tid, next(iter(fmts)), 2)
        for colkey, raw in values.items():
            before = t.slots.get((block, rowid, colkey))
            if before is not None and before.text.strip() != raw.text.strip() and not raw.doubt:
                raw = replace(raw, doubt=REPEATED_ROW.format(before.text.strip(), raw.text.strip()))
            t.slots[(block, rowid, colkey)] = raw
