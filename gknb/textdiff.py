"""Chinese prose diff: sentences aligned first, then characters diffed within aligned pairs.

Plain difflib over a whole section of repetitive government prose pairs the wrong
stretches of text and marks thousands of characters changed where a few were
(PITFALLS.md).  Here sentences are paired by content — in order, then the ones that
moved — and only paired sentences are diffed, with numbers and Latin words kept whole
so that "81件" → "218件" reads as one changed number, not three shuffled digits.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
SAME, CHANGED, ADDED, REMOVED, MOVED = "same", "changed", "added", "removed", "moved"

PAIR_MIN = 0.45  # sentences less alike than this are not paired (bigram Dice)
MOVED_MIN = 0.8  # an unpaired sentence this alike to an unpaired one elsewhere has moved

_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]+[”’」』）)]*|[^。！？；!?;]+$")
_CLAUSE = re.compile(r"[^。！？；!?;，,、：:]*[。！？；!?;，,、：:]+[”’」』）)]*|[^。！？；!?;，,、：:]+$")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TOKEN = re.compile(r"[A-Za-z]+|\d+(?:[.,]\d+)*|.", re.S)
_ASCII_GAP = re.compile(r"(?<=[A-Za-z0-9])[ \t\u3000]+(?=[A-Za-z0-9])")


@dataclass(frozen=True)
class Segment:
    op: str  # equal | insert | delete
    text: str


@dataclass(frozen=True)
class SentencePair:
    """One row of the diff: a sentence kept, changed, moved, added or removed."""

    kind: str
    old: str | None
    new: str | None
    segments: tuple[Segment, ...]

    @property
    def matched(self) -> int:
        return sum(len(s.text) for s in self.segments if s.op == EQUAL)


@dataclass(frozen=True)
class TextDiff:
    pairs: tuple[SentencePair, ...]
    old_chars: int
    new_chars: int

    @property
    def similarity(self) -> float:
        """Share of characters the two texts have in common, 0..1 (0 when either is empty)."""
        if not self.old_chars or not self.new_chars:
            return 0.0
        return 2 * sum(p.matched for p in self.pairs) / (self.old_chars + self.new_chars)

    def count(self, kind: str) -> int:
        return sum(p.kind == kind for p in self.pairs)

    @property
    def inserted(self) -> int:
        return sum(len(s.text) for p in self.pairs for s in p.segments if s.op == INSERT)

    @property
    def deleted(self) -> int:
        return sum(len(s.text) for p in self.pairs for s in p.segments if s.op == DELETE)


def normalise(line: str) -> str:
    """Whitespace removed (PDF line breaks put it anywhere), except one space between Latin words."""
    return re.sub(r"\s+", "", _ASCII_GAP.sub("\0", line)).replace("\0", " ")


def sentences(text: str, unit: re.Pattern = _SENTENCE) -> list[str]:
    """The sentences (or other units) of a text; a paragraph break always ends one."""
    out = []
    for line in text.splitlines():
        out.extend(s for s in unit.findall(normalise(line)) if s)
    return out


@lru_cache(maxsize=4096)
def _grams(s: str) -> frozenset[str]:
    return frozenset(s[i:i + 2] for i in range(len(s) - 1)) or frozenset((s,))


def likeness(a: str, b: str) -> float:
    """Bigram Dice coefficient: cheap, order-tolerant, good enough to pair sentences."""
    ga, gb = _grams(a), _grams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb))


def _align(old: list[str], new: list[str]) -> list[tuple[int | None, int | None]]:
    """Monotonic alignment maximising the characters of paired sentences (weighted by likeness)."""
    n, m = len(old), len(new)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            sim = 1.0 if old[i] == new[j] else likeness(old[i], new[j])
            if sim >= PAIR_MIN:
                best = max(best, score[i + 1][j + 1] + sim * (len(old[i]) + len(new[j])))
            score[i][j] = best
    out, i, j = [], 0, 0
    while i < n or j < m:
        if i < n and j < m:
            sim = 1.0 if old[i] == new[j] else likeness(old[i], new[j])
            if sim >= PAIR_MIN and score[i][j] == score[i + 1][j + 1] + sim * (len(old[i]) + len(new[j])):
                out.append((i, j))
                i, j = i + 1, j + 1
                continue
        if j >= m or (i < n and score[i][j] == score[i + 1][j]):
            out.append((i, None))
            i += 1
        else:
            out.append((None, j))
            j += 1
    return out


def _moves(steps, old, new) -> dict[int, int]:
    """Unpaired old sentence -> unpaired new sentence it moved to (greedy, most alike first)."""
    lone_old = [i for i, j in steps if j is None]
    lone_new = [j for i, j in steps if i is None]
    candidates = sorted(((likeness(old[i], new[j]), i, j) for i in lone_old for j in lone_new), reverse=True)
    moved: dict[int, int] = {}
    used: set[int] = set()
    for sim, i, j in candidates:
        if sim < MOVED_MIN:
            break
        if i not in moved and j not in used:
            moved[i] = j
            used.add(j)
    return moved


def char_diff(a: str, b: str) -> tuple[Segment, ...]:
    """Segments turning ``a`` into ``b``; numbers and Latin words are never split."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    raw: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if op == "equal":
            raw.append((EQUAL, "".join(ta[i1:i2])))
            continue
        if i2 > i1:
            raw.append((DELETE, "".join(ta[i1:i2])))
        if j2 > j1:
            raw.append((INSERT, "".join(tb[j1:j2])))
    return _cleanup(raw)


