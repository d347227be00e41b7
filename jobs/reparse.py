"""Reparse: run today's parsers again on every archived source and report what changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from gknb.archive.decisions import apply_fixes
from gknb.archive.decisions import load as load_decisions
from gknb.archive.store import Entry, Store, StoreError
from gknb.parsers import DocumentError, Source, parse_source

from gknb import template as tpl
from gknb.model import Report


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


def reparse(store: Store, agency: str | None = None, *, write: bool = True) -> list[Reparsed]:
    """Every archived year parsed again from its kept source; one bad entry is that entry's
    ``failed`` item (the message names the file), never the end of the run."""
    out = []
    for entry in store.entries(agency):
        item = Reparsed(entry)
        out.append(item)
        try:
            _reparse_one(store, entry, item, write)
        except (StoreError, DocumentError) as e:  # a corrupt entry or source, a link, a full disk
            item.status, item.error = "failed", str(e)
    return out


def _reparse_one(store: Store, entry: Entry, item: Reparsed, write: bool) -> None:
    old = store.read_entry(entry.path)
    if old.source is None:
        item.status = "no-source"
        return
    try:
        data = store.read_source(old.source.sha256)  # read without following links, then parsed
    except FileNotFoundError:
        item.status = "no-source"
        return
    try:
        new = parse_source(Source(str(store.source_path(old.source.sha256)), data))
    except DocumentError as e:
        item.status, item.error = "failed", e.problem
        return
    # The archive's identity wins over what the parser guesses (it may have been set by hand).
    new.agency, new.year = old.agency, old.year
    new.source = old.source
    item.notes = apply_fixes(new, load_decisions(store, entry.agency, entry.year))  # people's fixes stay
    item.changes = diff_figures(old, new)
    if write:
        item.status = store.put(new, replace=True).status
    else:
        item.status = "unchanged" if not item.changes else "would-change"
