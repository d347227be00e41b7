"""Table grids → the template's cells, by labels.

Every grid row is classified by what its cells *say*: a block caption (第二十条第（一）项),
a header row (labels of columns), or a data row whose label names a template row.  Column
labels stack up over consecutive header rows, so merged multi-row headers resolve to the
most specific label above each grid column (法人或其他组织 → 商业企业).  Rows are matched
by label (with the group a rowspan cell or a group row gives), never by position.

The result is a :class:`TableReadings` per table — what was printed for each (block, row,
column), rows without labels, digit runs — that :mod:`parsers.understand` turns into report
cells once the tables' formats are known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from gknb import template as tpl
from gknb.model import Where

from .labels import Candidate, bare_key, best_match, key, numbering, similarity, simplify
from .layout import Grid, GridCell
from .rowmerge import FIT_NEUTRAL as NEUTRAL_FIT
from .rowmerge import joined_rows, merge_wrapped_rows
from .sections import heading_key

Slot = tuple[str | None, str, str]  # (block id, row id, column id)
# A row printed as a line of text: its label, then its figures ("行政许可 97", "规章 0 0 0").
_TEXT_ROW = re.compile(r"^(?P<label>.*?[^\d\s.,，+\-－])\s*"
                       r"(?P<values>[-+－]?\d[\d.,]*(?:万元|元)?(?:\s+[-+－]?\d[\d.,]*(?:万元|元)?)*)\s*$")


@dataclass
class Raw:
    """What a grid printed for one template cell."""

    text: str
    where: Where
    missing: bool = False  # the source has no cell here (a short row in an export)
    inferred: str | None = None  # why the row was placed without its own label (Chinese)
    doubt: str | None = None  # why the reader is unsure of the text itself (a scan), Chinese


@dataclass(frozen=True)
class Event:
    """One step of reading the tables, for ``gknb parse --explain``: what a row printed and
    what the reader made of it.  ``kind``, ``text`` and ``result`` are Chinese."""

    kind: str
    where: Where
    text: str
    result: str


def table_name(tid: str | None) -> str:
    """"表三" for the table of section 三."""
    return f"表{tpl.load().table(tid).section}" if tid else "（未定）"


@dataclass
class Unlabeled:
    """A row of figures printed without a label (an export that lost it)."""

    values: list[Raw]
    hint: tuple[str | None, str] | None = None  # (block, row) a label just above it named


@dataclass
class TableReadings:
    slots: dict[Slot, Raw] = field(default_factory=dict)
    rows_seen: set[tuple[str | None, str]] = field(default_factory=set)
    format_votes: dict[str, int] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    # rows in printed order: (block, row) for a labelled row, Unlabeled for one without
    sequence: list = field(default_factory=list)
    runs: list = field(default_factory=list)  # ([(block, row)…], text, where): figures run together

    def vote(self, fmt: str, n: int = 1) -> None:
        self.format_votes[fmt] = self.format_votes.get(fmt, 0) + n

    def vote_column(self, table: str, colkey: str) -> None:
        """A column label found only in one format's form is evidence for that format."""
        fmts = vocab().column_formats.get((table, colkey), frozenset())
        if len(fmts) == 1:
            self.vote(next(iter(fmts)))

    def format(self, default: str = "2021") -> str:
        """The layout the evidence points to: labels found only in one format's form."""
        if not self.format_votes:
            return default
        return max(self.format_votes, key=lambda f: (self.format_votes[f], f == default))


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
                    if (block.id, row.id, row.label) not in seen_rows:  # 规范性文件 / 行政规范性文件
                        seen_rows.add((block.id, row.id, row.label))
                        rws.append(Candidate.of((block.id, row.id), row.label))
        columns[tid] = tuple(cols)
        rows[tid] = tuple(rws)
        groups[tid] = tuple(Candidate.of(g.id, g.label) for g in table.groups)
        words = [x for x in (table.note, table.row_header, table.column_header) if x]
        words += [g.label for g in (*table.column_groups, *table.row_groups, *table.bands)]
        if table.printed_transposed:  # its rows are printed as header labels (行政复议, 复议后起诉)
            words += [r.label for b in table.blocks for r in b.rows]
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
        self.hint: tuple | None = None  # (table, block, row) a paragraph just named
        self.skipped: list[str] = []  # grids too large to be a table of the form
        self.placed_by: str | None = None  # why the row being read is placed by inference
        self.header_cols: int | None = None  # columns of the grid the header was read in
        self.events: list[Event] = []  # what each row was read as (gknb parse --explain)

    def log(self, kind: str, row_or_where, text: str, result: str) -> None:
        where = row_or_where if isinstance(row_or_where, Where) else next(
            (c.where for c in row_or_where if c is not None), Where())
        self.events.append(Event(kind, where, text, result))

    # ---- header handling
    def _match_column(self, text: str, tid: str):
        return best_match(text, list(vocab().columns[tid]), threshold=0.8)

    def _header_table(self, texts: list[str]) -> str | None:
        """Which table a row of header labels belongs to (None: not a header row).

        The table in context keeps a header row unless another table's labels clearly win:
        a garbled export header ("维持 | 纠正 | 结果 …") must not switch tables on one word.
        """
        v = vocab()
        scores = {}
        for tid in v.columns:
            found = set()
            for text in texts:
                m = self._match_column(text, tid) or best_match(text, list(v.header_words[tid]), threshold=0.8)
                if m:
                    found.add(m.ident)
            scores[tid] = len(found)  # distinct labels: "其他 … 其他" is one piece of evidence
        best = max(scores.values())
        current = scores[self.table] if self.table else 0
        if self.table and (current == best or best < 2 or (current and self.last_was_header)):
            # (a header running over several rows keeps its table while a row still names it)
            # the table in context keeps the row; naming nothing, it is a (garbled) header only
            # when it has several cells — a lone label is a group or an all-blank row
            return self.table if scores[self.table] or len(texts) >= 2 else None
        if best == 0:
            return None
        return max(scores, key=lambda t: scores[t])

    def _resolve_columns(self, tid: str) -> dict[int, tuple]:
        """grid column -> (row id or None, column label key) from the header stacks.

        A label wrapped over several header rows ("社会" / "公益" / "组织", as a table drawn
        without ruling prints it, one row per line) is matched joined up.
        """
        v = vocab()
        table = tpl.load().table(tid)
        out = {}
        for col, stack in self.stacks.items():
            found = _match_in_stack(stack, lambda text: self._match_column(text, tid))
            if found is None:
                continue
            colkey, above = found
            rowid = None
            if table.printed_transposed:
                m = _match_in_stack(stack[:above], lambda text: best_match(text, list(v.rows[tid]), threshold=0.8))
                rowid = m[0][1] if m else None
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
            self.readings[tid].vote_column(tid, colkey)

    # ---- rows
    def read(self, grid: Grid) -> None:
        if grid.n_rows > MAX_GRID_ROWS or grid.n_cols > MAX_GRID_COLS:
            self.skipped.append(f"{grid.n_rows}行×{grid.n_cols}列")
            self.log("跳过表格", grid.where, f"{grid.n_rows}行×{grid.n_cols}列", "远大于年报的任何一张表")
            return  # far larger than any table of the form: not one of them
        self.log("表格", grid.where, f"{grid.n_rows}行×{grid.n_cols}列",
                  "按单元格读取" if grid.ruled else "无框线：按文字位置读取，每行文字一行")
        # A header read over another grid holds here only if this grid has the same columns
        # (an HTML table split in two); a part drawn with other columns (after a page break,
        # with its label cells spanning otherwise) is read without it.
        if grid.n_cols != self.header_cols:
            self.stacks, self.colmap, self.last_was_header = {}, {}, False
        self.header_cols = grid.n_cols
        rows = _dense(grid)
        joined: set[int] = set()
        if not grid.ruled:  # one row per printed line: wrapped labels joined to their figures first
            rows = merge_wrapped_rows(rows, _label_columns(rows), _is_number_like, _label_fit)
            joined = joined_rows(rows)
            if joined:
                self.log("拼合", grid.where, f"{len(joined)}行", "跨行的标签已与其数字拼成一行（按位置推定，须经表内合计核实）")
        for i, row in enumerate(rows):
            self.placed_by = PLACED_BY_POSITION if i in joined else None
            self._read_row(row)
        self.placed_by = None

    def _read_row(self, row: list[GridCell | None]) -> None:
        anchors = []
        for cell in row:
            if cell is not None and (not anchors or anchors[-1] is not cell):
                anchors.append(cell)
        texts = [_text(c) for c in anchors if _text(c)]
        if not texts:
            if self.last_was_header and self._complete_transposed_header():
                self.last_was_header = False
                self._read_unlabeled(self._value_cells(row, set()), blank_ok=True)  # table 四 left empty
            return
        v = vocab()
        # a block caption of table 二
        if len(set(texts)) == 1 or all(key(t) == key(texts[0]) for t in texts):
            m = best_match(texts[0], list(v.captions), threshold=0.85)
            if m:
                self.log("栏目", row, texts[0], f"表二 {m.ident}")
                self.table, self.block, self.last_was_header = "proactive", m.ident, False
                self.stacks, self.colmap = {}, {}
                return
        if not any(_is_number_like(t) for t in texts):
            tid = self._header_table(texts)
            if tid is not None and not self._names_data_row(texts, tid):
                self._read_header(tid, row)
                named = sorted({ck for _, ck in self.colmap.values()})
                self.log("表头", row, " | ".join(texts),
                          f"{table_name(tid)}；已识别的栏目：{'、'.join(named) if named else '无'}")
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
        figures = " ".join(_text(c) for _, c in self._value_cells(row, label_cols))
        if not labels:
            self.log("无标签行", row, figures, f"{table_name(self.table)}：按表中位置或上方标签推定")
            self._read_unlabeled(self._value_cells(row, label_cols))
            return
        tid, m, group = self._match_row(labels)
        if tid is None:
            if self.table and any(_is_number_like(_text(c)) for _, c in self._value_cells(row, label_cols)):
                self.readings[self.table].unmatched.append("／".join(labels))
            self.log("未对应", row, "／".join(labels) + (f"  {figures}" if figures else ""), "与模板的任何一行都对不上")
            return
        if tid != self.table:
            self.table, self.block, self.stacks, self.colmap = tid, None, {}, {}
        self.hint = None
        if m is None:  # a group heading row (（三）不予公开) without figures
            self.group = group
            self.log("分组", row, "／".join(labels), f"{table_name(tid)} 分组 {group}")
            return
        block, rowid = m.ident
        how = "标签相同" if m.exact else f"相似度 {m.score:.2f}"
        self.log("数据行", row, "／".join(labels) + (f"  {figures}" if figures else ""),
                  f"{table_name(tid)} {row_label_of(tid, block, rowid)}（{how}）")
        table = tpl.load().table(tid)
        self.group = group if group is not None else next(
            (r.group for b in table.blocks for r in b.rows if r.id == rowid), None)
        if tid == "proactive":
            self.block = block
        self.put_row(tid, block, rowid, self._row_values(tid, block, row, label_cols))

    def _value_cells(self, row, label_cols: set[int]) -> list[tuple[int, GridCell]]:
        """(grid column, cell) of each distinct non-label cell of a row, left to right."""
        out, last = [], None
        for col, cell in enumerate(row):
            if col in label_cols or cell is None or cell is last:
                continue
            last = cell
            out.append((col, cell))
        return out

    def _raw(self, cell: GridCell | None) -> Raw:
        if cell is None:
            return Raw("", Where(), missing=True)
        text = _text(cell)
        # An export ("text") cannot tell a blank cell from a lost one: flag it.
        return Raw(text, cell.where, missing=self.kind in LOSSY_KINDS and not text, inferred=self.placed_by,
                   doubt=cell.doubt)

    def _row_values(self, tid: str, block: str | None, row, label_cols: set[int]) -> dict[str, Raw]:
        """column label key -> what the row printed under it."""
        columns = [key(c.label) for c in _block_columns(tid, block, self.readings[tid].format())]
        by_key: dict[str, list[int]] = {}
        for col, (_, colkey) in sorted(self.colmap.items()):
            by_key.setdefault(colkey, []).append(col)
        values = self._value_cells(row, label_cols)
        if not set(columns) <= set(by_key):
            # an empty cell left of the figures is a label column continued from above (the
            # band 三、本年度办理结果 on the next page), not a figure
            while len(values) > len(columns) and not _text(values[0][1]):
                values = values[1:]
            # no usable header over these columns (exports, garbled headers, a table continued
            # after a page break): left to right — certain only when every column has its cell
            out = {colkey: self._raw(cell) for colkey, (_, cell) in zip(columns, values)}
            if len(values) != len(columns):
                why = f"此行有{len(values)}个数、表头有{len(columns)}栏，无法确定各数所属栏目，按从左到右推定"
                out = {k: replace(r, inferred=r.inferred or why) for k, r in out.items()}
            return {colkey: out.get(colkey, Raw("", Where(), missing=True)) for colkey in columns}
        out = {}
        for colkey in columns:
            cells = []
            for col in by_key[colkey]:
                cell = row[col] if col < len(row) else None
                if col in label_cols or cell is None or (cells and cells[-1] is cell):
                    continue
                cells.append(cell)
            nonempty = [c for c in cells if _text(c)]
            if not cells:
                out[colkey] = Raw("", Where(), missing=True)
            elif len(nonempty) > 1:  # two figures under one header: kept whole, the value reader flags it
                out[colkey] = Raw(" ".join(_text(c) for c in nonempty), nonempty[0].where,
                                  doubt=next((c.doubt for c in nonempty if c.doubt), None))
            else:
                out[colkey] = self._raw(nonempty[0] if nonempty else cells[0])
        return out

    def put_row(self, tid: str, block: str | None, rowid: str, values: dict[str, Raw]) -> None:
        """Record a matched row's figures (column label key -> Raw)."""
        readings = self.readings[tid]
        if (block, rowid) in readings.rows_seen:
            readings.duplicates.append("/".join(x for x in (block, rowid) if x))
        readings.rows_seen.add((block, rowid))
        readings.sequence.append((block, rowid))
        fmts = vocab().row_formats[(tid, block, rowid)]
        if len(fmts) == 1:
            readings.vote(next(iter(fmts)), 2)
        for colkey, raw in values.items():
            readings.slots[(block, rowid, colkey)] = raw

    def put_run(self, tid: str, rows: list[tuple[str | None, str]], text: str, where: Where) -> None:
        """Rows whose figures ran together into one run of digits (split once all rows are read)."""
        readings = self.readings[tid]
        for block, rowid in rows:
            self.put_row(tid, block, rowid, {})
        readings.runs.append((rows, text, where))

    def _complete_transposed_header(self) -> bool:
        """The header just read names every (group, column) of table 四."""
        if not self.table or not tpl.load().table(self.table).printed_transposed:
            return False
        table = tpl.load().table(self.table)
        order = {(r.id, key(c.label)) for r in table.blocks[0].rows for c in table.blocks[0].columns}
        return {ident for ident in self.colmap.values() if ident[0]} == order

    def _read_unlabeled(self, values: list[tuple[int, GridCell]], blank_ok: bool = False) -> None:
        """Figures without a row label: table 四's single row, or a row an export lost the label of."""
        tid = self.table
        if tid is None or not (blank_ok or any(_is_number_like(_text(c)) for _, c in values)):
            return
        readings = self.readings[tid]
        table = tpl.load().table(tid)
        if table.printed_transposed:
            mapped = {col: ident for col, ident in self.colmap.items() if ident[0]}
            order = [(r.id, key(c.label)) for r in table.blocks[0].rows for c in table.blocks[0].columns]
            if len(values) == len(order):
                if len(mapped) == len(order) and set(mapped.values()) == set(order):
                    pairs = [(mapped[col], cell) for col, cell in values if col in mapped]
                else:  # headers garbled (an export): the printed order is the form's
                    pairs = list(zip(order, (cell for _, cell in values)))
                for rowid in dict.fromkeys(r for (r, _), _ in pairs):
                    self.put_row(tid, None, rowid, {ck: self._raw(c) for (r, ck), c in pairs if r == rowid})
                return
        hint = self.hint if self.hint and self.hint[0] == tid else None
        self.hint = None
        readings.sequence.append(Unlabeled([self._raw(c) for _, c in values], hint[1:] if hint else None))

    # ---- paragraphs between grids (headings of split tables, rows printed as text lines)
    def note(self, text: str, where: Where | None = None) -> None:
        """A paragraph between table parts: a heading switches table, a caption switches block,
        "行政许可 97" is a row, and a lone label names the unlabelled row that follows."""
        section = heading_key(text)
        if section is not None:
            self.table = tpl.load().section(section).table
            self.block = self.group = self.hint = None
            self.stacks, self.colmap, self.last_was_header = {}, {}, False
            return
        if len(text) > MAX_NOTE_CHARS or len(key(text)) > 60:
            return  # running text, not a heading, caption or row printed as a line
        v = vocab()
        caption = best_match(text, list(v.captions), threshold=0.85)
        if caption is not None:
            self.table, self.block, self.hint = "proactive", caption.ident, None
            self.stacks, self.colmap = {}, {}
            return
        if not self.table:
            return
        m = _TEXT_ROW.match(simplify(text).strip())
        if m:
            row = self._match_text_label(m.group("label"))
            if row is not None:
                tid, block, rowid = row
                self.log("文字行", where or Where(), text, f"{table_name(tid)} {row_label_of(tid, block, rowid)}")
                self.put_row(tid, block, rowid, self.values_from_tokens(
                    tid, block, rowid, m.group("values").split(), where or Where()))
                return
        self.hint = self._match_text_label(text)

    def _match_text_label(self, text: str):
        v = vocab()
        for tid in [self.table, *(t for t in v.rows if t != self.table)]:
            cands = list(v.rows[tid])
            if tid == "proactive" and self.block:
                cands = [c for c in cands if c.ident[0] == self.block] or cands
            m = best_match(text, cands, threshold=0.85)
            if m:
                return (tid, *m.ident)
        return None

    def values_from_tokens(self, tid: str, block: str | None, rowid: str, tokens: list[str],
                           where: Where) -> dict[str, Raw]:
        """Figures printed as text: one per column, or one run of digits for several columns."""
        columns = [key(c.label) for c in _block_columns(tid, block, self.readings[tid].format())]
        if len(tokens) != len(columns) and len(columns) > 1:
            # one run of digits (or spaces a crawler put in the wrong places): split later
            self.readings[tid].runs.append(([(block, rowid)], "".join(tokens), where))
            return {}
        out = {c: Raw(t, where) for c, t in zip(columns, tokens)}
        return {c: out.get(c, Raw("", where, missing=True)) for c in columns}

    # ---- the end: rows placed by the order of the form
    def finish(self) -> None:
        for tid, readings in self.readings.items():
            if any(isinstance(e, Unlabeled) for e in readings.sequence):
                self._fill_gaps(tid, readings)

    def _fill_gaps(self, tid: str, readings: TableReadings) -> None:
        """Unlabelled rows between two labelled ones take the form's rows missing between them,
        when their numbers agree; otherwise a label printed just above them, if any."""
        layout = tpl.load().table(tid).layout(readings.format())
        order = [(b.id, r.id) for b in layout.blocks for r in b.rows]
        index = {slot: i for i, slot in enumerate(order)}
        last, pending = -1, []
        for entry in [*readings.sequence, None]:
            if isinstance(entry, Unlabeled):
                pending.append(entry)
                continue
            i = len(order) if entry is None else index.get(entry)
            if i is None:
                continue
            if pending:
                gap = [order[j] for j in range(last + 1, i) if order[j] not in readings.rows_seen]
                if len(gap) == len(pending):
                    placed = list(zip(gap, pending))
                    how = "按表中位置推定"
                else:
                    placed = [(u.hint, u) for u in pending if u.hint and u.hint not in readings.rows_seen]
                    how = "按表格上方的行标签推定"
                    for u in pending:
                        if not u.hint or u.hint in readings.rows_seen:
                            readings.unmatched.append(" ".join(r.text for r in u.values))
                for (block, rowid), u in placed:
                    columns = [key(c.label) for c in _block_columns(tid, block, readings.format())]
                    label = row_label_of(tid, block, rowid)
                    for n, colkey in enumerate(columns):
                        raw = u.values[n] if n < len(u.values) else Raw("", Where(), missing=True)
                        readings.slots[(block, rowid, colkey)] = Raw(
                            raw.text, raw.where, raw.missing, f"原文此行没有行标签，{how}为“{label}”")
                    readings.rows_seen.add((block, rowid))
                pending = []
            last = max(last, i)


