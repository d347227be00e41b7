"""What the pipeline made of each row event: the record ``gknb parse --explain`` prints.

Every step of :mod:`parsers.tables` returns a :class:`Trace` — the event, what it was read
as, the label and its match, the readings it produced — so an explanation is rendered from
what actually decided the figures, never logged beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .labels import Match
from .readings import Reading
from .rowevents import RowEvent


class ReadAs(Enum):
    """What a row event was read as."""

    GRID = "grid"  # a grid begins
    SKIPPED = "skipped"  # a grid far too large to be a table of the form
    BLANK = "blank"  # a row with no text
    CAPTION = "caption"  # a block caption of table 二 (row or paragraph)
    HEADER = "header"  # a header row: column labels
    DATA = "data"  # a data row matched to a row of the form
    GROUP = "group"  # a group heading row (（三）不予公开)
    UNMATCHED = "unmatched"  # a labelled row that names no row of the form
    UNLABELED = "unlabeled"  # figures without a label
    HEADING = "heading"  # a section heading between tables
    PROSE = "prose"  # a paragraph that is none of these
    LINE_ROW = "line_row"  # a row printed as a line of text ("行政许可 97")
    LINE_LABEL = "line_label"  # a lone label naming the unlabelled row below it
    RUN_CONTEXT = "run_context"  # running text: a heading or caption that sets the table
    RUN_HEADER = "run_header"  # running text: a column label of the table in context
    RUN_TABLE = "run_table"  # running text: a turned table's figures after its header
    RUN_ROW = "run_row"  # running text: a row label and its figures
    RUN_ELSEWHERE = "run_elsewhere"  # running text: a label outside the table in context (prose)
    PLACED = "placed"  # at the end: an unlabelled row given its row of the form


@dataclass(frozen=True)
class Trace:
    """One step of reading the tables."""

    event: RowEvent | None  # None: a decision taken at the end (PLACED)
    read_as: ReadAs
    table: str | None = None
    block: str | None = None
    labels: tuple[str, ...] = ()  # the label texts read
    figures: str = ""  # the figures printed beside them
    match: Match | None = None  # the label's match (a caption's, a group's)
    columns: tuple[str, ...] = ()  # header: the column labels recognised
    readings: tuple[Reading, ...] = ()
    row: str | None = None  # a lone label line: the row it names
    group: str | None = None  # a group row: the group it names
