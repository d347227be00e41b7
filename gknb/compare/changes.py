"""Every figure of two years side by side, with its change and whether it is a large swing.

A blank is not a 0 and a cell one year's layout lacks is not a 0 either: no change is
computed for them.  Which changes count as large is the reviewer's call, so the
thresholds are parameters with defaults that pick out what usually deserves a question.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from gknb import template as tpl
from gknb.model import Cell, Number, Report


@dataclass(frozen=True)
class Thresholds:
    """A change is a large swing when it is at least ``absolute`` and at least ``relative`` of
    last year's figure (any rise from 0 of at least ``absolute`` counts)."""

    relative: float = 0.5
    absolute: float = 10


@dataclass(frozen=True)
class FigureChange:
    cell: tpl.CellDef
    old: Cell | None  # None: last year's layout has no such cell
    new: Cell | None

    @property
    def old_value(self) -> Number | None:
        return self.old.value if self.old is not None and self.old.filled else None

    @property
    def new_value(self) -> Number | None:
        return self.new.value if self.new is not None and self.new.filled else None

    @property
    def delta(self) -> Number | None:
        if self.old_value is None or self.new_value is None:
            return None
        return self.new_value - self.old_value

    @property
    def ratio(self) -> float | None:
        """Relative change (0.5 = +50 %); None where last year's figure is 0 or missing."""
        if self.delta is None or not self.old_value:
            return None
        return float(Decimal(self.delta) / abs(Decimal(self.old_value)))

    def is_swing(self, th: Thresholds) -> bool:
        if self.delta is None or abs(self.delta) < Decimal(str(th.absolute)):
            return False
        return self.ratio is None or abs(self.ratio) >= th.relative

    @property
    def weight(self) -> float:
        """How striking the change is, to rank swings: relative size, rises from 0 by their size."""
        if self.delta is None:
            return 0.0
        return abs(self.ratio) if self.ratio is not None else float(abs(self.delta))


def _cell_ids(table: tpl.Table) -> Iterator[str]:
    """Every cell id of a table in any format, in the form's order (rows as the TOML lists them)."""
    seen = set()
    for block in table.blocks:
        for row in block.rows:
            for col in block.columns:
                cid = ".".join((table.id, *([block.id] if block.id else []), row.id, col.id))
                if cid not in seen:
                    seen.add(cid)
                    yield cid


def figure_changes(old: Report | None, new: Report) -> list[FigureChange]:
    """Every cell either year's tables have, in the form's order."""
    t = tpl.load()
    out = []
    for table in t.tables.values():
        for cid in _cell_ids(table):
            o = old.cells.get(cid) if old is not None else None
            n = new.cells.get(cid)
            if o is not None or n is not None:
                out.append(FigureChange(t.cell(cid), o, n))
    return out


def swings(changes: list[FigureChange], th: Thresholds) -> list[FigureChange]:
    """The large swings, most striking first (ties in the form's order)."""
    hits = [c for c in changes if c.is_swing(th)]
    return sorted(hits, key=lambda c: -c.weight)
