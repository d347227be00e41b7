"""Table understanding as a pipeline: row events → classified rows → matched rows → readings.

Every source produces the same row events (:mod:`parsers.rowevents`: grid rows, paragraphs,
labels found in running text).  Each event is read by a small pure step under an immutable
:class:`parsers.context.Context` (table, block, group, header): a row is classified by what
its cells *say* — a block caption (第二十条第（一）项), a header row (:mod:`parsers.headers`),
a data row whose label names a template row (:mod:`parsers.rowmatch`) — and its figures
placed under the form's columns (:mod:`parsers.placing`); the step returns the next context
and a :class:`parsers.trace.Trace` of typed readings.  :func:`read` folds the events, collects
the readings (:class:`parsers.readings.Book`), places the unlabelled rows at the end, and reads
the running text when no table was found as a table (:mod:`parsers.stream`).  The digit runs
are split later, by the tables' sums (:mod:`parsers.understand`).  Every tunable is in
:class:`parsers.matchsettings.MatchSettings`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from gknb import template as tpl

from .context import Context, Header
from .headers import complete_transposed_header, header_table, names_data_row, read_header
from .labels import best_match, figure_text, key
from .layout import GridCell, Layout, Paragraph
from .matchsettings import MATCH, MatchSettings
from .placing import fill_gaps, read_unlabeled, row_values, text_row, value_cells
from .readings import Book, ColumnSeen, RowRead, Skipped, TableReadings, UnlabeledRead, Unmatched
from .rowevents import GridRow, GridSeen, RowEvent, TextLine, layout_events
from .rowmatch import match_row, match_text_label, row_label
from .sections import heading_key
from .stream import run_found, stream_events
from .trace import ReadAs, Trace
from .vocab import cell_text, is_number_like, row_of, vocab

FormatOf = Callable[[str], str]  # table id -> its format as the evidence read so far points to
# A row printed as a line of text: its label, then its figures ("行政许可 97", "规章 0 0 0").
_TEXT_ROW = re.compile(r"^(?P<label>.*?[^\d\s.,，+\-－])\s*"
                       r"(?P<values>[-+－]?\d[\d.,]*(?:万元|元)?(?:\s+[-+－]?\d[\d.,]*(?:万元|元)?)*)\s*$")


@dataclass(frozen=True)
class TablesRead:
    """Every table's readings, the grids skipped, and the trace of how each row was read."""

    tables: dict[str, TableReadings]
    skipped: tuple[str, ...]
    trace: tuple[Trace, ...]


def read(layout: Layout, settings: MatchSettings = MATCH) -> TablesRead:
    """Read a layout's tables: every row event through the steps, in document order."""
    book, ctx, trace = Book(), Context(), []
    for event in layout_events(layout, settings):
        ctx, t = step(ctx, event, book.format, layout.kind, settings)
        book.add(t.readings)
        trace.append(t)
    for tid, readings in book.tables.items():
        if any(isinstance(e, UnlabeledRead) for e in readings.sequence):
            placed = fill_gaps(tid, readings)
            book.add(placed)
            trace += [Trace(None, ReadAs.PLACED, tid, readings=(p,)) for p in placed]
    if not book.found_any():  # no table found as a table: perhaps printed as running text (crawler pages)
        ctx = Context()
        for found in stream_events([b for b in layout.blocks if isinstance(b, Paragraph)]):
            ctx, t = run_found(ctx, found, book.format)
            book.add(t.readings)
            trace.append(t)
    return TablesRead(book.tables, tuple(book.skipped), tuple(trace))


def step(ctx: Context, event: RowEvent, fmt: FormatOf, kind: str, s: MatchSettings) -> tuple[Context, Trace]:
    """One row event read under the context: the next context and what the event was read as."""
    if isinstance(event, GridSeen):
        return grid_seen(ctx, event)
    if isinstance(event, GridRow):
        return grid_row(ctx, event, fmt, kind, s)
    if isinstance(event, TextLine):
        return text_line(ctx, event, fmt, s)
    return run_found(ctx, event, fmt)


def grid_seen(ctx: Context, event: GridSeen) -> tuple[Context, Trace]:
    """A grid begins.  A header read over another grid holds here only if this grid has the
    same columns (an HTML table split in two); a part drawn with other columns (after a page
    break, with its label cells spanning otherwise) is read without it."""
    if event.skipped:
        return ctx, Trace(event, ReadAs.SKIPPED, readings=(Skipped(f"{event.n_rows}行×{event.n_cols}列"),))
    if event.n_cols != ctx.grid_cols:
        ctx = replace(ctx, header=Header())
    return replace(ctx, grid_cols=event.n_cols), Trace(event, ReadAs.GRID)


