"""Tables printed as running text: a crawler's page where every cell ran together.

"…规章000行政规范性文件6233440第二十条第（五）项…": the template's labels are found in the
text (tolerant of spaces and line breaks inside them), and the figures between one label and
the next are that row's, as one run of digits when the cell borders were lost.  Runs are split
later, with the table's own arithmetic (:mod:`parsers.splitting`).  :func:`stream_events` makes
each label found a row event (:class:`parsers.rowevents.RunFound`); :func:`run_found` is the step
that reads one, as :mod:`parsers.tables` reads grid rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from gknb import template as tpl

from .context import Context
from .labels import figure_text, key, numbering, simplify
from .layout import Paragraph
from .placing import text_row
from .readings import ColumnSeen, Reading, RowRead, RunRead
from .rowevents import RunFound
from .sections import inline_headings
from .trace import ReadAs, Trace
from .values import UNITS
from .vocab import row_of, vocab

# The figures that may follow a label: digits, decimal points, signs, spaces, units (a unit
# stands between two figures as a separator would: "396项0项181件").
_UNIT_CHARS = "".join(sorted({ch for unit in UNITS for ch in unit}))
_RUN = re.compile(rf"^[\s\d.,，+\-－{_UNIT_CHARS}]*")
_NUMBER = re.compile(r"[+\-－]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")  # "2,629" is one figure
UNSURE_ROW = "此行标签后的文字中还有数字未能读入，无法确定此行各数"


@dataclass(frozen=True)
class _Anchor:
    start: int
    end: int
    kind: str  # section | caption | row | header
    ident: tuple[Any, ...]


_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")
_SIGNS = "+-－"
# What follows a figure quoted in a sentence ("行政诉讼9起，"), never a table's run of figures.
_SENTENCE_GOES_ON = frozenset("起次宗例人家，。、；：,;")


def _in_figures(run: str) -> set[int]:
    """The positions of the run that belong to a figure read from it."""
    return {i for m in _NUMBER.finditer(run) for i in range(m.start(), m.end())}


def _stray_comma(run: str) -> bool:
    """A comma between two digits that lies outside every figure read from the run."""
    inside = _in_figures(run)
    return any(m.start() not in inside for m in _DIGIT_COMMA.finditer(run))


def _stray_sign(run: str) -> bool:
    """A sign that is no figure's: a dash printed for a blank or a 0 ("217-----217"), which
    dropping would shift every figure after it into another column."""
    inside = _in_figures(run)
    return any(ch in _SIGNS and i not in inside for i, ch in enumerate(run))


def _pattern(label: str) -> re.Pattern[str]:
    """A label as printed in running text: any whitespace may fall between its characters, and
    its number in any of the styles reports use ("1." "1、" "1)" "（1）")."""
    number, rest = numbering(label)
    chars = [c for c in simplify(rest if number else label) if not c.isspace()]
    body = r"\s*".join(re.escape(c) for c in chars)
    return re.compile(_number_pattern(number) + r"\s*" + body if number else body)


def _number_pattern(number: str) -> str:
    """Every way a label's number is printed: "(三)" "（三）" "三、"; "1." "1、" "1)" "（1）"."""
    n = number.strip("()")
    close = r"[)）]"
    styles = [rf"[(（]\s*{re.escape(n)}\s*{close}"]
    if not number.startswith("("):
        styles.append(rf"{re.escape(n)}\s*(?:[.．、,，]|{close})")
    return "(?:" + "|".join(styles) + ")"


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], str, tuple[Any, ...]]]:
    t = tpl.load()
    v = vocab()
    out: list[tuple[re.Pattern[str], str, tuple[Any, ...]]] = []
    for c in v.captions:
        out.append((_pattern(c.label), "caption", (c.ident,)))
    for tid in t.tables:
        for c in v.rows[tid]:
            out.append((_pattern(c.label), "row", (tid, *row_of(c))))
    headers: dict[str, tuple[str, str, set[str]]] = {}
    for tid in t.tables:  # one pattern per label, naming every table that prints it ("总计")
        for c in (*v.columns[tid], *v.header_words[tid], *v.groups[tid]):
            # a column's label stands for its column (one printed with another unit too)
            named = str(c.ident) if c in v.columns[tid] else key(c.label)
            headers.setdefault(key(c.label), (c.label, named, set()))[2].add(tid)
    for label, named, tables in headers.values():
        out.append((_pattern(label), "header", (frozenset(tables), named)))
    return out


