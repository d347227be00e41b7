"""Tables printed without ruling lines (三线表, rules between rows only, none at all).

pdfplumber finds a table by its lines; a table drawn without them is, to it, running text.
Here such a table is read from where its text stands, in small pure steps:

1. each text line is cut into *segments* where a gap wider than a character opens;
2. a *value* segment is a figure (or a dash printed for none); a line with a value segment
   and another segment is a *data line*;
3. a *region* is a run of lines from its header down to its last data line, crossing page
   breaks (page furniture is gone by then) but never a section heading or a paragraph;
4. value columns are the x-intervals where value segments of the region overlap (the
   whitespace between columns), label columns the left edges of the segments left of them;
5. every line becomes one grid row, its segments placed in those columns.

The grid is marked ``ruled=False``: rows are lines, so a label wrapped over two lines comes
as two rows.  Joining them needs the template's labels and happens in understanding
(:mod:`parsers.rowmerge`); nothing here knows what an annual report is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from gknb import template as tpl

from .layout import Grid, GridCell, Where


@dataclass(frozen=True)
class UnruledSettings:
    """Tunables of unruled-table reading, in character sizes where they are lengths."""

    segment_gap: float = 0.4  # a gap this wide (× the font size) separates two cells of a line
    digit_gap: float = 0.15  # ... and this wide between two digits (figures in narrow columns)
    column_gap: float = 0.12  # a label is cut at a label column's start only at a gap this wide
    # (word spaces in running text measure 0.2–0.3; cells of a tight table 0.45 and more)
    column_tol: float = 0.6  # label segments starting this close share a label column
    min_data_lines: int = 2  # a lone "label figure" line stays a paragraph (read as a text row)...
    min_row_values: int = 3  # ... unless it is a row of this many figures under a header (table 四)
    max_gap_lines: int = 6  # label-only or header lines allowed between two data lines
    max_header_lines: int = 8  # lines above the first data line that may be its header
    paragraph_width: float = 0.75  # a one-segment line this wide (× region width) is prose


SETTINGS = UnruledSettings()

_WORDS = tpl.load().vocabulary
_VALUE = re.compile(r"[+\-−]?\d[\d,]*(?:\.\d+)?(?:" + "|".join(map(re.escape, (*_WORDS.units, "%"))) + ")?|[-—–―/／]{1,3}|"
                    + "|".join(map(re.escape, _WORDS.none_words)))
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]+部分)")


@dataclass(frozen=True)
class Segment:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    chars: tuple[dict, ...] = field(default=(), repr=False, compare=False)


class LineLike(Protocol):
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    segments: tuple[Segment, ...]


def cut_segments(chars: Sequence[dict], text_of, settings: UnruledSettings = SETTINGS) -> tuple[Segment, ...]:
    """A line's characters (left to right) cut where a gap wider than ``segment_gap`` opens."""
    if not chars:
        return ()
    runs: list[list[dict]] = [[chars[0]]]
    for prev, ch in zip(chars, chars[1:]):
        size = max(min(prev["size"], ch["size"]), 1.0)
        # digits of one figure touch; figures in two narrow columns do not, however tight
        limit = settings.digit_gap if prev["text"][-1:].isdigit() and ch["text"][:1].isdigit() \
            else settings.segment_gap
        if ch["x0"] - prev["x1"] > limit * size:
            runs.append([ch])
        else:
            runs[-1].append(ch)
    return tuple(_segment(run, text_of) for run in runs)


def _segment(run: Sequence[dict], text_of) -> Segment:
    return Segment(min(c["x0"] for c in run), max(c["x1"] for c in run),
                   min(c["top"] for c in run), max(c["bottom"] for c in run), text_of(run), tuple(run))


def split_at(seg: Segment, xs: Sequence[float], text_of, settings: UnruledSettings = SETTINGS) -> list[Segment]:
    """A label segment cut where a column starts inside it at a visible gap ("其他处理 2.申请人…")."""
    cuts = [k for k in range(1, len(seg.chars))
            if seg.chars[k]["x0"] - seg.chars[k - 1]["x1"] >= settings.column_gap * max(seg.chars[k]["size"], 1.0)
            and any(abs(seg.chars[k]["x0"] - x) <= settings.column_tol * seg.chars[k]["size"] for x in xs)]
    if not cuts:
        return [seg]
    bounds = [0, *cuts, len(seg.chars)]
    return [_segment(seg.chars[a:b], text_of) for a, b in zip(bounds, bounds[1:])]


def is_value(text: str) -> bool:
    """A figure as tables print it ("81", "5,949.09", "12件", "—"), not a numbered label ("1.属于…")."""
    return bool(_VALUE.fullmatch(unicodedata.normalize("NFKC", text).replace(" ", "")))


