"""One entry point for "a report, in whatever form the user has it".

A document (parsed), a figures file (read), or an archived XML report (loaded).
"""

from __future__ import annotations

from pathlib import Path

from archive.xml import ArchiveError, from_xml
from gknb.model import Report
from parsers import DocumentError, parse
from parsers.sniff import ARCHIVE_XML, sniff

from parsers import read_bytes


def load_report(path: str | Path) -> Report:
    """Raises DocumentError (Chinese message naming the file) for anything unusable."""
    path = Path(path)
    data = read_bytes(path)
    if sniff(data, str(path)) == ARCHIVE_XML:
        try:
            return from_xml(data, str(path))
        except ArchiveError as e:
            raise DocumentError(str(path), str(e).removeprefix(f"{path}：")) from None
    return parse(path)
