"""A PDF page's characters and ruling edges read through pdfium, as pdfplumber would give them.

pdfplumber spends most of a parse in pdfminer's Python object parser; pdfium (pypdfium2) reads
the same page in a tenth of the time.  This module turns pdfium's text page and path objects
into the dicts :mod:`parsers.pdf` takes from pdfplumber, in pdfplumber's coordinate system
(points, origin at the top left of the MediaBox as displayed, i.e. after /Rotate), so the two
readers feed the same cleaning and table steps and agree cell for cell:

* characters: ``text``, ``x0``, ``x1``, ``top``, ``bottom``, ``size``, ``fontname``,
  ``upright``.  pdfium's own character boxes are not pdfminer's (its "loose" box takes the
  height from the font's ascent and descent, its tight box from the glyph outline), so the
  box is rebuilt as pdfminer builds it: from the origin, the advance and the font's
  descriptor descent, one font size high.  Glyphs without a Unicode mapping are spelt
  ``(cid:N)`` as pdfminer spells them, so the same counter judges the text layer.
* edges: the sides of rectangles and straight two-point lines of every painted path (Form
  XObjects included), split into subpaths and classified as pdfminer does (``line``,
  ``rect_edge``), with stroke and fill flags and colours (RGB, 0–1).  Only edges drawn on
  paper (:mod:`parsers.pdf_paint`, the rule ``parsers.pdf`` applies to pdfplumber's) are
  returned: a path's paint is read first, so WPS's white boxes cost no segment reading.
  Curves and polygons give no edges, as pdfplumber's curve edges carry no paint and are
  never visible.
"""

from __future__ import annotations

import ctypes
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from pdfminer.fontmetrics import FONT_METRICS
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral

from .pdf_paint import line_visible, rect_visible

__all__ = ["PageSpace", "PageContent", "read_page"]

SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")  # "BAAAAA+FandolHei-Regular": a subset of FandolHei-Regular
MAX_FORM_DEPTH = 15  # Form XObjects nested deeper than this are not entered (pypdfium2's default)
_AXIS_EPS = 1e-9  # matrix terms below this are zero: the text or path is axis-aligned

Matrix = tuple[float, float, float, float, float, float]  # a, b, c, d, e, f (PDF row-vector order)
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF convention: a point is transformed by m, then by n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


