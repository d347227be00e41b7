"""Which archive files the index must read again: a cheap check by stat(), then hashes.

The check is hierarchical.  Every store write renames a file into its agency's folder
(``atomic_write``), and adding, replacing or deleting a file changes the folder's mtime, so
by default only the folders are stat()ed (one per agency); the files of a folder that
changed are then compared one by one.  A *thorough* check (``gknb index``) stats every
file, which also finds a file rewritten in place without the store.

Anything modified so shortly before its signature was taken that a later write in the
same clock tick could leave the signature unchanged is *racily clean* and looked at again
next time (the problem git solves the same way).  Reading a file whose hash is unchanged
only refreshes its signature; a file no longer in the archive is removed.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass, field

import apsw

from gknb.archive.store import Store, year_of

from .extract import Signature

RACY_NS = 2_000_000_000  # modified within 2 s of its check: look again next time
REPORTS = "reports"


def is_report(name: str) -> bool:
    """A current report's file name, as ``Store.entries`` lists them: ``<year>.xml``."""
    return year_of(name) is not None


@dataclass(frozen=True)
class Known:
    id: int
    signature: Signature
    sha256: str
    checked_ns: int

    @property
    def racy(self) -> bool:
        return self.signature.mtime_ns >= self.checked_ns - RACY_NS


@dataclass(frozen=True)
class KnownDir:
    signature: Signature
    checked_ns: int

    @property
    def racy(self) -> bool:
        return self.signature.mtime_ns >= self.checked_ns - RACY_NS


@dataclass
class Plan:
    files: dict[str, tuple[str, int]] = field(default_factory=dict)  # relative path -> (agency, year)
    to_read: list[tuple[str, str | None]] = field(default_factory=list)  # (relative path, known sha256)
    removed: list[int] = field(default_factory=list)  # index ids of reports gone from the archive
    dirs: list[tuple[str, Signature, int]] = field(default_factory=list)  # folders listed: (path, sig, checked)
    dirs_removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def __bool__(self) -> bool:
        return bool(self.to_read or self.removed or self.dirs or self.dirs_removed)


def _known(rows) -> dict[str, Known]:
    return {path: Known(rid, Signature(size, mtime, ctime, ino), sha, checked)
            for path, rid, size, mtime, ctime, ino, sha, checked in rows}


_FILE_COLUMNS = "path, id, size, mtime_ns, ctime_ns, inode, sha256, checked_ns"


def known_files(conn: apsw.Connection) -> dict[str, Known]:
    return _known(conn.execute(f"SELECT {_FILE_COLUMNS} FROM reports"))


def known_files_in(conn: apsw.Connection, rel_dir: str) -> dict[str, Known]:
    """The indexed files of one folder ('/' sorts just before '0': a range scan of the path index)."""
    return _known(conn.execute(f"SELECT {_FILE_COLUMNS} FROM reports WHERE path >= ? AND path < ?",
                               (rel_dir + "/", rel_dir + "0")))


def known_dirs(conn: apsw.Connection) -> dict[str, KnownDir]:
    rows = conn.execute("SELECT path, size, mtime_ns, ctime_ns, inode, checked_ns FROM dirs")
    return {path: KnownDir(Signature(size, mtime, ctime, ino), checked)
            for path, size, mtime, ctime, ino, checked in rows}


def _signature(st: os.stat_result) -> Signature:
    return Signature(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def plan(store: Store, conn: apsw.Connection, *, everything: bool = False, thorough: bool = False) -> Plan:
    """What to read and what to drop so that the index matches the archive.

    ``everything``: read every file (a new index); ``thorough``: stat every file.  Otherwise
    only the folders are stat()ed, and the index is asked only about folders that changed.
    """
    dirs = {} if everything else known_dirs(conn)
    out = Plan()
    base = store.root / REPORTS
    listed = []
    if _real_dir(base):  # links are never followed: not reports/ itself, not an agency folder
        with os.scandir(base) as it:
            listed = sorted((d for d in it if d.is_dir(follow_symlinks=False) and not d.name.startswith(".")),
                            key=lambda d: d.name)
    examined: dict[str, Known] = {}  # what the index holds for the folders looked into
    for d in listed:
        rel_dir = f"{REPORTS}/{d.name}"
        checked = time.time_ns()
        try:
            sig = _signature(d.stat())
        except FileNotFoundError:
            continue
        k = dirs.get(rel_dir)
        if not thorough and k is not None and k.signature == sig and not k.racy:
            continue  # nothing added, removed or renamed in here
        known = {} if everything else known_files_in(conn, rel_dir)
        examined.update(known)
        out.dirs.append((rel_dir, sig, checked))
        _compare_files(d, rel_dir, known, out)
    out.dirs_removed = sorted(set(dirs) - {f"{REPORTS}/{d.name}" for d in listed})
    for rel_dir in out.dirs_removed:
        examined.update(known_files_in(conn, rel_dir))
    if thorough and not everything:
        examined = known_files(conn)  # every indexed file, wherever it was
    if not everything:
        total = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        out.unchanged += total - len(examined)  # in folders that did not change
    out.removed = sorted(k.id for rel, k in examined.items() if rel not in out.files)
    return out


def _real_dir(path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _compare_files(d: os.DirEntry, rel_dir: str, known: dict[str, Known], out: Plan) -> None:
    """Every ``<year>.xml`` of one folder, whatever it is: a link or a folder of that name is read
    (refused, not followed) and recorded as a file that could not be read, with the reason."""
    try:
        with os.scandir(d.path) as it:
            names = sorted(f.name for f in it if is_report(f.name))
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in names:
        rel = f"{rel_dir}/{name}"
        out.files[rel] = (d.name, year_of(name))
        k = known.get(rel)
        if k is None:
            out.to_read.append((rel, None))
            continue
        try:
            sig = _signature(os.stat(os.path.join(d.path, name), follow_symlinks=False))
        except FileNotFoundError:  # removed since listed: dropped while reading
            out.to_read.append((rel, k.sha256))
            continue
        if sig != k.signature or k.racy:
            out.to_read.append((rel, k.sha256))
        else:
            out.unchanged += 1
