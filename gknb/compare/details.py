"""The report's detail parts: every figure side by side, the text diff, last year's problems."""

from __future__ import annotations

from decimal import Decimal

from gknb import ruleset as rs
from gknb import template as tpl

from ..textdiff import ADDED, CHANGED, DELETE, EQUAL, INSERT, MOVED, REMOVED, SAME
from .changes import FigureChange
from .comparison import Comparison
from .markup import SWING, cell_html, esc, num, pct, signed
from .rectification import GONE, REWORDED, UNCHANGED

KIND_ZH = {SAME: "未变", CHANGED: "改动", ADDED: "新增", REMOVED: "删去", MOVED: "移位"}
STATUS_ZH = {UNCHANGED: "原样保留", REWORDED: "改写后保留", GONE: "不再提及"}
SAID, NOT_SAID = '<span class="badge passed">已说明</span>', '<span class="badge warning">未说明</span>'


def figures(c: Comparison) -> str:
    th = c.thresholds
    out = ['<section id="figures" class="part">', "<h2>二、数字对照</h2>",
           f'<p class="note">底色标出的是大幅变化：增减绝对值不小于 {esc(num(Decimal(str(th.absolute))))}，'
           f"且增幅不小于 {th.relative:.0%}（上年为0时只看绝对值）。“空白”是表中未填写的单元格（空白不等于0），"
           "“—”表示该年表格格式中没有这一项，“?”表示解析存疑。</p>"]
    by_table: dict[str, list[FigureChange]] = {}
    for fc in c.figures:
        by_table.setdefault(fc.cell.table, []).append(fc)
    t = tpl.load()
    for tid, changes in by_table.items():
        table = t.table(tid)
        out.append(f"<h3>{esc(t.section(table.section).heading)}</h3>")
        out.append(_matrix(table, changes, c) if table.kind == "rows" else _long_table(changes, c))
    if not by_table:
        out.append('<p class="muted">两份报告都没有统计表格。</p>')
    out.append("</section>")
    return "\n".join(out)


