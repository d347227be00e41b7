"""The index file: schema and connections.

apsw is used instead of the standard sqlite3 module because it bundles a current SQLite;
the system SQLite of Debian 12 (3.40) mishandles CJK text with the trigram tokenizer.
Everything in the file is derived from the XML archive, so any doubt about it (an older
schema, a damaged file) is answered by rebuilding, never by repairing.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import apsw

from gknb import template as tpl

INDEX_FILE = "index.sqlite"
# Bump whenever the schema or what ``extract`` puts into it changes: older files are rebuilt.
SCHEMA_VERSION = "7"  # 5: grams (1- and 2-character queries indexed); 6: folded text; 7: Traditional folded too
BUSY_TIMEOUT_MS = 30_000
WAL_LIMIT = 8 * 1024 * 1024  # bytes of write-ahead log kept after a checkpoint

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per archived XML file, with the signature that tells whether it changed.
CREATE TABLE reports(
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,        -- relative to the archive root, '/'-separated
    agency TEXT NOT NULL,             -- the store's directory name for the agency
    year INTEGER NOT NULL,
    printed_agency TEXT,
    format TEXT,
    table_formats TEXT,               -- JSON: table id -> layout format
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    checked_ns INTEGER NOT NULL,      -- when the signature was taken (for racily clean files)
    error TEXT                        -- why the file could not be read (Chinese); then no parts/cells
);
CREATE INDEX reports_agency_year ON reports(agency, year);
-- Each agency folder as last listed: while its signature holds, its files need no stat().
CREATE TABLE dirs(
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL,
    checked_ns INTEGER NOT NULL
);
-- Searchable parts of a report: title, preamble and each section.  Narrow rows (agency and
-- year copied from reports) so that ranking and filtering thousands of hits reads little.
CREATE TABLE parts(
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL,
    agency TEXT NOT NULL,
    year INTEGER NOT NULL,
    ord INTEGER NOT NULL,             -- position in the report (title, preamble, 一..六)
    key TEXT NOT NULL,                -- 'title' | 'preamble' | '一'..'六'
    heading TEXT
);
CREATE INDEX parts_report ON parts(report_id);
CREATE INDEX parts_agency_year ON parts(agency, year);
-- The text of each part (id = parts.id): what is searched, scanned and quoted in snippets.
CREATE TABLE texts(id INTEGER PRIMARY KEY, text TEXT NOT NULL);
-- Trigram index over texts.text folded (see fold.py); rowid = parts.id.  Contentless: the
-- text is kept once, as printed, in texts.
CREATE VIRTUAL TABLE parts_fts USING fts5(
    text, content='', contentless_delete=1, tokenize='trigram case_sensitive 1');
-- Every 1- and 2-character substring of each part with its number of occurrences (see grams):
-- queries shorter than a trigram are a range of this key, best parts (highest n) last.
CREATE TABLE grams(
    gram TEXT NOT NULL,
    n INTEGER NOT NULL,
    part INTEGER NOT NULL,            -- parts.id
    PRIMARY KEY(gram, n, part)
) WITHOUT ROWID;
-- Every figure of every report, in the report's layout order.
CREATE TABLE cells(
    report_id INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    cell INTEGER NOT NULL,            -- the cell's number in cells.catalogue()
    state INTEGER NOT NULL,           -- extract.STATES: 0 value, 1 blank, 2 absent
    value TEXT,                       -- exactly as in the XML (decimal notation)
    flag TEXT,
    PRIMARY KEY(report_id, ord)
) WITHOUT ROWID;
CREATE INDEX cells_cell ON cells(cell, state);
"""

TABLES = ("meta", "reports", "dirs", "parts", "texts", "parts_fts", "grams", "cells")


@lru_cache(maxsize=1)
def template_fingerprint() -> str:
    """The official template's hash: cell ids and labels are read through it, so a new template rebuilds."""
    return hashlib.sha256(tpl.DATA_FILE.read_bytes()).hexdigest()


def connect(path: Path | str) -> apsw.Connection:
    conn = apsw.Connection(str(path))
    conn.setbusytimeout(BUSY_TIMEOUT_MS)
    conn.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT}")
    conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints; the index is derived anyway
    return conn


def checkpoint(conn: apsw.Connection) -> None:
    """Fold the write-ahead log into the file and shrink it (after a large update)."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def create(conn: apsw.Connection) -> None:
    """(Re)create an empty index in ``conn``: drops whatever tables were there."""
    conn.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    with conn:
        for name in TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {name}")
        conn.execute(SCHEMA)
        conn.execute("INSERT INTO meta VALUES ('schema', ?), ('template', ?), ('sqlite', ?)",
                     (SCHEMA_VERSION, template_fingerprint(), apsw.sqlite_lib_version()))


def is_current(conn: apsw.Connection) -> bool:
    """Whether ``conn`` holds an index of this schema and template (False for an empty or foreign file)."""
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
    except apsw.SQLError:  # no such table: a new or foreign file
        return False
    return meta.get("schema") == SCHEMA_VERSION and meta.get("template") == template_fingerprint()
