"""The January job's consolidated reports: each 本级政府 of the register with members, its
members' reports added up into <work>/汇总/<政府>/, and its published report checked (C-1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gknb.archive.store import StoreError, agency_dirname

from gknb import register as agency_register
from gknb.consolidate.members import governments
from gknb.register import Register
from gknb.rules import ERROR, WARNING, Violation

from . import consolidate as consolidation
from .generate import make_pdfs, place_pdfs, write_docx
from .workfolder import Row, WorkFolder, reason


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
        tree.sweep_scratch(layout.consolidated, ".pdf-")  # left by a run killed while converting (older runs)
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
            if write_docx(tree, docx, tree.read(docx), year, pdf):
                pending.append(docx)
        except Exception as e:  # noqa: BLE001
            done.error = reason(e)
        if pdf:
            done.outputs.append(docx.with_suffix(".pdf"))
    if pending and (problem := place_pdfs(tree, make_pdfs(pending, layout.work), year)):
        for done in out:
            if not done.error and any(p.with_suffix(".docx") in pending for p in done.outputs):
                done.error = problem
    return out


def government_row(row: Row, c: Consolidated) -> None:
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
