"""Finding a report's expected figures in a reader's grids by their labels, as a person reading
the table would: shared by the Word and HTML reader tests."""

from __future__ import annotations

import re

from gknb.parsers.layout import Grid


def squash(text: str) -> str:
    return "".join(text.split())


def grids(layout) -> list[Grid]:
    return [b for b in layout.blocks if isinstance(b, Grid)]


def header_col(grid: Grid, name: str, rows: range) -> int:
    """Grid column where the header cell called ``name`` starts."""
    found = [c.col for c in grid.cells if c.row in rows and squash(c.text) == name]
    assert found, f"header {name!r} not found"
    return found[0]


def label_row(grid: Grid, key: str, label_cols: int) -> int:
    """Row whose label cells read ``key`` (``group/leaf`` for sub-rows: the group cell covers the leaf)."""
    group, _, leaf = key.rpartition("/")
    for c in grid.cells:
        if c.col < label_cols and squash(c.text) == squash(leaf):
            covering = [grid.cell_at(c.row, col) for col in range(label_cols)]
            if not group or any(g is not None and squash(g.text) == squash(group) for g in covering):
                return c.row
    raise AssertionError(f"row {key!r} not found")


def value_matches(text: str, expected) -> bool:
    """A cell matches an expected figure: blank for null, else its leading number equals it."""
    if expected is None:
        return text == ""
    m = re.match(r"[+-]?\d+(?:\.\d+)?", squash(text))
    return m is not None and float(m.group()) == float(expected)


def check_figures(layout, expected: dict) -> int:
    """Every figure of the expected file at the row/column its labels name; returns how many."""
    t2, t3, t4 = grids(layout)[:3]
    checked = 0
    for caption, rows in expected["proactive"].items():
        caption_row = next(c.row for c in t2.cells if squash(c.text) == caption)
        for row_label, columns in rows.items():
            r = next(c.row for c in t2.cells if c.row > caption_row and c.col == 0 and squash(c.text) == row_label)
            for column, value in columns.items():
                col = header_col(t2, squash(column), range(caption_row + 1, caption_row + 2))
                text = t2.cell_at(r, col).text
                assert value_matches(text, value), (caption, row_label, column, text, value)
                checked += 1
    for row_label, columns in expected["requests"].items():
        r = label_row(t3, row_label, label_cols=3)
        for column, value in columns.items():
            text = t3.cell_at(r, header_col(t3, column, range(0, 3))).text
            assert value_matches(text, value), (row_label, column, text, value)
            checked += 1
    for group, columns in expected["review_litigation"].items():
        anchor = next(c for c in t4.cells if c.row < 2 and squash(c.text) == group)
        span = range(anchor.col, anchor.col + anchor.colspan)
        for column, value in columns.items():
            col = next(c.col for c in t4.cells if c.col in span and 0 < c.row < 3 and squash(c.text) == column)
            text = t4.cell_at(t4.n_rows - 1, col).text
            assert value_matches(text, value), (group, column, text, value)
            checked += 1
    return checked
