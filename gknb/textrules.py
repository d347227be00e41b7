"""The checker's rules on a report's text: figures the text states, what a section must
mention, the six headings, numbered items, and sameness with last year.

Each takes a compiled rule (:mod:`gknb.ruleset`) and yields its :class:`Outcome` s; a
report without the text a rule judges gets "not applicable", never a pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from . import ruleset as rs
from . import template as tpl
from .model import Number, Report
from .outcomes import Outcome, State, Violation, cell_label, fmt, not_applicable, outcome

NO_TEXT = "没有正文"


def has_text(report: Report) -> bool:
    return any(s.paragraphs for s in report.sections.values())


@dataclass(frozen=True)
class Statement:
    """A figure the text states, with what the tables say (X-1).

    ``tables`` holds the value of each reading the statement allows (e.g. 受理 = new
    requests, or new plus carried-in); None where that reading's cells are not filled.
    """

    section: str
    text: str  # the matched words, as printed (whitespace removed)
    stated: int
    readings: tuple[tuple[str, ...], ...]  # each a sum of cell ids
    tables: tuple[Decimal | int | None, ...]

    @property
    def checkable(self) -> bool:
        return any(v is not None for v in self.tables)

    @property
    def agrees(self) -> bool:
        return any(v == self.stated for v in self.tables if v is not None)


_FULLWIDTH = str.maketrans("０１２３４５６７８９，", "0123456789,")
_CLAUSE_START = re.compile(r"[，。；：！？,;:!?]")
# A count written in Chinese numerals before 件 ("申请十二件", "两件"): read as digits, so that the
# statement patterns (digits) see it.  Only before 件: "一是", "十四五" are no counts.
# (starts only where a run of numerals starts, and takes the run whole: linear on long runs)
_CN_COUNT = re.compile(r"(?<![零〇一二两三四五六七八九十百千万])[零〇一二两三四五六七八九十百千万]++(?=件)")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def _cn_number(text: str) -> int | None:
    """一百零五 → 105, 十二 → 12, 两 → 2, 二〇 → 20 (digit by digit); None when it is no numeral."""
    if all(c in _CN_DIGITS for c in text):  # 二〇二四 style: digit by digit
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    total, section, digit = 0, 0, None
    for c in text:
        if c in _CN_DIGITS:
            if digit:  # two digits without a unit between them (a 零 before a digit only holds a place)
                return None
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
        else:  # 万
            total = (total + section + (digit or 0)) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


def _arabic_counts(text: str) -> str:
    return _CN_COUNT.sub(lambda m: str(n) if (n := _cn_number(m.group(0))) is not None else m.group(0), text)


def statement_text(text: str) -> str:
    """Text as statements are matched and quoted: whitespace removed, full-width digits made ASCII,
    a count in Chinese numerals before 件 written in digits."""
    return _arabic_counts(re.sub(r"\s+", "", text).translate(_FULLWIDTH))


def stated_figures(rule: rs.TextFiguresRule, report: Report) -> Iterator[Statement]:
    """Every figure the sections' text states that the rule's statement patterns recognise."""
    for key in rule.sections:
        text = statement_text(report.section_text(key))
        for stmt in rule.statements:
            readings = tuple(r for r in stmt.readings if all(c in report.cells for c in r))
            if not readings:
                continue
            for m in stmt.pattern.finditer(text):
                before = text[:m.start()]
                clauses = _CLAUSE_START.split(before)
                clause = clauses[-1]
                # A short lead-in clause ("其中，", "同比，") qualifies the clause after it.
                context = (clauses[-2] if len(clauses) > 1 and len(clauses[-2]) <= 4 else "") + clause
                skip = rule.skip_clauses
                if (skip and skip.search(context)) or (stmt.not_after and stmt.not_after.search(before)):
                    continue
                tables: list[Number | None] = []
                for reading in readings:
                    values = [report.value(c) for c in reading]
                    tables.append(None if None in values else sum(v for v in values if v is not None))
                yield Statement(key, clause + m.group(0), int(m.group("n").replace(",", "")), readings, tuple(tables))


def text_figures(rule: rs.TextFiguresRule, report: Report, previous: Report | None) -> Iterator[Outcome]:
    found = []
    statements = list(stated_figures(rule, report))
    for st in statements:
        if not st.checkable or st.agrees:
            continue
        shown = [(r, v) for r, v in zip(st.readings, st.tables) if v is not None]
        shown = [x for k, x in enumerate(shown) if x[1] not in [v for _, v in shown[:k]]]
        parts = [f"{_reading_label(r)} 为 {fmt(v)}" for r, v in shown]
        found.append(Violation(rule.id, rule.severity, f"第{st.section}部分",
                               f"正文“{st.text}”称 {st.stated}，表格 {'，或 '.join(parts)}",
                               tuple(dict.fromkeys(c for r, _ in shown for c in r)), st.stated, shown[0][1],
                               quote=st.text))
    if not statements:
        yield not_applicable(rule, "正文未述及表格中的数字")
        return
    checked = [st for st in statements if st.checkable]
    cells = tuple(dict.fromkeys(c for st in checked for r in st.readings for c in r))
    yield outcome(rule, found, cells=cells, otherwise=State.PASSED if checked else State.NOT_CHECKABLE,
                  note="" if checked else "正文所述数字对应的单元格未填写")


def _reading_label(cells: tuple[str, ...]) -> str:
    return "＋".join(cell_label(c).split("/", 1)[1] for c in cells)


def mentions(rule: rs.MentionsRule, report: Report, previous: Report | None) -> Iterator[Outcome]:
    if not has_text(report):
        yield not_applicable(rule, NO_TEXT)  # a figures file without text: nothing to read
        return
    text = re.sub(r"\s+", "", report.section_text(rule.section))
    heading = tpl.load().section(rule.section).heading
    found = []
    if not any(word in text for word in rule.any_of):
        what = "缺少该部分" if not text else f"未提及“{'”或“'.join(rule.any_of[:3])}”等"
        found.append(Violation(rule.id, rule.severity, heading, f"{rule.title}——{what}"))
    for word in rule.none_of:  # a gap left to fill does not count as reporting
        if (at := text.find(word)) >= 0:
            end = text.find("】", at)
            gap = text[at:end + 1 if end >= 0 else at + 40]
            n = text.count(word)
            found.append(Violation(rule.id, rule.severity, heading,
                                   f"{rule.title}——尚有{n}处待填写的内容" + ("，第一处" if n > 1 else "") + f"：{gap}"))
            break
    yield outcome(rule, found, scope=heading)


_NUMERALS = "一二三四五六七八九十"


def enumeration(rule: rs.EnumerationRule, report: Report, previous: Report | None) -> Iterator[Outcome]:
    """Numbered items in order: each marker is the next number, or 一 starting a new list."""
    text = re.sub(r"\s+", "", report.section_text(rule.section))
    heading = tpl.load().section(rule.section).heading
    if not text:
        yield not_applicable(rule, "缺少该部分正文")
        return
    seen, expected = [], 1
    slips = []
    for m in rule.marker.finditer(text):
        n = _NUMERALS.index(m.group(1)) + 1
        seen.append(m.group(0))
        if n != expected and n != 1:
            slips.append(f"“{m.group(0)}”处应为“{_NUMERALS[expected - 1]}是”")
        expected = n + 1 if n == expected or n == 1 else expected + 1
    found = [Violation(rule.id, rule.severity, heading,
                       f"条目编号不连续（{'……'.join(seen)}）：{'；'.join(slips)}")] if slips else []
    yield outcome(rule, found, scope=heading)


def _heading_key(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", unicodedata.normalize("NFKC", text))


def sections(rule: rs.SectionsRule, report: Report, previous: Report | None) -> Iterator[Outcome]:
    """Each of the six sections present, under its official heading or an accepted variant."""
    if not has_text(report) or report.format == "pre2019":
        yield not_applicable(rule, NO_TEXT if report.format != "pre2019" else "2019年以前的格式没有统一的六个部分")
        return
    found = []
    for s in tpl.load().sections:
        got = report.sections.get(s.key)
        if got is None:
            found.append(Violation(rule.id, rule.severity, s.heading, "缺少这一部分"))
        elif got.heading is None:
            found.append(Violation(rule.id, rule.severity, s.heading, "这一部分没有标题"))
        elif _heading_key(got.heading) not in {_heading_key(h) for h in s.headings}:
            found.append(Violation(rule.id, rule.severity, s.heading, f"标题印为“{got.heading}”，与官方格式不同"))
    yield outcome(rule, found)


def similarity(a: str, b: str) -> float:
    """Share of characters the two texts have in common, 0..1 (0 when either is empty).

    Clause-aligned with numbers masked (:mod:`gknb.textdiff`): plain difflib misaligns
    repetitive prose, and a copy with updated years is still a copy.
    """
    from .textdiff import similarity as aligned  # late: the diff is only needed for S5-2
    return aligned(a, b)


def sameness(rule: rs.SimilarityRule, report: Report, previous: Report | None) -> Iterator[Outcome]:
    if previous is None:
        yield not_applicable(rule, "没有上年报告")
        return
    heading = tpl.load().section(rule.section).heading
    before, now = previous.section_text(rule.section), report.section_text(rule.section)
    ratio = similarity(before, now)
    found = []
    if ratio > rule.max_similarity:
        found.append(Violation(rule.id, rule.severity, heading,
                               f"与上年相似度 {ratio:.0%}，超过 {rule.max_similarity:.0%}（内容雷同）"))
    both = bool(before.strip() and now.strip())
    yield outcome(rule, found, scope=heading, otherwise=State.PASSED if both else State.NOT_CHECKABLE,
                  note="" if both else "至少一年缺少该部分正文")
