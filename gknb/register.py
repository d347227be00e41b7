"""The agency register (机关名录.xlsx): who the office's agencies are and which must report.

The office owns the file: gknb creates it from the agencies it has seen, then only appends
agencies seen later, so the office's edits (full names, former names, known misreadings,
kinds, who must report) are never lost.  Ingest maps every printed name through it: a short
or former name, or a known misreading, becomes the agency's full name; a name close to a
registered one but not in the register is refused with "您是否要找：…", never founded as a
new agency without a word.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from gknb import template as tpl
from gknb.archive.fs import Tree
from gknb.archive.store import Store
from gknb.parsers.zipdamage import ZIP_DAMAGE
from gknb.xlsx import workbook_bytes

FILE_NAME = "机关名录.xlsx"
SHEET = "机关名录"
HEADERS = ("机关全称", "简称及曾用名", "常见误写", "上级政府", "类别", "是否须报送")
SEP = "、"
YES, NO = "是", "否"
WIDTHS = (34, 30, 24, 22, 10, 12)
CLOSE_RATIO = 0.8  # difflib ratio from which two names look like one (沐阳县人民政府 / 沭阳县人民政府)
MAX_BYTES = 20 * 1024 * 1024


class RegisterError(ValueError):
    """A register file that cannot be used; the message is Chinese and names the file."""


class UnknownName(ValueError):
    """A printed name the register does not hold but that is close to names it does."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name, self.suggestions = name, suggestions
        super().__init__(f"报告所印机关名称“{name}”不在机关名录中。您是否要找：{'、'.join(suggestions)}？"
                         f"（请在 {FILE_NAME} 中把它填入该机关的“简称及曾用名”或“常见误写”；"
                         "如确为另一机关，请新增一行，然后重新运行）")


@dataclass
class Agency:
    full: str
    aliases: list[str] = field(default_factory=list)  # short and former names
    misreadings: list[str] = field(default_factory=list)
    parent: str = ""
    kind: str = ""
    must_report: bool = True

    @property
    def names(self) -> list[str]:
        return [self.full, *self.aliases, *self.misreadings]

    def cells(self) -> tuple[str, ...]:
        return (self.full, SEP.join(self.aliases), SEP.join(self.misreadings), self.parent,
                self.kind, YES if self.must_report else NO)


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，;；\n]", text) if p.strip()]


def _text(v: object) -> str:
    return "" if v is None else str(v).strip()


@dataclass
class Register:
    agencies: list[Agency] = field(default_factory=list)

    def find(self, name: str) -> Agency | None:
        """The agency ``name`` is, by its full name, a short or former name or a known misreading."""
        name = name.strip()
        return next((a for a in self.agencies if name in a.names), None)

    def close(self, name: str) -> list[str]:
        """Registered full names that ``name`` may mean (it contains one, is contained, or nearly equals)."""
        out = []
        for a in self.agencies:
            if any(_close(name, n) for n in a.names):
                out.append(a.full)
        return out

    def resolve(self, name: str) -> str:
        """The full name to archive a printed name under; UnknownName if it is close to a registered
        agency without being one of its names; a name unlike any is returned as it is (a new agency)."""
        found = self.find(name)
        if found is not None:
            return found.full
        close = self.close(name.strip())
        if close:
            raise UnknownName(name.strip(), close)
        return name.strip()

    def must_report(self) -> list[Agency]:
        return [a for a in self.agencies if a.must_report]


def _close(a: str, b: str) -> bool:
    if len(a) >= 3 and len(b) >= 3 and (a in b or b in a):
        return True
    if _subsequence(a, b):
        return True
    m = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return m.real_quick_ratio() >= CLOSE_RATIO and m.quick_ratio() >= CLOSE_RATIO and m.ratio() >= CLOSE_RATIO


def _subsequence(short: str, long_: str) -> bool:
    """"上海市科委" in "上海市科学技术委员会": same start, every character in order, most of the short name."""
    if len(short) > len(long_):
        short, long_ = long_, short
    if len(short) < 4 or short[:2] != long_[:2]:
        return False
    it = iter(long_)
    return all(c in it for c in short)


