"""The form a text is searched in: differences a reader would not call differences folded away.

A report's prose reaches the archive as its source printed it: a PDF puts spaces around
figures ("2024 年") and may break lines mid-sentence, a re-typed copy uses full-width digits
and letters, Latin words come in either case, and 〇 is often typed as ○.  A search for
"2024年" must find all of those.  So the index holds each part's text folded — whitespace
dropped, each character NFKC-normalised where that gives one character, Latin letters lower
case, typographic variants merged — and the query is folded the same way.  Folding maps
each kept character to one character, so a hit in the folded text is a span of the
original (:func:`origins`), which the snippet quotes as printed.
"""

from __future__ import annotations

import unicodedata

VARIANTS = {"○": "〇", "◯": "〇"}  # characters typed for another one (二○二三年)


def _fold_char(c: str) -> str:
    if c.isspace():
        return ""
    f = unicodedata.normalize("NFKC", c)
    if len(f) != 1:
        f = c  # ㈠ → (一) would change the text's length: kept as printed
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