def anchors(text: str) -> list[_Anchor]:
    """Every label found in ``text``; where two overlap the longer wins ("其他" inside "其他结果").

    Section headings first, found as :mod:`parsers.sections` finds them (typos allowed)."""
    found = [_Anchor(start, end, "section", (k,)) for start, end, k in inline_headings(text)]
    for pattern, kind, ident in _patterns():
        for m in pattern.finditer(text):
            found.append(_Anchor(m.start(), m.end(), kind, ident))
    found.sort(key=lambda a: (-(a.end - a.start), a.start))
    taken: list[_Anchor] = []
    covered = bytearray(len(text) + 1)
    for a in found:
        if not any(covered[a.start:a.end]):
            taken.append(a)
            covered[a.start:a.end] = b"\x01" * (a.end - a.start)
    return sorted(taken, key=lambda a: a.start)


def stream_events(paragraphs: list[Paragraph]) -> Iterator[RunFound]:
    """Every label found in the paragraphs of a report whose cells ran together, with the
    figures printed after it (up to the next label)."""
    texts = [figure_text(para.text) for para in paragraphs]
    found_in = [anchors(text) for text in texts]
    for p, (para, text, found) in enumerate(zip(paragraphs, texts, found_in)):
        for i, a in enumerate(found):
            nxt = found[i + 1].start if i + 1 < len(found) else len(text)
            between = text[a.end:nxt]
            run = _RUN.match(between).group(0)  # type: ignore[union-attr]
            # figures the run stopped short of, or a comma between digits that no figure's
            # thousands grouping explains ("13575,394,432.52": 135 and 75,394,432.52 ran together),
            # a dash that is no figure's sign, or a run the paragraph's end cut ("行政处罚26" / "48 0 430…": a line break in a figure)
            unsure = (any(ch.isdigit() for ch in between[len(run):]) or _stray_comma(run) or _stray_sign(run)
                      or (i + 1 == len(found) and len(run) == len(between) and p + 1 < len(texts)
                          and _goes_on(texts[p + 1], found_in[p + 1])))
            yield RunFound(a.kind, a.ident, text[a.start:a.end], run.strip(), tuple(_NUMBER.findall(run)), unsure,
                           para.where, prose=between[len(run):].lstrip()[:1] in _SENTENCE_GOES_ON)


def _goes_on(text: str, found: list[_Anchor]) -> bool:
    """A paragraph that opens with figures and nothing else before its first label (or its
    end): the rest of the run the paragraph before it ended on."""
    head = text[:found[0].start] if found else text
    return any(ch.isdigit() for ch in head) and _RUN.match(head).end() == len(head)  # type: ignore[union-attr]


def run_found(ctx: Context, found: RunFound, fmt: Callable[[str], str]) -> tuple[Context, Trace]:
    """One label of running text read under the context a heading or caption before it set."""
    t = tpl.load()
    v = vocab()
    if found.kind == "section":
        table = t.section(found.ident[0]).table
        return replace(ctx, table=table, block=None), Trace(found, ReadAs.RUN_CONTEXT, table, labels=(found.label,))
    if found.kind == "caption":
        block = found.ident[0]
        ctx = replace(ctx, table=v.caption_table[block], block=block)
        return ctx, Trace(found, ReadAs.RUN_CONTEXT, ctx.table, block, (found.label,))
    if found.kind == "header":
        tables, column = found.ident
        if ctx.table not in tables and len(tables) == 1:
            # a label only one table prints: the table is found by its own header,
            # whatever heading (or typo, or none) stood above it
            ctx = replace(ctx, table=next(iter(tables)), block=None)
        tid = ctx.table
        if tid is None or tid not in tables:
            return ctx, Trace(found, ReadAs.RUN_ELSEWHERE, tid, labels=(found.label,), figures=found.run)
        readings: list[Reading] = [ColumnSeen(tid, column, found.label)]
        if found.tokens and t.table(tid).printed_transposed and not found.prose:
            # (a figure quoted in a sentence, "行政复议36起，行政诉讼9起", is not the table's run)
            rows = tuple((None, r.id) for r in t.table(tid).blocks[0].rows)
            readings += [RowRead(tid, block, rowid, {}) for block, rowid in rows]
            readings.append(RunRead(tid, rows, found.run, found.where))
            return ctx, Trace(found, ReadAs.RUN_TABLE, tid, labels=(found.label,), figures=found.run,
                              readings=tuple(readings))
        return ctx, Trace(found, ReadAs.RUN_HEADER, tid, labels=(found.label,), readings=tuple(readings))
    tid, row_block, rowid = found.ident
    if not found.tokens or ctx.table is None or tid != ctx.table or (
            v.captioned(tid) and ctx.block is not None and row_block != ctx.block):
        # rows only inside a table: "发布现行有效行政规范性文件393件" in section 一 is prose; and
        # "行政许可" read under another caption is not this block's row
        return ctx, Trace(found, ReadAs.RUN_ELSEWHERE, tid, row_block, (found.label,), found.run)
    out = text_row(tid, row_block, rowid, found.tokens, found.where, fmt(tid), UNSURE_ROW if found.unsure else None)
    return ctx, Trace(found, ReadAs.RUN_ROW, tid, row_block, (found.label,), found.run, readings=tuple(out))
