"""Document parsers: bytes of a report in some form -> the archive model.

Two layers, kept apart the way pdfplumber keeps characters apart from tables:

* ``parsers.<kind>`` (pdf, docx, html, text) read one kind of file into a neutral
  :class:`parsers.layout.Layout`: paragraphs and table grids in reading order, each with
  where it came from.  They know the file format and nothing about annual reports.
* ``parsers.understand`` reads a Layout against the official template
  (:mod:`gknb.template`) and produces a :class:`gknb.model.Report`.
"""

from __future__ import annotations

import hashlib
from importlib import import_module
from pathlib import Path

from gknb.model import Report, SourceDocument

from . import sniff as _sniff
from .errors import DocumentError

__all__ = ["parse", "DocumentError", "READERS"]

# kind -> "module:function" reading a file of that kind into a parsers.layout.Layout.
READERS = {
    _sniff.PDF: "parsers.pdf:read_pdf",
    _sniff.DOCX: "parsers.docx:read_docx",
    _sniff.HTML: "parsers.html:read_html",
    _sniff.TEXT: "parsers.text:read_text",
    _sniff.MARKDOWN: "parsers.text:read_text",
    _sniff.LEGACY: "parsers.legacy:read_legacy",
}


def _reader(kind: str):
    module, func = READERS[kind].split(":")
    return getattr(import_module(module), func)


def _parse(data: bytes, path: Path) -> Report:
    kind = _sniff.sniff(data, str(path))
    if kind == _sniff.ARCHIVE_XML:
        raise DocumentError(str(path), "这是gknb档案文件，不是原始报告；请用 gknb check 或 gknb show 查看")
    if kind in (_sniff.FIGURES_JSON, _sniff.FIGURES_YAML):
        from .figures import read_figures
        report = read_figures(data, str(path), yaml_syntax=kind == _sniff.FIGURES_YAML)
        pages = None
        kind = "figures"
    else:
        from .understand import understand
        layout = _reader(kind)(path)
        report = understand(layout, str(path))
        pages = layout.pages
    report.source = SourceDocument(path.name, kind, hashlib.sha256(data).hexdigest(), pages)
    return report


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise DocumentError(str(path), "这是一个文件夹，不是文件") from None
    except OSError as e:
        raise DocumentError(str(path), f"无法读取文件（{e.strerror or e}）") from None


def parse(path: str | Path) -> Report:
    """Parse one document of any supported kind, recognised by its content."""
    path = Path(path)
    return _parse(read_bytes(path), path)
