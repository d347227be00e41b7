"""Whether a ruling edge is drawn on paper: the one rule both PDF readers apply.

WPS paints a white, unstroked box behind every text line; taken as ruling, those boxes would
form a one-column "table" around each paragraph.  An edge counts when its paint shows: a
stroke in a colour that is not white, or a fill that is not white.  A straight line
(pdfplumber's ``line``) counts unless its stroke colour is white, whether or not it is
stroked — pdfplumber's long-standing reading, kept so both readers find the same tables.
"""

from __future__ import annotations

__all__ = ["is_white", "visible", "rect_visible", "line_visible"]


def is_white(color) -> bool:
    """White in gray, RGB (0–1) or CMYK; no colour at all counts as white (nothing painted)."""
    if color is None:
        return True
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not all(isinstance(v, (int, float)) for v in color):
        return False  # pattern or unknown colour space: assume visible
    if len(color) == 4:  # CMYK
        return all(v <= 0.02 for v in color)
    return bool(color) and all(v >= 0.98 for v in color)


def line_visible(paint: dict) -> bool:
    return not (paint.get("stroking_color") is not None and is_white(paint["stroking_color"]))


def rect_visible(paint: dict) -> bool:
    if paint.get("stroke") and not is_white(paint.get("stroking_color")):
        return True
    return bool(paint.get("fill")) and not is_white(paint.get("non_stroking_color"))


def visible(edge: dict) -> bool:
    """Whether an edge (pdfplumber's dict, or the pdfium reader's) is drawn on paper."""
    return line_visible(edge) if edge["object_type"] == "line" else rect_visible(edge)
