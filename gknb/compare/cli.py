"""``gknb compare``: two documents, an agency's year from the archive, or a whole year in batch."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import click

from gknb.archive.store import Store, atomic_write
from gknb.cliutil import YEAR, Amount, refuse_unused, requires
from gknb.inputs import load_report
from gknb.parsers import DocumentError
from gknb.rules import SEVERITY_ZH

from .batch import PairError, archive_comparison, run_batch
from .changes import Thresholds
from .checks import NEW, OLD, STATE_ZH
from .comparison import Comparison, compare
from .html import doubt_note, render
from .jsonview import to_json

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2


def _fail(message) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(EXIT_UNUSABLE)


def _year(r) -> str:
    return f"{r.year}年度" if r is not None and r.year else "年度不详"


def _summary(c: Comparison) -> None:
    """The comparison's verdict and findings in the terminal, as ``check`` prints them."""
    head = f"{c.agency}：{_year(c.new)}" + (f" 对照 {_year(c.old)}" if c.old is not None else "（无上年报告）")
    click.echo(head)
    for label, which in (("本年", NEW), ("上年", OLD)):
        if flags := c.doubtful(which):
            click.echo(f"  存疑：{doubt_note(label, flags)}")
    for note in c.notes:
        click.echo(f"  注意：{note}")
    groups = [(f"本年 {_year(c.new)}", [f for f in c.of(NEW) if not f.cross_year]),
              ("跨年度", [f for f in c.of(NEW) if f.cross_year])]
    if c.old is not None:
        groups.append((f"上年 {_year(c.old)}", c.of(OLD)))
    for title, findings in groups:
        click.echo(f"  {title}：" + ("" if findings else "未发现问题"))
        for f in findings:
            v = f.violation
            click.echo(f"    {SEVERITY_ZH[v.severity]} {v.rule} [{v.scope}] {v.message}")
    checked = "，".join(f"{s.rule.id} {STATE_ZH[s.state]}" + (f"（{s.note}）" if s.note else "") for s in c.statuses)
    click.echo(f"  跨年度规则：{checked}")
    click.echo(f"  共 {len(c.errors)} 个错误，{len(c.warnings)} 个警告")


def _write(path: Path, data: bytes) -> None:
    """Atomically, through gknb.archive.fs (the user's umask; a link in the way refused)."""
    try:
        atomic_write(path, data)
    except OSError as e:  # WriteError says which file and why, in Chinese
        _fail(e)


# The options each way of running the command uses (parameter names); any other typed is refused.
_ONE = {"as_json", "swing_percent", "swing_min", "generated_on"}
_FROM_ARCHIVE = {"archive_dir", "agency", "year"}
_BATCH = {"output_dir", "summary_path", "register_path"}