@dataclass(frozen=True)
class PageSpace:
    """From PDF user space to pdfplumber's page coordinates.

    pdfminer maps user space through a rotation matrix built from the MediaBox and /Rotate;
    pdfplumber then flips the y axis and shifts by the MediaBox origin.  The CropBox plays no
    part (pdfplumber's page box is the MediaBox), so it plays none here either.
    """

    rotation: Matrix  # pdfminer's page matrix: user space -> rotated page, y up
    height: float  # the page height as displayed
    x_shift: float
    top_shift: float

    @classmethod
    def of(cls, page: pdfium.PdfPage) -> PageSpace:
        x0, y0, x1, y1 = page.get_mediabox()
        rotate = page.get_rotation() % 360
        rotation: Matrix = {
            90: (0.0, -1.0, 1.0, 0.0, -y0, x1),
            180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
            270: (0.0, 1.0, -1.0, 0.0, y1, -x0),
        }.get(rotate, (1.0, 0.0, 0.0, 1.0, -x0, -y0))
        lo_x, hi_x = sorted((x0, x1))
        lo_y, hi_y = sorted((y0, y1))
        box = (lo_y, lo_x, hi_y, hi_x) if rotate in (90, 270) else (lo_x, lo_y, hi_x, hi_y)
        height = box[3] - box[1]
        return cls(rotation, height, box[0], height - box[3])

    def point(self, x: float, y: float) -> tuple[float, float]:
        """(x, top) of a user-space point."""
        rx, ry = apply(self.rotation, x, y)
        return rx + self.x_shift, self.height - ry + self.top_shift

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) of a user-space rectangle given by two opposite corners."""
        ax, at = self.point(x0, y0)
        bx, bt = self.point(x1, y1)
        return min(ax, bx), min(at, bt), max(ax, bx), max(at, bt)


# --- characters -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Font:
    key: int  # the font's handle: one font is shared by many text objects
    name: str
    descent: float  # per unit of font size, text space (the descriptor's Descent / 1000)


@dataclass
class PageContent:
    """What :func:`read_page` found on one page."""

    height: float
    chars: list[dict]
    edges: list[dict]
    lost: int  # text objects pdfium's text page left out (see read_page)


def read_page(page: pdfium.PdfPage, descents: dict[str, float] | None = None) -> PageContent:
    """Characters and ruling edges of one page, in pdfplumber's coordinates.

    pdfium's text page leaves out a text object whose bounds are empty — a single glyph
    that no font available has an outline for (a font neither embedded nor installed).
    pdfminer reads its text all the same; ``lost`` counts such objects, so that the caller
    can read the document with pdfplumber instead of losing a character silently.
    ``descents`` (:func:`font_descents`) gives fonts' descents as pdfminer reads them.
    """
    space = PageSpace.of(page)
    textpage = page.get_textpage()
    try:
        seen: set[int] = set()
        chars = _read_chars(textpage, space, seen, descents or {})
        lines: list[dict] = []
        rects: list[dict] = []
        texts: list[int] = []
        out = _Out()
        for obj, matrix in _paths(page.raw, pd.FPDFPage_CountObjects, pd.FPDFPage_GetObject, IDENTITY, 0, texts):
            paint = _paint(obj, out)
            if paint is None:
                continue
            show_rects, show_lines = rect_visible(paint), line_visible(paint)
            if show_rects or (show_lines and _has_line(obj)):  # WPS's white boxes stop here
                for shape, pts in _subpaths(obj, matrix):
                    _classify(shape, pts, paint, space, lines if show_lines else None, rects if show_rects else None)
        # pdfplumber's page.edges order: line edges first, then the four sides of each rectangle
        return PageContent(space.height, chars, lines + rects, sum(1 for t in texts if t not in seen))
    finally:
        textpage.close()


class _Handles:
    """pdfium's functions with their opaque handles as plain integers.

    pypdfium2's bindings return handles as ctypes pointers, which cannot be dict keys and
    cost a cast to compare; the same functions bound again with ``c_void_p`` give ints.
    Only the handle types change: every other argument keeps pypdfium2's declaration.
    """

    def __init__(self) -> None:
        from pypdfium2_raw.bindings import _libs  # the library pypdfium2 loaded, bound again
        self._lib = _libs["pdfium"]

    def __getattr__(self, name: str):
        declared = getattr(raw, name)
        fn = self._lib[name]
        fn.argtypes = tuple(_plain(t) for t in declared.argtypes)
        fn.restype = _plain(declared.restype)
        setattr(self, name, fn)
        return fn


def _plain(t):
    is_handle = isinstance(t, type) and issubclass(t, ctypes._Pointer) and "fpdf_" in t._type_.__name__
    return ctypes.c_void_p if is_handle else t


pd = _Handles()


@dataclass(frozen=True)
class _Run:
    """What the characters of one text object share: font, size, and the matrix from text
    space to page coordinates (pdfminer's rendering matrix, rotated and flipped as displayed).
    ``flat`` says the matrix is axis-aligned (upright or mirrored text, not at an angle)."""

    font: _Font
    size: float
    linear: tuple[float, float, float, float]
    upright: bool
    flat: bool
    # for flat horizontal text: x scale of the advance, and the box's top and bottom from the origin
    advance: float = 0.0
    rise: tuple[float, float] = (0.0, 0.0)


def _read_chars(textpage: pdfium.PdfTextPage, space: PageSpace, seen: set[int],
                descents: dict[str, float]) -> list[dict]:
    """The page's characters as pdfplumber gives them (whitespace and pdfium's generated
    spaces and line breaks left out: the cleaning step drops them anyway); ``seen`` receives
    the text objects they come from.  The loop is the reader's hot path: a few pdfium calls
    a character, what text objects share computed once per object."""
    tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value  # a plain integer: the cheapest argument to pass
    get_object, get_unicode, get_origin = pd.FPDFText_GetTextObject, pd.FPDFText_GetUnicode, pd.FPDFText_GetCharOrigin
    fonts: dict[int, _Font] = {}
    runs: dict[int, _Run] = {}
    shared: dict[tuple, _Run] = {}
    widths: dict[tuple[int, int], float | None] = {}
    ox, oy = ctypes.c_double(), ctypes.c_double()  # out-parameters, one set a call (no sharing across threads)
    pox, poy = ctypes.byref(ox), ctypes.byref(oy)
    matrix = raw.FS_MATRIX()
    out_matrix = ctypes.byref(matrix)
    rx, ry, rc, rd, re_, rf = space.rotation
    height, x_shift, top_shift = space.height, space.x_shift, space.top_shift
    isfinite = math.isfinite
    out = []
    for i in range(pd.FPDFText_CountChars(tp)):
        obj = get_object(tp, i)
        if not obj:
            continue  # a space or line break pdfium generated
        code = get_unicode(tp, i)
        text = chr(code) if 0 < code < 0x110000 else ""
        if text.isspace():
            seen.add(obj)
            continue
        if not get_origin(tp, i, pox, poy):
            continue
        run = runs.get(obj)
        if run is None:
            run = runs[obj] = _run_of(tp, i, obj, space, fonts, descents, shared, matrix, out_matrix)
        if not text.isprintable():
            text = f"(cid:{code})"  # no Unicode mapping: what pdfminer prints for it
        key = (run.font.key, code)
        width = widths.get(key, 0.0)
        if width == 0.0:
            width = widths[key] = _glyph_width(run.font.key, code)
        if width is None:  # pdfium cannot map the character back to its code: its own box
            rect = raw.FS_RECTF()
            if not pd.FPDFText_GetLooseCharBox(tp, i, ctypes.byref(rect)):
                continue
            x0, top, x1, bottom = space.box(rect.left, rect.bottom, rect.right, rect.top)
            size = bottom - top
        else:
            u, v = ox.value, oy.value
            x = rx * u + rc * v + re_ + x_shift
            t = height - (ry * u + rd * v + rf) + top_shift
            if run.flat and width >= 0:  # the usual glyph, inline: _char_box's first case
                w = run.advance * width
                x0, x1 = (x, x + w) if w >= 0 else (x + w, x)
                top, bottom = t + run.rise[0], t + run.rise[1]
            else:
                x0, top, x1, bottom = _char_box(run, width, x, t)
            size = x1 - x0 if width < 0 else bottom - top
        if isfinite(x0) and isfinite(x1) and isfinite(top) and isfinite(bottom):
            out.append({"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "size": size,
                        "fontname": run.font.name, "upright": run.upright})
    seen.update(runs)
    return out


def _run_of(tp, i: int, obj: int, space: PageSpace, fonts: dict[int, _Font], descents: dict[str, float],
            shared: dict[tuple, _Run], m, out_m) -> _Run:
    """The run of character ``i``'s text object; objects alike share one (WPS makes one a glyph)."""
    if not pd.FPDFText_GetMatrix(tp, i, out_m):
        m.a, m.b, m.c, m.d = 1.0, 0.0, 0.0, 1.0
    key = (pd.FPDFTextObj_GetFont(obj) or 0, pd.FPDFText_GetFontSize(tp, i), m.a, m.b, m.c, m.d)
    run = shared.get(key)
    if run is None:
        a, b, c, d = multiply((m.a, m.b, m.c, m.d, 0.0, 0.0), space.rotation)[:4]
        font, size = _font_of(key[0], fonts, descents), key[1]
        low = font.descent * size
        run = shared[key] = _Run(font, size, (a, -b, c, -d), a * d > 0 and b * c <= 0, b == 0.0 and c == 0.0,
                                 a * size, (min(-d * low, -d * (low + size)), max(-d * low, -d * (low + size))))
    return run



