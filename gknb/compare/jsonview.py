"""The comparison's findings as JSON, for scripts: violations only, each with rule id and severity."""

from __future__ import annotations

from gknb.model import Report

from .comparison import Comparison


def _identity(report: Report | None, name: str | None) -> dict | None:
    if report is None:
        return None
    return {"document": name, "agency": report.agency, "year": report.year, "format": report.format}


def to_json(c: Comparison) -> dict:
    return {
        "agency": c.agency,
        "new": _identity(c.new, c.new_name),
        "old": _identity(c.old, c.old_name),
        "consecutive": c.consecutive,
        "errors": len(c.errors),
        "warnings": len(c.warnings),
        "violations": [f.as_dict() for f in c.findings],
    }
