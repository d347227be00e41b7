"""Row events: every source of table rows, in document order, as one stream of typed events.

A grid (Word, HTML, a ruled or unruled PDF table, a scan) becomes a :class:`GridSeen` and its
rows, each a :class:`GridRow` of dense cells (a merged cell repeated over the positions it
covers; the wrapped labels of a table without ruling joined to their figures first).  A
paragraph between tables is a :class:`TextLine` (a heading, a caption, "行政许可 97").  The
labels found in running text, when a crawler ran every cell together, are :class:`RunFound`
events (:mod:`parsers.stream`).  The pipeline's steps (:mod:`parsers.tables`) read only these.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gknb.model import Where

from .layout import Grid, GridCell, Layout, Paragraph
from .matchsettings import MatchSettings
from .rowmerge import joined_rows, merge_wrapped_rows
from .vocab import is_number_like, label_fit

PLACED_BY_POSITION = "表格无框线，此行标签由相邻几行文字拼合，按位置推定"


@dataclass(frozen=True)
class GridSeen:
    """A grid begins: its size, whether it is ruled, how many rows were joined up."""

    where: Where
    n_rows: int
    n_cols: int
    ruled: bool
    joined: int = 0  # rows of an unruled grid whose wrapped labels were joined to their figures
    skipped: bool = False  # far larger than any table of the form: its rows are not read


@dataclass(frozen=True)
class GridRow:
    """One row of a grid, dense: ``cells[k]`` is the cell covering grid column k (or None)."""

    cells: tuple[GridCell | None, ...]
    where: Where
    joined: bool = False  # its label was joined from several printed lines (placed by position)

    @property
    def placed_by(self) -> str | None:
        return PLACED_BY_POSITION if self.joined else None


@dataclass(frozen=True)
class TextLine:
    """A paragraph between tables."""

    text: str
    where: Where


@dataclass(frozen=True)
class RunFound:
    """A label of the form found in running text, with the figures printed after it."""

    kind: str  # section | caption | row | header
    ident: tuple[Any, ...]  # section key | block id | (table, block, row) | (tables printing it, column key)
    label: str  # the label as printed
    run: str  # the figures after it, as printed (stripped)
    tokens: tuple[str, ...]  # the figures read from the run
    unsure: bool  # digits the run stopped short of, or a comma no figure explains
    where: Where
    prose: bool = False  # the run is a figure quoted in a sentence ("行政诉讼9起，…")


RowEvent = GridSeen | GridRow | TextLine | RunFound


def layout_events(layout: Layout, settings: MatchSettings) -> Iterator[RowEvent]:
    """The row events of a layout's paragraphs and grids, in reading order."""
    for block in layout.blocks:
        if isinstance(block, Paragraph):
            yield TextLine(block.text, block.where)
        else:
            yield from grid_events(block, settings)


def grid_events(grid: Grid, settings: MatchSettings) -> Iterator[RowEvent]:
    """A grid's start and its rows (none when it is far too large to be a table of the form)."""
    if grid.n_rows > settings.max_grid_rows or grid.n_cols > settings.max_grid_cols:
        yield GridSeen(grid.where, grid.n_rows, grid.n_cols, grid.ruled, skipped=True)
        return
    rows = dense(grid)
    joined: set[int] = set()
    if not grid.ruled:  # one row per printed line: wrapped labels joined to their figures first
        neutral = settings.merge.neutral_fit
        rows = merge_wrapped_rows(rows, label_columns(rows), is_number_like, lambda t: label_fit(t, neutral),
                                  settings.merge)
        joined = joined_rows(rows)
    yield GridSeen(grid.where, grid.n_rows, grid.n_cols, grid.ruled, len(joined))
    for i, row in enumerate(rows):
        yield GridRow(tuple(row), _row_where(row, i), i in joined)


def _row_where(row: list[GridCell | None], i: int) -> Where:
    """Where a row is: its first cell that starts in it (not one spanning down from above)."""
    cells = [c for c in row if c is not None]
    return next((c.where for c in cells if c.row == i), cells[0].where if cells else Where())


def dense(grid: Grid) -> list[list[GridCell | None]]:
    m: list[list[GridCell | None]] = [[None] * grid.n_cols for _ in range(grid.n_rows)]
    for c in grid.cells:
        for r in range(c.row, min(c.row + c.rowspan, grid.n_rows)):
            for k in range(c.col, min(c.col + c.colspan, grid.n_cols)):
                m[r][k] = c
    return m


def label_columns(rows: list[list[GridCell | None]]) -> int:
    """How many columns on the left hold labels: those left of the first figure."""
    return min((k for row in rows for k, c in enumerate(row) if c is not None and is_number_like((c.text or "").strip())),
               default=0)