def _cleanup(raw: list[tuple[str, str]]) -> tuple[Segment, ...]:
    """Fold short equalities between edits into the edits, so a reader sees whole changed phrases.

    An equality no longer than the edits on either side of it (the rule of
    diff-match-patch's semantic clean-up) is treated as deleted and re-inserted.
    """
    runs: list[list] = []  # [EQUAL, text] or [None, deleted, inserted]
    for op, text in raw:
        if op == EQUAL:
            runs.append([EQUAL, text])
        else:
            if not runs or runs[-1][0] == EQUAL:
                runs.append([None, "", ""])
            runs[-1][1 if op == DELETE else 2] += text
    changed = True
    while changed:
        changed = False
        for k in range(1, len(runs) - 1):
            prev, cur, nxt = runs[k - 1], runs[k], runs[k + 1]
            if cur[0] == EQUAL and prev[0] is None and nxt[0] is None:
                size = len(cur[1])
                if size <= max(len(prev[1]), len(prev[2])) and size <= max(len(nxt[1]), len(nxt[2])):
                    runs[k - 1:k + 2] = [[None, prev[1] + cur[1] + nxt[1], prev[2] + cur[1] + nxt[2]]]
                    changed = True
                    break
    out = []
    for run in runs:
        if run[0] == EQUAL:
            out.append(Segment(EQUAL, run[1]))
        else:
            out.extend(Segment(op, t) for op, t in ((DELETE, run[1]), (INSERT, run[2])) if t)
    return tuple(out)


def diff(old_text: str, new_text: str) -> TextDiff:
    """Sentence-aligned diff of two texts, in the order a reader meets them in the new text."""
    return _diff_units(sentences(old_text), sentences(new_text))


def _diff_units(old: list[str], new: list[str]) -> TextDiff:
    steps = _align(old, new)
    moved = _moves(steps, old, new)
    moved_to = {j: i for i, j in moved.items()}
    pairs = []
    for i, j in steps:
        if i is not None and j is not None:
            kind = SAME if old[i] == new[j] else CHANGED
            pairs.append(SentencePair(kind, old[i], new[j], char_diff(old[i], new[j])))
        elif i is not None and i not in moved:
            pairs.append(SentencePair(REMOVED, old[i], None, (Segment(DELETE, old[i]),)))
        elif j is not None and j in moved_to:
            o = old[moved_to[j]]
            pairs.append(SentencePair(MOVED, o, new[j], char_diff(o, new[j])))
        elif j is not None:
            pairs.append(SentencePair(ADDED, None, new[j], (Segment(INSERT, new[j]),)))
    return TextDiff(tuple(pairs), sum(map(len, old)), sum(map(len, new)))


def edits(old_text: str, new_text: str) -> list[tuple[Segment, ...]]:
    """The diff as edits in the order of both texts, one tuple of segments per paragraph of the new text.

    For tracked changes (Word's w:ins / w:del): sentences are paired as :func:`diff` pairs them,
    but a moved sentence is deleted where it was and inserted where it is, so that keeping the
    insertions and dropping the deletions gives the new text, and the reverse the old text
    (each as :func:`normalise` gives it; paragraphs are the new text's, a deleted sentence
    stays in the paragraph of the sentence before it).
    """
    old = [s for _, s in _numbered(old_text)]
    new = _numbered(new_text)
    paragraphs: list[list[Segment]] = [[] for _ in range(max((n for n, _ in new), default=-1) + 1)] or [[]]
    current = new[0][0] if new else 0
    for i, j in _align(old, [s for _, s in new]):
        if j is not None:
            current = new[j][0]
        if i is not None and j is not None:
            paragraphs[current] += char_diff(old[i], new[j][1])
        elif i is not None:
            paragraphs[current].append(Segment(DELETE, old[i]))
        elif j is not None:
            paragraphs[current].append(Segment(INSERT, new[j][1]))
    return [tuple(p) for p in paragraphs if p]


def _numbered(text: str) -> list[tuple[int, str]]:
    """(paragraph number, sentence) for every sentence of a text; empty lines number no paragraph."""
    out: list[tuple[int, str]] = []
    for line in text.splitlines():
        units = [s for s in _SENTENCE.findall(normalise(line)) if s]
        n = out[-1][0] + 1 if out else 0
        out += [(n, u) for u in units]
    return out


def similarity(a: str, b: str) -> float:
    """Share of characters two texts have in common, 0..1: how much of the prose was kept.

    Aligned clause by clause (so that re-punctuating or merging sentences hides nothing)
    with every number masked: a text copied with only its years and figures updated is
    still a copy (内容雷同).
    """
    return _diff_units(_prose_units(a), _prose_units(b)).similarity


def _prose_units(text: str) -> list[str]:
    """The clauses a text's prose is compared by, whatever its line breaks and character widths.

    A report printed as a PDF breaks its lines anywhere, one typed in Word breaks only its
    paragraphs, and a re-typed copy may swap full-width punctuation for half-width: none of
    that changes the prose.  So lines are joined before the text is cut at its punctuation
    (NFKC-folded), and numbers are masked.
    """
    flat = unicodedata.normalize("NFKC", "".join(text.splitlines()))
    return [_NUMBER.sub("#", u) for u in _CLAUSE.findall(normalise(flat)) if u]
