"""Ingest: parse documents (in parallel), check them, and archive them with their sources.

Parsing runs on an executor (a process pool, or a dask cluster: :mod:`jobs.executor`), one
document per task, each under a time limit, and each report is checked there too, against the
archive's previous year as it stood; archiving runs in this process, in input order, so that
the archive has a single writer.  A report whose previous year came in the same batch (or whose
agency or year this process changed) is checked again here once the batch is archived, so a
year is checked against the previous year even when both arrive together.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from gknb.archive.fs import read_regular, synced_in_batches
from gknb.archive.store import Store, StoreError
from gknb.archive.xml import ArchiveError
from gknb.parsers import SETTINGS as READ_SETTINGS
from gknb.parsers import DocumentError, PdfSettings, parse

from gknb.filenames import readable
from gknb.model import Report
from gknb.rules import ERROR, WARNING, Violation, check
from gknb.verdicts import not_dismissed

from .executor import Executor, Local

MAX_SOURCE_BYTES = 200 * 1024 * 1024  # re-read for the archive after parsing: the parser's own gate is lower

DEFAULT_TIMEOUT = 120  # seconds per document


@dataclass(frozen=True)
class Checked:
    """A report checked by the worker that parsed it, against the archive's previous year then."""

    agency: str | None
    year: int | None
    violations: list[Violation]
    note: str | None = None  # why last year's report could not be read (Chinese)


Parsed = tuple[str, Report | None, str | None, Checked | None]  # path, report, Chinese error, worker's check


@dataclass
class Outcome:
    path: str
    report: Report | None = None
    status: str = ""  # new | unchanged | replaced | failed
    violations: list[Violation] = field(default_factory=list)
    error: str | None = None  # Chinese, for failed documents
    agency: str = ""  # the archived name (kept when the report itself is not)
    checked: Checked | None = field(default=None, repr=False)  # the worker's check, if it still holds

    @property
    def errors(self) -> int:
        return sum(v.severity == ERROR for v in self.violations)

    @property
    def warnings(self) -> int:
        return sum(v.severity == WARNING for v in self.violations)



def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and every file under folders named (hidden ones skipped), in a stable order.

    Links are listed, never entered or read: :func:`ingest` refuses them by name, so that a
    link in an inbox (to a key, a password file) is never parsed nor copied into the archive."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir() and not p.is_symlink():
            found = []
            for root, dirs, files in os.walk(p):  # followlinks=False: a linked folder is not entered
                here = Path(root)
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found += [here / name for name in files if not name.startswith(".")]
                found += [here / d for d in dirs if (here / d).is_symlink()]
            out.extend(sorted(found))
        else:
            out.append(p)
    return out


def refusal(path: str | Path) -> str | None:
    """Why an input is not read at all (a link, a folder inside a folder), or None."""
    try:
        st = os.lstat(path)
    except OSError:
        return None  # missing or unreadable: the parser says so in its own words
    if stat.S_ISLNK(st.st_mode):
        return f"{path}：是符号链接，出于安全原因不予读取（请给出实际文件的路径）"
    return None


def parse_with_limit(path: str, timeout: float, verify: bool = False) -> tuple[str, Report | None, str | None]:
    """(path, report, Chinese error): runs in a worker; never raises.

    The time limit is the parser's own (one alarm, inside :func:`gknb.parsers.parse`);
    ``verify`` reads a PDF with both engines (:mod:`gknb.parsers.pdf_verify`)."""
    try:
        return path, parse(path, replace(READ_SETTINGS, timeout=timeout, pdf=PdfSettings(verify=verify))), None
    except DocumentError as e:
        return path, None, str(e)
    except MemoryError:
        return path, None, f"{path}：解析时内存不足，文件可能异常"
    except Exception as e:  # a parser bug must not stop a batch of many documents
        return path, None, f"{path}：解析失败（程序内部错误：{type(e).__name__}: {e}）"


def check_against_archive(report: Report, root: str) -> Checked:
    """The report checked against the previous year the archive at ``root`` holds (read only), its
    findings a reviewer dismissed there left out."""
    store, previous, note = Store(root), None, None
    if report.agency and report.year:
        try:
            previous = store.get(report.agency, report.year - 1)
        except StoreError as e:  # a corrupt entry: checked without it, and said
            note = f"未能与上一年度对照：{e}"
    return Checked(report.agency, report.year, not_dismissed(store, report, check(report, previous)), note)


def parse_and_check(path: str, timeout: float, verify: bool, root: str | None) -> Parsed:
    """:func:`parse_with_limit`, then (given an archive ``root``) the report's check: runs in a
    worker, so that checking a batch scales with the workers; never raises."""
    path, report, error = parse_with_limit(path, timeout, verify)
    if report is None or root is None:
        return path, report, error, None
    try:
        return path, report, error, check_against_archive(report, root)
    except Exception:  # noqa: BLE001 -- the driver checks it again (and says what failed)
        return path, report, error, None


def parse_many(paths: list[Path], *, workers: int | None = None, timeout: float = DEFAULT_TIMEOUT,
               progress: Callable[[int, int, str], None] | None = None, verify: bool = False,
               executor: Executor | None = None, check_in: str | None = None) -> Iterator[Parsed]:
    """Parse every document on ``executor`` (default: a pool of ``workers`` processes, every core),
    and check each against the archive at ``check_in`` when given.

    Results come in input order as soon as each is ready, so the caller works on one while
    the workers parse the next.
    """
    jobs = [(str(p), (str(p), timeout, verify, check_in)) for p in paths]
    yield from (executor or Local(workers)).map(parse_and_check, jobs, _parse_failed, progress, timeout)


