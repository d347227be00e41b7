"""The report model every part of gknb shares: figures, sections, provenance, findings.

A :class:`Report` always holds every cell of the template layouts its tables use, each
with a state: ``value`` (a number was printed), ``blank`` (the cell is there, empty) or
``absent`` (the row or table was not found).  A blank is never a 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import template as tpl

Number = int | Decimal

VALUE, BLANK, ABSENT = "value", "blank", "absent"
CELL_STATES = (VALUE, BLANK, ABSENT)

# Kinds of parser findings.
UNSURE = "unsure"  # a cell the parser is not sure of (also recorded on the cell as its flag)
UNMATCHED_ROW = "unmatched-row"  # a printed row that matches no row of the template
MISSING_TABLE = "missing-table"
MISSING_ROW = "missing-row"
MISSING_SECTION = "missing-section"
ALTERED_TABLE = "altered-table"  # a table in another format than the report's, rows renamed...
NOTE = "note"
FINDING_KINDS = (UNSURE, UNMATCHED_ROW, MISSING_TABLE, MISSING_ROW, MISSING_SECTION, ALTERED_TABLE, NOTE)


@dataclass(frozen=True)
class Where:
    """Where a figure or text came from.

    PDF: ``page`` (1-based) and ``box`` (x0, top, x1, bottom in points, top-left origin).
    Word/HTML: ``table`` (0-based index in the document), ``row``/``col`` (0-based grid
    position).  Text: ``line`` (1-based).  A scan's figure also has the recognition's
    ``confidence`` (0–1, the weakest character's).
    """

    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    line: int | None = None
    confidence: float | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f) is None for f in ("page", "box", "table", "row", "col", "line"))


@dataclass
class Cell:
    state: str = ABSENT
    value: Number | None = None
    printed: str | None = None  # the text as printed, where it differs from the value
    where: Where | None = None
    flag: str | None = None  # why the parser is unsure of this cell

    @property
    def filled(self) -> bool:
        return self.state == VALUE


FIGURES_FILE = "figures"  # the source kind of a figures file (the rest: the sniffed document kinds)


@dataclass(frozen=True)
class SourceDocument:
    name: str
    kind: str  # pdf | docx | html | text | markdown | doc | FIGURES_FILE
    sha256: str
    pages: int | None = None


@dataclass
class Section:
    key: str  # "一".."六"
    heading: str | None  # as printed; None where the document lacks the heading
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class Finding:
    """Something the parser noticed about the document (not a rule violation)."""

    kind: str
    message: str  # Chinese
    ref: str | None = None  # a cell id, table id or section key, or IDENTITY_AGENCY


IDENTITY_AGENCY = "agency"  # a finding's ref: it is about the agency's name


@dataclass
class Report:
    agency: str
    year: int | None
    format: str  # "2021" | "2019" | "pre2019"
    table_formats: dict[str, str] = field(default_factory=dict)  # table id -> layout format
    cells: dict[str, Cell] = field(default_factory=dict)
    title: str | None = None
    preamble: list[str] = field(default_factory=list)
    sections: dict[str, Section] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    source: SourceDocument | None = None

    @classmethod
    def empty(cls, agency: str, year: int | None, fmt: str, table_formats: dict[str, str] | None = None,
              **kw: Any) -> Report:
        """A report with every cell of its layouts present and absent."""
        t = tpl.load()
        if table_formats is None:
            table_formats = {tid: fmt for tid in t.tables} if t.formats[fmt].has_tables else {}
        r = cls(agency, year, fmt, dict(table_formats), **kw)
        for layout in r.layouts():
            for c in layout.cells:
                r.cells[c.id] = Cell()
        return r

    def layouts(self) -> Iterator[tpl.TableLayout]:
        t = tpl.load()
        for tid in t.tables:  # template order, whatever order table_formats was built in
            if tid in self.table_formats:
                yield t.table(tid).layout(self.table_formats[tid])

    def cell_defs(self) -> Iterator[tpl.CellDef]:
        for layout in self.layouts():
            yield from layout.cells

    @property
    def has_tables(self) -> bool:
        return bool(self.table_formats)

    def value(self, cell_id: str) -> Number | None:
        c = self.cells.get(cell_id)
        return c.value if c is not None and c.state == VALUE else None

    def set(self, cell_id: str, value: Number | None, *, printed: str | None = None,
            where: Where | None = None, flag: str | None = None) -> None:
        """Record a cell: a number, or None for a blank cell."""
        if cell_id not in self.cells:
            raise KeyError(f"{cell_id} is not a cell of this report's layouts")
        self.cells[cell_id] = Cell(VALUE if value is not None else BLANK, value, printed, where, flag)

    def cell_counts(self) -> dict[str, int]:
        """How many cells are exact (a value, no doubt), flagged, blank, absent (unflagged)."""
        cells = list(self.cells.values())
        return {
            "exact": sum(c.state == VALUE and not c.flag for c in cells),
            "flagged": sum(bool(c.flag) for c in cells),
            "blank": sum(c.state == BLANK and not c.flag for c in cells),
            "absent": sum(c.state == ABSENT and not c.flag for c in cells),
        }

    def flags(self) -> dict[str, str]:
        """cell id -> reason, for every cell the parser is unsure of."""
        return {cid: c.flag for cid, c in self.cells.items() if c.flag}

    def section_text(self, key: str) -> str:
        s = self.sections.get(key)
        return s.text if s else ""
