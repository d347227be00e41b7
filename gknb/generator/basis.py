"""A year's figures as the generator takes them: the report's tables and text, plus the keys a
figures file has only for the generator (see :mod:`gknb.extras`).

Reading the file is :mod:`parsers.figures`' job (the one loader, which validates the extras
too); this module only puts its result in the generator's shape.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from gknb.extras import FIELDS, REQUIRED, Contact, Fees, Problem, Rectified
from gknb.inputs import load_report
from gknb.model import Report, SourceDocument
from gknb.parsers import read_bytes
from gknb.parsers.figures import load
from gknb.parsers.sniff import FIGURES_JSON, FIGURES_YAML, sniff

__all__ = ["FIELDS", "REQUIRED", "Contact", "Fees", "Figures", "Problem", "Rectified", "read"]


@dataclass
class Figures:
    """What a report is generated from.  ``None`` for an extra means the file did not give it."""

    report: Report
    rectification: list[Rectified] | None = None
    problems: list[Problem] | None = None
    fees: Fees | None = None
    contact: Contact = field(default_factory=Contact)


def read(path: str | Path) -> Figures:
    """A figures file (extras included), or any document gknb reads (tables and text only).

    Raises DocumentError, every problem of the file in one message.
    """
    path = Path(path)
    data = read_bytes(path)
    kind = sniff(data, str(path))
    if kind not in (FIGURES_JSON, FIGURES_YAML):
        return Figures(load_report(path))
    loaded = load(data, str(path), yaml_syntax=kind == FIGURES_YAML)
    # as parsers.parse records it, without reading the file a second time
    loaded.report.source = SourceDocument(path.name, "figures", hashlib.sha256(data).hexdigest(), None)
    return Figures(loaded.report, **loaded.extras)
