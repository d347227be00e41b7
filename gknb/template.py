"""The official template, loaded from ``template/official.toml``.

This module only turns the data file into typed objects and answers questions about it
(which cells a format has, what a cell's Chinese label path is).  It holds no labels
itself: the TOML file is the single place where the official form is spelled out.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

FORMATS = ("2021", "2019", "pre2019")
TABLE_FORMATS = ("2021", "2019")


@dataclass(frozen=True)
class Format:
    id: str
    name: str
    issued_by: str = ""
    first_year: int | None = None
    last_year: int | None = None
    markers: tuple[str, ...] = ()
    has_tables: bool = True


@dataclass(frozen=True)
class Section:
    key: str  # "一".."六"
    id: str
    heading: str
    variants: tuple[str, ...] = ()
    subheadings: tuple[str, ...] = ()
    table: str | None = None
    rectification_heading: str | None = None
    items: tuple[str, ...] = ()  # what the section usually covers (the figures workbook's rows)

    @property
    def headings(self) -> tuple[str, ...]:
        return (self.heading, *self.variants)

    @property
    def title(self) -> str:
        """The heading without its number: "总体情况"."""
        return self.heading.split("、", 1)[1]


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    type: str = "int"  # int | signed_int | decimal
    unit: str | None = None
    group: str | None = None  # id of a column group (法人或其他组织)


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    band: str | None = None  # id of a band (三、本年度办理结果)
    group: str | None = None  # id of a numbered group (（三）不予公开)
    row_group: str | None = None  # id of a header group of a transposed table (行政诉讼)
    formats: tuple[str, ...] = TABLE_FORMATS


@dataclass(frozen=True)
class Label:
    """A labelled grouping without figures of its own (band, group, column group)."""

    id: str
    label: str
    formats: tuple[str, ...] = TABLE_FORMATS


@dataclass(frozen=True)
class CellDef:
    """One figure of the form: where it sits and how the JSON view names it."""

    id: str  # "requests.new.total", "proactive.art20_1.rules.issued"
    table: str
    block: str | None
    row: Row
    column: Column
    json_path: tuple[str, ...]  # keys below the table key in the JSON view

    @property
    def label(self) -> str:
        """Chinese label path, as a reviewer reads it: 「（三）不予公开/1.属于国家秘密 · 自然人」."""
        return " · ".join(self.json_path)


@dataclass(frozen=True)
class Block:
    """A part of a table with its own rows and columns (the four blocks of table 二).

    Tables of kind "rows" have exactly one block whose ``id`` is None.
    """

    id: str | None
    caption: str | None
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    formats: tuple[str, ...] = TABLE_FORMATS


@dataclass(frozen=True)
class Table:
    id: str  # also the table's key in the JSON view
    section: str
    kind: str  # "blocks" | "rows"
    blocks: tuple[Block, ...]
    bands: tuple[Label, ...] = ()
    groups: tuple[Label, ...] = ()
    column_groups: tuple[Label, ...] = ()
    row_groups: tuple[Label, ...] = ()
    note: str | None = None
    row_header: str | None = None
    column_header: str | None = None
    printed_transposed: bool = False
    sheet: str | None = None  # its sheet in the figures workbook

    def layout(self, fmt: str) -> TableLayout:
        return _layout(self, fmt)

    def label_of(self, kind: str, ident: str | None) -> str | None:
        """The label of a band/group/column group/row group by id."""
        if ident is None:
            return None
        pool = {"band": self.bands, "group": self.groups, "column_group": self.column_groups,
                "row_group": self.row_groups}[kind]
        return next(x.label for x in pool if x.id == ident)


@dataclass(frozen=True)
class TableLayout:
    """A table as one format prints it: its blocks, rows and cells."""

    table: Table
    format: str
    blocks: tuple[Block, ...]

    @cached_property
    def cells(self) -> tuple[CellDef, ...]:
        out = []
        for block in self.blocks:
            for row in block.rows:
                for col in block.columns:
                    out.append(_cell_def(self.table, block, row, col))
        return tuple(out)

    @cached_property
    def cell_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.cells)

    def block(self, block_id: str | None) -> Block | None:
        return next((b for b in self.blocks if b.id == block_id), None)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # error | warning
    title: str
    kind: str
    # The rule's own keys, as the data file has them: read only by :mod:`gknb.ruleset`, which
    # compiles them into typed rules (``ruleset.load()``).
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Office:
    """What an office tracking its agencies needs from the law: the kinds of agency and when
    each kind's report is due (month and day of the year after the report's year)."""

    kinds: tuple[str, ...] = ()
    default_kind: str = ""
    government_kind: str = ""  # a 本级政府: its members are the agencies whose 上级政府 it is
    deadlines: dict[str, tuple[int, int]] = field(default_factory=dict, hash=False, compare=False)

    def deadline(self, kind: str | None) -> tuple[int, int]:
        """(month, day) a kind's report is due; an unknown kind has the default kind's."""
        return self.deadlines.get(kind or self.default_kind, self.deadlines[self.default_kind])


@dataclass(frozen=True)
class ProblemCues:
    """How section 五 is read: regular expressions from the data file's ``[vocabulary.problems]``
    (each field is its ``<name>_pattern`` key)."""

    measures: str
    rectification: str
    weakness: str
    list_start: str
    list_end: str
    heading_item: str
    lead: str
    start: str
    last_year: str
    done: str
    done_outright: str
    weak_clause: str
    vague: str


@dataclass(frozen=True)
class Vocabulary:
    """The words reports use around the form: units after a figure, words for "nothing", how an
    agency's name ends, a web page's furniture, and the cues of section 五."""

    units: tuple[str, ...]
    none_words: tuple[str, ...]
    agency_endings: tuple[str, ...]
    furniture: tuple[str, ...]  # a furniture line starts with one of these
    furniture_in_text: tuple[str, ...]  # furniture a crawler ran into the last sentence
    problems: ProblemCues

    def ending_pattern(self) -> str:
        """A regular expression for "ends like an agency's name"."""
        return "(?:" + "|".join(re.escape(e) for e in self.agency_endings) + ")$"


@dataclass(frozen=True)
class Template:
    formats: dict[str, Format]
    sections: tuple[Section, ...]
    tables: dict[str, Table]
    rules: tuple[Rule, ...]
    vocabulary: Vocabulary = field(hash=False, compare=False)
    office: Office = field(default_factory=Office, hash=False, compare=False)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    @property
    def problems_section(self) -> Section:
        """The section on problems and improvements: the one that reports last year's rectification."""
        return next(s for s in self.sections if s.rectification_heading)

    @property
    def closing_section(self) -> Section:
        """The last section: the report's own text ends with it (signature, date, web furniture after)."""
        return self.sections[-1]

    @property
    def prose_sections(self) -> tuple[Section, ...]:
        """Sections the agency writes in its own words: no table, not the problems section."""
        return tuple(s for s in self.sections if s.table is None and s != self.problems_section)

    def table(self, table_id: str) -> Table:
        return self.tables[table_id]

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    @cached_property
    def _cells_by_id(self) -> dict[str, CellDef]:
        out: dict[str, CellDef] = {}
        for table in self.tables.values():
            for fmt in TABLE_FORMATS:
                for c in table.layout(fmt).cells:
                    out.setdefault(c.id, c)
        return out

    def cell(self, cell_id: str) -> CellDef:
        """Any cell of any format by id."""
        return self._cells_by_id[cell_id]

    def format_for_year(self, year: int) -> str:
        """The format the State Council prescribes for a report on ``year``."""
        for fid in FORMATS:
            f = self.formats[fid]
            if (f.first_year is None or year >= f.first_year) and (f.last_year is None or year <= f.last_year):
                return fid
        raise ValueError(year)


