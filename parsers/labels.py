"""Matching printed labels to the template's, tolerant of what real documents do.

Half/full-width brackets and digits, ``1、`` for ``1.``, line breaks inside labels,
quotes, Traditional characters and small typos (``其他法律行政止公开``) all reduce to the
same *key*; matching compares keys, then falls back to similarity.  Never by position.
"""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, TypeVar, cast

import opencc

_T2S = opencc.OpenCC("t2s")
F = TypeVar("F", bound=Callable[..., Any])
_CN_DIGITS = "一二三四五六七八九十"
# A leading number: 一、 / （一） / (一) / 1. / 1、 / 1． / （1）
_NUMBERING = re.compile(
    r"^\s*(?:[(（]\s*(?P<paren>[一二三四五六七八九十\d]+)\s*[)）]|(?P<cn>[一二三四五六七八九十]+)\s*[、.．,，]"
    r"|(?P<num>\d{1,2})\s*[.．、,，)）](?!\d))\s*")
_KEEP = re.compile(r"[\w]+")
CACHED_CHARS = 256  # labels, headings and cells: remembered by count
LONG_CHARS = 1 << 20  # longer texts (paragraphs, met again within a document): by total length


class _LongTexts:
    """The recent calls with a long text, least recently used dropped first once their texts
    pass ``LONG_CHARS`` characters in all: a count-bounded cache of paragraphs would keep
    whatever a long-lived worker has read (fuzzed text with 100 KB paragraphs grew one process
    past 800 MB), yet a document asks for its own paragraphs several times."""

    def __init__(self) -> None:
        self.entries: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
        self.chars = 0
        self.lock = threading.Lock()

    def get(self, fn: Callable[..., Any], args: tuple) -> Any:
        with self.lock:
            hit = self.entries.get(args)
            if hit is not None:
                self.entries.move_to_end(args)
                return hit[0]
        value = fn(*args)
        size = sum(len(a) for a in args if isinstance(a, str)) + (len(value) if isinstance(value, str) else 0)
        if size <= LONG_CHARS:
            with self.lock:  # a reader's time limit may interrupt this: the bound holds regardless
                self.entries[args] = (value, size)
                self.chars += size
                while self.chars > LONG_CHARS and self.entries:
                    _, (_, dropped) = self.entries.popitem(last=False)
                    self.chars -= dropped
                if not self.entries:
                    self.chars = 0
        return value


def short_memo(maxsize: int) -> Callable[[F], F]:
    """``lru_cache`` for the calls whose texts are short (``maxsize`` of them); the others in a
    cache bounded by their length (:class:`_LongTexts`)."""
    def wrap(fn: F) -> F:
        cached = lru_cache(maxsize=maxsize)(fn)
        long = _LongTexts()

        @wraps(fn)
        def call(*args: Any) -> Any:
            for a in args:  # a loop, not any(…): these run ~10,000 times a report
                if isinstance(a, str) and len(a) > CACHED_CHARS:
                    return long.get(fn, args)
            return cached(*args)
        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        call.long = long  # type: ignore[attr-defined]
        return cast(F, call)
    return wrap


@short_memo(maxsize=65536)
def simplify(text: str) -> str:
    """NFKC (full-width → half-width, Kangxi radicals → ideographs) and Traditional → Simplified."""
    return _T2S.convert(unicodedata.normalize("NFKC", text))


# Blocks holding characters whose compatibility form is a digit they are not: superscripts and
# fractions (¹ ½), number forms, enclosed alphanumerics (① ⑴ ⒈), dingbats, enclosed CJK and
# CJK compatibility (㉑ ㋀ ㏠), enclosed alphanumeric supplement (🄁).
_DIGIT_MAKER_BLOCKS = ((0x00A0, 0x00FF), (0x2070, 0x209F), (0x2150, 0x218F), (0x2460, 0x24FF),
                       (0x2776, 0x2793), (0x3200, 0x33FF), (0x1F100, 0x1F1FF))
_GUARD = 0xF0000  # plane-15 private use: neither NFKC nor OpenCC changes it


@lru_cache(maxsize=1)
def _digit_makers() -> tuple[dict[int, int], dict[int, int]]:
    """(guard, unguard): each digit-making character to a private-use code point and back."""
    makers = [o for lo, hi in _DIGIT_MAKER_BLOCKS for o in range(lo, hi + 1)
              if unicodedata.decimal(chr(o), None) is None
              and any(c.isdigit() for c in unicodedata.normalize("NFKC", chr(o)))]
    guard = {o: _GUARD + k for k, o in enumerate(makers)}
    return guard, {v: k for k, v in guard.items()}


