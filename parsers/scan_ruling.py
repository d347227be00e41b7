"""Ruling lines of a page image, as the edges a text PDF's drawn lines would give.

A table's borders are long thin runs of ink; text strokes are short.  Opening the ink with a
long horizontal (vertical) kernel keeps only the rules; each connected piece becomes one edge
in PDF points, and ``parsers.pdf_pages.ruled_tables`` turns them into tables exactly as it
does for a PDF — snapping, joining broken pieces and closing a table cut by a page break.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["RulingSettings", "ink", "rule_ink", "ruling_edges", "erase_rules"]


@dataclass(frozen=True)
class RulingSettings:
    """Lengths in points, so that they hold at any resolution."""

    h_min: float = 24.0  # a horizontal rule is at least this long (longer than a character's stroke)
    v_min: float = 12.0  # vertical rules of a one-line header row are short
    max_thickness: float = 4.0  # thicker runs are filled areas or bold text, not rules
    contrast: int = 40  # grey levels below the paper that count as a rule's ink
    darkest_fill: int = 175  # ... and darker than the usual light-grey cell fill (#D9D9D9 = 217, #BFBFBF = 191)
    anchor: float = 3.0  # a short rule must end this close to rules across it, at both ends
    v_long: float = 36.0  # vertical pieces longer than this are rules wherever they end
    h_long: float = 72.0  # ... horizontal ones


SETTINGS = RulingSettings()


def ink(gray: np.ndarray) -> np.ndarray:
    """Binary ink mask (uint8 0/255) of text: Otsu on a lightly smoothed page (specks go)."""
    smooth = cv2.medianBlur(gray, 3)
    _, mask = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def rule_ink(gray: np.ndarray, settings: RulingSettings = SETTINGS) -> np.ndarray:
    """Binary mask of a rule's ink: a hairline at 150 dpi is a one-pixel grey line that
    smoothing or Otsu would erase, so no smoothing and a fixed level — below the paper,
    and darker than the light grey that fills header cells (a fill would swallow the rules
    along it).  Specks do not survive the long kernels of :func:`ruling_edges`."""
    paper = float(np.percentile(gray, 75))
    level = min(paper - settings.contrast, settings.darkest_fill)
    return ((gray < level) * 255).astype(np.uint8)


def ruling_edges(mask: np.ndarray, scale: float, settings: RulingSettings = SETTINGS) -> list[dict]:
    """Horizontal and vertical rules of an ink mask, as edge dicts in points."""
    px = 1.0 / scale  # pixels per point
    edges = []
    for orientation, length in (("h", settings.h_min), ("v", settings.v_min)):
        n = max(3, int(round(length * px)))
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1) if orientation == "h" else (1, n))
        # no closing first: it would join the strokes of neighbouring bold characters into a "rule"
        lines = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        for i in range(1, count):
            x, y, w, h, area = (int(v) for v in stats[i][:5])
            # mean thickness, not the box's: a stroke touching a rule must not cost the rule
            thick = area / max(1, w if orientation == "h" else h)
            if thick * scale > settings.max_thickness:
                continue
            edges.append(dict(_edge(orientation, x, y, w, h, scale), linewidth=thick * scale))
    return _anchored(edges, settings)


def erase_rules(gray: np.ndarray, edges: list[dict], scale: float) -> np.ndarray:
    """The page with its rules painted over with paper, so that a rule beside a figure is
    not read as a "1" or a bracket."""
    out = gray.copy()
    for e in edges:
        width = max(1, int(round(e.get("linewidth", 1.0) / scale))) + 4
        a = (int(round(e["x0"] / scale)), int(round(e["top"] / scale)))
        b = (int(round(e["x1"] / scale)), int(round(e["bottom"] / scale)))
        cv2.line(out, a, b, 255, width)
    return out


def _anchored(edges: list[dict], settings: RulingSettings) -> list[dict]:
    """Rules, without the strokes of characters: a short piece is a rule only when both its
    ends meet rules across it (a cell is closed; text keeps a margin from its borders)."""
    h = [e for e in edges if e["orientation"] == "h"]
    v = [e for e in edges if e["orientation"] == "v"]
    tol = settings.anchor

    def meets(x: float, y: float, across: list[dict], horizontal: bool) -> bool:
        if horizontal:  # a vertical piece's end (x, y) on a horizontal rule
            return any(abs(e["top"] - y) <= tol and e["x0"] - tol <= x <= e["x1"] + tol for e in across)
        return any(abs(e["x0"] - x) <= tol and e["top"] - tol <= y <= e["bottom"] + tol for e in across)

    v = [e for e in v if e["height"] >= settings.v_long
         or (meets(e["x0"], e["top"], h, True) and meets(e["x0"], e["bottom"], h, True))]
    h = [e for e in h if e["width"] >= settings.h_long
         or (meets(e["x0"], e["top"], v, False) and meets(e["x1"], e["top"], v, False))]
    return h + v


def _edge(orientation: str, x: int, y: int, w: int, h: int, scale: float) -> dict:
    if orientation == "h":
        mid = (y + h / 2) * scale
        x0, x1 = x * scale, (x + w) * scale
        return {"object_type": "line_edge", "orientation": "h", "x0": x0, "x1": x1, "width": x1 - x0,
                "top": mid, "bottom": mid, "height": 0.0}
    mid = (x + w / 2) * scale
    top, bottom = y * scale, (y + h) * scale
    return {"object_type": "line_edge", "orientation": "v", "x0": mid, "x1": mid, "width": 0.0,
            "top": top, "bottom": bottom, "height": bottom - top}
