"""Markup helpers shared by the report pages: escaping, the page shell, figures as text.

Reports are untrusted input: every piece of document text goes through :func:`esc`, and
the page shell declares a Content-Security-Policy under which nothing loads or runs.
"""

from __future__ import annotations

import html
from decimal import Decimal

from gknb.model import ABSENT, BLANK, Cell
from gknb.rules import SEVERITY_ZH

from .changes import FigureChange
from .style import CSS

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
SWING = ' class="swing"'


def esc(s) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n')


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


def badge(severity: str) -> str:
    return f'<span class="badge {severity}">{SEVERITY_ZH[severity]}</span>'


def year_of(r) -> str:
    return f"{r.year}年度" if r is not None and r.year else "年度不详"
