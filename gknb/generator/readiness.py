"""Whether a composed report may go out as final, and what stands in its way.

A report is final only when its figures pass every error-level rule of the template (sums,
carried-over figures, non-negative counts) and no gap is left for the user to fill.  Anything
else is written, if at all, as a draft marked on every page (``gknb generate --draft``).
"""

from __future__ import annotations

from gknb.model import Report
from gknb.rules import ERROR, check

from .basis import Figures
from .document import Document, Para
from .settings import load


def blockers(figures: Figures, doc: Document, previous: Report | None = None) -> list[str]:
    """Why the report cannot be final (Chinese, one line each); empty when it can."""
    out = [f"{v.rule} {v.message}" for v in check(figures.report, previous) if v.severity == ERROR]
    pattern = load().gap_pattern()
    for block in doc.blocks:
        if isinstance(block, Para):
            out += pattern.findall(block.text)
    return out


def draft_name(title: str) -> str:
    """The file name (without suffix) of a draft: its title and the draft mark."""
    return title + load().text["draft_suffix"]
