"""``gknb draft`` and ``gknb generate``: thin commands over the generator (registered in gknb.cli)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from gknb.archive.store import Store, atomic_write
from gknb.archive.xml import ArchiveError
from gknb.cliutil import YEAR
from gknb.parsers import DocumentError

from . import basis as figures_file
from .compose import GenerateError, generate_docx
from .draft import draft as make_draft
from .draft import dump
from .pdf import PdfError, to_pdf
from .readiness import blockers, draft_name
from .workbook import workbook

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2

# The same option as gknb.cli's (not imported: gknb.cli imports this module).
archive_option = click.option(
    "--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="档案目录（默认取环境变量 GKNB_ARCHIVE，否则 ~/.local/share/gknb/archive）")
year_option = click.option("--year", type=YEAR, required=True, help="报告年度（报告所述的年份）")


def _stop(message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(EXIT_UNUSABLE)


def _known_agency(store: Store, agency: str, new: bool) -> None:
    """Stop on a mistyped archive or agency name: an empty draft would look like a first year.

    The archive folder must exist (unless ``new``); a name the archive does not hold, while it
    holds names that contain it or are close to it, is answered with those names."""
    if not store.root.is_dir():
        if new:
            return
        _stop(f"{store.root}：档案目录不存在（请检查 --archive；第一次使用、档案为空时请加 --new）")
    names = sorted({store.agency_name(e.agency) for e in store.entries()})
    if agency in names or store.entries(agency) or new:
        return
    close = [n for n in names if agency in n or n in agency] or difflib.get_close_matches(agency, names, n=5, cutoff=0.6)
    if close:
        _stop(f"档案中没有“{agency}”。您是否要找：{'、'.join(close[:5])}？（如确为新的机关，请加 --new）")


def _previous(store: Store, agency: str, year: int):
    if not store.root.exists():
        return None
    try:
        return store.get(agency, year - 1)
    except ArchiveError as e:
        _stop(str(e))


@click.command()
@click.argument("agency")
@year_option
@archive_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入的数字文件：.xlsx 为Excel填报表，其余为YAML；不指定时输出YAML到屏幕")
@click.option("--new", is_flag=True, help="档案中还没有这个机关（第一次使用 gknb）")
def draft(agency: str, year: int, archive_dir: Path | None, output: Path | None, new: bool) -> None:
    """为新年度生成数字文件：按档案中上一年度报告预填上年结转、现行有效件数和上年度问题，其余留空。"""
    store = Store(archive_dir)
    _known_agency(store, agency, new)
    try:
        d = make_draft(agency, year, store)
    except (ValueError, ArchiveError) as e:
        _stop(str(e))
    for note in d.notes:
        click.echo(f"注意：{note}", err=True)
    if output is not None and output.suffix.lower() == ".xlsx":  # the suffix chooses the form
        atomic_write(output, workbook(d))
        click.echo(f"已写入 {output}：在Excel或WPS中填写黄色单元格后，用 gknb generate {agency} --year {year} "
                   f"--figures {output} 生成报告", err=True)
        return
    text = dump(d)
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write(output, text.encode("utf-8"))
    click.echo(f"已写入 {output}：填写其中的空白（null）后，用 gknb generate {agency} --year {year} "
               f"--figures {output} 生成报告", err=True)


@click.command()
@click.argument("agency")
@year_option
@click.option("--figures", "figures_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="本年度的数字文件（gknb draft 生成并填写的），或一份报告；不指定时取档案中本年度的报告")
@archive_option
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="写入报告的文件夹")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="是否同时生成PDF（需要 LibreOffice）")
@click.option("--draft", is_flag=True,
              help="数字有误或仍有待填写之处时，也生成报告：每页页眉标明“征求意见稿”，待填写处以黄色标出")
def generate(agency: str, year: int, figures_path: Path | None, archive_dir: Path | None, outdir: Path,
             pdf: bool, draft: bool) -> None:
    """按官方格式生成年度报告（Word 和 PDF）：表格、由表格计算的文字、上年度问题整改情况。

    只有数字通过全部“错误”级核对、且没有待填写之处时才生成正式报告；否则列出问题并以退出码 1
    结束，或在加 --draft 时生成征求意见稿。"""
    store = Store(archive_dir)
    try:
        if figures_path is not None:
            figs = figures_file.read(figures_path)
        else:
            report = store.get(agency, year) if store.root.exists() else None
            if report is None:
                _stop(f"档案中没有{agency}{year}年度的报告；请用 --figures 给出数字文件（可先用 gknb draft 生成）")
            figs = figures_file.Figures(report)
    except (DocumentError, ArchiveError) as e:
        _stop(str(e))
    r = figs.report
    for what, given, wanted in (("机关", r.agency, agency), ("年度", r.year, year)):
        if given and given != wanted:
            _stop(f"数字文件中的{what}为“{given}”，与命令中的“{wanted}”不一致")
    r.agency, r.year = agency, year
    previous = _previous(store, agency, year)
    try:
        data, doc = generate_docx(figs, previous)
        reasons = blockers(figs, doc, previous)
        if reasons and not draft:
            click.echo("错误：不能生成正式报告，原因如下（改正后重新生成，或加 --draft 生成征求意见稿）：", err=True)
            for reason in reasons:
                click.echo(f"  {reason}", err=True)
            sys.exit(EXIT_ERRORS)
        if draft:
            data, doc = generate_docx(figs, previous, draft=True)
    except GenerateError as e:
        _stop(str(e))
    docx = outdir / f"{draft_name(doc.title) if draft else doc.title}.docx"
    atomic_write(docx, data)
    written = [docx]
    if pdf:
        try:
            written += to_pdf([docx], outdir)
        except PdfError as e:
            _stop(str(e))
    for note in doc.notes:
        click.echo(f"注意：{note}", err=True)
    for path in written:
        click.echo(f"已生成{'征求意见稿' if draft else ''} {path}")
    if draft and reasons:
        click.echo(f"征求意见稿尚有{len(reasons)}处问题：", err=True)
        for reason in reasons:
            click.echo(f"  {reason}", err=True)
