"""Where the figures workbook puts things: shared by its writer and its reader.

The workbook (``gknb draft … -o 2025.xlsx``) has one sheet per table, laid out as the official
form (:mod:`gknb.formgrid`) below a title and an instructions row, and one sheet for the text
parts, one block per part (``[workbook]`` of the template).  The writer
(:mod:`gknb.generator.workbook`) and the reader (:mod:`parsers.workbook`) both place cells
with this module, so a figure is read from exactly where it was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from openpyxl.utils import get_column_letter

from gknb import template as tpl
from gknb.formgrid import FIGURE, FormCell, form_cells

__all__ = ["GRID_TOP", "TEXT_TOP", "TextBlock", "Spec", "figure_refs", "placed", "ref", "spec"]

GRID_TOP = 4  # the sheet row of the form's first row (1: title, 2: instructions, 3: empty)
TEXT_TOP = 4  # the text sheet row of its first block


@dataclass(frozen=True)
class TextBlock:
    """A block of the text sheet: what it feeds (``identity``, an extras key, or a section)."""

    feeds: str  # "identity" | an extras key | "section"
    kind: str  # record | list
    title: str
    fields: dict[str, str]  # field name -> column (list) or row (record) label
    types: dict[str, str]  # field -> int | decimal, for record fields that are figures
    section: str | None = None
    rows: str | None = None  # a list block's row labels: the section's "subheadings" or "items"

    def row_labels(self) -> tuple[str, ...]:
        if self.section is None or self.rows is None:
            return ()
        return tuple(getattr(tpl.load().section(self.section), self.rows))


@dataclass(frozen=True)
class Spec:
    settings: dict[str, Any]  # the scalars of [workbook]
    blocks: tuple[TextBlock, ...]

    def __getitem__(self, key: str) -> Any:
        return self.settings[key]


@cache
def spec() -> Spec:
    data = tpl.part("workbook")
    blocks = tuple(
        TextBlock("section" if "section" in b else b["feeds"], b["kind"], b["title"], dict(b["fields"]),
                  dict(b.get("types", {})), b.get("section"), b.get("rows"))
        for b in data["blocks"])
    return Spec({k: v for k, v in data.items() if k != "blocks"}, blocks)


def ref(row: int, col: int) -> str:
    """"D12" for sheet row 12, column 4 (both 1-based)."""
    return f"{get_column_letter(col)}{row}"


def placed(layout: tpl.TableLayout, figures: Any = None) -> tuple[list[tuple[FormCell, int, int]], int]:
    """The form's cells with their sheet row and column (1-based), and the sheet's width."""
    cells, n_labels, n_values = form_cells(layout, figures or (lambda cid: ""))
    return [(c, GRID_TOP + c.row, 1 + c.col) for c in cells], n_labels + n_values


@cache
def figure_refs(layout: tpl.TableLayout) -> dict[str, str]:
    """Template cell id -> its cell on the table's sheet ("D12")."""
    cells, _ = placed(layout)
    return {c.cell: ref(r, col) for c, r, col in cells if c.role == FIGURE and c.cell}
