"""The comparison as one self-contained HTML page in Chinese, verdict first.

The page loads nothing and runs nothing; all document text is a text node of the page's tree
(see ``markup``).  Output is deterministic: no clock, no randomness, fixed order.
"""

from __future__ import annotations

from gknb import __version__
from gknb import ruleset as rs
from gknb import template as tpl
from gknb.archive.decisions import VERDICT_ZH
from gknb.archive.decisions import label as cell_label
from gknb.cellnames import by_reason
from gknb.ooxml import Child

from .checks import FAILED, NEW, NOT_APPLICABLE, OLD, PASSED, STATE_ZH, UNCHECKED, ReviewFinding
from .comparison import PREAMBLE, Comparison
from .details import figures, problems, texts
from .markup import SWING, Element, N, badge, cell_html, cell_name, change_text, h, head, num, page, pct, signed
from .markup import year_of as _year
from .rectification import GONE, REWORDED, UNCHANGED

BADGE = {PASSED: "passed", FAILED: "failed", UNCHECKED: "unchecked", NOT_APPLICABLE: "na"}  # CSS classes


def header(c: Comparison) -> Element:
    t = tpl.load()
    rows = [("本年", c.new, c.new_name)]
    if c.old is not None:
        rows.append(("上年", c.old, c.old_name))
    src = h.table((h.tr(h.td(label), h.td(f"{_year(r)}：{r.agency or '机关不详'}（{t.formats[r.format].name}）",
                                          h.br(), h.span(name or "", class_="note")))
                   for label, r, name in rows), class_="sources")
    versus = f"{_year(c.new)}报告 对照 {_year(c.old)}报告" if c.old is not None else f"{_year(c.new)}报告（无上年报告可对照）"
    return h.header(h.p("政府信息公开工作年度报告 · 年度对照", class_="kicker"), h.h1(c.agency),
                    h.p(versus, class_="years"), src)


def _finding_li(f: ReviewFinding) -> Element:
    where = "跨年度" if f.cross_year else ("本年" if f.which == NEW else "上年")
    v = f.violation
    return h.li(badge(f.severity), " ", h.span(v.rule, class_="rule-id"), " ",
                h.span(tpl.load().rule(v.rule).title, class_="note"), " ",
                h.span(f"[{where}·{v.scope}]", class_="muted"), f" {v.message}", _judged(f))


def doubt_note(label: str, flags: dict[str, str], shown: int = 4) -> str:
    """"本年报告有 3 个数字解析存疑…": the figures and why, grouped by reason (the first few)."""
    reasons = by_reason(flags)
    groups = [f"{'、'.join(cells[:3])}{'等' + str(len(cells)) + '个' if len(cells) > 3 else ''}（{why}）"
              for why, cells in reasons[:shown]]
    more = f"；另有{len(reasons) - shown}种情况" if len(reasons) > shown else ""
    return (f"{label}报告有 {len(flags)} 个数字解析存疑，核对按解析出的数字进行，须核对原件"
            f"（确认后可用 gknb fix 核定）：{'；'.join(groups)}{more}。")


def verdict(c: Comparison) -> Element:
    new_e, new_w = c.of(NEW, "error"), c.of(NEW, "warning")
    old_e, old_w = c.of(OLD, "error"), c.of(OLD, "warning")
    doubts = {which: c.doubtful(which) for which in (NEW, OLD)}
    state, word = (("bad", "有错误") if c.errors else ("warn", "无错误，有警告") if c.warnings
                   else ("warn", "无错误，有解析存疑的数字") if any(doubts.values()) else ("ok", "未发现问题"))
    line = f"{word}：本年报告 {len(new_e)} 个错误、{len(new_w)} 个警告（含跨年度核对）"
    if c.old is not None:
        line += f"；上年报告 {len(old_e)} 个错误、{len(old_w)} 个警告"
    out: list[Child] = [h.h2("结论"), h.p(f"{line}。", class_="line")]
    notes = [doubt_note(label, flags) for label, flags in (("本年", doubts[NEW]), ("上年", doubts[OLD])) if flags]
    notes += c.notes
    fixed = sum(len(d.fixes) for d in c.decisions.values())
    if fixed or c.dismissed:
        notes.append(f"人工核定数字 {fixed} 个，驳回发现 {len(c.dismissed)} 个（不计入），见“人工处理记录”。")
    if notes:
        out.append(h.ul(h.li(n) for n in notes))
    errors = new_e + old_e
    if errors:
        out += [h.h3("错误"), h.ul(_finding_li(f) for f in errors)]
    if new_w:
        out += [h.h3("警告（本年）"), h.ul(_finding_li(f) for f in new_w)]
    if old_w:
        rules = "、".join(dict.fromkeys(f.rule for f in old_w))
        out.append(h.p(f"上年报告另有 {len(old_w)} 个警告（{rules}），见“核对结果”。", class_="note"))
    out += important_changes(c)
    return h.section(out, id="verdict", class_=f"verdict {state}")


