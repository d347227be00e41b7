"""Who belongs to a government: one small function per source of membership.

The office names the member agencies on the command line or in a list file (one name a line),
or the agency register says it: its 上级政府 column.  Each is a source of the same shape
(:data:`Membership`): a function from the government's name to its members' names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from gknb import template as tpl
from gknb.parsers import DocumentError, read_bytes
from gknb.register import Agency, Register

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


def from_register(register: Register) -> Membership:
    """The register's agencies that must report and whose 上级政府 is the government, by any name
    the register knows it by, in the register's order (full names)."""
    def members(government: str) -> list[str]:
        known = register.find(government)
        parents = set(known.names) if known is not None else {government.strip()}
        return [a.full for a in register.must_report() if a.parent in parents]
    return members


def governments(register: Register) -> list[tuple[Agency, list[str]]]:
    """Each 本级政府 of the register that has members, with them: the consolidations a year needs."""
    kind = tpl.load().office.government_kind
    source = from_register(register)
    found = ((a, members_of(a.full, [source])) for a in register.agencies if a.kind == kind)
    return [(a, names) for a, names in found if names]


def members_of(government: str, sources: Iterable[Membership]) -> list[str]:
    """The members the first source that knows the government gives, the government itself left out."""
    for source in sources:
        found = [n for n in source(government) if n != government]
        if found:
            return found
    return []
