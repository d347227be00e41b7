"""The three tables as the Word generator prints them: the official form's grid
(:mod:`gknb.formgrid`) with the column widths of ``[generator.tables]``.
"""

from __future__ import annotations

from dataclasses import dataclass

from gknb import template as tpl
from gknb.formgrid import BAND, CAPTION, FIGURE, HEADER, LABEL, NOTE, Figures, FormCell, form_cells

from .settings import Settings

__all__ = ["BAND", "CAPTION", "FIGURE", "HEADER", "LABEL", "NOTE", "FormCell", "FormGrid", "build"]


@dataclass(frozen=True)
class FormGrid:
    table: str
    widths: tuple[int, ...]  # twips, one per grid column
    cells: tuple[FormCell, ...]

    @property
    def n_rows(self) -> int:
        return max(c.row + c.rowspan for c in self.cells)

    def at(self, row: int, col: int) -> FormCell | None:
        """The cell anchored at (row, col); None where a merge covers it."""
        return next((c for c in self.cells if c.row == row and c.col == col), None)

    def covering(self, row: int, col: int) -> FormCell:
        return next(c for c in self.cells
                    if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan)


def build(layout: tpl.TableLayout, figures: Figures, settings: Settings) -> FormGrid:
    cells, n_labels, n_values = form_cells(layout, figures)
    return FormGrid(layout.table.id, _widths(settings, layout.table.id, n_labels, n_values), tuple(cells))


def _widths(settings: Settings, tid: str, n_labels: int, n_values: int) -> tuple[int, ...]:
    style = settings.tables[tid]
    if len(style.label_widths) != n_labels:
        raise ValueError(f"[generator.tables.{tid}] label_widths needs {n_labels} entries")
    total = settings.text_width
    units = sum(style.label_widths) + style.value_width
    widths = [round(total * w / units) for w in style.label_widths]
    widths += [round(total * style.value_width / units / n_values)] * n_values
    widths[-1] += total - sum(widths)
    return tuple(widths)
