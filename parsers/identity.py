"""Which report it is: title, agency, and the year reported on (not the year published)."""

from __future__ import annotations

import re
from collections import Counter

from .labels import simplify

REPORT_WORDS = "政府信息公开工作年度报告"
_TITLE = re.compile(r"(?:标题[:：]\s*)?(?P<agency>.*?)\s*(?:关于)?\s*(?:(?P<year>(?:19|20)\d{2})\s*年(?:度)?)?\s*"
                    r"(?:的)?\s*(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|年报)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?至\s*(?:(?:19|20)\d{2}\s*年\s*)?12\s*月\s*31\s*日")
_REPORTED = re.compile(r"(?:本机关|本单位|我局|我委|我办|我区|我县|我市|我镇|本局|本委)?\s*((?:19|20)\d{2})\s*年度")


def find_title(paragraphs: list[str]) -> tuple[str | None, int]:
    """The report's title (two short lines joined where it is split) and how many paragraphs it takes."""
    for i, p in enumerate(paragraphs[:8]):
        flat = re.sub(r"\s+", "", simplify(p))
        if ("公开" in flat and ("年度报告" in flat or "年报" in flat)) and len(flat) <= 70:
            if i > 0 and len(re.sub(r"\s+", "", paragraphs[i - 1])) <= 30 and not _TITLE.match(flat).group("agency"):
                return paragraphs[i - 1].strip() + paragraphs[i].strip(), i + 1
            return p.strip(), i + 1
    return None, 0


def agency_and_year(title: str | None) -> tuple[str | None, int | None]:
    if not title:
        return None, None
    flat = re.sub(r"\s+", "", simplify(title)).removeprefix("标题:")
    m = _TITLE.search(flat)
    if not m:
        return None, None
    agency = re.sub(r"^(关于|\d{4}年(度)?)", "", m.group("agency") or "").strip("：:，, ") or None
    year = int(m.group("year")) if m.group("year") else None
    return agency, year


def year_from_text(texts: list[str]) -> int | None:
    """The year reported on, from the body: the data period, then "本机关2025年度", then the commonest year."""
    body = simplify("\n".join(texts))
    m = _PERIOD.search(body)
    if m:
        return int(m.group(1))
    reported = Counter(int(y) for y in _REPORTED.findall(body))
    if reported:
        return reported.most_common(1)[0][0]
    years = Counter(int(y) for y in _YEAR.findall(body))
    return years.most_common(1)[0][0] if years else None
