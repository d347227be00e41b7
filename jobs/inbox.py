"""The January job's first step: ingest what the inbox holds and the archive does not, and
note when each file arrived (the 报送 judgement needs it)."""

from __future__ import annotations

import datetime
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from gknb.archive.errors import os_error_zh
from gknb.archive.fs import DIR
from gknb.archive.store import Entry, Store, StoreError

from gknb.register import Register

from .executor import Executor
from .ingest import Outcome, expand, ingest, refusal
from .workfolder import Progress, WorkFolder


def _sha256(path: Path) -> str:
    """The file's hash, read in chunks without following a link (FileNotFoundError if gone)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as e:
        raise StoreError(f"{path}：无法读取（{os_error_zh(e)}）") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StoreError(f"{path}：不是普通文件，不予读取")
        h = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
        return h.hexdigest()
    except OSError as e:
        raise StoreError(f"{path}：无法读取（{os_error_zh(e)}）") from None
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Arrival:
    """An inbox file and when it arrived (its modification time)."""

    path: Path
    date: datetime.date


@dataclass
class Inbox:
    outcomes: list[Outcome] = field(default_factory=list)  # without their reports (see ingest's check_reports)
    failures: list[str] = field(default_factory=list)  # Chinese, each naming its file
    arrivals: dict[str, Arrival] = field(default_factory=dict)  # sha256 -> the earliest file with it


def ingest_new(layout: WorkFolder, executor: Executor, *, progress: Progress | None,
               register: Register | None = None, folders: dict[str, str] | None = None) -> Inbox:
    """Ingest the inbox documents whose content the archive does not hold yet, printed names
    mapped through the register; what was done, what was refused, and when each file arrived.

    A link (the inbox itself, or anything in it) is refused by name, never read.  The reports
    are not checked here: each is checked once, by its agency's review."""
    store = layout.store
    out = Inbox()
    kind = layout.tree.kind(layout.inbox)
    if kind is None:
        return out
    if kind != DIR:
        out.failures.append(f"{layout.inbox}：收件箱不是真实的文件夹（符号链接或文件），出于安全原因不予读取")
        return out
    new = []
    for f in expand([layout.inbox]):
        if problem := refusal(f):
            out.failures.append(problem)
            continue
        try:
            digest = _sha256(f)
            arrived = Arrival(f, datetime.date.fromtimestamp(os.lstat(f).st_mtime))
        except FileNotFoundError:
            continue  # removed since listed
        except StoreError as e:
            out.failures.append(str(e))
            continue
        if digest not in out.arrivals or arrived.date < out.arrivals[digest].date:
            out.arrivals[digest] = arrived
        if not store.has_source(digest):
            new.append(f)
    step = (lambda i, n, p: progress("入库", i, n, p)) if progress else None
    names = register.resolve if register is not None else None
    where = (folders or {}).get
    out.outcomes = ingest(store, new, progress=step, names=names, folders=where, executor=executor,
                          check_reports=False) if new else []
    out.failures += [o.error for o in out.outcomes if o.error]
    return out


def printed_names(store: Store, folder: str, entries: list[Entry]) -> list[str]:
    """The names an agency folder's reports print (the folder's own name first); an unusable
    entry is skipped here (its agency's review says what is wrong)."""
    names = [store.agency_name(folder)]
    for e in entries:
        try:
            name = store.printed_name(e)
        except (StoreError, FileNotFoundError):
            continue
        if name:
            names.append(name)
    return list(dict.fromkeys(names))
