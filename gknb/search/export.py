"""Writing every figure in a tidy long format: one row per (report, cell).

CSV is UTF-8 with a byte-order mark and CRLF line ends, which Excel opens correctly;
JSON is an array with one object per line.  Values are written exactly as archived
(decimal notation, never rounded); a blank or absent cell has an empty value.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterable
from typing import BinaryIO

from .series import EXPORT_FIELDS, Figure

FORMATS = ("csv", "json")


def write_csv(figures: Iterable[Figure], out: BinaryIO) -> int:
    out.write(codecs.BOM_UTF8)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        w = csv.writer(text, lineterminator="\r\n")
        w.writerow(EXPORT_FIELDS)
        n = 0
        for f in figures:
            w.writerow(f)  # None is written as an empty field
            n += 1
        text.flush()
        return n
    finally:
        text.detach()  # leave ``out`` open for the caller


def _json_object(f: Figure) -> str:
    parts = []
    for key, v in zip(EXPORT_FIELDS, f):
        raw = v if key == "value" and v is not None else json.dumps(v, ensure_ascii=False)
        parts.append(f'"{key}": {raw}')
    return "{" + ", ".join(parts) + "}"


def write_json(figures: Iterable[Figure], out: BinaryIO) -> int:
    n = 0
    out.write(b"[")
    for f in figures:
        out.write((",\n" if n else "\n").encode())
        out.write(_json_object(f).encode("utf-8"))
        n += 1
    out.write(b"\n]\n" if n else b"]\n")
    return n


def write(fmt: str, figures: Iterable[Figure], out: BinaryIO) -> int:
    """Write the figures as ``fmt``; the number of rows written."""
    return {"csv": write_csv, "json": write_json}[fmt](figures, out)
