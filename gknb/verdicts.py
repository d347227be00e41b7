"""Which of a report's findings a reviewer has already judged, by the finding's own figures.

A verdict (confirmed or dismissed, ``archive.decisions``) is recorded with the finding's
fingerprint: its rule, its scope and the figures it was raised on.  The same finding on the
same figures — that year checked again, or next year's report printing the same figures — is
the judged one; once a figure it rests on changes, it is a new finding and is raised again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from gknb.archive.decisions import DISMISSED, Decisions, Verdict, shown
from gknb.model import Report
from gknb.rules import Violation


def fingerprint(v: Violation, report: Report) -> str:
    """The figures a finding rests on: its cells as the report shows them, and the sum it printed
    and implied ("requests.new.total=5;…;printed=5;implied=7"); a finding on the text, which has
    no cells, rests on what it says of the text (its message)."""
    if not v.cells:
        return f"text={v.message}"
    parts = [f"{c}={shown(report.cells.get(c))}" for c in sorted(set(v.cells))]
    parts += [f"printed={v.printed}", f"implied={v.implied}"]
    return ";".join(parts)


def verdict_for(v: Violation, report: Report, decisions: Mapping[int, Decisions]) -> Verdict | None:
    """This year's verdict on the finding, else last year's on the same finding with the same figures."""
    if report.year is None:
        return None
    fp = fingerprint(v, report)
    for year in (report.year, report.year - 1):
        d = decisions.get(year)
        for x in reversed(d.verdicts if d else []):
            if (x.rule, x.scope, x.figures) == (v.rule, v.scope, fp):
                return x
    return None


def open_violations(violations: Iterable[Violation], report: Report | None,
                    decisions: Mapping[int, Decisions]) -> list[Violation]:
    """The findings not dismissed (what counts as the report's errors and warnings)."""
    if report is None:
        return list(violations)
    out = []
    for v in violations:
        x = verdict_for(v, report, decisions)
        if x is None or x.verdict != DISMISSED:
            out.append(v)
    return out


def not_dismissed(store, report: Report, found: list[Violation]) -> list[Violation]:
    """The findings a reviewer has not dismissed in the archive ``store`` (this year's or last
    year's verdict on the same figures), as every review counts them; all of them without an
    archive, or when its record of decisions cannot be read."""
    if store is None or not (report.agency and report.year):
        return found
    from gknb.archive import decisions
    from gknb.archive.errors import StoreError

    try:
        decided = {y: decisions.load(store, report.agency, y) for y in (report.year, report.year - 1)}
    except (StoreError, OSError):
        return found
    return open_violations(found, report, decided)