def important_changes(c: Comparison) -> list[Element]:
    out = [h.h3("最重要的变化")]
    keys = c.key_figures()
    if keys and c.old is not None:
        out.append(h.table(
            head("关键数字", ("上年", N), ("本年", N), ("增减", N),
                     ("增幅", N)),
            h.tbody(h.tr(SWING if k.is_swing(c.thresholds) else None, h.td(cell_name(k)),
                         h.td(cell_html(k.old), N), h.td(cell_html(k.new), N),
                         h.td(signed(k.delta), N), h.td(pct(k), N)) for k in keys),
            class_="keys"))
    items = []
    key_ids = {k.cell.id for k in keys}
    for s in c.headline_swings():
        if s.cell.id not in key_ids:
            items.append(f"大幅变化：{cell_name(s)}：{change_text(s)}")
    texts = [t for t in c.texts if t.key != PREAMBLE and t.diff.old_chars and t.diff.new_chars]
    if texts:
        parts = "；".join(f"{t.key} {t.similarity:.0%}" for t in texts)
        items.append(f"正文与上年的相似度（按部分）：{parts}")
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
        out.append(h.ul(h.li(i) for i in items))
    return out if len(out) > 1 else []


def toc(c: Comparison) -> Element:
    links = [("checks", "核对结果"), ("figures", "数字对照")]
    if c.texts:
        links.append(("texts", "正文对照"))
    if c.carryover is not None:
        links.append(("problems", "上年问题跟踪"))
    return h.nav((h.a(t, href=f"#{a}") for a, t in links), class_="toc")


def _findings_table(findings: list[ReviewFinding]) -> Element:
    if not findings:
        return h.p("未发现问题。", class_="muted")
    rows = (h.tr(h.td(badge(f.severity)),
                 h.td(h.span(f.rule, class_="rule-id"), h.br(), h.span(tpl.load().rule(f.rule).title, class_="note")),
                 h.td(f.violation.scope), h.td(f.violation.message, _judged(f))) for f in findings)
    return h.table(head(("级别", {"style": "width:4.2em"}), ("规则", {"style": "width:11em"}),
                            ("位置", {"style": "width:10em"}), "说明"), h.tbody(rows))


def _judged(f: ReviewFinding) -> list[Child]:
    v = f.verdict
    if v is None:
        return []
    return [h.br(), h.span(VERDICT_ZH[v.verdict], class_="badge passed"), " ",
            h.span(f"{v.by}，{v.date.isoformat()}：{v.reason}", class_="note")]


