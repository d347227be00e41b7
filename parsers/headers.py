"""Resolving headers: which table a row of labels heads, and which column each grid column is.

Column labels stack up over consecutive header rows, so merged multi-row headers resolve to
the most specific label above each grid column (法人或其他组织 → 商业企业); a label wrapped over
several header rows is matched joined up.  Pure functions of the context and the row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gknb import template as tpl

from .context import ColumnRef, Context, Header
from .labels import Match, best_match, key
from .layout import GridCell
from .matchsettings import MatchSettings
from .vocab import cell_text, vocab


def match_column(text: str, tid: str, s: MatchSettings) -> Match | None:
    return best_match(text, vocab().columns[tid], threshold=s.column)


def header_table(ctx: Context, texts: list[str], s: MatchSettings) -> str | None:
    """Which table a row of header labels belongs to (None: not a header row).

    The table in context keeps a header row unless another table's labels clearly win:
    a garbled export header ("维持 | 纠正 | 结果 …") must not switch tables on one word.
    """
    v = vocab()
    scores = {}
    for tid in v.columns:
        found = set()
        for text in texts:
            m = match_column(text, tid, s) or best_match(text, v.header_words[tid], threshold=s.header_word)
            if m:
                found.add(m.ident)
        scores[tid] = len(found)  # distinct labels: "其他 … 其他" is one piece of evidence
    best = max(scores.values())
    current = scores[ctx.table] if ctx.table else 0
    if ctx.table and (current == best or best < 2 or (current and ctx.header.open)):
        # (a header running over several rows keeps its table while a row still names it)
        # the table in context keeps the row; naming nothing, it is a (garbled) header only
        # when it has several cells — a lone label is a group or an all-blank row
        return ctx.table if scores[ctx.table] or len(texts) >= 2 else None
    if best == 0:
        return None
    return max(scores, key=lambda t: scores[t])


def names_data_row(texts: list[str], tid: str, s: MatchSettings) -> bool:
    """A row of labels only that is really a data row with every value blank."""
    if tpl.load().table(tid).printed_transposed:
        return False
    columns = sum(1 for t in texts if match_column(t, tid, s))
    return columns < 2 and any(best_match(t, vocab().rows[tid], threshold=s.header_names_row) for t in texts)


def read_header(ctx: Context, tid: str, row: Sequence[GridCell | None], s: MatchSettings) -> Header:
    """The header after one more header row of table ``tid``: labels stacked, columns resolved."""
    keep = ctx.header.open and tid == ctx.table
    stacks: dict[int, list[str]] = {col: list(texts) for col, texts in ctx.header.stacks} if keep else {}
    for col, cell in enumerate(row):
        text = cell_text(cell)
        if not text:
            continue
        stack = stacks.setdefault(col, [])
        if cell is not None and stack and stack[-1] == text and cell.rowspan > 1:
            continue  # a cell spanning header rows, met again
        stack.append(text)
    frozen = tuple((col, tuple(texts)) for col, texts in stacks.items())
    return Header(frozen, resolve_columns(frozen, tid, s), True)


def resolve_columns(stacks: tuple[tuple[int, tuple[str, ...]], ...], tid: str,
                    s: MatchSettings) -> tuple[tuple[int, ColumnRef], ...]:
    """grid column -> (row id or None, column label key) from the header stacks.

    A label wrapped over several header rows ("社会" / "公益" / "组织", as a table drawn
    without ruling prints it, one row per line) is matched joined up.
    """
    v = vocab()
    table = tpl.load().table(tid)
    out = []
    for col, stack in stacks:
        found = match_in_stack(stack, lambda text: match_column(text, tid, s), s.max_wrapped_header_rows,
                               s.header_depth)
        if found is None:
            continue
        colkey, above = found
        rowid = None
        if table.printed_transposed:
            m = match_in_stack(stack[:above], lambda text: best_match(text, v.rows[tid], threshold=s.transposed_row),
                               s.max_wrapped_header_rows, s.header_depth)
            rowid = m[0][1] if m else None  # type: ignore[index]
        out.append((col, (rowid, colkey)))
    return tuple(out)  # type: ignore[arg-type]


def match_in_stack(stack: Sequence[str], match: Callable[[str], Match | None],
                   max_rows: int, depth: int) -> tuple[object, int] | None:
    """(ident, index of its first text) of the lowest label in a header stack that ``match``
    accepts, alone or joined with the texts just above it (a label wrapped over rows); only the
    ``depth`` lowest texts are looked at."""
    for end in range(len(stack), max(len(stack) - depth, 0), -1):
        for start in range(end - 1, max(end - 1 - max_rows, -1), -1):
            m = match("".join(stack[start:end]))
            if m:
                return m.ident, start
    return None


def complete_transposed_header(ctx: Context) -> bool:
    """The header just read names every (group, column) of table 四 (printed turned)."""
    if not ctx.table or not tpl.load().table(ctx.table).printed_transposed:
        return False
    table = tpl.load().table(ctx.table)
    order = {(r.id, key(c.label)) for r in table.blocks[0].rows for c in table.blocks[0].columns}
    return {ident for ident in ctx.header.colmap.values() if ident[0]} == order
