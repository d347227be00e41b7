"""The tunables of table understanding, with their defaults in one place.

Every threshold the pipeline (:mod:`parsers.tables`) uses to decide whether a printed text
names a label of the form, and every bound on what a table or a row printed as a line may
be, lives here; the stages take a :class:`MatchSettings` and pass it down, as the PDF reader
takes :class:`parsers.source.PdfSettings`.  Scores are :func:`parsers.labels.best_match`'s:
1.0 for the same label, difflib's ratio of the labels without their numbers otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MergeSettings:
    """Joining the wrapped labels of a table without ruling (:mod:`parsers.rowmerge`), where
    a label fit is how well a text reads as some label of the form (1.0: one of them)."""

    standalone: float = 0.95  # a label-only line fitting this well is a row of its own
    neutral_fit: float = 0.8  # a label fitting the form less than this counts against the cut that makes it
    standalone_cost: float = 0.05  # a label line standing alone (a row with no figures) loses ties to joining one
    max_between: int = 2  # label-only lines between the two lines of one row's split figures


MERGE = MergeSettings()


@dataclass(frozen=True)
class MatchSettings:
    """How close a printed label must be to the form's to be taken for it, and size bounds."""

    column: float = 0.8  # a header cell names a column label of the table
    header_word: float = 0.8  # ... or a word only headers print (a band, a column group)
    transposed_row: float = 0.8  # a header label above a column names a row (table 四 is printed turned)
    caption: float = 0.85  # a row or paragraph is a block caption of table 二 (第二十条第（一）项)
    header_names_row: float = 0.9  # a row of labels only is a data row with every figure blank
    group: float = 0.8  # a row label names a group (（三）不予公开)
    group_not_row: float = 0.95  # ... unless it names a row at least this well
    row: float = 0.8  # a data row's label names a row of the form
    row_in_group: float = 0.6  # ... among the rows of the group in context, when the label alone is ambiguous
    text_row: float = 0.85  # a paragraph ("行政许可 97") or a lone label names a row
    max_wrapped_header_rows: int = 4  # header rows one wrapped label may run over
    header_depth: int = 12  # the lowest texts of a header column searched for its label (a header
    # stack thousands of rows deep, from text read as header rows, made each row's match quadratic)
    max_line_chars: int = 300  # a paragraph longer than this is running text (bounds the line pattern's work)
    max_line_key: int = 60  # ... and one whose letters and digits number more than this
    # The form's largest table has 28 rows and 15 columns; a grid far beyond that is not one of them.
    max_grid_rows: int = 400
    max_grid_cols: int = 60
    merge: MergeSettings = field(default_factory=MergeSettings)


MATCH = MatchSettings()
