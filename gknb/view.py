"""The JSON view: a report's figures keyed by the official Chinese labels.

This is the contract users and tests script against, in exactly the layout of the
corpus ``*.expected.json`` files::

    {"document", "agency", "year", "format",
     "proactive": {caption: {row: {column: value}}},
     "requests": {row: {column: value}},
     "review_litigation": {row: {column: value}},
     "sections": {"一": {"starts", "ends"}, ...},
     "flags": {"<table>/<label path>": reason},
     "absent": ["<table>/<label path>", ...]}

A ``null`` figure is a cell printed empty (blank) unless its label is listed in ``absent``: the
parser did not find it in the document (its table, row or column is missing), which is never
the same as blank.  Absent cells are always in ``flags`` too, with the reason.

The same layout is read back (:func:`from_view`): a figures file is how a user hands
gknb a year's figures.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from . import template as tpl
from .model import ABSENT, BLANK, VALUE, Cell, Number, Report, Section

# Top-level keys of a figures file besides the tables; anything else is a typo to report.
META_KEYS = frozenset({"document", "agency", "year", "format", "sections", "flags", "absent", "anomalies",
                       # gknb.extras, for the generator: section 五's problems, section 六's fees, the opening
                       "rectification", "problems", "fees", "contact", "signature"})
SNIPPET = 12  # characters of a section's start and end in the view
_SPACE = re.compile(r"\s+")

_Problems = list[tuple[tuple[str, ...], str]]  # (key path, Chinese sentence), as FiguresError holds them


class FiguresError(ValueError):
    """A figures file that does not fit the template.

    ``problems`` are (key path, Chinese sentence): the path lets a reader point at the line.
    """

    def __init__(self, problems: _Problems):
        self.problems = problems
        super().__init__("；".join(f"{'/'.join(p)}：{m}" for p, m in problems))


def _json_number(value: Number | None) -> float | int | None:
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
    out["absent"] = [flag_key(t.cell(cid)) for cid, cell in report.cells.items() if cell.state == ABSENT]
    return out


# --------------------------------------------------------------------------- reading

# Bounds on a figure from a figures file.  A count of a billion, or an amount of a billion 万元,
# is a typo; the bounds also keep a hostile ``1e999999999`` from ever becoming an int.
MAX_FIGURE = 10**9
MAX_DECIMALS = 6
YEARS = range(2000, 2101)
_MAX_ADJUSTED = len(str(MAX_FIGURE)) - 1  # Decimal.adjusted() of MAX_FIGURE
_SHOW = 24  # characters of a wrong value quoted back to the user


def show(raw: Any) -> str:
    """A wrong value as the user typed it, cut short (a 5,000-digit number is not echoed)."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, dict):
        return "键值表"
    if isinstance(raw, list):
        return "列表"
    text = str(raw)
    return text if len(text) <= _SHOW else f"{text[:_SHOW]}…（共{len(text)}个字符）"


def _decimals(d: Decimal) -> int:
    """Significant digits after the point (trailing zeros do not count).  ``d`` is finite."""
    _, digits, exponent = d.as_tuple()
    exp = int(exponent)  # an int for a finite Decimal ('n', 'N', 'F' only for NaN and infinity)
    if exp >= 0:
        return 0
    places = -exp
    zeros = 0
    for digit in reversed(digits[-places:]):
        if digit:
            break
        zeros += 1
    return places - zeros


