"""Figures files: the JSON view's layout (JSON or YAML), as a user hands gknb a year's figures.

The one place a figures file is read: text → Python object (with the line of every key),
then the tables (:func:`gknb.view.from_view`) and the generator's extra keys
(:mod:`gknb.extras`).  Staff write these files by hand and anyone can send one, so the loader
is strict by construction rather than by case: a size limit, a nesting limit checked before
anything recurses, no YAML anchors or aliases (the alias bomb), no duplicate keys, plain YAML
scalars resolved to exactly null / true / false / decimal numbers / text (no octal, base 60,
dates), numbers kept as Decimal and never as huge ints.  Every problem is reported at once,
in Chinese, with its line, as one :class:`DocumentError`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, NodeEvent
from yaml.nodes import ScalarNode, SequenceNode

from gknb.equations import complete_totals
from gknb.extras import read_extras
from gknb.model import BLANK, NOTE, VALUE, Finding, Report
from gknb.view import FiguresError, from_view

from .errors import DocumentError
from .sniff import decode_text

MAX_BYTES = 1_000_000  # a filled figures file is ~20 KB; this is not one
MAX_DEPTH = 20  # the view nests 4 deep
MAX_INT_DIGITS = 18  # longer digit strings stay Decimal (bounded by the view), never int()
MAX_PROBLEMS = 50  # listed in the message; a file of 10,000 typos is not echoed whole

Where = tuple[str | int, ...]

ALIAS = "不支持YAML锚点/别名（&、*）"
FULL_WIDTH_COLON = "冒号应为半角“:”，而不是全角“：”"
TOO_DEEP = f"嵌套层数过多（最多{MAX_DEPTH}层）"
NOTHING = "数字文件中没有任何数字或正文"

# A line whose key ends in a full-width colon: "  自然人：5", "- problem：…".  List items are only
# the extras' fields (a paragraph "- 主要做法：…" is text), and a line with a real key colon is
# not one ("本年收费金额（单位：万元）: 0" is a label with "：" in it).
_FULL_WIDTH_KEY = re.compile(r"^\s*(?:-\s+(?:problem|measure|done)\s*|[^\s#:：'\"\[{-][^#。]{0,80}?)：")
_KEY_COLON = re.compile(r":(?:\s|$)")


def _full_width_key(line: str) -> bool:
    return bool(_FULL_WIDTH_KEY.match(line)) and not _KEY_COLON.search(line)


class _Refused(Exception):
    """A file the loader stops reading: the line (1-based) and a Chinese sentence."""

    def __init__(self, line: int | None, message: str):
        self.line, self.message = line, message
        super().__init__(message)


@dataclass
class Loaded:
    """A figures file's object, the line of each key path, and what the loader found wrong
    (each message naming its own lines)."""

    obj: Any
    lines: dict[Where, int] = field(default_factory=dict)
    problems: list[tuple[Where, str]] = field(default_factory=list)

    def line_of(self, where: Where) -> int | None:
        """The line of a key path, or of its nearest ancestor the file has."""
        for n in range(len(where), 0, -1):
            if where[:n] in self.lines:
                return self.lines[where[:n]]
        return None


@dataclass
class FiguresFile:
    report: Report
    extras: dict[str, Any]  # gknb.extras.read_extras: rectification, problems, fees, contact


# --------------------------------------------------------------------------- YAML

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
_TAG = "tag:yaml.org,2002:"


class _Loader(yaml.SafeLoader):
    """SafeLoader that composes nodes only: no anchors or aliases, bounded depth.

    Its implicit resolvers are YAML 1.1's without the traps: ``010`` and ``1:30`` stay
    text (not octal 8 and base-60 90), ``2025-01-31`` stays text, ``yes``/``no`` stay text.
    """

    yaml_implicit_resolvers: ClassVar[dict] = {}

    def __init__(self, text: str):
        super().__init__(text)
        self.nesting = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor is not None):
            raise _Refused(event.start_mark.line + 1, ALIAS)
        if not isinstance(event, CollectionStartEvent):
            return super().compose_node(parent, index)
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise _Refused(event.start_mark.line + 1, TOO_DEEP)
        try:
            return super().compose_node(parent, index)
        finally:
            self.nesting -= 1


for _tag, _regexp, _first in (
        ("null", _NULL, ["~", "n", "N", ""]),
        ("bool", _BOOL, list("tTfF")),
        ("int", _INT, list("-+0123456789")),
        ("float", _FLOAT, list("-+0123456789."))):
    _Loader.add_implicit_resolver(_TAG + _tag, _regexp, _first)


def _scalar(node: ScalarNode, where: Where, out: Loaded) -> Any:
    tag, text = node.tag, node.value
    line = node.start_mark.line + 1
    if tag == _TAG + "str":
        return text
    if tag == _TAG + "null" and _NULL.match(text):
        return None
    if tag == _TAG + "bool" and _BOOL.match(text):
        return text.lower() == "true"
    try:
        if tag == _TAG + "int" and _INT.match(text):
            return int(text) if len(text.lstrip("+-")) <= MAX_INT_DIGITS else Decimal(text)
        if tag == _TAG + "float" and _FLOAT.match(text):
            return Decimal(text)
    except (ArithmeticError, ValueError):  # a number no Decimal holds
        out.problems.append((where, f"无法读取的数字“{text[:40]}”（第{line}行）"))
        return None
    short = tag.replace(_TAG, "!!")
    out.problems.append((where, f"不支持的YAML标记“{short}”或与之不符的值（第{line}行）"))
    return None


def _to_python(node, where: Where, out: Loaded) -> Any:
    """The object of a node (depth already bounded by the loader), recording key lines."""
    if isinstance(node, ScalarNode):
        return _scalar(node, where, out)
    if node.tag not in (_TAG + "seq", _TAG + "map"):
        tag, line = node.tag.replace(_TAG, "!!"), node.start_mark.line + 1
        out.problems.append((where, f"不支持的YAML标记“{tag}”（第{line}行）"))
        return None
    if isinstance(node, SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            out.lines.setdefault((*where, i), item.start_mark.line + 1)
            items.append(_to_python(item, (*where, i), out))
        return items
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, ScalarNode):
            out.problems.append((where, f"键应为文字（第{line}行）"))
            continue
        key = key_node.value
        if key in mapping:
            out.problems.append(((*where, key), f"键“{key}”重复（第{out.lines[(*where, key)]}行和第{line}行）"))
            continue
        out.lines[(*where, key)] = line
        mapping[key] = _to_python(value_node, (*where, key), out)
    return mapping


def _load_yaml(text: str) -> Loaded:
    loader = None
    try:
        loader = _Loader(text)  # the reader checks every character here
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        raise _yaml_error(text, e) from None
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        raise _Refused(line, f"含有不可显示的控制字符（#x{e.character:04x}），请删去") from None
    except yaml.YAMLError as e:
        raise _Refused(None, f"YAML格式错误：文件的写法无法识别（原始提示：{e}）") from None
    finally:
        if loader is not None:
            loader.dispose()
    out = Loaded(None)
    out.obj = _to_python(node, (), out) if node is not None else None
    return out


# PyYAML's problem (by its beginning) -> Chinese, and whether the context mark is the line to name.
_YAML_PROBLEMS = (
    ("mapping values are not allowed", "此处不能有“:”（值中含有冒号时请给整个值加引号；也可能是本行或上一行缩进不一致）", False),
    ("could not find expected ':'", "缺少“:”（每个标签后应有半角冒号和空格）", True),
    ("found character '\\t'", "不能用制表符（Tab）缩进，请用空格", False),
    ("found a tab character", "不能用制表符（Tab）缩进，请用空格", False),
    ("expected <block end>", "缩进不一致（同一层的标签应左对齐）", False),
    ("did not find expected key", "缩进不一致，或缺少“:”", False),
    ("did not find expected '-' indicator", "缩进不一致（列表各项应以“- ”开头并对齐）", False),
    ("did not find expected node content", "缺少值", False),
    ("expected the node content", "缺少值", False),
    ("found unknown escape character", "双引号中有无效的转义字符“\\”（可改用单引号）", False),
    ("expected ',' or ']'", "方括号“[ ]”未正确闭合", True),
    ("expected ',' or '}'", "花括号“{ }”未正确闭合", True),
    ("found unexpected ':'", "此处不能有“:”", False),
    ("expected a single document", "文件中只能有一份YAML文档（不要用“---”分隔）", False),
    ("found character", "此字符不能作为值的开头（请给值加引号）", False),
    ("found undefined alias", ALIAS, False),
)


def _yaml_error(text: str, e: yaml.MarkedYAMLError) -> _Refused:
    """A Chinese message for a PyYAML error, on the line the user must change."""
    problem, context = e.problem or "", e.context or ""
    problem_line = e.problem_mark.line + 1 if e.problem_mark else None
    context_line = e.context_mark.line + 1 if e.context_mark else None
    # A full-width colon typed by a Chinese input method: the error surfaces at or after it.
    lines = text.splitlines()
    if problem_line:
        first = context_line if context_line and context_line <= problem_line else problem_line - 1
        for n in range(problem_line, max(first, 1) - 1, -1):
            if n <= len(lines) and _full_width_key(lines[n - 1]):
                while n > 1 and _full_width_key(lines[n - 2]):  # a run of them: the first
                    n -= 1
                return _Refused(n, FULL_WIDTH_COLON)
    if "quoted scalar" in context and "end of stream" in problem:
        return _Refused(context_line, "引号未闭合")
    if "anchor" in context or "alias" in context:
        return _Refused(context_line or problem_line, ALIAS)
    if "block scalar" in context:
        return _Refused(problem_line, "“|”或“>”后的文字格式有误")
    if "end of stream" in problem:
        return _Refused(problem_line, "文件意外结束（引号或括号未闭合）")
    for start, message, use_context in _YAML_PROBLEMS:
        if problem.startswith(start) or context.startswith(start):
            return _Refused((context_line if use_context else None) or problem_line, f"YAML格式错误：{message}")
    # a message not in the table above: said in Chinese, PyYAML's own words kept for whoever helps
    return _Refused(problem_line, f"YAML格式错误：此处的写法无法识别（请检查本行及上一行的缩进、冒号和引号；"
                                  f"原始提示：{problem or context}）")


# --------------------------------------------------------------------------- JSON

_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]+|\\.)*"?|[{}\[\],\n]', re.DOTALL)


def _scan_json(text: str, out: Loaded) -> None:
    """One pass, no recursion: the nesting depth (refused past MAX_DEPTH before json.loads
    recurses), the line of every key and array item, and duplicate keys with both lines.

    Strings are skipped as json reads them, so a bracket inside one is not counted; on broken
    JSON the scan may over-count, never under-count, and json.loads then names the error.
    """
    line = 1
    stack: list[dict] = []  # {"path", "array", "index", "keys", "key", "expect_key"}
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        if tok == "\n":
            line += 1
            continue
        top = stack[-1] if stack else None
        if tok in "{[":
            path: Where = ()
            if top is not None:
                path = (*top["path"], top["index"]) if top["array"] else (*top["path"], top["key"])
                if top["array"]:
                    out.lines.setdefault(path, line)
            if len(stack) >= MAX_DEPTH:
                raise _Refused(line, TOO_DEEP)
            stack.append({"path": path, "array": tok == "[", "index": 0, "keys": {}, "key": None,
                          "expect_key": tok == "{"})
        elif tok in "}]":
            if stack:
                stack.pop()
        elif tok == ",":
            if top is not None:
                top["index"] += 1
                top["expect_key"] = not top["array"]
        elif top is not None and not top["array"] and top["expect_key"]:
            try:
                key = json.loads(tok)
            except ValueError:
                key = tok.strip('"')
            where = (*top["path"], key)
            if key in top["keys"]:
                out.problems.append((where, f"键“{key}”重复（第{top['keys'][key]}行和第{line}行）"))
            else:
                top["keys"][key] = line
                out.lines[where] = line
            top["key"], top["expect_key"] = key, False
        elif top is not None and top["array"]:
            out.lines.setdefault((*top["path"], top["index"]), line)
        line += tok.count("\n")


_JSON_PROBLEMS = (
    ("Expecting property name", "键应为双引号括起的文字（或多了一个逗号）"),
    ("Expecting ':'", "缺少“:”"),
    ("Expecting ','", "缺少“,”（或括号未正确闭合）"),
    ("Expecting value", "缺少值（或多了一个逗号）"),
    ("Unterminated string", "引号未闭合"),
    ("Invalid control character", "文字中含有换行或控制字符（请写作 \\n）"),
    ("Invalid \\escape", "无效的转义字符“\\”"),
    ("Invalid \\uXXXX", "无效的转义字符“\\u”"),
    ("Extra data", "对象结束后还有多余的内容"),
)


def _json_int(digits: str) -> int | Decimal:
    """An int, unless it is long enough to be hostile (int() of 5,000 digits is an error)."""
    return int(digits) if len(digits.lstrip("-")) <= MAX_INT_DIGITS else Decimal(digits)


def _load_json(text: str) -> Loaded:
    out = Loaded(None)
    _scan_json(text, out)
    duplicates = []

    def pairs(items):
        d = dict(items)
        if len(d) < len(items):
            duplicates.append(next(k for i, (k, _) in enumerate(items) if k in dict(items[:i])))
        return d

    try:
        out.obj = json.loads(text, parse_float=Decimal, parse_int=_json_int, parse_constant=Decimal,
                             object_pairs_hook=pairs)
    except json.JSONDecodeError as e:
        message = next((zh for en, zh in _JSON_PROBLEMS if e.msg.startswith(en)), e.msg)
        if e.pos < len(text) and text[e.pos] == "：":
            message = FULL_WIDTH_COLON
        raise _Refused(e.lineno, f"JSON格式错误（第{e.colno}列）：{message}") from None
    except RecursionError:  # not reached: the scan bounds the depth first
        raise _Refused(None, TOO_DEEP) from None
    except (ArithmeticError, ValueError) as e:  # a number no Decimal holds ("1e99999999999999999999")
        raise _Refused(None, f"JSON中有无法读取的数字（{type(e).__name__}）") from None
    if duplicates and not any("重复" in m for _, m in out.problems):
        out.problems.append(((), f"键“{duplicates[0]}”重复"))
    return out


# --------------------------------------------------------------------------- the file

def load_text(text: str, *, yaml_syntax: bool) -> Loaded:
    """The object of a figures file; raises _Refused when it cannot be read at all."""
    return _load_yaml(text) if yaml_syntax else _load_json(text)


def _describe(loaded: Loaded, lines: list[str], where: Where, message: str, placed: bool) -> tuple[int, str]:
    """(line to sort by, "label：message（第N行）"); ``placed`` messages already name their lines."""
    label = "/".join(f"第{p + 1}项" if isinstance(p, int) else p for p in where)
    n = loaded.line_of(where)
    if n and not placed and n <= len(lines) and _full_width_key(lines[n - 1]):
        message += f"；{FULL_WIDTH_COLON}"
    suffix = f"（第{n}行）" if n and not placed else ""
    return n or 0, (f"{label}：" if label else "") + message + suffix


def load(data: bytes, path: str, *, yaml_syntax: bool = False) -> FiguresFile:
    """A figures file's report and extras, or one DocumentError listing every problem."""
    if len(data) > MAX_BYTES:
        raise DocumentError(path, f"文件过大（{len(data) // 1000} KB，数字文件不应超过 {MAX_BYTES // 1000} KB）")
    text = decode_text(data, path)
    try:
        loaded = load_text(text, yaml_syntax=yaml_syntax)
    except _Refused as e:
        raise DocumentError(path, (f"第{e.line}行：" if e.line else "") + e.message) from None
    problems: list[tuple[Where, str]] = []
    report = None
    try:
        report = from_view(loaded.obj, name=path)
    except FiguresError as e:
        problems += e.problems
    extras, wrong = read_extras(loaded.obj if isinstance(loaded.obj, dict) else {})
    problems += wrong
    if problems or loaded.problems:
        lines = text.splitlines()
        described = sorted([_describe(loaded, lines, w, m, True) for w, m in loaded.problems]
                           + [_describe(loaded, lines, w, m, False) for w, m in problems], key=lambda x: x[0])
        shown = [m for _, m in described[:MAX_PROBLEMS]]
        if len(described) > MAX_PROBLEMS:
            shown.append(f"……另有{len(described) - MAX_PROBLEMS}处问题未列出")
        raise DocumentError(path, "数字文件有误：\n  " + "\n  ".join(shown))
    return finish(report, extras, path)


def finish(report: Report, extras: dict[str, Any], path: str) -> FiguresFile:
    """A read figures file's report with its blank totals computed; DocumentError when it is empty.

    Every form of figures file (YAML, JSON, the Excel workbook) ends here."""
    if not _has_content(report):
        raise DocumentError(path, NOTHING)
    computed = complete_totals(report)  # totals are computed, not typed
    if computed:
        report.findings.append(Finding(NOTE, f"按表内勾稽关系计算了{len(computed)}个未填写的合计"))
    return FiguresFile(report, extras)


def _has_content(report: Report) -> bool:
    """A cell given (a value, or null for blank) or a section with text: else nothing to use."""
    return any(c.state in (VALUE, BLANK) for c in report.cells.values()) or \
        any(p.strip() for s in report.sections.values() for p in s.paragraphs)


def read_figures(data: bytes, path: str, *, yaml_syntax: bool = False) -> Report:
    """The report of a figures file (its extras validated too, so ``gknb check`` sees them)."""
    return load(data, path, yaml_syntax=yaml_syntax).report
