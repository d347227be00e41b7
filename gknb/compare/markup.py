"""Markup shared by the report pages: the element maker, the page shell, figures as elements.

Reports are untrusted input: pages are lxml trees made with :data:`h`, so every piece of
document text is a text node or an attribute value, escaped when :func:`page` serialises the
tree (and cleaned of what XML cannot carry, :func:`gknb.ooxml.xml_text`); the shell declares a
Content-Security-Policy under which nothing loads or runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from lxml import etree

from gknb.model import ABSENT, BLANK, Cell
from gknb.ooxml import Child, Maker
from gknb.rules import SEVERITY_ZH

from .changes import FigureChange
from .style import CSS

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
SWING = {"class": "swing"}  # a row's or cell's attributes when it is a swing
N = {"class": "n"}  # a figure's cell: right-aligned
Element = etree._Element
h = Maker()  # h.td(text, class_="n"): an element of the page


def head(*labels: str | tuple[str, Mapping[str, str] | None]) -> Element:
    """A table's head row: each column a label, or a label and its header cell's attributes."""
    return h.thead(h.tr(h.th(*label) if isinstance(label, tuple) else h.th(label) for label in labels))


def slot(name: str) -> Element:
    """A place in a page for elements :func:`page` makes and serialises one at a time (its
    ``slots``): a table with a row for each of 10,000 agencies is never one tree (it cost the
    January job's parent ≈ 10 KB an agency).  A comment no text of a report can forge (text is
    escaped: its ``<`` never reaches the page as markup)."""
    return etree.Comment(f" slot:{name} ")


def page(title: str, body: Child, *, css: str = CSS, slots: Mapping[str, Iterable[Element]] | None = None) -> str:
    """The whole page, serialised once: doctype, utf-8, the policy, the stylesheet, ``body``;
    each :func:`slot` in it replaced by its elements, serialised as they are made."""
    top = h.head(h.meta(charset="utf-8"), h.meta({"http-equiv": "Content-Security-Policy", "content": CSP}),
                 h.meta(name="viewport", content="width=device-width, initial-scale=1"), h.title(title),
                 h.style(css))
    main = h.body(body)
    for part in (top, main):  # one block a line, for a person reading the source
        part.text = "\n"
        for child in part:
            child.tail = "\n"
    doc = h.html("\n", top, "\n", main, "\n", lang="zh-CN")
    text = etree.tostring(doc, method="html", encoding="unicode", doctype="<!DOCTYPE html>") + "\n"
    for name, elements in (slots or {}).items():
        marker = etree.tostring(slot(name), method="html", encoding="unicode")
        before, found, after = text.partition(marker)
        if not found:
            raise ValueError(f"no slot {name!r} in the page")
        text = "".join((before, *(etree.tostring(e, method="html", encoding="unicode") for e in elements), after))
    return text


def num(v) -> str:
    if isinstance(v, Decimal):
        return format(v.normalize() if v == v.to_integral_value() else v, "f")
    return str(v)


def signed(v) -> Element | None:
    if v is None:
        return None
    cls = "up" if v > 0 else "down" if v < 0 else "muted"
    text = f"+{num(v)}" if v > 0 else f"−{num(-v)}" if v < 0 else "0"
    return h.span(text, class_=cls)


def pct(fc: FigureChange) -> Element | None:
    if fc.delta is None:
        return None
    if fc.ratio is None:
        return h.span("新增", class_="up") if fc.delta > 0 else None
    r = fc.ratio * 100
    text = f"+{r:.0f}%" if r > 0 else f"−{-r:.0f}%" if r < 0 else "0%"
    return h.span(text, class_="up" if r > 0 else "down" if r < 0 else "muted")


def cell_html(cell: Cell | None) -> Child:
    if cell is None:
        return h.span("—", class_="blank", title="该年表格格式中没有这一项")
    if cell.state == BLANK:
        return h.span("空白", class_="blank", title="单元格空白（空白不等于0）")
    if cell.state == ABSENT:
        return h.span("存疑" if cell.flag else "缺失", class_="blank", title=cell.flag or "表中没有这一行或这一栏")
    text = num(cell.value)
    if cell.flag:
        return [text, h.span("?", class_="flag", title=cell.flag)]
    return text


def change_text(fc: FigureChange) -> str:
    """"21 → 95（+74，+352%）" for the verdict's lists (plain text); a figure the reader was unsure
    of is marked "?" and the change said to rest on it."""
    def shown(cell: Cell | None, value) -> str:
        return ("—" if value is None else num(value)) + ("?" if cell is not None and cell.flag else "")

    o, n = shown(fc.old, fc.old_value), shown(fc.new, fc.new_value)
    if fc.delta is None:
        return f"{o} → {n}"
    rel = "，新增" if fc.ratio is None and fc.delta > 0 else f"，{fc.ratio * 100:+.0f}%" if fc.ratio is not None else ""
    d = f"+{num(fc.delta)}" if fc.delta > 0 else num(fc.delta)
    doubt = "，数字存疑" if "?" in o + n else ""
    return f"{o} → {n}（{d}{rel}{doubt}）"


def cell_name(fc: FigureChange) -> str:
    """A figure's label path; a row's 总计 of table 三 is named by its row alone."""
    path = fc.cell.json_path
    if fc.cell.table == "requests" and fc.cell.column.id == "total":
        path = path[:-1]
    return " / ".join(path)


def badge(severity: str) -> Element:
    return h.span(SEVERITY_ZH[severity], class_=f"badge {severity}")


def year_of(r) -> str:
    return f"{r.year}年度" if r is not None and r.year else "年度不详"
