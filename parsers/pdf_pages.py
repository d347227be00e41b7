"""Pages of characters and ruled tables → paragraphs and grids in reading order.

The half of PDF reading that does not depend on the engine that found the characters: a
reader (pdfplumber's text layer, a scan's recognised text) hands over each page as
characters (dicts with ``text``, ``x0``, ``x1``, ``top``, ``bottom``, ``size``, in points
from the top-left corner) and the ruled tables found on it (:class:`RuledTable`); this
module builds lines, cells with their spans, paragraphs, tables that continue across pages,
and drops page furniture.  See ``parsers.pdf`` for what each step is for.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pdfplumber.table import cells_to_tables, edges_to_intersections, merge_edges
from pdfplumber.utils import filter_edges

from .layout import Grid, GridCell, Paragraph, Where
from .pdf_cells import intersections_to_cells  # pdfplumber's, in linear time
from .pdf_unruled import Segment, build_grid, cut_segments, find_regions

__all__ = ["RuledTable", "ruled_tables", "Page", "page_of", "drop_margin_lines", "assemble", "cluster", "nearest", "inside"]

# --- tunables (PDF points unless noted) -------------------------------------------------

EDGE_TOL = 3.0  # same tolerance pdfplumber uses to snap / join ruling lines
GRID_TOL = 1.5  # distinct cell edges closer than this are the same grid line
MERGE_TOL = 4.0  # x-edges of two table parts closer than this are the same column line
MARGIN_BAND = 0.15  # page numbers live in the outer 15 % of the page height


_CJK_RANGES = (
    (0x2E80, 0x2FDF),  # radicals
    (0x3000, 0x303F),  # CJK punctuation
    (0x3040, 0x30FF),  # kana
    (0x3100, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),  # full-width forms: （ ， ：
    (0x20000, 0x3FFFF),
)

HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])")

_DASHES = r"\-‐‑‒–—―－~～·•"
PAGE_NUMBER_RE = re.compile(
    rf"^(?:[{_DASHES}]*\d{{1,4}}[{_DASHES}]*"  # 3  -3-  — 5 —  (spaces already removed)
    r"|第\d{1,4}页(?:[,，/]?共\d{1,4}页)?"  # 第3页  第3页共12页
    r"|\d{1,4}/\d{1,4}"  # 3/12
    r"|[Pp]age\d{1,4}(?:of\d{1,4})?)$"  # Page 3 of 12
)

# --- intermediate structures ------------------------------------------------------------


@dataclass
class _Line:
    """One line of running text on one page."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    text: str
    segments: tuple[Segment, ...] = ()


@dataclass
class _Unruled:
    """A table read from text positions (no ruling lines), standing where its first line stood."""

    grid: Grid

    @property
    def top(self) -> float:
        return self.grid.where.box[1] if self.grid.where.box else 0.0


@dataclass
class Page:
    """One page's lines and table parts, top to bottom."""

    number: int
    height: float
    items: list  # of _Line | _Part


@dataclass
class _Part:
    """One table found on one page (a table crossing pages has one part per page)."""

    page: int
    bbox: tuple[float, float, float, float]
    xs: list[float]  # distinct column edges, left to right
    n_rows: int
    cells: list[GridCell] = field(default_factory=list)
    end: tuple[int, float] = (0, 0.0)  # page and bottom of the last part merged in

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def bottom(self) -> float:
        return self.bbox[3]




@dataclass(frozen=True)
class RuledTable:
    """A table found from ruling lines: its box and the boxes of its cells (x0, top, x1, bottom)."""

    bbox: tuple[float, float, float, float]
    cells: Sequence[tuple[float, float, float, float]]



# --- one page ---------------------------------------------------------------------------