def grid_row(ctx: Context, event: GridRow, fmt: FormatOf, kind: str, s: MatchSettings) -> tuple[Context, Trace]:
    """One grid row classified — blank, caption, header or data — and read as such."""
    row = event.cells
    anchors: list[GridCell] = []
    for cell in row:
        if cell is not None and (not anchors or anchors[-1] is not cell):
            anchors.append(cell)
    texts = [cell_text(c) for c in anchors if cell_text(c)]
    if not texts:
        if ctx.header.open and complete_transposed_header(ctx):  # table 四 printed with every cell empty
            ctx = replace(ctx, header=ctx.header.closed())
            table = ctx.table
            ctx, readings = read_unlabeled(ctx, value_cells(row, frozenset()), kind, event.placed_by, blank_ok=True)
            return ctx, Trace(event, ReadAs.UNLABELED, table, readings=tuple(readings))
        return ctx, Trace(event, ReadAs.BLANK, ctx.table)
    v = vocab()
    if len(set(texts)) == 1 or all(key(t) == key(texts[0]) for t in texts):  # a block caption of table 二
        m = best_match(texts[0], v.captions, threshold=s.caption)
        if m:
            block = str(m.ident)
            ctx = replace(ctx, table=v.caption_table[block], block=block, header=Header())
            return ctx, Trace(event, ReadAs.CAPTION, ctx.table, block, (texts[0],), match=m)
    if not any(is_number_like(t) for t in texts):
        tid = header_table(ctx, texts, s)
        if tid is not None and not names_data_row(texts, tid, s):
            header = read_header(ctx, tid, row, s)
            named = tuple(sorted({ck for _, (_, ck) in header.columns}))
            return replace(ctx, table=tid, header=header), Trace(
                event, ReadAs.HEADER, tid, labels=tuple(texts), columns=named,
                readings=tuple(ColumnSeen(tid, ck, "".join(dict(header.stacks).get(col, ())))
                               for col, (_, ck) in header.columns))
    return data_row(replace(ctx, header=ctx.header.closed()), event, fmt, kind, s)


def data_row(ctx: Context, event: GridRow, fmt: FormatOf, kind: str, s: MatchSettings) -> tuple[Context, Trace]:
    """A data row: its label matched to a row of the form, its figures placed under its columns."""
    row = event.cells
    labels, label_cols = row_label(ctx, row)
    values = value_cells(row, label_cols)
    figures = " ".join(cell_text(c) for _, c in values)
    if not labels:
        table = ctx.table
        ctx, readings = read_unlabeled(ctx, values, kind, event.placed_by)
        return ctx, Trace(event, ReadAs.UNLABELED, table, figures=figures, readings=tuple(readings))
    found = match_row(ctx, labels, s)
    if found is None:
        counted = ctx.table is not None and any(is_number_like(cell_text(c)) for _, c in values)
        unmatched = (Unmatched(ctx.table, "／".join(labels)),) if counted and ctx.table else ()
        return ctx, Trace(event, ReadAs.UNMATCHED, ctx.table, labels=labels, figures=figures, readings=unmatched)
    tid = found.table
    if tid != ctx.table:
        ctx = replace(ctx, table=tid, block=None, header=Header())
    ctx = replace(ctx, hint=None)
    if found.match is None:  # a group heading row (（三）不予公开) without figures
        return replace(ctx, group=found.group), Trace(event, ReadAs.GROUP, tid, labels=labels, figures=figures,
                                                      group=found.group)
    block, rowid = row_of(found.match)
    form = tpl.load().table(tid)
    group = found.group if found.group is not None else next(
        (r.group for b in form.blocks for r in b.rows if r.id == rowid), None)
    ctx = replace(ctx, group=group, block=block if vocab().captioned(tid) else ctx.block)
    placed = row_values(ctx, tid, block, row, label_cols, fmt(tid), kind, event.placed_by)
    return ctx, Trace(event, ReadAs.DATA, tid, block, labels, figures, found.match,
                      readings=(RowRead(tid, block, rowid, placed, found.match),))


def text_line(ctx: Context, event: TextLine, fmt: FormatOf, s: MatchSettings) -> tuple[Context, Trace]:
    """A paragraph between table parts: a heading switches table, a caption switches block,
    "行政许可 97" is a row, and a lone label names the unlabelled row that follows."""
    text = event.text
    section = heading_key(text)
    if section is not None:
        table = tpl.load().section(section).table
        ctx = replace(ctx, table=table, block=None, group=None, hint=None, header=Header())
        return ctx, Trace(event, ReadAs.HEADING, table, labels=(text,))
    if len(text) > s.max_line_chars or len(key(text)) > s.max_line_key:
        return ctx, Trace(event, ReadAs.PROSE, ctx.table)  # running text, not a heading, caption or row
    v = vocab()
    caption = best_match(text, v.captions, threshold=s.caption)
    if caption is not None:
        captioned = str(caption.ident)
        ctx = replace(ctx, table=v.caption_table[captioned], block=captioned, hint=None,
                      header=Header(open=ctx.header.open))
        return ctx, Trace(event, ReadAs.CAPTION, ctx.table, captioned, (text,), match=caption)
    if not ctx.table:
        return ctx, Trace(event, ReadAs.PROSE)
    m = _TEXT_ROW.match(figure_text(text).strip())
    if m:
        named = match_text_label(ctx, m.group("label"), s)
        if named is not None:
            tid, block, rowid = named
            readings = text_row(tid, block, rowid, m.group("values").split(), event.where, fmt(tid))
            return ctx, Trace(event, ReadAs.LINE_ROW, tid, block, (m.group("label"),), m.group("values"),
                              readings=tuple(readings))
    hint = match_text_label(ctx, text, s)
    ctx = replace(ctx, hint=hint)
    if hint is None:
        return ctx, Trace(event, ReadAs.PROSE, ctx.table)
    return ctx, Trace(event, ReadAs.LINE_LABEL, hint[0], hint[1], (text,), row=hint[2])
