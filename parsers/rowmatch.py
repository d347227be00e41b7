"""Matching rows: which row of the form a printed row label names, by label, never by position.

The group a rowspan cell or a group row gives (table 三's （三）不予公开) and the block a caption
gives (table 二) narrow the candidates when a label alone is ambiguous.  Pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gknb import template as tpl

from .context import Context
from .labels import Candidate, Match, best_match, key
from .layout import GridCell
from .matchsettings import MatchSettings
from .vocab import cell_text, is_number_like, row_of, vocab


@dataclass(frozen=True)
class RowMatch:
    """What a data row's labels name: a row of ``table`` (``match``), or only a group."""

    table: str
    match: Match | None  # None: a group heading row without figures
    group: str | None


def row_label(ctx: Context, row: Sequence[GridCell | None]) -> tuple[tuple[str, ...], frozenset[int]]:
    """The label texts of a data row (left to right) and the grid columns they occupy."""
    labels: list[str] = []
    cols = set()
    colmap = ctx.header.colmap
    for col, cell in enumerate(row):
        text = cell_text(cell)
        if not text or is_number_like(text):
            continue
        if col in colmap and not (len(key(text)) >= 2 and not is_number_like(text)):
            continue  # a note under a figure column, not a label
        cols.add(col)
        if not labels or labels[-1] != text:
            labels.append(text)
    return tuple(labels), frozenset(cols)


def match_row(ctx: Context, labels: tuple[str, ...], s: MatchSettings) -> RowMatch | None:
    """The row (or group) a data row's labels name, trying the table in context first."""
    v = vocab()
    tables = [ctx.table] if ctx.table else []
    tables += [t for t in v.rows if t not in tables]
    for tid in tables:
        group: str | None = None
        for text in labels:
            g = best_match(text, v.groups[tid], threshold=s.group)
            if g and not best_match(text, v.rows[tid], threshold=s.group_not_row):
                group = str(g.ident)
        target = labels[-1] if labels else ""
        cands = v.rows[tid]
        if ctx.block and v.captioned(tid):
            in_block = [c for c in cands if row_of(c)[0] == ctx.block]
            m = best_match(target, in_block, threshold=s.row) or best_match(target, cands, threshold=s.row)
        else:
            m = match_grouped(target, cands, tid, group or (ctx.group if tid == ctx.table else None), s)
        if m:
            return RowMatch(tid, m, group)
        if group is not None and tid == (ctx.table or tid):
            return RowMatch(tid, None, group)
    return None


def match_grouped(text: str, cands: Sequence[Candidate], tid: str, group: str | None,
                  s: MatchSettings) -> Match | None:
    """Rows with a group: prefer the group in context when the label alone is ambiguous."""
    table = tpl.load().table(tid)
    row_group = {r.id: r.group for b in table.blocks for r in b.rows}
    m = best_match(text, cands, threshold=s.row)
    if m and (group is None or row_group.get(row_of(m)[1]) in (None, group) or m.exact):
        return m
    if group is not None:
        in_group = [c for c in cands if row_group.get(row_of(c)[1]) == group]
        return best_match(text, in_group, threshold=s.row_in_group) or m
    return m


def match_text_label(ctx: Context, text: str, s: MatchSettings) -> tuple[str, str | None, str] | None:
    """(table, block, row) a line of text names, trying the table in context first."""
    v = vocab()
    for tid in [ctx.table, *(t for t in v.rows if t != ctx.table)]:
        if tid is None:
            continue
        cands = list(v.rows[tid])
        if v.captioned(tid) and ctx.block:
            cands = [c for c in cands if row_of(c)[0] == ctx.block] or cands
        m = best_match(text, cands, threshold=s.text_row)
        if m:
            return (tid, *row_of(m))
    return None
