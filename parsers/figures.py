"""Figures files: the JSON view's layout (JSON or YAML), as a user hands gknb a year's figures."""

from __future__ import annotations

import json
from decimal import Decimal

import yaml

from gknb.model import Report
from gknb.view import FiguresError, from_view

from .errors import DocumentError
from .sniff import decode_text


def _line_of(text: str, path: tuple[str, ...]) -> int | None:
    """The line of a key path: each key searched for below the line of its parent."""
    lines = text.splitlines()
    at = None
    start = 0
    for key in path:
        hit = next((i for i in range(start, len(lines)) if key in lines[i]), None)
        if hit is None:
            break
        at, start = hit + 1, hit + 1
    return at


def read_figures(data: bytes, path: str, *, yaml_syntax: bool = False) -> Report:
    text = decode_text(data, path)
    try:
        if yaml_syntax:
            obj = yaml.safe_load(text)
        else:
            obj = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as e:
        raise DocumentError(path, f"JSON格式错误（第{e.lineno}行第{e.colno}列）：{e.msg}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"（第{mark.line + 1}行）" if mark else ""
        raise DocumentError(path, f"YAML格式错误{where}：{getattr(e, 'problem', e)}") from None
    try:
        return from_view(obj, name=path)
    except FiguresError as e:
        lines = []
        for path, message in e.problems:
            n = _line_of(text, path)
            lines.append(f"{'/'.join(path)}：{message}" + (f"（第{n}行）" if n else ""))
        raise DocumentError(path, "数字文件有误：\n  " + "\n  ".join(lines)) from None
