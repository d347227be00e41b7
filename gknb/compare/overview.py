"""The office's view across agencies: each agency's key figures over the years, rankings, and the
rule findings per agency as a matrix — one self-contained page, charts as inline SVG.

Like the comparison pages it loads nothing and runs nothing (the shell and escaping of
:mod:`markup`), and the same archive gives the same bytes: agencies in name order, figures
formatted with fixed precision, no clock.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from gknb import template as tpl
from gknb.archive.store import Store
from gknb.archive.xml import ArchiveError
from gknb.model import Report
from gknb.rules import ERROR, Violation, check

from .markup import Element, N, h, head, num, page
from .style import CSS

SPARK_W, SPARK_H, BAR_W, BAR_H = 110, 30, 300, 16
DOUBT = "?"  # after a figure resting on a cell the reader was unsure of (as the comparison pages mark it)


@dataclass(frozen=True)
class Measure:
    """A key figure: the sum of ``cells``, or its share of the sum of ``of`` when given."""

    label: str
    cells: tuple[str, ...]
    of: tuple[str, ...] = ()

    def value(self, r: Report | None) -> float | None:
        if r is None:
            return None
        parts = [r.value(c) for c in self.cells]
        if None in parts:
            return None
        total = float(sum(Decimal(p) for p in parts if p is not None))
        if not self.of:
            return total
        base = [r.value(c) for c in self.of]
        if None in base:
            return None
        denominator = float(sum(Decimal(b) for b in base if b is not None))
        return total / denominator if denominator else None

    @property
    def share(self) -> bool:
        return bool(self.of)

    def doubtful(self, r: Report | None) -> bool:
        """The figure rests on a cell the reader was unsure of: shown marked, never as certain."""
        return r is not None and any((c := r.cells.get(cid)) is not None and bool(c.flag)
                                     for cid in (*self.cells, *self.of))


_SUITS = ("review_litigation.direct_suit", "review_litigation.suit_after_review")
# The figures the office looks at across agencies (ids are the template's stable cell ids).
MEASURES = (
    Measure("新收申请（件）", ("requests.new.total",)),
    Measure("予以公开占办理结果比例", ("requests.disclosed.total",), ("requests.total.total",)),
    Measure("行政复议（件）", ("review_litigation.reconsideration.total",)),
    Measure("行政复议纠正比例", ("review_litigation.reconsideration.corrected",),
            ("review_litigation.reconsideration.total",)),
    Measure("行政诉讼（件）", tuple(f"{s}.total" for s in _SUITS)),
    Measure("行政诉讼纠正比例", tuple(f"{s}.corrected" for s in _SUITS), tuple(f"{s}.total" for s in _SUITS)),
    Measure("行政事业性收费（万元）", ("proactive.art20_8.admin_fees.fee_amount",)),
)
RANKED = (MEASURES[0], MEASURES[1])


@dataclass
class Agency:
    name: str
    reports: dict[int, Report] = field(default_factory=dict)
    findings: list[Violation] = field(default_factory=list)  # the latest year's, cross-year ones included
    errors: list[str] = field(default_factory=list)  # archive entries that could not be read


@dataclass
class Overview:
    years: list[int]
    agencies: list[Agency]

    @property
    def latest(self) -> int:
        return self.years[-1]


def gather(store: Store, first: int | None = None, last: int | None = None) -> Overview:
    """Every agency of the archive with its reports of the years asked (all years by default)."""
    entries = [e for e in store.entries() if (first is None or e.year >= first) and (last is None or e.year <= last)]
    years = sorted({e.year for e in entries})
    agencies: dict[str, Agency] = {}
    for e in sorted(entries, key=lambda e: (e.agency, e.year)):
        a = agencies.setdefault(e.agency, Agency(store.agency_name(e.agency)))
        try:
            r = store.get(e.agency, e.year)
        except ArchiveError as err:
            a.errors.append(str(err))
            continue
        if r is not None:
            a.reports[e.year] = r
    for a in agencies.values():
        if a.reports:
            latest = max(a.reports)
            a.findings = check(a.reports[latest], a.reports.get(latest - 1))
    return Overview(years, sorted(agencies.values(), key=lambda a: a.name))


# --------------------------------------------------------------------------- charts

def _shown(m: Measure, v: float | None, doubtful: bool = False) -> str:
    if v is None:
        return "—"
    shown = f"{v * 100:.1f}%" if m.share else num(Decimal(f"{v:.2f}").normalize() if v != int(v) else int(v))
    return shown + DOUBT if doubtful else shown


def sparkline(m: Measure, years: list[int], values: list[float | None], doubts: list[bool] | None = None) -> Element:
    """A small line over the years; a year without a figure breaks the line (never drawn as 0)."""
    known = [v for v in values if v is not None]
    if not known:
        return h.span("—", class_="blank")
    top = max(max(known), 1.0 if m.share else 0.0) or 1.0
    step = (SPARK_W - 8) / max(len(years) - 1, 1)
    pts = [(4 + i * step, SPARK_H - 4 - (v / top) * (SPARK_H - 8)) if v is not None else None
           for i, v in enumerate(values)]
    runs: list[list[tuple[float, float]]] = [[]]
    for p in pts:
        if p is None:
            runs.append([])
        else:
            runs[-1].append(p)
    lines = (h.polyline(points=" ".join(f"{x:.1f},{y:.1f}" for x, y in run)) for run in runs if len(run) > 1)
    dots = (h.circle(cx=f"{x:.1f}", cy=f"{y:.1f}", r=2) for x, y in (p for p in pts if p is not None))
    label = "；".join(f"{y}年 {_shown(m, v, d)}" for y, v, d in zip(years, values, doubts or [False] * len(years)))
    return h.svg(h.title(f"{m.label}：{label}"), lines, dots, {"class": "spark", "width": SPARK_W, "height": SPARK_H,
                                                             "viewBox": f"0 0 {SPARK_W} {SPARK_H}", "role": "img"})


def bars(m: Measure, rows: list[tuple[str, float, bool]]) -> Element:
    """A ranking as horizontal bars, largest first; (agency, figure, doubtful) each."""
    rows = sorted(rows, key=lambda r: (-r[1], r[0]))
    top = max((v for _, v, _ in rows), default=0.0) or 1.0
    height = BAR_H * len(rows) + 4
    svg = h.svg({"class": "bars", "width": "100%", "height": height, "viewBox": f"0 0 {BAR_W + 260} {height}",
                 "role": "img"}, h.title(f"{m.label}排名"))
    for i, (name, v, doubtful) in enumerate(rows):
        y = 2 + i * BAR_H
        w = max(v / top * BAR_W, 1.0)
        svg.extend([h.text(name[:14], {"x": 170, "y": y + BAR_H - 4, "text-anchor": "end"}),
                    h.rect(x=176, y=y + 2, width=f"{w:.1f}", height=BAR_H - 4),
                    h.text(_shown(m, v, doubtful), x=f"{176 + w + 4:.1f}", y=y + BAR_H - 4)])
    return svg


# --------------------------------------------------------------------------- the page

_CSS = """
svg.spark polyline { fill: none; stroke: #2f5d8a; stroke-width: 1.6; }
svg.spark circle { fill: #2f5d8a; }
svg.bars rect { fill: #2f5d8a; }
svg.bars text { font-size: 11px; fill: #1d232b; }
td.spark { white-space: nowrap; }
td.agency { min-width: 9em; }
td.spark .last { display: block; font-size: 12px; }
table.matrix td.n { text-align: center; }
table.matrix td.error { background: var(--err-bg); color: var(--err); font-weight: 700; }
table.matrix td.warning { background: var(--warn-bg); color: var(--warn); }
.ranking { break-inside: avoid; }
@media print { table.figures, table.matrix { font-size: 8pt; } svg.spark { width: 90px; } }
"""


def _figures_table(o: Overview, measures: list[Measure]) -> Element:
    rows = []
    for a in o.agencies:
        cells = []
        for m in measures:
            values = [m.value(a.reports.get(y)) for y in o.years]
            doubts = [m.doubtful(a.reports.get(y)) for y in o.years]
            last = next((f"{y}年 {_shown(m, v, d)}" for y, v, d in zip(*(reversed(x) for x in (o.years, values, doubts)))
                         if v is not None), "")
            cells.append(h.td(sparkline(m, o.years, values, doubts), h.span(last, class_="last"), class_="spark"))
        rows.append(h.tr(h.td(a.name, class_="agency"), cells))
    return h.table(head("机关", *(m.label for m in measures)), h.tbody(rows), class_="figures")


def _figures(o: Overview) -> list[Element]:
    return [h.h2(f"关键数字（{o.years[0]}—{o.latest}年度）"),
            h.p("每条折线为该机关各年度的数字，缺少某年报告或数字时折线断开（不按0画）。"
                f"数字后的“{DOUBT}”表示该数字解析存疑（核对原件后可用 gknb fix 核定）。", class_="note"),
            h.h3("数量"), _figures_table(o, [m for m in MEASURES if not m.share]),
            h.h3("比例"), _figures_table(o, [m for m in MEASURES if m.share])]


def _rankings(o: Overview) -> list[Element]:
    out = [h.h2(f"{o.latest}年度排名")]
    for m in RANKED:
        rows = [(a.name, v, m.doubtful(r)) for a in o.agencies
                if (v := m.value(r := a.reports.get(o.latest))) is not None]
        out.append(h.div(h.h3(m.label), bars(m, rows) if rows else h.p("没有机关填写这一数字。", class_="note"),
                         class_="ranking"))
    return out


def _matrix(o: Overview) -> list[Element]:
    t = tpl.load()
    seen = {v.rule for a in o.agencies for v in a.findings}
    rules = [r for r in t.rules if r.id in seen]
    heading = h.h2("核对结果（各机关最近一年的报告，含与上年的跨年度核对）")
    if not rules:
        return [heading, h.p("各机关的报告均未发现问题。", class_="note")]
    rows = []
    for a in o.agencies:
        counts = Counter(v.rule for v in a.findings)
        worst = {v.rule for v in a.findings if v.severity == ERROR}
        year = max(a.reports) if a.reports else None
        cells = (h.td(str(counts[r.id] or ""), class_=f'n {"error" if r.id in worst else "warning" if counts[r.id] else ""}')
                 for r in rules)
        rows.append(h.tr(h.td(a.name), h.td(str(year or ""), N), cells))
    return [heading,
            h.table(h.thead(h.tr(h.th("机关"), h.th("年度", N), (h.th(r.id, class_="n", title=r.title) for r in rules))),
                    h.tbody(rows), class_="matrix"),
            h.ul((h.li(h.span(r.id, class_="rule-id"), f" {r.title}") for r in rules), class_="legend")]


def render(o: Overview) -> str:
    """The overview page; ``o`` must hold at least one year."""
    unreadable = [h.li(e) for a in o.agencies for e in a.errors]
    body = [h.header(h.p("政府信息公开工作年度报告 · 各机关总览", class_="kicker"),
                     h.h1(f"{o.years[0]}—{o.latest}年度各机关总览"),
                     h.p(f"共 {len(o.agencies)} 个机关，{len(o.years)} 个年度。", class_="years")),
            *_figures(o), *_rankings(o), *_matrix(o),
            *([h.h2("无法读取的档案"), h.ul(unreadable)] if unreadable else []),
            h.footer("由 gknb 根据档案生成。")]
    return page(f"{o.years[0]}—{o.latest}年度各机关总览", body, css=CSS + _CSS)


def workbook(o: Overview) -> bytes:
    """The key figures as .xlsx with Chinese headers, wide: a sheet per year, agencies × figures."""
    from openpyxl import Workbook  # late: the page alone needs no spreadsheet library
    from openpyxl.styles import Font

    from gknb.xlsx import workbook_bytes
    wb = Workbook()
    wb.remove(wb.active)
    for year in o.years:
        ws = wb.create_sheet(f"{year}年度")
        ws.append(["机关", *(m.label.replace("比例", "比例（%）") if m.share else m.label for m in MEASURES),
                   "解析存疑的数字"])
        for a in o.agencies:
            r = a.reports.get(year)
            if r is None:
                continue
            values = [m.value(r) for m in MEASURES]
            doubts = "、".join(m.label for m, v in zip(MEASURES, values) if v is not None and m.doubtful(r))
            ws.append([a.name, *(None if v is None else round(v * 100, 1) if m.share else int(v) if v.is_integer()
                                 else v for m, v in zip(MEASURES, values)), doubts or None])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "B2"
    return workbook_bytes(wb)