def number(raw: Any, kind: str = "int") -> tuple[Number | None, str | None]:
    """A figure of a template column type (int, signed_int, decimal): (value, None) or (None, problem).

    Blank is (None, None).  A Decimal is bounded (``adjusted()``) before any int conversion.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    wrong = f"应为数字，实为“{show(raw)}”"
    if isinstance(raw, bool):
        return None, wrong
    if isinstance(raw, int):
        value: Number = raw
        if abs(raw) >= MAX_FIGURE:
            return None, f"数字过大（应小于10亿），实为“{show(raw)}”"
    elif isinstance(raw, (float, Decimal, str)):
        text = str(raw).strip().replace(",", "")
        try:
            d = Decimal(text)
        except InvalidOperation:
            return None, wrong
        if not d.is_finite():
            return None, wrong
        if d.is_zero():  # 0E+999999999 is 0, not "too large"
            d = d if -MAX_DECIMALS <= int(d.as_tuple().exponent) <= 0 else Decimal(0)
        elif d.adjusted() >= _MAX_ADJUSTED:
            return None, f"数字过大（应小于10亿），实为“{show(raw)}”"
        if d == d.to_integral_value():
            value = int(d) if kind != "decimal" or "." not in text else d
        elif kind != "decimal":
            return None, f"应为整数，实为“{show(raw)}”"
        elif _decimals(d) > MAX_DECIMALS:
            return None, f"小数位数过多（最多{MAX_DECIMALS}位），实为“{show(raw)}”"
        else:
            value = d.quantize(Decimal(1).scaleb(-MAX_DECIMALS)).normalize() \
                if int(d.as_tuple().exponent) < -MAX_DECIMALS else d
    else:
        return None, wrong
    if value < 0 and kind == "int":
        return None, f"应为非负整数，实为“{show(raw)}”"
    if value < 0 and kind == "decimal":
        return None, f"应为非负数，实为“{show(raw)}”"
    return value, None


def _to_number(raw: Any, where: tuple[str, ...], problems: _Problems, kind: str = "int") -> Number | None:
    """A figure from a figures file: int, Decimal, or None for blank; a problem when out of range."""
    value, problem = number(raw, kind)
    if problem:
        problems.append((where, problem))
    return value


def _flatten(node: Any, prefix: tuple[str, ...], depth: int) -> dict[tuple[str, ...], Any]:
    """Leaves of a nested dict ``depth`` levels down, keyed by their key path.

    A non-dict above the leaves is kept as a (short) leaf for the caller to report; a null
    there (a label with nothing under it) gives nothing.
    """
    if depth == 0:
        return {prefix: node}
    if not isinstance(node, dict):
        return {} if node is None else {prefix: node}
    out = {}
    for k, v in node.items():
        out.update(_flatten(v, (*prefix, str(k)), depth - 1))
    return out


def _pick_layout(table: tpl.Table, given: dict[tuple[str, ...], Any], preferred: str) -> tpl.TableLayout:
    """The format whose labels the figures file uses (a 2021 report may carry a 2019 table)."""
    def score(fmt: str) -> tuple[int, bool]:
        paths = {c.json_path for c in table.layout(fmt).cells}
        return (len(paths & set(given)), fmt == preferred)
    return table.layout(max(tpl.TABLE_FORMATS, key=score))


def _year(raw: Any, problems: _Problems) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        problems.append((("year",), f"应为整数年份（如 2025），实为“{show(raw)}”"))
        return None
    if raw not in YEARS:
        problems.append((("year",), f"年份应在{YEARS[0]}至{YEARS[-1]}之间，实为“{show(raw)}”"))
        return None
    return raw


def _mapping(data: dict[str, Any], key: str, problems: _Problems, what: str) -> dict[Any, Any]:
    """``data[key]`` when it is a mapping (or absent / null: {}); else a problem and {}."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(((key,), f"应为键值表（{what}），实为“{show(value)}”"))
        return {}
    return value


