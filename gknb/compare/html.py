"""The comparison as one self-contained HTML page in Chinese, verdict first.

The page loads nothing and runs nothing; all document text is escaped (see ``markup``).
Output is deterministic: no clock, no randomness, fixed order.
"""

from __future__ import annotations

from gknb import __version__
from gknb import ruleset as rs
from gknb import template as tpl
from gknb.archive.decisions import VERDICT_ZH
from gknb.archive.decisions import label as cell_label

from .checks import FAILED, NEW, NOT_APPLICABLE, OLD, PASSED, STATE_ZH, UNCHECKED, ReviewFinding
from .comparison import PREAMBLE, Comparison
from .details import figures, problems, texts
from .markup import SWING, badge, cell_html, cell_name, change_text, esc, num, page, pct, signed
from .markup import year_of as _year
from .rectification import GONE, REWORDED, UNCHANGED

BADGE = {PASSED: "passed", FAILED: "failed", UNCHECKED: "unchecked", NOT_APPLICABLE: "na"}  # CSS classes


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


def _finding_li(f: ReviewFinding) -> str:
    where = "跨年度" if f.cross_year else ("本年" if f.which == NEW else "上年")
    v = f.violation
    return (f"<li>{badge(f.severity)} <span class=\"rule-id\">{esc(v.rule)}</span> "
            f"<span class=\"note\">{esc(tpl.load().rule(v.rule).title)}</span> "
            f"<span class=\"muted\">[{where}·{esc(v.scope)}]</span> {esc(v.message)}{_judged(f)}</li>")


