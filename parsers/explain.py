"""``gknb parse --explain``: the pipeline's trace told row by row, for whoever finds a figure wrong.

Each :class:`parsers.trace.Trace` becomes one :class:`Event` — what the row printed and what
the pipeline made of it: the label read, the template row it matched and how well (or the
nearest row and why that was not enough), the figures placed under each column, the runs of
digits to be split.  Rendered from the trace after the fact: explaining changes no reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gknb.model import Where

from .labels import Match, bare_key, score_all
from .matchsettings import MATCH, MatchSettings
from .readings import Placed, Raw, RowRead, RunRead, UnlabeledRead
from .rowevents import GridRow, GridSeen, RunFound, TextLine
from .trace import ReadAs, Trace
from .vocab import row_label_of, table_name, vocab

MAX_VALUES = 16  # figures listed for one row (the form's widest row has 15)


@dataclass(frozen=True)
class Event:
    """One step of reading the tables, for ``gknb parse --explain``: what a row printed and
    what the reader made of it.  ``kind``, ``text`` and ``result`` are Chinese."""

    kind: str
    where: Where
    text: str
    result: str


def explain(trace: Iterable[Trace], settings: MatchSettings = MATCH) -> list[Event]:
    """The events of a trace worth telling (blank rows and plain prose are left out)."""
    out = []
    for t in trace:
        told = _tell(t, settings)
        if told is not None:
            out.append(Event(told[0], _where(t), " ".join(told[1].split()), told[2]))
    return out


def _where(t: Trace) -> Where:
    e = t.event
    if isinstance(e, (GridRow, GridSeen, TextLine, RunFound)):
        return e.where
    first = next((r for r in t.readings if isinstance(r, Placed)), None)
    return next((raw.where for raw in first.values.values() if raw.where != Where()), Where()) if first else Where()


def _tell(t: Trace, s: MatchSettings) -> tuple[str, str, str] | None:
    """(kind, text, result) of one step, or None for what is not worth a line."""
    e, name = t.event, table_name(t.table)
    shown = "／".join(t.labels) + (f"  {t.figures}" if t.figures else "")
    if isinstance(e, GridSeen):
        size = f"{e.n_rows}行×{e.n_cols}列"
        if t.read_as is ReadAs.SKIPPED:
            return "跳过表格", size, "远大于年报的任何一张表，不读"
        how = "按单元格读取" if e.ruled else "无框线：按文字位置读取，每行文字一行"
        if e.joined:
            how += f"；{e.joined}行跨行的标签已与其数字拼成一行（按位置推定，须经表内合计核实）"
        return "表格", size, how
    if t.read_as is ReadAs.CAPTION:
        caption = next(c.label for c in vocab().captions if c.ident == t.block)
        return "栏目", t.labels[0], f"{name} {caption}（{_how(t.match)}）"
    if t.read_as is ReadAs.HEADER:
        columns = "、".join(_column(t.table, c) for c in t.columns) if t.columns else "无"
        return "表头", " | ".join(t.labels), f"{name}；已识别的栏目：{columns}"
    if t.read_as is ReadAs.DATA:
        row = next(r for r in t.readings if isinstance(r, RowRead))
        return "数据行", shown, f"{name} {row_label_of(row.table, row.block, row.row)}（{_how(row.match)}）" + \
            _values(row.values, row.table)
    if t.read_as is ReadAs.GROUP:
        group = next((c.label for c in vocab().groups.get(t.table or "", ()) if c.ident == t.group), t.group)
        lost = f"；此行的数字未读入：末一个标签与模板的任何一行都对不上{_nearest(t.labels[-1], s)}" \
            if any(ch.isdigit() for ch in t.figures) else ""
        return "分组", shown, f"{name} 分组“{group}”{lost}"
    if t.read_as is ReadAs.UNMATCHED:
        return "未对应", shown, "与模板的任何一行都对不上" + _nearest(t.labels[-1], s)
    if t.read_as is ReadAs.UNLABELED:
        return "无标签行", t.figures or "（空）", _unlabeled(t, name)
    if t.read_as is ReadAs.HEADING:
        return "标题", t.labels[0], f"此后为{name}" if t.table else "此部分没有表格"
    if t.read_as is ReadAs.LINE_ROW:
        return "文字行", f"{t.labels[0]} {t.figures}", _row_read(t, name)
    if t.read_as is ReadAs.LINE_LABEL:
        named = row_label_of(t.table or "", t.block, t.row or "")
        return "行标签", t.labels[0], f"{name} 其下无标签的一行可能为“{named}”"
    if t.read_as is ReadAs.RUN_TABLE:
        return "连排文字", t.figures, f"{name} 全表的数字连在一起（按表内合计拆分）"
    if t.read_as is ReadAs.RUN_ROW:
        return "连排文字", f"{t.labels[0]} {t.figures}", _row_read(t, name)
    if t.read_as is ReadAs.PLACED:
        p = next(r for r in t.readings if isinstance(r, Placed))
        return "推定", " ".join(raw.text for raw in p.values.values()), \
            f"{name} {row_label_of(p.table, p.block, p.row)}（原文无行标签，{p.how}）" + _values(p.values, p.table, False)
    return None  # blank rows, prose, context set by running text


def _how(m: Match | None) -> str:
    if m is None:
        return "按文字行"
    return "标签相同" if m.exact else f"相似度 {m.score:.2f}"


def _values(values: Mapping[str, Raw], tid: str, why: bool = True) -> str:
    """"：自然人=97，商业企业=0 …" — each figure under the column it was placed in, and (``why``)
    why the row was placed without certainty."""
    if not values:
        return "；数字连在一起，按表内合计拆分"
    shown = [f"{_column(tid, col)}={_raw(raw)}" for col, raw in list(values.items())[:MAX_VALUES]]
    inferred = next((raw.inferred for raw in values.values() if raw.inferred), None) if why else None
    return "：" + "，".join(shown) + (f"（{inferred}）" if inferred else "")


def _column(tid: str | None, colkey: str) -> str:
    """A column's label as the form prints it (its key is letters and digits only)."""
    return next((c.label for c in vocab().columns.get(tid or "", ()) if c.ident == colkey), colkey)


