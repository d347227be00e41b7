"""``gknb consolidate``: a government's consolidated report from its members' (a thin layer over jobs.consolidate)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gknb import register as agency_register
from gknb import template as tpl
from gknb.archive.errors import ArchiveError
from gknb.archive.fs import Tree
from gknb.archive.store import Store
from gknb.cliutil import YEAR, exclusive, refuse
from gknb.inputs import load_report
from gknb.office import OfficeError
from gknb.parsers import DocumentError
from gknb.rules import SEVERITY_ZH

from .members import MembersError, Membership, from_file, from_option, from_register, members_of

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2


def _stop(message: object) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(EXIT_UNUSABLE)


@click.command("consolidate")
@click.option("--year", type=YEAR, required=True, help="报告年度")
@click.option("--government", required=True, help="本级政府的名称（汇总报告的机关，如 某某县人民政府）")
@click.option("--members", "members_list", default=None, help="成员机关，以逗号或顿号分隔")
@click.option("--members-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="成员机关名单（文本文件，每行一个机关名称）")
@click.option("--register", "register_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"机关名录（{agency_register.FILE_NAME}）：不给出成员名单时，按其“上级政府”一栏确定成员机关"
                   "（默认取 --work 工作文件夹中的，否则当前文件夹中的）")
@click.option("--work", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="一月作业的工作文件夹：用其中的机关名录，档案默认取其中的 archive")
@click.option("--published", type=click.Path(path_type=Path), default=None,
              help="已发布的本级政府汇总报告（核对其数字是否等于各成员机关之和）；不指定时取档案中的")
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="档案目录（默认取环境变量 GKNB_ARCHIVE，否则 ~/.local/share/gknb/archive）")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="写入汇总报告和明细表的文件夹")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="是否同时生成PDF（需要 LibreOffice）")
def consolidate_cmd(year: int, government: str, members_list: str | None, members_file: Path | None,
                    register_path: Path | None, work: Path | None, published: Path | None, archive_dir: Path | None,
                    outdir: Path, pdf: bool) -> None:
    """汇总各成员机关的年度报告，编制本级政府的年度报告：逐项相加（总计按勾稽关系重新计算），
    写出各机关明细表（.xlsx），生成汇总报告（Word 和 PDF），并核对已发布的汇总报告。

    成员机关：--members 或 --members-file 给出的名单；都不给出时，为机关名录中“上级政府”为本级政府、
    且须报送的机关。

    退出码：0 无错误，1 已发布的汇总报告与各成员机关之和不符，2 无法使用的输入。"""
    ctx = click.get_current_context()
    exclusive(ctx, "members_list", "members_file")  # the first list would win, the other unread
    if archive_dir is not None and register_path is not None:  # --work gives the archive and the register only
        refuse(ctx, "已用 --archive 和 --register 给出档案和机关名录的汇总", {"work"})
    from gknb.jobs.consolidate import run
    sources: list[Membership] = []
    try:
        if members_list:
            sources.append(from_option(members_list))
        if members_file is not None:
            sources.append(from_file(members_file))
    except MembersError as e:
        _stop(e)
    register = None
    # a register given (itself or in --work) names members' archive folders even when a list names them
    if not sources or register_path is not None or work is not None:
        register = _register(register_path, work)
        if register is not None and not sources:
            sources.append(from_register(register))
    fmt = tpl.load().format_for_year(year)
    if not tpl.load().formats[fmt].has_tables:
        _stop(f"{year}年度适用{tpl.load().formats[fmt].name}，没有统一的表格可以汇总")
    names = members_of(government, sources)
    if not names:
        where = f"机关名录中没有“上级政府”为{government}的须报送机关；" if register is not None else ""
        _stop(f"没有{government}的成员机关：{where}请用 --members 或 --members-file 给出名单"
              f"（或用 --register 给出机关名录）")
    store = Store(archive_dir if archive_dir is not None or work is None else work / "archive")
    folders = agency_register.folders_by_name(store, register) if store.root.exists() else {}
    try:
        given = load_report(published) if published is not None else None
        out = run(store, government, year, names, outdir, published=given, pdf=pdf, folders=folders)
    except (DocumentError, ArchiveError, OfficeError) as e:
        _stop(e)
    c = out.consolidation
    click.echo(f"{government} {year}年度：{len(names)} 个成员机关，已计入 {len(c.included)} 个")
    for line in c.notes():
        click.echo(f"  {line}")
    for note in out.notes:
        click.echo(f"注意：{note}", err=True)
    if out.reasons:
        click.echo(f"汇总报告为征求意见稿，尚有{len(out.reasons)}处待完善（如第五、六部分的文字）", err=True)
    if out.published is not None:
        what = published or "档案中的汇总报告"
        if out.violations:
            click.echo(f"{what}：有 {len(out.violations)} 处与各成员机关之和不符")
            for v in out.violations:
                click.echo(f"  {SEVERITY_ZH[v.severity]} {v.rule} [{v.scope}] {v.message}")
        else:
            click.echo(f"{what}：各项数字等于各成员机关之和")
    for path in out.outputs:
        click.echo(f"已写入 {path}")
    sys.exit(EXIT_ERRORS if out.violations else EXIT_OK)


def _register(path: Path | None, work: Path | None) -> agency_register.Register | None:
    """The register given, else the work folder's, else the current folder's (None: there is none)."""
    given = path is not None
    path = path if path is not None else (work or Path(".")) / agency_register.FILE_NAME
    path = path.absolute()
    try:
        found = agency_register.read(Tree(path.parent), path)
    except (agency_register.RegisterError, OSError) as e:
        _stop(e)
    if found is None and given:
        _stop(f"{path}：机关名录不存在")
    return found
