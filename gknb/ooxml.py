"""Office Open XML packages written byte for byte the same: the zip, the namespaces, escaping.

Shared by every writer of Word files (the generator's reports, the reviewers' annotated and
tracked-changes copies): a zip entry carries the time it was written, so each entry here gets
a fixed date, fixed attributes and the order it is given in.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the zip format's epoch: no clock in the output
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = R  # relationship types are named below this namespace
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml"
OFFICE_DOCUMENT = f"{REL}/officeDocument"


def esc(text: str) -> str:
    """Text or attribute value for XML (quotes included)."""
    return escape(text, {'"': "&quot;"})


def xml_part(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode("utf-8")


def zip_bytes(parts: Iterable[tuple[str, bytes]]) -> bytes:
    """A package of ``(name, data)`` entries in the given order, the same bytes for the same parts."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            z.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def rels_xml(items: Iterable[tuple[str, str, str]]) -> bytes:
    """A relationships part from ``(id, type, target)``; a type without a scheme is below :data:`REL`."""
    out = [f'<Relationship Id="{esc(rid)}" Type="{esc(kind if kind.startswith("http") else f"{REL}/{kind}")}" '
           f'Target="{esc(target)}"/>' for rid, kind, target in items]
    return xml_part(f'<Relationships xmlns="{PKG_REL}">' + "".join(out) + "</Relationships>")
