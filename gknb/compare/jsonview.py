"""The comparison's findings as JSON, for scripts: violations only, each with rule id and severity."""

from __future__ import annotations

from gknb.model import Report

from .checks import NEW, OLD
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
        "doubtful": {which: c.doubtful(which) for which in (NEW, OLD) if c.doubtful(which)},
        "violations": [_judged(f) for f in c.findings],
        "dismissed": [_judged(f) for f in c.dismissed],
        "fixes": [{"year": d.year, "cell": x.cell, "old": x.old_shown, "new": x.new_value, "by": x.by,
                   "date": x.date.isoformat(), "reason": x.reason} for d in c.decisions.values() for x in d.fixes],
    }


def _judged(f) -> dict:
    out = f.as_dict()
    if f.verdict is not None:
        v = f.verdict
        out["verdict"] = {"verdict": v.verdict, "by": v.by, "date": v.date.isoformat(), "reason": v.reason}
    return out
