"""The comparison as one self-contained HTML page in Chinese, verdict first.

Reports are untrusted input: every piece of document text goes through :func:`esc`, the
page loads nothing and runs nothing (a Content-Security-Policy forbids it even if an
escape were ever missed).  Output is deterministic: no clock, no randomness, fixed order.
"""

from __future__ import annotations

import html
from decimal import Decimal

from gknb import __version__
from gknb import template as tpl
from gknb.model import ABSENT, BLANK, Cell
from gknb.rules import SEVERITY_ZH

from .carryover import GONE, REWORDED, UNCHANGED
from .checks import NEW, OLD, STATE_ZH, Finding
from .comparison import PREAMBLE, Comparison
from .figures import FigureChange
from .style import CSS
from .textdiff import ADDED, CHANGED, DELETE, EQUAL, INSERT, MOVED, REMOVED, SAME

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
KIND_ZH = {SAME: "未变", CHANGED: "改动", ADDED: "新增", REMOVED: "删去", MOVED: "移位"}
STATUS_ZH = {UNCHANGED: "原样保留", REWORDED: "改写后保留", GONE: "不再提及"}
SWING = ' class="swing"'
SAID, NOT_SAID = '<span class="badge passed">已说明</span>', '<span class="badge warning">未说明</span>'



def esc(s) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n')


# --------------------------------------------------------------------------- numbers

def num(v) -> str:
    if isinstance(v, Decimal):
        return format(v.normalize() if v == v.to_integral_value() else v, "f")
    return str(v)


def signed(v) -> str:
    if v is None:
        return ""
    cls = "up" if v > 0 else "down" if v < 0 else "muted"
    text = f"+{num(v)}" if v > 0 else f"−{num(-v)}" if v < 0 else "0"
    return f'<span class="{cls}">{text}</span>'


def pct(fc: FigureChange) -> str:
    if fc.delta is None:
        return ""
    if fc.ratio is None:
        return '<span class="up">新增</span>' if fc.delta > 0 else ""
    r = fc.ratio * 100
    text = f"+{r:.0f}%" if r > 0 else f"−{-r:.0f}%" if r < 0 else "0%"
    return f'<span class="{"up" if r > 0 else "down" if r < 0 else "muted"}">{text}</span>'


def cell_html(cell: Cell | None) -> str:
    if cell is None:
        return '<span class="blank" title="该年表格格式中没有这一项">—</span>'
    if cell.state == BLANK:
        return '<span class="blank" title="单元格空白（空白不等于0）">空白</span>'
    if cell.state == ABSENT:
        flag = f' title="{esc(cell.flag)}"' if cell.flag else ' title="表中没有这一行或这一栏"'
        return f'<span class="blank"{flag}>{"存疑" if cell.flag else "缺失"}</span>'
    text = esc(num(cell.value))
    if cell.flag:
        return f'{text}<span class="flag" title="{esc(cell.flag)}">?</span>'
    return text


def change_text(fc: FigureChange) -> str:
    """"21 → 95（+74，+352%）" for the verdict's lists (plain text, escaped by the caller)."""
    o = num(fc.old_value) if fc.old_value is not None else "—"
    n = num(fc.new_value) if fc.new_value is not None else "—"
    if fc.delta is None:
        return f"{o} → {n}"
    rel = "，新增" if fc.ratio is None and fc.delta > 0 else f"，{fc.ratio * 100:+.0f}%" if fc.ratio is not None else ""
    d = f"+{num(fc.delta)}" if fc.delta > 0 else num(fc.delta)
    return f"{o} → {n}（{d}{rel}）"


def cell_name(fc: FigureChange) -> str:
    """A figure's label path; a row's 总计 of table 三 is named by its row alone."""
    path = fc.cell.json_path
    if fc.cell.table == "requests" and fc.cell.column.id == "total":
        path = path[:-1]
    return " / ".join(path)


# --------------------------------------------------------------------------- parts

def badge(severity: str) -> str:
    return f'<span class="badge {severity}">{SEVERITY_ZH[severity]}</span>'


def _year(r) -> str:
    return f"{r.year}年度" if r is not None and r.year else "年度不详"


def header(c: Comparison) -> str:
    t = tpl.load()
    rows = [("本年", c.new, c.new_name)]
    if c.old is not None:
        rows.append(("上年", c.old, c.old_name))
    src = "".join(
        f"<tr><td>{label}</td><td>{esc(_year(r))}：{esc(r.agency or '机关不详')}（{esc(t.formats[r.format].name)}）"
        f"<br><span class=\"note\">{esc(name or '')}</span></td></tr>" for label, r, name in rows)
    versus = f"{_year(c.new)}报告 对照 {_year(c.old)}报告" if c.old is not None else f"{_year(c.new)}报告（无上年报告可对照）"
    return (f'<header>\n<p class="kicker">政府信息公开工作年度报告 · 年度对照</p>\n'
            f'<h1>{esc(c.agency)}</h1>\n<p class="years">{esc(versus)}</p>\n'
            f'<table class="sources">{src}</table>\n</header>')


