"""The batch index: every agency's comparison for a year on one page, worst first.

This year's findings (cross-year ones included) decide the order and the verdict; last
year's are shown beside them as context.  Given the register's roster, the page starts with
who must report and who has not (see ``submissions``), and lists the run's conflicts and
refusals, each naming its file; every rule code is shown with its Chinese title.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from gknb import template as tpl
from gknb.ooxml import Child
from gknb.rules import ERROR, SEVERITY_ZH, Violation

from .checks import NEW, OLD
from .markup import Element, N, h, page, slot
from .submissions import REMINDER_NAME, Submission, summary_line, table_html, table_rows

_WORD = {"bad": "有错误", "warn": "有警告", "doubt": "数字存疑", "ok": "未发现问题"}
_BADGE = {"bad": "error", "warn": "warning", "doubt": "warning", "ok": "passed"}


@dataclass(frozen=True)
class IndexRow:
    """What the index shows of one agency's comparison: a few counts, not the comparison, so that
    a batch of thousands (the January job) keeps one small row an agency."""

    agency: str
    file: str | None  # the agency's page; None with ``error``
    error: str | None = None
    previous: int | None = None  # the year compared against; None when there is no last year
    errors: int = 0  # this year's (cross-year findings included)
    warnings: int = 0
    rules: tuple[tuple[str, int], ...] = ()  # this year's findings by rule
    old_errors: int = 0  # last year's own
    old_warnings: int = 0
    doubtful: int = 0  # this year's figures the reader was unsure of

    @classmethod
    def of(cls, agency: str, file: str | None, c: Any = None, error: str | None = None) -> IndexRow:
        """From a comparison (``compare.comparison.Comparison``), or an agency that could not be compared."""
        if c is None:
            return cls(agency, None, error)
        return cls(agency, file, None, c.old.year if c.old is not None else None,
                   len(c.of(NEW, "error")), len(c.of(NEW, "warning")),
                   tuple(sorted(Counter(f.rule for f in c.of(NEW)).items())),
                   len(c.of(OLD, "error")), len(c.of(OLD, "warning")), len(c.doubtful(NEW)))

    def failed(self, error: str) -> IndexRow:
        return IndexRow(self.agency, None, error)


def _state(r: IndexRow) -> str:
    return "bad" if r.errors else "warn" if r.warnings else "doubt" if r.doubtful else "ok"


def _n(x: int) -> str:
    return str(x) if x else ""


def rule_titles(rules: Counter) -> list[Child]:
    """"T3-1 第一项加第二项之和…×2" for each rule, by code: the code and what it means."""
    t = tpl.load()
    out: list[Child] = []
    for r, n in sorted(rules.items()):
        if out:
            out.append(h.br())
        out += [h.span(r, class_="rule-id"), f" {t.rule(r).title}{f'×{n}' if n > 1 else ''}"]
    return out


def _consolidation(government: str, line: str, found: Sequence[Violation]) -> Element:
    """A 本级政府's consolidated report: what was added up, and its C-1 findings."""
    items = (h.li(h.span(SEVERITY_ZH[v.severity], class_=f"badge {_BADGE['bad' if v.severity == ERROR else 'warn']}"),
                  " ", h.span(v.rule, class_="rule-id"), f" {tpl.load().rule(v.rule).title} [{v.scope}] {v.message}")
             for v in found)
    return h.li(h.strong(government), f"：{line}", h.ul(items) if found else None)


def render_index(year: int, items: Sequence[IndexRow], *, generated_on: str | None = None,
                 submissions: list[Submission] | None = None, problems: Sequence[str] = (),
                 consolidations: Sequence[tuple[str, str, Sequence[Violation]]] = ()) -> str:
    """The page; ``consolidations``: each 本级政府's consolidated report as (government, what was
    added up and how its published report compares, the C-1 findings)."""
    done = sorted((i for i in items if i.error is None), key=lambda i: (-i.errors, -i.warnings, i.agency))
    counts = Counter(_state(i) for i in done)
    no_prev = sum(i.previous is None for i in done)
    summary = "；".join(f"本年{word} {counts[k]} 个" for k, word in _WORD.items())
    def rows() -> Iterator[Element]:  # made as the page is written (a slot), never one tree
        for i in done:
            prev = f"{i.previous}年度" if i.previous is not None else "无"
            state = _state(i)
            yield h.tr(
                h.td(h.a(i.agency, href=quote(i.file or ""))), h.td(prev, N),
                h.td(_n(i.errors), N), h.td(_n(i.warnings), N), h.td(_n(i.doubtful), N),
                h.td(rule_titles(Counter(dict(i.rules))), class_="rules"),
                h.td(_n(i.old_errors), N), h.td(_n(i.old_warnings), N),
                h.td(h.span(_WORD[state], class_=f"badge {_BADGE[state]}")))
    failed = [h.li(f"{i.agency}：{i.error}") for i in items if i.error is not None]
    when = f"，{generated_on}" if generated_on else ""
    count = f"应报送 {len(submissions)} 个机关，其中 {len(done)} 个可以对照" if submissions is not None \
        else f"共 {len(done)} 个机关"
    body: list[Child] = [h.header(
        h.p("政府信息公开工作年度报告 · 年度对照汇总", class_="kicker"), h.h1(f"{year}年度报告对照汇总"),
        h.p(f"{count}：{summary}；其中 {no_prev} 个档案中没有上年报告。", class_="years"))]
    if submissions is not None:
        body += [h.h2("报送情况"),
                 h.p(f"{summary_line(submissions)}。未提交的机关见", h.a("催报名单", href=quote(f"{REMINDER_NAME}.html")),
                     "（另有 催报名单.xlsx）。"),
                 table_html("submissions")]
    if problems:
        body += [h.h2("本次运行的冲突和拒收"), h.ul(h.li(p) for p in problems)]
    if consolidations:
        body += [h.h2("本级政府汇总报告"),
                 h.p("按机关名录的“上级政府”汇总各成员机关的报告（见 汇总 文件夹），并核对已发布的汇总报告是否等于各成员机关之和。"),
                 h.ul(_consolidation(*c) for c in consolidations)]
    body += [h.h2("各机关报告对照"),
             h.table(h.thead(h.tr(h.th("机关", rowspan=2), h.th("对照年度", rowspan=2, class_="n"),
                                  h.th(f"{year}年度报告（含跨年度核对）", colspan=4), h.th("上年报告", colspan=2),
                                  h.th("结论", rowspan=2)),
                             h.tr(h.th("错误", N), h.th("警告", N), h.th("存疑数字", N), h.th("涉及规则"), h.th("错误", N),
                                  h.th("警告", N))),
                     h.tbody(slot("agencies")))]
    if failed:
        body += [h.h2("无法对照"), h.ul(failed)]
    body.append(h.footer(f"由 gknb 生成{when}。每个机关一份对照报告，点击机关名称打开。"))
    slots = {"submissions": table_rows(submissions)} if submissions is not None else {}
    return page(f"{year}年度政府信息公开工作年度报告对照汇总", body, slots={**slots, "agencies": rows()})
