"""Recognise what a file is from its content, never from its extension.

A Word file named ``.pdf`` is still Word; an OLE2 container (.doc, .wps, or an encrypted
.docx) is recognised so the user is told what it is instead of "corrupt file".
"""

from __future__ import annotations

import io
import re
import zipfile

from .errors import DocumentError

PDF, DOCX, HTML, TEXT, MARKDOWN, FIGURES_JSON, FIGURES_YAML, ARCHIVE_XML, LEGACY = (
    "pdf", "docx", "html", "text", "markdown", "figures-json", "figures-yaml", "archive-xml", "doc")
SCAN, IMAGE = "scan", "image"  # a PDF of page images; a PNG, JPEG or TIFF file: read by recognition
RECOGNISED = frozenset({SCAN, IMAGE})
MIN_TEXT_CHARS = 20  # a PDF whose pages have fewer non-blank characters has no usable text
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
FIGURES_XLSX = "figures-xlsx"  # the figures workbook (gknb draft … -o 年度.xlsx), filled in Excel or WPS
FIGURES = (FIGURES_JSON, FIGURES_YAML, FIGURES_XLSX)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_MARK = re.compile(r"<\s*(html|body|table|div|p|head|meta)\b|<!doctype\s+html", re.I)
# A Markdown table's separator row, matched on a stripped line: every run of spaces is
# followed by a mandatory "|" or "-", so matching is linear whatever the line holds.
_MD_SEPARATOR = re.compile(r"\|?[ \t]*:?-{3,}:?(?:[ \t]*\|[ \t]*:?-{3,}:?)*(?:[ \t]*\|)?")
_YAML_KEYS = re.compile(r"^(agency|year|format|proactive|requests|review_litigation)\s*:", re.M)


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
REPLACEMENT = "\ufffd"


def tolerable_damage(bad: int, size: int) -> bool:
    """A few undecodable bytes (a copy gone slightly wrong) are replaced; many mean a wrong codec."""
    return bad <= max(2, size // 1000)


def decode_counted(data: bytes, codecs: tuple[str, ...] = ("utf-8", "gb18030")) -> tuple[str, int] | None:
    """(text, bytes replaced): BOMs honoured, each codec strictly, then the first with little damage.

    GBK text is practically never valid UTF-8, so a UTF-8 file with one bad byte keeps its
    UTF-8 reading (the byte replaced by U+FFFD and counted) instead of turning into mojibake.
    None when no codec reads the bytes without heavy damage.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(enc, errors="replace")
            return text, _replaced(text, data)
    for enc in codecs:
        try:
            return data.decode(enc), 0
        except UnicodeDecodeError:
            continue
    for enc in codecs:
        text = data.decode(enc, errors="replace")
        bad = _replaced(text, data)
        if tolerable_damage(bad, len(data)):
            return text, bad
    return None


def _replaced(text: str, data: bytes) -> int:
    return max(0, text.count(REPLACEMENT) - data.count(REPLACEMENT.encode("utf-8")))


def decode_text(data: bytes, path: str) -> str:
    """Text from bytes (see :func:`decode_counted`); DocumentError when no codec reads them."""
    decoded = decode_counted(data)
    if decoded is None:
        raise DocumentError(path, "无法识别的文件类型：既不是PDF、Word、网页，也不是可读的文本")
    return decoded[0]


def is_md_separator(line: str, columns: int = 1) -> bool:
    """A Markdown table separator row ("|---|:---:|"), of at least ``columns`` columns."""
    s = line.strip()
    return bool(_MD_SEPARATOR.fullmatch(s)) and s.strip("|").count("|") >= columns - 1


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.05


def sniff(data: bytes, path: str) -> str:
    """The kind of a document, one of the constants above; DocumentError when unusable."""
    if not data.strip():
        raise DocumentError(path, "文件为空")
    if b"%PDF-" in data[:1024]:
        return PDF  # a PDF without real text is told by its reader (NoTextLayer), which opens it anyway
    if data.startswith(_IMAGE_MAGIC):
        return IMAGE
    if data.startswith(_OLE2):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise DocumentError(path, "Word文件已加密（设有打开密码），无法读取；请取消密码后另存为 .docx")
        return LEGACY  # .doc or .wps: converted to .docx by LibreOffice
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, EOFError):
            raise DocumentError(path, "文件已损坏或不完整：无法作为Word文档（.docx，zip格式）打开") from None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return FIGURES_XLSX
        raise DocumentError(path, "这是一个压缩包，但既不是Word文档（.docx，其中没有 word/document.xml），"
                                  "也不是Excel工作簿（.xlsx，其中没有 xl/workbook.xml）")
    if _looks_binary(data):
        raise DocumentError(path, "无法识别的文件类型：既不是PDF、Word、网页，也不是可读的文本")
    text = decode_text(data[:65536], path).lstrip()
    if text.startswith("{"):
        return FIGURES_JSON
    if text.startswith("<?xml") and "urn:gknb:archive" in text[:2048]:
        return ARCHIVE_XML
    if _HTML_MARK.search(text[:65536]):
        return HTML
    if _YAML_KEYS.search(text[:4096]) and ("requests:" in text or "proactive:" in text):
        return FIGURES_YAML
    if any(is_md_separator(line, columns=2) for line in text.splitlines()):
        return MARKDOWN
    return TEXT


def has_text_layer(doc) -> bool:
    """True when some page of an open pdfium document has real text (~2 ms a page)."""
    for i in range(len(doc)):
        page = doc[i]
        try:
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
        finally:
            page.close()
        # Unmapped glyphs often come out as control characters: they are not text.
        if sum(1 for ch in text if ch.isprintable() and not ch.isspace()) >= MIN_TEXT_CHARS:
            return True
    return False
