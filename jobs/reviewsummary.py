"""Who the batch's review summary (审核意见汇总) lists, and with what: from the January job's
rows, or from a batch comparison of the archive (``gknb compare --summary-docx``).

Each agency that must report (by the register) and each other one with a report this year,
its submission state and its open findings: dismissed ones left out, as in every review.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gknb.archive.decisions import DISMISSED

from gknb.compare.batch import BatchItem
from gknb.compare.checks import NEW
from gknb.compare.submissions import LATE, MISSING, SUBMITTED
from gknb.generator.notice import AgencyReview
from gknb.register import Register
from gknb.rules import Violation


def from_rows(agencies: Mapping[str, str], state: Mapping[str, str], findings: Mapping[str, list[Violation]],
              extra: Mapping[str, list[Violation]]) -> list[AgencyReview]:
    """``agencies``: a summary row's key -> the agency's name; ``state``: by name, 已提交 / 逾期 /
    未提交 (the register's agencies); ``findings``: by key, the open findings of its year's
    report (an agency not in ``state`` with findings has submitted); ``extra``: by name, more
    findings (a government's C-1).  In key order."""
    out = []
    for key in sorted(agencies):
        name = agencies[key]
        st = state.get(name) or (SUBMITTED if key in findings else None)
        if st is not None:
            found = (*findings.get(key, []), *extra.get(name, []))
            out.append(AgencyReview(name, st, st != MISSING, st == LATE, found))
    return out


def from_batch(items: Sequence[BatchItem], register: Register | None = None) -> list[AgencyReview]:
    """The archive's agencies with a report this year, by the register's full name, and (given a
    register) those that must report and have none.  Whether a report came late is not known
    from the archive alone (the January job judges it by the inbox): archived is 已提交."""
    findings: dict[str, list[Violation]] = {}
    for i in items:
        if i.comparison is None:
            continue
        name = i.agency
        if register is not None and (a := register.find(name)) is not None:
            name = a.full
        findings[name] = [f.violation for f in i.comparison.of(NEW)
                          if f.verdict is None or f.verdict.verdict != DISMISSED]
    missing = [a.full for a in register.must_report() if a.full not in findings] if register is not None else []
    agencies = {n: n for n in [*findings, *missing]}
    return from_rows(agencies, dict.fromkeys(missing, MISSING), findings, {})
