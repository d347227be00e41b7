"""Ingest: parse each document, check it, and archive it with its source."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.store import Store, StoreError
from gknb.model import Report
from gknb.rules import ERROR, WARNING, Violation, check
from parsers import DocumentError, parse, read_bytes


@dataclass
class Outcome:
    path: str
    report: Report | None = None
    status: str = ""  # new | unchanged | replaced | failed
    violations: list[Violation] = field(default_factory=list)
    error: str | None = None  # Chinese, for failed documents

    @property
    def errors(self) -> int:
        return sum(v.severity == ERROR for v in self.violations)

    @property
    def warnings(self) -> int:
        return sum(v.severity == WARNING for v in self.violations)


def ingest_one(store: Store, path: str | Path, *, agency: str | None = None, year: int | None = None,
               replace: bool = False) -> Outcome:
    """Parse, check against last year's archived report, archive.  Never raises for bad input."""
    path = Path(path)
    try:
        data = read_bytes(path)
        report = parse(path)
        if agency:
            report.agency = agency
        if year:
            report.year = year
        previous = store.get(report.agency, report.year - 1) if report.agency and report.year else None
        violations = check(report, previous)
        result = store.put(report, data, replace=replace)
    except (DocumentError, StoreError) as e:
        return Outcome(str(path), status="failed", error=str(e))
    return Outcome(str(path), report, result.status, violations)
