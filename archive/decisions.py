"""People's decisions about an archived report, kept beside it: figures fixed, findings judged.

A flagged figure no sum decides (a run-together "77132470", an OCR digit) stays flagged until a
person settles it; a finding a reviewer has weighed should not be raised again as if new.
Both are recorded in ``reports/<机关>/<年度>.decisions.xml`` (schema ``decisions.xsd``,
validated on write and on read): who, on which date, the value before and after or the
finding's figures, and why.  A fix is applied again whenever the report is parsed again
(``reparse``), as long as the parser still reads the figure the person corrected.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from lxml import etree

from gknb import template as tpl
from gknb.model import VALUE, Cell, Number, Report

from .errors import ArchiveError, StoreError
from .xml import parse_bytes

NS = "urn:gknb:decisions:1"
SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("decisions.xsd")
SUFFIX = ".decisions.xml"
CONFIRMED, DISMISSED = "confirmed", "dismissed"
VERDICT_ZH = {CONFIRMED: "已确认", DISMISSED: "已驳回"}
MAX_BYTES = 5 * 1024 * 1024
_Q = "{" + NS + "}%s"


@dataclass(frozen=True)
class Fix:
    cell: str
    old_state: str
    old_value: str | None  # as archived (plain decimal notation)
    old_shown: str  # what the report showed: "77132470（存疑：…）", "（空白）"
    new_value: str
    by: str
    date: datetime.date
    reason: str


@dataclass(frozen=True)
class Verdict:
    rule: str
    scope: str
    figures: str  # the finding's fingerprint: its figures when judged
    verdict: str  # confirmed | dismissed
    message: str  # the finding as it was worded
    by: str
    date: datetime.date
    reason: str


@dataclass
class Decisions:
    agency: str
    year: int
    fixes: list[Fix] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fixes or self.verdicts)

    def with_fix(self, fix: Fix) -> Decisions:
        """A later fix of the same cell replaces the earlier one (keeping the value first read)."""
        earlier = next((f for f in self.fixes if f.cell == fix.cell), None)
        if earlier is not None:
            fix = replace(fix, old_state=earlier.old_state, old_value=earlier.old_value, old_shown=earlier.old_shown)
        return Decisions(self.agency, self.year, [*(f for f in self.fixes if f.cell != fix.cell), fix],
                         self.verdicts)

    def with_verdict(self, v: Verdict) -> Decisions:
        same = (v.rule, v.scope, v.figures)
        return Decisions(self.agency, self.year, self.fixes,
                         [*(x for x in self.verdicts if (x.rule, x.scope, x.figures) != same), v])


def number(text: str) -> Number:
    """A figure as typed ("771", "12.50"): an int or a Decimal; ValueError (Chinese) otherwise."""
    t = text.strip().replace(",", "").replace("，", "")
    try:
        d = Decimal(t)
    except InvalidOperation:
        raise ValueError(f"“{text}”不是数字") from None
    if not d.is_finite() or abs(d) >= 10 ** 15:
        raise ValueError(f"“{text}”不是合理的数字")
    return int(d) if "." not in t and "e" not in t.lower() else d


def plain(v: Number) -> str:
    return format(v, "f") if isinstance(v, Decimal) else str(v)


def shown(cell: Cell | None) -> str:
    if cell is None or cell.state == "absent":
        return "（缺失）" + (f"（存疑：{cell.flag}）" if cell is not None and cell.flag else "")
    if cell.state == "blank":
        return "（空白）"
    return plain(cell.value) + (f"（存疑：{cell.flag}）" if cell.flag else "")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- applying fixes

def apply_fixes(report: Report, decisions: Decisions | None) -> list[str]:
    """Set every fixed figure the report still reads as it was when fixed (or reads as fixed);
    a fix whose figure now reads otherwise is left out, and said (Chinese), one line each."""
    notes: list[str] = []
    for f in decisions.fixes if decisions else ():
        cell = report.cells.get(f.cell)
        if cell is None:
            notes.append(f"人工更正未应用：{label(f.cell)} 不在本报告的表格中")
            continue
        now = plain(cell.value) if cell.state == VALUE and cell.value is not None else None
        if now == f.new_value and not cell.flag:
            continue
        if (cell.state, now) != (f.old_state, f.old_value) and now != f.new_value:
            notes.append(f"人工更正未应用：{label(f.cell)} 更正时为 {f.old_shown}，现读为 {shown(cell)}（请重新核对）")
            continue
        report.cells[f.cell] = Cell(VALUE, number(f.new_value), cell.printed or f.old_value, cell.where, None)
    return notes


def label(cell_id: str) -> str:
    c = tpl.load().cell(cell_id)
    return "/".join((c.table, *c.json_path))


# --------------------------------------------------------------------------- XML

@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), parser))


def to_xml(d: Decisions) -> bytes:
    root = etree.Element(_Q % "decisions", nsmap={None: NS})
    root.set("schema", str(SCHEMA_VERSION))
    root.set("agency", d.agency)
    root.set("year", str(d.year))
    for f in d.fixes:
        el = etree.SubElement(root, _Q % "fix")
        for k, v in (("cell", f.cell), ("old-state", f.old_state), ("old-value", f.old_value),
                     ("old-shown", f.old_shown), ("new-value", f.new_value), ("by", f.by),
                     ("date", f.date.isoformat())):
            if v is not None:
                el.set(k, v)
        etree.SubElement(el, _Q % "reason").text = f.reason
    for v in d.verdicts:
        el = etree.SubElement(root, _Q % "verdict")
        for k, x in (("rule", v.rule), ("scope", v.scope), ("figures", v.figures), ("verdict", v.verdict),
                     ("by", v.by), ("date", v.date.isoformat())):
            el.set(k, x)
        etree.SubElement(el, _Q % "message").text = v.message
        etree.SubElement(el, _Q % "reason").text = v.reason
    _validate(root, "（写入前）")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _validate(root: etree._Element, where: str) -> None:
    s = schema()
    if not s.validate(root):
        errors = "；".join(f"第{e.line}行：{e.message}" for e in list(s.error_log)[:3])
        raise ArchiveError(f"人工处理记录不符合模式{where}：{errors}")


def from_xml(data: bytes, name: str) -> Decisions:
    """Decisions from XML bytes (untrusted: parsed safely, schema-validated); whatever is wrong is
    an ArchiveError naming the file."""
    try:
        return _from_xml(data, name)
    except ArchiveError:
        raise
    except (ValueError, TypeError, KeyError, ArithmeticError, RecursionError) as e:
        raise ArchiveError(f"{name}：人工处理记录无法读取（{type(e).__name__}：{e}）") from None


def _from_xml(data: bytes, name: str) -> Decisions:
    if not data.strip():
        raise ArchiveError(f"{name}：文件是空的（可能在写入时被中断或被截断）")
    root = parse_bytes(data, name)
    if root.tag != _Q % "decisions":
        raise ArchiveError(f"{name}：不是gknb人工处理记录（根元素为 {root.tag}）")
    _validate(root, f"（{name}）")
    cells = {c.id for c in _all_cells()}
    rules = {r.id for r in tpl.load().rules}
    out = Decisions(root.get("agency"), int(root.get("year")))
    for el in root.findall(_Q % "fix"):
        if el.get("cell") not in cells:
            raise ArchiveError(f"{name}：未知的单元格 {el.get('cell')}")
        number(el.get("new-value"))  # in range
        out.fixes.append(Fix(el.get("cell"), el.get("old-state"), el.get("old-value"), el.get("old-shown"),
                             el.get("new-value"), el.get("by"), datetime.date.fromisoformat(el.get("date")),
                             el.findtext(_Q % "reason") or ""))
    for el in root.findall(_Q % "verdict"):
        if el.get("rule") not in rules:
            raise ArchiveError(f"{name}：未知的规则 {el.get('rule')}")
        out.verdicts.append(Verdict(el.get("rule"), el.get("scope"), el.get("figures"), el.get("verdict"),
                                    el.findtext(_Q % "message") or "", el.get("by"),
                                    datetime.date.fromisoformat(el.get("date")), el.findtext(_Q % "reason") or ""))
    return out


def _all_cells() -> list[tpl.CellDef]:
    t = tpl.load()
    return [c for table in t.tables.values() for fmt in tpl.TABLE_FORMATS for c in table.layout(fmt).cells]


# --------------------------------------------------------------------------- in the store

def path_of(report_path: Path) -> Path:
    """The decisions file beside a year's report file (``2024.xml`` → ``2024.decisions.xml``)."""
    return report_path.with_name(f"{report_path.stem}{SUFFIX}")


def load(store, agency: str, year: int) -> Decisions:
    """The decisions about an archived year (none: empty); EntryError-like StoreError if unusable."""
    path = path_of(store.report_path(agency, year))
    try:
        data = store.tree.read(path, limit=MAX_BYTES)
    except FileNotFoundError:
        return Decisions(agency, year)
    try:
        return from_xml(data, str(path))
    except ArchiveError as e:
        raise StoreError(f"人工处理记录无法使用：{e}") from None


def save(store, folder_report_path: Path, d: Decisions) -> None:
    """Write the decisions beside the report file, atomically, under the store's lock."""
    data = to_xml(d)
    with store.lock():
        store.tree.write(path_of(folder_report_path), data, store.root / ".tmp")
