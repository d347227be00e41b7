"""One entry point for "a report, in whatever form the user has it".

A document (parsed), a figures file (read), or an archived XML report (loaded): the file is
read once through the parsers' input gate and sniffed once.
"""

from __future__ import annotations

import os

from gknb.archive.errors import ArchiveError
from gknb.model import Report
from gknb.parsers import DocumentError, ReadSettings, parse_source, read_source
from gknb.parsers.sniff import ARCHIVE_XML, sniff
from gknb.parsers.source import SETTINGS


def load_report(path: str | os.PathLike, settings: ReadSettings = SETTINGS) -> Report:
    """Raises DocumentError (Chinese message naming the file) for anything unusable."""
    source = read_source(path, settings)
    if sniff(source.data, source.name) == ARCHIVE_XML:
        try:
            from gknb.archive.xml import from_xml  # late: lxml and the schema only for archive files
            return from_xml(source.data, source.name)
        except ArchiveError as e:
            raise DocumentError(source.name, str(e).removeprefix(f"{source.name}：")) from None
    return parse_source(source, settings)