def _char_box(run: _Run, width: float, x: float, top: float) -> tuple[float, float, float, float]:
    """pdfminer's box of one glyph, in page coordinates, from its origin (``x``, ``top``).

    Horizontal writing: from the baseline's descent up one font size, as wide as the glyph's
    advance.  Vertical writing (a negative advance): one font size square from pdfium's
    origin, which for vertical fonts is already the glyph's lower left corner.
    """
    size = run.size
    if width >= 0:
        low = run.font.descent * size
        u0, u1, v0, v1 = 0.0, width * size, low, low + size
    else:
        u0, u1, v0, v1 = 0.0, size, 0.0, size
    a, b, c, d = run.linear
    if run.flat:
        x0, x1 = (a * u0, a * u1) if a >= 0 else (a * u1, a * u0)
        t0, t1 = (d * v0, d * v1) if d >= 0 else (d * v1, d * v0)
        return x + x0, top + t0, x + x1, top + t1
    px = [a * u + c * v for u in (u0, u1) for v in (v0, v1)]
    py = [b * u + d * v for u in (u0, u1) for v in (v0, v1)]
    return x + min(px), top + min(py), x + max(px), top + max(py)


def _font_of(handle: int, fonts: dict[int, _Font], descents: dict[str, float]) -> _Font:
    """A font's name and descent, read once per font."""
    font = fonts.get(handle)
    if font is None:
        name, descent = "", 0.0
        if handle:
            buf = ctypes.create_string_buffer(256)
            n = pd.FPDFFont_GetBaseFontName(handle, buf, len(buf))
            name = buf.raw[:max(0, min(n, len(buf)) - 1)].decode("utf-8", "replace")
            value = ctypes.c_float()
            plain = SUBSET_TAG.sub("", name)
            if plain in descents:
                descent = descents[plain]
            elif pd.FPDFFont_GetDescent(handle, 1.0, value):
                descent = -abs(value.value)  # pdfminer makes a positive Descent negative
        font = fonts[handle] = _Font(handle, name, descent)
    return font