def is_data_line(line: LineLike) -> bool:
    """Labels, then figures only: a number inside running text ("共计 81 件，…") is not a row."""
    kinds = [is_value(s.text) for s in line.segments]
    if True not in kinds:
        return False
    first = kinds.index(True)
    return all(kinds[first:]) and (len(kinds) >= 2)


def find_regions(lines: Sequence[LineLike], settings: UnruledSettings = SETTINGS) -> list[tuple[int, int]]:
    """(first, end) index ranges of ``lines`` that form unruled tables."""
    data = [i for i, ln in enumerate(lines) if is_data_line(ln)]
    regions: list[tuple[int, int]] = []
    i = 0
    while i < len(data):
        first = last = data[i]
        j = i + 1
        while j < len(data) and data[j] - last - 1 <= settings.max_gap_lines \
                and not any(_breaks(lines[k]) or _prose(lines[k], lines[last], settings)
                            or _new_header(lines[k], lines[first:last + 1]) for k in range(last + 1, data[j])):
            last = data[j]
            j += 1
        top = _header_start(lines, first, last, settings)
        if (j - i >= settings.min_data_lines and _columns_shared(lines[first:last + 1])) \
                or (j - i == 1 and _wide_row_under_header(lines[top:first + 1], settings)):
            regions.append((top, last + 1))
        i = j
    return regions


def _breaks(line: LineLike) -> bool:
    """A line no table runs through: a section heading standing alone."""
    return len(line.segments) == 1 and bool(_HEADING.match(line.segments[0].text.strip()))


def _new_header(line: LineLike, body: Sequence[LineLike]) -> bool:
    """Text over the figure columns between two data lines: the header of another table (or of
    another block, whose columns need not stand where these do)."""
    if is_data_line(line):
        return False
    first_value = min((s.x0 for ln in body if is_data_line(ln) for s in ln.segments if is_value(s.text)),
                      default=float("inf"))
    return any(s.x1 > first_value for s in line.segments)


def _prose(line: LineLike, data: LineLike, settings: UnruledSettings) -> bool:
    """A line of running text as wide as the table, without a cell's gaps: a paragraph's."""
    if is_data_line(line):
        return False
    width = max(data.segments[-1].x1 - data.segments[0].x0, 1.0)
    gaps = [b.x0 - a.x1 for a, b in zip(line.segments, line.segments[1:])]
    return line.x1 - line.x0 >= settings.paragraph_width * width and max(gaps, default=0.0) < 1.5 * line.size


def _wide_row_under_header(body: Sequence[LineLike], settings: UnruledSettings) -> bool:
    """A table of one row (table 四): several figures under header lines that stand over them."""
    row = body[-1]
    values = [s for s in row.segments if is_value(s.text)]
    if len(values) < settings.min_row_values:
        return False
    headers = [ln for ln in body[:-1] if len(ln.segments) >= 2]
    return any(sum(1 for h in ln.segments for v in values if h.x0 < v.x1 and h.x1 > v.x0) >= 2 for ln in headers)


def _columns_shared(body: Sequence[LineLike]) -> bool:
    """Figures that stand in columns: every value column holds figures of two data lines or more
    (numbers scattered through text do not line up)."""
    columns = value_columns(body)
    used = [0] * len(columns)
    for ln in body:
        if is_data_line(ln):
            for s in ln.segments:
                for i, (a, b) in enumerate(columns):
                    if is_value(s.text) and s.x0 < b and s.x1 > a:
                        used[i] += 1
    return bool(columns) and min(used) >= 2


def _header_start(lines: Sequence[LineLike], first: int, last: int, settings: UnruledSettings) -> int:
    """The first line of the header above data line ``first``: lines of several segments, or
    a lone segment standing in from the table's left edge (a header spanning columns).  A lone
    segment at the left edge (a caption, a heading, a paragraph's last line) ends the walk."""
    body = lines[first:last + 1]
    left = min(s.x0 for ln in body for s in ln.segments)
    right = max(s.x1 for ln in body for s in ln.segments)
    top = first
    for k in range(first - 1, max(first - 1 - settings.max_header_lines, -1), -1):
        ln = lines[k]
        if _breaks(ln):
            break
        if len(ln.segments) == 1:
            seg = ln.segments[0]
            wide = seg.x1 - seg.x0 >= settings.paragraph_width * max(right - left, 1.0)
            if wide or seg.x0 <= left + ln.size:
                break
        top = k
    return top


def value_columns(body: Sequence[LineLike]) -> list[tuple[float, float]]:
    """x-intervals of the value columns: where the value segments of data lines overlap."""
    spans = sorted((s.x0, s.x1) for ln in body if is_data_line(ln) for s in ln.segments if is_value(s.text))
    out: list[list[float]] = []
    for x0, x1 in spans:
        if out and x0 <= out[-1][1]:
            out[-1][1] = max(out[-1][1], x1)
        else:
            out.append([x0, x1])
    return [(a, b) for a, b in out]


