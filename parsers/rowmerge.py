"""Rows of a table read without ruling: a label wrapped over several lines joined to its figures.

A table drawn without lines comes from the PDF reader one row per printed line
(:mod:`parsers.pdf_unruled`).  A label wrapped over three lines, with its figures on the first,
the middle or the last of them, is then one data line and label-only lines around it.  Which
row a label-only line belongs to is decided by what the joined labels *say*: every way of
cutting a run of label-only lines between the data lines above and below it is scored by how
well the resulting labels read as labels of the form (``fit``), and the best cut wins.  A line
that is a label on its own (a caption, a group heading such as ``（三）不予公开``) stays a row.

Pure functions over dense rows; the caller supplies ``fit`` and which columns hold labels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from .layout import GridCell
from .matchsettings import MERGE, MergeSettings

Row = list[GridCell | None]


def merge_wrapped_rows(rows: Sequence[Row], label_cols: int, is_value: Callable[[str], bool],
                       fit: Callable[[str], float], s: MergeSettings = MERGE) -> list[Row]:
    """``rows`` with the label-only rows joined to the data rows around them.

    Rows that are neither (headers) cut the table into chains solved one by one.  A data row
    whose label was joined from other lines is listed by :func:`joined_rows`.
    """
    rows, kinds = _join_split_figures(list(rows), [_kind(row, label_cols, is_value) for row in rows],
                                      label_cols, fit, s)
    out: list[Row] = []
    chain: list[int] = []
    for k in [*range(len(rows)), None]:
        if k is not None and kinds[k] != "other":
            chain.append(k)
            continue
        if chain:
            out.extend(_solve_chain([list(rows[i]) for i in chain], [kinds[i] for i in chain], label_cols, fit, s))
            chain = []
        if k is not None:
            out.append(list(rows[k]))
    return out


def _solve_chain(rows: list[Row], kinds: list[str], label_cols: int, fit: Callable[[str], float],
                 s: MergeSettings) -> list[Row]:
    """One chain of data and label-only rows, every run of label-only rows cut between the data
    rows around it so that the sum of the label fits is best (dynamic programming over the cuts)."""
    data = [i for i, k in enumerate(kinds) if k == "data"]
    if not data:
        return rows
    bounds = [-1, *data, len(rows)]
    runs = [rows[a + 1:b] for a, b in zip(bounds, bounds[1:])]  # runs[k] lies before data row k
    ok = [[all(fit(t) >= s.standalone for t in _labels(r, label_cols) if t) for r in run] for run in runs]

    def cuts(k: int) -> list[tuple[int, int]]:
        """(i, j) for run k: run[:i] joins the data row above, run[i:j] stand alone, run[j:] the row below."""
        n = len(runs[k])
        first, last = k == 0, k == len(runs) - 1
        heads = range(1) if first else range(n + 1)  # nothing above the first run to join
        return [(i, j) for i in heads for j in (range(n, n + 1) if last else range(i, n + 1))
                if all(ok[k][i:j])]

    # best[(i, j)] for run k: best score of everything above, given run k is cut at (i, j)
    best: dict[tuple[int, int], tuple[float, list[Row]]] = {}

    def _alone_fit(r: Row) -> float:  # a row of labels without figures is the rarer reading
        return _row_fit(r, label_cols, fit, s) - s.standalone_cost

    for i, j in cuts(0):
        best[(i, j)] = (sum(_alone_fit(r) for r in runs[0][i:j]), list(runs[0][i:j]))
    if not best:
        return rows
    for k, d in enumerate(data, start=1):
        nxt: dict[tuple[int, int], tuple[float, list[Row]]] = {}
        for (_, pj), (score, done) in best.items():
            tail = runs[k - 1][pj:]
            for i, j in cuts(k):
                row = _join([*tail, rows[d], *runs[k][:i]], label_cols)
                total = score + _row_fit(row, label_cols, fit, s) + sum(_alone_fit(r) for r in runs[k][i:j])
                if (i, j) not in nxt or total > nxt[(i, j)][0] + 1e-9:
                    nxt[(i, j)] = (total, [*done, row, *runs[k][i:j]])
        if not nxt:
            return rows
        best = nxt
    return max(best.values(), key=lambda v: v[0])[1]


def _join_split_figures(rows: list[Row], kinds: list[str], label_cols: int,
                        fit: Callable[[str], float], s: MergeSettings) -> tuple[list[Row], list[str]]:
    """Two data lines that are one row: the figures of a cell aligned to the top printed a line
    above the others ("…只计这一情  20" over "19 1 0 0 0 0").  Their figures stand in different
    columns, and either one line has no label or their labels read better joined than apart."""
    def figure_cols(row: Row) -> set[int]:
        return {k for k, c in enumerate(row) if k >= label_cols and c is not None and c.text.strip()}

    def labelled(row: Row) -> bool:
        return any(t for t in _labels(row, label_cols))

    i = 0
    while i + 1 < len(rows):
        if kinds[i] != "data":
            i += 1
            continue
        # the next data line, over at most max_between label-only lines (a wrapped label's middle)
        j = next((k for k in range(i + 1, min(i + 2 + s.max_between, len(rows))) if kinds[k] != "label"), None)
        if j is None or kinds[j] != "data":
            i += 1
            continue
        a, b, middle = rows[i], rows[j], rows[i + 1:j]
        if not figure_cols(a) & figure_cols(b) and (
                not (labelled(a) and labelled(b)) or _reads_better_joined(a, middle, b, label_cols, fit, s)):
            merged = JoinedRow(_join([a, *middle, b], label_cols))  # labels joined top to bottom
            for k, c in enumerate(b):
                if k >= label_cols and merged[k] is None and c is not None:
                    merged[k] = c
            rows[i:j + 1] = [merged]
            kinds[i:j + 1] = ["data"]
            continue
        i += 1
    return rows, kinds


def _reads_better_joined(a: Row, middle: list[Row], b: Row, label_cols: int,
                         fit: Callable[[str], float], s: MergeSettings) -> bool:
    """Whether the labels of lines ``a`` … ``b`` read better as one row than as two."""
    joined = _row_fit(_join([a, *middle, b], label_cols), label_cols, fit, s)
    apart = max(_row_fit(_join([a, *middle], label_cols), label_cols, fit, s),
                _row_fit(_join([*middle, b], label_cols), label_cols, fit, s))
    return joined > apart


def _kind(row: Row, label_cols: int, is_value: Callable[[str], bool]) -> str:
    """"data" (figures in it), "label" (text only in label columns), or "other" (headers)."""
    texts = [(k, c.text.strip()) for k, c in enumerate(row) if c is not None and c.text.strip()]
    if not texts:
        return "other"
    if any(k >= label_cols and is_value(t) for k, t in texts):
        return "data"
    return "label" if all(k < label_cols for k, _ in texts) else "other"


def _labels(row: Row, label_cols: int) -> list[str]:
    return [(row[k].text.strip() if row[k] is not None else "") for k in range(min(label_cols, len(row)))]


def _row_fit(row: Row | None, label_cols: int, fit: Callable[[str], float], s: MergeSettings) -> float:
    """Labels that read as the form's count for a row, labels that do not count against it:
    filling an empty label column with a stray fragment must not look like an improvement."""
    if row is None:
        return 0.0
    labels = [t for t in _labels(row, label_cols) if t]
    return sum(fit(t) - s.neutral_fit for t in labels) if labels else -s.neutral_fit


class JoinedRow(list):
    """A data row whose label was joined from lines around it: its placement is a reading of
    the text positions, for the table's sums to confirm."""


def joined_rows(rows: Sequence[Row]) -> set[int]:
    return {i for i, r in enumerate(rows) if isinstance(r, JoinedRow)}


def _join(rows: Sequence[Row], label_cols: int) -> Row:
    """Rows stacked into one: label texts joined top to bottom, other cells from the data row."""
    base = next((r for r in rows if any(c is not None and k >= label_cols for k, c in enumerate(r))), rows[0])
    joined = len(rows) > 1 or any(isinstance(r, JoinedRow) for r in rows)  # placed by position: stays so
    out: Row = JoinedRow(base) if joined else list(base)
    for k in range(label_cols):
        parts = [r[k] for r in rows if k < len(r) and r[k] is not None and r[k].text.strip()]
        if not parts:
            out[k] = None
            continue
        first = parts[0]
        out[k] = replace(first, text="".join(p.text.strip() for p in parts), rowspan=1, colspan=1)
    return out
