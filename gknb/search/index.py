"""Keeping ``<archive>/index.sqlite`` current with the XML archive.

Every reader first calls :meth:`Index.refresh`, which checks the archive (a stat per agency
folder, no lock; see ``sync``) and, only if something changed, takes the store's exclusive
lock, checks again and applies the changes in one transaction: results are never stale,
writers (gknb's own and the store's) never interleave, and readers in other processes keep
reading the previous state meanwhile (WAL).  Whatever the file holds is derived from the
XML: an index of an older schema or template, or a damaged one, is simply built again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import apsw

from gknb.archive.store import Store

from . import db, grams
from .errors import SearchError
from .extract import Extracted, Loaded, load
from .sync import Plan, plan

PARALLEL_MIN = 200  # files to read before a process pool pays for itself
CHECKPOINT_MIN = 100  # reports changed before the write-ahead log is folded in at once


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, Chinese message) read just now

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def _delete(conn: apsw.Connection, report_id: int) -> None:
    for pid, text in conn.execute("SELECT t.id, t.text FROM texts t JOIN parts p ON p.id = t.id"
                                  " WHERE p.report_id = ?", (report_id,)).fetchall():
        grams.drop(conn, pid, text)
    conn.execute("DELETE FROM parts_fts WHERE rowid IN (SELECT id FROM parts WHERE report_id = ?)", (report_id,))
    conn.execute("DELETE FROM texts WHERE id IN (SELECT id FROM parts WHERE report_id = ?)", (report_id,))
    conn.execute("DELETE FROM parts WHERE report_id = ?", (report_id,))
    conn.execute("DELETE FROM cells WHERE report_id = ?", (report_id,))
    conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))


def _insert(conn: apsw.Connection, item: Loaded, agency: str, year: int) -> None:
    c: Extracted | None = item.content
    s = item.signature
    conn.execute(
        "INSERT INTO reports(path, agency, year, printed_agency, format, table_formats, size, mtime_ns, ctime_ns,"
        " inode, sha256, checked_ns, error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (item.rel, agency, year, c.printed_agency if c else None, c.format if c else None,
         c.table_formats if c else None, s.size, s.mtime_ns, s.ctime_ns, s.inode, item.sha256,
         item.checked_ns, item.error))
    if c is None:
        return
    rid = conn.last_insert_rowid()
    for ord_, part in enumerate(c.parts):
        conn.execute("INSERT INTO parts(report_id, agency, year, ord, key, heading) VALUES (?,?,?,?,?,?)",
                     (rid, agency, year, ord_, part.key, part.heading))
        pid = conn.last_insert_rowid()
        conn.execute("INSERT INTO texts(id, text) VALUES (?, ?)", (pid, part.text))
        conn.execute("INSERT INTO parts_fts(rowid, text) VALUES (?, ?)", (pid, part.folded))
        grams.stage(conn, pid, part.grams)
    conn.executemany("INSERT INTO cells VALUES (?,?,?,?,?,?)", [(rid, i, *x) for i, x in enumerate(c.cells)])


def _touch(conn: apsw.Connection, item: Loaded) -> None:
    s = item.signature
    conn.execute("UPDATE reports SET size=?, mtime_ns=?, ctime_ns=?, inode=?, checked_ns=? WHERE path=?",
                 (s.size, s.mtime_ns, s.ctime_ns, s.inode, item.checked_ns, item.rel))


class Index:
    """The search index of one archive (``<archive>/index.sqlite``)."""

    def __init__(self, store: Store, *, workers: int | None = None):
        self.store = store
        self.path = store.root / db.INDEX_FILE
        self.workers = workers or os.cpu_count() or 1
        self._conn: apsw.Connection | None = None
        self.last_sync = SyncResult()

    def __enter__(self) -> Index:  # noqa: PYI034
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # ---- public
    def connection(self) -> apsw.Connection:
        """A connection to an index that matches the archive as it is now."""
        self.refresh()
        return self.conn

    @property
    def conn(self) -> apsw.Connection:
        """The connection as of the last :meth:`refresh` or :meth:`rebuild`."""
        if self._conn is None:
            raise RuntimeError("Index.refresh() or rebuild() first")
        return self._conn

    def refresh(self, *, thorough: bool = False) -> SyncResult:
        """Bring the index up to date (incrementally) and say what changed.

        ``thorough`` stats every file instead of every folder: it also finds files rewritten
        in place, bypassing the store (see ``sync``).
        """
        self._require_archive()
        if self._conn is None:
            self._conn, built = self._open_current()
            if built is not None:
                self.last_sync = built
                return built
        todo = plan(self.store, self._conn, thorough=thorough)
        if todo:
            with self.store.lock():
                todo = plan(self.store, self._conn, thorough=thorough)  # again: another process may have done it
                self.last_sync = self._apply(todo)
        else:
            self.last_sync = SyncResult(unchanged=todo.unchanged)
        return self.last_sync

    def rebuild(self) -> SyncResult:
        """Throw the index away and build it again from the XML files alone."""
        self._require_archive()
        self.close()
        with self.store.lock():
            conn = None
            if self._linked():
                self._unlink()
            try:
                conn = db.connect(self.path)
                db.create(conn)  # in one transaction: readers elsewhere see the old or the new index
            except apsw.Error:  # damaged beyond use: start from an empty file
                if conn is not None:
                    conn.close()
                self._unlink()
                conn = db.connect(self.path)
                db.create(conn)
            self._conn = conn
            self.last_sync = self._apply(plan(self.store, conn, everything=True))
        return self.last_sync

    def is_built(self) -> bool:
        """Whether a usable index exists (else the next refresh builds one from every report)."""
        if self._conn is not None:
            return True
        conn = self._open_existing()
        if conn is None:
            return False
        conn.close()
        return True

    def failures(self) -> list[tuple[str, str]]:
        """Archive files that could not be read (path, Chinese message), as of the last refresh."""
        return list(self.conn.execute("SELECT path, error FROM reports WHERE error IS NOT NULL ORDER BY path"))

    # ---- internals
    def _require_archive(self) -> None:
        if not self.store.root.is_dir():
            raise SearchError(f"档案目录不存在：{self.store.root}")

    def _open_current(self) -> tuple[apsw.Connection, SyncResult | None]:
        """A connection to a usable index, and what was indexed if it had to be built."""
        conn = self._open_existing()
        if conn is not None:
            return conn, None
        with self.store.lock():
            conn = self._open_existing()  # built by another process while we waited?
            if conn is not None:
                return conn, None
            self._unlink()  # none, an older schema or a damaged file: everything in it is derived
            conn = db.connect(self.path)
            db.create(conn)
            return conn, self._apply_to(conn, plan(self.store, conn, everything=True))

    def _linked(self) -> bool:
        """Whether the index file or its journals is a link: SQLite would write where it points."""
        return any(os.path.islink(f"{self.path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal"))

    def _open_existing(self) -> apsw.Connection | None:
        if not self.path.exists() or self._linked():  # a link is removed (never followed) and the index rebuilt
            return None
        conn = None
        try:
            conn = db.connect(self.path)
            if db.is_current(conn):
                return conn
        except apsw.Error:  # not a database, a damaged header...
            pass
        if conn is not None:
            conn.close()
        return None

    def _unlink(self) -> None:
        """Remove the index and its journals (a link is removed itself, never what it points to)."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _apply(self, todo: Plan) -> SyncResult:
        return self._apply_to(self.conn, todo)

    def _apply_to(self, conn: apsw.Connection, todo: Plan) -> SyncResult:
        """Apply a plan in one transaction (the caller holds the store's lock)."""
        result = SyncResult(unchanged=todo.unchanged)
        known = dict(conn.execute("SELECT path, id FROM reports"))
        conn.execute("BEGIN IMMEDIATE")
        try:
            for rid in todo.removed:
                _delete(conn, rid)
                result.removed += 1
            for path in todo.dirs_removed:
                conn.execute("DELETE FROM dirs WHERE path = ?", (path,))
            for path, sig, checked in todo.dirs:
                conn.execute("INSERT OR REPLACE INTO dirs VALUES (?,?,?,?,?,?)",
                             (path, sig.size, sig.mtime_ns, sig.ctime_ns, sig.inode, checked))
            for rel, item in zip((r for r, _ in todo.to_read), self._load(todo.to_read)):
                old = known.get(rel)
                if item is None:  # vanished while we were reading
                    if old is not None:
                        _delete(conn, old)
                        result.removed += 1
                    continue
                if item.content is None and item.error is None:  # same bytes: new signature only
                    _touch(conn, item)
                    result.unchanged += 1
                    continue
                if old is not None:
                    _delete(conn, old)
                agency, year = todo.files[rel]
                _insert(conn, item, agency, year)
                if old is None:
                    result.added += 1
                else:
                    result.updated += 1
                if item.error:
                    result.failed.append((rel, item.error))
            grams.merge(conn)  # new parts only: a part deleted above was indexed before this transaction
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if result.added + result.updated + result.removed >= CHECKPOINT_MIN:
            db.checkpoint(conn)
        return result

    def _load(self, items: list[tuple[str, str | None]]) -> Iterator[Loaded | None]:
        root = str(self.store.root)
        rels = [r for r, _ in items]
        shas = [s for _, s in items]
        if len(items) < PARALLEL_MIN or self.workers == 1:
            yield from map(load, [root] * len(items), rels, shas)
            return
        with ProcessPoolExecutor(self.workers) as pool:
            yield from pool.map(load, [root] * len(items), rels, shas, chunksize=32)


