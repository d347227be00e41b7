"""The January job's 报送 judgement: every agency the register says must report, with whether its
year-N report is in, when it arrived and whether that was late."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from gknb.compare.submissions import Submission, judge
from gknb.compare.submissions import deadline as submission_deadline
from gknb.filenames import readable
from gknb.register import Register

from .inbox import Arrival
from .workfolder import Row


def submissions(register: Register, rows: Mapping[str, Row], arrivals: Mapping[str, Arrival], year: int,
                override: datetime.date | None) -> list[Submission]:
    """Every agency the register says must report, by the rows (folder -> row) of the folders
    holding its report on ``year``."""
    folders_of: dict[str, list[str]] = {}
    for f, row in rows.items():
        folders_of.setdefault(row.agency, []).append(f)
    out = []
    for a in register.must_report():
        held = folders_of.get(a.full, [])  # two folders (a former name's, the full name's): the one with the year
        folder = next((f for f in held if rows[f].held), held[0] if held else None)
        row = rows[folder] if folder else None
        source = row.source if row is not None and row.held else None
        arrived = arrivals.get(source) if source else None
        due = submission_deadline(year, a.kind, override)
        when = arrived.date if arrived else None  # None: generated here, or archived before this inbox
        out.append(Submission(a.full, a.kind, a.parent, due, judge(row is not None and row.held, when, due), when,
                              readable(arrived.path.name) if arrived else None, row.page if row is not None else None))
    return out
