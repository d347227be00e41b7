"""Who belongs to a government: one small function per source of membership.

The office names the member agencies on the command line or in a list file (one name a line);
an agency register, once the work folder has one, is one more source of the same shape
(:data:`Membership`): a function from the government's name to its members' names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from gknb.parsers import DocumentError, read_bytes

Membership = Callable[[str], list[str]]  # government -> its member agencies, in the office's order

_SEPARATORS = re.compile(r"[\n,，、;；]+")


class MembersError(ValueError):
    """No usable list of members; the message is Chinese and names the file."""


def names(text: str) -> list[str]:
    """Names from a list: one a line or separated by commas / 、; "#" starts a comment; no repeats."""
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    out = (n.strip() for n in _SEPARATORS.split("\n".join(lines)))
    return list(dict.fromkeys(n for n in out if n))


def from_option(value: str) -> Membership:
    """``--members 甲局,乙局,丙镇``."""
    listed = names(value)
    return lambda government: listed


def from_file(path: Path) -> Membership:
    """A text file of member names (UTF-8), one a line; read once, through the input gate."""
    try:
        text = read_bytes(path).decode("utf-8-sig")
    except DocumentError as e:
        raise MembersError(str(e)) from None
    except UnicodeDecodeError:
        raise MembersError(f"{path}：成员名单不是UTF-8文本文件（每行一个机关名称）") from None
    listed = names(text)
    if not listed:
        raise MembersError(f"{path}：成员名单中没有机关名称（每行一个）")
    return lambda government: listed


def members_of(government: str, sources: Iterable[Membership]) -> list[str]:
    """The members the first source that knows the government gives, the government itself left out."""
    for source in sources:
        found = [n for n in source(government) if n != government]
        if found:
            return found
    return []