def page_of(number: int, height: float, chars: list[dict], tables: Sequence[RuledTable]) -> Page:
    """Lines and table parts of one page, top to bottom."""
    in_table: list[list[dict]] = [[] for _ in tables]
    free: list[dict] = []
    for ch in chars:
        for i, t in enumerate(tables):
            if inside(ch, t.bbox):
                in_table[i].append(ch)
                break
        else:
            free.append(ch)
    items: list[_Line | _Part] = [_make_line(ln, number) for ln in _group_lines(free)]
    items += [_make_part(t, tc, number) for t, tc in zip(tables, in_table)]
    items.sort(key=lambda it: it.top)
    return Page(number=number, height=height, items=items)


def inside(ch: dict, bbox: tuple[float, float, float, float]) -> bool:
    """A character belongs to a box when its centre does (as in pdfplumber's extract)."""
    x = (ch["x0"] + ch["x1"]) / 2
    y = (ch["top"] + ch["bottom"]) / 2
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]



# --- text lines -------------------------------------------------------------------------


def _group_lines(chars: list[dict]) -> list[list[dict]]:
    """Cluster characters into lines by vertical centre, each sorted left to right."""
    lines: list[list[dict]] = []
    bounds: list[list[float]] = []  # [top, bottom, centre] of each open line
    for ch in sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2):
        mid = (ch["top"] + ch["bottom"]) / 2
        half = (ch["bottom"] - ch["top"]) / 2
        if lines and abs(mid - bounds[-1][2]) <= max(1.0, min(half, bounds[-1][3]) * 0.8):
            lines[-1].append(ch)
            b = bounds[-1]
            b[0], b[1] = min(b[0], ch["top"]), max(b[1], ch["bottom"])
        else:
            lines.append([ch])
            bounds.append([ch["top"], ch["bottom"], mid, half])
    for ln in lines:
        ln.sort(key=lambda c: c["x0"])
    return lines


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return any(lo <= o <= hi for lo, hi in _CJK_RANGES)


def _needs_space(left: str, right: str) -> bool:
    """A gap between two characters is a word space only between Latin letters/digits."""
    return not (_is_cjk(left) or _is_cjk(right))


def _line_text(chars: list[dict]) -> str:
    """Join one line's characters: gaps become spaces only between non-CJK text; a digit
    set smaller against the figure it touches is a mark, written as a superscript or
    subscript digit (``13¹``), never as one more digit of the figure (131)."""
    marks = _digit_marks(chars)
    parts = [marks.get(0, chars[0]["text"])]
    for i, (prev, ch) in enumerate(zip(chars, chars[1:]), 1):
        gap = ch["x0"] - prev["x1"]
        size = min(prev["size"], ch["size"]) or 1.0
        if gap > 0.25 * size and prev["text"] and ch["text"] and _needs_space(prev["text"][-1], ch["text"][0]):
            parts.append(" ")
        parts.append(marks.get(i, ch["text"]))
    return "".join(parts)


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPT_DIGITS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹")
MARK_SIZE = 1.1  # a digit this many times smaller than the digit it touches is a mark


def _digit_marks(chars: list[dict]) -> dict[int, str]:
    """Index -> text of each digit that is a mark: smaller than a digit it touches, raised
    (superscript) or lowered (subscript); the digits that follow a mark at its size are its own."""
    marks: dict[int, str] = {}
    for i in range(1, len(chars)):
        prev, ch = chars[i - 1], chars[i]
        if not (prev["text"].isdigit() and ch["text"].isdigit() and prev["size"] and ch["size"]):
            continue
        if ch["x0"] - prev["x1"] > 0.25 * min(prev["size"], ch["size"]):
            continue  # two figures, not one figure and its mark
        if i - 1 in marks:
            if abs(ch["size"] - prev["size"]) <= 0.05 * prev["size"]:
                table = _SUPERSCRIPT if marks[i - 1][0] in _SUPERSCRIPT_DIGITS else _SUBSCRIPT
                marks[i] = ch["text"].translate(table)
            continue
        if ch["size"] * MARK_SIZE < prev["size"]:
            small, big = i, i - 1
        elif prev["size"] * MARK_SIZE < ch["size"]:
            small, big = i - 1, i
        else:
            continue
        base = chars[big]
        raised = chars[small]["bottom"] < base["bottom"] - 0.1 * base["size"]
        marks[small] = chars[small]["text"].translate(_SUPERSCRIPT if raised else _SUBSCRIPT)
    return marks


