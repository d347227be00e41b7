"""The report's words: title, opening, and the sentences of sections 一, 五 and 六.

Figures in the text are computed from the tables (so text and tables cannot disagree: rule
X-1), comparisons from last year's archived report; what nobody has told gknb is written as a
marked gap (``【待填写：…】``) that ``gknb check`` reports, never made up.  Every fixed sentence
is read from ``[generator.text]``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from gknb import ruleset as rs
from gknb import template as tpl
from gknb.model import Number, Report
from gknb.problems import read_section_five

from .basis import Contact, Fees, Figures, Rectified
from .carry import last_problems
from .document import BODY, SUBHEADING
from .settings import TWIPS_PER_PT, load

_FIELD = re.compile(r"\{([\w.]+)\}")
_CN_DIGITS = "〇一二三四五六七八九"
_END = "。；;，,、：: "


Notes = list[str]  # what the generator could not fill or carry forward, in Chinese, for the user


def number(value: Number | None) -> str:
    """A figure exactly as given; a blank prints nothing (it is not a 0)."""
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def ordinal(n: int) -> str:
    """1 -> 一, 12 -> 十二, 21 -> 二十一, 105 -> 一百零五, 12000 -> 一万二千 (item numbering in
    Chinese: a batch's notice numbers every agency, and a province has thousands)."""
    if n < 0:
        raise ValueError(f"ordinal of a negative number: {n}")
    out = _chinese(n)
    return out[1:] if out.startswith("一十") else out  # 十二, 十万, not 一十二 (but 一百一十二)


def _chinese(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    for size, unit in ((100_000_000, "亿"), (10_000, "万")):
        if n >= size:
            high, low = divmod(n, size)
            gap = "零" if 0 < low < size // 10 else ""
            return _chinese(high) + unit + gap + (_chinese(low) if low else "")
    out, zero = "", False
    for place, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit:
            out += ("零" if zero and out else "") + _CN_DIGITS[digit] + name
            zero = False
        else:
            zero = True
    return out


def _bare(text: str) -> str:
    return text.strip().rstrip(_END)


def _gap(what: str, notes: Notes) -> str:
    notes.append(f"待填写：{what}")
    return load().gap(what)


def _fill(template: str, report: Report, extra: dict[str, str]) -> str | None:
    """A sentence with its fields filled; None when the report lacks one of its cells."""
    out = []
    pos = 0
    for m in _FIELD.finditer(template):
        name = m.group(1)
        if name in extra:
            text = extra[name]
        elif name in report.cells:
            value = report.value(name)
            text = number(value) if value is not None else load().text["blank_figure"]
        else:
            return None
        out.append(template[pos:m.start()] + text)
        pos = m.end()
    return "".join(out) + template[pos:]


# --------------------------------------------------------------------------- title and opening

def title(report: Report) -> str:
    return load().text["title"].format(agency=report.agency, year=report.year)


def title_lines(report: Report) -> list[str]:
    """The title as printed: one line if it fits, else broken after the agency (never mid-word)."""
    s = load()
    full = title(report)
    per_line = s.text_width / (s.fonts["title"].size * TWIPS_PER_PT)
    if sum(0.5 if ord(c) < 0x2E80 else 1 for c in full) <= per_line:
        return [full]
    return [report.agency, s.text["title"].format(agency="", year=report.year)]


def opening(report: Report, contact: Contact) -> str:
    text = load().text
    out = text["opening"].format(issued_by=tpl.load().formats[report.format].issued_by, year=report.year)
    if contact.website:
        out += text["download"].format(website=contact.website)
    if contact.office:
        out += text["contact"].format(office=contact.office)
    if contact.address:
        out += text["address"].format(address=contact.address)
    if contact.phone:
        out += text["phone"].format(phone=contact.phone)
    return out


# --------------------------------------------------------------------------- section 一

def overview(report: Report, previous: Report | None, notes: Notes) -> list[str]:
    """Section 一's sentences computed from the tables (and last year's for the comparison)."""
    spec = load().text["overview"]
    sums = {name: _row_group_sum(report, s) for name, s in spec["sums"].items()}
    extra = {"change": _change(report, previous, spec, notes),
             **{name: number(v) or load().text["blank_figure"] for name, v in sums.items()}}
    return [s for s in (_fill(_variant(t, report, sums), report, extra) for t in spec["sentences"]) if s]


def _variant(sentence: dict, report: Report, sums: dict[str, Number | None]) -> str:
    """The sentence's wording for these figures: its first "zero" variant whose figures are all 0
    ("本年度未制发规章"), else its text.  A blank is not a 0: it keeps the full sentence."""
    def zero(name: str) -> bool:
        value = sums[name] if name in sums else report.value(name)
        return value is not None and value == 0

    return next((v["text"] for v in sentence.get("zero", ()) if all(zero(n) for n in v["when"])), sentence["text"])


def _change(report: Report, previous: Report | None, spec: dict, notes: Notes) -> str:
    cell = spec["change_of"]
    now = report.value(cell)
    before = previous.value(cell) if previous is not None else None
    if now is None or before is None:
        if previous is not None and now is not None:
            notes.append(f"上年报告中没有“{'/'.join(tpl.load().cell(cell).json_path)}”的数字，未写与上年的比较")
        return ""
    if now == before:
        return spec["change_same"]
    return spec["change_up" if now > before else "change_down"].format(n=number(abs(now - before)))


def _row_group_sum(report: Report, s: dict) -> Number | None:
    tid = s["table"]
    if tid not in report.table_formats:
        return None
    cells = [c.id for c in tpl.load().table(tid).layout(report.table_formats[tid]).cells
             if c.row.row_group == s["row_group"] and c.column.id == s["column"]]
    values = [report.value(c) for c in cells]
    return None if not values or None in values else sum(values)


# --------------------------------------------------------------------------- section 五

def section_five(figures: Figures, previous: Report | None, section: tpl.Section,
                 notes: Notes) -> list[tuple[str, str]]:
    """(role, text) paragraphs: last year's problems and what was done, then this year's."""
    spec = load().text["problems"]
    own = read_section_five(figures.report.section_text(section.key))
    out = [(SUBHEADING, f"（一）{section.rectification_heading}")]
    year = (figures.report.year or 0) - 1
    items = figures.rectification or (last_problems(previous) if previous is not None else [])
    if items:
        out += [(BODY, _rectified(i, item, spec, notes)) for i, item in enumerate(items, 1)]
    elif previous is not None:
        out.append((BODY, _gap(spec["no_previous_problems"].format(year=year), notes)))
    elif own.rectification:
        out.append((BODY, own.rectification + "。"))
    else:
        out.append((BODY, _gap(spec["no_previous"].format(year=year), notes)))
    out.append((SUBHEADING, f"（二）{spec['current_heading']}"))
    if figures.problems:
        problems = [p.problem for p in figures.problems]
        measures = [p.measure or _gap(spec["todo_measure"].format(n=n), notes)
                    for n, p in enumerate(figures.problems, 1)]
    else:
        problems, measures = own.problems, own.measures
    if not problems:
        out.append((BODY, _gap(spec["todo_problems"], notes)))
        return out
    out.append((BODY, _listing(problems)))
    if measures:
        lead = spec["measures_lead"]
        bare = [m.removeprefix(_bare(lead)).lstrip(_END) for m in measures]  # "下一步，将…" read from a text
        out.append((BODY, lead + _listing(bare)))
    return out


def _rectified(n: int, item: Rectified, spec: dict, notes: Notes) -> str:
    problem = _bare(item.problem)
    done = item.done.strip() if item.done else _gap(spec["todo_done"].format(n=n), notes)
    if item.done and done[-1] not in "。！":
        done += "。"
    return spec["rectified"].format(n=n, problem=problem, measure=_bare(item.measure or spec["unplanned"]),
                                    done=done)


def _listing(items: list[str]) -> str:
    """"一是…；二是…。" — the enumeration gknb.problems reads back next year."""
    items = [_bare(x) if not x.startswith("【") else x for x in items]
    if len(items) == 1:
        return items[0] + ("。" if not items[0].endswith("】") else "")
    return "；".join(f"{ordinal(i)}是{x}" for i, x in enumerate(items, 1)) + "。"


# --------------------------------------------------------------------------- section 六

def fees(figures: Figures, own: list[str], section: tpl.Section, notes: Notes) -> list[str]:
    """The 信息处理费 statement (S6-1), then the section's own paragraphs (``own``).

    Without fees in the figures, the section's own words stand if they already say what the
    checker looks for there; else a gap asks for them.
    """
    spec = load().text["fees"]
    f = figures.fees
    if f is None:
        words = rs.load().mentioned(section.key)
        if any(w in p for p in own for w in words):
            return own
        return [_fee_gap(spec, notes), *own]
    return [_fee_sentence(f, spec, notes), *own]


def _fee_sentence(f: Fees, spec: dict, notes: Notes) -> str:
    if f.notices == 0 and f.amount in (None, 0) and f.collected in (None, 0):
        return spec["none"]
    if None in (f.notices, f.amount, f.collected):
        return _fee_gap(spec, notes)
    return spec["some"].format(notices=f.notices, amount=number(f.amount), collected=number(f.collected))


def _fee_gap(spec: dict, notes: Notes) -> str:
    return spec["todo"].format(gap=_gap(spec["todo_what"], notes))
