"""The January job: the yearly run over a working folder of many agencies.

    <work>/inbox/                    documents and figures files, any agency and year
    <work>/archive/                  the XML archive (unless another is given)
    <work>/figures/<机关>/<N>.yaml   drafted figures files, for staff to fill in
    <work>/reports/<机关>/           the year-N report generated from a filled figures file
    <work>/reviews/                  one review per agency (N against N−1) and index.html

Each run: ingest what the archive lacks (by content hash), check it, draft figures files
for agencies without year N, generate year N where the figures are filled (and archive the
result), write every review, and return one summary row per agency.

Idempotent and restartable: every file is written atomically and only when its content
changes, state is read back from the files themselves, and the PDF (whose bytes LibreOffice
stamps with the time) is remade only when its .docx changed — recorded in a manifest written
after both.  A run killed at any moment leaves old or new files, never half ones, and the
next run finishes the work.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from archive.store import Store, StoreError, agency_dirname, atomic_write, write_if_changed
from gknb.compare.batch import BatchItem, PairError, archive_comparison, page_name
from gknb.compare.html import render
from gknb.compare.index import render_index
from gknb.generator import figures as figures_file
from gknb.generator.compose import GenerateError, generate_docx
from gknb.generator.draft import draft, dump
from gknb.generator.pdf import PdfError, to_pdf
from gknb.model import VALUE
from gknb.rules import ERROR, WARNING, check
from parsers import DocumentError

from .ingest import expand, ingest

Progress = Callable[[str, int, int, str], None]  # (phase, i, n, item)

# Statuses in the summary, as staff read them.
DRAFTED, WAITING, GENERATED, ARCHIVED, FAILED = "已生成数字文件，待填写", "数字文件待填写完整", "已生成报告", "已归档", "失败"


@dataclass
class Row:
    agency: str
    status: str = ""
    errors: int = 0
    warnings: int = 0
    outputs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Layout:
    """Where the job reads and writes, under one working folder."""

    work: Path
    archive: Path | None = None

    @property
    def inbox(self) -> Path:
        return self.work / "inbox"

    @property
    def store(self) -> Store:
        return Store(self.archive or self.work / "archive")

    def figures(self, agency: str, year: int) -> Path:
        return self.work / "figures" / agency_dirname(agency) / f"{year}.yaml"

    def reports(self, agency: str) -> Path:
        return self.work / "reports" / agency_dirname(agency)

    @property
    def reviews(self) -> Path:
        return self.work / "reviews"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- 1. ingest

def ingest_new(layout: Layout, *, workers: int | None, progress: Progress | None) -> tuple[list, list[str]]:
    """Ingest the inbox documents whose content the archive does not hold yet."""
    store = layout.store
    files = expand([layout.inbox]) if layout.inbox.exists() else []
    new = [f for f in files if not store.has_source(_sha256(f))]
    step = (lambda i, n, p: progress("入库", i, n, p)) if progress else None
    outcomes = ingest(store, new, workers=workers, progress=step) if new else []
    failures = [o.error for o in outcomes if o.error]
    return outcomes, failures


# --------------------------------------------------------------------------- 2. draft and generate

def _filled(fig: figures_file.Figures) -> int:
    """How many table cells are still blank (0: the figures file is filled)."""
    return sum(1 for c in fig.report.cells.values() if c.state != VALUE)


@dataclass
class GenerateTask:
    agency: str
    year: int
    figures: Path
    outdir: Path


def _manifest(outdir: Path, year: int) -> Path:
    """Records the .docx the job generated for a year, and which .docx the PDF was made from."""
    return outdir / f".{year}.manifest.json"


def _read_manifest(path: Path) -> dict:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}


@dataclass(frozen=True)
class Generated:
    agency: str
    docx: Path | None = None
    needs_pdf: bool = False
    error: str | None = None  # Chinese


def generate_one(task: GenerateTask, store_root: Path, pdf: bool) -> Generated:
    """Write year N's .docx from a filled figures file (only if its bytes change); runs in a worker."""
    store = Store(store_root)
    try:
        fig = figures_file.read(task.figures)
        fig.report.agency, fig.report.year = task.agency, task.year
        data, doc = generate_docx(fig, store.get(task.agency, task.year - 1))
    except (DocumentError, GenerateError, StoreError) as e:
        return Generated(task.agency, error=str(e))
    docx = task.outdir / f"{doc.title}.docx"
    write_if_changed(docx, data)
    digest = hashlib.sha256(data).hexdigest()
    manifest = _manifest(task.outdir, task.year)
    done = _read_manifest(manifest)
    write_if_changed(manifest, json.dumps({"docx_sha256": digest, "pdf_of": done.get("pdf_of")}).encode())
    needs_pdf = pdf and (done.get("pdf_of") != digest or not docx.with_suffix(".pdf").exists())
    return Generated(task.agency, docx, needs_pdf)


def convert_batch(docs: list[Path], year: int, scratch: Path) -> str | None:
    """PDFs for several .docx in one LibreOffice call (4× faster than one call each), each moved
    into place whole; the manifest then records which .docx its PDF was made from."""
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".pdf-") as tmp:
        try:
            made = to_pdf(docs, Path(tmp))
        except PdfError as e:
            return str(e)
        for docx, pdf_file in zip(docs, made, strict=True):
            os.replace(pdf_file, docx.with_suffix(".pdf"))
            manifest = _manifest(docx.parent, year)
            record = _read_manifest(manifest)
            record["pdf_of"] = hashlib.sha256(docx.read_bytes()).hexdigest()
            atomic_write(manifest, json.dumps(record).encode())
    return None