def _make_line(chars: list[dict], page: int) -> _Line:
    return _Line(
        page=page,
        x0=min(c["x0"] for c in chars),
        top=min(c["top"] for c in chars),
        x1=max(c["x1"] for c in chars),
        bottom=max(c["bottom"] for c in chars),
        size=statistics.median(c["size"] for c in chars),
        text=_line_text(chars),
        segments=cut_segments(chars, _line_text),
    )


def _join_wrapped(texts: list[str]) -> str:
    """Join wrapped lines: no separator in CJK text, a space between Latin words."""
    out = ""
    for t in texts:
        if out and t and out[-1].isascii() and out[-1].isalpha() and t[0].isascii() and t[0].isalnum():
            out += " "
        out += t
    return out.strip()


def drop_margin_lines(pages: list[Page]) -> None:
    """Remove page numbers and running headers / footers from the top and bottom of pages.

    A line goes when it is the first or last item of its page, lies in the margin band,
    and is a page number or repeats (digits aside) at the same end of another page.
    Removing them keeps "- 3 -" out of paragraphs and lets a table continue across pages.
    """
    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text.replace(" ", ""))

    def ends(page: Page) -> list[tuple[str, _Line]]:
        out = []
        for end, it in (("top", page.items[0]), ("bottom", page.items[-1])) if page.items else ():
            if isinstance(it, _Line) and len(it.text) <= 40 and _in_band(it, page.height, end):
                out.append((end, it))
        return out

    seen = Counter((end, key(ln)) for page in pages for end, ln in ends(page))

    def removable(it: _Line | _Part, page: Page, end: str) -> bool:
        if not isinstance(it, _Line) or not _in_band(it, page.height, end):
            return False
        return bool(PAGE_NUMBER_RE.match(it.text.replace(" ", ""))) or seen[(end, key(it))] >= 2

    for page in pages:
        while page.items and removable(page.items[-1], page, "bottom"):
            page.items.pop()
        while page.items and removable(page.items[0], page, "top"):
            page.items.pop(0)


def _in_band(it: _Line | _Part, height: float, end: str) -> bool:
    if end == "top":
        return it.bottom < height * MARGIN_BAND
    return it.top > height * (1 - MARGIN_BAND)


# --- tables -----------------------------------------------------------------------------


def ruled_tables(edges: list[dict]) -> list[RuledTable]:
    """Tables formed by horizontal and vertical ruling lines (edge dicts as pdfplumber gives them).

    The same steps as pdfplumber's explicit-lines table finder, without a page object, so a
    scan's detected lines go the same way as a PDF's drawn ones.
    """
    # Snap and join collinear pieces first: some producers draw every cell border separately.
    edges = merge_edges(edges, EDGE_TOL, EDGE_TOL, EDGE_TOL, EDGE_TOL)
    v = [e for e in edges if e["orientation"] == "v"]
    h = [e for e in edges if e["orientation"] == "h"]
    if len(v) < 2 or not h:
        return []
    h += _close_open_ends(v, h)
    edges = filter_edges(merge_edges(v + h, EDGE_TOL, EDGE_TOL, EDGE_TOL, EDGE_TOL), min_length=EDGE_TOL)
    cells = intersections_to_cells(edges_to_intersections(edges, EDGE_TOL, EDGE_TOL))
    tables = []
    for group in cells_to_tables(cells):
        if len(group) > 1:  # a lone box (one cell) is a frame around text, not a table
            bbox = (min(c[0] for c in group), min(c[1] for c in group),
                    max(c[2] for c in group), max(c[3] for c in group))
            tables.append(RuledTable(bbox, [tuple(c) for c in group]))
    return tables


