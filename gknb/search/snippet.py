"""A short excerpt of a part around the first hit, every hit in it marked.

Returned as segments (text, is_hit) so that the terminal can colour hits and JSON can
bracket them; paragraph breaks are shown as ¶ to keep the excerpt on one line.  Hits are
found in the folded text (:mod:`.fold`) and quoted as printed.
"""

from __future__ import annotations

from .fold import fold, origins

CONTEXT = 24  # characters shown on each side of the first hit
BREAK = " ¶ "
MARK = ("【", "】")

Segments = list[tuple[str, bool]]


def segments(text: str, query: str, context: int = CONTEXT) -> Segments:
    """The excerpt of ``text`` around the first hit of the folded ``query`` (:mod:`.fold`), as printed."""
    hits = _hits(text, query)
    if not hits:
        return [(_flat(text[: 2 * context]) + ("…" if len(text) > 2 * context else ""), False)]
    start = max(0, hits[0][0] - context)
    end = min(len(text), hits[0][1] + context)
    out: Segments = [("…", False)] if start > 0 else []
    i = start
    for a, b in hits:
        if a >= end:
            break
        if a > i:
            out.append((_flat(text[i:a]), False))
        out.append((_flat(text[a:b]), True))
        i = b
        end = max(end, i)  # never cut a hit in two
    if end > i:
        out.append((_flat(text[i:end]), False))
    if end < len(text):
        out.append(("…", False))
    return out


def _hits(text: str, query: str) -> list[tuple[int, int]]:
    """Where the folded query occurs, as (start, end) in ``text``, without overlap (as str.count)."""
    if not query:
        return []
    folded, where = fold(text), origins(text)
    out, j = [], folded.find(query)
    while j >= 0:
        out.append((where[j], where[j + len(query) - 1] + 1))
        j = folded.find(query, j + len(query))
    return out


def render(segs: Segments, mark: tuple[str, str] = MARK) -> str:
    return "".join(f"{mark[0]}{s}{mark[1]}" if hit else s for s, hit in segs)


def _flat(s: str) -> str:
    return s.replace("\n", BREAK)
