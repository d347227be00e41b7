"""A year's figures as the generator takes them: the report's tables and text, plus the keys a
figures file has only for the generator.

Extra top-level keys of a figures file (all optional)::

    rectification:            # 上年度问题整改情况: last year's problems, one item each
      - problem: …            #   the problem as last year's report stated it
        measure: …            #   the measure it planned
        done: …               #   what was done (the user writes this)
    problems:                 # 本年度存在的主要问题及改进措施
      - problem: …
        measure: …
    fees: {notices: 0, amount: 0, collected: 0}   # 信息处理费: notices sent, amount (元), collected (元)
    contact: {website: …, office: …, address: …, phone: …}   # the opening paragraph

A mistake in them is reported like the view's own keys: by key path and line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from gknb.inputs import load_report
from gknb.model import Number, Report
from parsers import DocumentError, parse, read_bytes
from parsers.sniff import FIGURES_JSON, FIGURES_YAML, decode_text, sniff

FIELDS = {
    "rectification": ("problem", "measure", "done"),
    "problems": ("problem", "measure"),
    "fees": ("notices", "amount", "collected"),
    "contact": ("website", "office", "address", "phone"),
}
REQUIRED = {"rectification": "problem", "problems": "problem"}


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


@dataclass
class Figures:
    """What a report is generated from.  ``None`` for an extra means the file did not give it."""

    report: Report
    rectification: list[Rectified] | None = None
    problems: list[Problem] | None = None
    fees: Fees | None = None
    contact: Contact = field(default_factory=Contact)


def read(path: str | Path) -> Figures:
    """A figures file (extras included), or any document gknb reads (tables and text only)."""
    path = Path(path)
    data = read_bytes(path)
    kind = sniff(data, str(path))
    if kind not in (FIGURES_JSON, FIGURES_YAML):
        return Figures(load_report(path))
    text = decode_text(data, str(path))
    try:
        report, view_error = parse(path), None
    except DocumentError as e:
        report, view_error = None, e
    try:
        obj = json.loads(text, parse_float=Decimal) if kind == FIGURES_JSON else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError):
        raise view_error or DocumentError(str(path), "数字文件格式错误") from None
    extras, problems = read_extras(obj if isinstance(obj, dict) else {})
    if problems:
        lines = [_describe(text, where, message) for where, message in problems]
        lead = view_error.problem if view_error else "数字文件有误："
        raise DocumentError(str(path), lead + "\n  " + "\n  ".join(lines))
    if view_error:
        raise view_error
    return Figures(report, **extras)


# --------------------------------------------------------------------------- the extra keys

Where = tuple[str | int, ...]


def read_extras(obj: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[Where, str]]]:
    """The generator's keys of a loaded figures file, and what is wrong with them."""
    problems: list[tuple[Where, str]] = []
    out: dict[str, Any] = {}
    for key, kind in (("rectification", Rectified), ("problems", Problem)):
        if obj.get(key) is None:
            continue
        items = obj[key]
        if not isinstance(items, list):
            problems.append(((key,), "应为列表（每项以“- ”开头）"))
            continue
        out[key] = [kind(**fields) for i, item in enumerate(items)
                    if (fields := _record(key, item, (key, i), problems))]
    for key, kind in (("fees", Fees), ("contact", Contact)):
        if obj.get(key) is not None and (fields := _record(key, obj[key], (key,), problems)) is not None:
            out[key] = kind(**fields)
    if "fees" in out:
        _check_fees(out["fees"], problems)
    return out, problems


def _record(key: str, item: Any, where: Where, problems: list) -> dict[str, Any] | None:
    """One mapping of known fields; None (and a problem) when it is not one, {} when all empty."""
    if not isinstance(item, dict):
        problems.append((where, f"应为键值表（{'、'.join(FIELDS[key])}）"))
        return None
    fields: dict[str, Any] = {}
    for name, value in item.items():
        if name not in FIELDS[key]:
            problems.append(((*where, str(name)), f"未知的项目（应为 {'、'.join(FIELDS[key])}）"))
        elif key == "fees":
            fields[name] = _amount(value, (*where, name), problems, integer=name == "notices")
        elif isinstance(value, bool) or (value is not None and not isinstance(value, (str, int))):
            problems.append(((*where, name), f"应为文字，实为“{value}”"))
        elif value is not None and str(value).strip():
            fields[name] = str(value).strip()
    required = REQUIRED.get(key)
    if required and fields and required not in fields:
        problems.append((where, f"缺少“{required}”（问题本身）"))
        return None
    return fields


def _amount(value: Any, where: Where, problems: list, *, integer: bool) -> Number | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        problems.append((where, f"应为数字，实为“{value}”"))
        return None
    if not number.is_finite() or number < 0 or (integer and number != number.to_integral_value()):
        problems.append((where, f"应为{'非负整数' if integer else '非负数'}，实为“{value}”"))
        return None
    return int(number) if integer or isinstance(value, int) else number


def _check_fees(fees: Fees, problems: list) -> None:
    if fees.notices == 0 and fees.amount not in (None, 0):
        problems.append((("fees", "amount"), "未发出收费通知（notices 为 0），通知金额应为 0"))
    if fees.collected is not None and fees.amount is not None and fees.collected > fees.amount:
        problems.append((("fees", "collected"), "实际收取金额大于通知金额"))


# --------------------------------------------------------------------------- where a problem is

def _describe(text: str, where: Where, message: str) -> str:
    label = "/".join(f"第{p + 1}项" if isinstance(p, int) else p for p in where)
    line = _line_of(text, where)
    return f"{label}：{message}" + (f"（第{line}行）" if line else "")


def _line_of(text: str, where: Where) -> int | None:
    """The line of a key path, from the YAML node tree (JSON is YAML too)."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for step in where:
        if isinstance(node, yaml.MappingNode):
            hit = next(((k, v) for k, v in node.value if k.value == step), None)
            if hit is None:
                break
            line, node = hit[0].start_mark.line + 1, hit[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            break
    return line