def _long_table(changes: list[FigureChange], c: Comparison) -> str:
    rows, caption = [], None
    for fc in changes:
        path = fc.cell.json_path
        if path[0] != caption:
            caption = path[0]
            rows.append(f'<tr><td class="group" colspan="6">{esc(caption)}</td></tr>')
        cls = SWING if fc.is_swing(c.thresholds) else ""
        rows.append(f"<tr{cls}><td>{esc(path[1])}</td><td>{esc(path[-1])}</td>"
                    f'<td class="n">{cell_html(fc.old)}</td><td class="n">{cell_html(fc.new)}</td>'
                    f'<td class="n">{signed(fc.delta)}</td><td class="n">{pct(fc)}</td></tr>')
    return ('<table><thead><tr><th>项目</th><th>栏目</th><th class="n">上年</th><th class="n">本年</th>'
            f'<th class="n">增减</th><th class="n">增幅</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _matrix(table: tpl.Table, changes: list[FigureChange], c: Comparison) -> str:
    """Rows × columns, each cell: last year (small), this year (bold), change."""
    columns = list(dict.fromkeys(fc.cell.column.label for fc in changes))
    grid: dict[str, dict[str, FigureChange]] = {}
    rows_of = {}
    for fc in changes:
        grid.setdefault(fc.cell.row.id, {})[fc.cell.column.label] = fc
        rows_of.setdefault(fc.cell.row.id, fc.cell.row)
    head = "".join(f"<th>{esc(col)}</th>" for col in columns)
    body, band, group = [], None, None
    for rid, row in rows_of.items():
        if row.band != band:
            band = row.band
            if band:
                body.append(f'<tr><td class="group" colspan="{len(columns) + 1}">{esc(table.label_of("band", band))}</td></tr>')
        if row.group != group:
            group = row.group
            if group:
                body.append(f'<tr><td class="group" colspan="{len(columns) + 1}">{esc(table.label_of("group", group))}</td></tr>')
        label = table.label_of("row_group", row.row_group)
        label = f"{label}：{row.label}" if label else row.label
        tds = []
        for col in columns:
            fc = grid[rid].get(col)
            if fc is None:
                tds.append("<td></td>")
                continue
            cls = SWING if fc.is_swing(c.thresholds) else ""
            delta = signed(fc.delta) if fc.delta else "&nbsp;"
            tds.append(f'<td{cls}><span class="o">{cell_html(fc.old)}</span><span class="v">{cell_html(fc.new)}</span>'
                       f'<span class="d">{delta}</span></td>')
        body.append(f'<tr><td class="label">{esc(label)}</td>{"".join(tds)}</tr>')
    return ('<p class="note">每格自上而下：上年、本年（粗体）、增减。</p>'
            f'<table class="matrix"><thead><tr><th></th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


# --------------------------------------------------------------------------- texts

def _segments(pair) -> str:
    out = []
    for s in pair.segments:
        t = esc(s.text)
        out.append(t if s.op == EQUAL else f"<ins>{t}</ins>" if s.op == INSERT else f"<del>{t}</del>" if s.op == DELETE else t)
    return "".join(out)


def texts(c: Comparison) -> str:
    if not c.texts:
        return ""
    limits = {t.key: rs.load().similarity_limit(t.key) for t in c.texts}
    out = ['<section id="texts" class="part">', "<h2>三、正文对照</h2>",
           '<p class="note">先按句子对齐，再逐字比较对齐的句子。<ins>绿色</ins>为本年新增的文字，<del>红色</del>为上年有、本年删去的文字；'
           "灰色的句子两年相同。相似度按分句对齐计算，数字不计（只改了年份和数字的段落仍算雷同）。</p>"]
    rows = "".join(
        f"<tr><td>{esc(t.heading)}</td><td class=\"n\">{t.similarity:.0%}</td>"
        + "".join(f'<td class="n">{t.diff.count(k)}</td>' for k in (SAME, CHANGED, ADDED, REMOVED, MOVED)) + "</tr>"
        for t in c.texts)
    out.append('<table><thead><tr><th>部分</th><th class="n">相似度</th>'
               + "".join(f'<th class="n">{KIND_ZH[k]}</th>' for k in (SAME, CHANGED, ADDED, REMOVED, MOVED))
               + f"</tr></thead><tbody>{rows}</tbody></table>")
    for t in c.texts:
        high = " high" if (limit := limits[t.key]) is not None and t.similarity > limit else ""
        out.append(f'<h3 id="text-{esc(t.key)}">{esc(t.heading)}</h3>')
        out.append(f'<p><span class="meter{high}"><span style="width:{t.similarity * 100:.0f}%"></span></span>'
                   f"与上年相似度 {t.similarity:.0%}（上年 {t.diff.old_chars} 字，本年 {t.diff.new_chars} 字；"
                   f"新增 {t.diff.inserted} 字，删去 {t.diff.deleted} 字）</p>")
        body = "".join(f'<p class="s {p.kind}"><span class="tag">{KIND_ZH[p.kind]}</span>{_segments(p)}</p>'
                       for p in t.diff.pairs)
        out.append(f'<div class="diff">{body}</div>')
    out.append("</section>")
    return "\n".join(out)


# --------------------------------------------------------------------------- problems

def problems(c: Comparison) -> str:
    co = c.carryover
    if co is None:
        return ""
    out = ['<section id="problems" class="part">', "<h2>四、上年问题的跟踪（第五部分）</h2>"]
    if co.rectification:
        out.append(f"<p>本年报告对上年问题整改情况的说明：</p><blockquote>{esc(co.rectification)}</blockquote>")
    else:
        out.append('<p><span class="badge warning">未说明</span> 本年报告没有说明上年问题的整改情况（E07）。</p>')
    if co.traces:
        rows = "".join(
            f"<tr><td class=\"n\">{i}</td><td>{esc(t.problem)}</td><td>{STATUS_ZH[t.status]}</td>"
            f"<td>{esc(t.match or '—')}</td>"
            f"<td>{SAID if t.rectification_reported else NOT_SAID}</td></tr>"
            for i, t in enumerate(co.traces, 1))
        out.append('<table><thead><tr><th class="n">序</th><th>上年提出的问题</th><th style="width:6.5em">本年</th>'
                   f'<th>本年的表述</th><th style="width:5.5em">整改情况</th></tr></thead><tbody>{rows}</tbody></table>')
    else:
        out.append('<p class="muted">上年第五部分中没有读出具体问题。</p>')
    if co.new_problems:
        out.append("<h3>本年新提出的问题</h3><ul>" + "".join(f"<li>{esc(p)}</li>" for p in co.new_problems) + "</ul>")
    if co.repeated_measures:
        out.append("<h3>与上年几乎相同的改进措施</h3><ul>"
                   + "".join(f"<li>{esc(new)}（相似 {sim:.0%}）</li>" for _, new, sim in co.repeated_measures) + "</ul>")
    out.append("</section>")
    return "\n".join(out)
