"""The ``gknb`` command.  Each subcommand is a thin layer over a library function."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gknb.archive.errors import StoreError

from . import clizh
from .cliutil import (
    YEAR,
    Amount,
    dump_json,
    executor_options,
    fail,
    open_executor,
    refuse_mistyped,
    refuse_unused,
    table,
)

if TYPE_CHECKING:
    from gknb.archive.store import Store
    from gknb.model import Report
    from gknb.rules import Violation

# Each command imports what it uses, when it runs: ``gknb check`` on one file loads the readers
# and the checker, not the archive's writer, the generator, the comparer or the search index.

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2

archive_option = click.option(
    "--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="档案目录（默认取环境变量 GKNB_ARCHIVE，否则 ~/.local/share/gknb/archive）")


def _store(archive_dir: Path | None) -> Store:
    from gknb.archive.store import Store  # late: a command on one file needs no archive
    return Store(archive_dir)




def _describe(r: Report) -> str:
    from gknb import template as tpl
    t = tpl.load()
    year = f"{r.year}年度" if r.year else "年度不详"
    return f"{r.agency or '机关不详'} {year}（{t.formats[r.format].name}）"


clizh.install()  # click's own messages (usage, missing arguments, unknown options) in Chinese


# Commands that live with their feature modules, imported only when used: `gknb check` on one
# file does not load the generator, the comparer and the search index.
LAZY = {
    "compare": "gknb.compare.cli:compare_cmd",
    "annotate": "gknb.compare.cli:annotate_cmd",
    "consolidate": "gknb.consolidate.cli:consolidate_cmd",
    "overview": "gknb.compare.cli:overview_cmd",
    "draft": "gknb.generator.command:draft",
    "generate": "gknb.generator.command:generate",
    "search": "gknb.search.cli:search",
    "index": "gknb.search.cli:index_cmd",
    "series": "gknb.search.cli:series",
    "query": "gknb.search.cli:query",
    "export": "gknb.search.cli:export",
    "fix": "gknb.compare.cli:fix_cmd",
    "dismiss": "gknb.compare.cli:dismiss_cmd",
    "confirm": "gknb.compare.cli:confirm_cmd",
}


class _Main(click.Group):
    """The command group: a store error (a corrupt or linked archive entry, a full disk) that a
    command did not handle itself is its Chinese message and exit status 2, never a traceback.
    The feature modules' commands (:data:`LAZY`) are imported on first use.  An option typed twice,
    or text that is no UTF-8, is refused for every command (:func:`cliutil.refuse_mistyped`)."""

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *LAZY})

    def get_command(self, ctx, name):
        if name in LAZY and name not in self.commands:
            module, attr = LAZY[name].split(":")
            command = getattr(importlib.import_module(module), attr)
            command.options_metavar = clizh.OPTIONS_METAVAR
            self.add_command(command, name)
        return super().get_command(ctx, name)

    def resolve_command(self, ctx, args):
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and name is not None and not ctx.resilient_parsing:  # every command, lazy or not
            refuse_mistyped(command, name, rest, ctx)
        return name, command, rest

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except StoreError as e:
            fail(e)
            sys.exit(EXIT_UNUSABLE)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]},
             options_metavar=clizh.OPTIONS_METAVAR, subcommand_metavar=clizh.SUBCOMMAND_METAVAR)
@click.version_option(package_name="gknb", message="gknb %(version)s")
def main() -> None:
    """gknb（公开年报）：解析、归档、核对、比较和生成政府信息公开工作年度报告。"""
    # (the PDF libraries' logging is quieted where they are imported: parsers.quiet)


# --------------------------------------------------------------------------- parse

VERIFY_HELP = "PDF用两种读取引擎（pdfium、pdfplumber）分别读取并比对，读得不同的单元格标为存疑（约慢三倍）"


def _read_settings(verify: bool):
    from gknb.parsers import PdfSettings, ReadSettings
    return ReadSettings(pdf=PdfSettings(verify=verify))


def _reports(paths, failed: list[Path], verify: bool = False):
    """(path, report) for each usable input; unusable ones are reported and collected in ``failed``."""
    from gknb.inputs import load_report
    from gknb.parsers import DocumentError
    settings = _read_settings(verify)
    for path in paths:
        try:
            yield path, load_report(path, settings)
        except DocumentError as e:
            fail(e)
            failed.append(path)


def _where(w) -> str:
    """Where a row was read, as a user finds it in the document."""
    if w.page is not None:
        return f"第{w.page}页"
    if w.table is not None:
        return f"第{w.table + 1}个表格第{(w.row or 0) + 1}行"
    if w.line is not None:
        return f"第{w.line}行"
    return ""


def _explained(paths, failed: list[Path], verify: bool = False):
    """Like _reports, printing how each table row and section was read."""
    from gknb.parsers import DocumentError, parse_source, read_source
    settings = _read_settings(verify)
    for path in paths:
        events: list = []
        try:
            report = parse_source(read_source(path, settings), settings, events=events)
        except DocumentError as e:
            fail(e)
            failed.append(path)
            continue
        click.echo(f"{path}：读取过程")
        for ev in events:
            place = _where(ev.where)
            text = " ".join(ev.text.split())[:60]  # a cell's line breaks on one line
            click.echo(f"  {place + ' ' if place else ''}{ev.kind}：{text} → {ev.result}")
        yield path, report


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以JSON输出数字（与语料 expected.json 相同的布局）")
@click.option("--explain", is_flag=True, help="逐行显示表格各行是如何识别、对应到模板的（数字有误时用来查找原因）")
@click.option("--verify", is_flag=True, help=VERIFY_HELP)
def parse(paths: tuple[Path, ...], as_json: bool, explain: bool, verify: bool) -> None:
    """解析报告（PDF、Word、网页、文本，或数字文件），显示其中的数字和各部分。"""
    if as_json:  # the reading's account is lines for a person: printed amid the JSON, it spoils it
        refuse_unused(click.get_current_context(), "JSON输出（读取过程请不加 --json 另行显示）", {"as_json", "verify"})
    from gknb import template as tpl
    from gknb.view import to_view
    views, failed = [], []
    for path, report in (_explained if explain else _reports)(paths, failed, verify):
        if as_json:
            views.append(to_view(report))
        else:
            n = report.cell_counts()
            click.echo(f"{path}：{_describe(report)}")
            click.echo(f"  单元格：确定 {n['exact']}，存疑 {n['flagged']}，空白 {n['blank']}，缺失 {n['absent']}")
            found = [k for k in (s.key for s in tpl.load().sections) if k in report.sections]
            click.echo(f"  各部分：{'、'.join(found) if found else '无'}")
            for f in report.findings:
                click.echo(f"  注意：{f.message}")
    if as_json and views:
        dump_json(views[0] if len(paths) == 1 else views)
    sys.exit(EXIT_UNUSABLE if failed else EXIT_OK)


# --------------------------------------------------------------------------- check

def _not_dismissed(store: Store | None, report: Report, found: list[Violation]) -> list[Violation]:
    """The findings not dismissed in the archive, as every review counts them (no archive: all;
    the decisions' reader, and lxml with it, is loaded only then)."""
    if store is None:
        return found
    from gknb.verdicts import not_dismissed
    return not_dismissed(store, report, found)


def _print_doubts(report: Report, shown: int = 6) -> None:
    """The figures the reader was unsure of, by reason: the findings above rest on them."""
    from gknb.cellnames import by_reason

    flags = report.flags()
    if not flags:
        return
    reasons = by_reason(flags)
    click.echo(f"  存疑 {len(flags)} 个数字解析存疑，核对按解析出的数字进行，请核对原件（确认后可用 gknb fix 核定）：")
    for why, cells in reasons[:shown]:
        more = f"等 {len(cells)} 个" if len(cells) > 3 else ""
        click.echo(f"    {'、'.join(cells[:3])}{more}：{why}")
    if len(reasons) > shown:
        click.echo(f"    另有 {len(reasons) - shown} 种情况（gknb parse --json 列出每个数字）")


def _print_violation(v: Violation) -> None:
    from gknb.rules import SEVERITY_ZH
    click.echo(f"  {SEVERITY_ZH[v.severity]} {v.rule} [{v.scope}] {v.message}")


@main.command(name="check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--previous", type=click.Path(path_type=Path), default=None,
              help="上一年度的报告（用于跨年度核对）；不指定时从档案中查找")
@archive_option
@click.option("--json", "as_json", is_flag=True, help="以JSON输出核对结果")
def check_cmd(paths: tuple[Path, ...], previous: Path | None, archive_dir: Path | None, as_json: bool) -> None:
    """按官方格式和勾稽关系核对报告。退出码：0 无错误，1 有错误，2 无法使用的输入。"""
    if previous is not None:  # the previous year is that file: the archive is not looked in
        refuse_unused(click.get_current_context(), "给出 --previous 的核对（上一年度即该文件，不查档案）",
                      {"previous", "as_json"})
    from gknb.archive.location import default_root
    from gknb.inputs import load_report
    from gknb.parsers import DocumentError
    from gknb.rules import ERROR, counts_line, evaluate
    root = archive_dir or default_root()
    store = _store(root) if root.exists() else None  # no archive: no previous year to look up
    results, failed, errors = [], [], False
    try:
        prev_report = load_report(previous) if previous else None
    except DocumentError as e:
        fail(e)
        sys.exit(EXIT_UNUSABLE)
    for path, report in _reports(paths, failed):
        prev = prev_report
        if prev is None and store is not None and report.agency and report.year:
            prev = store.get(report.agency, report.year - 1)
        outcomes = evaluate(report, prev)
        found = [v for o in outcomes for v in o.violations]
        violations = _not_dismissed(store, report, found)
        dismissed = len(found) - len(violations)
        errors |= any(v.severity == ERROR for v in violations)
        if as_json:
            results.append({"document": str(path), "agency": report.agency, "year": report.year,
                            "previous_year": prev.year if prev else None,
                            "violations": [v.as_dict() for v in violations], "dismissed": dismissed,
                            "outcomes": [o.as_dict() for o in outcomes], "flags": report.flags()})
            continue
        click.echo(f"{path}：{_describe(report)}" + (f"，对照 {prev.year} 年度" if prev else ""))
        for v in violations:
            _print_violation(v)
        _print_doubts(report)
        ne = sum(v.severity == ERROR for v in violations)
        click.echo(f"  共 {ne} 个错误，{len(violations) - ne} 个警告"
                   + (f"（另有 {dismissed} 个发现已经审核驳回，不计入；见 gknb compare 的人工处理记录）" if dismissed else ""))
        click.echo(f"  {counts_line(outcomes)}")
    if as_json:
        dump_json(results[0] if len(paths) == 1 and results else results)
    sys.exit(EXIT_UNUSABLE if failed else EXIT_ERRORS if errors else EXIT_OK)


# --------------------------------------------------------------------------- archive

@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@archive_option
@click.option("--agency", default=None, help="指定机关名称（覆盖从报告中识别的名称）")
@click.option("--year", type=YEAR, default=None, help="指定报告年度（覆盖从报告中识别的年度）")
@click.option("--replace", is_flag=True, help="替换档案中内容不同的同一年度报告（原版本保留在 history）")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="并行解析的进程数（默认：全部CPU核）")
@click.option("--timeout", type=Amount(1, 86400), default=120, show_default=True, help="每份文件的解析时限（秒）")
@click.option("--register", "register_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="机关名录（机关名录.xlsx）：报告所印的简称、曾用名、误写按名录归入机关全称")
@click.option("--verify", is_flag=True, help=VERIFY_HELP)
@executor_options
def ingest(paths, archive_dir, agency, year, replace, workers, timeout, register_path, verify, executor_kind,
           scheduler) -> None:
    """解析、核对并归档报告（连同原始文件）。可给出文件夹：其中所有文件都会处理。"""
    from gknb import register as agency_register
    from gknb.archive.fs import Tree
    from gknb.jobs.ingest import expand
    from gknb.jobs.ingest import ingest as run
    store = _store(archive_dir)
    register = None
    if register_path is not None:
        try:
            register = agency_register.read(Tree(register_path.absolute().parent), register_path.absolute())
        except agency_register.RegisterError as e:
            fail(e)
            sys.exit(EXIT_UNUSABLE)
        if register is None:
            fail(f"{register_path}：机关名录不存在")
            sys.exit(EXIT_UNUSABLE)
        known = register.find(agency) if agency else None
        if known is not None and known.full != agency.strip():  # --agency is archived as typed, unresolved
            raise click.BadParameter(f"“{agency}”是机关名录中“{known.full}”的简称、曾用名或误写；"
                                     f"--agency 给出的名称按原样归档，不经机关名录改写：请写全称“{known.full}”",
                                     param_hint="--agency")
    files = expand(paths)
    if not files:
        fail("没有找到要处理的文件")
        sys.exit(EXIT_UNUSABLE)

    from gknb.filenames import readable

    def progress(i, n, path):
        if n > 1:
            click.echo(f"[{i}/{n}] 已解析 {readable(path)}", err=True)

    with open_executor(executor_kind, scheduler, workers) as executor:
        outcomes = run(store, files, agency=agency, year=year, replace=replace, timeout=timeout, progress=progress,
                       names=register.resolve if register else None,
                       folders=agency_register.folders_by_name(store, register).get if register else None,
                       verify=verify, executor=executor)
    words = {"new": "已归档", "unchanged": "已有，内容相同", "replaced": "已替换（原版本已保留）", "failed": "失败"}
    status = EXIT_OK
    rows = []
    for out in outcomes:
        if out.error:
            fail(out.error)
            status = EXIT_UNUSABLE
        elif out.errors:
            status = status or EXIT_ERRORS
        r = out.report
        n = r.cell_counts() if r else {}
        rows.append((readable(out.path), r.agency if r else "", str(r.year or "") if r else "",
                     r.format if r else "", str(n.get("exact", "")), str(n.get("flagged", "")),
                     str(out.errors) if r else "", str(out.warnings) if r else "", words[out.status]))
    table(("文件", "机关", "年度", "格式", "确定", "存疑", "错误", "警告", "结果"), rows)
    sys.exit(status)


@main.command(name="list")
@archive_option
@click.option("--agency", default=None, help="只列出这个机关")
def list_cmd(archive_dir, agency) -> None:
    """列出档案中的报告。"""
    store = _store(archive_dir)
    for e in store.entries(agency):
        click.echo(f"{e.agency}\t{e.year}\t{e.path}")


@main.command()
@archive_option
@click.option("--agency", default=None, help="只重新解析这个机关的报告")
@click.option("--dry-run", is_flag=True, help="只报告变化，不写入档案")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="并行解析的进程数（默认：全部CPU核）")
@executor_options
def reparse(archive_dir, agency, dry_run, workers, executor_kind, scheduler) -> None:
    """用当前的解析器重新解析档案中保存的原始文件，报告哪些数字有变化。"""
    from gknb.jobs.reparse import reparse as run
    store = _store(archive_dir)
    status = EXIT_OK
    with open_executor(executor_kind, scheduler, workers) as executor:
        items = run(store, agency, write=not dry_run, executor=executor)
    for item in items:
        head = f"{item.entry.agency} {item.entry.year}"
        for note in item.notes:  # a person's fix that no longer fits the figure as read
            click.echo(f"{head}：{note}", err=True)
        if item.status == "no-source":
            click.echo(f"{head}：档案中没有原始文件，跳过")
        elif item.status == "failed":
            click.echo(f"{head}：重新解析失败：{item.error}")
            status = EXIT_UNUSABLE
        elif not item.changes:
            click.echo(f"{head}：数字没有变化")
        else:
            click.echo(f"{head}：{len(item.changes)} 个数字有变化" + ("（未写入）" if dry_run else "（已更新，原版本已保留）"))
            for c in item.changes:
                click.echo(f"  {c.label}：{c.old} → {c.new}")
    sys.exit(status)


