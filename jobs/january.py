"""The January job: the yearly run over a working folder of many agencies.

    <work>/inbox/                    documents and figures files, any agency and year
    <work>/archive/                  the XML archive (unless another is given)
    <work>/figures/<机关>/<N>.yaml   drafted figures files, for staff to fill in
                                     (or <N>.xlsx, the Excel form from gknb draft, or <N>.docx,
                                     the official Word form filled in: either wins)
    <work>/reports/<机关>/           the year-N report generated from a filled figures file
    <work>/reviews/                  one review per agency (N against N−1), index.html (who has
                                     reported, who is late or missing), the 催报 list and
                                     审核意见汇总.docx (the batch's review as a notice in Word)
    <work>/汇总/<政府>/               each 本级政府's consolidated report of its members (by the
                                     register's 上级政府), its breakdown, and its C-1 check
    <work>/机关名录.xlsx              the agency register: created from what was seen, then edited by
                                     the office (gknb only appends agencies it sees for the first time)

Each run: ingest what the archive lacks (by content hash), check it, draft figures files
for agencies without year N, generate year N where the figures are filled (and archive the
result), write every review, consolidate each 本级政府's members, and return one summary
row per agency.

Idempotent and restartable: every file is written atomically and only when its content
changes, state is read back from the files themselves, and the PDF (whose bytes LibreOffice
stamps with the time) is remade only when its .docx changed — recorded in a manifest written
after both.  A run killed at any moment leaves old or new files, never half ones, and the
next run finishes the work.

Every agency is independent: a bad document, a corrupt or linked archive entry, a failed
generation or write (a full disk) is that agency's row (status 错误, the reason in Chinese),
and the others complete; the caller's exit status says that something failed.  Nothing is
read or written outside the work folder and the archive: links in either are refused, never
followed (see ``archive.fs``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import stat
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gknb.archive.decisions import apply_fixes
from gknb.archive.decisions import load as load_decisions
from gknb.archive.errors import os_error_zh
from gknb.archive.fs import DIR, FILE, Tree
from gknb.archive.store import Store, StoreError, agency_dirname, file_name
from gknb.parsers import DocumentError

from gknb import register as agency_register
from gknb.compare.batch import BatchItem, PairError, archive_comparison, page_name
from gknb.compare.html import render
from gknb.compare.index import render_index
from gknb.compare.submissions import MISSING, REMINDER_NAME, Submission, judge, reminder_html, reminder_xlsx
from gknb.compare.submissions import deadline as submission_deadline
from gknb.consolidate.members import governments
from gknb.generator import basis as figures_file
from gknb.generator.compose import GenerateError, generate_docx
from gknb.generator.draft import draft, dump
from gknb.generator.notice import FILE_NAME as SUMMARY_DOCX
from gknb.generator.notice import summary_docx
from gknb.generator.pdf import PdfError, to_pdf
from gknb.generator.readiness import blockers, draft_name
from gknb.model import VALUE
from gknb.register import Register
from gknb.rules import ERROR, WARNING, Violation, check
from gknb.verdicts import open_violations

from . import consolidate as consolidation
from .ingest import expand, ingest, refusal
from .reviewsummary import from_rows

Progress = Callable[[str, int, int, str], None]  # (phase, i, n, item)

# Statuses in the summary, as staff read them.
DRAFTED, WAITING, GENERATED, ARCHIVED, FAILED = "已生成数字文件，待填写", "数字文件待填写完整", "已生成报告", "已归档", "错误"
FORM_SUFFIXES = (".xlsx", ".docx")  # figures forms staff fill instead of the drafted YAML file, in this order
UNFINISHED = "待完善（已生成征求意见稿）"  # figures that break an error-level rule, or gaps left: no final report

CONSOLIDATED = "汇总"  # <work>/汇总/<政府>/: the consolidated reports
FIRST_YEAR = 2008  # the first year under the 政府信息公开条例 (in force 1 May 2008)


class YearError(ValueError):
    """A report year that cannot be meant (25, 0225, 3025); the message is Chinese."""


def check_year(value: str | int) -> int:
    """The year as an int if it is plausible: four digits, 2008 to next year."""
    text = str(value).strip()
    last = datetime.date.today().year + 1
    if not re.fullmatch(r"[0-9]{4}", text) or not FIRST_YEAR <= int(text) <= last:
        raise YearError(f"年度“{value}”不合理：应为四位数字的年份，在{FIRST_YEAR}年至{last}年之间"
                        f"（例如 --year {last - 1}）")
    return int(text)


def reason(e: BaseException) -> str:
    """An exception as the Chinese sentence a summary row shows."""
    if isinstance(e, DocumentError | StoreError | GenerateError | PdfError | PairError | ValueError):
        return str(e)
    if isinstance(e, OSError):
        where = f"{e.filename}：" if e.filename else ""
        return f"{where}{os_error_zh(e)}"
    return f"程序内部错误（{type(e).__name__}: {e}）"


@dataclass
class Row:
    agency: str
    status: str = ""
    errors: int = 0
    warnings: int = 0
    outputs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    submission: str = ""  # 已提交 | 逾期 | 未提交, for agencies the register says must report

    def fail(self, e: BaseException | str) -> None:
        self.status = FAILED
        self.notes.append(e if isinstance(e, str) else reason(e))


@dataclass
class WorkFolder:
    """Where the job reads and writes, under one working folder (by the archive's folder names)."""

    work: Path
    archive: Path | None = None

    @property
    def inbox(self) -> Path:
        return self.work / "inbox"

    @property
    def store(self) -> Store:
        return Store(self.archive or self.work / "archive")

    @property
    def tree(self) -> Tree:
        return Tree(self.work)

    def figures(self, folder: str, year: int) -> Path:
        return self.work / "figures" / folder / f"{year}.yaml"

    def reports(self, folder: str) -> Path:
        return self.work / "reports" / folder

    @property
    def consolidated(self) -> Path:
        return self.work / CONSOLIDATED

    @property
    def reviews(self) -> Path:
        return self.work / "reviews"

    @property
    def register(self) -> Path:
        return self.work / agency_register.FILE_NAME


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


# --------------------------------------------------------------------------- 1. ingest

@dataclass(frozen=True)
class Arrival:
    """An inbox file and when it arrived (its modification time)."""

    path: Path
    date: datetime.date


@dataclass
class Inbox:
    outcomes: list = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # Chinese, each naming its file
    arrivals: dict[str, Arrival] = field(default_factory=dict)  # sha256 -> the earliest file with it


def ingest_new(layout: WorkFolder, *, workers: int | None, progress: Progress | None,
               register: Register | None = None, folders: dict[str, str] | None = None) -> Inbox:
    """Ingest the inbox documents whose content the archive does not hold yet, printed names
    mapped through the register; what was done, what was refused, and when each file arrived.

    A link (the inbox itself, or anything in it) is refused by name, never read."""
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
    out.outcomes = ingest(store, new, workers=workers, progress=step, names=names, folders=where) if new else []
    out.failures += [o.error for o in out.outcomes if o.error]
    return out


def _printed_names(store: Store, folder: str, entries: list) -> list[str]:
    """The names an agency folder's reports print (the folder's own name first)."""
    names = [store.agency_name(folder)]
    for e in entries:
        try:
            report = store.get(folder, e.year)
        except StoreError:
            continue
        if report is not None and report.agency:
            names.append(report.agency)
    return list(dict.fromkeys(names))


# --------------------------------------------------------------------------- 2. draft and generate

def _blank_count(fig: figures_file.Figures) -> int:
    """How many table cells are still blank (0: the figures file is filled)."""
    return sum(1 for c in fig.report.cells.values() if c.state != VALUE)


@dataclass
class GenerateTask:
    folder: str  # the archive's folder (and the work folder's)
    agency: str  # the printed name
    year: int
    figures: Path
    outdir: Path


def _manifest(outdir: Path, year: int) -> Path:
    """Records the .docx the job generated for a year, and which .docx the PDF was made from."""
    return outdir / f".{year}.manifest.json"


def _read_manifest(tree: Tree, path: Path) -> dict:
    try:
        record = json.loads(tree.read(path).decode("utf-8"))
    except (OSError, ValueError, StoreError):
        return {}
    return record if isinstance(record, dict) else {}


def _figures_file(tree: Tree, path: Path) -> figures_file.Figures:
    """The figures file, once it is known to be a regular file below the work folder."""
    if not tree.is_file(path):
        raise StoreError(f"{path}：不是普通文件，无法作为数字文件读取")
    return figures_file.read(path)


@dataclass(frozen=True)
class Generated:
    folder: str
    docx: Path | None = None
    needs_pdf: bool = False
    error: str | None = None  # Chinese
    blockers: list[str] = field(default_factory=list)  # why only a draft was written (Chinese)


def generate_one(task: GenerateTask, store_root: Path, work: Path, pdf: bool) -> Generated:
    """Write year N's .docx from a filled figures file (only if its bytes change); runs in a worker.

    Never raises: whatever goes wrong is this agency's error."""
    try:
        return _generate(task, Store(store_root), Tree(work), pdf)
    except Exception as e:  # noqa: BLE001 -- one agency's failure must not end the run
        return Generated(task.folder, error=reason(e))


def _generate(task: GenerateTask, store: Store, tree: Tree, pdf: bool) -> Generated:
    fig = _figures_file(tree, task.figures)
    fig.report.agency, fig.report.year = task.agency, task.year  # the register's full name: the title's
    previous = store.get(task.folder, task.year - 1)
    data, doc = generate_docx(fig, previous)
    reasons = blockers(fig, doc, previous)
    if reasons:  # never a report that looks final while anything is wrong
        data, doc = generate_docx(fig, previous, draft=True)
    docx = task.outdir / file_name(draft_name(doc.title) if reasons else doc.title, ".docx")
    tree.write_if_changed(docx, data)
    return Generated(task.folder, docx, _recorded(tree, docx, data, task.year, pdf), blockers=reasons)


def _recorded(tree: Tree, docx: Path, data: bytes, year: int, pdf: bool) -> bool:
    """Record in its folder's manifest the .docx just written; whether its PDF must be (re)made."""
    digest = hashlib.sha256(data).hexdigest()
    manifest = _manifest(docx.parent, year)
    done = _read_manifest(tree, manifest)
    tree.write_if_changed(manifest, json.dumps({"docx_sha256": digest, "pdf_of": done.get("pdf_of")}).encode())
    return pdf and (done.get("pdf_of") != digest or tree.kind(docx.with_suffix(".pdf")) != FILE)


def convert_batch(docs: list[Path], year: int, scratch: Path, work: Path) -> str | None:
    """PDFs for several .docx in one LibreOffice call (4× faster than one call each), each moved
    into place whole; the manifest then records which .docx its PDF was made from.  The first
    problem, in Chinese, or None; never raises."""
    tree = Tree(work)
    first = None
    try:
        with tree.scratch(scratch, ".pdf-") as tmp:
            try:
                made = to_pdf(docs, tmp)
            except PdfError as e:
                return str(e)
            for docx, pdf_file in zip(docs, made, strict=True):
                try:
                    tree.move_in(pdf_file, docx.with_suffix(".pdf"))
                    manifest = _manifest(docx.parent, year)
                    record = _read_manifest(tree, manifest)
                    record["pdf_of"] = hashlib.sha256(tree.read(docx)).hexdigest()
                    tree.write(manifest, json.dumps(record).encode())
                except Exception as e:  # noqa: BLE001 -- this PDF's agency fails, the others go on
                    first = first or reason(e)
    except Exception as e:  # noqa: BLE001
        return first or reason(e)
    return first


# --------------------------------------------------------------------------- 3. reviews

def review_one(store_root: Path, folder: str, year: int, outdir: Path, work: Path, agency: str = "",
               names: tuple[str, ...] = ()) -> BatchItem:
    """One agency's review page (N against N−1), titled by its full name; runs in a worker.  Never raises."""
    agency = agency or folder
    try:
        c = archive_comparison(Store(store_root), folder, year, require_previous=False, name=agency, names=names)
        name = page_name(folder, year)
        Tree(work).write_if_changed(outdir / name, render(c).encode("utf-8"))
    except Exception as e:  # noqa: BLE001 -- a corrupt entry, a full disk: this agency's error
        return BatchItem(agency, None, None, reason(e))
    return BatchItem(agency, name, c)


# --------------------------------------------------------------------------- 4. consolidated reports

@dataclass
class Consolidated:
    """One 本级政府's consolidation in this run: what was added up and how its published report compares."""

    government: str
    members: int = 0
    included: int = 0
    notes: list[str] = field(default_factory=list)  # members missing, not added, with errors (Chinese)
    violations: list[Violation] = field(default_factory=list)  # C-1: the published report against the sum
    published: bool = False
    outputs: list[Path] = field(default_factory=list)
    error: str | None = None

    def line(self) -> str:
        """What was added up and how the published report compares, in one Chinese sentence."""
        if self.error:
            return f"未能汇总：{self.error}"
        head = f"{self.members} 个成员机关，已计入 {self.included} 个"
        if not self.published:
            return f"{head}；档案中没有已发布的汇总报告可供核对"
        return f"{head}；已发布的汇总报告" + (f"有 {len(self.violations)} 处与各成员机关之和不符" if self.violations
                                          else "各项数字等于各成员机关之和")


def consolidate_governments(layout: WorkFolder, register: Register, year: int, pdf: bool) -> list[Consolidated]:
    """Each 本级政府 of the register with members: its consolidated report into <work>/汇总/<政府>/,
    written only where bytes change (the PDF only when its .docx changed), and its C-1 check.
    A government's failure is its own (``error``); never raises."""
    tree, store = layout.tree, layout.store
    found = governments(register)
    if not found:
        return []
    try:
        tree.sweep_scratch(layout.consolidated, ".pdf-")  # left by a run killed while converting
    except StoreError:
        pass  # the conversion below says what is wrong with the folder
    try:
        folders = agency_register.folders_by_name(store, register)
    except Exception as e:  # noqa: BLE001 -- an unreadable archive: every government says so
        return [Consolidated(a.full, len(m), error=reason(e)) for a, m in found]
    out, pending = [], []
    for agency, members in found:
        done = Consolidated(agency.full, len(members))
        out.append(done)
        try:
            o = consolidation.run(store, agency.full, year, members, layout.consolidated / agency_dirname(agency.full),
                                  pdf=False, folders=folders, write=tree.write_if_changed)
        except Exception as e:  # noqa: BLE001 -- a corrupt entry, a full disk: this government's error
            done.error = reason(e)
            continue
        done.included, done.notes = len(o.consolidation.included), o.consolidation.notes()
        done.published, done.violations, done.outputs = o.published is not None, o.violations, o.outputs
        docx = next(p for p in o.outputs if p.suffix == ".docx")
        try:
            if _recorded(tree, docx, tree.read(docx), year, pdf):
                pending.append(docx)
        except Exception as e:  # noqa: BLE001
            done.error = reason(e)
        if pdf:
            done.outputs.append(docx.with_suffix(".pdf"))
    if pending and (problem := convert_batch(pending, year, layout.consolidated, layout.work)):
        for done in out:
            if not done.error and any(p.with_suffix(".docx") in pending for p in done.outputs):
                done.error = problem
    return out


def _government_row(row: Row, c: Consolidated) -> None:
    """The consolidation in its government's summary row: its files, and C-1 as errors and notes."""
    row.outputs += [str(p) for p in c.outputs]
    if c.error:
        row.fail(f"汇总报告：{c.error}")
        return
    row.notes.append(f"汇总报告：{c.line()}")
    row.notes += [f"汇总报告：{n}" for n in c.notes]
    row.notes += [f"汇总报告 {v.rule} [{v.scope}] {v.message}" for v in c.violations]
    row.errors += sum(v.severity == ERROR for v in c.violations)
    row.warnings += sum(v.severity == WARNING for v in c.violations)


# --------------------------------------------------------------------------- the job

def _pool_map(fn, jobs: list[tuple[str, tuple]], workers: int, phase: str, progress: Progress | None,
              failed: Callable[[tuple, BaseException], Any]) -> list:
    """fn(*args) for each (label, args), ``workers`` at a time, results in order, progress by label.

    A task whose worker died (or that raised) gives ``failed(args, exception)`` instead."""
    if not jobs:
        return []
    out = []
    if workers == 1 or len(jobs) == 1:
        for i, (label, args) in enumerate(jobs, 1):
            try:
                out.append(fn(*args))
            except Exception as e:  # noqa: BLE001
                out.append(failed(args, e))
            if progress:
                progress(phase, i, len(jobs), label)
        return out
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        futures = [(label, args, pool.submit(fn, *args)) for label, args in jobs]
        for i, (label, args, f) in enumerate(futures, 1):
            try:
                out.append(f.result())
            except Exception as e:  # noqa: BLE001 -- a worker killed (memory), a result that did not pickle
                out.append(failed(args, e))
            if progress:
                progress(phase, i, len(jobs), label)
    return out


def run(work: Path, year: int, *, archive: Path | None = None, workers: int | None = None, pdf: bool = True,
        progress: Progress | None = None, deadline: datetime.date | None = None) -> tuple[list[Row], list[str]]:
    """The whole January run; (one row per agency, problems with inbox and shared files).

    ``deadline`` replaces the law's deadlines (by kind of agency) in judging who is late.
    A register that cannot be used raises RegisterError before anything is done."""
    year = check_year(year)
    workers = workers or os.cpu_count() or 1
    layout = WorkFolder(Path(work), archive)
    store, tree = layout.store, layout.tree
    failures: list[str] = []
    for folder in (layout.work / "figures", layout.work / "reports", layout.reviews, layout.consolidated):
        try:
            tree.sweep(folder)  # temporaries of a run killed mid-write (not a live run's)
        except StoreError as e:
            failures.append(str(e))
    register = agency_register.read(tree, layout.register)
    inbox = ingest_new(layout, workers=workers, progress=progress, register=register,
                       folders=agency_register.folders_by_name(store, register))
    failures += inbox.failures
    scan = store.scan()
    folders = sorted({e.agency for e in scan.entries})
    by_folder: dict[str, list] = {}
    for e in scan.entries:
        by_folder.setdefault(e.agency, []).append(e)
    # a folder the register knows by name needs no reading; the others' reports say what they print
    seen = {f: [name] if register is not None and register.find(name := store.agency_name(f))
            else _printed_names(store, f, by_folder[f]) for f in folders}
    try:
        register, _, unregistered = agency_register.update(tree, layout.register, register, seen)
        failures += unregistered
    except StoreError as e:
        failures.append(str(e))
        register = register or agency_register.Register()
    names = {f: next((a.full for n in seen[f] if (a := register.find(n))), store.agency_name(f)) for f in folders}
    rows = {f: Row(names[f]) for f in folders}
    for p in scan.problems:
        rows.setdefault(p.name, Row(p.name)).fail(p.message)
    for o in inbox.outcomes:  # a conflict or refusal stays in its agency's row, naming its file
        if o.error and o.report is not None and o.report.agency:
            folder = store.resolve_agency(o.report.agency)
            if folder in rows:
                rows[folder].notes.append(o.error)

    tasks = []
    for folder in folders:
        try:
            task = _plan(layout, store, folder, rows[folder], year)
        except Exception as e:  # noqa: BLE001 -- a corrupt entry, a bad figures file, a full disk
            rows[folder].fail(e)
            continue
        if task is not None:
            tasks.append((rows[folder].agency, (task, store.root, layout.work, pdf)))

    generated = _pool_map(generate_one, tasks, workers, "生成", progress,
                          lambda args, e: Generated(args[0].folder, error=reason(e)))
    scratch = layout.work / "reports"
    try:
        tree.sweep_scratch(scratch, ".pdf-")  # left by a run killed while converting (not a live run's)
    except StoreError as e:
        failures.append(str(e))
    pending = [g.docx for g in generated if g.needs_pdf and not g.error]
    chunks = [(f"{len(c)}份", (c, year, scratch, layout.work)) for c in (pending[i::workers] for i in range(workers)) if c]
    pdf_errors = [e for e in _pool_map(convert_batch, chunks, workers, "PDF", progress,
                                       lambda args, e: reason(e)) if e]
    for g in generated:
        row = rows[g.folder]
        if g.error:
            row.fail(g.error)
            continue
        row.outputs = [str(g.docx)] + ([str(g.docx.with_suffix(".pdf"))] if pdf else [])
        row.status = UNFINISHED if g.blockers else GENERATED
        row.notes += g.blockers
        row.errors = max(row.errors, len(g.blockers))
        try:
            if pdf and tree.kind(g.docx.with_suffix(".pdf")) != FILE:
                row.fail(pdf_errors[0] if pdf_errors else "未能生成PDF")
            report = _parse_generated(g.docx, row.agency, year, tree)
            row.notes += apply_fixes(report, load_decisions(store, g.folder, year))  # people's fixes stay
            store.put(report, tree.read(g.docx), replace=True, folder=g.folder)
        except Exception as e:  # noqa: BLE001
            row.fail(e)

    reviewed, this_year = [], {}
    for folder in folders:
        try:
            if (report := store.get(folder, year)) is not None:
                reviewed.append(folder)
                this_year[folder] = report
        except Exception as e:  # noqa: BLE001
            rows[folder].fail(e)
    def known(f: str) -> tuple[str, ...]:
        a = register.find(rows[f].agency)
        return tuple(a.names) if a else ()

    items = _pool_map(review_one, [(rows[f].agency, (store.root, f, year, layout.reviews, layout.work, rows[f].agency,
                                                     known(f))) for f in reviewed], workers, "审查", progress,
                      lambda args, e: BatchItem(args[5], None, None, reason(e)))
    pages = {f: i.file for f, i in zip(reviewed, items, strict=True)}
    subs = _submissions(register, names, this_year, pages, inbox.arrivals, year, deadline)
    by_name = {r.agency: r for r in rows.values()}
    for s in subs:
        if s.agency not in by_name:  # registered, never seen
            rows[s.agency] = by_name[s.agency] = Row(s.agency, MISSING)
        by_name[s.agency].submission = s.state
    findings: dict[str, list[Violation]] = {}
    for folder, item in zip(reviewed, items, strict=True):
        row = rows[folder]
        if item.error:
            row.fail(item.error)
        try:
            decided = {y: load_decisions(store, folder, y) for y in (year, year - 1)}
            found = open_violations(check(this_year[folder], store.get(folder, year - 1)), this_year[folder], decided)
        except Exception as e:  # noqa: BLE001
            if not item.error:
                row.fail(e)
            continue
        findings[folder] = found
        row.errors = sum(v.severity == ERROR for v in found)
        row.warnings = sum(v.severity == WARNING for v in found)
        if item.file:
            row.outputs.append(str(layout.reviews / item.file))
    consolidated = consolidate_governments(layout, register, year, pdf)
    for c in consolidated:
        if c.government not in by_name:  # registered as not reporting, never seen: its row is the consolidation
            rows[c.government] = by_name[c.government] = Row(c.government)
        _government_row(by_name[c.government], c)
    try:
        tree.write_if_changed(layout.reviews / "index.html", render_index(
            year, items, submissions=subs, problems=failures,
            consolidations=[(c.government, c.line(), c.violations) for c in consolidated]).encode("utf-8"))
        tree.write_if_changed(layout.reviews / f"{REMINDER_NAME}.html", reminder_html(year, subs).encode("utf-8"))
        tree.write_if_changed(layout.reviews / f"{REMINDER_NAME}.xlsx", reminder_xlsx(year, subs))
        tree.write_if_changed(layout.reviews / SUMMARY_DOCX,
                              summary_docx(year, from_rows({k: r.agency for k, r in rows.items()},
                                                           {s.agency: s.state for s in subs}, findings,
                                                           {c.government: c.violations for c in consolidated})))
    except Exception as e:  # noqa: BLE001 -- the index is no agency's: the run's problem
        failures.append(reason(e))
    return [rows[k] for k in sorted(rows)], failures


def _submissions(register: Register, names: dict[str, str], reports: dict, pages: dict[str, str | None],
                 arrivals: dict[str, Arrival], year: int, override: datetime.date | None) -> list[Submission]:
    """Every agency the register says must report, with where its report on ``year`` is."""
    folders_of: dict[str, list[str]] = {}
    for f, name in names.items():
        folders_of.setdefault(name, []).append(f)
    out = []
    for a in register.must_report():
        held = folders_of.get(a.full, [])  # two folders (a former name's, the full name's): the one with the year
        folder = next((f for f in held if f in reports), held[0] if held else None)
        report = reports.get(folder) if folder else None
        source = report.source.sha256 if report is not None and report.source else None
        arrived = arrivals.get(source) if source else None
        due = submission_deadline(year, a.kind, override)
        when = arrived.date if arrived else None  # None: generated here, or archived before this inbox
        out.append(Submission(a.full, a.kind, a.parent, due, judge(report is not None, when, due), when,
                              arrived.path.name if arrived else None, pages.get(folder) if folder else None))
    return out


def _plan(layout: WorkFolder, store: Store, folder: str, row: Row, year: int) -> GenerateTask | None:
    """What this agency needs this year: nothing (archived), a draft, filling in, or generation."""
    tree, name = layout.tree, row.agency
    path = layout.figures(folder, year)
    # the Excel form or the official Word form, filled instead of the YAML file
    path = next((form for form in (path.with_suffix(s) for s in FORM_SUFFIXES) if tree.kind(form) is not None), path)
    archived = store.get(folder, year)
    if archived is not None and tree.kind(_manifest(layout.reports(folder), year)) is None:
        row.status = ARCHIVED  # year N came in as a document: nothing to draft or generate
        return None
    if tree.kind(path) is None:
        d = draft(name if store.resolve_agency(name) == folder else folder, year, store)
        tree.write_if_changed(path, dump(d).encode("utf-8"))
        row.status, row.outputs, row.notes = DRAFTED, [str(path)], d.notes
        return None
    blanks = _blank_count(_figures_file(tree, path))
    if blanks:
        row.status, row.outputs, row.notes = WAITING, [str(path)], [f"还有{blanks}个单元格未填写"]
        return None
    return GenerateTask(folder, name, year, path, layout.reports(folder))


def _parse_generated(docx: Path, agency: str, year: int, tree: Tree):
    from gknb.parsers import Source, parse_source
    report = parse_source(Source(str(docx), tree.read(docx)))
    report.agency, report.year = agency, year  # the archived name and the year asked for
    return report

