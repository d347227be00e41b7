"""click's own messages in Chinese: usage lines, "missing argument", "no such option", help.

click wraps its messages in gettext (``from gettext import gettext as _`` in each module) but
ships no catalogue, and the users of gknb read Chinese whatever their locale.  The catalogue is
kept here as data and installed into click's modules by :func:`install`; a message click adds
in a later version and that is missing here stays English rather than breaking anything.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")

MESSAGES: dict[str, str] = {
    "Aborted!": "已中止。",
    "deprecated": "已弃用",
    "Missing command.": "缺少命令。",
    "Options": "选项",
    "Positional arguments": "位置参数",
    "Commands": "命令",
    "Value must be an iterable.": "值必须是可迭代的。",
    "env var: {var}": "环境变量：{var}",
    "default: {default}": "默认：{default}",
    "(dynamic)": "（动态）",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "注意：命令 {name!r} 已弃用。{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "注意：{param_type} {name!r} 已弃用。{extra_message}",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不经询问直接确认。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Show the version and exit.": "显示版本号后退出。",
    "Show this message and exit.": "显示本帮助后退出。",
    "Missing argument": "缺少参数",
    "unknown error": "未知错误",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Missing option": "缺少选项",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "用“{command} {option}”查看帮助。",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Invalid value: {message}": "值无效：{message}",
    "Missing {param_type}": "缺少{param_type}",
    "Usage:": "用法:",
    "Invalid start character for option ({option})": "选项的起始字符无效（{option}）",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Press any key to continue...": "按任意键继续……",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入的值不一致。",
    "Error: invalid input": "错误：输入无效",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Choice({choices})": "选项（{choices}）",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 之内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否值。可用的值：{states}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是一个文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是一个文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "integer": "整数",
    "float": "数",
}

# (singular, plural) -> (Chinese singular, Chinese plural), with the same placeholders as click's
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("多余的参数（{args}）", "多余的参数（{args}）"),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("需要 {nargs} 个值，实际给了 1 个。", "需要 {nargs} 个值，实际给了 {len} 个。"),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("您是否要找：{possibility}？", "（您是否要找：{possibilities}？）"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("选项 {name!r} 后面需要一个值。", "选项 {name!r} 后面需要 {nargs} 个值。"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} 不是 {choice}。", "{value!r} 不是 {choices} 之一。"),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        ("{value!r} 不符合格式 {format}。", "{value!r} 不符合格式 {formats} 中的任何一种。"),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("需要 {len_type} 个值，实际给了 {len_value} 个。", "需要 {len_type} 个值，实际给了 {len_value} 个。"),
}
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    zh = PLURALS.get((singular, plural))
    if zh is None:
        return singular if n == 1 else plural
    return zh[0] if n == 1 else zh[1]


def install(
    translate: Callable[[str], str] = gettext, translate_n: Callable[[str, str, int], str] = ngettext
) -> None:
    """Put the catalogue into click's modules (idempotent)."""
    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translate_n  # type: ignore[attr-defined]