def _raw(raw: Raw) -> str:
    if raw.missing:
        return "（缺）"
    return raw.text or "（空）"


def _row_read(t: Trace, name: str) -> str:
    row = next(r for r in t.readings if isinstance(r, RowRead))
    runs = [r for r in t.readings if isinstance(r, RunRead)]
    out = f"{name} {row_label_of(row.table, row.block, row.row)}"
    if runs:
        return out + f"：数字“{runs[0].text}”连在一起，按表内合计拆分"
    return out + _values(row.values, row.table)


def _unlabeled(t: Trace, name: str) -> str:
    rows = [r for r in t.readings if isinstance(r, RowRead)]
    if rows:  # table 四, printed turned: its one row of figures under the header's columns
        return f"{name} " + "；".join(row_label_of(r.table, r.block, r.row) + _values(r.values, r.table) for r in rows)
    pending = next((r for r in t.readings if isinstance(r, UnlabeledRead)), None)
    if pending is None:
        return f"{name}：没有数字，不读"
    if pending.hint:
        return f"{name}：待按上方标签“{row_label_of(pending.table, *pending.hint)}”或表中位置推定"
    return f"{name}：待按表中位置推定"


def _nearest(label: str, s: MatchSettings) -> str:
    """The form's row a label comes nearest to, and by how much it falls short."""
    if not bare_key(label):
        return ""
    cands = [(score_all(label, cs)[0][0], tid, score_all(label, cs)[0][2]) for tid, cs in vocab().rows.items() if cs]
    score, tid, c = max(cands, key=lambda x: x[0])
    if score <= 0:
        return ""
    return f"（最接近：{table_name(tid)}“{c.label}”，相似度 {score:.2f}，须达 {s.row:.2f} 且无并列）"
