"""What every ``gknb`` command prints the same way: aligned tables, JSON, error lines.

Shared by the main command (:mod:`gknb.cli`) and the commands it registers
(:mod:`gknb.search.cli`, :mod:`gknb.compare.cli`, :mod:`gknb.generator.command`), so that
none of them imports another.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import click


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A plain aligned table (CJK characters count double)."""
    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    cols = list(zip(header, *rows)) if rows else [(h,) for h in header]
    widths = [max(width(x) for x in col) for col in cols]
    for row in (header, *rows):
        click.echo("  ".join(x + " " * (w - width(x)) for x, w in zip(row, widths)).rstrip())


def dump_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=1))


def fail(e: Exception | str) -> None:
    """One error line on stderr, in the users' language."""
    click.echo(f"错误：{e}", err=True)
