"""A PDF read by both engines, every disagreement a flagged cell: ``gknb parse --verify``.

pdfium is the default reader; pdfplumber reads the same characters and ruling through
another parser.  The tests hold the two to the same figures on every corpus PDF and variant;
in production a run that asks for both (``PdfSettings(verify=True)``) turns each cell where
they differ into a flagged cell, so a staff member looks at it instead of trusting either.
"""

from __future__ import annotations

from dataclasses import dataclass

from gknb import template as tpl
from gknb.model import ABSENT, BLANK, UNSURE, Cell, Finding, Report

from .errors import DocumentError
from .matchsettings import MATCH, MatchSettings
from .pdf import read_pdf
from .source import PDFIUM, PDFPLUMBER, PdfSettings, Source
from .understand import understand

__all__ = ["Disagreement", "disagreements", "read_verified"]


@dataclass(frozen=True)
class Disagreement:
    """One cell (``cell`` set) or one section or heading field (``part``) read differently."""

    cell: str | None
    part: str | None
    first: str  # as the default engine read it
    second: str  # as the second engine read it


def read_verified(source: Source, events: list | None = None,
                  match: MatchSettings = MATCH) -> tuple[Report, int]:
    """The report as pdfium reads it, with every cell pdfplumber reads differently flagged."""
    layout = read_pdf(source, PdfSettings(PDFIUM))
    report = understand(layout, source.name, events, match)
    try:
        other = understand(read_pdf(source, PdfSettings(PDFPLUMBER)), source.name, settings=match)
    except DocumentError as e:
        report.findings.append(Finding(UNSURE, f"用第二种PDF读取引擎（pdfplumber）复核时无法读取：{e.problem}"))
        return report, layout.pages
    mark(report, disagreements(report, other))
    return report, layout.pages


def disagreements(first: Report, second: Report) -> list[Disagreement]:
    """Where two readings of one document differ: cells (state, value, printed text, whether
    flagged), section texts, and the identity fields."""
    out = []
    for cid, cell in first.cells.items():
        a, b = _shown(cell), _shown(second.cells.get(cid))
        if a != b:
            out.append(Disagreement(cid, None, a, b))
    for key in sorted(set(first.sections) | set(second.sections)):
        a, b = first.section_text(key), second.section_text(key)
        if a != b:
            out.append(Disagreement(None, key, *_where_they_differ(a, b)))
    for part in ("agency", "year", "title", "format"):
        a, b = str(getattr(first, part) or ""), str(getattr(second, part) or "")
        if a != b:
            out.append(Disagreement(None, part, a, b))
    return out


_PARTS = {"agency": "机关名称", "year": "年度", "title": "标题", "format": "格式"}


def mark(report: Report, found: list[Disagreement]) -> None:
    """Flag each disagreeing cell (the reason added to any it had) and report every one."""
    t = tpl.load()
    for d in found:
        why = f"两种PDF读取引擎结果不一致：pdfium读作“{d.first}”，pdfplumber读作“{d.second}”，请核对原件"
        if d.cell is not None:
            cell = report.cells[d.cell]
            cell.flag = f"{cell.flag}；{why}" if cell.flag else why
            report.findings.append(Finding(UNSURE, f"{'/'.join(t.cell(d.cell).json_path)}：{why}", d.cell))
        elif d.part in _PARTS:
            report.findings.append(Finding(UNSURE, f"{_PARTS[d.part]}{why}"))
        else:
            report.findings.append(Finding(UNSURE, f"第{d.part}部分的文字两种PDF读取引擎读得不同"
                                                   f"（pdfium：“…{d.first}…”，pdfplumber：“…{d.second}…”），请核对原件",
                                           d.part))


def _where_they_differ(a: str, b: str, width: int = 20) -> tuple[str, str]:
    """Both texts from a little before their first difference, ``width`` characters each."""
    n = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    start = max(0, n - 5)
    return a[start:start + width], b[start:start + width]


def _shown(cell: Cell | None) -> str:
    """A cell as a reader would say it: the figure, 空白, 缺失, and 存疑 when flagged."""
    if cell is None or cell.state == ABSENT:
        text = "缺失"
    elif cell.state == BLANK:
        text = "空白"
    else:
        text = str(cell.value)
    if cell is not None and cell.printed and cell.printed != text:
        text += f"（原文“{cell.printed}”）"
    return text + ("，存疑" if cell is not None and cell.flag else "")