def verdict(c: Comparison) -> str:
    new_e, new_w = c.of(NEW, "error"), c.of(NEW, "warning")
    old_e, old_w = c.of(OLD, "error"), c.of(OLD, "warning")
    state = "bad" if c.errors else "warn" if c.warnings else "ok"
    word = {"bad": "有错误", "warn": "无错误，有警告", "ok": "未发现问题"}[state]
    line = f"{word}：本年报告 {len(new_e)} 个错误、{len(new_w)} 个警告（含跨年度核对）"
    if c.old is not None:
        line += f"；上年报告 {len(old_e)} 个错误、{len(old_w)} 个警告"
    out = [f'<section id="verdict" class="verdict {state}">', "<h2>结论</h2>", f'<p class="line">{esc(line)}。</p>']
    notes = list(c.notes)
    fixed = sum(len(d.fixes) for d in c.decisions.values())
    if fixed or c.dismissed:
        notes.append(f"人工核定数字 {fixed} 个，驳回发现 {len(c.dismissed)} 个（不计入），见“人工处理记录”。")
    if notes:
        out.append("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
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
    texts = [t for t in c.texts if t.key != PREAMBLE and t.diff.old_chars and t.diff.new_chars]
    if texts:
        parts = "；".join(f"{t.key} {t.similarity:.0%}" for t in texts)
        items.append(f"正文与上年的相似度（按部分）：{esc(parts)}")
        for t in texts:
            limit = rs.load().similarity_limit(t.key)
            if limit is not None and t.similarity > limit:
                items.append(f"第{t.key}部分与上年相似度 {t.similarity:.0%}，超过 {limit:.0%}：疑似照搬上年内容。")
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
    return "\n".join(out) if len(out) > 1 else ""


def toc(c: Comparison) -> str:
    links = [("checks", "核对结果"), ("figures", "数字对照")]
    if c.texts:
        links.append(("texts", "正文对照"))
    if c.carryover is not None:
        links.append(("problems", "上年问题跟踪"))
    return '<nav class="toc">' + "".join(f'<a href="#{a}">{t}</a>' for a, t in links) + "</nav>"


def _findings_table(findings: list[ReviewFinding]) -> str:
    if not findings:
        return '<p class="muted">未发现问题。</p>'
    rows = "".join(
        f"<tr><td>{badge(f.severity)}</td><td><span class=\"rule-id\">{esc(f.rule)}</span><br>"
        f"<span class=\"note\">{esc(tpl.load().rule(f.rule).title)}</span></td>"
        f"<td>{esc(f.violation.scope)}</td><td>{esc(f.violation.message)}{_judged(f)}</td></tr>" for f in findings)
    return ('<table><thead><tr><th style="width:4.2em">级别</th><th style="width:11em">规则</th>'
            f'<th style="width:10em">位置</th><th>说明</th></tr></thead><tbody>{rows}</tbody></table>')


def _judged(f: ReviewFinding) -> str:
    v = f.verdict
    if v is None:
        return ""
    return (f'<br><span class="badge passed">{VERDICT_ZH[v.verdict]}</span> '
            f'<span class="note">{esc(v.by)}，{esc(v.date.isoformat())}：{esc(v.reason)}</span>')


def decisions(c: Comparison) -> str:
    """What people decided about either year: figures fixed and findings judged, who, when, why."""
    fixes, judged = [], []
    for which, report in ((NEW, c.new), (OLD, c.old)):
        d = c.decisions.get(which)
        if d is None or report is None:
            continue
        for f in d.fixes:
            fixes.append(f"<tr><td>{esc(_year(report))}</td><td>{esc(cell_label(f.cell))}</td>"
                         f'<td class="n">{esc(f.old_shown)}</td><td class="n">{esc(f.new_value)}</td>'
                         f"<td>{esc(f.by)}</td><td>{esc(f.date.isoformat())}</td><td>{esc(f.reason)}</td></tr>")
        for v in d.verdicts:
            judged.append(f"<tr><td>{esc(_year(report))}</td><td><span class=\"rule-id\">{esc(v.rule)}</span> "
                          f"{esc(tpl.load().rule(v.rule).title)}</td><td>{esc(v.scope)}</td><td>{esc(v.message)}</td>"
                          f"<td>{VERDICT_ZH[v.verdict]}</td><td>{esc(v.by)}</td><td>{esc(v.date.isoformat())}</td>"
                          f"<td>{esc(v.reason)}</td></tr>")
    if not fixes and not judged:
        return ""
    out = ['<h3 id="decisions">人工处理记录</h3>']
    if fixes:
        out.append('<p class="note">经人工核定的数字（重新解析后仍然保留）：</p><table><thead><tr><th>年度</th>'
                   '<th>单元格</th><th class="n">原值</th><th class="n">核定为</th><th>处理人</th><th>日期</th>'
                   f'<th>理由</th></tr></thead><tbody>{"".join(fixes)}</tbody></table>')
    if judged:
        out.append('<p class="note">审核人员确认或驳回的发现（驳回的不计入错误和警告，数字变化后重新提示）：</p>'
                   '<table><thead><tr><th>年度</th><th>规则</th><th>位置</th><th>发现</th><th>决定</th>'
                   f'<th>处理人</th><th>日期</th><th>理由</th></tr></thead><tbody>{"".join(judged)}</tbody></table>')
    return "\n".join(out)


def checks(c: Comparison) -> str:
    out = ['<section id="checks" class="part">', "<h2>一、核对结果</h2>"]
    out.append("<h3>跨年度核对</h3>")
    rows = "".join(
        f'<tr><td><span class="rule-id">{esc(s.rule.id)}</span></td><td>{esc(s.rule.title)}</td>'
        f'<td><span class="badge {BADGE[s.state]}">{STATE_ZH[s.state]}</span></td>'
        f"<td>{esc(s.note)}</td></tr>" for s in c.statuses)
    out.append('<table><thead><tr><th style="width:4.5em">规则</th><th>内容</th><th style="width:5.5em">结果</th>'
               f"<th>说明</th></tr></thead><tbody>{rows}</tbody></table>")
    out.append(f"<h3>本年度（{esc(_year(c.new))}）</h3>")
    out.append(_findings_table(c.of(NEW)))
    if c.old is not None:
        out.append(f"<h3>上年度（{esc(_year(c.old))}）</h3>")
        out.append(_findings_table(c.of(OLD)))
    out.append(decisions(c))
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
