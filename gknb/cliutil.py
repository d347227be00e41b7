"""What every ``gknb`` command prints the same way: aligned tables, JSON, error lines.

Shared by the main command (:mod:`gknb.cli`) and the commands it registers
(:mod:`gknb.search.cli`, :mod:`gknb.compare.cli`, :mod:`gknb.generator.command`), so that
none of them imports another.
"""

from __future__ import annotations

import functools
import json
import math
import sys
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


def given(ctx: click.Context) -> list[click.Parameter]:
    """The options the user typed (not defaults, not an environment variable), in the command's order."""
    from click.core import ParameterSource

    return [p for p in ctx.command.params
            if isinstance(p, click.Option) and p.name is not None
            and ctx.get_parameter_source(p.name) == ParameterSource.COMMANDLINE]


def _shown(params: list[click.Parameter]) -> str:
    return "、".join("/".join(p.opts) for p in params)


def _option(ctx: click.Context, name: str) -> click.Parameter:
    return next(p for p in ctx.command.params if p.name == name)


def refuse(ctx: click.Context, mode: str, unused: set[str]) -> None:
    """A usage error naming every option of ``unused`` (parameter names) that the user typed:
    ``mode``, the way the command runs, does not use them."""
    typed = [p for p in given(ctx) if p.name in unused]
    if typed:
        raise click.UsageError(f"{_shown(typed)} 不用于{mode}", ctx)


def refuse_unused(ctx: click.Context, mode: str, accepted: set[str]) -> None:
    """A usage error for every option typed that ``mode`` does not use.

    An option a command accepts but ignores in the mode the user chose (``-o`` where
    ``--html`` writes, a path that is never read) looks as if it had been applied: the
    user must hear it was not.  ``accepted`` names options by their parameter names.
    """
    refuse(ctx, mode, {p.name for p in given(ctx) if p.name is not None and p.name not in accepted})


_SET = object()


def requires(ctx: click.Context, option: str, other: str, value: object = _SET, why: str = "") -> None:
    """A usage error when ``option`` is typed and ``other``, without which it does nothing, is
    not in effect: not given (None, False, empty), or, with ``value``, not that value."""
    if option not in {p.name for p in given(ctx)}:
        return
    have = ctx.params.get(other)
    if (have == value) if value is not _SET else have not in (None, False, (), ""):
        return
    needed = _shown([_option(ctx, other)]) + ("" if value is _SET else f" {value}")
    raise click.UsageError(f"{_shown([_option(ctx, option)])} 须与 {needed} 同用{why}", ctx)


def exclusive(ctx: click.Context, *names: str) -> None:
    """A usage error when more than one of these options is typed (one would silently win)."""
    typed = [p for p in given(ctx) if p.name in names]
    if len(typed) > 1:
        raise click.UsageError(" 与 ".join("/".join(p.opts) for p in typed) + " 只能指定一个", ctx)


def refuse_mistyped(command: click.Command, name: str, args: list[str], parent: click.Context) -> None:
    """Usage errors for what a command would take silently amiss, checked on its raw arguments
    before it runs: an option typed twice (``--year 2024 --year 2025``, ``--pdf --no-pdf``: click
    keeps the last and drops the first without a word; options that collect may repeat), and a
    text value (not a path) holding bytes that are no UTF-8 — a terminal in another encoding —
    which would reach the archive or the index as broken text.  Anything else the parser rejects
    is left to the command's own parse to report."""
    from collections import Counter

    ctx = click.Context(command, info_name=name, parent=parent, resilient_parsing=True)
    try:
        values, _, order = command.make_parser(ctx).parse_args(args=list(args))
    except click.UsageError:
        return
    if any(p.is_eager for p in order):  # --help: answered as asked
        return
    here = click.Context(command, info_name=name, parent=parent)
    times = Counter(p.name for p in order if isinstance(p, click.Option) and not p.multiple and not p.count)
    twice = [p for p in command.params if times[p.name] > 1]
    if twice:
        raise click.UsageError(f"{_named(twice)} 只能给出一次（重复给出时只有最后一次生效）", here)
    broken = [p for p in command.params if not isinstance(p.type, click.Path | click.File)
              and any(_undecodable(v) for v in _strings(values.get(p.name)))]
    if broken:
        raise click.UsageError(f"{_named(broken)} 的值含有无法识别的字符（终端的字符编码是否为UTF-8？）", here)


def _named(params: list[click.Parameter]) -> str:
    return "、".join("/".join([*p.opts, *p.secondary_opts]) if isinstance(p, click.Option) else p.human_readable_name
                    for p in params)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []


def _undecodable(text: str) -> bool:
    """Text holding a lone surrogate: bytes Python could not decode (kept by surrogateescape)."""
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


class YearType(click.ParamType):
    """A report year (:func:`gknb.years.check_year`): ``--year 25`` or twenty digits is a usage
    error in Chinese, not a report for year 25 nor a traceback in the query that uses it."""

    name = "年度"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from gknb.years import YearError, check_year

        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        try:
            return check_year(value)
        except YearError as e:
            self.fail(str(e), param, ctx)


YEAR = YearType()


class Amount(click.FloatRange):
    """A number in a range that is also finite: click's own range lets ``nan`` and ``inf`` pass."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"“{value}”不是一个有限的数", param, ctx)
        return number


def executor_options(f: Any) -> Any:
    """``--executor local|dask`` and ``--scheduler``: where a job's tasks run (:mod:`gknb.jobs.executor`).

    The command also refuses, before it does anything, the two combinations the executor would
    ignore: ``--scheduler`` without ``--executor dask`` (a local pool has no scheduler) and
    ``--workers`` with ``--scheduler`` (a running cluster has the workers it has)."""
    @functools.wraps(f)
    def checked(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        requires(ctx, "scheduler", "executor_kind", "dask")
        if ctx.params.get("scheduler") is not None:
            refuse(ctx, "已在运行的 dask 集群（--scheduler：进程数由集群决定）", {"workers"})
        return f(*args, **kwargs)

    checked = click.option("--scheduler", default=None, metavar="tcp://主机:端口",
                           help="dask 调度器的地址（与 --executor dask 一起使用；不给出则在本机启动一个 LocalCluster）"
                           )(checked)
    return click.option("--executor", "executor_kind", type=click.Choice(["local", "dask"]), default="local",
                        show_default=True,
                        help="任务在哪里运行：local 本机进程池；dask 为 dask.distributed 集群（需安装 gknb[cluster]）")(checked)


def open_executor(kind: str, scheduler: str | None, workers: int | None) -> Any:
    """The executor a command asked for; a cluster that cannot be had is a Chinese error, exit 2."""
    from gknb.jobs.executor import ExecutorError, make

    try:
        return make(kind, workers=workers, scheduler=scheduler)
    except ExecutorError as e:
        fail(e)
        sys.exit(2)
