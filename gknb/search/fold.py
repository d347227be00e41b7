"""The form a text is searched in: differences a reader would not call differences folded away.

A report's prose reaches the archive as its source printed it: a PDF puts spaces around
figures ("2024 年") and may break lines mid-sentence, a re-typed copy uses full-width digits
and letters, Latin words come in either case, 〇 is often typed as ○, and a mirror site may
serve a report in Traditional characters (主動公開).  A search for "2024年" or "主动公开" must
find all of those.  So the index holds each part's text folded — whitespace dropped, each
character NFKC-normalised and made Simplified where that gives one character, Latin letters
lower case, typographic variants merged — and the query is folded the same way.  Folding maps
each kept character to one character, so a hit in the folded text is a span of the
original (:func:`origins`), which the snippet quotes as printed.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

VARIANTS = {"○": "〇", "◯": "〇"}  # characters typed for another one (二○二三年)


@lru_cache(maxsize=1)
def _simplified():  # late: opencc is loaded by the first character folded
    import opencc

    return opencc.OpenCC("t2s").convert


def _fold_char(c: str) -> str:
    if c.isspace():
        return ""
    f = unicodedata.normalize("NFKC", c)
    if len(f) != 1:
        f = c  # ㈠ → (一) would change the text's length: kept as printed
    if not f.isascii() and not 0xD800 <= ord(f) <= 0xDFFF:  # (a lone surrogate: no character to convert)
        s = _simplified()(f)  # one character at a time: 發 and 髮 both 发, never a phrase rewritten
        f = s if len(s) == 1 else f
    f = VARIANTS.get(f, f)
    return f.lower() if f.isascii() else f


class _Table(dict[int, str]):
    """str.translate's table, filled on first sight of each character."""

    def __missing__(self, key: int) -> str:
        value = self[key] = _fold_char(chr(key))
        return value


_TABLE = _Table()


def fold(text: str) -> str:
    """The searchable form of ``text`` (see the module's docstring)."""
    return text.translate(_TABLE)


def origins(text: str) -> list[int]:
    """For each character of ``fold(text)``, its index in ``text``."""
    return [i for i, c in enumerate(text) if c.translate(_TABLE)]
