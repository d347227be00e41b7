"""The ``[generator]`` table of the official template: page, fonts, table layout, fixed wording.

Kept beside the form itself so that layout facts and sentences are data, like the labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from gknb import template as tpl

TWIPS_PER_MM = 1440 / 25.4
TWIPS_PER_PT = 20


@dataclass(frozen=True)
class Font:
    face: str
    alt: str
    size: float  # points

    @property
    def half_points(self) -> int:
        return round(self.size * 2)


@dataclass(frozen=True)
class TableStyle:
    font: str
    label_widths: tuple[float, ...]
    value_width: float
    label_align: str
    row_height: float  # mm, at least
    note_font: str | None = None
    caption_fill: str | None = None
    keep_together: bool = False


@dataclass(frozen=True)
class Settings:
    page: dict
    fonts: dict[str, Font]
    tables: dict[str, TableStyle]
    text: dict

    def twips(self, mm: float) -> int:
        return round(mm * TWIPS_PER_MM)

    @property
    def text_width(self) -> int:
        """Width of the text block in twips (156 mm on A4 with the official margins)."""
        p = self.page
        return self.twips(p["width"] - p["left"] - p["right"])

    def gap(self, what: str) -> str:
        return self.text["gap"].format(what=what)

    def gap_pattern(self) -> re.Pattern[str]:
        """Every gap in a text ("【待填写：…】"), found by the template's own gap wording."""
        head, _, tail = self.text["gap"].partition("{what}")
        return re.compile(re.escape(head) + (f"[^{re.escape(tail[0])}]*" if tail else ".*") + re.escape(tail))


@lru_cache(maxsize=1)
def load() -> Settings:
    data = tpl.part("generator")
    fonts = {role: Font(f["face"], f.get("alt", f["face"]), f["size"]) for role, f in data["fonts"].items()}
    tables = {
        tid: TableStyle(t["font"], tuple(t["label_widths"]), t["value_width"], t["label_align"], t["row_height"],
                        t.get("note_font"), t.get("caption_fill"), t.get("keep_together", False))
        for tid, t in data["tables"].items()
    }
    return Settings(data["page"], fonts, tables, data["text"])
