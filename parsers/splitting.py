"""Splitting figures that ran together ("21710000218") with the table's own arithmetic.

Crawler text loses the cell borders: a row of seven figures becomes one digit run.  Every
way to cut the run into the row's figures is a candidate; the template's sum rules
(:func:`gknb.rules.linear_constraints`) keep the candidates that add up, first row by row,
then across rows.  A cell is exact when every surviving solution gives it the same value;
otherwise it is flagged with the candidates, never guessed.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal

from gknb import template as tpl
from gknb.model import Report, Where

MAX_CANDIDATES = 20000  # per row; beyond this the row is flagged rather than searched
MAX_RUN_DIGITS = 15  # digits a figure of the form may have (万元 amounts with decimals included)
MAX_SOLUTIONS = 200


@dataclass
class Run:
    """A row whose figures were printed as one run of digits."""

    cells: list[str]  # cell ids, in printed order
    text: str  # the run as printed
    where: Where


def _part_ok(part: str, column: tpl.Column) -> bool:
    if not part or len(part) > MAX_RUN_DIGITS:  # a run over many rows can be long, never one figure of it
        return False
    if "." in part:
        whole, _, frac = part.partition(".")  # one point, digits either side: "1.2.3" is no figure
        return (column.type == "decimal" and bool(whole) and bool(frac) and "." not in frac
                and (whole == "0" or whole[0] != "0"))
    return part == "0" or part[0] != "0"


def _value(part: str):
    return Decimal(part) if "." in part else int(part)


def candidates(run: str, columns: list[tpl.Column]) -> list[tuple] | None:
    """Every way to cut ``run`` into len(columns) figures; None when there are too many to try."""
    digits = re.sub(r"[^\d.]", "", run)
    k = len(columns)
    n = len(digits)
    if n < k:
        return []
    if n > MAX_RUN_DIGITS * k:
        return None  # no row of the form runs to this many digits: not one to split
    out = []
    for count, cuts in enumerate(itertools.combinations(range(1, n), k - 1)):
        if count > MAX_CANDIDATES:
            return None
        bounds = (0, *cuts, n)
        parts = [digits[a:b] for a, b in zip(bounds, bounds[1:])]
        if all(_part_ok(p, c) for p, c in zip(parts, columns)):
            out.append(tuple(_value(p) for p in parts))
    return out


def solve(report: Report, runs: list[Run], constraints: list[list[tuple[int, str]]]) -> dict[str, set]:
    """cell id -> the set of values it takes over all solutions (one value: certain).

    Runs that share no equation are solved apart, so one ambiguous row cannot make another
    look certain; a group whose solutions are too many to list is left wholly uncertain.
    """
    known = {cid: report.value(cid) for cid in report.cells if report.value(cid) is not None}
    values: dict[str, set] = {c: set() for run in runs for c in run.cells}
    live, options = [], []
    for run in runs:
        cands = candidates(run.text, [tpl.load().cell(c).column for c in run.cells])
        if not cands:
            continue  # too short, or too many ways to cut: no value, flagged by the caller
        mine = set(run.cells)
        local = [eq for eq in constraints
                 if mine & {c for _, c in eq} and {c for _, c in eq} <= mine | known.keys()]
        kept = [v for v in cands if all(_holds(eq, {**known, **dict(zip(run.cells, v))}) for eq in local)]
        live.append(run)
        options.append(kept or cands)
    for group in _components(live, constraints):
        runs_g = [live[i] for i in group]
        opts_g = [options[i] for i in group]
        solutions = _search(runs_g, opts_g, constraints, known)
        if not solutions or len(solutions) >= MAX_SOLUTIONS:
            # nothing adds up, or too many ways do: each row keeps its own options
            for run, opts in zip(runs_g, opts_g):
                for v in opts:
                    for c, x in zip(run.cells, v):
                        values[c].add(x)
            continue
        for sol in solutions:
            for c, x in sol.items():
                values[c].add(x)
    return values


def _components(runs: list[Run], constraints) -> list[list[int]]:
    """Groups of runs linked by an equation that touches cells of both."""
    owner = {c: i for i, run in enumerate(runs) for c in run.cells}
    parent = list(range(len(runs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for eq in constraints:
        linked = {owner[c] for _, c in eq if c in owner}
        first, *rest = sorted(linked) or [None]
        for j in rest:
            parent[find(j)] = find(first)
    groups: dict[int, list[int]] = {}
    for i in range(len(runs)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _holds(eq, values) -> bool:
    return sum(coef * values[c] for coef, c in eq) == 0


def _search(runs: list[Run], options: list[list[tuple]], constraints, known) -> list[dict]:
    """Depth-first over rows (fewest options first), checking each equation once all its cells are set.

    Equations that reach cells nobody read (absent) cannot be checked and are skipped."""
    order = sorted(range(len(runs)), key=lambda i: len(options[i]))
    run_cells = set(itertools.chain.from_iterable(r.cells for r in runs))
    relevant = [eq for eq in constraints if {c for _, c in eq} & run_cells
                and {c for _, c in eq} <= run_cells | known.keys()]
    solutions: list[dict] = []
    assigned = dict(known)

    def ready(eq) -> bool:
        return all(c in assigned for _, c in eq)

    def step(depth: int) -> None:
        if len(solutions) >= MAX_SOLUTIONS:
            return
        if depth == len(order):
            solutions.append({c: assigned[c] for c in run_cells})
            return
        i = order[depth]
        for v in options[i]:
            assigned.update(zip(runs[i].cells, v))
            if all(_holds(eq, assigned) for eq in relevant if ready(eq)):
                step(depth + 1)
            for c in runs[i].cells:
                assigned.pop(c, None)

    step(0)
    return solutions
