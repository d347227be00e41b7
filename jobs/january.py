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

This module runs the steps; each lives in its own (``inbox``, ``generate``, ``review``,
``roster``, ``governments``; ``workfolder`` what they share).  The tasks run on an executor
(``jobs.executor``: a process pool, or a dask cluster) and return compact results that this
process writes, keeping one summary row an agency: its memory and its time per agency stay
flat however many agencies there are.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from gknb.archive.fs import FILE, synced_in_batches
from gknb.archive.store import StoreError

from gknb import register as agency_register
from gknb.compare.index import IndexRow, render_index
from gknb.compare.submissions import MISSING, REMINDER_NAME, reminder_html, reminder_xlsx
from gknb.generator.notice import FILE_NAME as SUMMARY_DOCX
from gknb.generator.notice import summary_docx
from gknb.register import Register
from gknb.rules import ERROR, WARNING
from gknb.years import YearError, check_year  # noqa: F401 -- as callers know them

from .executor import Executor, Local
from .generate import Generated, Pdf, generate_one, make_pdfs, pdf_batches, place_pdfs, plan, write_docx
from .governments import consolidate_governments, government_row
from .inbox import ingest_new, printed_names
from .review import Reviewed, review_one
from .reviewsummary import from_rows
from .roster import submissions
from .workfolder import (  # noqa: F401 -- the job's statuses and year check, as callers know them
    ARCHIVED,
    DRAFTED,
    FAILED,
    GENERATED,
    UNFINISHED,
    WAITING,
    Progress,
    Row,
    WorkFolder,
    reason,
)


def run(work: Path, year: int, *, archive: Path | None = None, workers: int | None = None, pdf: bool = True,
        progress: Progress | None = None, deadline: datetime.date | None = None,
        executor: Executor | None = None) -> tuple[list[Row], list[str]]:
    """The whole January run; (one row per agency, problems with inbox and shared files).

    ``deadline`` replaces the law's deadlines (by kind of agency) in judging who is late.
    Tasks run on ``executor`` (default: a pool of ``workers`` processes, every core); this
    process alone writes.  A register that cannot be used raises RegisterError before anything
    is done."""
    year = check_year(year)
    with nullcontext(executor) if executor is not None else Local(workers) as ex, synced_in_batches():
        return _run(WorkFolder(Path(work), archive), year, ex, pdf, progress, deadline)


def _phase(progress: Progress | None, phase: str) -> Callable[[int, int, str], None] | None:
    return (lambda i, n, label: progress(phase, i, n, label)) if progress else None