def folders_by_name(store: Store, register: Register | None) -> dict[str, str]:
    """Every registered name (full, short, former, misread) -> the archive folder already holding it."""
    if register is None:
        return {}
    existing = {e.agency for e in store.scan().entries}
    out = {}
    for agency in register.agencies:
        held = next((f for n in agency.names if (f := store.resolve_agency(n)) in existing), None)
        if held is not None:
            out.update(dict.fromkeys(agency.names, held))
    return out


# --------------------------------------------------------------------------- the file

def read(tree: Tree, path: Path) -> Register | None:
    """The register at ``path`` (None when there is none); RegisterError if it cannot be used."""
    try:
        data = tree.read(path, limit=MAX_BYTES)
    except FileNotFoundError:
        return None
    try:  # read-only: the sheet is read as it is iterated, so its damage shows up there
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        wb.close()
    except (*ZIP_DAMAGE, TypeError, SyntaxError, etree.XMLSyntaxError) as e:  # ParseError is a SyntaxError
        raise RegisterError(f"{path}：不是可以读取的Excel文件（{type(e).__name__}），请用Excel或WPS另存为 .xlsx") from None
    head = tuple(_text(v) for v in (rows[0] if rows else ()))[: len(HEADERS)]
    if head != HEADERS:
        raise RegisterError(f"{path}：第1行应为表头“{'、'.join(HEADERS)}”，实为“{'、'.join(h for h in head if h)}”")
    kinds = tpl.load().office.kinds
    out, seen = Register(), set()
    for n, row in enumerate(rows[1:], start=2):
        cells = [_text(v) for v in (*row, *[None] * len(HEADERS))][: len(HEADERS)]
        if not any(cells):
            continue
        full, aliases, misreadings, parent, kind, must = cells
        if not full:
            raise RegisterError(f"{path}：第{n}行没有填写“机关全称”")
        if kind and kind not in kinds:
            raise RegisterError(f"{path}：第{n}行的“类别”为“{kind}”，应为{'、'.join(kinds)}之一")
        if must not in ("", YES, NO):
            raise RegisterError(f"{path}：第{n}行的“是否须报送”为“{must}”，应为“是”或“否”")
        agency = Agency(full, _split(aliases), _split(misreadings), parent, kind, must != NO)
        for name in agency.names:
            if name in seen:
                raise RegisterError(f"{path}：第{n}行的名称“{name}”在名录中出现了不止一次（每个名称只能属于一个机关）")
            seen.add(name)
        out.agencies.append(agency)
    return out


def to_bytes(register: Register) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    for c in ws[1]:
        c.font = Font(bold=True)
    for a in register.agencies:
        ws.append(a.cells())
    for i, w in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    ws.freeze_panes = "A2"
    return workbook_bytes(wb)


def append(tree: Tree, path: Path, new: Iterable[Agency]) -> None:
    """Add agencies at the end of the office's file, keeping every row and edit it holds."""
    data = tree.read(path, limit=MAX_BYTES)
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    for a in new:
        ws.append(a.cells())
    tree.write(path, workbook_bytes(wb))


def update(tree: Tree, path: Path, register: Register | None,
           seen: dict[str, list[str]]) -> tuple[Register, list[str], list[str]]:
    """The register with every agency seen in it: created when missing, else the unknown ones
    appended — but not one close to a registered agency (an archive folder made before the
    register, under a misread name): that is said instead.  ``seen``: an archive folder -> the
    names its reports print.  Returns (register, full names added, Chinese problems)."""
    default = tpl.load().office.default_kind
    fresh = register is None
    register = register or Register()
    added, problems = [], []
    for folder, names in seen.items():
        if any(register.find(n) for n in names):
            continue
        close = [] if fresh else sorted({c for n in names for c in register.close(n)})
        if close:
            problems.append(f"档案中的机关“{folder}”不在{FILE_NAME}中，未自动加入。您是否要找：{'、'.join(close)}？"
                            "（请把它填入该机关的“简称及曾用名”或“常见误写”；如确为另一机关，请新增一行）")
            continue
        ordered = sorted(dict.fromkeys(names), key=lambda n: (-len(n), n))  # the longest printed name is the full one
        agency = Agency(ordered[0], ordered[1:], kind=default)
        register.agencies.append(agency)
        added.append(agency)
    if fresh:
        tree.write(path, to_bytes(register))
    elif added:
        append(tree, path, added)
    return register, [a.full for a in added], problems
