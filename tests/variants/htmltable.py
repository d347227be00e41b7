"""Just enough of an HTML table model to rewrite corpus tables in place.

Edits are made on the original text (spans of ``<table>``, ``<tr>``, ``<td>``), never by
re-serialising a parsed tree, so a variant differs from its source only where it was mutated.
The corpus tables are flat (no nested tables), which these regular expressions rely on.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

TABLE = re.compile(r"<table\b[^>]*>.*?</table\s*>", re.DOTALL | re.IGNORECASE)
ROW = re.compile(r"<tr\b[^>]*>.*?</tr\s*>", re.DOTALL | re.IGNORECASE)
CELL = re.compile(r"<(td|th)\b([^>]*)>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
SPAN_ATTR = re.compile(r"""\b(rowspan|colspan)\s*=\s*["']?(\d+)["']?""", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")


def cell_text(inner: str) -> str:
    """A cell's text as a reader sees it: tags dropped, entities decoded, spaces trimmed."""
    return html.unescape(TAG.sub("", inner)).replace("\xa0", " ").strip()


@dataclass
class Cell:
    start: int  # span of the whole <td>…</td> in the document
    end: int
    inner_start: int  # span of its content
    inner_end: int
    attrs: str
    rowspan: int = 1
    colspan: int = 1
    col: int = 0  # first grid column, filled by Table.grid()


@dataclass
class Row:
    start: int
    end: int
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Table:
    start: int
    end: int
    rows: list[Row]
    text: str  # the whole document

    def body(self) -> str:
        return self.text[self.start:self.end]

    def grid(self) -> None:
        """Assign each cell its first grid column, honouring rowspan/colspan."""
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row.cells:
                while (r, c) in taken:
                    c += 1
                cell.col = c
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, c + dc))
                c += cell.colspan


def tables(text: str) -> list[Table]:
    out = []
    for m in TABLE.finditer(text):
        rows = []
        for rm in ROW.finditer(text, m.start(), m.end()):
            row = Row(rm.start(), rm.end())
            for cm in CELL.finditer(text, rm.start(), rm.end()):
                spans = {k.lower(): int(v) for k, v in SPAN_ATTR.findall(cm.group(2))}
                row.cells.append(Cell(cm.start(), cm.end(), cm.start(3), cm.end(3), cm.group(2),
                                      spans.get("rowspan", 1), spans.get("colspan", 1)))
            rows.append(row)
        t = Table(m.start(), m.end(), rows, text)
        t.grid()
        out.append(t)
    return out


def find_table(text: str, marker: str) -> Table | None:
    """The first table whose text contains ``marker``."""
    return next((t for t in tables(text) if marker in cell_text(t.body())), None)


def set_span(attrs: str, name: str, value: int) -> str:
    """``attrs`` with rowspan/colspan set to ``value`` (removed when 1)."""
    attrs = re.sub(rf"""\s*\b{name}\s*=\s*["']?\d+["']?""", "", attrs, flags=re.IGNORECASE)
    return attrs + (f' {name}="{value}"' if value > 1 else "")


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end) span replaced; spans must not overlap."""
    out, pos = [], 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):  # stable: inserts keep their order
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _tag(text: str, cell: Cell) -> str:
    return text[cell.start + 1:cell.start + 3].lower()


def split_rows(table: Table, k: int) -> tuple[str, str]:
    """The table cut before row ``k`` (0 < k < rows) into two tables, merged cells cut at the break.

    A cell spanning the break keeps its text in the first part; the second part gets an empty
    cell covering the rest of its rows, as a table broken across pages shows it.
    """
    text, rows = table.text, table.rows
    head = text[table.start:rows[0].start]
    tail = text[rows[-1].end:table.end]
    edits, carry = [], []
    for r, row in enumerate(rows[:k]):
        for cell in row.cells:
            if r + cell.rowspan > k:
                tag = _tag(text, cell)
                attrs = set_span(cell.attrs, "rowspan", k - r)
                edits.append((cell.start, cell.end, f"<{tag}{attrs}>{text[cell.inner_start:cell.inner_end]}</{tag}>"))
                cont = set_span(set_span(cell.attrs, "rowspan", r + cell.rowspan - k), "colspan", cell.colspan)
                carry.append((cell.col, f"<{tag}{cont}></{tag}>"))
    first = apply_edits(text[:rows[k - 1].end], edits)[rows[0].start:]
    row = rows[k]
    inserts = []
    for col, html_cell in sorted(carry):
        at = next((c.start for c in row.cells if c.col > col), None)
        if at is None:  # after the last cell
            at = row.cells[-1].end if row.cells else text.index(">", row.start) + 1
        inserts.append((at, at, html_cell))
    second = apply_edits(text[:rows[-1].end], inserts)[row.start:]
    return head + first + tail, head + second + tail
