"""Reading one printed cell as a figure: number, blank, or something to flag.

The printed text is kept wherever it differs from the number (``22（其中修订16件）``,
``75394432.52元``); a unit that contradicts the column's is flagged, never converted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from gknb import template as tpl
from gknb.template import Column

from .labels import figure_text

# Digits either side of a space, a line break or a tab: two figures, a wrapped one or a mark —
# unless the spaces group thousands ("12 345 678", one space before each group of three).
_SPLIT_DIGITS = re.compile(r"\d\s+\d")
_SPACE_GROUPED = re.compile(r"\d{1,3}(?: \d{3})+(?:\.\d+)?")
# Printed for "nothing" in a cell: blank, not 0.
_DASHES = re.compile(r"^[-－—–―/／\\、.。·…]*$")
_LEADING_NUMBER = re.compile(r"^([+\-－−]?)\s*(\d[\d,，]*(?:\.\d+)?)")
MAX_DIGITS = 12  # the largest figure of any report (万元 amounts included) has far fewer
_WORDS = tpl.load().vocabulary
UNITS = _WORDS.units  # longest first where one holds another
_UNIT = re.compile("^(" + "|".join(map(re.escape, UNITS)) + ")")
# A unit a header names: "（单位：元）", "（万元）".
_HEADER_UNIT = re.compile(r"(?:单位[：:]?|[（(])\s*(" + "|".join(map(re.escape, UNITS)) + r")\s*[）)]")


@dataclass(frozen=True)
class Reading:
    value: int | Decimal | None  # None: blank
    printed: str | None  # the text as printed, where it is not just the number
    flag: str | None  # why the reading is unsure (Chinese)


def read_cell(text: str, column: Column) -> Reading:
    """The figure a cell holds, under the column it sits in."""
    raw = (text or "").strip()
    flat = re.sub(r"\s+", "", figure_text(raw))
    if not flat or _DASHES.match(flat):
        return Reading(None, raw or None, None)
    if flat in _WORDS.none_words:
        return Reading(None, raw, None)
    m = _LEADING_NUMBER.match(flat)
    if not m:
        return Reading(None, raw, f"无法识别为数字：“{raw}”")
    sign, digits = m.groups()
    digits = digits.replace(",", "").replace("，", "")
    if len(digits.split(".")[0]) > MAX_DIGITS:
        return Reading(None, raw, f"数字位数过多，不像是年报中的数字：“{raw[:40]}”")
    try:
        number = Decimal(digits)
    except InvalidOperation:
        return Reading(None, raw, f"无法识别为数字：“{raw}”")
    if sign in ("-", "－", "−"):
        number = -number
    value: int | Decimal = int(number) if "." not in digits else number
    printed = None if raw == (digits if "." in digits else str(value)) else raw
    rest = flat[m.end():]
    flag = None
    unit = _UNIT.match(rest)
    if unit and column.unit and unit.group(1) != column.unit:
        flag = f"单位“{unit.group(1)}”与本栏单位“{column.unit}”不符：“{raw}”"
    elif rest and not unit and not rest.startswith(("(", "（")):
        flag = f"数字后有无法识别的内容：“{raw}”"
    if _split_digits(raw):
        flag = flag or f"数字中间有空格或换行，可能是两个数字：“{raw}”"
    if column.type in ("int", "signed_int") and isinstance(value, Decimal):
        flag = flag or f"本栏应为整数：“{raw}”"
    if column.type != "signed_int" and value < 0:
        flag = flag or f"本栏不应为负数：“{raw}”"
    return Reading(value, printed, flag)


def header_unit_doubt(printed: str, column: Column) -> str | None:
    """Why a column's figures are doubtful when its header, as printed, names another unit than
    the form's ("本年收费金额（单位：元）" over the 万元 column: the figures may be 元)."""
    if not column.unit:
        return None
    named = {m.group(1) for m in _HEADER_UNIT.finditer(re.sub(r"\s+", "", figure_text(printed)))}
    other = sorted(named - {column.unit})
    if not other:
        return None
    return f"表头单位“{'、'.join(other)}”与本栏单位“{column.unit}”不符（表头印为“{printed}”）：数字可能不是以{column.unit}计"


def _split_digits(raw: str) -> bool:
    """Digits either side of whitespace that groups no thousands: "13\n1", "26 48", "2 293 5"."""
    spaced = raw.replace("\xa0", " ")
    grouped = {i for m in _SPACE_GROUPED.finditer(spaced) for i in range(m.start(), m.end())}
    return any(m.start() not in grouped or m.end() - 1 not in grouped for m in _SPLIT_DIGITS.finditer(spaced))
