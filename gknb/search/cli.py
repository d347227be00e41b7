"""The ``gknb search``, ``index``, ``series``, ``query`` and ``export`` commands.

Registered on the main group by ``gknb/cli.py``.  Exit status as grep's: 0 when something
was found, 1 when nothing was, 2 on an error (bad arguments, no archive, damaged index).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import apsw
import click

from gknb.archive.fs import Tree
from gknb.archive.store import Store, StoreError
from gknb.cliutil import YEAR, table

from . import export as exporter
from .cells import full_path, label_path, resolve
from .errors import SearchError
from .fulltext import search as run_search
from .index import Index
from .scope import make_scope
from .series import figures, number, parse_conditions
from .series import query as run_query
from .series import series as run_series
from .snippet import MARK

FOUND, NOT_FOUND, ERROR = 0, 1, 2

archive_option = click.option(
    "--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="档案目录（默认取环境变量 GKNB_ARCHIVE，否则 ~/.local/share/gknb/archive）")
agency_option = click.option("--agency", default=None, help="只看这个机关（可写名称的一部分）")
year_option = click.option("--year", type=YEAR, default=None, help="只看这个年度")
years_option = click.option("--years", default=None, help="只看这些年度，如 2019-2023")
json_option = click.option("--json", "as_json", is_flag=True, help="以JSON输出")


def _echo_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=1))




@contextmanager
def _index(archive_dir: Path | None) -> Iterator[Index]:
    """An up-to-date index; errors in the body too become a Chinese message and exit status 2."""
    try:
        with Index(Store(archive_dir)) as ix:
            if ix.store.root.is_dir() and not ix.is_built():
                click.echo("正在建立检索索引（只在首次使用时需要）……", err=True)
            ix.refresh()
            for path, error in ix.failures():
                click.echo(f"警告：档案文件 {path} 无法读取，未编入索引：{error}", err=True)
            yield ix
    except (SearchError, StoreError, OSError) as e:
        click.echo(f"错误：{e}", err=True)
        sys.exit(ERROR)
    except apsw.Error as e:
        click.echo(f"错误：检索索引无法使用（{e}）；可运行 gknb index --rebuild 重建", err=True)
        sys.exit(ERROR)


@click.command()
@click.argument("text")
@archive_option
@agency_option
@year_option
@years_option
@click.option("--section", "sections", multiple=True, help="只看这一部分：一…六、标题、前言（可重复）")
@click.option("--limit", type=click.IntRange(0, 1_000_000), default=20, show_default=True, help="最多显示几条（0：全部）")
@json_option
def search(text, archive_dir, agency, year, years, sections, limit, as_json) -> None:
    """在档案中所有报告的正文（各部分、标题、前言）中检索文字，任意长度，按相关度排列。

    不区分空格和换行、全角和半角、繁体和简体、英文字母大小写（“2024年”也找到“2024 年”“２０２４年”）；结果按原文显示。

    退出码：0 有结果，1 无结果，2 出错。
    """
    with _index(archive_dir) as ix:
        conn = ix.conn
        scope = make_scope(conn, ix.store, agency=agency, year=year, years=years, sections=sections)
        result = run_search(conn, text, scope, limit)
    try:
        if as_json:
            _echo_json(result.as_dict())
        else:
            for hit in result.hits:
                click.echo(f"{hit.agency}  {hit.year}  {hit.label}  （{hit.count}处）")
                body = "".join(click.style(f"{MARK[0]}{s}{MARK[1]}", fg="red", bold=True) if is_hit else s
                               for s, is_hit in hit.snippet)
                click.echo(f"    {body}")
            if result.total > len(result.hits):
                click.echo(f"共 {result.total} 个部分含有“{result.query}”，只显示前 {len(result.hits)} 个"
                           f"（可用 --limit 调整）", err=True)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader (head, less) stopped early: the hits were there all the same
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(FOUND if result.hits else NOT_FOUND)


@click.command(name="index")
@archive_option
@click.option("--rebuild", is_flag=True, help="丢弃索引，完全从档案XML重建")
def index_cmd(archive_dir, rebuild) -> None:
    """更新检索索引（只处理变化了的报告）；--rebuild 从档案XML完全重建。

    检索时会自动更新索引（按文件夹检查变化）；不经 gknb 直接改写了档案XML文件时，请运行本命令
    （逐个文件检查）。退出码：0 成功，1 有档案文件无法读取，2 出错。
    """
    try:
        with Index(Store(archive_dir)) as ix:
            r = ix.rebuild() if rebuild else ix.refresh(thorough=True)
            failures = ix.failures()
            total = ix.conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    except (SearchError, StoreError, OSError, apsw.Error) as e:
        click.echo(f"错误：{e}", err=True)
        sys.exit(ERROR)
    what = "已重建" if rebuild else "已更新"
    click.echo(f"索引{what}（{ix.path}）：新增 {r.added} 份，更新 {r.updated} 份，删除 {r.removed} 份，"
               f"未变 {r.unchanged} 份；共 {total} 份报告")
    for path, error in failures:
        click.echo(f"警告：档案文件 {path} 无法读取，未编入索引：{error}", err=True)
    sys.exit(NOT_FOUND if failures else FOUND)


def _note(state: str | None, flag: str | None) -> str:
    words = {"blank": "空白", "absent": "缺失", None: "该年度格式无此项"}
    note = words.get(state, "")
    if flag:
        note = f"{note}；存疑：{flag}" if note else f"存疑：{flag}"
    return note


@click.command()
@click.argument("cell")
@archive_option
@agency_option
@year_option
@years_option
@json_option
def series(cell, archive_dir, agency, year, years, as_json) -> None:
    """显示一个数字逐年的变化（每个机关一张表）。CELL 为单元格编号或标签路径，
    如 requests.new.total 或 “requests/一、本年新收政府信息公开申请数量/总计”。

    空白或缺失的单元格显示为空，不会显示为0。退出码：0 有报告，1 无报告，2 出错。
    """
    with _index(archive_dir) as ix:
        conn = ix.conn
        cdef = resolve(cell)
        scope = make_scope(conn, ix.store, agency=agency, year=year, years=years)
        points = run_series(conn, cdef, scope)
    if as_json:
        _echo_json({"cell": cdef.id, "label": full_path(cdef), "series": [p.as_dict() for p in points]})
    else:
        click.echo(f"{cdef.id}  {full_path(cdef)}")
        agencies = list(dict.fromkeys(p.agency for p in points))
        for agency_name in agencies:
            click.echo("")
            click.echo(agency_name)
            table(("年度", "数值", "说明"),
                   [(str(p.year), p.value or "", _note(p.state, p.flag)) for p in points if p.agency == agency_name])
    sys.exit(FOUND if points else NOT_FOUND)


@click.command()
@click.argument("conditions", nargs=-1, required=True)
@archive_option
@agency_option
@year_option
@years_option
@json_option
def query(conditions, archive_dir, agency, year, years, as_json) -> None:
    """找出数字满足条件的机关和年度，如 gknb query '行政复议 总计 > 0' 'requests.new.total >= 100'。

    单元格可写编号、标签路径，或标签中的词语（每个词都须出现在标签中；对应多个单元格时报错并列出）。
    运算符：> >= < <= = !=；多个条件须同时满足。空白或缺失的单元格不满足任何条件；
    解析存疑的数字标“?”并列出原因。
    退出码：0 有结果，1 无结果，2 出错。
    """
    with _index(archive_dir) as ix:
        conn = ix.conn
        conds = parse_conditions(conditions)
        scope = make_scope(conn, ix.store, agency=agency, year=year, years=years)
        matches = run_query(conn, conds, scope)
    if as_json:
        _echo_json({"conditions": [{"text": c.text, "cell": c.cell.id, "label": full_path(c.cell), "op": c.op,
                                    "number": number(str(c.number))} for c in conds],
                    "matches": [m.as_dict(conds) for m in matches]})
    else:
        for c in conds:
            click.echo(f"条件：{full_path(c.cell)}（{c.cell.id}）{c.op} {c.number}")
        table(("机关", "年度", *(label_path(c.cell) for c in conds)),
               [(m.agency, str(m.year), *(v + ("?" if f else "") for v, f in zip(m.values, m.flags)))
                for m in matches])
        doubtful = [(m, c, f) for m in matches for c, f in zip(conds, m.flags) if f]
        if doubtful:
            click.echo("")
            click.echo("“?”：解析存疑的数字（请核对原件，或用 gknb fix 核定）：")
            for m, c, f in doubtful:
                click.echo(f"  {m.agency} {m.year}年度 {label_path(c.cell)}：{f}")
    sys.exit(FOUND if matches else NOT_FOUND)


@click.command(name="export")
@click.option("--format", "fmt", type=click.Choice(exporter.FORMATS), required=True,
              help="输出格式：csv（一行一个数字）、json（供程序使用）、xlsx（每年一个工作表，机关×数字）")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件（默认写到标准输出；xlsx 必须指定）")
@archive_option
@agency_option
@year_option
@years_option
def export(fmt, output, archive_dir, agency, year, years) -> None:
    """导出档案中的全部数字，供电子表格使用。CSV 一行一个单元格（机关、年度、表、行、栏、数值、状态——
    有值、空白或缺失——、存疑原因…），为带BOM的UTF-8（Excel、WPS可直接打开）；xlsx 每个年度一个工作表，
    一行一个机关、一栏一个数字（存疑的数字标黄）。
    """
    if fmt in exporter.BINARY_ONLY and output is None:
        click.echo(f"错误：{fmt} 格式请用 -o 指定输出文件", err=True)
        sys.exit(ERROR)
    with _index(archive_dir) as ix:
        conn = ix.conn
        scope = make_scope(conn, ix.store, agency=agency, year=year, years=years)
        rows = figures(conn, scope)
        if output is None:
            try:
                sys.stdout.flush()
                exporter.write(fmt, rows, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            except BrokenPipeError:  # the reader (head, less) stopped early: not an error
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(FOUND)
        n = _write_file(output, lambda f: exporter.write(fmt, rows, f))
    click.echo(f"已导出 {n} 个数字到 {output}", err=True)
    sys.exit(FOUND)


def _write_file(output: Path, writer) -> int:
    """Stream into a temporary file beside ``output``, then move it into place atomically (the
    user's umask; a link at ``output`` refused): a failed export leaves the old file whole."""
    output = output.absolute()
    tree = Tree(output.parent)
    tmp = None
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=output.parent, prefix=f".{output.name}.", suffix=".tmp",
                                         delete=False) as f:
            tmp = Path(f.name)
            n = writer(f)
            f.flush()
            os.fsync(f.fileno())
        tree.move_in(tmp, output)
        tmp = None
        return n
    except (OSError, StoreError) as e:
        click.echo(f"错误：无法写入 {output}：{e}", err=True)
        sys.exit(ERROR)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


COMMANDS = (search, index_cmd, series, query, export)


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
