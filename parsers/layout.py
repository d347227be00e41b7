"""The neutral layout every format reader produces: paragraphs and table grids.

A reader (pdf, docx, html, text) turns a file into a :class:`Layout` and stops there;
matching cells and headings to the official template happens later, once, for all kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gknb.model import Where  # provenance is part of the archive model

__all__ = ["Where", "GridCell", "Grid", "Paragraph", "Layout"]


# A cell's doubt when struck-through text was taken out of it (HTML <s>/<del>, Word's strike).
STRUCK = "此格有加删除线的文字（“{}”），已略去，请核对"


@dataclass
class GridCell:
    """One real (anchor) cell of a table grid; a merged cell appears once, with its spans."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    where: Where = field(default_factory=Where)
    doubt: str | None = None  # why the reader is unsure of the text (a scan's weak recognition), Chinese


@dataclass
class Grid:
    """A table as a grid of anchor cells. Positions covered by a span have no cell of their own."""

    cells: list[GridCell]
    n_rows: int
    n_cols: int
    where: Where = field(default_factory=Where)
    ruled: bool = True  # False: read from text positions, one row per printed line

    def cell_at(self, row: int, col: int) -> GridCell | None:
        """The anchor cell covering (row, col), following spans."""
        for c in self.cells:
            if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan:
                return c
        return None

    def rows(self) -> list[list[GridCell]]:
        """Anchor cells grouped by the row they start in, left to right."""
        out: list[list[GridCell]] = [[] for _ in range(self.n_rows)]
        for c in sorted(self.cells, key=lambda c: (c.row, c.col)):
            out[c.row].append(c)
        return out


@dataclass
class Paragraph:
    text: str
    where: Where = field(default_factory=Where)


@dataclass
class Layout:
    """A document in reading order: a list of Paragraph and Grid blocks."""

    kind: str  # "pdf" | "docx" | "html" | "text" | "markdown" | "scan"
    blocks: list[Paragraph | Grid]
    pages: int | None = None
    damaged_bytes: int = 0  # bytes no codec could read, replaced by U+FFFD
    recognised: bool = False  # text read by OCR from page images (a scan), not from a text layer