def _cell_def(table: Table, block: Block, row: Row, col: Column) -> CellDef:
    parts = [table.id, *([block.id] if block.id else []), row.id, col.id]
    group = table.label_of("group", row.group)
    row_key = f"{group}/{row.label}" if group else row.label
    json_path = (*([block.caption] if block.caption else []), row_key, col.label)
    return CellDef(".".join(parts), table.id, block.id, row, col, json_path)


@cache
def _layout(table: Table, fmt: str) -> TableLayout:
    blocks = []
    for b in table.blocks:
        if fmt not in b.formats:
            continue
        rows = tuple(r for r in b.rows if fmt in r.formats)
        blocks.append(Block(b.id, b.caption, b.columns, rows, b.formats))
    return TableLayout(table, fmt, tuple(blocks))


# --------------------------------------------------------------------------- loading

def _labels(items: Iterable[dict[str, Any]] | None) -> tuple[Label, ...]:
    return tuple(Label(i["id"], i["label"], tuple(i.get("formats", TABLE_FORMATS))) for i in items or ())


def _columns(items: Iterable[dict[str, Any]]) -> tuple[Column, ...]:
    return tuple(Column(c["id"], c["label"], c.get("type", "int"), c.get("unit"), c.get("group")) for c in items)


def _rows(items: Iterable[dict[str, Any]]) -> tuple[Row, ...]:
    return tuple(
        Row(r["id"], r["label"], r.get("band"), r.get("group"), r.get("row_group"),
            tuple(r.get("formats", TABLE_FORMATS)))
        for r in items
    )


