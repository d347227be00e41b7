"""The consolidated report of a government for a year: members' reports from the archive, added up,
the per-agency breakdown written, the published consolidated report checked against the sum (C-1),
and the government's report generated (.docx and PDF) through the generator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gknb.archive.errors import ArchiveError
from gknb.archive.store import Store, atomic_write, file_name

from gknb.consolidate.breakdown import workbook
from gknb.consolidate.total import UNUSABLE, Consolidation, consolidate
from gknb.generator import generate_docx
from gknb.generator.basis import Figures
from gknb.generator.pdf import to_pdf
from gknb.generator.readiness import blockers, draft_name
from gknb.model import Report
from gknb.rules import Violation, check_consolidated


@dataclass
class Outcome:
    consolidation: Consolidation
    published: Report | None  # the government's own report for the year, as published
    violations: list[Violation] = field(default_factory=list)  # the published report against the sum
    reasons: list[str] = field(default_factory=list)  # why the generated report is a draft
    notes: list[str] = field(default_factory=list)  # the generator's notes
    outputs: list[Path] = field(default_factory=list)


def _members(store: Store, names: list[str], year: int,
             folders: Mapping[str, str]) -> tuple[list[tuple[str, Report | None]], dict[str, str]]:
    reports: list[tuple[str, Report | None]] = []
    unreadable = {}
    for name in names:
        try:
            reports.append((name, store.get(folders.get(name, name), year) if store.root.exists() else None))
        except ArchiveError as e:  # a corrupt entry: that member is named, the others still added
            reports.append((name, None))
            unreadable[name] = str(e)
    return reports, unreadable


def run(store: Store, government: str, year: int, names: list[str], outdir: Path, *,
        published: Report | None = None, pdf: bool = True, folders: Mapping[str, str] | None = None,
        write=atomic_write) -> Outcome:
    """Consolidate ``names``' reports for ``year`` into ``government``'s, writing into ``outdir``.

    ``published`` is the consolidated report to check; by default the archive's report of the
    government for the year, if any.  ``folders``: a name (the register's) -> the archive folder
    holding it, for agencies archived under another of their names.  ``write(path, data)`` writes
    each file (the January job's writes only what changed).  Raises ArchiveError for the government's own unreadable
    entries, OfficeError when the PDF cannot be made, WriteError when a file cannot be written."""
    folders = folders or {}
    reports, unreadable = _members(store, names, year, folders)
    c = consolidate(government, year, reports)
    for m in c.members:
        if m.name in unreadable:
            m.status, m.note = UNUSABLE, unreadable[m.name]
    exists = store.root.exists()
    if published is None and exists:
        published = store.get(folders.get(government, government), year)
    out = Outcome(c, published)
    if published is not None:
        out.violations = check_consolidated(published, c.report)
    breakdown = outdir / file_name(f"{government}{year}年度汇总明细", ".xlsx")
    write(breakdown, workbook(c))
    out.outputs.append(breakdown)
    previous = store.get(folders.get(government, government), year - 1) if exists else None
    figures = Figures(c.report)
    data, doc = generate_docx(figures, previous)
    out.reasons = blockers(figures, doc, previous)
    if out.reasons:
        data, doc = generate_docx(figures, previous, draft=True)
    out.notes = doc.notes
    docx = outdir / file_name(draft_name(doc.title) if out.reasons else doc.title, ".docx")
    write(docx, data)
    out.outputs.append(docx)
    if pdf:
        out.outputs += to_pdf([docx], outdir)
    return out
