"""What last year's report hands on to this year's.

Figures: read from the template's compiled cross-year sums (:meth:`gknb.ruleset.SumRule.carries`),
not a list of our own — an equation whose right side is last year's cell says which of this
year's cells starts from it (T3-5: 二、上年结转 = last year's 四、结转下年度继续办理; T2-1: 现行有效件数
starts from last year's, the user then adjusts by 制发/废止).
Text: last year's section 五 read as problems, each with the measure it planned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gknb import ruleset as rs
from gknb import template as tpl
from gknb.model import Number, Report
from gknb.problems import read_section_five

from .basis import Rectified
from .settings import load


@dataclass(frozen=True)
class Carried:
    cell: str  # this year's cell
    source: str  # last year's cell
    value: Number | None  # None: last year's cell is blank or absent
    adjust: tuple[str, ...] = ()  # cells of this year the figure is then adjusted by (制发, 废止)
    doubt: str | None = None  # why the reader of last year's report was unsure of its figure

    @property
    def usable(self) -> bool:
        """A figure to start from: printed last year, and read without doubt."""
        return self.value is not None and self.doubt is None


def carried_cells(report: Report, previous: Report) -> list[Carried]:
    """This year's cells that start from last year's figures, with those figures and their doubts."""
    def doubt(cell_id: str) -> str | None:
        cell = previous.cells.get(cell_id)
        return cell.flag if cell is not None else None

    return [Carried(c.cell, c.source, previous.value(c.source), c.adjust, doubt(c.source))
            for rule in rs.load().sums(cross_year=True) for c in rule.carries(report.table_formats)]


def apply(report: Report, previous: Report) -> list[Carried]:
    """Set this year's carried cells from last year's; blank where last year's is blank, absent or
    doubtful (a figure the reader presumed is not handed on as if printed); what was carried."""
    carried = carried_cells(report, previous)
    for c in carried:
        report.set(c.cell, c.value if c.usable else None)
    return carried


def last_contact(previous: Report) -> dict[str, str]:
    """The contact details last year's opening paragraph gave (website, office, address, phone),
    by the template's ``contact_read`` patterns; only those found."""
    text = "\n".join(previous.preamble)
    out = {}
    for name, pattern in load().text["contact_read"].items():
        m = re.search(pattern, text)
        if m:
            out[name] = m.group(1).strip()
    return out


def last_problems(previous: Report) -> list[Rectified]:
    """Last year's problems, each with the measure it planned (nothing done yet)."""
    five = read_section_five(previous.section_text(tpl.load().problems_section.key))
    measures = pair(five.problems, five.measures)
    return [Rectified(p, m) for p, m in zip(five.problems, measures)]


def pair(problems: list[str], measures: list[str]) -> list[str | None]:
    """The measure planned for each problem: in order when the counts agree, else the measure
    sharing most two-character words with the problem (none if it shares none)."""
    if len(problems) == len(measures):
        return list(measures)
    out = []
    for p in problems:
        scored = [(len(_bigrams(p) & _bigrams(m)), -i, m) for i, m in enumerate(measures)]
        best = max(scored, default=(0, 0, None))
        out.append(best[2] if best[0] else None)
    return out


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}
