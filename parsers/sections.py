"""Paragraphs → title, preamble and the six sections.

Headings are found by what they say (the template's headings and variants, tolerant of
numbering and spelling), in order; a heading run into the text that precedes or follows it
(crawler text) is split out.  Section 六 ends with the report's own text: the signature,
the date and web-page furniture after it are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gknb import template as tpl

from .labels import Candidate, best_match, key, numbering, similarity, simplify

_DATE_LINE = re.compile(r"^\s*(?:\d{4}|[〇○零一二三四五六七八九十]{4})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日\s*$")
_WORDS = tpl.load().vocabulary
_SIGNATURE_END = re.compile(_WORDS.ending_pattern())


@dataclass
class SectionText:
    key: str
    heading: str | None
    paragraphs: list[str] = field(default_factory=list)


def _heading_candidates() -> list[Candidate]:
    out = []
    for s in tpl.load().sections:
        for h in s.headings:
            out.append(Candidate.of(s.key, h))
    return out


def heading_key(text: str) -> str | None:
    """The section a paragraph is the heading of, or None."""
    t = text.strip()
    if not t or len(key(t)) > 40:
        return None
    n, rest = numbering(t)
    if n is None and not any(key(s.title) == key(t) for s in tpl.load().sections):
        return None
    m = best_match(t, _heading_candidates(), threshold=0.72)
    if m is None:
        return None
    section = tpl.load().section(m.ident)
    if n is not None and n not in {s.key for s in tpl.load().sections} and not m.exact:
        return None
    return section.key


INLINE_HEADING_SIMILARITY = 0.85  # one character changed or dropped in a 15-character heading


def split_inline_headings(text: str) -> list[str]:
    """Split a paragraph at section headings run into it ("…31日。一、总体情况 2024年，…").

    A heading is found where its number stands ("四、") and the characters after it read as
    the heading, allowing a character typed wrong, dropped or doubled: a typo in a heading
    must not hide the section (or the table under it) from the reader.
    """
    flat = simplify(text)
    cuts = set()
    for start, end, _ in inline_headings(flat):
        cuts.add(start)
        cuts.add(end)
    cuts = sorted(c for c in cuts if 0 < c < len(text))
    if not cuts:
        return [text]
    parts, last = [], 0
    for c in cuts:
        parts.append(text[last:c])
        last = c
    parts.append(text[last:])
    return [p.strip() for p in parts if p.strip()]


def inline_headings(flat: str) -> list[tuple[int, int, str]]:
    """(start, end, section key) of every section heading inside a simplified paragraph."""
    found = []
    for n, s in enumerate(tpl.load().sections, start=1):
        bodies = {simplify(numbering(h)[1]) for h in s.headings}
        for prefix in _number_styles(s.key, n):
            variants = {prefix + b for b in bodies}
            start = 0
            while (i := flat.find(prefix, start)) >= 0:
                start = i + 1
                end = _heading_end(flat, i, variants)
                if end is not None:
                    found.append((i, end, s.key))
    return found


def _number_styles(key: str, n: int) -> tuple[str, ...]:
    """How a section's number is printed, simplified: "四、" "四." "(四)" "第四部分" "4." "4、"."""
    return (f"{key}、", f"{key}.", f"({key})", f"第{key}部分", f"{n}.", f"{n}、")


def _heading_end(flat: str, i: int, variants: set[str]) -> int | None:
    """Where a heading starting at ``i`` ends, if the text there reads as one of ``variants``."""
    best, end = 0.0, None
    for v in variants:
        if flat.startswith(v, i):
            return i + len(v)
        for n in (len(v) - 1, len(v), len(v) + 1):
            window = flat[i:i + n]
            if len(window) < n:
                continue
            score = similarity(key(window), key(v))
            if score > best:
                best, end = score, i + n
    return end if best >= INLINE_HEADING_SIMILARITY else None


def is_trailer(text: str, agency: str | None) -> bool:
    """A paragraph after the report's own text: date, signature, web-page furniture."""
    t = text.strip()
    if not t:
        return True
    if _DATE_LINE.match(t):
        return True
    if t.startswith(_WORDS.furniture):
        return True
    flat = re.sub(r"\s+", "", t)
    if agency and key(flat) == key(agency):
        return True
    return len(flat) <= 30 and "。" not in flat and bool(_SIGNATURE_END.search(flat))


def assign(paragraphs: list[str], agency: str | None = None) -> tuple[list[str], dict[str, SectionText]]:
    """(paragraphs before section 一, sections by key) from paragraphs in reading order."""
    order = [s.key for s in tpl.load().sections]
    preamble: list[str] = []
    sections: dict[str, SectionText] = {}
    current: SectionText | None = None
    for para in paragraphs:
        k = heading_key(para)
        if k is not None and k not in sections and (current is None or order.index(k) > order.index(current.key)):
            current = SectionText(k, para.strip())
            sections[k] = current
            continue
        if current is None:
            preamble.append(para)
        else:
            current.paragraphs.append(para)
    _recover_problems_section(sections)
    last = sections.get(tpl.load().closing_section.key)
    if last is not None:
        while last.paragraphs and is_trailer(last.paragraphs[-1], agency):
            last.paragraphs.pop()
        if last.paragraphs:
            last.paragraphs[-1] = _cut_furniture(last.paragraphs[-1])
    return preamble, sections


_FURNITURE_RUN = re.compile("|".join(re.escape(w) for w in _WORDS.furniture_in_text))


def _cut_furniture(text: str) -> str:
    """Web-page furniture run into the report's last sentence by a crawler ("…情况。附件下载…")."""
    m = _FURNITURE_RUN.search(text)
    if m and m.start() > 0 and "。" not in text[m.start():] and text[:m.start()].rstrip()[-1:] in "。！；":
        return text[:m.start()].rstrip()
    return text


_PROBLEMS_START = re.compile(_WORDS.problems.start)


def _recover_problems_section(sections: dict[str, SectionText]) -> None:
    """A report without the problems section's heading: its body starts at the first sub-heading
    about problems ("（一）主要问题") in the last table section found before it."""
    t = tpl.load()
    problems = t.problems_section
    if problems.key in sections:
        return
    before = t.sections[:t.sections.index(problems)]
    for s in reversed(before):
        host = sections.get(s.key)
        if host is None or s.table is None:
            continue
        for i, para in enumerate(host.paragraphs):
            if _PROBLEMS_START.match(simplify(para)):
                sections[problems.key] = SectionText(problems.key, None, host.paragraphs[i:])
                del host.paragraphs[i:]
                break
        break
    order = [s.key for s in tpl.load().sections]
    for k in sorted(sections, key=order.index):
        sections[k] = sections.pop(k)


__all__ = ["SectionText", "assign", "heading_key", "inline_headings", "split_inline_headings", "is_trailer"]