def _glyph_width(handle: int, code: int) -> float | None:
    """The glyph's advance per unit of font size (negative in vertical writing), from the
    font's widths as pdfminer takes them; None when pdfium cannot map the character back."""
    if not handle or not 0 < code < 0x110000:
        return None
    value = ctypes.c_float()
    if not pd.FPDFFont_GetGlyphWidth(handle, code, 1.0, value) or not math.isfinite(value.value):
        return None
    return value.value


def font_descents(data: bytes) -> dict[str, float]:
    """Each font's descent per unit of size as pdfminer reads it, by name (subset tag dropped).

    pdfium makes up a descent from the glyphs when the descriptor says 0 (LibreOffice writes
    0 for every font); pdfminer takes the 0.  Characters of two fonts on one line then sit at
    different heights in one reader and not in the other, and tables without ruling, read
    from text positions, come out differently.  Only the font dictionaries are read (the
    object index, the page tree, the fonts: no content stream), a few milliseconds a file.
    A name whose fonts disagree, or a file pdfminer cannot index, is left to pdfium; so is a
    file whose font descriptors are all in plain sight with non-zero descents, where pdfium
    reads the same numbers (:func:`_descents_agree`).
    """
    if _descents_agree(data):
        return {}
    found: dict[str, set[float]] = {}
    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)))
        for page in PDFPage.create_pages(doc):
            fonts = resolve1((resolve1(page.resources) or {}).get("Font")) or {}
            for spec in (resolve1(f) for f in fonts.values()):
                name, descent = _descent_of(spec)
                if name is not None:
                    found.setdefault(SUBSET_TAG.sub("", name), set()).add(descent)
    except Exception:  # noqa: BLE001 - damaged structure: the readers report it in their own words
        return {}
    return {name: next(iter(values)) for name, values in found.items() if len(values) == 1}


_ZERO_DESCENT = re.compile(rb"/Descent\s*-?(?:0+(?:\.0*)?|\.0+)(?![\d.])")
_NO_DESCRIPTOR = re.compile(rb"/Type3|/BaseFont\s*/(?:Times|Helvetica|Courier|Symbol|ZapfDingbats)")


