"""The explicit, immutable context of table understanding: where in the form a row is read.

Each step of the pipeline (:mod:`parsers.tables`) takes a :class:`Context` and returns a new
one (``dataclasses.replace``); nothing else carries state from one row to the next.
"""

from __future__ import annotations

from dataclasses import dataclass

from .vocab import RowRef

ColumnRef = tuple[str | None, str]  # (row id of a turned table or None, column label key)


@dataclass(frozen=True)
class Header:
    """The header rows read over the grid columns, and the columns they resolve to."""

    stacks: tuple[tuple[int, tuple[str, ...]], ...] = ()  # grid column -> header labels above it, top first
    columns: tuple[tuple[int, ColumnRef], ...] = ()  # grid column -> resolved header
    open: bool = False  # the last row read was a header row (a header may run over several)

    @property
    def colmap(self) -> dict[int, ColumnRef]:
        return dict(self.columns)

    def closed(self) -> Header:
        """The same header, no longer being read (a data row came)."""
        return Header(self.stacks, self.columns, False) if self.open else self


@dataclass(frozen=True)
class Context:
    """The table, block (table 二), group (table 三) and header a row is read under."""

    table: str | None = None
    block: str | None = None
    group: str | None = None
    header: Header = Header()
    hint: tuple[str, str | None, str] | None = None  # (table, block, row) a paragraph just named
    grid_cols: int | None = None  # columns of the grid the header was read in

    def hinted(self, tid: str) -> RowRef | None:
        """The row a label just above named, when it is of table ``tid``."""
        return (self.hint[1], self.hint[2]) if self.hint and self.hint[0] == tid else None