def _close_open_ends(v: list[dict], h: list[dict]) -> list[dict]:
    """Horizontal segments closing vertical lines that end in mid-air.

    A table cut by a page break has no ruling along the cut: its first (or last) row has
    no top (or bottom) line and pdfplumber would drop those cells.  Join each open end to
    the nearest vertical line on either side that reaches the same height.
    """
    h = sorted(h, key=lambda e: e["top"])
    h_tops = [e["top"] for e in h]

    def crossed(x: float, y: float) -> bool:
        lo = bisect.bisect_left(h_tops, y - EDGE_TOL)
        hi = bisect.bisect_right(h_tops, y + EDGE_TOL)
        return any(e["x0"] - EDGE_TOL <= x <= e["x1"] + EDGE_TOL for e in h[lo:hi])

    added = []
    for e in v:
        x = e["x0"]
        for y in (e["top"], e["bottom"]):
            if crossed(x, y):
                continue
            reach = [f["x0"] for f in v if f["top"] - EDGE_TOL <= y <= f["bottom"] + EDGE_TOL]
            left = max((fx for fx in reach if fx < x - EDGE_TOL), default=None)
            right = min((fx for fx in reach if fx > x + EDGE_TOL), default=None)
            for a, b in ((left, x), (x, right)):
                if a is not None and b is not None:
                    added.append(_h_edge(a, b, y))
    return added


def _h_edge(x0: float, x1: float, y: float) -> dict:
    return {"object_type": "line_edge", "orientation": "h", "x0": x0, "x1": x1,
            "width": x1 - x0, "top": y, "bottom": y, "height": 0}


def cluster(values: list[float], tol: float) -> list[float]:
    """Sorted representative positions of values closer than ``tol`` to each other."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def nearest(edges: list[float], v: float) -> int:
    i = bisect.bisect_left(edges, v)
    if i > 0 and (i == len(edges) or v - edges[i - 1] <= edges[i] - v):
        return i - 1
    return i


def _make_part(table, chars: list[dict], page: int) -> _Part:
    """A table's real cells with row/col spans derived from their bounding boxes."""
    boxes = table.cells
    xs = cluster([b[0] for b in boxes] + [b[2] for b in boxes], GRID_TOL)
    ys = cluster([b[1] for b in boxes] + [b[3] for b in boxes], GRID_TOL)
    cells, owner = [], {}
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        r, c = nearest(ys, box[1]), nearest(xs, box[0])
        rs = max(1, nearest(ys, box[3]) - r)
        cs = max(1, nearest(xs, box[2]) - c)
        if (r, c) in owner:  # overlapping duplicate box: keep the first
            continue
        cell = GridCell(row=r, col=c, text="", rowspan=rs, colspan=cs,
                        where=Where(page=page, box=tuple(box)))
        cells.append(cell)
        for i in range(r, r + rs):
            for j in range(c, c + cs):
                owner.setdefault((i, j), cell)
    _fill_cells(owner, xs, ys, chars)
    bbox = tuple(table.bbox)
    return _Part(page=page, bbox=bbox, xs=xs, n_rows=len(ys) - 1, cells=cells, end=(page, bbox[3]))


def _fill_cells(owner: dict, xs: list[float], ys: list[float], chars: list[dict]) -> None:
    """Put each character into the cell whose grid slot holds its centre."""
    per_cell: dict[int, list[dict]] = {}
    for ch in chars:
        x = (ch["x0"] + ch["x1"]) / 2
        y = (ch["top"] + ch["bottom"]) / 2
        key = (bisect.bisect_right(ys, y) - 1, bisect.bisect_right(xs, x) - 1)
        cell = owner.get(key)
        if cell is not None:
            per_cell.setdefault(id(cell), []).append(ch)
    for cell in {id(c): c for c in owner.values()}.values():
        found = per_cell.get(id(cell))
        if found:
            # Vertical headers come one character per line: join lines without a separator.
            cell.text = _join_wrapped([_line_text(ln) for ln in _group_lines(found)])
            # recognised characters (a scan) carry their confidence and the reader's doubt
            cell.doubt = next((ch["doubt"] for ch in found if ch.get("doubt")), None)
            confidences = [ch["confidence"] for ch in found if ch.get("confidence") is not None]
            if confidences:
                cell.where = replace(cell.where, confidence=min(confidences))


