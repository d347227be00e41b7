"""A year's figures as the generator takes them: the report's tables and text, plus the keys a
figures file has only for the generator (see :mod:`gknb.extras`).

Reading the file is :mod:`parsers.figures`' job (the one loader, which validates the extras
too); this module only puts its result in the generator's shape.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from gknb.extras import FIELDS, REQUIRED, Contact, Fees, Problem, Rectified, Signature
from gknb.inputs import load_report
from gknb.model import Report, SourceDocument
from gknb.parsers import load_figures, read_source
from gknb.parsers.sniff import FIGURES, sniff
from gknb.parsers.source import SETTINGS, time_limit

__all__ = ["FIELDS", "REQUIRED", "Contact", "Fees", "Figures", "Problem", "Rectified", "Signature", "read"]


@dataclass
class Figures:
    """What a report is generated from.  ``None`` for an extra means the file did not give it."""

    report: Report
    rectification: list[Rectified] | None = None
    problems: list[Problem] | None = None
    fees: Fees | None = None
    contact: Contact = field(default_factory=Contact)
    signature: Signature | None = None


def read(path: str | Path) -> Figures:
    """A figures file (extras included) — YAML, JSON or the Excel workbook — or any document gknb
    reads (tables and text only).

    Raises DocumentError, every problem of the file in one message.
    """
    path = Path(path)
    source = read_source(path)
    kind = sniff(source.data, source.name)
    if kind not in FIGURES:
        return Figures(load_report(path))
    with time_limit(SETTINGS.timeout, source.name):
        loaded = load_figures(source)
    # as parsers.parse records it, without reading the file a second time
    loaded.report.source = SourceDocument(path.name, "figures", hashlib.sha256(source.data).hexdigest(), None)
    return Figures(loaded.report, **loaded.extras)
