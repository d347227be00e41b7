"""The archive directory: one XML file per agency and year, and the source documents.

Layout::

    <root>/reports/<agency>/<year>.xml            the current version
    <root>/reports/<agency>/history/<year>.v<N>.xml   versions it replaced
    <root>/sources/<sha256[:2]>/<sha256>           each source document, content-addressed
    <root>/.lock                                   held while writing

Writes are atomic (temporary file, fsync, rename) and serialised by an exclusive lock;
a year is never overwritten with different content unless the caller says so, and
then the previous version is kept in ``history/``.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from gknb.model import Report

from .xml import from_xml, to_xml

ENV = "GKNB_ARCHIVE"
NEW, UNCHANGED, REPLACED = "new", "unchanged", "replaced"


class StoreError(Exception):
    """A store operation refused; the message is Chinese."""


class ConflictError(StoreError):
    pass


def default_root() -> Path:
    """$GKNB_ARCHIVE, else $XDG_DATA_HOME/gknb/archive (~/.local/share/gknb/archive)."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "gknb" / "archive"


_PARENT = re.compile(r"(?:省|市|自治区|自治州|州|盟|地区)$")
_PLACE = re.compile(r"(?:省|市|区|县|旗|镇|乡|街道|自治州|州|盟)")


def same_agency(a: str, b: str) -> bool:
    """Whether two printed names are one agency: "淮安市洪泽区人民政府" and "洪泽区人民政府".

    One must be the other with its parent administrative areas (省/市…) in front; the shorter
    must still name a place, so "财政局" never merges with "淮安市财政局".
    """
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if not long_.endswith(short) or not _PLACE.search(short[:-2] or short):
        return False
    return bool(_PARENT.search(long_[: len(long_) - len(short)]))


def agency_dirname(agency: str) -> str:
    """A directory name for an agency: its name, minus what a path cannot hold."""
    name = "".join("_" if c in '/\\\0:*?"<>|' or ord(c) < 32 else c for c in agency).strip(" .")
    return name or "_未知机关"


@dataclass(frozen=True)
class Entry:
    agency: str  # directory name
    year: int
    path: Path


@dataclass(frozen=True)
class PutResult:
    status: str  # new | unchanged | replaced
    path: Path
    previous: Path | None = None  # where the replaced version was kept


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, tmpdir: Path | None = None) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half of one.

    The temporary file goes in ``tmpdir`` (same file system) or beside ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if tmpdir is not None:
        tmpdir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=tmpdir or path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically write ``data`` unless the file already holds exactly it; whether it wrote.

    Jobs that run again and again (the January job) touch no output whose content is the same.
    """
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data)
    return True


class Store:
    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else default_root()
        self._tmp = self.root / ".tmp"

    # ---- layout
    def resolve_agency(self, agency: str) -> str:
        """The directory an agency's reports are kept in: an archived equivalent name if any."""
        name = agency_dirname(agency)
        base = self.root / "reports"
        if (base / name).is_dir() or not base.is_dir():
            return name
        for d in sorted(base.iterdir()):
            if d.is_dir() and same_agency(d.name, name):
                return d.name
        return name

    def report_path(self, agency: str, year: int) -> Path:
        return self.root / "reports" / self.resolve_agency(agency) / f"{year}.xml"

    def source_path(self, sha256: str) -> Path:
        return self.root / "sources" / sha256[:2] / sha256

    # ---- locking
    @contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive lock against concurrent writers (other processes included).

        The store's temporary files are only ever created in ``.tmp/`` under this lock, so any
        found there on taking it were left by a writer that was killed: they are removed."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+b") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                if self._tmp.is_dir():
                    for stale in self._tmp.iterdir():
                        stale.unlink(missing_ok=True)
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    # ---- reading
    def entries(self, agency: str | None = None) -> list[Entry]:
        base = self.root / "reports"
        dirs = [base / self.resolve_agency(agency)] if agency else sorted(p for p in base.glob("*") if p.is_dir())
        out = []
        for d in dirs:
            for p in sorted(d.glob("*.xml")):
                if p.stem.isdigit():
                    out.append(Entry(d.name, int(p.stem), p))
        return out

    def get(self, agency: str, year: int) -> Report | None:
        path = self.report_path(agency, year)
        return from_xml(path.read_bytes(), str(path)) if path.exists() else None

    def has_source(self, sha256: str) -> bool:
        return self.source_path(sha256).exists()

    # ---- writing
    def put(self, report: Report, source: bytes | None = None, *, replace: bool = False) -> PutResult:
        """Archive a report (and its source document).

        Identical content is a no-op; different content for an archived year raises
        ConflictError unless ``replace``, which keeps the previous version in history/.
        """
        if report.year is None:
            raise StoreError(f"无法归档：未能确定“{report.agency}”报告的年度（可用 --year 指定）")
        if not report.agency:
            raise StoreError("无法归档：未能确定报告的机关名称（可用 --agency 指定）")
        data = to_xml(report)  # validated before anything is touched
        path = self.report_path(report.agency, report.year)
        with self.lock():
            if source is not None:
                digest = hashlib.sha256(source).hexdigest()
                if report.source and report.source.sha256 != digest:
                    raise StoreError("内部错误：源文件与报告记录的SHA-256不一致")
                if not self.has_source(digest):
                    atomic_write(self.source_path(digest), source, self._tmp)
            if path.exists():
                old = path.read_bytes()
                if old == data:
                    return PutResult(UNCHANGED, path)
                if not replace:
                    raise ConflictError(
                        f"档案中已有“{report.agency}”{report.year}年度的报告，且内容不同；"
                        f"如确需替换，请加 --replace（原版本将保留在 history 目录）")
                kept = self._keep(path, old)
                atomic_write(path, data, self._tmp)
                return PutResult(REPLACED, path, kept)
            atomic_write(path, data, self._tmp)
            return PutResult(NEW, path)

    def _keep(self, path: Path, data: bytes) -> Path:
        history = path.parent / "history"
        n = 1 + sum(1 for _ in history.glob(f"{path.stem}.v*.xml")) if history.exists() else 1
        kept = history / f"{path.stem}.v{n}.xml"
        atomic_write(kept, data, self._tmp)
        return kept

    def history(self, agency: str, year: int) -> list[Path]:
        h = self.report_path(agency, year).parent / "history"
        return sorted(h.glob(f"{year}.v*.xml"), key=lambda p: int(p.stem.split(".v")[1]))