# --- document assembly ------------------------------------------------------------------


def assemble(pages: list[Page]) -> list[Paragraph | Grid]:
    """Turn the page-ordered items into paragraphs and grids."""
    items = _find_unruled([it for page in pages for it in page.items])
    heights = {page.number: page.height for page in pages}
    lines = [it for it in items if isinstance(it, _Line)]
    left, right = _text_margins(lines)
    gap = _usual_gap(items)
    blocks: list[Paragraph | Grid] = []
    run: list[_Line] = []
    part: _Part | None = None
    for it in items:
        if isinstance(it, _Unruled):
            if run:
                blocks.append(_paragraph(run))
                run = []
            if part is not None:
                blocks.append(_grid(part))
                part = None
            blocks.append(it.grid)
            continue
        if isinstance(it, _Part):
            if run:
                blocks.append(_paragraph(run))
                run = []
            if part is not None and _continues(part, it, heights):
                part = _merge_parts(part, it)
                continue
            if part is not None:
                blocks.append(_grid(part))
            part = it
            continue
        if part is not None:
            blocks.append(_grid(part))
            part = None
        if run and _starts_paragraph(run[-1], it, left, right, gap):
            blocks.append(_paragraph(run))
            run = []
        run.append(it)
    if run:
        blocks.append(_paragraph(run))
    if part is not None:
        blocks.append(_grid(part))
    return blocks


def _find_unruled(items: list) -> list:
    """Runs of text lines that are tables printed without ruling, replaced by their grids."""
    out: list = []
    run: list[_Line] = []
    for it in [*items, None]:
        if isinstance(it, _Line):
            run.append(it)
            continue
        last = 0
        for first, end in find_regions(run):
            out.extend(run[last:first])
            out.append(_Unruled(build_grid(run[first:end], _line_text)))
            last = end
        out.extend(run[last:])
        run = []
        if it is not None:
            out.append(it)
    return out


def _text_margins(lines: list[_Line]) -> tuple[float, float]:
    """Left and right edges of the text block: where most lines start and end."""
    if not lines:
        return 0.0, 0.0
    starts = Counter(round(ln.x0) for ln in lines)
    ends = Counter(round(ln.x1) for ln in lines)
    # The outermost position shared by several lines; a lone stray line does not count.
    left = min((x for x, n in starts.items() if n >= 3), default=starts.most_common(1)[0][0])
    right = max((x for x, n in ends.items() if n >= 3), default=ends.most_common(1)[0][0])
    return float(left), float(right)


def _usual_gap(items: list[_Line | _Part]) -> float:
    """The most common space between consecutive lines: line spacing varies by producer
    (WPS 1.7x the font size, LibreOffice up to 2.6x), so a "big gap" is relative to it."""
    gaps = [
        round(b.top - a.bottom)
        for a, b in zip(items, items[1:])
        if isinstance(a, _Line) and isinstance(b, _Line) and a.page == b.page and b.top > a.bottom
    ]
    return float(statistics.mode(gaps)) if gaps else 0.0


def _starts_paragraph(prev: _Line, line: _Line, left: float, right: float, gap: float) -> bool:
    """Whether ``line`` begins a new paragraph rather than continuing ``prev``."""
    size = max(line.size, prev.size)
    if HEADING_RE.match(line.text):
        return True
    if line.x0 > left + 0.8 * line.size:  # first-line indent, or a centred line
        return True
    if prev.x1 < right - 1.5 * prev.size:  # previous line stopped short
        return True
    if abs(line.size - prev.size) > 1.5:  # a title or a note in another size
        return True
    return line.page == prev.page and line.top - prev.bottom > max(1.2 * size, 1.5 * gap)


def _paragraph(lines: list[_Line]) -> Paragraph:
    first_page = [ln for ln in lines if ln.page == lines[0].page]
    box = (min(ln.x0 for ln in first_page), first_page[0].top,
           max(ln.x1 for ln in first_page), first_page[-1].bottom)
    return Paragraph(_join_wrapped([ln.text for ln in lines]), Where(page=lines[0].page, box=box))


