"""The batch index: every agency's comparison for a year on one page, worst first.

This year's findings (cross-year ones included) decide the order and the verdict; last
year's are shown beside them as context.  Given the register's roster, the page starts with
who must report and who has not (see ``submissions``), and lists the run's conflicts and
refusals, each naming its file; every rule code is shown with its Chinese title.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from gknb import template as tpl
from gknb.rules import ERROR, SEVERITY_ZH, Violation

from .checks import NEW, OLD
from .markup import esc, page
from .submissions import Submission, summary_line, table_html

_WORD = {"bad": "有错误", "warn": "有警告", "ok": "未发现问题"}
_BADGE = {"bad": "error", "warn": "warning", "ok": "passed"}


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

    @classmethod
    def of(cls, agency: str, file: str | None, c: Any = None, error: str | None = None) -> IndexRow:
        """From a comparison (``compare.comparison.Comparison``), or an agency that could not be compared."""
        if c is None:
            return cls(agency, None, error)
        return cls(agency, file, None, c.old.year if c.old is not None else None,
                   len(c.of(NEW, "error")), len(c.of(NEW, "warning")),
                   tuple(sorted(Counter(f.rule for f in c.of(NEW)).items())),
                   len(c.of(OLD, "error")), len(c.of(OLD, "warning")))

    def failed(self, error: str) -> IndexRow:
        return IndexRow(self.agency, None, error)


def _state(r: IndexRow) -> str:
    return "bad" if r.errors else "warn" if r.warnings else "ok"


def _n(x: int) -> str:
    return str(x) if x else ""


def rule_titles(rules: Counter) -> str:
    """"T3-1 第一项加第二项之和…×2" for each rule, by code: the code and what it means."""
    t = tpl.load()
    return "<br>".join(
        f'<span class="rule-id">{esc(r)}</span> {esc(t.rule(r).title)}{f"×{n}" if n > 1 else ""}'
        for r, n in sorted(rules.items()))


def render_index(year: int, items: Sequence[IndexRow], *, generated_on: str | None = None,
                 submissions: list[Submission] | None = None, problems: Sequence[str] = (),
                 consolidations: Sequence[tuple[str, str, Sequence[Violation]]] = ()) -> str:
    """The page; ``consolidations``: each 本级政府's consolidated report as (government, what was
    added up and how its published report compares, the C-1 findings)."""
    done = sorted((i for i in items if i.error is None), key=lambda i: (-i.errors, -i.warnings, i.agency))
    counts = Counter(_state(i) for i in done)
    no_prev = sum(i.previous is None for i in done)
    summary = "；".join(f"本年{word} {counts[k]} 个" for k, word in _WORD.items())
    rows = []
    for i in done:
        prev = f"{i.previous}年度" if i.previous is not None else "无"
        state = _state(i)
        rows.append(
            f'<tr><td><a href="{esc(quote(i.file or ""))}">{esc(i.agency)}</a></td><td class="n">{esc(prev)}</td>'
            f'<td class="n">{_n(i.errors)}</td><td class="n">{_n(i.warnings)}</td>'
            f'<td class="rules">{rule_titles(Counter(dict(i.rules)))}</td>'
            f'<td class="n">{_n(i.old_errors)}</td><td class="n">{_n(i.old_warnings)}</td>'
            f'<td><span class="badge {_BADGE[state]}">{_WORD[state]}</span></td></tr>')
    failed = "".join(f"<li>{esc(i.agency)}：{esc(i.error)}</li>" for i in items if i.error is not None)
    when = f"，{esc(generated_on)}" if generated_on else ""
    roster = ""
    if submissions is not None:
        roster = (f'<h2>报送情况</h2><p>{esc(summary_line(submissions))}。'
                  '未提交的机关见<a href="催报名单.html">催报名单</a>（另有 催报名单.xlsx）。</p>\n'
                  f"{table_html(submissions)}\n")
    count = f"应报送 {len(submissions)} 个机关，其中 {len(done)} 个可以对照" if submissions is not None \
        else f"共 {len(done)} 个机关"
    run_problems = "".join(f"<li>{esc(p)}</li>" for p in problems)
    sums = "".join(f"<li><strong>{esc(g)}</strong>：{esc(line)}" + (
        "<ul>" + "".join(f'<li><span class="badge {_BADGE["bad" if v.severity == ERROR else "warn"]}">'
                         f'{SEVERITY_ZH[v.severity]}</span> <span class="rule-id">{esc(v.rule)}</span> '
                         f'{esc(tpl.load().rule(v.rule).title)} [{esc(v.scope)}] {esc(v.message)}</li>' for v in found)
        + "</ul>" if found else "") + "</li>" for g, line, found in consolidations)
    body = (
        f'<header><p class="kicker">政府信息公开工作年度报告 · 年度对照汇总</p><h1>{year}年度报告对照汇总</h1>'
        f'<p class="years">{count}：{esc(summary)}；其中 {no_prev} 个档案中没有上年报告。</p></header>\n'
        + roster
        + (f'<h2>本次运行的冲突和拒收</h2><ul>{run_problems}</ul>\n' if run_problems else "")
        + (f'<h2>本级政府汇总报告</h2><p>按机关名录的“上级政府”汇总各成员机关的报告（见 汇总 文件夹），'
           f'并核对已发布的汇总报告是否等于各成员机关之和。</p><ul>{sums}</ul>\n' if sums else "")
        + "<h2>各机关报告对照</h2>\n"
        '<table><thead><tr><th rowspan="2">机关</th><th rowspan="2" class="n">对照年度</th>'
        f'<th colspan="3">{year}年度报告（含跨年度核对）</th><th colspan="2">上年报告</th><th rowspan="2">结论</th></tr>'
        '<tr><th class="n">错误</th><th class="n">警告</th><th>涉及规则</th><th class="n">错误</th><th class="n">警告</th></tr>'
        f'</thead><tbody>{"".join(rows)}</tbody></table>\n'
        + (f'<h2>无法对照</h2><ul>{failed}</ul>\n' if failed else "")
        + f"<footer>由 gknb 生成{when}。每个机关一份对照报告，点击机关名称打开。</footer>")
    return page(f"{year}年度政府信息公开工作年度报告对照汇总", body)
