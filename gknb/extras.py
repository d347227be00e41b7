"""The keys a figures file has besides the view's (all optional), read from the loaded file.

They sit here, below both the parsers and the generator, so that reading a figures file
(:mod:`parsers.figures`) validates them — ``gknb check`` reports their mistakes — while the
generator uses them::

    rectification:            # 上年度问题整改情况: last year's problems, one item each
      - problem: …            #   the problem as last year's report stated it
        measure: …            #   the measure it planned
        done: …               #   what was done (the user writes this)
    problems:                 # 本年度存在的主要问题及改进措施
      - problem: …
        measure: …
    fees: {notices: 0, amount: 0, collected: 0}   # 信息处理费: notices sent, amount (元), collected (元)
    contact: {website: …, office: …, address: …, phone: …}   # the opening paragraph
    signature: {agency: …, date: 2026年1月20日}   # the 落款: the agency's full name, the 成文日期
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gknb.model import Number
from gknb.view import number, show

FIELDS = {
    "rectification": ("problem", "measure", "done"),
    "problems": ("problem", "measure"),
    "fees": ("notices", "amount", "collected"),
    "contact": ("website", "office", "address", "phone"),
    "signature": ("agency", "date"),
}
REQUIRED = {"rectification": "problem", "problems": "problem"}

Where = tuple[str | int, ...]


@dataclass(frozen=True)
class Rectified:
    problem: str
    measure: str | None = None
    done: str | None = None


@dataclass(frozen=True)
class Problem:
    problem: str
    measure: str | None = None


@dataclass(frozen=True)
class Fees:
    notices: int | None = None
    amount: Number | None = None  # 元
    collected: Number | None = None  # 元


@dataclass(frozen=True)
class Contact:
    website: str | None = None
    office: str | None = None
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Signature:
    agency: str | None = None  # the report's agency when not given
    date: str | None = None  # 成文日期, as printed: "2026年1月20日"


# 2026年1月20日, 2026-01-20, 2026/1/20, 2026.1.20 (a date cell of a workbook reads as the second)
_DATE = re.compile(r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?")


def written_date(text: str) -> str | None:
    """A 成文日期 as the report prints it ("2026年1月20日"); None when it is not a date."""
    m = _DATE.fullmatch(text.strip())
    if m is None:
        return None
    year, month, day = (int(g) for g in m.groups())
    return f"{year}年{month}月{day}日" if 1 <= month <= 12 and 1 <= day <= 31 else None


def read_extras(obj: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[Where, str]]]:
    """The extra keys of a loaded figures file (as keyword arguments), and what is wrong with them."""
    problems: list[tuple[Where, str]] = []
    out: dict[str, Any] = {}
    for key, kind in (("rectification", Rectified), ("problems", Problem)):
        if obj.get(key) is None:
            continue
        items = obj[key]
        if not isinstance(items, list):
            problems.append(((key,), f"应为列表（每项以“- ”开头），实为“{show(items)}”"))
            continue
        out[key] = [kind(**fields) for i, item in enumerate(items)
                    if (fields := _record(key, item, (key, i), problems))]
    for key, record in (("fees", Fees), ("contact", Contact), ("signature", Signature)):
        if obj.get(key) is not None and (fields := _record(key, obj[key], (key,), problems)) is not None:
            out[key] = record(**fields)
    if "fees" in out:
        _check_fees(out["fees"], problems)
    if "signature" in out and out["signature"].date is not None:
        date = written_date(out["signature"].date)
        if date is None:
            problems.append((("signature", "date"), f"应为日期（如 2026年1月20日），实为“{show(out['signature'].date)}”"))
            del out["signature"]
        else:
            out["signature"] = Signature(out["signature"].agency, date)
    return out, problems


def _record(key: str, item: Any, where: Where, problems: list[tuple[Where, str]]) -> dict[str, Any] | None:
    """One mapping of known fields; None (and a problem) when it is not one, {} when all empty."""
    if not isinstance(item, dict):
        problems.append((where, f"应为键值表（{'、'.join(FIELDS[key])}），实为“{show(item)}”"))
        return None
    fields: dict[str, Any] = {}
    for name, value in item.items():
        if name not in FIELDS[key]:
            problems.append(((*where, str(name)), f"未知的项目（应为 {'、'.join(FIELDS[key])}）"))
        elif key == "fees":
            amount, problem = number(value, "int" if name == "notices" else "decimal")
            if problem:
                problems.append(((*where, name), problem))
            elif amount is not None:
                fields[name] = amount
        elif isinstance(value, bool) or (value is not None and not isinstance(value, (str, int))):
            problems.append(((*where, name), f"应为文字，实为“{show(value)}”"))
        elif value is not None and str(value).strip():
            fields[name] = str(value).strip()
    required = REQUIRED.get(key)
    if required and fields and required not in fields:
        problems.append((where, f"缺少“{required}”（问题本身）"))
        return None
    return fields


def _check_fees(fees: Fees, problems: list[tuple[Where, str]]) -> None:
    if fees.notices == 0 and fees.amount not in (None, 0):
        problems.append((("fees", "amount"), "未发出收费通知（notices 为 0），通知金额应为 0"))
    if fees.collected is not None and fees.amount is not None and fees.collected > fees.amount:
        problems.append((("fees", "collected"), "实际收取金额大于通知金额"))