def _run(layout: WorkFolder, year: int, ex: Executor, pdf: bool, progress: Progress | None,
         deadline: datetime.date | None) -> tuple[list[Row], list[str]]:
    store, tree = layout.store, layout.tree
    failures: list[str] = []
    for folder in (layout.work / "figures", layout.work / "reports", layout.reviews, layout.consolidated):
        try:
            tree.sweep(folder)  # temporaries of a run killed mid-write (not a live run's)
        except StoreError as e:
            failures.append(str(e))
    register = agency_register.read(tree, layout.register)
    inbox = ingest_new(layout, ex, progress=progress, register=register,
                       folders=agency_register.folders_by_name(store, register))
    failures += inbox.failures
    register, rows, folders, has_year = _rows(layout, register, year, failures)
    for o in inbox.outcomes:  # a conflict or refusal stays in its agency's row, naming its file
        if o.error and o.agency:
            folder = store.resolve_agency(o.agency)
            if folder in rows:
                rows[folder].notes.append(o.error)
    inbox.outcomes = []

    tasks = []
    for folder in folders:
        try:
            task = plan(layout, store, folder, rows[folder], year, folder in has_year)
        except Exception as e:  # noqa: BLE001 -- a corrupt entry, a bad figures file, a full disk
            rows[folder].fail(e)
            continue
        if task is not None:
            tasks.append((rows[folder].agency, (task, store.root, layout.work)))
    made, pending = _generate(layout, ex, tasks, rows, has_year, year, pdf, progress)
    _pdfs(layout, ex, made, pending, rows, year, pdf, progress, failures)

    reviewed = [f for f in folders if f in has_year]

    def known(f: str) -> tuple[str, ...]:
        a = register.find(rows[f].agency)
        return tuple(a.names) if a else ()

    jobs = [(rows[f].agency, (store.root, f, year, rows[f].agency, known(f))) for f in reviewed]
    for r in ex.map(review_one, jobs, _review_failed, _phase(progress, "审查")):
        _reviewed(layout, rows[r.folder], r)
    subs = submissions(register, {f: rows[f] for f in folders}, inbox.arrivals, year, deadline)
    by_name = {r.agency: r for r in rows.values()}
    for s in subs:
        if s.agency not in by_name:  # registered, never seen
            rows[s.agency] = by_name[s.agency] = Row(s.agency, MISSING)
        by_name[s.agency].submission = s.state
    consolidated = consolidate_governments(layout, register, year, pdf)
    for c in consolidated:
        if c.government not in by_name:  # registered as not reporting, never seen: its row is the consolidation
            rows[c.government] = by_name[c.government] = Row(c.government)
        government_row(by_name[c.government], c)
    items = [i for f in reviewed if (i := rows[f].index) is not None]
    try:
        tree.write_if_changed(layout.reviews / "index.html", render_index(
            year, items, submissions=subs, problems=failures,
            consolidations=[(c.government, c.line(), c.violations) for c in consolidated]).encode("utf-8"))
        tree.write_if_changed(layout.reviews / f"{REMINDER_NAME}.html", reminder_html(year, subs).encode("utf-8"))
        tree.write_if_changed(layout.reviews / f"{REMINDER_NAME}.xlsx", reminder_xlsx(year, subs))
        tree.write_if_changed(layout.reviews / SUMMARY_DOCX,
                              ex.apart(summary_docx, year, from_rows({k: r.agency for k, r in rows.items()},
                                                           {s.agency: s.state for s in subs},
                                                           {k: r.findings for k, r in rows.items()
                                                            if r.findings is not None},
                                                           {c.government: c.violations for c in consolidated})))
    except Exception as e:  # noqa: BLE001 -- the index is no agency's: the run's problem
        failures.append(reason(e))
    return [rows[k] for k in sorted(rows)], failures


def _rows(layout: WorkFolder, register: Register | None, year: int, failures: list[str]
          ) -> tuple[Register, dict[str, Row], list[str], set[str]]:
    """The register updated with the names seen; a row for every archive folder (by the
    register's full name) and every unreadable one; the folders in order; those holding year N."""
    store, tree = layout.store, layout.tree
    scan = store.scan()
    folders = sorted({e.agency for e in scan.entries})
    by_folder: dict[str, list] = {}
    for e in scan.entries:
        by_folder.setdefault(e.agency, []).append(e)
    # a folder the register knows by name needs no reading; the others' reports say what they print
    seen = {f: [name] if register is not None and register.find(name := store.agency_name(f))
            else printed_names(store, f, by_folder[f]) for f in folders}
    try:
        register, _, unregistered = agency_register.update(tree, layout.register, register, seen)
        failures += unregistered
    except StoreError as e:
        failures.append(str(e))
        register = register or agency_register.Register()
    rows = {f: Row(next((a.full for n in seen[f] if (a := register.find(n))), store.agency_name(f)))
                  for f in folders}
    for p in scan.problems:
        rows.setdefault(p.name, Row(p.name)).fail(p.message)
    return register, rows, folders, {e.agency for e in scan.entries if e.year == year}


