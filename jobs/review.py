"""The January job's reviews: each agency's year N against N−1, made in a worker.

The worker reads the archive and returns what the driver needs and nothing more: the page to
write, the agency's line of the index, its open findings (checked once, here), and the source
of its year-N report (the 报送 judgement needs it), so that the driver holds a few numbers an
agency, never the reports or their comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gknb.archive.decisions import load as load_decisions
from gknb.archive.store import Store

from gknb.compare.batch import archive_comparison, page_name
from gknb.compare.checks import NEW
from gknb.compare.comparison import Comparison
from gknb.compare.html import render
from gknb.compare.index import IndexRow
from gknb.model import Report
from gknb.rules import Violation, check
from gknb.verdicts import open_violations

from .workfolder import reason


@dataclass(frozen=True)
class Reviewed:
    folder: str
    held: bool = False  # year N is in the archive, readable
    unreadable: str | None = None  # why year N could not be read (Chinese)
    source: str | None = None  # the sha256 of year N's source document, if it came as one
    page: bytes | None = None  # the review page to write (``index.file``)
    index: IndexRow | None = None  # the agency's line of the index
    findings: list[Violation] | None = None  # year N's open findings; None: not checked (``error``)
    error: str | None = None  # why the findings could not be had (Chinese)


def review_one(store_root: Path, folder: str, year: int, agency: str = "", names: tuple[str, ...] = ()) -> Reviewed:
    """One agency's review page (N against N−1), titled by its full name; runs in a worker and
    writes nothing.  Never raises."""
    agency = agency or folder
    store = Store(store_root)
    try:
        new = store.get(folder, year)
    except Exception as e:  # noqa: BLE001 -- a corrupt entry: this agency's error
        return Reviewed(folder, unreadable=reason(e))
    if new is None:
        return Reviewed(folder)
    source = new.source.sha256 if new.source else None
    c = None
    try:
        c = archive_comparison(store, folder, year, require_previous=False, name=agency, names=names)
        name = page_name(folder, year)
        page, index = render(c).encode("utf-8"), IndexRow.of(agency, name, c)
    except Exception as e:  # noqa: BLE001 -- a corrupt entry: this agency's error
        page, index = None, IndexRow.of(agency, None, error=reason(e))
    try:
        decided = {y: load_decisions(store, folder, y) for y in (year, year - 1)}
        found = open_violations(_violations(store, folder, year, new, c), new, decided)
    except Exception as e:  # noqa: BLE001
        return Reviewed(folder, True, None, source, page, index, None, reason(e))
    return Reviewed(folder, True, None, source, page, index, found)


def _violations(store: Store, folder: str, year: int, new: Report, c: Comparison | None) -> list[Violation]:
    """Year N's findings against N−1: those the comparison evaluated when it had both years in
    order (the same rules on the same reports), else checked here."""
    if c is not None and c.old is not None and c.consecutive and c.new.year == year and c.old.year == year - 1:
        return [f.violation for f in c.findings if f.which == NEW]
    previous = c.old if c is not None and c.old is not None and c.old.year == year - 1 \
        else store.get(folder, year - 1)
    return check(new, previous)
