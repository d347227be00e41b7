"""Old Word (.doc) and WPS (.wps) files: converted to .docx by LibreOffice, then read as Word.

Many agencies still publish .doc; LibreOffice (installed by jobs/system.sh) converts them
faithfully enough that the .docx reader sees the same tables and paragraphs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from gknb.office import OfficeError, convert

from .docx import read_docx
from .errors import DocumentError
from .layout import Layout
from .source import Source, as_source

SECONDS = 90


def read_legacy(document: Source | str | os.PathLike) -> Layout:
    src = as_source(document)
    path = src.name
    with tempfile.TemporaryDirectory(prefix="gknb-doc-") as tmp:
        # LibreOffice names its output after the input: written under a plain name
        source = Path(tmp) / "in.doc"
        source.write_bytes(src.data)
        try:
            [docx] = convert([source], "docx", Path(tmp) / "out", timeout=SECONDS)
        except OfficeError as e:
            raise DocumentError(str(path), f"旧版Word/WPS文件无法转换（{e}）：文件可能已损坏，"
                                           "或不是Word/WPS文档；请用Word或WPS另存为 .docx") from None
        try:
            return read_docx(docx)
        except DocumentError as e:
            raise DocumentError(str(path), e.problem) from None
