"""Document parsers: bytes of a report in some form -> the archive model.

Two layers, kept apart the way pdfplumber keeps characters apart from tables:

* ``parsers.<kind>`` (pdf, docx, html, text) read one kind of file into a neutral
  :class:`parsers.layout.Layout`: paragraphs and table grids in reading order, each with
  where it came from.  They know the file format and nothing about annual reports.
* ``parsers.understand`` reads a Layout against the official template
  (:mod:`gknb.template`) and produces a :class:`gknb.model.Report`.

One way in (:func:`parse`): the file is read once through the input gate
(:mod:`parsers.source`), sniffed once, and its bytes handed to the reader, all under the
document's time limit.  Whatever goes wrong inside a reader becomes that document's
:class:`DocumentError` — a Chinese sentence naming the file — never a traceback.
"""

from __future__ import annotations

import hashlib
import os
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from gknb.model import FIGURES_FILE, Report, SourceDocument

if TYPE_CHECKING:
    from .figures import FiguresFile

from . import sniff as _sniff
from .errors import DocumentError, NoTextLayer
from .matchsettings import MatchSettings
from .source import SETTINGS, PdfSettings, ReadSettings, Source, read_source, time_limit

__all__ = ["parse", "parse_source", "load_figures", "read_source", "Source", "DocumentError", "READERS",
           "ReadSettings", "PdfSettings", "MatchSettings"]

# kind -> "module:function" reading a Source of that kind into a parsers.layout.Layout.
READERS = {
    _sniff.PDF: "gknb.parsers.pdf:read_pdf",
    _sniff.DOCX: "gknb.parsers.docx:read_docx",
    _sniff.HTML: "gknb.parsers.html:read_html",
    _sniff.TEXT: "gknb.parsers.text:read_text",
    _sniff.MARKDOWN: "gknb.parsers.text:read_text",
    _sniff.LEGACY: "gknb.parsers.legacy:read_legacy",
    _sniff.SCAN: "gknb.parsers.scan:read_scan",
    _sniff.IMAGE: "gknb.parsers.scan:read_image",
}
DEBUG_ENV = "GKNB_DEBUG"  # set to 1 to see a reader's traceback instead of the user's message


def _reader(kind: str):
    module, func = READERS[kind].split(":")
    return getattr(import_module(module), func)


def _parse(source: Source, kind: str, events: list | None, settings: ReadSettings) -> Report:
    if kind == _sniff.ARCHIVE_XML:
        raise DocumentError(source.name, "这是gknb档案文件，不是原始报告；请用 gknb check 或 gknb show 查看")
    if kind in _sniff.FIGURES:
        report = load_figures(source).report
        pages = None
        kind = FIGURES_FILE
    else:
        from .understand import understand
        layout = None
        if kind == _sniff.PDF and settings.pdf.verify:
            from .pdf_verify import read_verified
            report, pages = read_verified(source, events, settings.match)
        elif kind == _sniff.PDF:
            layout = _reader(kind)(source, settings.pdf)
        else:
            layout = _reader(kind)(source)
        if layout is not None:
            report = understand(layout, source.name, events, settings.match)
            pages = layout.pages
        if kind == _sniff.DOCX:
            from . import wordform
            if wordform.is_form(report):  # the official Word form, filled: a figures file
                wordform.as_figures(report)
                kind = FIGURES_FILE
    report.source = SourceDocument(Path(source.name).name, kind, hashlib.sha256(source.data).hexdigest(), pages)
    return report


def load_figures(source: Source) -> FiguresFile:
    """A figures file of any form (YAML, JSON, the Excel workbook): its report and extras."""
    kind = _sniff.sniff(source.data, source.name)
    if kind == _sniff.FIGURES_XLSX:
        from .workbook import load as load_workbook
        return load_workbook(source.data, source.name)
    from .figures import load
    return load(source.data, source.name, yaml_syntax=kind == _sniff.FIGURES_YAML)


def parse_source(source: Source, settings: ReadSettings = SETTINGS, events: list | None = None) -> Report:
    """Parse a document already read through the gate, under its time limit.

    ``events``, when given, receives how each table row and section was read
    (:class:`parsers.explain.Event`), for ``gknb parse --explain``."""
    with time_limit(settings.timeout, source.name):
        kind = _sniff.sniff(source.data, source.name)
    try:
        return _limited(source, kind, events, settings)
    except NoTextLayer:  # a PDF without real text (page images, unmapped glyphs): read as images
        return _limited(source, _sniff.SCAN, events, settings)


def _limited(source: Source, kind: str, events: list | None, settings: ReadSettings) -> Report:
    """One reading of a document under the time limit of its kind, every failure its DocumentError."""
    limit = settings.scan_timeout if kind in _sniff.RECOGNISED else settings.timeout
    with time_limit(limit, source.name):
        try:
            return _parse(source, kind, events, settings)
        except DocumentError:
            raise
        except RecursionError:
            raise DocumentError(source.name, "文件结构嵌套过深，无法读取") from None
        except MemoryError:
            raise DocumentError(source.name, "读取时内存不足：文件过大或结构异常") from None
        except Exception as e:  # a reader meeting a state it does not know: this document's error
            if os.environ.get(DEBUG_ENV):
                raise
            raise DocumentError(source.name, f"文件内容异常，无法读取（{type(e).__name__}）；请确认文件完整，"
                                             "或另存为PDF、Word（.docx）后再试") from None


def parse(path: str | os.PathLike, settings: ReadSettings = SETTINGS) -> Report:
    """Parse one document of any supported kind, recognised by its content."""
    return parse_source(read_source(path, settings), settings)


def read_bytes(path: str | os.PathLike) -> bytes:
    """A file's bytes through the input gate (regular files only, size-limited)."""
    return read_source(path).data
