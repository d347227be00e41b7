"""Read a PDF report into the neutral :class:`~parsers.layout.Layout`.

An engine gives each page's characters and ruling lines — pdfium by default
(``parsers.pdf_pdfium``), pdfplumber as the second reader (``PdfSettings``) — in the same
dicts and coordinates; this module cleans them and hands them to ``parsers.pdf_pages``,
which turns them into paragraphs and table grids in reading order.  It knows PDF layout and
nothing about the report template: that mapping happens later in ``parsers.understand``.

What it does on top of the engine (see docs/PITFALLS.md, pdfplumber section):

* builds lines from characters itself, so CJK text gets no inserted spaces and
  Latin words keep theirs;
* removes fake-bold duplicate characters and maps Kangxi / supplement radicals to the
  ordinary ideographs;
* finds tables from *visible* ruling only (WPS draws a white box behind every text line,
  which pdfplumber would report as one big table) and closes the open top / bottom of a
  table cut by a page break, so its first and last rows are not lost;
* rebuilds merged cells (row/col spans) from cell bounding boxes;
* joins a table that continues on the next page into one grid, dropping repeated header
  rows and continuing group cells (``三、本年度办理结果``) across the break;
* drops page numbers and repeated running heads/footers at the page top/bottom, so they
  never reach a paragraph or a cell and never stand between two parts of a table;
* joins wrapped lines into paragraphs, also across a page break (the paragraph's
  ``where`` is its first page and its box there).
"""

from __future__ import annotations

import io
import math
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from . import pdf_pdfium
from .errors import DocumentError, NoTextLayer
from .layout import Layout
from .pdf_pages import Page, RuledTable, assemble, drop_margin_lines, page_of, ruled_tables
from .pdf_paint import visible
from .quiet import quiet_pdf_libraries
from .sniff import MIN_TEXT_CHARS, has_text_layer
from .source import PDFPLUMBER, PdfSettings, Source, as_source

__all__ = ["read_pdf"]

quiet_pdf_libraries()

# --- messages ---------------------------------------------------------------------------

MSG_CORRUPT = "文件已损坏或不完整，无法作为PDF读取。"
# What the PDF libraries raise on a damaged file besides their own exceptions.
DAMAGE = (MalformedPDFException, ValueError, TypeError, KeyError, IndexError, AttributeError,
          ZeroDivisionError, OverflowError, AssertionError, UnicodeError, LookupError)
MSG_ENCRYPTED = "PDF已加密，无法读取；请提供未加密的版本（或先用密码解除加密）。"
MSG_NO_TEXT = "PDF没有可用的文字层（可能是扫描件），需按扫描件识别"

# --- tunables (PDF points unless noted) -------------------------------------------------

MAX_CID_RATIO = 0.3  # more unmapped "(cid:N)" glyphs than this: the text layer is garbage

_PDFIUM_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD

# CJK Radicals Supplement code points that stand for an ordinary character.  (Kangxi
# radicals U+2F00-U+2FD5 and compatibility ideographs are handled by NFKC.)
_RADICAL_MAP = str.maketrans(
    "⺁⺇⺊⺌⺎⺐⺒⺓⺔⺖⺗⺘⺙⺛⺜⺝⺞⺟⺠⺡⺢⺣⺦⺧⺨⺩⺪⺫⺬⺭⺮⺯⺰⺲⺳⺶⺷⺹⺺⺻⺼⺽⺾⺿⻀⻁⻂⻃⻄⻅⻆⻇⻈⻉⻊⻋⻌⻍⻎⻏⻐⻑⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻞⻟⻠⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
    "厂几卜小兀尢巳幺彐忄心扌攵旡日月歺母民氵氺灬丬牛犭王疋罒示礻竹糸纟罒网羊羊耂肀聿月臼艹艹艹虎衤覀西见角角讠贝足车辶辶辶阝钅長长门阝雨青韦页风飞食食飠饣首马骨鬼鱼鸟卤麦黄黾齐齿龙龟",
)


# --- public API -------------------------------------------------------------------------