def figure_text(text: str) -> str:
    """``simplify`` for text that holds figures: a character whose compatibility form is a digit
    it is not stays as printed.  NFKC reads the footnote mark of ``13①`` or ``13¹`` as a
    digit (``131``) and ``⑴`` as ``(1)``: a figure is made of the digits that were printed
    (full-width ones included), so a mark after it is flagged, never read into it."""
    guard, unguard = _digit_makers()
    guarded = text.translate(guard)
    return simplify(text) if guarded == text else simplify(guarded).translate(unguard)


@short_memo(maxsize=65536)
def key(text: str) -> str:
    """Letters, digits and CJK only: what two spellings of one label have in common."""
    return "".join(_KEEP.findall(simplify(text))).replace("_", "")


def numbering(text: str) -> tuple[str | None, str]:
    """(number, rest) of a label: ("(三)", "不予公开"), ("1", "属于国家秘密"), ("一", "本年新收…")."""
    m = _NUMBERING.match(simplify(text))
    if not m:
        return None, text
    rest = simplify(text)[m.end():]
    if m.group("paren"):
        return f"({m.group('paren')})", rest
    return m.group("cn") or m.group("num"), rest


def bare_key(text: str) -> str:
    """The key without the leading number: "1.属于国家秘密" → "属于国家秘密"."""
    return key(numbering(text)[1])


@short_memo(maxsize=1 << 17)
def similarity(a: str, b: str) -> float:
    """difflib's ratio, memoised: the same printed labels meet the same template labels again
    and again, within a report and across a batch."""
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


TIE = 0.02  # two candidates scoring this close are a tie (ambiguous unless only the best is the same label)


@dataclass(frozen=True)
class Candidate:
    """Something a printed label may stand for, with its own label."""

    ident: object
    label: str
    number: str | None
    bare: str

    @classmethod
    def of(cls, ident, label: str) -> Candidate:
        n, _ = numbering(label)
        return cls(ident, label, n, bare_key(label))


@dataclass(frozen=True)
class Match:
    ident: object
    score: float
    exact: bool  # same key (spelling variants only), not a similarity guess


def best_match(text: str, candidates: Sequence[Candidate], *,
               threshold: float = 0.8) -> Match | None:
    """The candidate a printed label names, or None when nothing is close enough or two tie."""
    return _best_match(text, tuple(candidates), threshold)


def score_all(text: str, candidates: Sequence[Candidate]) -> list[tuple[float, bool, Candidate]]:
    """(score, same label, candidate) for every candidate, best first: a number printed
    differently from the candidate's costs 0.2, the same number adds 0.05."""
    n, _ = numbering(text)
    b = bare_key(text)
    out = []
    for c in candidates:
        if b and b == c.bare:
            score = 1.0 if (n is None or c.number is None or n == c.number) else 0.9
            out.append((score, True, c))
            continue
        s = similarity(b, c.bare)
        if n is not None and c.number is not None:
            s += 0.05 if n == c.number else -0.2
        out.append((s, False, c))
    out.sort(key=lambda x: -x[0])
    return out


def _out_of_reach(bare: str, candidates: tuple[Candidate, ...], threshold: float) -> bool:
    """No candidate can score ``threshold`` (nor tie with one that does): difflib's ratio is at
    most 2·min(m, n)/(m + n) for texts of m and n characters, and a number adds at most 0.05.
    A text far longer than every label is answered without comparing it (a 64 KB header cell took
    seconds of difflib: found by the long fuzz run)."""
    if not bare:
        return False
    reach = threshold - TIE - 0.05
    n = len(bare)
    return all(c.bare != bare and 2 * min(n, len(c.bare)) / (n + len(c.bare)) < reach for c in candidates)


@short_memo(maxsize=1 << 16)
def _best_match(text: str, candidates: tuple[Candidate, ...], threshold: float) -> Match | None:
    k = key(text)
    if not k or _out_of_reach(bare_key(text), candidates, threshold):
        return None
    scored = score_all(text, candidates)
    if not scored or scored[0][0] < threshold:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0] - TIE and scored[1][2].ident != scored[0][2].ident:
        if not scored[0][1] or scored[1][1]:
            return None  # ambiguous: two labels fit as well
    s, exact, c = scored[0]
    return Match(c.ident, min(s, 1.0), exact)


def is_traditional(text: str) -> bool:
    """Whether a text is written in Traditional characters (enough of them to matter)."""
    sample = text[:20000]
    changed = sum(1 for a, b in zip(sample, _T2S.convert(sample)) if a != b)
    return changed > max(5, len(sample) // 200)
