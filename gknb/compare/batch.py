"""Comparisons from the archive: one agency's year against the year before, or every agency.

Agencies print their own name differently from year to year; ``Store.get`` resolves
equivalent names, so pairs are always looked up through it, never by directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gknb.archive import decisions as archived_decisions
from gknb.archive.store import Store, StoreError, agency_dirname, write_if_changed
from gknb.archive.xml import ArchiveError
from gknb.model import Report

from .changes import Thresholds
from .comparison import Comparison, compare
from .html import render
from .index import IndexRow, render_index


class PairError(Exception):
    """An archive comparison that cannot be made; the message is Chinese."""


def _get(store: Store, agency: str, year: int) -> Report | None:
    try:
        return store.get(agency, year)
    except ArchiveError as e:
        raise PairError(str(e)) from None


def _name(report: Report, year: int) -> str:
    """How the report page names an archived report: by agency and year, and its source document."""
    where = f"档案：{report.agency or '机关不详'} {year}年度"
    return f"{where}（原件：{report.source.name}）" if report.source else where


def archive_comparison(store: Store, agency: str, year: int, *, require_previous: bool = True,
                       thresholds: Thresholds | None = None, name: str | None = None,
                       names: tuple[str, ...] = ()) -> Comparison:
    """``year`` against ``year - 1`` (and ``year - 2`` for last year's own cross-year rules);
    ``name`` and ``names``: the agency's full name and all it goes by, from the register."""
    new = _get(store, agency, year)
    if new is None:
        raise PairError(f"档案中没有“{agency}”{year}年度的报告（档案目录：{store.root}）")
    old = _get(store, agency, year - 1)
    if old is None and require_previous:
        raise PairError(f"档案中没有“{agency}”{year - 1}年度的报告，无法与{year}年度对照（档案目录：{store.root}）")
    before = _get(store, agency, year - 2) if old is not None else None
    try:
        decided = {y: archived_decisions.load(store, agency, y) for y in (year, year - 1, year - 2)}
    except StoreError as e:
        raise PairError(str(e)) from None
    return compare(old, new, old_name=_name(old, year - 1) if old else None,
                   new_name=_name(new, year), before=before, thresholds=thresholds, decisions=decided,
                   name=name, names=names)


@dataclass(frozen=True)
class BatchItem:
    agency: str
    file: str | None  # the report page, relative to the output directory
    comparison: Comparison | None
    error: str | None = None


def run_batch(store: Store, year: int, outdir: Path, *, thresholds: Thresholds | None = None,
              generated_on: str | None = None) -> list[BatchItem]:
    """One page per agency archived for ``year``, and ``index.html`` over all of them."""
    outdir.mkdir(parents=True, exist_ok=True)
    agencies = sorted({e.agency for e in store.entries() if e.year == year})
    items = []
    for agency in agencies:
        try:
            c = archive_comparison(store, agency, year, require_previous=False, thresholds=thresholds)
        except PairError as e:
            items.append(BatchItem(agency, None, None, str(e)))
            continue
        name = page_name(agency, year)
        write_if_changed(outdir / name, render(c, generated_on=generated_on).encode("utf-8"))
        items.append(BatchItem(agency, name, c))
    rows = [IndexRow.of(i.agency, i.file, i.comparison, i.error) for i in items]
    write_if_changed(outdir / "index.html", render_index(year, rows, generated_on=generated_on).encode("utf-8"))
    return items


def page_name(agency: str, year: int) -> str:
    return f"{agency_dirname(agency)}_{year}.html"
