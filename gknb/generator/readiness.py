"""Whether a composed report may go out as final, and what stands in its way.

A report is final only when its figures pass every error-level rule of the template (sums,
carried-over figures, non-negative counts), no figure is one the reader was unsure of (a report
given as the figures: a mark after a figure, a run it could not cut, a damaged byte) and no gap
is left for the user to fill.  Anything else is written, if at all, as a draft marked on every
page (``gknb generate --draft``).
"""

from __future__ import annotations

from gknb import template as tpl
from gknb.model import UNSURE, Report
from gknb.rules import ERROR, check

from .basis import Figures
from .document import Document, Para
from .settings import load


def blockers(figures: Figures, doc: Document, previous: Report | None = None) -> list[str]:
    """Why the report cannot be final (Chinese, one line each); empty when it can."""
    out = [f"{v.rule} {v.message}" for v in check(figures.report, previous) if v.severity == ERROR]
    out += unsure(figures.report)
    pattern = load().gap_pattern()
    for block in doc.blocks:
        if isinstance(block, Para):
            out += pattern.findall(block.text)
    return out


def draft_name(title: str) -> str:
    """The file name (without suffix) of a draft: its title and the draft mark."""
    return title + load().text["draft_suffix"]


def unsure(report: Report) -> list[str]:
    """What the reader of the report was unsure of: each flagged figure, each doubt about the
    document itself (a cell's doubt is said once, with its figure)."""
    t = tpl.load()
    out = [f"数字存疑：{'/'.join(t.cell(cid).json_path)}：{cell.flag}"
           for cid, cell in sorted(report.cells.items()) if cell.flag]
    out += [f"存疑：{f.message}" for f in report.findings if f.kind == UNSURE and f.ref not in report.cells]
    return out