def _generate(layout: WorkFolder, ex: Executor, tasks: list, rows: dict[str, Row], has_year: set[str], year: int,
              pdf: bool, progress: Progress | None) -> tuple[list[str], list[Path]]:
    """Year N generated where the figures are filled: each .docx written and archived as its
    worker's result arrives; the folders generated, and the .docx that need a PDF."""
    store, tree = layout.store, layout.tree
    made, pending = [], []
    for g in ex.map(generate_one, tasks, lambda args, e: Generated(args[0].folder, error=reason(e)),
                    _phase(progress, "生成")):
        row = rows[g.folder]
        if g.error or g.docx is None:
            row.fail(g.error or "未能生成报告")
            continue
        try:
            if write_docx(tree, g.docx, g.data, year, pdf):
                pending.append(g.docx)
        except Exception as e:  # noqa: BLE001 -- a full disk: this agency's error
            row.fail(e)
            continue
        made.append(g.folder)
        row.outputs = [str(g.docx)] + ([str(g.docx.with_suffix(".pdf"))] if pdf else [])
        row.status = UNFINISHED if g.blockers else GENERATED
        row.notes += g.blockers
        row.errors = max(row.errors, len(g.blockers))
        if g.unarchived or g.report is None:
            row.fail(g.unarchived or "未能读回生成的报告")
            continue
        row.notes += g.fixes
        try:
            store.put(g.report, g.data, replace=True, folder=g.folder)
            has_year.add(g.folder)
        except Exception as e:  # noqa: BLE001
            row.fail(e)
    return made, pending


def _pdfs(layout: WorkFolder, ex: Executor, made: list[str], pending: list[Path], rows: dict[str, Row], year: int,
          pdf: bool, progress: Progress | None, failures: list[str]) -> None:
    """The PDFs of the .docx that changed, made in workers and written here; a generated agency
    without its PDF fails."""
    tree = layout.tree
    try:
        tree.sweep_scratch(layout.work / "reports", ".pdf-")  # left by older runs killed while converting
    except StoreError as e:
        failures.append(str(e))
    jobs = [(f"{len(c)}份", (c, layout.work)) for c in pdf_batches(pending, ex.workers)]
    problems = [p for made_pdfs in ex.map(make_pdfs, jobs, lambda args, e: [Pdf(d, None, error=reason(e))
                                                                         for d in args[0]], _phase(progress, "PDF"))
                if (p := place_pdfs(tree, made_pdfs, year))]
    if not pdf:
        return
    for folder in made:
        row = rows[folder]
        try:
            if tree.kind(Path(row.outputs[1])) != FILE:
                row.fail(problems[0] if problems else "未能生成PDF")
        except Exception as e:  # noqa: BLE001
            row.fail(e)


def _reviewed(layout: WorkFolder, row: Row, r: Reviewed) -> None:
    """A worker's review in its agency's row: the page written, the findings counted."""
    if r.unreadable:
        row.fail(r.unreadable)
        return
    if not r.held or r.index is None:
        return
    index = r.index
    if r.page is not None and index.file:
        try:
            layout.tree.write_if_changed(layout.reviews / index.file, r.page)
        except Exception as e:  # noqa: BLE001 -- a full disk: this agency's error
            index = index.failed(reason(e))
    row.held, row.source, row.index, row.page = True, r.source, index, index.file
    if index.error:
        row.fail(index.error)
    if r.findings is None:
        if not index.error:
            row.fail(r.error or "未能核对")
        return
    row.findings = r.findings
    row.errors = sum(v.severity == ERROR for v in r.findings)
    row.warnings = sum(v.severity == WARNING for v in r.findings)
    if index.file:
        row.outputs.append(str(layout.reviews / index.file))


def _review_failed(args: tuple, e: BaseException) -> Reviewed:
    """A review whose worker died: the agency cannot be compared (nor checked) this run."""
    folder, agency = args[1], args[3]
    return Reviewed(folder, held=True, index=IndexRow.of(agency, None, error=reason(e)), error=reason(e))