def _finding_li(f: Finding) -> str:
    where = "跨年度" if f.cross_year else ("本年" if f.which == NEW else "上年")
    v = f.violation
    return (f"<li>{badge(f.severity)} <span class=\"rule-id\">{esc(v.rule)}</span> "
            f"<span class=\"muted\">[{where}·{esc(v.scope)}]</span> {esc(v.message)}</li>")


def verdict(c: Comparison) -> str:
    new_e, new_w = c.of(NEW, "error"), c.of(NEW, "warning")
    old_e, old_w = c.of(OLD, "error"), c.of(OLD, "warning")
    state = "bad" if c.errors else "warn" if c.warnings else "ok"
    word = {"bad": "有错误", "warn": "无错误，有警告", "ok": "未发现问题"}[state]
    line = f"{word}：本年报告 {len(new_e)} 个错误、{len(new_w)} 个警告（含跨年度核对）"
    if c.old is not None:
        line += f"；上年报告 {len(old_e)} 个错误、{len(old_w)} 个警告"
    out = [f'<section id="verdict" class="verdict {state}">', "<h2>结论</h2>", f'<p class="line">{esc(line)}。</p>']
    if c.notes:
        out.append("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in c.notes) + "</ul>")
    errors = new_e + old_e
    if errors:
        out.append("<h3>错误</h3><ul>" + "".join(_finding_li(f) for f in errors) + "</ul>")
    if new_w:
        out.append("<h3>警告（本年）</h3><ul>" + "".join(_finding_li(f) for f in new_w) + "</ul>")
    if old_w:
        rules = "、".join(dict.fromkeys(f.rule for f in old_w))
        out.append(f'<p class="note">上年报告另有 {len(old_w)} 个警告（{esc(rules)}），见“核对结果”。</p>')
    out.append(important_changes(c))
    out.append("</section>")
    return "\n".join(out)


def important_changes(c: Comparison) -> str:
    out = ["<h3>最重要的变化</h3>"]
    keys = c.key_figures()
    if keys and c.old is not None:
        rows = "".join(
            f'<tr{SWING if k.is_swing(c.thresholds) else ""}><td>{esc(cell_name(k))}</td>'
            f'<td class="n">{cell_html(k.old)}</td><td class="n">{cell_html(k.new)}</td>'
            f'<td class="n">{signed(k.delta)}</td><td class="n">{pct(k)}</td></tr>' for k in keys)
        out.append('<table class="keys"><thead><tr><th>关键数字</th><th class="n">上年</th><th class="n">本年</th>'
                   f'<th class="n">增减</th><th class="n">增幅</th></tr></thead><tbody>{rows}</tbody></table>')
    items = []
    key_ids = {k.cell.id for k in keys}
    for s in c.headline_swings():
        if s.cell.id not in key_ids:
            items.append(f"大幅变化：{esc(cell_name(s))}：{esc(change_text(s))}")
    s52 = tpl.load().rule("S5-2").params["max_similarity"]
    texts = [t for t in c.texts if t.key != PREAMBLE and t.diff.old_chars and t.diff.new_chars]
    if texts:
        parts = "；".join(f"{t.key} {t.similarity:.0%}" for t in texts)
        items.append(f"正文与上年的相似度（按部分）：{esc(parts)}")
        for t in texts:
            if t.key == "五" and t.similarity > s52:
                items.append(f"第五部分与上年相似度 {t.similarity:.0%}，超过 {s52:.0%}：疑似照搬上年内容。")
    co = c.carryover
    if co is not None and co.traces:
        rect = sum(t.rectification_reported for t in co.traces)
        items.append(
            f"上年第五部分提出的 {len(co.traces)} 个问题：原样保留 {co.count(UNCHANGED)} 个，改写后保留 "
            f"{co.count(REWORDED)} 个，不再提及 {co.count(GONE)} 个；本年报告说明了其中 {rect} 个的整改情况。")
        if co.repeated_measures:
            items.append(f"本年改进措施中有 {len(co.repeated_measures)} 条与上年几乎相同。")
    if items:
        out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
    return "\n".join(out)


def toc(c: Comparison) -> str:
    links = [("checks", "核对结果"), ("figures", "数字对照")]
    if c.texts:
        links.append(("texts", "正文对照"))
    if c.carryover is not None:
        links.append(("problems", "上年问题跟踪"))
    return '<nav class="toc">' + "".join(f'<a href="#{a}">{t}</a>' for a, t in links) + "</nav>"


def _findings_table(findings: list[Finding]) -> str:
    if not findings:
        return '<p class="muted">未发现问题。</p>'
    rows = "".join(
        f"<tr><td>{badge(f.severity)}</td><td><span class=\"rule-id\">{esc(f.rule)}</span><br>"
        f"<span class=\"note\">{esc(tpl.load().rule(f.rule).title)}</span></td>"
        f"<td>{esc(f.violation.scope)}</td><td>{esc(f.violation.message)}</td></tr>" for f in findings)
    return ('<table><thead><tr><th style="width:4.2em">级别</th><th style="width:11em">规则</th>'
            f'<th style="width:10em">位置</th><th>说明</th></tr></thead><tbody>{rows}</tbody></table>')


def checks(c: Comparison) -> str:
    out = ['<section id="checks" class="part">', "<h2>一、核对结果</h2>"]
    out.append("<h3>跨年度核对</h3>")
    rows = "".join(
        f'<tr><td><span class="rule-id">{esc(s.rule.id)}</span></td><td>{esc(s.rule.title)}</td>'
        f'<td><span class="badge {"na" if s.state == "n/a" else s.state}">{STATE_ZH[s.state]}</span></td>'
        f"<td>{esc(s.note)}</td></tr>" for s in c.statuses)
    out.append('<table><thead><tr><th style="width:4.5em">规则</th><th>内容</th><th style="width:5.5em">结果</th>'
               f"<th>说明</th></tr></thead><tbody>{rows}</tbody></table>")
    out.append(f"<h3>本年度（{esc(_year(c.new))}）</h3>")
    out.append(_findings_table(c.of(NEW)))
    if c.old is not None:
        out.append(f"<h3>上年度（{esc(_year(c.old))}）</h3>")
        out.append(_findings_table(c.of(OLD)))
    out.append(statements(c))
    out.append(parser_notes(c))
    out.append("</section>")
    return "\n".join(out)


def statements(c: Comparison) -> str:
    rows = []
    for which, report in ((NEW, c.new), (OLD, c.old)):
        for st in c.statements.get(which, []):
            values = [num(v) for v in dict.fromkeys(v for v in st.tables if v is not None)]
            result = ('<span class="badge passed">一致</span>' if st.agrees else
                      '<span class="badge warning">不一致</span>' if st.checkable else
                      '<span class="badge unchecked">无法核对</span>')
            rows.append(f"<tr><td>{esc(_year(report))}</td><td>{esc(st.section)}</td><td>{esc(st.text)}</td>"
                        f'<td class="n">{st.stated}</td><td class="n">{esc(" 或 ".join(values) or "未填写")}</td>'
                        f"<td>{result}</td></tr>")
    if not rows:
        return '<h3>正文中的数字（X-1）</h3><p class="muted">正文中没有找到可与表格核对的数字。</p>'
    return ('<h3>正文中的数字（X-1）</h3><table><thead><tr><th style="width:6em">年度</th><th style="width:3em">部分</th>'
            '<th>正文</th><th class="n">所称</th><th class="n">表格</th><th style="width:5.5em">结果</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def parser_notes(c: Comparison) -> str:
    items = [(r, f) for r in (c.new, c.old) if r is not None for f in r.findings]
    if not items:
        return ""
    lis = "".join(f"<li>{esc(_year(r))}：{esc(f.message)}</li>" for r, f in items)
    return f'<h3>解析说明</h3><p class="note">读取报告时注意到的情况（不是规则判断）：</p><ul class="note">{lis}</ul>'


# --------------------------------------------------------------------------- figures

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
    s52 = tpl.load().rule("S5-2").params["max_similarity"]
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
        high = " high" if t.key == "五" and t.similarity > s52 else ""
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


def footer(generated_on: str | None) -> str:
    when = f"，{esc(generated_on)}" if generated_on else ""
    return (f"<footer>由 gknb {esc(__version__)} 生成{when}。规则编号见《年报格式说明》（FORMAT.md）；"
            "本对照只读取两份报告本身，结论供审核参考。</footer>")


def title(c: Comparison) -> str:
    years = f"{_year(c.new)}与{_year(c.old)}" if c.old is not None else _year(c.new)
    return f"{c.agency}{years}政府信息公开工作年度报告对照"


def render(c: Comparison, *, generated_on: str | None = None) -> str:
    """The whole page."""
    body = "\n".join(x for x in (header(c), verdict(c), toc(c), checks(c), figures(c), texts(c), problems(c),
                                 footer(generated_on)) if x)
    return page(title(c), body)
