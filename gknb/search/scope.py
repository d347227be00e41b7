"""Which reports and parts a command looks at: the filters every search command shares."""

from __future__ import annotations

import re
from dataclasses import dataclass

import apsw

from gknb.archive.store import Store

from .errors import SearchError
from .extract import PREAMBLE, TITLE, part_keys

# Names a user may give for the two parts that are not numbered sections.
PART_ALIASES = {"标题": TITLE, "前言": PREAMBLE, TITLE: TITLE, PREAMBLE: PREAMBLE}
PART_NAMES = {TITLE: "标题", PREAMBLE: "前言"}


@dataclass(frozen=True)
class Scope:
    agency: str | None = None  # the store's directory name
    year_from: int | None = None
    year_to: int | None = None
    sections: tuple[str, ...] = ()  # part keys; empty: all

    def where(self, report: str = "r", part: str | None = None) -> tuple[str, dict]:
        """An SQL condition (starting with AND, or empty) and its named parameters."""
        sql, params = [], {}
        if self.agency is not None:
            sql.append(f"{report}.agency = :agency")
            params["agency"] = self.agency
        if self.year_from is not None:
            sql.append(f"{report}.year >= :year_from")
            params["year_from"] = self.year_from
        if self.year_to is not None:
            sql.append(f"{report}.year <= :year_to")
            params["year_to"] = self.year_to
        if part and self.sections:
            names = [f"section{i}" for i in range(len(self.sections))]
            sql.append(f"{part}.key IN ({', '.join(':' + n for n in names)})")
            params.update(zip(names, self.sections))
        return "".join(f" AND {s}" for s in sql), params


def parse_years(year: int | None, years: str | None) -> tuple[int | None, int | None]:
    """--year N or --years A-B (either end may be left open: 2019-, -2023)."""
    if year is not None and years:
        raise SearchError("--year 与 --years 只能指定一个")
    if year is not None:
        return year, year
    if not years:
        return None, None
    m = re.fullmatch(r"\s*(\d{4})?\s*[-–~～至]\s*(\d{4})?\s*", years)
    if not m or not (m.group(1) or m.group(2)):
        raise SearchError(f"年度范围“{years}”无法识别，应写作 2019-2023")
    lo, hi = (int(g) if g else None for g in m.groups())
    if lo is not None and hi is not None and lo > hi:
        raise SearchError(f"年度范围“{years}”的起始年度大于结束年度")
    return lo, hi


def parse_sections(values: tuple[str, ...]) -> tuple[str, ...]:
    keys = part_keys()
    out = []
    for v in values:
        key = PART_ALIASES.get(v.strip(), v.strip())
        if key not in keys:
            raise SearchError(f"没有“{v}”这一部分；可选：{'、'.join(keys[2:])}、标题、前言")
        if key not in out:
            out.append(key)
    return tuple(out)


def resolve_agency(conn: apsw.Connection, store: Store, name: str | None) -> str | None:
    """The archived agency a name means: the store's own resolution, else the one agency containing it."""
    if not name:
        return None
    agencies = [a for (a,) in conn.execute("SELECT DISTINCT agency FROM reports ORDER BY agency")]
    exact = store.resolve_agency(name)
    if exact in agencies:
        return exact
    partial = [a for a in agencies if name in a]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise SearchError(f"机关“{name}”不明确，档案中有：{'、'.join(partial)}")
    raise SearchError(f"档案中没有机关“{name}”的报告")


def make_scope(conn: apsw.Connection, store: Store, *, agency: str | None = None, year: int | None = None,
               years: str | None = None, sections: tuple[str, ...] = ()) -> Scope:
    lo, hi = parse_years(year, years)
    return Scope(resolve_agency(conn, store, agency), lo, hi, parse_sections(sections))
