"""Table grids → the template's cells, by labels.

Every grid row is classified by what its cells *say*: a block caption (第二十条第（一）项),
a header row (labels of columns), or a data row whose label names a template row.  Column
labels stack up over consecutive header rows, so merged multi-row headers resolve to the
most specific label above each grid column (法人或其他组织 → 商业企业).  Rows are matched
by label (with the group a rowspan cell or a group row gives), never by position.

The result is a set of :class:`Reading` per table, keyed by (block, row, column), that
:mod:`parsers.understand` turns into report cells once the tables' formats are known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from gknb import template as tpl
from gknb.model import Where

from .labels import Candidate, best_match, key, numbering, simplify
from .layout import Grid, GridCell
from .values import read_cell

Slot = tuple[str | None, str, str]  # (block id, row id, column id)


@dataclass
class Raw:
    """What a grid printed for one template cell."""

    text: str
    where: Where
    missing: bool = False  # the source has no cell here (a short row in an export)


@dataclass
class TableReadings:
    slots: dict[Slot, Raw] = field(default_factory=dict)
    rows_seen: set[tuple[str | None, str]] = field(default_factory=set)
    format_votes: dict[str, int] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    def vote(self, fmt: str, n: int = 1) -> None:
        self.format_votes[fmt] = self.format_votes.get(fmt, 0) + n


# --------------------------------------------------------------------------- vocabulary

@dataclass(frozen=True)
class _Vocab:
    """Every label of every table, as match candidates."""

    captions: tuple[Candidate, ...]  # ident: block id
    columns: dict[str, tuple[Candidate, ...]]  # table -> ident: column label key
    column_formats: dict[tuple[str, str], frozenset[str]]  # (table, label key) -> formats having it
    header_words: dict[str, tuple[Candidate, ...]]  # table -> labels that appear only in headers
    rows: dict[str, tuple[Candidate, ...]]  # table -> ident: (block id, row id)
    row_formats: dict[tuple[str, str | None, str], frozenset[str]]
    groups: dict[str, tuple[Candidate, ...]]  # table -> ident: group id


@lru_cache(maxsize=1)
def vocab() -> _Vocab:
    t = tpl.load()
    captions, columns, header_words, rows, groups = [], {}, {}, {}, {}
    column_formats: dict = {}
    row_formats: dict = {}
    for tid, table in t.tables.items():
        cols, rws, seen_cols, seen_rows = [], [], set(), set()
        for fmt in tpl.TABLE_FORMATS:
            for block in table.layout(fmt).blocks:
                if block.caption and block.id not in {c.ident for c in captions}:
                    captions.append(Candidate.of(block.id, block.caption))
                for col in block.columns:
                    k = key(col.label)
                    column_formats.setdefault((tid, k), set()).add(fmt)
                    if k not in seen_cols:
                        seen_cols.add(k)
                        cols.append(Candidate.of(k, col.label))
                for row in block.rows:
                    row_formats.setdefault((tid, block.id, row.id), set()).add(fmt)
                    if (block.id, row.id) not in seen_rows:
                        seen_rows.add((block.id, row.id))
                        rws.append(Candidate.of((block.id, row.id), row.label))
        columns[tid] = tuple(cols)
        rows[tid] = tuple(rws)
        groups[tid] = tuple(Candidate.of(g.id, g.label) for g in table.groups)
        words = [x for x in (table.note, table.row_header, table.column_header) if x]
        words += [g.label for g in (*table.column_groups, *table.row_groups, *table.bands)]
        header_words[tid] = tuple(Candidate.of(w, w) for w in words)
    return _Vocab(tuple(captions), columns, {k: frozenset(v) for k, v in column_formats.items()},
                  header_words, rows, {k: frozenset(v) for k, v in row_formats.items()}, groups)


# --------------------------------------------------------------------------- grid helpers

def _dense(grid: Grid) -> list[list[GridCell | None]]:
    m: list[list[GridCell | None]] = [[None] * grid.n_cols for _ in range(grid.n_rows)]
    for c in grid.cells:
        for r in range(c.row, min(c.row + c.rowspan, grid.n_rows)):
            for k in range(c.col, min(c.col + c.colspan, grid.n_cols)):
                m[r][k] = c
    return m


def _text(c: GridCell | None) -> str:
    return (c.text or "").strip() if c is not None else ""


def _is_number_like(text: str) -> bool:
    """A figure ("22", "-3", "22（其中修订16件）"), not a numbered label ("1.属于国家秘密")."""
    s = simplify(text).strip()
    if not s or not (s[0].isdigit() or (s[0] in "+-－" and s[1:2].isdigit())):
        return False
    n, rest = numbering(s)
    return not (n is not None and len(key(rest)) >= 2)


# --------------------------------------------------------------------------- the reader

class GridReader:
    """Reads grids, in document order, into per-table readings."""

    def __init__(self, kind: str):
        self.kind = kind  # layout kind: exports ("text") mark empty fields as missing
        self.readings: dict[str, TableReadings] = {tid: TableReadings() for tid in tpl.load().tables}
        self.table: str | None = None  # current table context
        self.block: str | None = None  # current block (table 二)
        self.group: str | None = None  # current group (table 三)
        self.stacks: dict[int, list[str]] = {}  # grid column -> header labels above it
        self.colmap: dict[int, tuple] = {}  # grid column -> resolved header
        self.last_was_header = False

    # ---- header handling
    def _match_column(self, text: str, tid: str):
        return best_match(text, list(vocab().columns[tid]), threshold=0.8)

    def _header_table(self, texts: list[str]) -> str | None:
        """Which table a row of header labels belongs to (None: not a header row)."""
        v = vocab()
        scores = {}
        for tid in v.columns:
            n = 0
            for text in texts:
                if self._match_column(text, tid) or best_match(text, list(v.header_words[tid]), threshold=0.8):
                    n += 1
            scores[tid] = n
        best = max(scores.values())
        if best == 0:
            return None
        tops = [tid for tid, s in scores.items() if s == best]
        return self.table if self.table in tops else tops[0]

    def _resolve_columns(self, tid: str) -> dict[int, tuple]:
        """grid column -> (row id or None, column label key) from the header stacks."""
        v = vocab()
        table = tpl.load().table(tid)
        out = {}
        for col, stack in self.stacks.items():
            colkey = rowid = None
            for text in reversed(stack):
                if colkey is None:
                    m = self._match_column(text, tid)
                    if m:
                        colkey = m.ident
                        continue
                if table.printed_transposed and rowid is None:
                    m = best_match(text, list(v.rows[tid]), threshold=0.8)
                    if m:
                        rowid = m.ident[1]
            if colkey is not None:
                out[col] = (rowid, colkey)
        return out

    def _read_header(self, tid: str, row: list[GridCell | None]) -> None:
        if not self.last_was_header or tid != self.table:
            self.stacks = {}
        self.table = tid
        self.last_was_header = True
        seen = set()
        for col, cell in enumerate(row):
            text = _text(cell)
            if not text:
                continue
            stack = self.stacks.setdefault(col, [])
            if (id(cell), col) in seen or (stack and stack[-1] == text and cell.rowspan > 1):
                continue
            seen.add((id(cell), col))
            stack.append(text)
        self.colmap = self._resolve_columns(tid)
        for _, colkey in self.colmap.values():
            fmts = vocab().column_formats.get((tid, colkey), frozenset())
            if len(fmts) == 1:
                self.readings[tid].vote(next(iter(fmts)))

    # ---- rows
    def read(self, grid: Grid) -> None:
        dense = _dense(grid)
        for r, row in enumerate(dense):
            self._read_row(row, grid)

    def _read_row(self, row: list[GridCell | None], grid: Grid) -> None:
        anchors = []
        for cell in row:
            if cell is not None and (not anchors or anchors[-1] is not cell):
                anchors.append(cell)
        texts = [_text(c) for c in anchors if _text(c)]
        if not texts:
            return
        v = vocab()
        # a block caption of table 二
        if len(set(texts)) == 1 or all(key(t) == key(texts[0]) for t in texts):
            m = best_match(texts[0], list(v.captions), threshold=0.85)
            if m:
                self.table, self.block, self.last_was_header = "proactive", m.ident, False
                self.stacks, self.colmap = {}, {}
                return
        if not any(_is_number_like(t) for t in texts):
            tid = self._header_table(texts)
            if tid is not None and not self._names_data_row(texts, tid):
                self._read_header(tid, row)
                return
        self.last_was_header = False
        self._read_data_row(row)

    def _names_data_row(self, texts: list[str], tid: str) -> bool:
        """A row of labels only that is really a data row with every value blank."""
        if tpl.load().table(tid).printed_transposed:
            return False
        columns = sum(1 for t in texts if self._match_column(t, tid))
        return columns < 2 and any(best_match(t, list(vocab().rows[tid]), threshold=0.9) for t in texts)

    def _row_label(self, row: list[GridCell | None]) -> tuple[tuple[str, ...], set[int]]:
        """The label texts of a data row (left to right) and the grid columns they occupy."""
        labels, cols = [], set()
        for col, cell in enumerate(row):
            text = _text(cell)
            if not text or _is_number_like(text):
                continue
            if col in self.colmap and not self._looks_like_label(text):
                continue
            cols.add(col)
            if not labels or labels[-1] != text:
                labels.append(text)
        return tuple(labels), cols

    def _looks_like_label(self, text: str) -> bool:
        return len(key(text)) >= 2 and not _is_number_like(text)

    def _match_row(self, labels: tuple[str, ...]):
        """(table, block, row id) for a data row's labels, updating the group context."""
        v = vocab()
        tables = [self.table] if self.table else []
        tables += [t for t in v.rows if t not in tables]
        for tid in tables:
            group = None
            for text in labels:
                g = best_match(text, list(v.groups[tid]), threshold=0.8)
                if g and not best_match(text, list(v.rows[tid]), threshold=0.95):
                    group = g.ident
            target = labels[-1] if labels else ""
            cands = list(v.rows[tid])
            if self.block and tid == "proactive":
                in_block = [c for c in cands if c.ident[0] == self.block]
                m = best_match(target, in_block) or best_match(target, cands)
            else:
                m = self._match_grouped(target, cands, tid, group or (self.group if tid == self.table else None))
            if m:
                return tid, m, group
            if group is not None and tid == (self.table or tid):
                return tid, None, group
        return None, None, None

    def _match_grouped(self, text: str, cands: list[Candidate], tid: str, group: str | None):
        """Rows with a group: prefer the group in context when the label alone is ambiguous."""
        table = tpl.load().table(tid)
        row_group = {r.id: r.group for b in table.blocks for r in b.rows}
        m = best_match(text, cands)
        if m and (group is None or row_group.get(m.ident[1]) in (None, group) or m.exact):
            return m
        if group is not None:
            in_group = [c for c in cands if row_group.get(c.ident[1]) == group]
            return best_match(text, in_group, threshold=0.6) or m
        return m

    def _read_data_row(self, row: list[GridCell | None]) -> None:
        labels, label_cols = self._row_label(row)
        tid, m, group = self._match_row(labels)
        if tid is None:
            if labels and self.table:
                self.readings[self.table].unmatched.append("／".join(labels))
            elif not labels and self.table and tpl.load().table(self.table).printed_transposed:
                self._read_transposed(row)
            return
        if tid != self.table:
            self.table, self.block, self.stacks, self.colmap = tid, None, {}, {}
        if m is None:  # a group heading row (（三）不予公开) without figures
            self.group = group
            return
        block, rowid = m.ident
        table = tpl.load().table(tid)
        if table.printed_transposed:
            self._read_transposed(row)
            return
        self.group = group if group is not None else next(
            (r.group for b in table.blocks for r in b.rows if r.id == rowid), None)
        if tid == "proactive":
            self.block = block
        readings = self.readings[tid]
        readings.rows_seen.add((block, rowid))
        fmts = vocab().row_formats[(tid, block, rowid)]
        if len(fmts) == 1:
            readings.vote(next(iter(fmts)), 2)
        self._assign(tid, block, rowid, row, label_cols)

    def _assign(self, tid: str, block: str | None, rowid: str, row, label_cols: set[int]) -> None:
        readings = self.readings[tid]
        by_key: dict[str, list[int]] = {}
        for col, (_, colkey) in sorted(self.colmap.items()):
            by_key.setdefault(colkey, []).append(col)
        if not by_key:  # no header seen: read the values left to right, flagged
            self._assign_in_order(tid, block, rowid, row, label_cols)
            return
        for colkey, cols in by_key.items():
            cells = []
            for col in cols:
                cell = row[col]
                if col in label_cols or (cell is not None and cells and cells[-1] is cell):
                    continue
                cells.append(cell)
            slot = (block, rowid, colkey)
            if slot in readings.slots:
                readings.duplicates.append("/".join(x for x in slot if x))
            nonempty = [c for c in cells if _text(c)]
            if not cells or all(col in label_cols for col in cols):
                readings.slots[slot] = Raw("", Where(), missing=True)
            elif len(nonempty) > 1:
                readings.slots[slot] = Raw(" ".join(_text(c) for c in nonempty), nonempty[0].where, missing=False)
            else:
                c = nonempty[0] if nonempty else cells[0]
                missing = self.kind == "text" and not _text(c)
                readings.slots[slot] = Raw(_text(c), c.where if c is not None else Where(), missing)

    def _assign_in_order(self, tid, block, rowid, row, label_cols) -> None:
        table = tpl.load().table(tid)
        blk = next(b for b in table.blocks if b.id == block)
        cells, last = [], None
        for col, cell in enumerate(row):
            if col in label_cols or cell is None or cell is last:
                continue
            last = cell
            cells.append(cell)
        for col, cell in zip(blk.columns, cells):
            self.readings[tid].slots[(block, rowid, key(col.label))] = Raw(_text(cell), cell.where)

    def _read_transposed(self, row) -> None:
        """The single data row of table 四: values under (row group, column) headers."""
        tid = self.table
        readings = self.readings[tid]
        table = tpl.load().table(tid)
        mapped = {col: (rowid, colkey) for col, (rowid, colkey) in self.colmap.items() if rowid}
        values = []
        last = None
        for col, cell in enumerate(row):
            if cell is None or cell is last:
                continue
            last = cell
            values.append((col, cell))
        order = [(r.id, key(c.label)) for r in table.blocks[0].rows for c in table.blocks[0].columns]
        if len(mapped) == len(order) and set(mapped.values()) == set(order):
            for col, cell in values:
                if col in mapped:
                    rowid, colkey = mapped[col]
                    readings.slots[(None, rowid, colkey)] = Raw(_text(cell), cell.where)
                    readings.rows_seen.add((None, rowid))
        elif len(values) == len(order):  # headers garbled (an export): the printed order is the form's
            for (rowid, colkey), (_, cell) in zip(order, values):
                readings.slots[(None, rowid, colkey)] = Raw(_text(cell), cell.where)
                readings.rows_seen.add((None, rowid))
        else:
            readings.unmatched.append(" ".join(_text(c) for _, c in values))