def _label_columns(rows: list[list[GridCell | None]]) -> int:
    """How many columns on the left hold labels: those left of the first figure."""
    first = min((k for row in rows for k, c in enumerate(row) if c is not None and _is_number_like(_text(c))),
                default=0)
    return first


@lru_cache(maxsize=4096)
def _label_fit(text: str) -> float:
    """How well a printed text reads as some label of the form (1.0: one of them exactly)."""
    b = bare_key(text)
    if not b:  # a number alone ("（三）"): the first line of a wrapped label, neither good nor bad
        return NEUTRAL_FIT if key(text) else 0.0
    v = vocab()
    cands = [*v.captions, *(c for cs in v.rows.values() for c in cs), *(c for cs in v.groups.values() for c in cs),
             *(c for cs in v.header_words.values() for c in cs)]
    return max((1.0 if b == c.bare else similarity(b, c.bare) for c in cands), default=0.0)


def _match_in_stack(stack: list[str], match) -> tuple[object, int] | None:
    """(ident, index of its first text) of the lowest label in a header stack that ``match``
    accepts, alone or joined with the texts just above it (a label wrapped over rows)."""
    for end in range(len(stack), 0, -1):
        for start in range(end - 1, max(end - 1 - MAX_WRAPPED_ROWS, -1), -1):
            m = match("".join(stack[start:end]))
            if m:
                return m.ident, start
    return None


MAX_WRAPPED_ROWS = 4  # header rows one wrapped label may run over
PLACED_BY_POSITION = "表格无框线，此行标签由相邻几行文字拼合，按位置推定"
LOSSY_KINDS = frozenset({"text", "markdown"})
MAX_NOTE_CHARS = 300  # a row printed as a line of text is far shorter; bounds _TEXT_ROW's work
# The form's largest table has 28 rows and 15 columns; a grid far beyond that is not one of them.
MAX_GRID_ROWS = 400
MAX_GRID_COLS = 60


def _block_columns(tid: str, block: str | None, fmt: str):
    layout = tpl.load().table(tid).layout(fmt)
    b = layout.block(block) or next(x for f in tpl.TABLE_FORMATS
                                    for x in tpl.load().table(tid).layout(f).blocks if x.id == block)
    return b.columns


def row_label_of(tid: str, block: str | None, rowid: str) -> str:
    for fmt in tpl.TABLE_FORMATS:
        b = tpl.load().table(tid).layout(fmt).block(block)
        for r in (b.rows if b else ()):
            if r.id == rowid:
                return r.label
    return rowid