def read_pdf(document: Source | str | os.PathLike, settings: PdfSettings | None = None) -> Layout:
    """Read a PDF file into paragraphs and grids in reading order.

    Raises :class:`DocumentError` (Chinese message naming the file) for a damaged,
    encrypted or image-only PDF.  ``settings.engine`` picks the engine (pdfium unless told).
    """
    src = as_source(document)
    path = src.name
    plumber = settings is not None and settings.engine == PDFPLUMBER
    # pdfplumber is slow: a file without text fails before it starts; pdfium reads it first
    doc = _open_checked(path, src.data, check_text=plumber)
    try:
        n_pages = len(doc)
        if plumber:
            pages, cid = _read_pages(path, _plumber_pages(src.data))
        else:
            try:
                pages, cid = _read_pages(path, _pdfium_pages(doc, src.data), check_text=True)
            except _GlyphsLost:  # pdfminer reads text pdfium cannot draw: the slow engine, but all of it
                pages, cid = _read_pages(path, _plumber_pages(src.data))
    except (PdfminerException, PDFSyntaxError, PSException) as exc:
        if _is_password_error(exc):
            raise DocumentError(path, MSG_ENCRYPTED) from None
        raise DocumentError(path, MSG_CORRUPT) from None
    except pdfium.PdfiumError:
        raise DocumentError(path, MSG_CORRUPT) from None
    except DAMAGE as exc:  # the PDF libraries meeting objects no sound PDF has (boxes of names…)
        raise DocumentError(path, f"{MSG_CORRUPT}（{type(exc).__name__}）") from None
    finally:
        doc.close()
    if cid.is_garbage(final=True):
        raise NoTextLayer(path, MSG_NO_TEXT)
    try:
        drop_margin_lines(pages)
        return Layout(kind="pdf", blocks=assemble(pages), pages=n_pages)
    except DAMAGE as exc:
        raise DocumentError(path, f"{MSG_CORRUPT}（{type(exc).__name__}）") from None


Engine = Iterator[tuple[int, float, list[dict], list[dict]]]  # page number, height, chars, edges


def _read_pages(path: str, engine: Engine, check_text: bool = False) -> tuple[list[Page], _CidCounter]:
    """Each page's cleaned characters and visible ruled tables; a garbage text layer fails early,
    and with ``check_text`` a document without a page of real text (what ``sniff.has_text_layer``
    asks of pdfium's text, asked of the characters read)."""
    pages: list[Page] = []
    cid = _CidCounter()
    has_text = not check_text
    for number, height, chars, edges in engine:
        if not has_text:
            has_text = _text_count(chars) >= MIN_TEXT_CHARS
        pages.append(page_of(number, height, _clean_chars(chars, cid), _find_tables(edges)))
        if cid.is_garbage(final=False):
            raise NoTextLayer(path, MSG_NO_TEXT)
    if not has_text:
        raise NoTextLayer(path, MSG_NO_TEXT)
    return pages, cid


def _text_count(chars: list[dict]) -> int:
    return sum(1 for c in chars if not c["text"].startswith("(cid:") and c["text"].isprintable()
               and not c["text"].isspace())


class _GlyphsLost(Exception):
    """pdfium left out text it had no glyph for (see ``pdf_pdfium.read_page``)."""


def _pdfium_pages(doc: pdfium.PdfDocument, data: bytes) -> Engine:
    descents = pdf_pdfium.font_descents(data)
    for i in range(len(doc)):
        page = doc[i]
        try:
            content = pdf_pdfium.read_page(page, descents)
        finally:
            page.close()
        if content.lost:
            raise _GlyphsLost()
        yield i + 1, content.height, content.chars, content.edges


def _plumber_pages(data: bytes) -> Engine:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                yield number, float(page.height), page.chars, page.edges
            finally:
                page.close()  # bounds memory on long documents (pdfplumber #1339)


# --- file checks ------------------------------------------------------------------------


