"""Naming a cell of the form: by id, by label path, or by words of its label.

Every name is resolved against the template (``official.toml``), never against spelled
labels: ``requests.new.total``, ``requests/一、本年新收政府信息公开申请数量/总计`` and
``本年新收 总计`` all name the same cell; a name that fits several cells is an error that
lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from gknb import template as tpl


class CellNameError(ValueError):
    """A name that fits no cell, or several; the message is Chinese (it lists them)."""


@lru_cache(maxsize=1)
def catalogue() -> dict[str, tpl.CellDef]:
    """Every cell of every table in every format, by id, in template order."""
    t = tpl.load()
    out: dict[str, tpl.CellDef] = {}
    for table in t.tables.values():
        for fmt in tpl.TABLE_FORMATS:
            for c in table.layout(fmt).cells:
                out.setdefault(c.id, c)
    return out


@lru_cache(maxsize=1)
def numbers() -> dict[str, int]:
    """Cell id -> its number in the catalogue: how the index stores cells compactly.

    Numbers change with the template; the index records the template's hash and is rebuilt
    when it changes, so a stored number always means the same cell.
    """
    return {cid: i for i, cid in enumerate(catalogue())}


@lru_cache(maxsize=1)
def numbered() -> tuple[tpl.CellDef, ...]:
    """The catalogue as a tuple: cell number -> cell."""
    return tuple(catalogue().values())


def label_path(cell: tpl.CellDef) -> str:
    """The cell's labels below its table, '/'-separated, as the XML archive writes them."""
    return "/".join(cell.json_path)


def by_reason(flags: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """Flagged cells (id -> why) as (why, the cells' label paths), reasons in first-seen order:
    how every output lists the figures the reader was unsure of."""
    out: dict[str, list[str]] = {}
    for cid, why in flags.items():
        out.setdefault(why, []).append(label_path(catalogue()[cid]))
    return list(out.items())


def full_path(cell: tpl.CellDef) -> str:
    """The label path with the table's key in front, as in the JSON view."""
    return f"{cell.table}/{label_path(cell)}"


@lru_cache(maxsize=1)
def _by_path() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cid, c in catalogue().items():
        for name in {label_path(c), full_path(c), c.label, f"{c.table} · {c.label}"}:
            out.setdefault(name, []).append(cid)
    return out


def resolve(name: str) -> tpl.CellDef:
    """The one cell ``name`` means; SearchError (Chinese) if none or several."""
    name = name.strip()
    cells = catalogue()
    if name in cells:
        return cells[name]
    exact = _by_path().get(name, [])
    if len(exact) == 1:
        return cells[exact[0]]
    words = name.split()
    if not words:
        raise CellNameError("未指定单元格")
    found = exact or [cid for cid, c in cells.items() if all(w in full_path(c) for w in words)]
    if len(found) == 1:
        return cells[found[0]]
    if not found:
        raise CellNameError(f"没有与“{name}”相符的单元格（可用单元格编号，或标签中的词语，如“行政复议 总计”）")
    listed = "\n".join(f"  {cid}  {full_path(cells[cid])}" for cid in found)
    raise CellNameError(f"“{name}”可以指以下{len(found)}个单元格，请写得更具体一些：\n{listed}")