def decisions(c: Comparison) -> list[Element]:
    """What people decided about either year: figures fixed and findings judged, who, when, why."""
    fixes, judged = [], []
    for which, report in ((NEW, c.new), (OLD, c.old)):
        d = c.decisions.get(which)
        if d is None or report is None:
            continue
        for f in d.fixes:
            fixes.append(h.tr(h.td(_year(report)), h.td(cell_label(f.cell)), h.td(f.old_shown, N),
                              h.td(f.new_value, N), h.td(f.by), h.td(f.date.isoformat()), h.td(f.reason)))
        for v in d.verdicts:
            judged.append(h.tr(h.td(_year(report)),
                               h.td(h.span(v.rule, class_="rule-id"), f" {tpl.load().rule(v.rule).title}"),
                               h.td(v.scope), h.td(v.message), h.td(VERDICT_ZH[v.verdict]), h.td(v.by),
                               h.td(v.date.isoformat()), h.td(v.reason)))
    if not fixes and not judged:
        return []
    out = [h.h3("人工处理记录", id="decisions")]
    if fixes:
        out += [h.p("经人工核定的数字（重新解析后仍然保留）：", class_="note"),
                h.table(head("年度", "单元格", ("原值", N), ("核定为", N), "处理人",
                                 "日期", "理由"), h.tbody(fixes))]
    if judged:
        out += [h.p("审核人员确认或驳回的发现（驳回的不计入错误和警告，数字变化后重新提示）：", class_="note"),
                h.table(head("年度", "规则", "位置", "发现", "决定", "处理人", "日期", "理由"), h.tbody(judged))]
    return out


def checks(c: Comparison) -> Element:
    out: list[Child] = [h.h2("一、核对结果"), h.h3("跨年度核对")]
    rows = (h.tr(h.td(h.span(s.rule.id, class_="rule-id")), h.td(s.rule.title),
                 h.td(h.span(STATE_ZH[s.state], class_=f"badge {BADGE[s.state]}")), h.td(s.note))
            for s in c.statuses)
    out.append(h.table(head(("规则", {"style": "width:4.5em"}), "内容", ("结果", {"style": "width:5.5em"}), "说明"),
                       h.tbody(rows)))
    out += [h.h3(f"本年度（{_year(c.new)}）"), _findings_table(c.of(NEW))]
    if c.old is not None:
        out += [h.h3(f"上年度（{_year(c.old)}）"), _findings_table(c.of(OLD))]
    out += [*decisions(c), *statements(c), *parser_notes(c)]
    return h.section(out, id="checks", class_="part")


def statements(c: Comparison) -> list[Element]:
    rows = []
    for which, report in ((NEW, c.new), (OLD, c.old)):
        for st in c.statements.get(which, []):
            values = [num(v) for v in dict.fromkeys(v for v in st.tables if v is not None)]
            result = (h.span("一致", class_="badge passed") if st.agrees else
                      h.span("不一致", class_="badge warning") if st.checkable else
                      h.span("无法核对", class_="badge unchecked"))
            rows.append(h.tr(h.td(_year(report)), h.td(st.section), h.td(st.text), h.td(str(st.stated), N),
                             h.td(" 或 ".join(values) or "未填写", N), h.td(result)))
    heading = h.h3(f"正文中的数字（{rs.load().ids(rs.TextFiguresRule)}）")
    if not rows:
        return [heading, h.p("正文中没有找到可与表格核对的数字。", class_="muted")]
    return [heading, h.table(head(("年度", {"style": "width:6em"}), ("部分", {"style": "width:3em"}), "正文",
                                      ("所称", N), ("表格", N),
                                      ("结果", {"style": "width:5.5em"})), h.tbody(rows))]


def parser_notes(c: Comparison) -> list[Element]:
    items = [(r, f) for r in (c.new, c.old) if r is not None for f in r.findings]
    if not items:
        return []
    return [h.h3("解析说明"), h.p("读取报告时注意到的情况（不是规则判断）：", class_="note"),
            h.ul((h.li(f"{_year(r)}：{f.message}") for r, f in items), class_="note")]


def footer(generated_on: str | None) -> Element:
    when = f"，{generated_on}" if generated_on else ""
    return h.footer(f"由 gknb {__version__} 生成{when}。规则编号见《年报格式说明》（FORMAT.md）；"
                    "本对照只读取两份报告本身，结论供审核参考。")


def title(c: Comparison) -> str:
    years = f"{_year(c.new)}与{_year(c.old)}" if c.old is not None else _year(c.new)
    return f"{c.agency}{years}政府信息公开工作年度报告对照"


def render(c: Comparison, *, generated_on: str | None = None) -> str:
    """The whole page."""
    return page(title(c), [header(c), verdict(c), toc(c), checks(c), figures(c), texts(c), problems(c),
                           footer(generated_on)])