def from_view(data: dict[str, Any], *, name: str | None = None) -> Report:
    """A report from the JSON view (or a user's figures file of the same layout).

    Unknown labels are errors: a misspelt row must not be silently dropped.  Every problem
    is collected, then raised together as one :class:`FiguresError`.
    """
    t = tpl.load()
    problems: _Problems = []
    if not isinstance(data, dict):
        raise FiguresError([((), "顶层应为对象（键值表）")])
    for key in data:
        if key not in META_KEYS and key not in t.tables:
            problems.append(((str(key),), f"未知的项目（应为 {'、'.join(sorted(t.tables))} 等）"))
    raw_format = data.get("format")
    fmt = "" if raw_format is None or isinstance(raw_format, (dict, list, bool)) else str(raw_format)
    year = _year(data.get("year"), problems)
    if fmt not in tpl.FORMATS:
        if raw_format not in (None, ""):
            problems.append((("format",), f"未知的格式“{show(raw_format)}”（应为 2021、2019 或 pre2019）"))
        fmt = t.format_for_year(year) if year else "2021"
    agency = data.get("agency")
    if agency is not None and not isinstance(agency, str):
        problems.append((("agency",), f"应为文字（机关名称），实为“{show(agency)}”"))
        agency = None
    report = Report(agency or "", year, fmt)
    flags = _mapping(data, "flags", problems, "单元格 → 存疑原因")
    absent = _absent_labels(data, problems)
    used_flags: set[str] = set()
    used_absent: set[str] = set()
    if t.formats[fmt].has_tables:
        for tid, table in t.tables.items():
            depth = len(table.layout("2021").cells[0].json_path)
            given = _flatten(_mapping(data, tid, problems, "按行、列标签填写数字"), (), depth)
            layout = _pick_layout(table, given, fmt)
            report.table_formats[tid] = layout.format
            known = {c.json_path: c for c in layout.cells}
            prefixes = {p[:i] for p in known for i in range(1, len(p) + 1)}
            for path in given:
                if path in known:
                    continue
                bad = next((i for i in range(1, len(path) + 1) if path[:i] not in prefixes), None)
                if bad is None:  # a known label with a value where its sub-labels belong
                    problems.append(((tid, *path), f"应为键值表（下一级为各列的标签），实为“{show(given[path])}”"))
                else:  # point at the first key that the template does not have
                    problems.append(((tid, *path[:bad]), f"模板中没有“{path[bad - 1]}”这个标签"))
            for path, cdef in known.items():
                if path not in given:
                    report.cells[cdef.id] = Cell()
                    continue
                label = f"{tid}/{'/'.join(path)}"
                value = _to_number(given[path], (tid, *path), problems, cdef.column.type)
                flag = flags.get(label)
                if flag is not None:
                    used_flags.add(label)
                state = VALUE if value is not None else ABSENT if label in absent else BLANK
                if label in absent:  # a figure given for it wins: the user found it
                    used_absent.add(label)
                report.cells[cdef.id] = Cell(state, value, None, None, str(flag) if flag else None)
    for label in flags:
        if label not in used_flags:
            problems.append((("flags", str(label)), "没有这个单元格"))
    for label in absent - used_absent:
        problems.append((("absent", label), "没有这个单元格"))
    for key, sec in _mapping(data, "sections", problems, "一 至 六 各部分的正文").items():
        if key not in {s.key for s in t.sections}:
            problems.append((("sections", str(key)), "没有这一部分（应为 一 至 六）"))
            continue
        paragraphs = _section_paragraphs(sec, ("sections", key), problems)
        if paragraphs is not None:
            report.sections[key] = Section(key, sec.get("heading") if isinstance(sec, dict) else None, paragraphs)
    if problems:
        raise FiguresError(problems)
    return report


def _absent_labels(data: dict[str, Any], problems: _Problems) -> set[str]:
    """The view's ``absent`` list: labels of cells the document does not have."""
    raw = data.get("absent")
    if raw is None:
        return set()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        problems.append((("absent",), "应为单元格标签的列表"))
        return set()
    return set(raw)


def _section_paragraphs(sec: Any, where: tuple[str, ...], problems: _Problems) -> list[str] | None:
    """Full text of a section in a figures file; the view's starts/ends snippets are not text."""
    if sec is None:
        return None
    if isinstance(sec, str):
        return [p for p in sec.splitlines() if p.strip()]
    if not isinstance(sec, dict):
        problems.append((where, f"应为文字或键值表（paragraphs：各段），实为“{show(sec)}”"))
        return None
    paragraphs, text = sec.get("paragraphs"), sec.get("text")
    if paragraphs is not None:
        if not isinstance(paragraphs, list):
            problems.append(((*where, "paragraphs"), f"应为列表（每段以“- ”开头），实为“{show(paragraphs)}”"))
            return None
        out = []
        for p in paragraphs:
            if isinstance(p, (dict, list, bool)):
                problems.append(((*where, "paragraphs"), f"每一段应为文字，实为“{show(p)}”"))
            elif p is not None:
                out.append(str(p))
        return out
    if text is not None:
        if not isinstance(text, str):
            problems.append(((*where, "text"), f"应为文字，实为“{show(text)}”"))
            return None
        return [p for p in text.splitlines() if p.strip()]
    return None
