"""Which report it is: title, agency, and the year reported on (not the year published)."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from gknb import template as tpl

from .labels import key, simplify

# matched (from the start, as a search with a leading ".*?" always was) against a title with its
# whitespace taken out: one start, so linear
_TITLE = re.compile(r"(?P<agency>.*?)(?:关于)?(?:(?P<year>(?:19|20)\d{2})年(?:度)?)?"
                    r"(?:的)?(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|年报)")
_LEADING_YEAR = re.compile(r"^((?:19|20)\d{2})年度?")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:1|一)\s*月\s*(?:1|一)\s*日\s*(?:起\s*)?至\s*(?:(?:19|20)\d{2}\s*年\s*)?"
                     r"(?:12|十二)\s*月\s*(?:31|三十一)\s*日")
# whitespace only after a subject: a pattern that may start on a space rescans every run of
# spaces from each of its characters (quadratic: 70,000 ideographic spaces took minutes)
_REPORTED = re.compile(r"(?:(?:本机关|本单位|我局|我委|我办|我区|我县|我市|我镇|本局|本委)\s*)?((?:19|20)\d{2})\s*年度")


# A year in Chinese numerals, as official documents print it ("二〇二三年度"; "○" and "零"
# stand in for "〇"): read as its digits before any year pattern looks.
_CN_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=\s*年)")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")


def arabic_years(text: str) -> str:
    """``text`` with each year printed in Chinese numerals written in digits (二〇二三年 → 2023年)."""
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text) if "年" in text else text


def _is_title(flat: str) -> bool:
    return ("政府信息公开" in flat or "政务公开" in flat) and ("年度报告" in flat or "年报" in flat) \
        and len(flat) <= 70


def _navigation(p: str) -> bool:
    """Breadcrumbs and page furniture a saved web page puts before the title."""
    t = p.strip()
    return t.startswith((">", "›", "»", "首页", "当前位置", "当前页面", "来源", "发布时间", "索引号"))


def find_title(paragraphs: list[str]) -> tuple[str | None, int]:
    """The report's title and how many paragraphs it takes (a title is often broken over two lines:
    "泽州县应急管理局" / "政府信息公开工作年度报告", "2024 年上海市科委政府信息公开工作" / "年度报告")."""
    for i, p in enumerate(paragraphs[:12]):
        if len(key(p)) <= 2 or _navigation(p):
            continue  # "正文", a stray page number, breadcrumbs
        joined = ""
        for span in range(3):
            if i + span >= len(paragraphs) or (span and _navigation(paragraphs[i + span])):
                break
            joined += paragraphs[i + span].strip()
            if _is_title(re.sub(r"\s+", "", simplify(joined))):
                return joined, i + span + 1
            if len(re.sub(r"\s+", "", joined)) > 40:
                break
    return None, 0


def agency_and_year(title: str | None) -> tuple[str | None, int | None]:
    if not title:
        return None, None
    flat = arabic_years(re.sub(r"\s+", "", simplify(title)))
    flat = re.sub(r"^标题[:：]", "", flat)
    year = None
    lead = _LEADING_YEAR.match(flat)
    if lead:
        year, flat = int(lead.group(1)), flat[lead.end():]
    m = _TITLE.match(flat)
    if not m:
        return None, year
    agency = (m.group("agency") or "").strip("：:，, ") or None
    if m.group("year"):
        year = int(m.group("year"))
    return agency, year


def year_from_text(texts: list[str]) -> tuple[int | None, bool]:
    """(year reported on, sure) from the body: the data period, then "本机关2025年度" — or, unsure,
    the commonest year (a report names next year's plans and last year's problems too)."""
    body = arabic_years(simplify("\n".join(texts)))
    m = _PERIOD.search(body)
    if m:
        return int(m.group(1)), True
    reported = Counter(int(y) for y in _REPORTED.findall(body))
    if reported:
        return reported.most_common(1)[0][0], True
    years = Counter(int(y) for y in _YEAR.findall(body))
    return (years.most_common(1)[0][0], False) if years else (None, False)


@lru_cache(maxsize=1)
def _agency_end() -> re.Pattern[str]:
    """The endings of agency names (…局, …委员会): compiled on first use — a report whose title
    names its agency never needs it (about 5 ms of a check's start-up)."""
    return re.compile(tpl.load().vocabulary.ending_pattern())


def agency_from_lines(paragraphs: list[str]) -> str | None:
    """An agency name standing alone on a short line (a report without a proper title, a signature)."""
    for p in paragraphs:
        flat = re.sub(r"\s+", "", simplify(p))
        if 2 < len(flat) <= 25 and _agency_end().search(flat) and not re.search(r"[，。；：、]", flat):
            return flat
    return None
