"""Section 五 read as a list: last year's rectification, the problems, the measures.

Reports state problems in a handful of ways — "一是……；二是……", "1.……2.……", "（一）……",
or "如A；B；C等" — and then the measures, after a cue such as "下一步" or "针对上述问题" (the
cues are the template's ``[vocabulary.problems]``).
The comparer follows each problem into the next year; the generator carries them forward
into 上年度问题整改情况.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gknb import template as tpl

_CUES = tpl.load().vocabulary.problems
_MEASURE_CUES = re.compile(_CUES.measures)
_RECTIFICATION = re.compile(_CUES.rectification)
_SUBHEAD = re.compile(r"(?:[(（][一二三四五六][)）]|[一二三四五六]、)")
# Item markers: 一是 / （一） / 1. / 第一，
_MARKER = re.compile(r"(?:^|(?<=[。；;：:，,\s]))(?:[一二三四五六七八九十]是|[(（][一二三四五六七八九十][)）]|"
                     r"\d{1,2}\s*[.．、](?!\d)|第[一二三四五六七八九十][，,、])")
WEAKNESS = re.compile(_CUES.weakness)
_LIST_START = re.compile(_CUES.list_start)
_LIST_END = re.compile(_CUES.list_end)


@dataclass
class SectionFive:
    rectification: str = ""  # what the report says about last year's problems
    problems: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)


def _items(text: str) -> list[str]:
    """Enumerated items of a passage; without markers, the clauses of a "如A；B；C等" list."""
    text = text.strip()
    marks = list(_MARKER.finditer(text))
    if len(marks) >= 2:
        out = []
        for m, nxt in zip(marks, [*marks[1:], None]):
            out.append(text[m.end():nxt.start() if nxt else len(text)])
        return [_clean(x) for x in out if _clean(x) and not _HEADING_ITEM.match(re.sub(r"\s+", "", x))]
    body = text
    m = _LIST_START.search(body)
    if m:
        body = body[m.end():]
    body = _LIST_END.split(body)[0] if m else body
    for sep in ("；", ";", "，", ",", "、"):
        parts = [_clean(p) for p in body.split(sep)]
        parts = [p for p in parts if len(p) >= 4]
        # a comma or 、 also joins the clauses of one problem: each part must name a weakness
        if len(parts) >= 2 and (sep in "；;" or all(WEAKNESS.search(p) for p in parts)):
            return parts
    cleaned = _clean(body)
    return [cleaned] if cleaned else []


_HEADING_ITEM = re.compile(_CUES.heading_item)
_LEAD = re.compile(_CUES.lead)


def _clean(item: str) -> str:
    item = re.sub(r"\s+", "", item)
    item = _LEAD.sub("", item)
    return re.sub(r"(?:等)?[。；;，,、]+$", "", item)


def read_section_five(text: str) -> SectionFive:
    """Split a section 五 into rectification, problems and measures."""
    text = text.strip()
    out = SectionFive()
    rect = _RECTIFICATION.search(text)
    if rect:
        rest = text[rect.end():]
        end = _SUBHEAD.search(rest)
        out.rectification = _clean(rest[:end.start()] if end else rest)
        text = text[:rect.start()] + (rest[end.start():] if end else "")
    cue = _MEASURE_CUES.search(text, 10)
    problem_part, measure_part = (text[:cue.start()], text[cue.start():]) if cue else (text, "")
    out.problems = [p for p in _items(problem_part) if len(p) >= 4]
    if measure_part:
        lead = re.match(r"[^。：:]*[：:]", measure_part)
        out.measures = [m for m in _items(measure_part[lead.end():] if lead else measure_part) if len(m) >= 4]
    return out
