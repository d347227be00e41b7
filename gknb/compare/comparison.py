"""A whole comparison of two years' reports: findings, figures, texts and problems.

Built once, then rendered (HTML, JSON, terminal).  Everything a rendering shows is
decided here, so the three renderings never disagree.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from gknb import ruleset as rs
from gknb import template as tpl
from gknb.archive.decisions import DISMISSED, Decisions
from gknb.model import Report
from gknb.rules import ERROR, WARNING, Statement, evaluate, stated_figures

from ..textdiff import TextDiff, diff, similarity
from .changes import FigureChange, Thresholds, figure_changes, swings
from .checks import NEW, OLD, ReviewFinding, RuleStatus, cross_year_status, run_checks
from .rectification import Carryover, follow

PREAMBLE = "开头"  # key of the opening paragraph, compared like a section
# The figures a reviewer looks at first (ids are the template's stable cell ids).
KEY_CELLS = (
    "requests.new.total", "requests.carried_in.total", "requests.total.total", "requests.carried_out.total",
    "requests.disclosed.total", "review_litigation.reconsideration.total", "review_litigation.direct_suit.total",
    "review_litigation.suit_after_review.total", "proactive.art20_1.normative.issued",
    "proactive.art20_1.normative.in_force", "proactive.art20_8.admin_fees.fee_amount",
)


@dataclass(frozen=True)
class SectionDiff:
    key: str  # "一".."六", or PREAMBLE
    heading: str  # the official heading
    diff: TextDiff
    similarity: float  # clause-aligned, numbers masked (the measure S5-2 uses)


@dataclass
class Comparison:
    old: Report | None
    new: Report
    old_name: str | None  # the documents as the reviewer named them (file or archive path)
    new_name: str
    thresholds: Thresholds
    consecutive: bool = False
    notes: list[str] = field(default_factory=list)
    findings: list[ReviewFinding] = field(default_factory=list)
    statuses: list[RuleStatus] = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)
    texts: list[SectionDiff] = field(default_factory=list)
    carryover: Carryover | None = None
    statements: dict[str, list[Statement]] = field(default_factory=dict)  # new | old -> X-1 statements
    dismissed: list[ReviewFinding] = field(default_factory=list)  # judged not to be problems: not counted
    decisions: dict[str, Decisions] = field(default_factory=dict)  # new | old -> what people decided
    name: str | None = None  # the agency's full name (the register's), when known

    @property
    def agency(self) -> str:
        return self.name or self.new.agency or (self.old.agency if self.old else "") or "机关不详"

    def of(self, which: str, severity: str | None = None) -> list[ReviewFinding]:
        return [f for f in self.findings if f.which == which and (severity is None or f.severity == severity)]

    @property
    def errors(self) -> list[ReviewFinding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[ReviewFinding]:
        return [f for f in self.findings if f.severity == WARNING]

    def doubtful(self, which: str) -> dict[str, str]:
        """The figures of the new or old report the reader was unsure of: cell id -> why."""
        r = self.new if which == NEW else self.old
        return r.flags() if r is not None else {}

    def swings(self) -> list[FigureChange]:
        return swings(self.figures, self.thresholds)

    def headline_swings(self, n: int = 6) -> list[FigureChange]:
        """The largest swings among totals (table 三's per-applicant columns are detail)."""
        main = [c for c in self.swings() if c.cell.table != "requests" or c.cell.column.id == "total"]
        return main[:n]

    def key_figures(self) -> list[FigureChange]:
        by_id = {c.cell.id: c for c in self.figures}
        return [by_id[i] for i in KEY_CELLS if i in by_id]


def _notes(old: Report, new: Report, swapped: bool, consecutive: bool, name: str | None,
           names: Collection[str]) -> list[str]:
    out = []
    if swapped:
        out.append(f"两份报告的顺序已按年度调换：{old.year}年度为上年，{new.year}年度为本年。")
    if old.agency and new.agency and old.agency != new.agency:
        known = f"（机关名录中均为“{name}”的名称）" if name and {old.agency, new.agency} <= set(names) else ""
        out.append(f"两年报告所印机关名称不同：上年为“{old.agency}”，本年为“{new.agency}”{known}。")
    if old.year is None or new.year is None:
        out.append("至少一份报告的年度无法确定：跨年度核对未进行。")
    elif not consecutive:
        out.append(f"两份报告不是相邻年度（{old.year}、{new.year}）：跨年度核对未进行，其余照常对照。")
    if not old.has_tables:
        out.append(f"上年报告（{old.year}年度）为2019年以前的格式，没有统一表格：数字无从对照。")
    return out


def section_texts(old: Report, new: Report) -> list[tuple[str, str, str, str]]:
    """(key, heading, last year's text, this year's) for the opening and each section with text."""
    pairs = [(PREAMBLE, "报告开头", "\n".join(old.preamble), "\n".join(new.preamble))]
    pairs += [(s.key, s.heading, old.section_text(s.key), new.section_text(s.key)) for s in tpl.load().sections]
    return [(key, heading, a, b) for key, heading, a, b in pairs if a.strip() or b.strip()]


def _texts(old: Report, new: Report) -> list[SectionDiff]:
    return [SectionDiff(key, heading, diff(a, b), similarity(a, b)) for key, heading, a, b in section_texts(old, new)]


def _settle(c: Comparison, decisions: Mapping[int, Decisions]) -> None:
    """Dismissed findings out of the counts (kept apart, with their verdicts); decisions by report."""
    c.dismissed = [f for f in c.findings if f.verdict is not None and f.verdict.verdict == DISMISSED]
    c.findings = [f for f in c.findings if f not in c.dismissed]
    for which, r in ((NEW, c.new), (OLD, c.old)):
        if r is not None and r.year is not None and decisions.get(r.year):
            c.decisions[which] = decisions[r.year]


def compare(old: Report | None, new: Report, *, old_name: str | None = None, new_name: str = "",
            before: Report | None = None, thresholds: Thresholds | None = None,
            decisions: Mapping[int, Decisions] | None = None, name: str | None = None,
            names: Collection[str] = ()) -> Comparison:
    """Compare last year's report (``old``; None when there is none) with this year's.

    ``before`` (the year before last) lets last year's own cross-year rules run.
    Reports given in the wrong order are swapped (and the swap noted).  ``decisions`` (by
    year, from the archive) are shown, and the findings they dismiss are not counted.  ``name``
    is the agency's full name and ``names`` all it goes by (the register's), when known.
    """
    d = decisions or {}
    swapped = old is not None and old.year is not None and new.year is not None and old.year > new.year
    if swapped:
        old, new, old_name, new_name = new, old, new_name, old_name
        before = None
    c = Comparison(old, new, old_name, new_name, thresholds or Thresholds(), name=name)
    x1 = rs.load().of_kind(rs.TextFiguresRule)
    c.statements[NEW] = [st for rule in x1 for st in stated_figures(rule, new)]
    c.figures = figure_changes(old, new)
    if old is None:
        c.notes.append(f"没有上年（{new.year - 1 if new.year else '上一'}年度）的报告：只作本年核对，跨年度核对未进行。")
        outcomes = evaluate(new)
        c.findings = run_checks(None, new, consecutive=False, decisions=d, outcomes=outcomes)
        _settle(c, d)
        c.statuses = cross_year_status(None, new, outcomes, consecutive=False)
        return c
    c.consecutive = old.year is not None and new.year is not None and new.year - old.year == 1
    before_ok = before is not None and c.consecutive and before.year == old.year - 1
    c.notes = _notes(old, new, swapped, c.consecutive, name, names)
    c.statements[OLD] = [st for rule in x1 for st in stated_figures(rule, old)]
    outcomes = evaluate(new, old if c.consecutive else None)
    c.findings = run_checks(old, new, consecutive=c.consecutive, before=before if before_ok else None, decisions=d,
                            outcomes=outcomes)
    _settle(c, d)
    c.statuses = cross_year_status(old, new, outcomes, consecutive=c.consecutive)
    c.texts = _texts(old, new)
    problems = tpl.load().problems_section.key
    if old.section_text(problems).strip() and new.section_text(problems).strip():
        c.carryover = follow(old, new)
    return c