def _grid(part: _Part) -> Grid:
    n_cols = len(part.xs) - 1
    return Grid(cells=sorted(part.cells, key=lambda c: (c.row, c.col)),
                n_rows=part.n_rows, n_cols=n_cols, where=Where(page=part.page, box=part.bbox))


# --- tables across pages ----------------------------------------------------------------


def _continues(a: _Part, b: _Part, heights: dict[int, float]) -> bool:
    """Whether part ``b`` continues table ``a``: ``a`` ends low on its page, ``b`` starts
    high on the next, nothing but page furniture between them (the caller checks that),
    same outer edges, and one part's column lines are a subset of the other's."""
    last_page, last_bottom = a.end
    if b.page != last_page + 1:
        return False
    if last_bottom < heights[last_page] * 0.6 or b.top > heights[b.page] * 0.4:
        return False
    if abs(a.xs[0] - b.xs[0]) > MERGE_TOL or abs(a.xs[-1] - b.xs[-1]) > MERGE_TOL:
        return False
    small, big = sorted((a.xs, b.xs), key=len)
    return all(any(abs(x - y) <= MERGE_TOL for y in big) for x in small)


def _merge_parts(a: _Part, b: _Part) -> _Part:
    """Append ``b`` below ``a`` on a common set of column lines."""
    xs = cluster(a.xs + b.xs, MERGE_TOL)
    for part in (a, b):
        _regrid_columns(part, xs)
    _drop_repeated_header(a, b)
    continued = _continue_group_cells(a, b)
    for c in b.cells:
        if id(c) not in continued:
            c.row += a.n_rows
            a.cells.append(c)
    a.n_rows += b.n_rows
    a.xs = xs
    a.end = b.end
    return a


def _regrid_columns(part: _Part, xs: list[float]) -> None:
    """Re-index columns of a part against the merged column lines."""
    for c in part.cells:
        x0, _, x1, _ = c.where.box
        c.col = nearest(xs, x0)
        c.colspan = max(1, nearest(xs, x1) - c.col)
    part.xs = xs


def _row_block(part: _Part, k: int) -> list[tuple] | None:
    """Cells of the first ``k`` rows, or None when a cell crosses row ``k``."""
    block = []
    for c in part.cells:
        if c.row < k:
            if c.row + c.rowspan > k:
                return None
            block.append((c.row, c.col, c.rowspan, c.colspan, c.text))
    return sorted(block)


def _drop_repeated_header(a: _Part, b: _Part) -> None:
    """Remove rows at the top of ``b`` that repeat the top rows of ``a`` verbatim."""
    for k in range(min(a.n_rows, b.n_rows - 1), 0, -1):
        block = _row_block(b, k)
        if block and block == _row_block(a, k) and any(t for *_, t in block):
            b.cells = [c for c in b.cells if c.row >= k]
            for c in b.cells:
                c.row -= k
            b.n_rows -= k
            return


def _continue_group_cells(a: _Part, b: _Part) -> set[int]:
    """Extend ``a``'s group cells over ``b`` where ``b`` starts with empty leading cells.

    A row header spanning the page break (``三、本年度办理结果``) is printed on the first
    page only; on the next page its column starts with an empty cell.  Only cells left of
    the first non-empty cell of ``b``'s first row are joined, so a blank figure is never
    merged into the figure above it.  Returns ids of ``b`` cells absorbed into ``a``.
    """
    first_row = sorted((c for c in b.cells if c.row == 0), key=lambda c: c.col)
    text_col = next((c.col for c in first_row if c.text), None)
    if text_col is None:
        return set()
    bottom = {(c.col, c.colspan): c for c in a.cells if c.row + c.rowspan == a.n_rows}
    absorbed = set()
    for c in first_row:
        if c.col + c.colspan > text_col or c.text:
            continue
        above = bottom.get((c.col, c.colspan))
        if above is not None and above.text:
            above.rowspan += c.rowspan
            absorbed.add(id(c))
    return absorbed