def _cut_at(seg: Segment, x: float, text_of) -> list[Segment]:
    """A segment running from the labels into the figures ("2.其他法律行政法规0", printed too
    tight for a gap to show) cut where the first figure column starts."""
    if not (seg.x0 < x < seg.x1) or len(seg.chars) < 2:
        return [seg]
    k = next((i for i, c in enumerate(seg.chars) if (c["x0"] + c["x1"]) / 2 >= x), len(seg.chars))
    if k in (0, len(seg.chars)):
        return [seg]
    return [_segment(seg.chars[:k], text_of), _segment(seg.chars[k:], text_of)]


def _with_header_columns(values: list[tuple[float, float]], body: Sequence[LineLike],
                         first_value: float) -> list[tuple[float, float]]:
    """Value columns plus the columns only a header names (a column left blank in every row).

    A header stands over its figures however the cells align them (left, centred, right), so
    it names a column of its own only when it stands farther than half a column's pitch from
    every column of figures.  Header lines are taken bottom-up: the lowest labels (自然人,
    社会公益组织) make the columns, a label spanning several (法人或其他组织) covers them."""
    starts = [a for a, _ in values]
    pitches = sorted(b - a for a, b in zip(starts, starts[1:]))
    half = pitches[len(pitches) // 2] / 2 if pitches else float("inf")
    first_data = next((i for i, ln in enumerate(body) if is_data_line(ln)), len(body))
    out = list(values)
    for ln in reversed(body[:first_data]):
        for s in ln.segments:
            mid = (s.x0 + s.x1) / 2
            if s.x0 >= first_value and all(min(abs(mid - a), abs(mid - b)) > half and not (a <= mid <= b)
                                           for a, b in out):
                out.append((s.x0, s.x1))
    return sorted(out)


def label_columns(body: Sequence[LineLike], first_value: float, settings: UnruledSettings) -> list[float]:
    """Left edges of the label columns: where label segments left of the values start."""
    size = max((ln.size for ln in body), default=10.0)
    starts = sorted(s.x0 for ln in body if is_data_line(ln) for s in ln.segments
                    if s.x1 <= first_value and not is_value(s.text))
    out: list[float] = []
    for x in starts:
        if not out or x - out[-1] > settings.column_tol * size:
            out.append(x)
    return out or [min((s.x0 for ln in body for s in ln.segments), default=0.0)]


def build_grid(body: Sequence[LineLike], text_of, settings: UnruledSettings = SETTINGS) -> Grid:
    """One grid row per line, each segment in the column(s) its position gives."""
    values = value_columns(body)
    first_value = values[0][0] if values else float("inf")
    values = _with_header_columns(values, body, first_value)
    labels = label_columns(body, first_value, settings)
    n_cols = len(labels) + len(values)
    cells: list[GridCell] = []
    for r, ln in enumerate(body):
        taken: set[int] = set()
        pieces = [piece for seg in ln.segments for piece in _cut_at(seg, first_value, text_of)]
        for s in (piece for seg in pieces
                  for piece in (split_at(seg, labels[1:], text_of, settings) if seg.x1 <= first_value else [seg])):
            col, span = _place(s, labels, values, first_value)
            if col in taken:  # two segments in one column: its cell holds both, on two lines
                cell = next(c for c in cells if c.row == r and c.col <= col < c.col + c.colspan)
                cell.text += "\n" + s.text  # ("13" and "1" are not 131: the value reader flags it)
                continue
            taken.update(range(col, col + span))
            cells.append(GridCell(r, col, s.text, 1, span,
                                  Where(page=ln.page, box=(s.x0, s.top, s.x1, s.bottom))))
    first = body[0]
    box = (min(s.x0 for ln in body for s in ln.segments), first.top,
           max(s.x1 for ln in body for s in ln.segments), body[-1].bottom)
    return Grid(cells, len(body), n_cols, Where(page=first.page, box=box), ruled=False)


def _place(s: Segment, labels: list[float], values: list[tuple[float, float]],
           first_value: float) -> tuple[int, int]:
    """(column, colspan) of a segment: the label column it starts in, or the value columns it covers."""
    if s.x1 <= first_value or not values:
        col = max((i for i, x in enumerate(labels) if x <= s.x0 + 1.0), default=0)
        return col, 1
    base = len(labels)
    covered = [i for i, (a, b) in enumerate(values) if s.x0 < b and s.x1 > a]
    if covered:
        return base + covered[0], covered[-1] - covered[0] + 1
    # between columns: the one whose share of the line (cut midway between columns) holds its centre
    mid = (s.x0 + s.x1) / 2
    cuts = [(b + a2) / 2 for (_, b), (a2, _) in zip(values, values[1:])]
    return base + sum(1 for c in cuts if mid >= c), 1
