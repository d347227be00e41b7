"""Reparse: run today's parsers again on every archived source and report what changed.

Each entry is read, its source parsed again and the two compared in a worker (an executor's:
:mod:`jobs.executor`); this process alone writes the archive, in entry order, so the result
is the same whichever executor ran the parses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gknb.archive.decisions import apply_fixes
from gknb.archive.decisions import load as load_decisions
from gknb.archive.fs import synced_in_batches
from gknb.archive.store import Entry, Store, StoreError
from gknb.parsers import DocumentError, Source, parse_source

from gknb import template as tpl
from gknb.model import Report

from .executor import Executor, Local


@dataclass
class Change:
    label: str  # table/label path
    old: str
    new: str


@dataclass
class Reparsed:
    entry: Entry
    changes: list[Change] = field(default_factory=list)
    status: str = ""  # unchanged | replaced | no-source | failed
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # people's fixes that no longer fit (Chinese)


def _shown(report: Report, cell_id: str) -> str:
    c = report.cells.get(cell_id)
    if c is None or c.state == "absent":
        return "（缺失）"
    if c.state == "blank":
        return "（空白）"
    return str(c.value) + (f"（存疑：{c.flag}）" if c.flag else "")


def diff_figures(old: Report, new: Report) -> list[Change]:
    t = tpl.load()
    out = []
    for cid in [*old.cells, *(c for c in new.cells if c not in old.cells)]:  # template order
        a, b = _shown(old, cid), _shown(new, cid)
        if a != b:
            c = t.cell(cid)
            out.append(Change("/".join((c.table, *c.json_path)), a, b))
    return out


def reparse(store: Store, agency: str | None = None, *, write: bool = True,
            executor: Executor | None = None) -> list[Reparsed]:
    """Every archived year parsed again from its kept source; one bad entry is that entry's
    ``failed`` item (the message names the file), never the end of the run."""
    entries = store.entries(agency)
    jobs = [(str(e.path), (store.root, e)) for e in entries]
    out = []
    with synced_in_batches():
        for item, new in (executor or Local()).map(reparse_one, jobs, _failed):
            out.append(item)
            if new is None:
                continue
            if not write:
                item.status = "unchanged" if not item.changes else "would-change"
                continue
            try:
                item.status = store.put(new, replace=True).status
            except (StoreError, DocumentError) as e:  # a link, a full disk
                item.status, item.error = "failed", str(e)
    return out


def _failed(args: tuple, e: BaseException) -> tuple[Reparsed, None]:
    return Reparsed(args[1], status="failed", error=str(e) if isinstance(e, StoreError | DocumentError)
                    else f"{args[1].path}：重新解析失败（{type(e).__name__}: {e}）"), None


def reparse_one(root: Path, entry: Entry) -> tuple[Reparsed, Report | None]:
    """One entry parsed again (in a worker, writing nothing): what changed, and the report to
    archive (None when there is nothing to write)."""
    store, item = Store(root), Reparsed(entry)
    try:
        return item, _reparse_one(store, entry, item)
    except (StoreError, DocumentError) as e:  # a corrupt entry or source, a link
        item.status, item.error = "failed", str(e)
        return item, None


def _reparse_one(store: Store, entry: Entry, item: Reparsed) -> Report | None:
    old = store.read_entry(entry.path)
    if old.source is None:
        item.status = "no-source"
        return None
    try:
        data = store.read_source(old.source.sha256)  # read without following links, then parsed
    except FileNotFoundError:
        item.status = "no-source"
        return None
    try:
        new = parse_source(Source(str(store.source_path(old.source.sha256)), data))
    except DocumentError as e:
        item.status, item.error = "failed", e.problem
        return None
    # The archive's identity wins over what the parser guesses (it may have been set by hand).
    new.agency, new.year = old.agency, old.year
    new.source = old.source
    item.notes = apply_fixes(new, load_decisions(store, entry.agency, entry.year))  # people's fixes stay
    item.changes = diff_figures(old, new)
    return new
