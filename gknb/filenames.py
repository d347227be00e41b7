"""File names as text: what a name whose bytes are no UTF-8 says.

Files from a Chinese Windows share or zip often carry names in GB18030 (GBK); Python keeps such
bytes as surrogate escapes, which no XML or UTF-8 file can hold.  Wherever a file's name is
recorded as text (the archive's ``source/@name``), it is read as GB18030 instead, and bytes that
are neither are shown as replacement characters — the file itself is opened by its real name.
"""

from __future__ import annotations

import os


def readable(name: str) -> str:
    """``name`` as text, each path component decoded on its own (UTF-8 as it is, else GB18030)."""
    return "/".join(_component(part) for part in name.split("/"))


def _component(part: str) -> str:
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in part):
        return part
    raw = os.fsencode(part)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")
