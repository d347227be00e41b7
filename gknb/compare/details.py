"""The report's detail parts: every figure side by side, the text diff, last year's problems."""

from __future__ import annotations

from decimal import Decimal

from gknb import ruleset as rs
from gknb import template as tpl
from gknb.ooxml import Child

from ..textdiff import ADDED, CHANGED, DELETE, INSERT, MOVED, REMOVED, SAME
from .changes import FigureChange
from .comparison import Comparison
from .markup import SWING, Element, N, cell_html, h, head, num, pct, signed
from .rectification import GONE, REWORDED, UNCHANGED

KIND_ZH = {SAME: "未变", CHANGED: "改动", ADDED: "新增", REMOVED: "删去", MOVED: "移位"}
STATUS_ZH = {UNCHANGED: "原样保留", REWORDED: "改写后保留", GONE: "不再提及"}
_KINDS = (SAME, CHANGED, ADDED, REMOVED, MOVED)


def _said(reported: bool) -> Element:
    return h.span("已说明", class_="badge passed") if reported else h.span("未说明", class_="badge warning")


def figures(c: Comparison) -> Element:
    th = c.thresholds
    out: list[Child] = [
        h.h2("二、数字对照"),
        h.p(f"底色标出的是大幅变化：增减绝对值不小于 {num(Decimal(str(th.absolute)))}，"
            f"且增幅不小于 {th.relative:.0%}（上年为0时只看绝对值）。“空白”是表中未填写的单元格（空白不等于0），"
            "“—”表示该年表格格式中没有这一项，“?”表示解析存疑。", class_="note")]
    by_table: dict[str, list[FigureChange]] = {}
    for fc in c.figures:
        by_table.setdefault(fc.cell.table, []).append(fc)
    t = tpl.load()
    for tid, changes in by_table.items():
        table = t.table(tid)
        out.append(h.h3(t.section(table.section).heading))
        out += _matrix(table, changes, c) if table.kind == "rows" else [_long_table(changes, c)]
    if not by_table:
        out.append(h.p("两份报告都没有统计表格。", class_="muted"))
    return h.section(out, id="figures", class_="part")


def _long_table(changes: list[FigureChange], c: Comparison) -> Element:
    rows, caption = [], None
    for fc in changes:
        path = fc.cell.json_path
        if path[0] != caption:
            caption = path[0]
            rows.append(h.tr(h.td(caption, class_="group", colspan=6)))
        rows.append(h.tr(SWING if fc.is_swing(c.thresholds) else None, h.td(path[1]), h.td(path[-1]),
                         h.td(cell_html(fc.old), N), h.td(cell_html(fc.new), N), h.td(signed(fc.delta), N),
                         h.td(pct(fc), N)))
    return h.table(head("项目", "栏目", ("上年", N), ("本年", N), ("增减", N), ("增幅", N)),
                   h.tbody(rows))


def _matrix(table: tpl.Table, changes: list[FigureChange], c: Comparison) -> list[Element]:
    """Rows × columns, each cell: last year (small), this year (bold), change."""
    columns = list(dict.fromkeys(fc.cell.column.label for fc in changes))
    grid: dict[str, dict[str, FigureChange]] = {}
    rows_of = {}
    for fc in changes:
        grid.setdefault(fc.cell.row.id, {})[fc.cell.column.label] = fc
        rows_of.setdefault(fc.cell.row.id, fc.cell.row)
    body, band, group = [], None, None
    for rid, row in rows_of.items():
        if row.band != band:
            band = row.band
            if band:
                body.append(h.tr(h.td(table.label_of("band", band), class_="group", colspan=len(columns) + 1)))
        if row.group != group:
            group = row.group
            if group:
                body.append(h.tr(h.td(table.label_of("group", group), class_="group", colspan=len(columns) + 1)))
        label = table.label_of("row_group", row.row_group)
        label = f"{label}：{row.label}" if label else row.label
        tds = []
        for col in columns:
            fc = grid[rid].get(col)
            if fc is None:
                tds.append(h.td())
                continue
            delta = signed(fc.delta) if fc.delta else "\u00a0"  # a no-break space keeps the line
            tds.append(h.td(SWING if fc.is_swing(c.thresholds) else None, h.span(cell_html(fc.old), class_="o"),
                            h.span(cell_html(fc.new), class_="v"), h.span(delta, class_="d")))
        body.append(h.tr(h.td(label, class_="label"), tds))
    return [h.p("每格自上而下：上年、本年（粗体）、增减。", class_="note"),
            h.table(h.thead(h.tr(h.th(), (h.th(col) for col in columns))), h.tbody(body), class_="matrix")]


