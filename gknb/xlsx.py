"""Excel workbooks written byte for byte the same for the same content.

openpyxl stamps the save time into ``docProps/core.xml`` and the zip entries; an output that
changes on every run cannot be compared, cached or re-run idempotently.  Every workbook gknb
writes goes through :func:`workbook_bytes` (then ``gknb.archive.fs`` for the atomic write).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from openpyxl import Workbook

__all__ = ["workbook_bytes", "FIXED_TIME"]

FIXED_TIME = datetime(2000, 1, 1)  # what every workbook says it was created and modified at
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx file of ``wb``, with fixed timestamps and a fixed entry order."""
    wb.properties.created = FIXED_TIME
    wb.properties.creator = "gknb"
    raw = io.BytesIO()
    wb.save(raw)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, _ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()