def _parse_failed(args: tuple, e: BaseException) -> Parsed:
    path = args[0]
    if isinstance(e, DocumentError):
        return path, None, str(e), None
    message = str(e)
    return path, None, message if message.startswith(path) else f"{path}：解析失败（{type(e).__name__}: {e}）", None


def ingest(store: Store, paths: Iterable[str | Path], *, agency: str | None = None, year: int | None = None,
           replace: bool = False, workers: int | None = None, timeout: float = DEFAULT_TIMEOUT,
           progress: Callable[[int, int, str], None] | None = None,
           names: Callable[[str], str] | None = None,
           folders: Callable[[str], str | None] | None = None, verify: bool = False,
           executor: Executor | None = None, check_reports: bool = True) -> list[Outcome]:
    """Parse, archive, and check each report against the previous year; outcomes in input order.

    Archiving happens in input order while later documents are still being parsed (so which
    of two reports of one agency and year is refused does not depend on timing); checking
    waits until the whole batch is archived, so that a year finds its predecessor even when
    both arrive together.

    ``names`` maps a printed agency name to the one to archive under (the register's full
    name); a ValueError it raises refuses that document with its message.  ``folders`` gives the
    archive folder a name already has (a former name's), or None for the store's own choice.

    ``check_reports=False`` (the January job, whose reviews check every report) archives only:
    no outcome keeps its report (``agency`` says whose it was), so a batch of any size costs
    the driver a few reports' memory at a time.  Archive writes are flushed to disk in batches
    (:func:`archive.fs.synced_in_batches`).
    """
    files = expand(paths)
    refused = {i: msg for i, f in enumerate(files) if (msg := refusal(f))}
    parsed = parse_many([f for i, f in enumerate(files) if i not in refused], workers=workers, timeout=timeout,
                        progress=progress, verify=verify, executor=executor,
                        check_in=str(store.root) if check_reports else None)
    with synced_in_batches():
        outcomes = _archive(store, files, refused, parsed, agency, year, replace, names, folders, check_reports)
    if check_reports:
        _check(store, outcomes)
    return outcomes


def _archive(store: Store, files: list[Path], refused: dict[int, str],
             parsed: Iterator[Parsed], agency: str | None, year: int | None,
             replace: bool, names: Callable[[str], str] | None, folders: Callable[[str], str | None] | None,
             keep: bool) -> list[Outcome]:
    """Archive each parsed report, in input order; its outcome (without the report unless ``keep``)."""
    outcomes: list[Outcome] = []
    for i, f in enumerate(files):
        if i in refused:
            outcomes.append(Outcome(str(f), status="failed", error=refused[i]))
            continue
        path, report, error, checked = next(parsed)
        if report is None:
            outcomes.append(Outcome(path, status="failed", error=error))
            continue
        if agency:
            report.agency = agency
        elif names is not None and report.agency:
            try:
                report.agency = names(report.agency)
            except ValueError as e:
                outcomes.append(Outcome(path, None, "failed", error=f"{path}：{e}"))
                continue
        if year:
            report.year = year
        if report.source is not None:  # a name in GBK bytes is recorded as the text it is
            report.source = dataclasses.replace(report.source, name=readable(report.source.name))
        try:
            # read again without following a link: bytes swapped in since the parse differ from the
            # parsed ones, and the store refuses a source whose hash is not the report's
            result = store.put(report, read_regular(path, MAX_SOURCE_BYTES), replace=replace,
                               folder=folders(report.agency) if folders and report.agency else None)
            outcomes.append(Outcome(path, report, result.status, agency=report.agency or "", checked=checked))
        except (DocumentError, StoreError, ArchiveError) as e:  # a conflict, a link: named by its file
            message = str(e)
            outcomes.append(Outcome(path, report, "failed", error=message if path in message else f"{path}：{message}",
                                    agency=report.agency or ""))
        except OSError as e:  # the file vanished since it was parsed
            outcomes.append(Outcome(path, report, "failed", error=f"{path}：无法读取（{e.strerror or e}）",
                                    agency=report.agency or ""))
        if not keep:
            outcomes[-1].report = None
    return outcomes


def _check(store: Store, outcomes: list[Outcome]) -> None:
    """Each report against the previous year: in the batch when it came with it, else archived.

    The worker's check stands where it checked the same agency and year against an archive
    this batch did not change for it (no report of the previous year in the batch)."""
    batch = {(o.report.agency, o.report.year): o.report for o in outcomes if o.report and o.status != "failed"}
    for o in outcomes:
        if o.report is None:
            continue
        r = o.report
        c = o.checked
        if c is not None and (c.agency, c.year) == (r.agency, r.year) and not (
                r.agency and r.year and (r.agency, r.year - 1) in batch):
            o.violations, o.checked = c.violations, None
            o.error = o.error or c.note
            continue
        o.checked = None
        previous = None
        if r.agency and r.year:
            previous = batch.get((r.agency, r.year - 1))
            if previous is None:
                try:
                    previous = store.get(r.agency, r.year - 1)
                except StoreError as e:  # a corrupt entry: checked without it, and said
                    o.error = o.error or f"未能与上一年度对照：{e}"
        o.violations = not_dismissed(store, r, check(r, previous))
