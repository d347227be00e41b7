"""Ruling intersections → table cells: pdfplumber's ``intersections_to_cells``, in linear time.

pdfplumber's version rebuilds the set of edges through a point for every pair of points it
compares, and scans every later point for each point: on a report's table a third of a
pdfium parse.  This one reads each point's edges once and finds the points below and to the
right from the rows and columns of the grid; the cells, and their order, are the same
(``tests/test_read_pdf_engines.py`` holds it to pdfplumber's on every corpus page and on
random rulings).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping

__all__ = ["intersections_to_cells"]

Point = tuple[float, float]
Box = tuple[float, float, float, float]


def intersections_to_cells(intersections: Mapping[Point, Mapping[str, list[dict]]]) -> list[Box]:
    """For each intersection, top-left first, the smallest cell it is the top-left corner of:
    a point below and one to the right, each joined to it by a common ruling edge, and the
    point completing the rectangle joined to both."""
    def boxes(edges: list[dict]) -> frozenset[Box]:
        return frozenset((e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges)

    v = {p: boxes(d["v"]) for p, d in intersections.items()}
    h = {p: boxes(d["h"]) for p, d in intersections.items()}

    def connects(p1: Point, p2: Point) -> bool:
        if p1[0] == p2[0] and not v[p1].isdisjoint(v[p2]):
            return True
        return p1[1] == p2[1] and not h[p1].isdisjoint(h[p2])

    points = sorted(intersections)
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    for p in points:  # sorted, so each column runs down and each row left to right
        columns.setdefault(p[0], []).append(p)
        rows.setdefault(p[1], []).append(p)

    cells = []
    for pt in points:
        column, row = columns[pt[0]], rows[pt[1]]
        below = column[bisect.bisect_right(column, pt):]
        right = row[bisect.bisect_right(row, pt):]
        cell = _smallest(pt, below, right, intersections, connects)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest(pt: Point, below: list[Point], right: list[Point], intersections, connects) -> Box | None:
    for below_pt in below:
        if not connects(pt, below_pt):
            continue
        for right_pt in right:
            if not connects(pt, right_pt):
                continue
            corner = (right_pt[0], below_pt[1])
            if corner in intersections and connects(corner, right_pt) and connects(corner, below_pt):
                return (pt[0], pt[1], corner[0], corner[1])
    return None
