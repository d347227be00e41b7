"""The batch index: every agency's comparison for a year on one page, worst first."""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

from .html import esc, page

_STATE = (("bad", "有错误"), ("warn", "有警告"), ("ok", "未发现问题"))


def _state(c) -> str:
    return "bad" if c.errors else "warn" if c.warnings else "ok"


def render_index(year: int, items, *, generated_on: str | None = None) -> str:
    done = [i for i in items if i.comparison is not None]
    done.sort(key=lambda i: (-len(i.comparison.errors), -len(i.comparison.warnings), i.agency))
    counts = Counter(_state(i.comparison) for i in done)
    no_prev = sum(i.comparison.old is None for i in done)
    summary = "；".join(f"{word} {counts[k]} 个" for k, word in _STATE)
    rows = []
    for i in done:
        c = i.comparison
        rules = Counter(f.rule for f in c.findings)
        rule_text = "、".join(f"{r}×{n}" if n > 1 else r for r, n in sorted(rules.items()))
        prev = f"{c.old.year}年度" if c.old is not None else "无"
        rows.append(
            f'<tr><td><a href="{esc(quote(i.file))}">{esc(i.agency)}</a></td><td class="n">{esc(prev)}</td>'
            f'<td class="n">{len(c.errors) or ""}</td><td class="n">{len(c.warnings) or ""}</td>'
            f'<td><span class="rule-id">{esc(rule_text)}</span></td>'
            f'<td><span class="badge {"error" if c.errors else "warning" if c.warnings else "passed"}">'
            f'{dict(_STATE)[_state(c)]}</span></td></tr>')
    failed = "".join(f"<li>{esc(i.agency)}：{esc(i.error)}</li>" for i in items if i.comparison is None)
    when = f"，{esc(generated_on)}" if generated_on else ""
    body = (
        f'<header><p class="kicker">政府信息公开工作年度报告 · 年度对照汇总</p><h1>{year}年度报告对照汇总</h1>'
        f'<p class="years">共 {len(done)} 个机关：{esc(summary)}；其中 {no_prev} 个档案中没有上年报告。</p></header>\n'
        '<table><thead><tr><th>机关</th><th class="n">对照年度</th><th class="n">错误</th><th class="n">警告</th>'
        f'<th>涉及规则</th><th>结论</th></tr></thead><tbody>{"".join(rows)}</tbody></table>\n'
        + (f'<h2>无法对照</h2><ul>{failed}</ul>\n' if failed else "")
        + f"<footer>由 gknb 生成{when}。每个机关一份对照报告，点击机关名称打开。</footer>")
    return page(f"{year}年度政府信息公开工作年度报告对照汇总", body)
