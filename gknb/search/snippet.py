"""A short excerpt of a part around the first hit, every hit in it marked.

Returned as segments (text, is_hit) so that the terminal can colour hits and JSON can
bracket them; paragraph breaks are shown as ¶ to keep the excerpt on one line.
"""

from __future__ import annotations

CONTEXT = 24  # characters shown on each side of the first hit
BREAK = " ¶ "
MARK = ("【", "】")

Segments = list[tuple[str, bool]]


def segments(text: str, query: str, context: int = CONTEXT) -> Segments:
    first = text.find(query)
    if first < 0 or not query:
        return [(_flat(text[: 2 * context]) + ("…" if len(text) > 2 * context else ""), False)]
    start = max(0, first - context)
    end = min(len(text), first + len(query) + context)
    out: Segments = [("…", False)] if start > 0 else []
    i = start
    while (j := text.find(query, i)) >= 0 and j < end:
        if j > i:
            out.append((_flat(text[i:j]), False))
        out.append((_flat(query), True))
        i = j + len(query)
        end = max(end, i)  # never cut a hit in two
    if end > i:
        out.append((_flat(text[i:end]), False))
    if end < len(text):
        out.append(("…", False))
    return out


def render(segs: Segments, mark: tuple[str, str] = MARK) -> str:
    return "".join(f"{mark[0]}{s}{mark[1]}" if hit else s for s, hit in segs)


def _flat(s: str) -> str:
    return s.replace("\n", BREAK)
