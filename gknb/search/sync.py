"""Which archive files the index must read again: a cheap stat() check, then hashes.

A file is read again when it is new, when its signature (size, mtime, ctime, inode)
differs from the one recorded, or when it is *racily clean*: modified so shortly before
its signature was taken that a later write within the same clock tick could leave the
signature unchanged (the problem git solves the same way).  Reading a file whose hash is
unchanged only refreshes its signature; a file no longer listed by the store is removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import apsw

from archive.store import Entry, Store

from .extract import Signature

RACY_NS = 2_000_000_000  # files modified within 2 s of their check are hashed again


@dataclass(frozen=True)
class Known:
    id: int
    signature: Signature
    sha256: str
    checked_ns: int

    @property
    def racy(self) -> bool:
        return self.signature.mtime_ns >= self.checked_ns - RACY_NS


@dataclass
class Plan:
    files: dict[str, Entry]  # every archived report: relative path -> entry
    to_read: list[tuple[str, str | None]] = field(default_factory=list)  # (relative path, known sha256)
    removed: list[int] = field(default_factory=list)  # index ids of reports gone from the archive
    unchanged: int = 0

    def __bool__(self) -> bool:
        return bool(self.to_read or self.removed)


def current_files(store: Store) -> dict[str, Entry]:
    """The reports the store lists, by path relative to the archive root."""
    if not (store.root / "reports").is_dir():
        return {}
    return {e.path.relative_to(store.root).as_posix(): e for e in store.entries()}


def known_files(conn: apsw.Connection) -> dict[str, Known]:
    rows = conn.execute("SELECT path, id, size, mtime_ns, ctime_ns, inode, sha256, checked_ns FROM reports")
    return {path: Known(rid, Signature(size, mtime, ctime, ino), sha, checked)
            for path, rid, size, mtime, ctime, ino, sha, checked in rows}


def plan(store: Store, conn: apsw.Connection, *, everything: bool = False) -> Plan:
    """What to read and what to drop so that the index matches the archive."""
    files = current_files(store)
    known = {} if everything else known_files(conn)
    out = Plan(files)
    for rel, entry in files.items():
        k = known.get(rel)
        if k is None:
            out.to_read.append((rel, None))
            continue
        try:
            sig = Signature.of(entry.path)
        except FileNotFoundError:  # removed since listed: dropped below on the next check
            out.to_read.append((rel, k.sha256))
            continue
        if sig != k.signature or k.racy:
            out.to_read.append((rel, k.sha256))
        else:
            out.unchanged += 1
    out.removed = sorted(k.id for rel, k in known.items() if rel not in files)
    return out