@main.command()
@click.option("--work", "work", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="工作文件夹（其中 inbox 放新收到的报告和数字文件）")
@click.option("--year", required=True, help="要编制的报告年度（四位数字，例如 1 月编制上一年的报告）")
@archive_option
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="并行的进程数（默认：全部CPU核）")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="生成报告时是否同时生成PDF")
@click.option("--deadline", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="报送截止日期（如 2026-01-31）；默认按条例：部门次年1月31日，本级政府次年3月31日")
@executor_options
def january(work: Path, year: str, archive_dir: Path | None, workers: int | None, pdf: bool, deadline,
            executor_kind: str, scheduler: str | None) -> None:
    """一月的年度作业：入库新文件、核对、为缺少本年度的机关生成数字文件、按填好的数字文件生成报告、
    写出每个机关的审查报告（本年对上年）和总索引（按机关名录列出已提交、逾期、未提交）及催报名单，
    最后列出汇总表。可反复运行：已完成的不会重做。机关名录 机关名录.xlsx 首次运行时生成，由办公室维护。"""
    from gknb.jobs.january import FAILED, YearError, check_year, run
    from gknb.register import RegisterError

    try:
        year = check_year(year)
    except YearError as e:
        fail(e)
        sys.exit(EXIT_UNUSABLE)
    if not work.is_dir():  # a mistyped folder: create nothing, run nothing
        fail(f"{work}：工作文件夹不存在（应含收件箱 inbox/；新的一年请先建好文件夹并放入收到的报告）")
        sys.exit(EXIT_UNUSABLE)

    def progress(phase, i, n, item):
        from gknb.filenames import readable
        click.echo(f"[{phase} {i}/{n}] {readable(str(item))}".rstrip(), err=True)

    try:
        with open_executor(executor_kind, scheduler, workers) as executor:
            rows, failures = run(work, year, archive=archive_dir, pdf=pdf, progress=progress,
                                 deadline=deadline.date() if deadline else None, executor=executor)
    except RegisterError as e:
        fail(e)
        sys.exit(EXIT_UNUSABLE)
    for f in failures:
        fail(f)
    table(("机关", "状态", "报送", "错误", "警告", "存疑数字", "输出"),
           [(r.agency, r.status, r.submission, str(r.errors), str(r.warnings),
             str(r.index.doubtful if r.index is not None else 0), "；".join(Path(o).name for o in r.outputs))
            for r in rows])
    for r in rows:
        for note in r.notes:
            click.echo(f"注意（{r.agency}）：{note}", err=True)
    sys.exit(EXIT_UNUSABLE if failures or any(r.status == FAILED for r in rows)
             else EXIT_ERRORS if any(r.errors for r in rows) else EXIT_OK)


for _command in main.commands.values():  # "用法：gknb parse [选项] PATHS..."
    _command.options_metavar = clizh.OPTIONS_METAVAR


if __name__ == "__main__":
    main()