@click.command("compare")
@click.argument("documents", nargs=-1, type=click.Path(path_type=Path))
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="档案目录（默认取环境变量 GKNB_ARCHIVE，否则 ~/.local/share/gknb/archive）")
@click.option("--agency", default=None, help="从档案中对照这个机关（与 --year 同用）")
@click.option("--year", type=YEAR, default=None, help="本年度：与上一年度对照（不指定 --agency 时批量对照所有机关）")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="把对照报告写成一个HTML文件")
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="把本年正文对照上年正文写成 Word 修订（插入、删除），可在 Word、WPS 中逐条接受或拒绝")
@click.option("--json", "as_json", is_flag=True, help="以JSON输出核对发现的问题（供脚本使用）")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="批量对照的输出目录：每个机关一份HTML，外加 index.html")
@click.option("--summary-docx", "summary_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="批量对照时，另把审核意见汇总写成一个 Word 文件（每个机关一节：报送情况、错误和警告）")
@click.option("--register", "register_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="机关名录（机关名录.xlsx）：审核意见汇总中同时列出须报送而未提交的机关")
@click.option("--swing-percent", type=Amount(0), default=50, show_default=True,
              help="大幅变化：增幅（%）不小于此值")
@click.option("--swing-min", type=Amount(0), default=10, show_default=True,
              help="大幅变化：增减绝对值不小于此值")
@click.option("--date", "generated_on", default=None,
              help="写入报告的生成日期（默认不写，相同输入总是得到相同的文件）")
def compare_cmd(documents, archive_dir, agency, year, html_path, docx_path, as_json, output_dir, summary_path,
                register_path, swing_percent, swing_min, generated_on) -> None:
    """对照同一机关相邻两年的年度报告：两年各自核对、跨年度核对、数字增减、正文差异、上年问题的整改。

    \b
    gknb compare 上年报告 本年报告 [--html 对照.html] [--docx 对照.docx] [--json]
    gknb compare --archive 档案 --agency 机关 --year 年度 [--html 对照.html]
    gknb compare --archive 档案 --year 年度 -o 输出目录      （批量：每个机关一份，外加 index.html）
    gknb compare --archive 档案 --year 年度 -o 输出目录 --summary-docx 审核意见汇总.docx [--register 机关名录.xlsx]

    退出码：0 无错误，1 有错误，2 无法使用的输入。
    """
    thresholds = Thresholds(relative=swing_percent / 100, absolute=swing_min)
    ctx = click.get_current_context()
    if documents and (agency or year):
        raise click.UsageError("请给出两份报告，或用 --agency/--year 从档案中选取，不要同时使用")
    if documents:
        refuse_unused(ctx, "两份报告的对照（写HTML请用 --html）", _ONE | {"html_path", "docx_path"})
    elif agency is not None:
        refuse_unused(ctx, "一个机关的对照（写HTML请用 --html）", _ONE | _FROM_ARCHIVE | {"html_path", "docx_path"})
    elif year is not None:
        refuse_unused(ctx, "批量对照（输出目录用 -o）", _ONE | _FROM_ARCHIVE | _BATCH)
    if documents or agency is not None:  # one comparison: the date is printed on its HTML page only
        requires(ctx, "generated_on", "html_path", why="（日期只写入HTML对照报告）")
    requires(ctx, "register_path", "summary_path")
    if documents:
        if len(documents) != 2:
            raise click.UsageError("需要两份报告：先上年的，再本年的")
        reports = []
        for path in documents:
            try:
                reports.append(load_report(path))
            except DocumentError as e:
                _fail(e)
        comparisons = [compare(reports[0], reports[1], old_name=str(documents[0]), new_name=str(documents[1]),
                               thresholds=thresholds)]
    else:
        if year is None:
            raise click.UsageError("请给出两份报告，或用 --year（和 --agency）从档案中选取")
        store = Store(archive_dir)
        if not (store.root / "reports").is_dir():
            _fail(f"{store.root}：不是gknb档案目录（没有 reports 子目录）")
        if agency is None:
            if output_dir is None:
                raise click.UsageError("批量对照需要 -o 输出目录")
            register = _register(register_path) if register_path is not None else None
            _batch(store, year, output_dir, thresholds, generated_on, as_json, summary_path, register)
            return
        try:
            comparisons = [archive_comparison(store, agency, year, thresholds=thresholds)]
        except PairError as e:
            _fail(e)
    c = comparisons[0]
    if html_path is not None:
        _write(html_path, render(c, generated_on=generated_on).encode("utf-8"))
    if docx_path is not None:
        if c.old is None:
            _fail(f"没有{c.agency}上一年度的报告：无从写出正文修订对照")
        from .tracked import tracked_docx
        _write(docx_path, tracked_docx(c.old, c.new))
    if as_json:
        click.echo(json.dumps(to_json(c), ensure_ascii=False, indent=1))
    else:
        _summary(c)
        if html_path is not None:
            click.echo(f"对照报告已写入：{html_path}")
        if docx_path is not None:
            click.echo(f"正文修订对照已写入：{docx_path}")
    sys.exit(EXIT_ERRORS if c.errors else EXIT_OK)


def _register(path: Path):
    from gknb import register as agency_register
    from gknb.archive.fs import Tree
    path = path.absolute()
    try:
        found = agency_register.read(Tree(path.parent), path)
    except (agency_register.RegisterError, OSError) as e:
        _fail(e)
    if found is None:
        _fail(f"{path}：机关名录不存在")
    return found


def _batch(store: Store, year: int, outdir: Path, thresholds: Thresholds, generated_on, as_json: bool,
           summary_path: Path | None = None, register=None) -> None:
    try:
        items = run_batch(store, year, outdir, thresholds=thresholds, generated_on=generated_on)
    except OSError as e:
        _fail(f"{outdir}：无法写入（{e.strerror or e}）")
    if not items:
        _fail(f"档案中没有{year}年度的报告（档案目录：{store.root}）")
    if summary_path is not None:
        from gknb.generator.notice import summary_docx
        from gknb.jobs.reviewsummary import from_batch
        _write(summary_path, summary_docx(year, from_batch(items, register)))
    if as_json:
        click.echo(json.dumps([to_json(i.comparison) for i in items if i.comparison], ensure_ascii=False, indent=1))
    for i in items:
        if i.comparison is None:
            click.echo(f"错误：{i.error}", err=True)
        elif not as_json:
            c = i.comparison
            click.echo(f"{i.agency}：错误 {len(c.errors)}，警告 {len(c.warnings)} → {outdir / i.file}")
    if not as_json:
        click.echo(f"汇总：{outdir / 'index.html'}")
        if summary_path is not None:
            click.echo(f"审核意见汇总已写入：{summary_path}")
    unusable = any(i.comparison is None for i in items)
    errors = any(i.comparison is not None and i.comparison.errors for i in items)
    sys.exit(EXIT_UNUSABLE if unusable else EXIT_ERRORS if errors else EXIT_OK)


# --------------------------------------------------------------------------- decisions

def _who(by: str | None, date, reason: str):
    import getpass

    from .decide import DecisionError, Who
    try:
        name = by or getpass.getuser()
    except (KeyError, OSError):
        name = ""
    try:
        return Who(name, date.date() if date else datetime.date.today(), reason)
    except DecisionError as e:
        _fail(e)


_decision_options = [
    click.option("--reason", required=True, help="理由（必填，记入档案）"),
    click.option("--by", default=None, help="处理人姓名（默认：当前登录用户名）"),
    click.option("--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                 help="处理日期，如 2026-02-01（默认：今天）"),
    click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                 help="档案目录（默认取环境变量 GKNB_ARCHIVE，否则 ~/.local/share/gknb/archive）"),
]


def _decision(f):
    for option in reversed(_decision_options):
        f = option(f)
    return f


def _archive(archive_dir: Path | None) -> Store:
    store = Store(archive_dir)
    if not (store.root / "reports").is_dir():
        _fail(f"{store.root}：不是gknb档案目录（没有 reports 子目录）")
    return store


@click.command("fix")
@click.argument("agency")
@click.argument("year", type=YEAR)
@click.argument("cell")
@click.argument("value")
@_decision
def fix_cmd(agency, year, cell, value, reason, by, date, archive_dir) -> None:
    """人工核定一个数字（如无法由勾稽关系判定的连写数字、识别有误的数字），记入档案，重新解析后仍保留。

    \b
    gknb fix 机关 年度 单元格 数值 --reason 理由 [--by 姓名] [--date 2026-02-01]
    单元格可写编号（requests.new.total）或标签中的词语（“本年新收 总计”）。
    """
    from .decide import DecisionError, fix
    who = _who(by, date, reason)
    try:
        record = fix(_archive(archive_dir), agency, year, cell, value, who)
    except DecisionError as e:
        _fail(e)
    from gknb.archive.decisions import label
    click.echo(f"已核定：{agency} {year}年度 {label(record.cell)}：{record.old_shown} → {record.new_value}"
               f"（{record.by}，{record.date.isoformat()}）")


def _judge_cmd(verdict: str):
    def command(agency, year, rule, scope, reason, by, date, archive_dir) -> None:
        from gknb.archive.decisions import VERDICT_ZH

        from .decide import DecisionError, judge
        who = _who(by, date, reason)
        try:
            records = judge(_archive(archive_dir), agency, year, rule, verdict, who, scope)
        except DecisionError as e:
            _fail(e)
        for r in records:
            click.echo(f"{VERDICT_ZH[verdict]}：{agency} {year}年度 {r.rule}［{r.scope}］{r.message}")
    return command


def _judge_command(name: str, verdict: str, doc: str):
    f = _judge_cmd(verdict)
    f.__doc__ = doc
    f = _decision(f)
    f = click.option("--scope", default=None, help="只处理这一处（如“自然人栏”；默认：该规则的全部发现）")(f)
    for arg in reversed((click.argument("agency"), click.argument("year", type=YEAR), click.argument("rule"))):
        f = arg(f)
    return click.command(name)(f)


dismiss_cmd = _judge_command("dismiss", "dismissed", """驳回一条核对发现（经审核不是问题），记入档案：不再计入错误和警告；
    次年数字相同的同一发现也不再提示，数字变化后重新提示。

    \b
    gknb dismiss 机关 年度 规则 --reason 理由 [--scope 位置] [--by 姓名]
    """)
confirm_cmd = _judge_command("confirm", "confirmed", """确认一条核对发现（确是问题），记入档案并在审查报告中注明。

    \b
    gknb confirm 机关 年度 规则 --reason 理由 [--scope 位置] [--by 姓名]
    """)


def _previous(path: Path | None, report, archive_dir: Path | None):
    """Last year's report: the one given, else the archive's (none when the archive has none)."""
    if path is not None:
        try:
            return load_report(path)
        except DocumentError as e:
            _fail(e)
    store = Store(archive_dir)
    if report.agency and report.year and (store.root / "reports").is_dir():
        return store.get(report.agency, report.year - 1)
    return None


@click.command("annotate")
@click.argument("document", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="写入的审核意见（.docx）：原报告加上批注；PDF、网页报告则为按其数字生成的 Word 文件")
@click.option("--previous", type=click.Path(path_type=Path), default=None,
              help="上一年度的报告（用于跨年度核对）；不指定时从档案中查找")
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="档案目录（默认取环境变量 GKNB_ARCHIVE，否则 ~/.local/share/gknb/archive）")
def annotate_cmd(document: Path, output: Path, previous: Path | None, archive_dir: Path | None) -> None:
    """把核对发现的问题写成 Word 批注：每个问题一条批注，标在相关的表格单元格或段落上。

    退出码：0 无错误，1 有错误，2 无法使用的输入。"""
    if previous is not None:  # the previous year is that file: the archive is not looked in
        refuse_unused(click.get_current_context(), "给出 --previous 的审核（上一年度即该文件，不查档案）",
                      {"output", "previous"})
    from gknb.jobs.annotate import annotated_copy
    try:
        report = load_report(document)
        result = annotated_copy(document, report, _previous(previous, report, archive_dir))
    except DocumentError as e:
        _fail(e)
    _write(output, result.data)
    if result.generated:
        click.echo(f"注意：{document} 不是 Word 文件，审核意见写在按其数字生成的 Word 文件上", err=True)
    click.echo(f"已写入审核意见 {output}：{len(result.placed)} 条批注（错误 {result.errors}，警告 {result.warnings}）")
    sys.exit(EXIT_ERRORS if result.errors else EXIT_OK)


@click.command("overview")
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="档案目录（默认取环境变量 GKNB_ARCHIVE，否则 ~/.local/share/gknb/archive）")
@click.option("--years", default=None, help="只看这些年度，如 2021-2025（默认：档案中的全部年度）")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="写入的总览页（HTML，单个文件，可直接打开或打印）")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="同时把关键数字写成 Excel 表（每个年度一页，各机关一行）")
def overview_cmd(archive_dir: Path | None, years: str | None, output: Path, xlsx_path: Path | None) -> None:
    """各机关总览：每个机关历年的关键数字（折线图）、本年度排名（条形图）、各机关核对结果矩阵。"""
    from gknb.search.errors import SearchError
    from gknb.search.scope import parse_years

    from .overview import gather, workbook
    from .overview import render as render_overview
    try:
        first, last = parse_years(None, years)
    except SearchError as e:
        _fail(e)
    store = Store(archive_dir)
    if not (store.root / "reports").is_dir():
        _fail(f"{store.root}：不是gknb档案目录（没有 reports 子目录）")
    o = gather(store, first, last)
    if not o.years:
        _fail(f"档案中没有{years or ''}年度的报告（档案目录：{store.root}）")
    _write(output, render_overview(o).encode("utf-8"))
    click.echo(f"总览已写入：{output}（{len(o.agencies)} 个机关，{o.years[0]}—{o.latest}年度）")
    if xlsx_path is not None:
        _write(xlsx_path, workbook(o))
        click.echo(f"关键数字已写入：{xlsx_path}")
