"""What of a report the index holds: its searchable parts and its figures.

A *part* is the title, the preamble, or one section (一..六).  Its text is the heading
line (where printed) followed by the paragraphs, one per line: a search hit is a part
whose folded text (:mod:`.fold`) contains the folded query, so a query spans a line break
or a space within a part, never two parts.  This definition is the contract the tests
check the index against with a plain scan of the XML.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from gknb import template as tpl
from gknb.archive.fs import Tree
from gknb.archive.store import StoreError
from gknb.archive.xml import MAX_XML_BYTES, ArchiveError, from_xml
from gknb.model import ABSENT, BLANK, VALUE, Report

from .cells import numbers as cell_numbers
from .fold import fold
from .grams import Gram, grams

TITLE, PREAMBLE = "title", "preamble"


def part_keys() -> tuple[str, ...]:
    """Every part key in report order: title, preamble, then the template's sections."""
    return (TITLE, PREAMBLE, *(s.key for s in tpl.load().sections))


def part_text(heading: str | None, paragraphs: list[str]) -> str:
    return "\n".join(([heading] if heading else []) + list(paragraphs))


@dataclass(frozen=True)
class Part:
    key: str
    heading: str | None
    text: str  # as printed: what snippets quote
    folded: str  # what is searched (see fold)
    grams: tuple[Gram, ...] = ()  # of the folded text, counted here, in the worker processes: see grams

    @classmethod
    def of(cls, key: str, heading: str | None, text: str) -> Part:
        folded = fold(text)
        return cls(key, heading, text, folded, grams(folded))


# A cell as the index keeps it: (cell number, state code, value in decimal notation as in the
# XML, flag).  Plain tuples: thousands of them cross from worker processes per second.
CellRow = tuple[int, int, str | None, str | None]
STATES = (VALUE, BLANK, ABSENT)  # state code -> state
STATE_CODES = {s: i for i, s in enumerate(STATES)}


@dataclass(frozen=True)
class Extracted:
    printed_agency: str
    format: str
    table_formats: str  # JSON
    parts: tuple[Part, ...]
    cells: tuple[CellRow, ...]


def _number(v) -> str | None:
    if v is None:
        return None
    return format(v, "f") if isinstance(v, Decimal) else str(v)


def extract(report: Report) -> Extracted:
    parts = []
    if report.title is not None:
        parts.append(Part.of(TITLE, None, report.title))
    if report.preamble:
        text = part_text(None, report.preamble)
        parts.append(Part.of(PREAMBLE, None, text))
    for key in part_keys()[2:]:
        sec = report.sections.get(key)
        if sec is not None:
            text = part_text(sec.heading, sec.paragraphs)
            parts.append(Part.of(key, sec.heading, text))
    numbers = cell_numbers()
    cells = []
    for cdef in report.cell_defs():
        c = report.cells[cdef.id]
        cells.append((numbers[cdef.id], STATE_CODES[c.state], _number(c.value) if c.filled else None, c.flag))
    return Extracted(report.agency, report.format, json.dumps(report.table_formats, sort_keys=True),
                     tuple(parts), tuple(cells))


@dataclass(frozen=True)
class Signature:
    """What a stat() says about a file; any difference means "read it again"."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> Signature:
        st = os.stat(path)
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@dataclass(frozen=True)
class Loaded:
    """One archive file as read for indexing (the result a worker process sends back)."""

    rel: str
    signature: Signature
    checked_ns: int
    sha256: str
    content: Extracted | None  # None: same hash as already indexed, or unreadable
    error: str | None = None


def load(root: str, rel: str, known_sha256: str | None = None) -> Loaded | None:
    """Read, hash and (unless the hash is ``known_sha256``) parse one archive file.

    The signature is taken before the bytes are read, so a write racing with us leaves a
    signature that differs from the file's next one, and the file is read again later.  The
    file is read below the archive root without following links: a link, a folder named like a
    year or a corrupt file is recorded with the reason, and never stops the index.
    """
    path = Path(root) / rel
    checked = time.time_ns()
    try:
        data, st = Tree(root).read_stat(path, limit=MAX_XML_BYTES)
    except FileNotFoundError:  # removed since it was listed
        return None
    except (StoreError, OSError) as e:
        try:
            st = os.stat(path, follow_symlinks=False)
        except OSError:
            return None
        sig = Signature(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        return Loaded(rel, sig, checked, "", None, str(e))
    sig = Signature(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    sha = hashlib.sha256(data).hexdigest()
    if sha == known_sha256:
        return Loaded(rel, sig, checked, sha, None)
    try:
        return Loaded(rel, sig, checked, sha, extract(from_xml(data, rel)))
    except ArchiveError as e:
        return Loaded(rel, sig, checked, sha, None, str(e))
    except Exception as e:  # noqa: BLE001 -- a file the archive reader chokes on must not stop the whole index
        return Loaded(rel, sig, checked, sha, None, f"{rel}：无法读取（{type(e).__name__}: {e}）")