# --------------------------------------------------------------------------- 3. reviews

def review_one(store_root: Path, agency: str, year: int, outdir: Path) -> BatchItem:
    """One agency's review page (N against N−1); runs in a worker."""
    try:
        c = archive_comparison(Store(store_root), agency, year, require_previous=False)
    except PairError as e:
        return BatchItem(agency, None, None, str(e))
    name = page_name(agency, year)
    write_if_changed(outdir / name, render(c).encode("utf-8"))
    return BatchItem(agency, name, c)


# --------------------------------------------------------------------------- the job

def _pool_map(fn, jobs: list[tuple[str, tuple]], workers: int, phase: str, progress: Progress | None) -> list:
    """fn(*args) for each (label, args), ``workers`` at a time, results in order, progress by label."""
    if not jobs:
        return []
    out = []
    if workers == 1 or len(jobs) == 1:
        for i, (label, args) in enumerate(jobs, 1):
            out.append(fn(*args))
            if progress:
                progress(phase, i, len(jobs), label)
        return out
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        futures = [(label, pool.submit(fn, *args)) for label, args in jobs]
        for i, (label, f) in enumerate(futures, 1):
            out.append(f.result())
            if progress:
                progress(phase, i, len(jobs), label)
    return out


def run(work: Path, year: int, *, archive: Path | None = None, workers: int | None = None, pdf: bool = True,
        progress: Progress | None = None) -> tuple[list[Row], list[str]]:
    """The whole January run; (one row per agency, problems with inbox files)."""
    workers = workers or os.cpu_count() or 1
    layout = Layout(work, archive)
    store = layout.store
    for folder in (layout.work / "figures", layout.work / "reports", layout.reviews):
        for stale in folder.rglob(".*.tmp") if folder.is_dir() else ():  # a run killed mid-write
            stale.unlink(missing_ok=True)
    _, failures = ingest_new(layout, workers=workers, progress=progress)
    agencies = sorted({e.agency for e in store.entries()})
    rows = {a: Row(a) for a in agencies}

    tasks = []
    for agency in agencies:
        path = layout.figures(agency, year)
        row = rows[agency]
        archived = store.get(agency, year)
        if archived is not None and not _manifest(layout.reports(agency), year).exists():
            row.status = ARCHIVED  # year N came in as a document: nothing to draft or generate
            continue
        if not path.exists():
            d = draft(agency, year, store)
            write_if_changed(path, dump(d).encode("utf-8"))
            row.status, row.outputs, row.notes = DRAFTED, [str(path)], d.notes
            continue
        try:
            blanks = _filled(figures_file.read(path))
        except DocumentError as e:
            row.status, row.notes = FAILED, [str(e)]
            continue
        if blanks:
            row.status, row.outputs, row.notes = WAITING, [str(path)], [f"还有{blanks}个单元格未填写"]
            continue
        tasks.append((agency, (GenerateTask(agency, year, path, layout.reports(agency)), store.root, pdf)))

    generated = _pool_map(generate_one, tasks, workers, "生成", progress)
    scratch = layout.work / "reports"
    for stale in scratch.glob(".pdf-*"):  # left by a run killed while converting
        shutil.rmtree(stale, ignore_errors=True)
    pending = [g.docx for g in generated if g.needs_pdf]
    chunks = [(f"{len(c)}份", (c, year, scratch)) for c in (pending[i::workers] for i in range(workers)) if c]
    pdf_errors = [e for e in _pool_map(convert_batch, chunks, workers, "PDF", progress) if e]
    for g in generated:
        row = rows[g.agency]
        if g.error:
            row.status, row.notes = FAILED, [g.error]
            continue
        row.outputs = [str(g.docx)] + ([str(g.docx.with_suffix(".pdf"))] if pdf else [])
        row.status = GENERATED
        if pdf and not g.docx.with_suffix(".pdf").exists():
            row.status, row.notes = FAILED, pdf_errors[:1] or ["未能生成PDF"]
        try:
            store.put(_parse_generated(g.docx, g.agency, year), g.docx.read_bytes(), replace=True)
        except (DocumentError, StoreError) as e:
            row.status, row.notes = FAILED, [str(e)]

    year_agencies = [a for a in agencies if store.get(a, year) is not None]
    layout.reviews.mkdir(parents=True, exist_ok=True)
    items = _pool_map(review_one, [(a, (store.root, a, year, layout.reviews)) for a in year_agencies],
                      workers, "审查", progress)
    write_if_changed(layout.reviews / "index.html", render_index(year, items).encode("utf-8"))
    for item in items:
        row = rows[item.agency]
        report = store.get(item.agency, year)
        found = check(report, store.get(item.agency, year - 1))
        row.errors = sum(v.severity == ERROR for v in found)
        row.warnings = sum(v.severity == WARNING for v in found)
        if item.file:
            row.outputs.append(str(layout.reviews / item.file))
        if item.error:
            row.notes.append(item.error)
    return [rows[a] for a in agencies], failures


def _parse_generated(docx: Path, agency: str, year: int):
    from parsers import parse
    report = parse(docx)
    report.agency, report.year = agency, year  # the folder's name and the year asked for
    return report