_FONT = re.compile(rb"/Type\s*/Font(?!Descriptor)")
_TYPE0 = re.compile(rb"/Subtype\s*/Type0")
_DESCRIPTOR = re.compile(rb"/Type\s*/FontDescriptor")


def _descents_agree(data: bytes) -> bool:
    """Whether pdfium's descents are pdfminer's without asking: no descriptor hidden in an
    object stream, none with a zero or missing descent, a descriptor for every font but the
    composite ones (whose descendants have them), no Type 3 or standard font."""
    if b"/ObjStm" in data or _ZERO_DESCENT.search(data) or _NO_DESCRIPTOR.search(data):
        return False
    descriptors = len(_DESCRIPTOR.findall(data))
    fonts = len(_FONT.findall(data)) - len(_TYPE0.findall(data))
    return data.count(b"/Descent") >= descriptors >= fonts


def _descent_of(spec) -> tuple[str | None, float]:
    """(BaseFont, descent / 1000) of one font dictionary, by pdfminer's rules: the
    descendant's descriptor for a CID font, the bounding box for Type 3, the built-in
    metrics for the 14 standard fonts, a positive Descent made negative."""
    if not isinstance(spec, dict):
        return None, 0.0
    base = resolve1(spec.get("BaseFont"))
    name = base.name if isinstance(base, PSLiteral) else str(base) if base is not None else None
    subtype = resolve1(spec.get("Subtype"))
    subtype = subtype.name if isinstance(subtype, PSLiteral) else None
    if subtype == "Type3":
        box = resolve1(spec.get("FontBBox")) or [0, 0, 0, 0]
        return name, float(resolve1(box[1])) * _type3_scale(spec)
    if subtype == "Type0":
        kids = resolve1(spec.get("DescendantFonts")) or [{}]
        spec = resolve1(kids[0]) if kids else {}
        descriptor = resolve1(spec.get("FontDescriptor")) if isinstance(spec, dict) else None
    elif name in FONT_METRICS:
        descriptor = FONT_METRICS[name][0]
    else:
        descriptor = resolve1(spec.get("FontDescriptor"))
    value = resolve1(descriptor.get("Descent", 0)) if isinstance(descriptor, dict) else 0
    value = float(value) if isinstance(value, (int, float)) else 0.0
    return name, -abs(value) / 1000


def _type3_scale(spec: dict) -> float:
    matrix = resolve1(spec.get("FontMatrix")) or [0.001, 0, 0, 0.001, 0, 0]
    try:
        return float(resolve1(matrix[3]))
    except (TypeError, ValueError, IndexError):
        return 0.001


# --- ruling edges -----------------------------------------------------------------------


def _paths(parent, count, get, outer: Matrix, depth: int, texts: list[int]) -> Iterator[tuple[int, Matrix]]:
    """Path objects with the matrix from their own space to user space, forms entered; the
    text objects met go to ``texts`` (their characters come from the text page)."""
    m = raw.FS_MATRIX()
    text, path, form = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
    get_type = pd.FPDFPageObj_GetType
    for i in range(max(0, count(parent))):
        obj = get(parent, i)
        if not obj:
            continue
        kind = get_type(obj)
        if kind == text:
            texts.append(obj)
        elif (kind == path or kind == form) and pd.FPDFPageObj_GetMatrix(obj, m):
            matrix = multiply((m.a, m.b, m.c, m.d, m.e, m.f), outer)
            if kind == path:
                yield obj, matrix
            elif depth < MAX_FORM_DEPTH:
                yield from _paths(obj, pd.FPDFFormObj_CountObjects, pd.FPDFFormObj_GetObject, matrix, depth + 1, texts)


class _Out:
    """Out-parameters for the path calls, made once a page (not shared across threads)."""

    def __init__(self) -> None:
        self.mode = (ctypes.c_int(), ctypes.c_int())
        self.rgba = tuple(ctypes.c_uint() for _ in range(4))


