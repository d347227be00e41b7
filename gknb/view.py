"""The JSON view: a report's figures keyed by the official Chinese labels.

This is the contract users and tests script against, in exactly the layout of the
corpus ``*.expected.json`` files::

    {"document", "agency", "year", "format",
     "proactive": {caption: {row: {column: value}}},
     "requests": {row: {column: value}},
     "review_litigation": {row: {column: value}},
     "sections": {"一": {"starts", "ends"}, ...},
     "flags": {"<table>/<label path>": reason}}

The same layout is read back (:func:`from_view`): a figures file is how a user hands
gknb a year's figures.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from . import template as tpl
from .model import BLANK, VALUE, Cell, Report, Section

# Top-level keys of a figures file besides the tables; anything else is a typo to report.
META_KEYS = frozenset({"document", "agency", "year", "format", "sections", "flags", "anomalies",
                       # read by gknb.generator.figures: section 五's problems, section 六's fees, the opening
                       "rectification", "problems", "fees", "contact"})
SNIPPET = 12  # characters of a section's start and end in the view
_SPACE = re.compile(r"\s+")


class FiguresError(ValueError):
    """A figures file that does not fit the template.

    ``problems`` are (key path, Chinese sentence): the path lets a reader point at the line.
    """

    def __init__(self, problems: list[tuple[tuple[str, ...], str]]):
        self.problems = problems
        super().__init__("；".join(f"{'/'.join(p)}：{m}" for p, m in problems))


def _json_number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def flag_key(cell: tpl.CellDef) -> str:
    return "/".join((cell.table, *cell.json_path))


def section_snippets(text: str) -> dict[str, str]:
    """First and last characters of a section with all whitespace removed."""
    flat = _SPACE.sub("", text)
    return {"starts": flat[:SNIPPET], "ends": flat[-SNIPPET:]}


def to_view(report: Report) -> dict[str, Any]:
    """The report as the JSON view (a plain dict ready for ``json.dumps``)."""
    t = tpl.load()
    out: dict[str, Any] = {
        "document": report.source.name if report.source else None,
        "agency": report.agency,
        "year": report.year,
        "format": report.format,
    }
    for tid in t.tables:
        if tid not in report.table_formats:
            continue
        table: dict[str, Any] = {}
        for cdef in t.table(tid).layout(report.table_formats[tid]).cells:
            node = table
            for key in cdef.json_path[:-1]:
                node = node.setdefault(key, {})
            node[cdef.json_path[-1]] = _json_number(report.value(cdef.id))
        out[tid] = table
    out["sections"] = {k: section_snippets(s.text) for k, s in report.sections.items()}
    out["flags"] = {flag_key(t.cell(cid)): reason for cid, reason in report.flags().items()}
    return out


# --------------------------------------------------------------------------- reading

def _to_number(raw: Any, where: tuple[str, ...], problems: list):
    """A figure from a figures file: int, Decimal, or None for blank."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        problems.append((where, f"应为数字，实为 {raw!r}"))
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, (float, Decimal, str)):
        try:
            d = Decimal(str(raw).strip().replace(",", ""))
        except InvalidOperation:
            problems.append((where, f"应为数字，实为 {raw!r}"))
            return None
        if not d.is_finite():
            problems.append((where, f"应为数字，实为 {raw!r}"))
            return None
        return int(d) if d == d.to_integral_value() and "." not in str(raw) else d
    problems.append((where, f"应为数字，实为 {raw!r}"))
    return None


def _flatten(node: Any, prefix: tuple[str, ...], depth: int) -> dict[tuple[str, ...], Any]:
    """Leaves of a nested dict ``depth`` levels down, keyed by their key path."""
    if depth == 0 or not isinstance(node, dict):
        return {prefix: node}
    out = {}
    for k, v in node.items():
        out.update(_flatten(v, (*prefix, str(k)), depth - 1))
    return out


def _pick_layout(table: tpl.Table, given: dict[tuple[str, ...], Any], preferred: str) -> tpl.TableLayout:
    """The format whose labels the figures file uses (a 2021 report may carry a 2019 table)."""
    def score(fmt):
        paths = {c.json_path for c in table.layout(fmt).cells}
        return (len(paths & set(given)), fmt == preferred)
    return table.layout(max(tpl.TABLE_FORMATS, key=score))


def from_view(data: dict[str, Any], *, name: str | None = None) -> Report:
    """A report from the JSON view (or a user's figures file of the same layout).

    Unknown labels are errors: a misspelt row must not be silently dropped.
    """
    t = tpl.load()
    problems: list[tuple[tuple[str, ...], str]] = []
    if not isinstance(data, dict):
        raise FiguresError([((), "顶层应为对象（键值表）")])
    for key in data:
        if key not in META_KEYS and key not in t.tables:
            problems.append(((key,), f"未知的项目（应为 {'、'.join(sorted(t.tables))} 等）"))
    fmt = str(data.get("format") or "")
    year = data.get("year")
    if year is not None and not isinstance(year, int):
        problems.append((("year",), f"应为整数年份，实为 {year!r}"))
        year = None
    if fmt not in tpl.FORMATS:
        if fmt:
            problems.append((("format",), f"未知的格式 {fmt!r}（应为 2021、2019 或 pre2019）"))
        fmt = t.format_for_year(year) if year else "2021"
    agency = str(data.get("agency") or "")
    report = Report(agency, year, fmt)
    flags = data.get("flags") or {}
    used_flags = set()
    if t.formats[fmt].has_tables:
        for tid, table in t.tables.items():
            depth = len(table.layout("2021").cells[0].json_path)
            given = _flatten(data.get(tid) or {}, (), depth)
            layout = _pick_layout(table, given, fmt)
            report.table_formats[tid] = layout.format
            known = {c.json_path: c for c in layout.cells}
            prefixes = {p[:i] for p in known for i in range(1, len(p) + 1)}
            for path in given:
                if path not in known:
                    # point at the first key that the template does not have
                    bad = next(i for i in range(1, len(path) + 1) if path[:i] not in prefixes)
                    problems.append(((tid, *path[:bad]), f"模板中没有“{path[bad - 1]}”这个标签"))
            for path, cdef in known.items():
                if path not in given:
                    report.cells[cdef.id] = Cell()
                    continue
                label = f"{tid}/{'/'.join(path)}"
                value = _to_number(given[path], (tid, *path), problems)
                flag = flags.get(label)
                if flag is not None:
                    used_flags.add(label)
                report.cells[cdef.id] = Cell(VALUE if value is not None else BLANK, value,
                                             None, None, str(flag) if flag else None)
    for label in flags:
        if label not in used_flags:
            problems.append((("flags", label), "没有这个单元格"))
    for key, sec in (data.get("sections") or {}).items():
        if key not in {s.key for s in t.sections}:
            problems.append((("sections", key), "没有这一部分（应为 一 至 六）"))
            continue
        paragraphs = _section_paragraphs(sec)
        if paragraphs is not None:
            report.sections[key] = Section(key, sec.get("heading") if isinstance(sec, dict) else None, paragraphs)
    if problems:
        raise FiguresError(problems)
    return report


def _section_paragraphs(sec: Any) -> list[str] | None:
    """Full text of a section in a figures file; the view's starts/ends snippets are not text."""
    if isinstance(sec, str):
        return [p for p in sec.splitlines() if p.strip()]
    if isinstance(sec, dict):
        if isinstance(sec.get("paragraphs"), list):
            return [str(p) for p in sec["paragraphs"]]
        if isinstance(sec.get("text"), str):
            return [p for p in sec["text"].splitlines() if p.strip()]
    return None