def _open_checked(path: str, data: bytes, check_text: bool = True) -> pdfium.PdfDocument:
    """The document opened in pdfium, after failing fast on damaged, encrypted or (with
    ``check_text``) scanned files."""
    head, tail = data[:1024], data[-8192:]
    # A download cut short loses the trailer; pdfium may still "repair" such a file.
    if b"%PDF-" not in head or b"%%EOF" not in tail:
        raise DocumentError(path, MSG_CORRUPT)
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == _PDFIUM_PASSWORD_ERROR:
            raise DocumentError(path, MSG_ENCRYPTED) from None
        raise DocumentError(path, MSG_CORRUPT) from None
    try:
        n_pages = len(doc)
        has_text = n_pages > 0 and (not check_text or has_text_layer(doc))
    except pdfium.PdfiumError:
        doc.close()
        raise DocumentError(path, MSG_CORRUPT) from None
    if n_pages == 0:
        doc.close()
        raise DocumentError(path, MSG_CORRUPT)
    if not has_text:
        doc.close()
        raise NoTextLayer(path, MSG_NO_TEXT)
    return doc


def _is_password_error(exc: BaseException) -> bool:
    inner = exc.args[0] if exc.args else None
    return isinstance(exc, PDFPasswordIncorrect) or isinstance(inner, PDFPasswordIncorrect)


@dataclass
class _CidCounter:
    """Counts glyphs without a Unicode mapping, which pdfplumber spells "(cid:N)"."""

    total: int = 0
    cid: int = 0

    def is_garbage(self, final: bool) -> bool:
        """Decide early once there is enough evidence, so a garbage file fails fast."""
        if self.total == 0:
            return final
        if not final and self.total < 200:
            return False
        return self.cid / self.total > MAX_CID_RATIO


# --- one page ---------------------------------------------------------------------------


def _clean_chars(chars: list[dict], cid: _CidCounter) -> list[dict]:
    """Visible characters with normalised text, fake-bold duplicates removed."""
    out = []
    finite = math.isfinite
    for ch in _dedupe(chars):
        text = ch["text"]
        if text.startswith("(cid:"):
            cid.total += 1
            cid.cid += 1
            continue
        if not text or text.isspace():
            continue
        if not (finite(ch.get("x0", 0.0)) and finite(ch.get("x1", 0.0)) and finite(ch.get("top", 0.0))
                and finite(ch.get("bottom", 0.0)) and finite(ch.get("size", 0.0))):
            continue  # a glyph placed at infinity (a damaged matrix) is on no page
        cid.total += 1
        if not text.isascii():
            plain = _normalise(text)
            if plain != text:
                ch = dict(ch, text=plain)
        out.append(ch)
    return out


def _dedupe(chars: list[dict], tol: float = 1.0) -> list[dict]:
    """Same result as pdfplumber's ``dedupe_chars`` (same text, font and size within
    ``tol`` points), but linear: the library version sorts with ``list.index`` and is
    quadratic in the number of characters on the page."""
    seen: dict[tuple, list[tuple[float, float]]] = {}
    out = []
    for ch in chars:
        key = (ch["text"], ch.get("fontname"), ch.get("size"), ch.get("upright"))
        pos = (ch["top"], ch["x0"])
        kept = seen.setdefault(key, [])
        if any(abs(pos[0] - t) <= tol and abs(pos[1] - x) <= tol for t, x in kept):
            continue
        kept.append(pos)
        out.append(ch)
    return out


def _normalise(text: str) -> str:
    """Map radical / compatibility code points to the ordinary ideographs."""
    out = []
    for c in text:
        o = ord(c)
        if 0x2F00 <= o <= 0x2FDF or 0xF900 <= o <= 0xFAFF:
            c = unicodedata.normalize("NFKC", c)
        elif 0x2E80 <= o <= 0x2EFF:
            c = c.translate(_RADICAL_MAP)
        out.append(c)
    return "".join(out)


# --- tables -----------------------------------------------------------------------------


def _find_tables(edges: list[dict]) -> list[RuledTable]:
    """Ruled tables drawn with visible lines."""
    return ruled_tables([e for e in edges if e.get("orientation") in ("h", "v") and visible(e)])
