"""Last year's problems (section 五) followed into this year's report.

Reviewers ask two things of each problem a report admitted last year: is it simply
repeated (内容雷同, or a problem never solved), and does this year's report say how it was
rectified (上年度问题整改情况)?  Problems and measures are read by gknb.problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gknb import template as tpl
from gknb.model import Report
from gknb.problems import WEAKNESS, read_section_five

from ..textdiff import likeness

UNCHANGED, REWORDED, GONE = "unchanged", "reworded", "gone"
SAME_MIN = 0.85  # at least this alike (whole wording): carried forward unchanged
REWORDED_MIN = 0.5  # at least this share of the shorter topic repeated: the same problem reworded
COVERED_MIN = 0.5  # share of a problem's word pairs the rectification text repeats

_CUES = tpl.load().vocabulary.problems
# A sentence reporting on last year's problems: it names last year and a result, or says it is done.
_LAST_YEAR = re.compile(_CUES.last_year)
_DONE = re.compile(_CUES.done)
_DONE_OUTRIGHT = re.compile(_CUES.done_outright)


@dataclass(frozen=True)
class ProblemTrace:
    problem: str  # last year's wording
    status: str  # unchanged | reworded | gone
    match: str | None  # this year's wording of the same problem
    likeness: float
    rectification_reported: bool  # this year's report accounts for it


@dataclass
class Carryover:
    traces: list[ProblemTrace] = field(default_factory=list)
    new_problems: list[str] = field(default_factory=list)  # this year's, not seen last year
    repeated_measures: list[tuple[str, str, float]] = field(default_factory=list)  # (last, this, likeness)
    rectification: str = ""  # this year's account of last year's problems

    def count(self, status: str) -> int:
        return sum(t.status == status for t in self.traces)


_WEAK_CLAUSE = re.compile(WEAKNESS.pattern + "|" + _CUES.weak_clause)
# Words that say "not good enough" without saying what: left out when comparing topics.
_WEAK = re.compile(WEAKNESS.pattern + "|" + _CUES.vague)


def _topic_grams(problem: str) -> frozenset[str]:
    topic = _WEAK.sub("", problem)
    return frozenset(topic[i:i + 2] for i in range(len(topic) - 1))


def problem_likeness(a: str, b: str) -> float:
    """How far two problem statements name the same thing: the whole wording alike, or the
    shorter one's topic repeated in the longer ("政策解读形式仍需创新" in "政策解读的质量有待提高，形式还要更加多样")."""
    whole = likeness(a, b)
    ga, gb = _topic_grams(a), _topic_grams(b)
    if min(len(ga), len(gb)) < 3:
        return whole
    return max(whole, len(ga & gb) / min(len(ga), len(gb)))


def problems_of(text: str) -> list[str]:
    """Problems of a section 五, a run-on list ("A不足，B有待提升，C还需加强") split into its clauses."""
    out = []
    for p in read_section_five(text).problems:
        parts = [x for x in re.split(r"[，,]", p) if x]
        out.extend(parts if len(parts) > 1 and all(_WEAK_CLAUSE.search(x) for x in parts) else [p])
    return out


def _best(item: str, pool: list[str], measure=likeness) -> tuple[str | None, float]:
    scored = [(measure(item, x), -k, x) for k, x in enumerate(pool)]
    if not scored:
        return None, 0.0
    sim, _, best = max(scored)
    return best, sim


def _covers(text: str, problem: str) -> bool:
    """The text repeats most of the problem's character pairs (it talks about that problem)."""
    grams = {problem[i:i + 2] for i in range(len(problem) - 1)}
    return bool(grams) and sum(g in text for g in grams) / len(grams) >= COVERED_MIN


def follow(old: Report, new: Report) -> Carryover:
    key = tpl.load().problems_section.key
    old_text, new_text = old.section_text(key), new.section_text(key)
    before, after = read_section_five(old_text), read_section_five(new_text)
    old_problems, new_problems = problems_of(old_text), problems_of(new_text)
    flat_new = re.sub(r"\s+", "", new_text)
    # Where this year's report speaks of rectification: its own part, else any sentence that does.
    rect = after.rectification or "。".join(
        s for s in re.split(r"[。；]", flat_new)
        if (_LAST_YEAR.search(s) and _DONE.search(s)) or _DONE_OUTRIGHT.search(s))
    out = Carryover(rectification=rect)
    matched = set()
    for p in old_problems:
        best, sim = _best(p, new_problems, problem_likeness)
        status = (UNCHANGED if likeness(p, best) >= SAME_MIN else REWORDED) if sim >= REWORDED_MIN else GONE
        if status != GONE:
            matched.add(best)
        out.traces.append(ProblemTrace(p, status, best if status != GONE else None, sim,
                                       bool(rect) and _covers(rect, p)))
    out.new_problems = [p for p in new_problems if p not in matched]
    for m in before.measures:
        best, sim = _best(m, after.measures)
        if best is not None and sim >= SAME_MIN:
            out.repeated_measures.append((m, best, sim))
    return out
