"""The form's labels as match candidates, built once from the template, and what a cell says.

Every stage of table understanding asks the same questions of the template — which labels
a table's columns, rows, groups and headers print, which formats have them — so they are
answered here, once, as :class:`parsers.labels.Candidate` lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from gknb import template as tpl

from .labels import Candidate, Match, bare_key, key, numbering, short_memo, similarity, simplify
from .layout import GridCell

Slot = tuple[str | None, str, str]  # (block id, row id, column label key)
RowRef = tuple[str | None, str]  # (block id, row id)


@dataclass(frozen=True)
class Vocab:
    """Every label of every table, as match candidates."""

    captions: tuple[Candidate, ...]  # ident: block id
    caption_table: dict[str, str]  # block id -> the table its caption heads (表二's blocks)
    columns: dict[str, tuple[Candidate, ...]]  # table -> ident: column label key
    column_formats: dict[tuple[str, str], frozenset[str]]  # (table, label key) -> formats having it
    header_words: dict[str, tuple[Candidate, ...]]  # table -> labels that appear only in headers
    rows: dict[str, tuple[Candidate, ...]]  # table -> ident: (block id, row id)
    row_formats: dict[tuple[str, str | None, str], frozenset[str]]
    groups: dict[str, tuple[Candidate, ...]]  # table -> ident: group id

    def captioned(self, tid: str | None) -> bool:
        """Whether a table's rows sit in captioned blocks (a row is matched in its block)."""
        return tid is not None and tid in self.caption_table.values()


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    t = tpl.load()
    captions: list[Candidate] = []
    caption_table: dict[str, str] = {}
    columns, header_words, rows, groups = {}, {}, {}, {}
    column_formats: dict[tuple[str, str], set[str]] = {}
    row_formats: dict[tuple[str, str | None, str], set[str]] = {}
    for tid, table in t.tables.items():
        cols, rws, seen_cols, seen_rows = [], [], set(), set()
        for fmt in tpl.TABLE_FORMATS:
            for block in table.layout(fmt).blocks:
                if block.caption and block.id is not None and block.id not in {c.ident for c in captions}:
                    captions.append(Candidate.of(block.id, block.caption))
                    caption_table[block.id] = tid
                for col in block.columns:
                    k = key(col.label)
                    column_formats.setdefault((tid, k), set()).add(fmt)
                    if k not in seen_cols:
                        seen_cols.add(k)
                        cols.append(Candidate.of(k, col.label))
                        cols += [Candidate.of(k, printed) for printed in _other_units(col)]
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
    return Vocab(tuple(captions), caption_table, columns, {k: frozenset(v) for k, v in column_formats.items()},
                 header_words, rows, {k: frozenset(v) for k, v in row_formats.items()}, groups)


def _other_units(col: tpl.Column) -> list[str]:
    """The column's label printed with another unit ("本年收费金额（单位：元）"): still that
    column, found so that its figures can be flagged (:func:`parsers.values.header_unit_doubt`)."""
    if not col.unit or col.unit not in col.label:
        return []
    return [col.label.replace(col.unit, u) for u in tpl.load().vocabulary.units if u != col.unit]


def row_of(found: Candidate | Match) -> RowRef:
    """The (block, row) a row candidate, or a match among them, stands for."""
    return cast(RowRef, found.ident)


def table_name(tid: str | None) -> str:
    """"表三" for the table of section 三."""
    return f"表{tpl.load().table(tid).section}" if tid else "（未定）"


def row_label_of(tid: str, block: str | None, rowid: str) -> str:
    for fmt in tpl.TABLE_FORMATS:
        b = tpl.load().table(tid).layout(fmt).block(block)
        for r in (b.rows if b else ()):
            if r.id == rowid:
                return r.label
    return rowid


def block_columns(tid: str, block: str | None, fmt: str) -> list[str]:
    """The column label keys of a block in a format (a block the format lacks: another's)."""
    layout = tpl.load().table(tid).layout(fmt)
    b = layout.block(block) or next(x for f in tpl.TABLE_FORMATS
                                    for x in tpl.load().table(tid).layout(f).blocks if x.id == block)
    return [key(c.label) for c in b.columns]


def cell_text(c: GridCell | None) -> str:
    return (c.text or "").strip() if c is not None else ""


def is_number_like(text: str) -> bool:
    """A figure ("22", "-3", "22（其中修订16件）"), not a numbered label ("1.属于国家秘密")."""
    s = simplify(text).strip()
    if not s or not (s[0].isdigit() or (s[0] in "+-－" and s[1:2].isdigit())):
        return False
    n, rest = numbering(s)
    return not (n is not None and len(key(rest)) >= 2)


@short_memo(maxsize=4096)
def label_fit(text: str, neutral: float) -> float:
    """How well a printed text reads as some label of the form (1.0: one of them exactly);
    a number alone ("（三）"), the first line of a wrapped label, is ``neutral``."""
    b = bare_key(text)
    if not b:
        return neutral if key(text) else 0.0
    v = vocab()
    cands = [*v.captions, *(c for cs in v.rows.values() for c in cs), *(c for cs in v.groups.values() for c in cs),
             *(c for cs in v.header_words.values() for c in cs)]
    return max((1.0 if b == c.bare else similarity(b, c.bare) for c in cands), default=0.0)