def _paint(obj, out: _Out) -> dict | None:
    """Stroke / fill flags and colours of a path; None when it is not painted (a clip)."""
    fill_mode, stroke = out.mode
    if not pd.FPDFPath_GetDrawMode(obj, fill_mode, stroke):
        return None
    if fill_mode.value == raw.FPDF_FILLMODE_NONE and not stroke.value:
        return None
    return {"stroke": bool(stroke.value), "fill": fill_mode.value != raw.FPDF_FILLMODE_NONE,
            "stroking_color": _colour(pd.FPDFPageObj_GetStrokeColor, obj, out),
            "non_stroking_color": _colour(pd.FPDFPageObj_GetFillColor, obj, out)}


def _colour(getter, obj, out: _Out) -> tuple[float, ...] | str:
    """RGB in 0–1; a colour pdfium cannot give as RGB (a pattern) is not white."""
    r, g, b, a = out.rgba
    if not getter(obj, r, g, b, a):
        return "pattern"
    return (r.value / 255, g.value / 255, b.value / 255)


def _has_line(obj) -> bool:
    """Whether some subpath is a move and one line (and perhaps a close): read from the
    segment types alone, cheaper than the points."""
    n = max(0, pd.FPDFPath_CountSegments(obj))
    kinds = [pd.FPDFPathSegment_GetType(pd.FPDFPath_GetPathSegment(obj, j)) for j in range(n)]
    move, line = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO
    return any(k == move and kinds[j + 1] == line and (j + 2 == n or kinds[j + 2] == move)
               for j, k in enumerate(kinds[:-1]))


def _subpaths(obj, matrix: Matrix) -> list[tuple[str, list[tuple[float, float]]]]:
    """Each subpath as pdfminer sees it: its operators ("m", "l", "c", "h") and one point per
    operator in user space (a curve's end point; a close's point is the subpath's start)."""
    out: list[tuple[str, list[tuple[float, float]]]] = []
    ops: list[str] = []
    pts: list[tuple[float, float]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    bezier = 0
    for j in range(max(0, pd.FPDFPath_CountSegments(obj))):
        seg = pd.FPDFPath_GetPathSegment(obj, j)
        if not seg or not pd.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        kind = pd.FPDFPathSegment_GetType(seg)
        point = apply(matrix, x.value, y.value)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            if ops:
                out.append(("".join(ops), pts))
            ops, pts, bezier = ["m"], [point], 0
        elif not ops:
            continue  # a path must start with a move; pdfminer ignores one that does not
        elif kind == raw.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue  # a control point
            ops.append("c")
            pts.append(point)
        else:
            ops.append("l")
            pts.append(point)
        if pd.FPDFPathSegment_GetClose(seg):
            ops.append("h")
            pts.append(pts[0])
    if ops:
        out.append(("".join(ops), pts))
    return out


def _classify(shape: str, pts: list[tuple[float, float]], paint: dict, space: PageSpace,
              lines: list[dict] | None, rects: list[dict] | None) -> None:
    """A subpath → a line edge or four rectangle edges, by pdfminer's rules, into ``lines`` or
    ``rects`` (None: not drawn, left out); anything else (curves, polygons) gives pdfplumber
    curve edges, which carry no paint: nothing here."""
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape, pts = shape[:-2] + "h", pts[:-2] + pts[-1:]
    if shape in ("ml", "mlh"):
        if lines is None:
            return
        x0, top, x1, bottom = space.box(*pts[0], *pts[1])
        # pdfplumber calls every line that is not horizontal vertical, slanted ones too
        lines.append(_edge("line", "h" if top == bottom else "v", x0, top, x1, bottom, paint))
    elif shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square and rects is not None:
            left, top, right, bottom = space.box(x0, y0, x2, y2)
            rects += [_edge("rect_edge", "h", left, top, right, top, paint),
                      _edge("rect_edge", "h", left, bottom, right, bottom, paint),
                      _edge("rect_edge", "v", left, top, left, bottom, paint),
                      _edge("rect_edge", "v", right, top, right, bottom, paint)]


def _edge(kind: str, orientation: str, x0: float, top: float, x1: float, bottom: float, paint: dict) -> dict:
    return {"object_type": kind, "orientation": orientation, "x0": x0, "x1": x1, "top": top,
            "bottom": bottom, "width": x1 - x0, "height": bottom - top, **paint}