# --------------------------------------------------------------------------- texts

def _segments(pair) -> list[Child]:
    return [h.ins(s.text) if s.op == INSERT else h.del_(s.text) if s.op == DELETE else s.text
            for s in pair.segments]


def texts(c: Comparison) -> Element | None:
    if not c.texts:
        return None
    limits = {t.key: rs.load().similarity_limit(t.key) for t in c.texts}
    out: list[Child] = [
        h.h2("三、正文对照"),
        h.p("先按句子对齐，再逐字比较对齐的句子。", h.ins("绿色"), "为本年新增的文字，", h.del_("红色"),
            "为上年有、本年删去的文字；灰色的句子两年相同。相似度按分句对齐计算，数字不计（只改了年份和数字的段落仍算雷同）。",
            class_="note")]
    rows = (h.tr(h.td(t.heading), h.td(f"{t.similarity:.0%}", N), (h.td(str(t.diff.count(k)), N) for k in _KINDS))
            for t in c.texts)
    out.append(h.table(head("部分", ("相似度", N), *((KIND_ZH[k], N) for k in _KINDS)), h.tbody(rows)))
    for t in c.texts:
        high = " high" if (limit := limits[t.key]) is not None and t.similarity > limit else ""
        out.append(h.h3(t.heading, id=f"text-{t.key}"))
        out.append(h.p(h.span(h.span(style=f"width:{t.similarity * 100:.0f}%"), class_=f"meter{high}"),
                       f"与上年相似度 {t.similarity:.0%}（上年 {t.diff.old_chars} 字，本年 {t.diff.new_chars} 字；"
                       f"新增 {t.diff.inserted} 字，删去 {t.diff.deleted} 字）"))
        out.append(h.div((h.p(h.span(KIND_ZH[p.kind], class_="tag"), _segments(p), class_=f"s {p.kind}")
                          for p in t.diff.pairs), class_="diff"))
    return h.section(out, id="texts", class_="part")


# --------------------------------------------------------------------------- problems

def problems(c: Comparison) -> Element | None:
    co = c.carryover
    if co is None:
        return None
    out: list[Child] = [h.h2("四、上年问题的跟踪（第五部分）")]
    if co.rectification:
        out += [h.p("本年报告对上年问题整改情况的说明："), h.blockquote(co.rectification)]
    else:
        rule = rs.load().ids(rs.MentionsRule, tpl.load().problems_section.key)
        out.append(h.p(h.span("未说明", class_="badge warning"), f" 本年报告没有说明上年问题的整改情况（{rule}）。"))
    if co.traces:
        rows = (h.tr(h.td(str(i), N), h.td(t.problem), h.td(STATUS_ZH[t.status]), h.td(t.match or "—"),
                     h.td(_said(t.rectification_reported))) for i, t in enumerate(co.traces, 1))
        out.append(h.table(head(("序", N), "上年提出的问题", ("本年", {"style": "width:6.5em"}),
                                 "本年的表述", ("整改情况", {"style": "width:5.5em"})), h.tbody(rows)))
    else:
        out.append(h.p("上年第五部分中没有读出具体问题。", class_="muted"))
    if co.new_problems:
        out += [h.h3("本年新提出的问题"), h.ul(h.li(p) for p in co.new_problems)]
    if co.repeated_measures:
        out += [h.h3("与上年几乎相同的改进措施"),
                h.ul(h.li(f"{new}（相似 {sim:.0%}）") for _, new, sim in co.repeated_measures)]
    return h.section(out, id="problems", class_="part")
