"""Scoring a parsed report against expected figures: exact, flagged, or a silent error.

Shared by the corpus tests and the variant runner (tests.variants.run), so both count the
same way: a cell whose label is in the view's ``flags`` is flagged whatever its value; any
other cell is exact when it equals the expected value (a blank equals only a blank).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


def leaves(node, path=()):
    """(key path, value) of every leaf of a nested dict: a view's or an expected file's cells."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, (*path, k))
    else:
        yield path, node


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return Decimal(str(a)) == Decimal(str(b))


@dataclass
class Score:
    exact: int = 0
    flagged: int = 0
    silent: list = field(default_factory=list)


def score(view: dict, expected: dict) -> Score:
    s = Score()
    for tid in ("proactive", "requests", "review_litigation"):
        got = dict(leaves(view.get(tid, {})))
        for path, want in leaves(expected[tid]):
            label = "/".join((tid, *path))
            if label in view["flags"]:
                s.flagged += 1
            elif path in got and _same(got[path], want):
                s.exact += 1
            else:
                s.silent.append((label, want, got.get(path, "（无此单元格）")))
    return s
