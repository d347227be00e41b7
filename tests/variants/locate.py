"""Where the things a mutation targets are in a document: headings, row labels, figures.

Mutations edit only the spans found here, which is what keeps the expected figures known:
a figure span is used only when its printed text equals the expected value it is aligned
with, and heading and label spans hold no figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from gknb import template as tpl

from ..scoring import leaves
from . import htmltable as ht

TABLES = ("proactive", "requests", "review_litigation")
NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
CJK = r"\u3400-\u9fff"
NUMERALS = "一二三四五六七八九十"
WINDOW = 40  # how far ahead an unmatched token may resynchronise with the expected values


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Figure(Span):
    path: tuple  # ("requests", "一、本年新收政府信息公开申请数量", "总计")
    printed: str


@dataclass(frozen=True)
class Heading(Span):
    key: str  # "一".."六", the template's section
    num_start: int  # the printed number "四、" is num_start..title_start
    title_start: int


@dataclass(frozen=True)
class Label(Span):
    role: str  # "top" (一、…), "band" (三、本年度办理结果), "paren" (（一）…), "group" (（三）不予公开), "sub" (1.…)
    official: str  # the template's label, e.g. "1.属于国家秘密"
    text_start: int  # the numbering is start..text_start, the words text_start..end
    number: str  # the numeral of the official label: "一", "三", "1"


# ---------------------------------------------------------------- figures

def printed(value) -> str:
    return str(value) if isinstance(value, (int, Decimal)) else repr(value)


def expected_values(expected: dict) -> list[tuple[tuple, str]]:
    """(path, printed value) of every filled expected cell, in table reading order."""
    return [((tid, *path), printed(v)) for tid in TABLES for path, v in leaves(expected.get(tid, {}))
            if v is not None]


def _tokens_html(text: str):
    for table in ht.tables(text):
        for row in table.rows:
            for cell in row.cells:
                value = ht.cell_text(text[cell.inner_start:cell.inner_end])
                if not NUMBER.fullmatch(value):
                    continue
                for seg in re.finditer(r"[^<>]+", text[cell.inner_start:cell.inner_end]):
                    at = seg.group().find(value)
                    if at >= 0 and not re.search(r"[\d.]", seg.group()[:at][-1:] + seg.group()[at + len(value):][:1]):
                        start = cell.inner_start + seg.start() + at
                        yield start, start + len(value), value
                        break


def _lines(text: str):
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, line
        pos += len(line)


def _tokens_split(text: str, sep: str, keep) -> list:
    out = []
    for pos, line in _lines(text):
        if not keep(line):
            continue
        for m in re.finditer(rf"[^{re.escape(sep)}\r\n]+", line):
            value = m.group().strip()
            if NUMBER.fullmatch(value):
                start = pos + m.start() + m.group().index(value)
                out.append((start, start + len(value), value))
    return out


def _tokens_runs(text: str) -> list:
    """Crawler text: digit runs in the tables' region, less the row labels' own numbers ("…0002.其他")."""
    start = text.find("第二十条第")
    if start < 0:
        return []
    five = headings(text).get("五")
    end = five.start if five and five.start > start else len(text)
    out = []
    for m in NUMBER.finditer(text, start, end):
        s, e = m.span()
        if re.match(rf"[.．、][{CJK}“]", text[e:e + 2]):
            e -= 1  # the last digit numbers the next row label
        if e > s and text[s:e] not in "+-":
            out.append((s, e, text[s:e]))
    return out


def _row_key(path: tuple) -> tuple:
    return path[:1] if path[0] == "review_litigation" else path[:-1]


def _fit(token: str, values: list, q: int, joined: bool) -> int:
    """How many expected values from ``q`` the token is made of (0: it does not fit there)."""
    if not joined:
        return 1 if values[q][1] == token else 0
    acc, key = "", _row_key(values[q][0])
    for j in range(q, len(values)):
        if _row_key(values[j][0]) != key:
            break
        acc += values[j][1]
        if acc == token:
            return j - q + 1
        if not token.startswith(acc):
            break
    return 0


def figures(text: str, kind: str, expected: dict) -> list[Figure]:
    """Spans of printed figures, each aligned with the expected cell it prints.

    Tokens are the numeric cells (HTML, Markdown, tab-separated) or digit runs (crawler text,
    where one run holds a row's figures); a run is split only where the expected values of one
    row, concatenated, spell it exactly.
    """
    if kind == "html":
        tokens = list(_tokens_html(text))
    elif kind == "md":
        tokens = _tokens_split(text, "|", lambda line: line.lstrip().startswith("|"))
    elif kind == "tsv":
        tokens = _tokens_split(text, "\t", lambda line: "\t" in line)
    else:
        tokens = _tokens_runs(text)
    values = expected_values(expected)
    out, p = [], 0
    for start, _end, token in tokens:
        for q in range(p, min(len(values), p + WINDOW)):
            k = _fit(token, values, q, joined=kind == "txt")
            if k:
                pos = start
                for path, value in values[q:q + k]:
                    out.append(Figure(pos, pos + len(value), path, value))
                    pos += len(value)
                p = q + k
                break
    return out


# ---------------------------------------------------------------- headings

def headings(text: str) -> dict[str, Heading]:
    """The six section headings as printed ("四、政府信息公开行政复议、行政诉讼情况"), in order.

    The printed number is the document's own (a document may number its sections its own way);
    a section whose heading is not printed as "<numeral>、<title>" is left out.
    """
    found, cursor = {}, 0
    for sec in tpl.load().sections:
        titles = sorted({h.split("、", 1)[1] for h in sec.headings}, key=len, reverse=True)
        pat = re.compile(rf"[{NUMERALS}]、[ \t\u3000]*(?P<title>{'|'.join(map(re.escape, titles))})")
        m = pat.search(text, cursor)
        if m:
            found[sec.key] = Heading(m.start(), m.end(), sec.key, m.start(), m.start("title"))
            cursor = m.end()
    return found


# ---------------------------------------------------------------- row labels of table 三

_OFFICIAL = re.compile(r"^(?:([一二三四])、|（([一二三四五六七])）|(\d)\.)(.+)$")


def _label_plan(expected: dict) -> list[tuple[str, str, str, str]]:
    """(role, official label, numeral, words) for table 三's labels in reading order."""
    plan, seen = [], set()
    for key in expected.get("requests", {}):
        *group, row = key.split("/")
        if row.startswith("（一）"):
            plan.append(("band", "三、本年度办理结果"))
        if group and group[0] not in seen:
            seen.add(group[0])
            plan.append(("group", group[0]))
        plan.append(("sub" if group else "top" if "、" in row[:2] else "paren", row))
    out = []
    for role, label in plan:
        m = _OFFICIAL.match(label)
        out.append((role, label, m.group(1) or m.group(2) or m.group(3), m.group(4)))
    return out


def _number_pattern(role: str, numeral: str) -> str:
    if role in ("top", "band"):
        return rf"{numeral}[、.．]"
    if role in ("paren", "group"):
        return rf"[（(][ \u3000]?{numeral}[ \u3000]?[）)]"
    wide = chr(ord(numeral) + 0xFEE0)
    return rf"(?:[（(]{numeral}[）)]|[{numeral}{wide}][ \u3000]?[.．、])"


def labels(text: str, expected: dict) -> list[Label]:
    """Table 三's row labels as printed with their numbering, in order (those not found are left out)."""
    start = text.find("勾稽关系")
    if start < 0:
        three = headings(text).get("三")
        start = three.end if three else 0
    out, cursor = [], start
    for role, official, numeral, words in _label_plan(expected):
        pat = re.compile(rf"(?P<num>{_number_pattern(role, numeral)})[ \u3000]?(?P<words>{re.escape(words)})")
        m = pat.search(text, cursor)
        if not m:
            continue
        out.append(Label(m.start(), m.end(), role, official, m.start("words"), numeral))
        cursor = m.end()
    return out
