"""The one way a document comes in: checked, read once, and parsed under a time limit.

Every reader gets a :class:`Source` (the bytes and the name to print) instead of a path, so
a file is opened once, by :func:`read_source`, after the checks that keep a hostile or
careless input from costing the run: regular files only (a FIFO would block for ever, a
device never end), a size limit checked *before* reading, and a wall-clock limit around the
whole parse (:func:`time_limit`) so that no reader can hang a command.
"""

from __future__ import annotations

import os
import signal
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .errors import DocumentError
from .matchsettings import MatchSettings

MB = 1024 * 1024

PDFIUM, PDFPLUMBER = "pdfium", "pdfplumber"
PDF_ENGINES = (PDFIUM, PDFPLUMBER)


@dataclass(frozen=True)
class PdfSettings:
    """Which engine reads a PDF's characters and ruling.

    pdfium is the default (about ten times faster); pdfplumber is the second reader, kept
    because the two must agree cell for cell.  ``verify`` reads with both and flags every
    cell where they disagree (``parsers.pdf_verify``)."""

    engine: str = PDFIUM
    verify: bool = False

    def __post_init__(self) -> None:
        if self.engine not in PDF_ENGINES:
            raise ValueError(f"unknown PDF engine {self.engine!r}; one of {PDF_ENGINES}")


@dataclass(frozen=True)
class ReadSettings:
    """The input gate's tunables, in one place, with each stage's own settings: how a PDF is
    read (``pdf``), how table labels are matched to the form's (``match``)."""

    max_bytes: int = 100 * MB  # no annual report comes near this (the corpus' largest is 0.4 MB)
    timeout: float = 120.0  # seconds for one document, reading and understanding
    scan_timeout: float = 900.0  # ... for a scan, whose pages are recognised (seconds a page, not ms)
    pdf: PdfSettings = field(default_factory=PdfSettings)
    match: MatchSettings = field(default_factory=MatchSettings)


SETTINGS = ReadSettings()


@dataclass(frozen=True)
class Source:
    """A document's bytes and the name messages give it (the path as the user typed it)."""

    name: str
    data: bytes


def read_source(path: str | os.PathLike, settings: ReadSettings = SETTINGS) -> Source:
    """The file's bytes, refusing what is not a regular file or is too large — before reading."""
    name = os.fspath(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not wait; fstat then refuses it
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise DocumentError(name, "这是一个文件夹，不是文件") from None
    except FileNotFoundError:
        raise DocumentError(name, "无法读取：文件不存在") from None
    except PermissionError:
        raise DocumentError(name, "没有读取此文件的权限") from None
    except OSError as e:
        raise DocumentError(name, f"无法打开文件（{e.strerror or e}）") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DocumentError(name, "这是一个文件夹，不是文件")
        if not stat.S_ISREG(info.st_mode):
            raise DocumentError(name, "不是普通文件（管道、设备或套接字），无法作为报告读取")
        if info.st_size > settings.max_bytes:
            raise DocumentError(name, f"文件过大（{info.st_size // MB} MB），超过{settings.max_bytes // MB} MB的处理上限，"
                                      "不像是一份年度报告")
        data = _read_all(fd, settings.max_bytes)
    except OSError as e:
        raise DocumentError(name, f"无法读取文件（{e.strerror or e}）") from None
    finally:
        os.close(fd)
    if len(data) > settings.max_bytes:  # grew while we read it
        raise DocumentError(name, f"文件过大，超过{settings.max_bytes // MB} MB的处理上限")
    return Source(name, data)


def _read_all(fd: int, limit: int) -> bytes:
    chunks, total = [], 0
    while total <= limit:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def as_source(document: Source | str | os.PathLike) -> Source:
    """A reader's argument: a Source as the gate made it, or a path (read through the gate)."""
    return document if isinstance(document, Source) else read_source(document)


ALARM_REPEAT = 0.005  # seconds between alarms once the limit is reached (see time_limit)
ALARM_RERAISE = 0.05  # seconds after a raised alarm before the next may raise again (see time_limit)


class Timeout(BaseException):
    """Raised by the alarm; a BaseException so that no reader's ``except Exception`` swallows it."""


@contextmanager
def time_limit(seconds: float | None, name: str) -> Iterator[None]:
    """Abort the block after ``seconds`` with a DocumentError naming the file.

    Uses SIGALRM, so it acts only in the main thread of a process (every CLI command and every
    pool worker); elsewhere the block runs unbounded.  An enclosing limit is kept and restored.
    The alarm repeats every ``ALARM_REPEAT`` seconds until the block ends: an alarm that lands
    in a finalizer (``__del__`` run by the garbage collector, a gc callback) is swallowed by
    Python, and a single alarm would leave the block unbounded.  A block that ends on its own
    once its limit has passed — every alarm swallowed, or none delivered yet — is a timeout too:
    what it returned was computed past the limit, and the caller is told so, never handed it.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    armed, fired = [True], [0.0]

    def _alarm(signum, frame):
        # A repeat that lands once the block has ended, or while the Timeout just raised is on
        # its way out (through contextlib's __exit__), is dropped: raised there, it would escape
        # bare.  One that lands later means the last one was swallowed: raise again.
        now = time.monotonic()
        if armed[0] and now - fired[0] >= ALARM_RERAISE:
            fired[0] = now
            raise Timeout()

    started = time.monotonic()
    outer, outer_repeat = signal.getitimer(signal.ITIMER_REAL)
    limit = min(seconds, outer) if outer else seconds  # an enclosing limit that ends sooner wins
    old_handler = signal.signal(signal.SIGALRM, _alarm)
    late = False
    try:  # an alarm from here on, the enclosing one included, is this document's timeout
        try:
            signal.setitimer(signal.ITIMER_REAL, limit, ALARM_REPEAT)
            yield
        finally:
            # Disarmed before anything that could run a signal handler (a call): a repeat due
            # while the block ends can no longer escape as a bare Timeout.
            armed[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            late = bool(fired[0]) or time.monotonic() - started >= limit
    except Timeout:
        late = True
    finally:
        signal.signal(signal.SIGALRM, old_handler)
        if outer:  # give the enclosing limit back what remains of it
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001), outer_repeat)
    if late:
        raise DocumentError(name, f"处理超时（超过{limit:g}秒）：文件可能异常或结构过于复杂")
