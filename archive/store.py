"""The archive directory: one XML file per agency and year, and the source documents.

Layout::

    <root>/reports/<agency>/<year>.xml            the current version
    <root>/reports/<agency>/history/<year>.v<N>.xml   versions it replaced
    <root>/sources/<sha256[:2]>/<sha256>           each source document, content-addressed
    <root>/.lock                                   held while writing

Writes are atomic (temporary file, fsync, rename) and serialised by an exclusive lock;
a year is never overwritten with different content unless the caller says so, and
then the previous version is kept in ``history/``.

``<agency>`` is the printed name itself when that is a safe folder name (every ordinary
name), else a readable NFKC rendering cut to 120 bytes plus ``~`` and a hash of the exact
name (:func:`agency_dirname`): two names never share a folder, no name leaves ``reports/``,
and the full name stays in the XML.  Every path is opened below the root without following
links (:mod:`archive.fs`); a corrupt, linked or odd entry is an :class:`EntryError` naming
the file, which callers make that agency's error.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gknb.model import Report

from .errors import (  # noqa: F401
    ConflictError,
    EntryError,
    FileRefused,
    ReadError,
    StoreError,
    UnsafePathError,
    WriteError,
    os_error_zh,
)
from .fs import DIR, FILE, LINK, Tree
from .location import default_root
from .xml import MAX_XML_BYTES, ArchiveError, from_xml, to_xml

NEW, UNCHANGED, REPLACED = "new", "unchanged", "replaced"


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


# --------------------------------------------------------------------------- folder names

MAX_NAME_BYTES = 120  # an agency folder's name, UTF-8 (a file system allows 255)
LEGACY_NAME_BYTES = 255  # folders archived before names were normalised: found, never made
SEP = "~"  # before the hash suffix; never part of a folder that is the name itself
HASH_CHARS = 12
UNKNOWN = "_未知机关"
_UNSAFE_CHARS = frozenset('/\\\0:*?"<>|' + SEP)
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})  # controls, format, unassigned…
_WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                              *(f"LPT{i}" for i in range(10))})
_HASHED = re.compile(rf"[^{SEP}/\0]+{SEP}[0-9a-f]{{{HASH_CHARS}}}")
_YEAR_FILE = re.compile(r"([1-9][0-9]{3})\.xml")


def _unsafe(c: str) -> bool:
    return c in _UNSAFE_CHARS or unicodedata.category(c) in _UNSAFE_CATEGORIES


def _clean_ends(s: str) -> bool:
    return bool(s) and s == s.strip() and not s.startswith(".") and not s.endswith(".")


def is_plain(name: str, limit: int = MAX_NAME_BYTES) -> bool:
    """Whether a printed name can be its own folder name, on every file system colleagues use.

    It must be NFC already (a normalising file system would merge it with its twin), hold no
    separator, control or format character (and none after NFKC: "ａ／ｂ" is "a/b" to some
    tools), not be '.', '..', empty, hidden (leading '.'), padded with spaces, a Windows device
    name, nor longer than ``limit`` bytes."""
    if not _clean_ends(name) or unicodedata.normalize("NFC", name) != name:
        return False
    folded = unicodedata.normalize("NFKC", name)
    if any(map(_unsafe, name)) or any(map(_unsafe, folded)) or not _clean_ends(folded):
        return False
    if folded.split(".")[0].upper() in _WINDOWS_DEVICES:
        return False
    return len(name.encode("utf-8")) <= limit


def _existing_ok(name: str) -> bool:
    """Whether ``name`` may be looked up as a folder as it stands: one path component, not hidden."""
    if not name or name.startswith(".") or "/" in name or "\0" in name:
        return False
    try:
        return len(name.encode("utf-8")) <= LEGACY_NAME_BYTES
    except UnicodeEncodeError:
        return False


def _digest(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]


def _truncate(s: str, limit: int) -> str:
    return s.encode("utf-8")[:limit].decode("utf-8", "ignore")


def hashed_name(name: str, limit: int = MAX_NAME_BYTES, suffix: str = "") -> str:
    """A readable, safe rendering of ``name`` cut to fit, then SEP and a hash of the exact name.

    The readable part never holds SEP, so a hashed name never equals a plain one, and two
    different names give two different folders (up to a collision of 48 bits of SHA-256)."""
    readable = "".join("_" if _unsafe(c) else c for c in unicodedata.normalize("NFKC", name))
    room = limit - len(SEP) - HASH_CHARS - len(suffix.encode("utf-8"))
    readable = re.sub(r"^[\s.]+|[\s.]+$", "", _truncate(re.sub(r"^[\s.]+", "", readable), room))
    return f"{readable or UNKNOWN}{SEP}{_digest(name)}{suffix}"


def agency_dirname(agency: str) -> str:
    """The folder an agency's files go in: the printed name itself when it is safe as one
    (every ordinary name, so existing archives keep their folders), else :func:`hashed_name`."""
    return agency if is_plain(agency) else hashed_name(agency)


def file_name(stem: str, suffix: str, limit: int = 200) -> str:
    """A file name for ``stem`` + ``suffix`` (a generated report's title): itself when safe, else hashed."""
    if is_plain(stem, limit - len(suffix.encode("utf-8"))):
        return stem + suffix
    return hashed_name(stem, limit, suffix)


def year_of(name: str) -> int | None:
    """The year of a current report's file name (``2024.xml``), else None: junk is not a year."""
    m = _YEAR_FILE.fullmatch(name)
    return int(m.group(1)) if m else None


def _reason(e: BaseException) -> str:
    return os_error_zh(e) if isinstance(e, OSError) else str(e)


# --------------------------------------------------------------------------- the store

@dataclass(frozen=True)
class Entry:
    agency: str  # folder name (for an ordinary name, the name itself)
    year: int
    path: Path


@dataclass(frozen=True)
class Problem:
    """Something in ``reports/`` that is not an agency folder gknb can read; not followed."""

    name: str  # as listed
    message: str  # Chinese


@dataclass
class Scan:
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class PutResult:
    status: str  # new | unchanged | replaced
    path: Path
    previous: Path | None = None  # where the replaced version was kept


def _tree_for(path: Path, tmpdir: Path | None) -> Tree:
    parent = Path(os.path.abspath(path)).parent
    if tmpdir is None:
        return Tree(parent)
    return Tree(os.path.commonpath([parent, os.path.abspath(tmpdir)]))


def atomic_write(path: Path, data: bytes, tmpdir: Path | None = None) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half of one.

    The temporary file goes in ``tmpdir`` (same file system) or beside ``path``; the file gets
    0o666 less the umask.  A link at ``path`` is refused, not written through.  Raises
    WriteError (an OSError and a StoreError) with a Chinese message naming the file."""
    _tree_for(Path(path), tmpdir).write(os.path.abspath(path), data, tmpdir and os.path.abspath(tmpdir))


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically write ``data`` unless the file already holds exactly it; whether it wrote.

    Jobs that run again and again (the January job) touch no output whose content is the same.
    """
    return _tree_for(Path(path), None).write_if_changed(os.path.abspath(path), data)


class Store:
    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else default_root()
        self.tree = Tree(self.root)
        self._tmp = self.root / ".tmp"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    # ---- layout
    def resolve_agency(self, agency: str, *, by_folder: bool = True) -> str:
        """The folder an agency's reports are kept in: its own, else an archived equivalent name's.

        Looked for, in order: a folder named exactly ``agency`` (every ordinary name; also
        folders made before names were normalised, and ``Entry.agency`` of a hashed folder —
        but when archiving, a name shaped like a hashed folder never lands in that folder), the
        name's hashed folder, then an equivalent name's folder (:func:`same_agency`).  None
        found: the folder a new one gets (:func:`agency_dirname`).
        """
        candidates = [agency] if _existing_ok(agency) and (by_folder or not _HASHED.fullmatch(agency)) else []
        candidates.append(hashed_name(agency))
        for name in candidates:
            try:
                if self.tree.lstat(self.reports / name) is not None:
                    return name
            except (StoreError, OSError):  # reports/ itself a link, unreadable: reads will say so
                return agency_dirname(agency)
        for name, kind in self._folders():
            if kind == DIR and _existing_ok(name) and not _HASHED.fullmatch(name) and same_agency(name, agency):
                return name
        return agency_dirname(agency)

    def _folders(self) -> list[tuple[str, str]]:
        try:
            return self.tree.list(self.reports)
        except (FileNotFoundError, StoreError):
            return []
        except OSError:
            return []

    def report_path(self, agency: str, year: int, *, by_folder: bool = True) -> Path:
        return self.reports / self.resolve_agency(agency, by_folder=by_folder) / f"{int(year)}.xml"

    def source_path(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256 or ""):
            raise StoreError(f"内部错误：源文件的SHA-256“{sha256}”格式不对")
        return self.root / "sources" / sha256[:2] / sha256

    def agency_name(self, folder: str) -> str:
        """The printed name an agency folder stands for: the folder's own name, or (a hashed
        folder) the name its reports carry; the folder's name when none can be read."""
        if not _HASHED.fullmatch(folder):
            return folder
        for e in self.entries(folder):
            try:
                report = self.get(folder, e.year)
            except StoreError:
                continue
            if report is not None and report.agency and hashed_name(report.agency) == folder:
                return report.agency
        return folder

    # ---- locking
    @contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive lock against concurrent writers (other processes included).

        The store's temporary files are only ever created in ``.tmp/`` under this lock, so any
        found there on taking it were left by a writer that was killed: they are removed."""
        with self.tree.open_lock(self.root / ".lock"):
            self._sweep_tmp()
            yield

    def _sweep_tmp(self) -> None:
        kind = self.tree.kind(self._tmp)
        if kind is None:
            return
        if kind != DIR:  # a link or a file where our scratch folder goes: removed, never followed
            self.tree.unlink(self._tmp)
            return
        for name, k in self.tree.list(self._tmp):
            if k != DIR:
                self.tree.unlink(self._tmp / name)

    # ---- reading
    def scan(self) -> Scan:
        """Every archived year (``Entry``), and what in ``reports/`` cannot be read (``Problem``).

        Never follows a link and never raises for junk: a linked agency folder is a problem; a
        year file that is a link or a folder is listed, and reading it says what is wrong."""
        out = Scan()
        kind = self.tree.kind(self.reports) if self.root.exists() else None
        if kind is None:
            return out
        if kind != DIR:
            out.problems.append(Problem("reports", f"{self.reports}：不是真实的文件夹（"
                                        f"{'符号链接' if kind == LINK else '普通文件'}），出于安全原因不予读取"))
            return out
        for name, k in self._folders():
            if name.startswith("."):
                continue
            path = self.reports / name
            if k == LINK:
                out.problems.append(Problem(name, f"{path}：机关文件夹是符号链接，出于安全原因不予读取"
                                                  "（档案中的文件夹必须是真实的文件夹）"))
            elif k == DIR:
                try:
                    out.entries += self._entries_in(name)
                except (StoreError, OSError) as e:
                    out.problems.append(Problem(name, f"{path}：无法读取（{_reason(e)}）"))
        return out

    def _entries_in(self, folder: str) -> list[Entry]:
        try:
            items = self.tree.list(self.reports / folder)
        except FileNotFoundError:
            return []
        return [Entry(folder, year, self.reports / folder / name)
                for name, _ in items if (year := year_of(name)) is not None]

    def entries(self, agency: str | None = None) -> list[Entry]:
        """Archived years, by folder and year; junk and links skipped (see :meth:`scan`)."""
        if agency:
            return self._entries_in(self.resolve_agency(agency))
        return self.scan().entries

    def problems(self) -> list[Problem]:
        return self.scan().problems

    def read_entry(self, path: Path) -> Report:
        """One archived year, read safely; EntryError (Chinese, naming the file) if unusable."""
        try:
            data = self.tree.read(path, limit=MAX_XML_BYTES)
        except FileNotFoundError:
            raise
        except (StoreError, OSError) as e:
            raise EntryError(f"档案文件无法使用：{_reason(e)}") from None
        if not data.strip():
            raise EntryError(f"档案文件无法使用：{path} 是空文件（可能在写入时被中断或被截断）")
        try:
            return from_xml(data, str(path))
        except ArchiveError as e:
            raise EntryError(f"档案文件已损坏：{e}") from None

    def get(self, agency: str, year: int) -> Report | None:
        try:
            return self.read_entry(self.report_path(agency, year))
        except FileNotFoundError:
            return None

    def has_source(self, sha256: str) -> bool:
        try:
            return self.tree.kind(self.source_path(sha256)) == FILE
        except (StoreError, OSError):
            return False

    def read_source(self, sha256: str) -> bytes:
        """An archived source document's bytes; FileNotFoundError if not kept, StoreError if unusable."""
        return self.tree.read(self.source_path(sha256))

    # ---- writing
    def put(self, report: Report, source: bytes | None = None, *, replace: bool = False,
            folder: str | None = None) -> PutResult:
        """Archive a report (and its source document), in ``folder`` when given (an agency folder
        the archive already has, for a report whose name the register maps onto it).

        Identical content is a no-op; different content for an archived year raises
        ConflictError unless ``replace``, which keeps the previous version in history/.
        A link anywhere in the way is refused (StoreError), so nothing outside the archive is
        written or copied into it; a failed write is a WriteError naming the file.
        """
        if report.year is None and not report.agency:  # the blank official form filled in: no title
            raise StoreError("无法归档：未能确定报告的机关名称和年度（可用 --agency 和 --year 指定）")
        if report.year is None:
            raise StoreError(f"无法归档：未能确定“{report.agency}”报告的年度（可用 --year 指定）")
        if not report.agency:
            raise StoreError("无法归档：未能确定报告的机关名称（可用 --agency 指定）")
        data = to_xml(report)  # validated before anything is touched
        if folder is not None and (not _existing_ok(folder) or self.tree.kind(self.reports / folder) != DIR):
            raise StoreError(f"内部错误：档案中没有机关文件夹“{folder}”")
        path = (self.reports / folder / f"{int(report.year)}.xml" if folder is not None
                else self.report_path(report.agency, report.year, by_folder=False))
        digest = hashlib.sha256(source).hexdigest() if source is not None else None
        if digest and report.source and report.source.sha256 != digest:
            raise StoreError("内部错误：源文件与报告记录的SHA-256不一致")
        with self.lock():
            try:  # first what is there (a link is refused here), then the source, then the report
                old = self.tree.read(path, limit=MAX_XML_BYTES)
            except FileNotFoundError:
                old = None
            if old is not None and old != data and not replace:
                raise ConflictError(
                    f"档案中已有“{report.agency}”{report.year}年度的报告，且内容不同；"
                    f"如确需替换，请加 --replace（原版本将保留在 history 目录）")
            if digest and not self.has_source(digest):
                self.tree.write(self.source_path(digest), source, self._tmp)
            if old == data:
                return PutResult(UNCHANGED, path)
            if old is not None:
                kept = self._keep(path, old)
                self.tree.write(path, data, self._tmp)
                return PutResult(REPLACED, path, kept)
            self.tree.write(path, data, self._tmp)
            return PutResult(NEW, path)

    def _versions(self, history: Path, stem: str) -> list[tuple[int, str, str]]:
        """(N, name, kind) of ``<stem>.v<N>.xml`` in history/, by N."""
        try:
            items = self.tree.list(history)
        except FileNotFoundError:
            return []
        pattern = re.compile(rf"{re.escape(stem)}\.v([1-9][0-9]*)\.xml")
        return sorted((int(m.group(1)), name, kind) for name, kind in items if (m := pattern.fullmatch(name)))

    def _keep(self, path: Path, data: bytes) -> Path:
        history = path.parent / "history"
        versions = self._versions(history, path.stem)
        if versions:
            last = history / versions[-1][1]
            if self.tree.read(last, limit=MAX_XML_BYTES) == data:  # kept by a run killed before replacing
                return last
        kept = history / f"{path.stem}.v{versions[-1][0] + 1 if versions else 1}.xml"
        self.tree.write(kept, data, self._tmp)
        return kept

    def history(self, agency: str, year: int) -> list[Path]:
        h = self.report_path(agency, year).parent / "history"
        versions = self._versions(h, str(int(year)))
        for _, name, kind in versions:
            if kind == LINK:
                raise UnsafePathError(f"{h / name}：是符号链接，出于安全原因不予读取")
        return [h / name for _, name, kind in versions if kind == FILE]
