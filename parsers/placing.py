"""Placing values: a matched row's printed cells under the form's columns, and rows without labels.

A header that resolves every column places each figure under its own; without one (exports,
garbled headers, a table continued after a page break) figures go left to right, flagged
unless every column has its cell.  Rows printed without a label are placed at the end, by the
form's order between two labelled rows or by a label printed just above them.  Pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from gknb import template as tpl
from gknb.model import Where

from .context import Context
from .labels import key
from .layout import GridCell
from .readings import ABSENT_RAW, Placed, Raw, Reading, RowRead, RunRead, TableReadings, UnlabeledRead, Unmatched
from .vocab import RowRef, block_columns, cell_text, is_number_like, row_label_of

LOSSY_KINDS = frozenset({"text", "markdown"})  # exports: an empty field may be a lost one
SEVERAL_FIGURES = "本栏印有不止一个数字（“{}”），已连读为一个数，请核对"


def value_cells(row: Sequence[GridCell | None], label_cols: frozenset[int]) -> list[tuple[int, GridCell]]:
    """(grid column, cell) of each distinct non-label cell of a row, left to right."""
    out, last = [], None
    for col, cell in enumerate(row):
        if col in label_cols or cell is None or cell is last:
            continue
        last = cell
        out.append((col, cell))
    return out


def raw(cell: GridCell | None, kind: str, placed_by: str | None) -> Raw:
    if cell is None:
        return ABSENT_RAW
    text = cell_text(cell)
    # An export ("text") cannot tell a blank cell from a lost one: flag it.
    return Raw(text, cell.where, missing=kind in LOSSY_KINDS and not text, inferred=placed_by, doubt=cell.doubt)


def row_values(ctx: Context, tid: str, block: str | None, row: Sequence[GridCell | None],
               label_cols: frozenset[int], fmt: str, kind: str, placed_by: str | None) -> dict[str, Raw]:
    """column label key -> what the row printed under it."""
    columns = block_columns(tid, block, fmt)
    by_key: dict[str, list[int]] = {}
    for col, (_, colkey) in sorted(ctx.header.columns):
        by_key.setdefault(colkey, []).append(col)
    values = value_cells(row, label_cols)
    if not set(columns) <= set(by_key):
        # an empty cell left of the figures is a label column continued from above (the
        # band 三、本年度办理结果 on the next page), not a figure
        while len(values) > len(columns) and not cell_text(values[0][1]):
            values = values[1:]
        # no usable header over these columns (exports, garbled headers, a table continued
        # after a page break): left to right — certain only when every column has its cell
        out = {colkey: raw(cell, kind, placed_by) for colkey, (_, cell) in zip(columns, values)}
        if len(values) != len(columns):
            why = f"此行有{len(values)}个数、表头有{len(columns)}栏，无法确定各数所属栏目，按从左到右推定"
            out = {k: replace(r, inferred=r.inferred or why) for k, r in out.items()}
        return {colkey: out.get(colkey, ABSENT_RAW) for colkey in columns}
    under: dict[str, list[GridCell]] = {}
    for colkey in columns:
        cells: list[GridCell] = []
        for col in by_key[colkey]:
            cell = row[col] if col < len(row) else None
            if col in label_cols or cell is None or (cells and cells[-1] is cell):
                continue
            cells.append(cell)
        under[colkey] = cells
    placed = {}
    for colkey, cells in under.items():
        nonempty = [c for c in cells if cell_text(c)]
        if len(nonempty) > 1:
            nonempty = _own_cells(colkey, nonempty, under)
        if not cells:
            placed[colkey] = ABSENT_RAW
        elif len(nonempty) > 1:  # two figures under one header: kept whole, the value reader flags it
            placed[colkey] = Raw(" ".join(cell_text(c) for c in nonempty), nonempty[0].where,
                                 doubt=next((c.doubt for c in nonempty if c.doubt), None))
        else:
            placed[colkey] = raw(nonempty[0] if nonempty else cells[0], kind, placed_by)
    return placed


def values_from_tokens(tid: str, block: str | None, rowid: str, tokens: Sequence[str], where: Where,
                       fmt: str) -> tuple[dict[str, Raw], RunRead | None]:
    """Figures printed as text: one per column, or one run of digits for several columns
    (or spaces a crawler put in the wrong places), split later."""
    columns = block_columns(tid, block, fmt)
    if len(tokens) != len(columns) and len(columns) > 1:
        return {}, RunRead(tid, ((block, rowid),), "".join(tokens), where)
    if len(tokens) > len(columns):  # one column, several figures: "2 293" (a space for a comma?)
        printed = " ".join(tokens)
        return {columns[0]: Raw(printed, where, doubt=SEVERAL_FIGURES.format(printed))}, None
    out = {c: Raw(t, where) for c, t in zip(columns, tokens)}
    return {c: out.get(c, Raw("", where, missing=True)) for c in columns}, None


def _own_cells(colkey: str, nonempty: list[GridCell], under: dict[str, list[GridCell]]) -> list[GridCell]:
    """Of the figures under one header, the one that lies under no other, when every other is
    the one figure of a neighbouring column: a body cell spanning across a header's edge
    (上一年项目数量 | 本年增/减 over two columns, the row's figures spanned 2 | 1)."""
    own = [c for c in nonempty if not any(c in cells for k, cells in under.items() if k != colkey)]
    borrowed = [c for c in nonempty if c not in own]
    if len(own) == 1 and all(
            any(k != colkey and [x for x in cells if cell_text(x)] == [c] for k, cells in under.items())
            for c in borrowed):
        return own
    return nonempty


def text_row(tid: str, block: str | None, rowid: str, tokens: Sequence[str], where: Where,
             fmt: str, unsure: str | None = None) -> list[Reading]:
    """A row printed as text: its figures, or its run of digits (the run first); ``unsure``
    says why its figures are doubtful (digits left unread after them)."""
    values, run = values_from_tokens(tid, block, rowid, tokens, where, fmt)
    if unsure:
        values = {k: replace(r, inferred=unsure) for k, r in values.items()}
        run = replace(run, unsure=unsure) if run else None
    return [*([run] if run else []), RowRead(tid, block, rowid, values)]


def read_unlabeled(ctx: Context, values: list[tuple[int, GridCell]], kind: str, placed_by: str | None,
                   blank_ok: bool = False) -> tuple[Context, list[Reading]]:
    """Figures without a row label: table 四's single row, or a row an export lost the label of."""
    tid = ctx.table
    if tid is None or not (blank_ok or any(is_number_like(cell_text(c)) for _, c in values)):
        return ctx, []
    table = tpl.load().table(tid)
    if table.printed_transposed:
        mapped = {col: ident for col, ident in ctx.header.columns if ident[0]}
        order = [(r.id, key(c.label)) for r in table.blocks[0].rows for c in table.blocks[0].columns]
        if len(values) == len(order):
            if len(mapped) == len(order) and set(mapped.values()) == set(order):
                pairs = [(mapped[col], cell) for col, cell in values if col in mapped]
            else:  # headers garbled (an export): the printed order is the form's
                pairs = list(zip(order, (cell for _, cell in values)))
            rows = dict.fromkeys(r for (r, _), _ in pairs)
            return ctx, [RowRead(tid, None, rowid, {ck: raw(c, kind, placed_by) for (r, ck), c in pairs if r == rowid})
                         for rowid in rows if rowid is not None]
    hint = ctx.hinted(tid)
    return replace(ctx, hint=None), [UnlabeledRead(tid, tuple(raw(c, kind, placed_by) for _, c in values), hint)]


def fill_gaps(tid: str, readings: TableReadings) -> list[Reading]:
    """Unlabelled rows between two labelled ones take the form's rows missing between them,
    when their numbers agree; otherwise a label printed just above them, if any."""
    fmt = readings.format()
    layout = tpl.load().table(tid).layout(fmt)
    order = [(b.id, r.id) for b in layout.blocks for r in b.rows]
    index = {slot: i for i, slot in enumerate(order)}
    seen = set(readings.rows_seen)
    out: list[Reading] = []
    last, pending = -1, []
    for entry in [*readings.sequence, None]:
        if isinstance(entry, UnlabeledRead):
            pending.append(entry)
            continue
        i = len(order) if entry is None else index.get(entry)
        if i is None:
            continue
        if pending:
            gap = [order[j] for j in range(last + 1, i) if order[j] not in seen]
            placed: list[tuple[RowRef, UnlabeledRead]]
            if len(gap) == len(pending):
                placed = list(zip(gap, pending))
                how = "按表中位置推定"
            else:
                placed = [(u.hint, u) for u in pending if u.hint and u.hint not in seen]
                how = "按表格上方的行标签推定"
                out += [Unmatched(tid, " ".join(r.text for r in u.values)) for u in pending
                        if not u.hint or u.hint in seen]
            for (block, rowid), u in placed:
                label = row_label_of(tid, block, rowid)
                values = {}
                for n, colkey in enumerate(block_columns(tid, block, fmt)):
                    r = u.values[n] if n < len(u.values) else ABSENT_RAW
                    values[colkey] = Raw(r.text, r.where, r.missing, f"原文此行没有行标签，{how}为“{label}”")
                out.append(Placed(tid, block, rowid, values, how))
                seen.add((block, rowid))
            pending = []
        last = max(last, i)
    return out