def _table(tid: str, d: dict[str, Any]) -> Table:
    if d["kind"] == "blocks":
        blocks = tuple(
            Block(b["id"], b["caption"], _columns(b["columns"]), _rows(b["rows"]),
                  tuple(b.get("formats", TABLE_FORMATS)))
            for b in d["blocks"]
        )
    else:
        blocks = (Block(None, None, _columns(d["columns"]), _rows(d["rows"])),)
    return Table(
        id=tid, section=d["section"], kind=d["kind"], blocks=blocks,
        bands=_labels(d.get("bands")), groups=_labels(d.get("groups")),
        column_groups=_labels(d.get("column_groups")), row_groups=_labels(d.get("row_groups")),
        note=d.get("note"), row_header=d.get("row_header"), column_header=d.get("column_header"),
        printed_transposed=d.get("printed_transposed", False), sheet=d.get("sheet"),
    )


def parse_template(data: dict[str, Any]) -> Template:
    formats = {
        fid: Format(fid, f["name"], f.get("issued_by", ""), f.get("first_year"), f.get("last_year"),
                    tuple(f.get("markers", ())), f.get("has_tables", True))
        for fid, f in data["formats"].items()
    }
    sections = tuple(
        Section(s["key"], s["id"], s["heading"], tuple(s.get("variants", ())), tuple(s.get("subheadings", ())),
                s.get("table"), s.get("rectification_heading"), tuple(s.get("items", ())))
        for s in data["sections"]
    )
    tables = {tid: _table(tid, t) for tid, t in data["tables"].items()}
    rules = tuple(
        Rule(r["id"], r["severity"], r["title"], r["kind"],
             {k: v for k, v in r.items() if k not in ("id", "severity", "title", "kind")})
        for r in data["rules"]
    )
    return Template(formats, sections, tables, rules, _vocabulary(data["vocabulary"]), _office(data.get("office", {})))


def _vocabulary(d: dict[str, Any]) -> Vocabulary:
    web, cues = d["web_page"], d["problems"]
    problems = ProblemCues(**{f.name: cues[f"{f.name}_pattern"] for f in fields(ProblemCues)})
    return Vocabulary(tuple(d["units"]), tuple(d["none_words"]), tuple(d["agency_endings"]),
                      tuple(web["furniture"]), tuple(web["run_into_text"]), problems)


def _office(d: dict[str, Any]) -> Office:
    deadlines = {}
    for kind, when in d.get("deadlines", {}).items():
        month, day = (int(x) for x in str(when).split("-"))
        deadlines[kind] = (month, day)
    return Office(tuple(d.get("kinds", ())), d.get("default_kind", ""), d.get("government_kind", ""), deadlines)


DATA_FILE = Path(__file__).parent / "template" / "official.toml"


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return tomllib.loads(DATA_FILE.read_text("utf-8"))


def part(name: str) -> dict[str, Any]:
    """A top-level table of the data file that its own module turns into objects (the
    generator's layout and wording, the figures workbook, the Word form): the file is read once."""
    return copy.deepcopy(_data()[name])


@lru_cache(maxsize=1)
def load() -> Template:
    """The official template (cached; the data file ships inside the package)."""
    return parse_template(_data())

