"""The consolidated report: three real member agencies' tables added up cell by cell, and a
published consolidated report that differs from their sum caught (C-1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from gknb.archive.store import Store
from gknb.parsers import Source, parse, parse_source
from openpyxl import load_workbook

from gknb.cli import main
from gknb.consolidate.members import MembersError, from_file, members_of, names
from gknb.consolidate.total import INCLUDED, MISSING, UNUSABLE, consolidate
from gknb.equations import lone_totals
from gknb.model import BLANK, VALUE
from gknb.rules import ERROR, check, check_consolidated
from gknb.view import to_view

from .builders import consistent_report
from .conftest import CORPUS

GOVERNMENT, YEAR = "测试市人民政府", 2025
MEMBERS = {  # three agencies' real 2025 reports, in three forms
    "平潭综合实验区": CORPUS / "docx" / "平潭综合实验区_2025.docx",
    "沐阳县人民政府": CORPUS / "md" / "沭阳县人民政府_2025.md",  # the name as the report prints it
    "泽州县应急管理局": CORPUS / "txt" / "泽州县应急管理局_2025.txt",
}


@pytest.fixture(scope="module")
def reports():
    out = {name: parse(path) for name, path in MEMBERS.items()}
    assert [r.agency for r in out.values()] == list(MEMBERS)
    return out


@pytest.fixture(scope="module")
def archive(tmp_path_factory, reports):
    store = Store(tmp_path_factory.mktemp("c") / "档案")
    for name, r in reports.items():
        store.put(r, MEMBERS[name].read_bytes())
    return store


def test_the_consolidated_tables_are_the_members_sum_cell_by_cell(reports):
    c = consolidate(GOVERNMENT, YEAR, list(reports.items()))
    assert [m.status for m in c.members] == [INCLUDED] * 3
    r = c.report
    assert r.agency == GOVERNMENT and r.year == YEAR and set(r.table_formats.values()) == {"2021"}
    full = 0
    for cell_id, cell in r.cells.items():
        given = [m.value(cell_id) for m in reports.values()]
        values = [v for v in given if v is not None]
        unsure = [name for name, m in reports.items() if m.cells[cell_id].flag and m.value(cell_id) is not None]
        if None not in given:
            full += 1
            assert cell.state == VALUE and cell.value == sum(values), cell_id
            assert bool(cell.flag) == bool(unsure) and all(n in (cell.flag or "") for n in unsure), cell_id
        elif values:  # some member left it blank: the others' sum, flagged with who is lacking
            assert cell.value == sum(values) and cell.flag and "未填写" in cell.flag, cell_id
        else:
            assert cell.state == BLANK, cell_id
    assert full >= 190  # the members' tables are nearly complete: almost every cell is a plain sum
    carried = "requests.carried_in.total"
    assert r.value(carried) == sum(m.value(carried) for m in reports.values())
    assert [v for v in check(r) if v.severity == ERROR] == []


def test_a_wrong_member_total_is_recomputed_and_the_member_named():
    good, bad = consistent_report(1, agency="甲局"), consistent_report(2, agency="乙局")
    bad.set("requests.new.total", bad.value("requests.new.total") + 5)
    c = consolidate(GOVERNMENT, YEAR, [("甲局", good), ("乙局", bad)])
    parts = [cell for t, ps in lone_totals(c.report) if t.cell == "requests.new.total" for cell in ps]
    assert c.report.value("requests.new.total") == sum(c.report.value(p.cell) for p in parts)
    assert c.report.value("requests.new.total") == good.value("requests.new.total") + bad.value(
        "requests.new.total") - 5
    assert "T3-3" in c.members[1].note and c.members[1].errors
    assert not c.members[0].note


def test_a_total_over_a_part_some_member_left_blank_adds_the_members_totals():
    a, b = consistent_report(1, agency="甲局"), consistent_report(2, agency="乙局")
    b.set("requests.disclosed.natural", None)  # blank; 乙局's own total still counts it
    c = consolidate(GOVERNMENT, YEAR, [("甲局", a), ("乙局", b)])
    part, total = c.report.cells["requests.disclosed.natural"], c.report.cells["requests.total.natural"]
    assert part.value == a.value("requests.disclosed.natural") and "乙局" in part.flag
    assert total.value == a.value("requests.total.natural") + b.value("requests.total.natural")


def test_missing_and_unaddable_members_are_named():
    old_form = consistent_report(3, agency="丙镇", fmt="2019")
    c = consolidate(GOVERNMENT, YEAR, [("甲局", consistent_report(1, agency="甲局")), ("丁局", None),
                                       ("丙镇", old_form)])
    assert [m.status for m in c.members] == [INCLUDED, MISSING, UNUSABLE]
    notes = c.notes()
    assert any(n.startswith("丁局：未提交") for n in notes)
    assert any(n.startswith("丙镇：未计入") and "2019" in n for n in notes)
    assert c.report.value("requests.new.total") == c.members[0].report.value("requests.new.total")


def test_members_from_a_list_or_a_file(tmp_path):
    assert names("甲局、乙局,丙镇\n# 备注\n丁局 # 新设\n甲局") == ["甲局", "乙局", "丙镇", "丁局"]
    f = tmp_path / "成员.txt"
    f.write_text("\ufeff某县人民政府\n甲局\n乙局\n", "utf-8")
    assert members_of("某县人民政府", [from_file(f)]) == ["甲局", "乙局"]
    f.write_bytes("甲局".encode("gbk"))
    with pytest.raises(MembersError, match="成员.txt"):
        from_file(f)


def _run(archive: Store, out: Path, *extra: str):
    return CliRunner().invoke(main, ["consolidate", "--year", str(YEAR), "--government", GOVERNMENT,
                                     "--members", "、".join(MEMBERS), "--archive", str(archive.root),
                                     "-o", str(out), "--no-pdf", *extra])


def test_cli_writes_breakdown_and_report_and_checks_the_published(archive, reports, tmp_path):
    res = _run(archive, tmp_path / "汇总")
    assert res.exit_code == 0, res.output
    assert "已计入 3 个" in res.output
    book = load_workbook(tmp_path / "汇总" / f"{GOVERNMENT}{YEAR}年度汇总明细.xlsx")
    sheet = book["各机关数字"]
    header = [c.value for c in sheet[1]]
    assert header == ["表格", "项目", "栏目", *MEMBERS, "合计", "说明"]
    row = next(r for r in sheet.iter_rows(values_only=True)
               if r[1] == "一、本年新收政府信息公开申请数量" and r[2] == "总计")
    assert list(row[3:6]) == [m.value("requests.new.total") for m in reports.values()]
    assert row[6] == sum(row[3:6])
    assert [c.value for c in book["成员机关"][1]] == ["机关", "状态", "错误", "说明"]
    generated = next((tmp_path / "汇总").glob("*.docx"))
    assert GOVERNMENT in generated.name
    back = parse_source(Source(generated.name, generated.read_bytes()))
    expected = consolidate(GOVERNMENT, YEAR, list(reports.items())).report
    assert check_consolidated(back, expected) == []  # the generated report states the sum
    # A published consolidated report that differs from the sum, given as a figures file: caught.
    view = to_view(back)
    view["requests"]["一、本年新收政府信息公开申请数量"]["自然人"] += 3
    published = tmp_path / "已发布.json"
    published.write_text(json.dumps(view, ensure_ascii=False, default=str), "utf-8")
    res = _run(archive, tmp_path / "汇总2", "--published", str(published))
    assert res.exit_code == 1, res.output
    assert "C-1" in res.output and "一、本年新收政府信息公开申请数量/自然人 报告为" in res.output
    assert "相差 3" in res.output


def test_the_archived_government_report_is_checked(archive, reports, tmp_path):
    wrong = consolidate(GOVERNMENT, YEAR, list(reports.items())).report
    wrong.set("review_litigation.reconsideration.upheld", (wrong.value("review_litigation.reconsideration.upheld")
                                                           or 0) + 1)
    store = Store(tmp_path / "档案")
    for name, r in reports.items():
        store.put(r, MEMBERS[name].read_bytes())
    store.put(wrong)
    res = _run(store, tmp_path / "汇总")
    assert res.exit_code == 1
    assert "行政复议/结果维持" in res.output


def test_cli_options_one_of_which_would_be_ignored_are_refused(archive, tmp_path):
    # --members and --members-file: the first list was used, the file read and ignored.
    # --work with both --archive and --register: it supplies only those two, so it did nothing.
    (tmp_path / "名单.txt").write_text("泽州县应急管理局\n", "utf-8")
    base = ["consolidate", "--year", str(YEAR), "--government", GOVERNMENT, "--archive", str(archive),
            "-o", str(tmp_path / "o"), "--no-pdf"]
    res = CliRunner().invoke(main, [*base, "--members", "甲局", "--members-file", str(tmp_path / "名单.txt")])
    assert res.exit_code == 2 and "--members 与 --members-file 只能指定一个" in res.output
    res = CliRunner().invoke(main, [*base, "--members", "甲局", "--register", str(tmp_path / "名录.xlsx"),
                                    "--work", str(tmp_path)])
    assert res.exit_code == 2 and "--work 不用于已用 --archive 和 --register" in res.output
    assert not (tmp_path / "o").exists()


def test_cli_work_folder_register_finds_listed_members_archived_under_a_former_name(tmp_path):
    # --work's register was read only when no list named the members: with --members, --work gave
    # its archive but not its register, and a member archived under its former name was "未提交".
    from gknb.archive.fs import Tree

    from gknb import register as reg
    from gknb.register import Agency, Register

    work = tmp_path / "工作"
    Store(work / "archive").put(consistent_report(1, agency="上海市科委", year=YEAR))
    Tree(work).write(work / reg.FILE_NAME, reg.to_bytes(Register([Agency("上海市科学技术委员会", ["上海市科委"], [],
                                                                          GOVERNMENT, "部门")])))
    res = CliRunner().invoke(main, ["consolidate", "--year", str(YEAR), "--government", GOVERNMENT, "--members",
                                    "上海市科学技术委员会", "--work", str(work), "-o", str(tmp_path / "o"), "--no-pdf"])
    assert res.exit_code == 0, res.output
    assert "1 个成员机关，已计入 1 个" in res.output and "未提交" not in res.output


def test_cli_bad_input(archive, tmp_path):
    res = CliRunner().invoke(main, ["consolidate", "--year", "2025", "--government", GOVERNMENT,
                                    "--members-file", str(tmp_path / "无此名单.txt"), "-o", str(tmp_path / "o")])
    assert res.exit_code == 2 and "无此名单.txt" in res.output
    res = CliRunner().invoke(main, ["consolidate", "--year", "2025", "--government", GOVERNMENT,
                                    "-o", str(tmp_path / "o")])
    assert res.exit_code == 2 and "--members" in res.output
    res = CliRunner().invoke(main, ["consolidate", "--year", "2015", "--government", GOVERNMENT,
                                    "--members", "甲局", "-o", str(tmp_path / "o")])
    assert res.exit_code == 2 and "没有统一的表格" in res.output
    assert not (tmp_path / "o").exists()


@pytest.mark.libreoffice
def test_consolidated_pdf(archive, tmp_path):
    res = CliRunner().invoke(main, ["consolidate", "--year", str(YEAR), "--government", GOVERNMENT,
                                    "--members", "、".join(MEMBERS), "--archive", str(archive.root),
                                    "-o", str(tmp_path)])
    assert res.exit_code == 0, res.output
    pdf = next(tmp_path.glob("*.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF")
