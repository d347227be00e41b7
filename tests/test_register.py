"""The agency register and submission tracking: who must report, who has, who is late or missing."""

from __future__ import annotations

import datetime
import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from gknb.archive.fs import Tree
from gknb.jobs.january import run

from gknb import register as reg
from gknb.register import Agency, Register, RegisterError, UnknownName
from gknb.view import to_view

from .builders import consistent_report, fill
from .conftest import CORPUS

YEAR = 2025
SIX = [  # the office's register: full name, short/former names, misreadings, parent, kind
    Agency("平潭综合实验区", [], [], "福建省", "本级政府"),
    Agency("淮安市洪泽区人民政府", ["洪泽区人民政府"], [], "淮安市", "本级政府"),
    Agency("泽州县应急管理局", [], [], "泽州县人民政府", "部门"),
    Agency("沭阳县人民政府", [], ["沐阳县人民政府"], "宿迁市", "本级政府"),
    Agency("上海市科学技术委员会", ["上海市科委"], [], "上海市人民政府", "部门"),
    Agency("上海市人民政府办公厅", [], [], "上海市人民政府", "部门"),
]
INBOX = ["docx/平潭综合实验区_2025.docx", "txt/泽州县应急管理局_2025.txt", "md/沭阳县人民政府_2025.md",
         "pdf/淮安市洪泽区人民政府_2023.pdf", "pdf/淮安市洪泽区人民政府_2024.pdf", "md/上海市科学技术委员会_2024.md"]


def _work(root: Path, agencies: list[Agency] | None = SIX, inbox: list[str] = INBOX) -> Path:
    (root / "inbox").mkdir(parents=True)
    for rel in inbox:
        shutil.copy(CORPUS / rel, root / "inbox" / rel.split("/")[1])
    # the fourth report of the year: a figures file staff typed for the 办公厅
    figures = to_view(consistent_report(agency="上海市人民政府办公厅", year=YEAR))
    (root / "inbox" / "办公厅_2025.json").write_text(json.dumps(figures, ensure_ascii=False), "utf-8")
    if agencies is not None:
        Tree(root).write(root / reg.FILE_NAME, reg.to_bytes(Register(list(agencies))))
    return root


def _arrived(path: Path, day: datetime.date) -> None:
    t = datetime.datetime.combine(day, datetime.time(10)).timestamp()
    os.utime(path, (t, t))


def _sheet(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return [tuple("" if v is None else v for v in row) for row in wb.active.iter_rows(values_only=True)]


def test_a_register_of_six_four_of_which_reported_gives_an_index_of_six_with_two_missing(tmp_path):
    work = _work(tmp_path / "w")
    for f in (work / "inbox").iterdir():
        _arrived(f, datetime.date(2026, 1, 20))
    _arrived(work / "inbox" / "泽州县应急管理局_2025.txt", datetime.date(2026, 2, 3))  # after 31 January
    rows, failures = run(work, YEAR, workers=1, pdf=False)
    assert failures == []
    index = (work / "reviews" / "index.html").read_text("utf-8")
    assert "应报送 6 个机关：已提交 4 个（其中逾期 1 个），未提交 2 个" in index
    assert index.count(">未提交</span>") == 2 and index.count(">逾期</span>") == 1
    assert index.count(">已提交</span>") == 3
    for a in SIX:
        assert a.full in index
    # the misreading 沐阳县 is archived as 沭阳县人民政府, the short 上海市科委 as the full name
    assert "沐阳县人民政府" not in index
    assert "2026年2月3日" in index and "泽州县应急管理局_2025.txt" in index
    # the summary has every agency of the register, by its full name
    assert {r.agency for r in rows} == {a.full for a in SIX}
    assert sorted(r.submission for r in rows) == ["已提交"] * 3 + ["未提交"] * 2 + ["逾期"]
    # the 催报 list: the two missing agencies, in the xlsx and the printable page
    sheet = _sheet(work / "reviews" / "催报名单.xlsx")
    assert sheet[0] == ("序号", "机关全称", "上级政府", "类别", "报送截止日期", "状态")
    assert sorted(r[1] for r in sheet[1:]) == ["上海市科学技术委员会", "淮安市洪泽区人民政府"]
    deadlines = {r[1]: r[4] for r in sheet[1:]}
    assert deadlines == {"上海市科学技术委员会": "2026年1月31日", "淮安市洪泽区人民政府": "2026年3月31日"}
    page = (work / "reviews" / "催报名单.html").read_text("utf-8")
    assert "共 2 个机关尚未提交" in page and "@media print" in page
    # the rule codes in the index carry their Chinese titles
    assert '<span class="rule-id">S5-1</span> 第五部分报告上年度问题整改情况' in index
    # a re-run changes no byte
    before = {p: p.read_bytes() for p in (work / "reviews").iterdir()}
    run(work, YEAR, workers=1, pdf=False)
    assert {p: p.read_bytes() for p in (work / "reviews").iterdir()} == before


def test_the_deadline_can_be_set_by_the_office(tmp_path):
    work = _work(tmp_path / "w")
    for f in (work / "inbox").iterdir():
        _arrived(f, datetime.date(2026, 1, 20))
    run(work, YEAR, workers=1, pdf=False, deadline=datetime.date(2026, 1, 15))
    index = (work / "reviews" / "index.html").read_text("utf-8")
    assert index.count(">逾期</span>") == 4 and "2026年1月15日" in index


def test_a_close_but_unknown_name_is_flagged_not_founded(tmp_path):
    register = [a for a in SIX if a.full != "沭阳县人民政府"] + [Agency("沭阳县人民政府", kind="本级政府")]
    register = [Agency(a.full, [], a.misreadings, a.parent, a.kind) if a.full == "淮安市洪泽区人民政府" else a
                for a in register]
    work = _work(tmp_path / "w", register)
    rows, failures = run(work, YEAR, workers=1, pdf=False)
    misread = [f for f in failures if "沐阳县人民政府" in f]
    assert len(misread) == 1 and "您是否要找：沭阳县人民政府" in misread[0] and "沭阳县人民政府_2025.md" in misread[0]
    short = [f for f in failures if "“洪泽区人民政府”" in f]
    assert short and "您是否要找：淮安市洪泽区人民政府" in short[0]
    agencies = {r.agency for r in rows}
    assert "沐阳县人民政府" not in agencies and "洪泽区人民政府" not in agencies
    assert not (work / "archive" / "reports" / "沐阳县人民政府").exists()
    index = (work / "reviews" / "index.html").read_text("utf-8")
    assert "本次运行的冲突和拒收" in index and "您是否要找：沭阳县人民政府" in index


def test_the_register_is_created_then_only_appended_to(tmp_path):
    work = _work(tmp_path / "w", None, INBOX[:2] + INBOX[3:5])
    run(work, YEAR, workers=1, pdf=False)
    sheet = _sheet(work / reg.FILE_NAME)
    assert sheet[0] == reg.HEADERS
    by_name = {r[0]: r for r in sheet[1:]}
    # the two printed names of 洪泽 are one agency: the longer the full name, the other its short name
    assert by_name["淮安市洪泽区人民政府"][1] == "洪泽区人民政府"
    assert set(by_name) == {"平潭综合实验区", "淮安市洪泽区人民政府", "泽州县应急管理局", "上海市人民政府办公厅"}
    # the office edits a row and adds an agency; a new report arrives
    wb = openpyxl.load_workbook(work / reg.FILE_NAME)
    ws = wb.active
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "泽州县应急管理局":
            row[3].value, row[4].value = "泽州县人民政府", "部门"
    ws.append(("某县财政局", "", "", "", "部门", "否"))
    wb.save(work / reg.FILE_NAME)
    shutil.copy(CORPUS / "md/上海市科学技术委员会_2024.md", work / "inbox")
    run(work, YEAR, workers=1, pdf=False)
    sheet = _sheet(work / reg.FILE_NAME)
    by_name = {r[0]: r for r in sheet[1:]}
    assert by_name["泽州县应急管理局"][3] == "泽州县人民政府" and by_name["某县财政局"][5] == "否"
    assert sheet[-1][0] == "上海市科委"  # appended after the office's rows
    index = (work / "reviews" / "index.html").read_text("utf-8")
    assert "应报送 5 个机关" in index  # 某县财政局 need not report


def test_generated_titles_use_the_full_name(tmp_path):
    work = _work(tmp_path / "w")
    run(work, YEAR, workers=1, pdf=False)
    folder = next((work / "figures").glob("*洪泽*"))
    fill(folder / f"{YEAR}.yaml")
    rows, _ = run(work, YEAR, workers=1, pdf=False)
    row = next(r for r in rows if "洪泽" in r.agency)
    assert row.agency == "淮安市洪泽区人民政府"
    assert any(Path(o).name.startswith("淮安市洪泽区人民政府2025年") for o in row.outputs), row.outputs


def test_a_register_that_cannot_be_used_is_said_by_its_file(tmp_path):
    path = tmp_path / reg.FILE_NAME
    wb = openpyxl.Workbook()
    wb.active.append(("名称", "类别"))
    wb.save(path)
    with pytest.raises(RegisterError, match="第1行应为表头"):
        reg.read(Tree(tmp_path), path)
    Tree(tmp_path).write(path, reg.to_bytes(Register([Agency("某局", kind="单位")])))
    with pytest.raises(RegisterError, match="第2行的“类别”为“单位”"):
        reg.read(Tree(tmp_path), path)
    path.write_bytes(b"not a workbook")
    with pytest.raises(RegisterError, match=str(path)):
        reg.read(Tree(tmp_path), path)


def test_names_resolve_through_the_register():
    r = Register(list(SIX))
    assert r.resolve("上海市科委") == "上海市科学技术委员会"
    assert r.resolve("沐阳县人民政府") == "沭阳县人民政府"
    assert r.resolve("某市生态环境局") == "某市生态环境局"  # unlike any: a new agency
    with pytest.raises(UnknownName, match="您是否要找：泽州县应急管理局"):
        r.resolve("泽洲县应急管理局")


def test_an_archive_conflict_names_its_file_and_stays_on_the_next_run(tmp_path):
    work = _work(tmp_path / "w")
    shutil.copy(CORPUS / "html/平潭综合实验区_2025.html", work / "inbox")  # another 2025 report of 平潭
    for _ in range(2):
        rows, failures = run(work, YEAR, workers=1, pdf=False)
        conflict = [f for f in failures if "且内容不同" in f]
        assert len(conflict) == 1 and "平潭综合实验区_2025.html" in conflict[0]
        row = next(r for r in rows if r.agency == "平潭综合实验区")
        assert any("平潭综合实验区_2025.html" in n and "且内容不同" in n for n in row.notes)
        index = (work / "reviews" / "index.html").read_text("utf-8")
        assert "平潭综合实验区_2025.html" in index.split("本次运行的冲突和拒收")[1]


def test_the_commands_use_the_register(tmp_path):
    from click.testing import CliRunner

    from gknb.cli import main

    work = _work(tmp_path / "w")
    res = CliRunner().invoke(main, ["ingest", str(work / "inbox" / "沭阳县人民政府_2025.md"), "--archive",
                                    str(tmp_path / "a"), "--register", str(work / reg.FILE_NAME), "--workers", "1"])
    assert res.exit_code in (0, 1) and "沭阳县人民政府" in res.output and "沐阳" not in res.output
    for f in (work / "inbox").iterdir():
        _arrived(f, datetime.date(2026, 1, 20))
    res = CliRunner().invoke(main, ["january", "--work", str(work), "--year", str(YEAR), "--no-pdf",
                                    "--workers", "1", "--deadline", "2026-01-10"])
    assert res.exit_code in (0, 1), res.output
    lines = {line.split()[0]: line.split() for line in res.output.splitlines() if line.split()}
    assert lines["泽州县应急管理局"][2] == "逾期" and lines["上海市科学技术委员会"][2] == "未提交"


def test_ingest_agency_given_by_a_short_name_with_the_register_is_refused_not_half_applied(tmp_path):
    # --agency skips the register's renaming: the short name went into the XML as typed while
    # the register chose the full name's folder.  Now refused, naming the full name.
    from click.testing import CliRunner

    from gknb.cli import main

    work = _work(tmp_path / "w")
    doc, archive = work / "inbox" / "淮安市洪泽区人民政府_2023.pdf", tmp_path / "a"
    args = ["ingest", str(doc), "--archive", str(archive), "--register", str(work / reg.FILE_NAME), "--workers", "1"]
    res = CliRunner().invoke(main, [*args, "--agency", "洪泽区人民政府"])
    assert res.exit_code == 2 and "--agency" in res.output and "请写全称“淮安市洪泽区人民政府”" in res.output
    assert not archive.exists()
    res = CliRunner().invoke(main, [*args, "--agency", "淮安市洪泽区人民政府"])
    assert res.exit_code in (0, 1) and "已归档" in res.output, res.output


def test_an_archived_agency_close_to_a_registered_one_is_not_appended(tmp_path):
    work = _work(tmp_path / "w", None, ["md/沭阳县人民政府_2025.md"])
    run(work, YEAR, workers=1, pdf=False)  # no register yet: archived as printed, 沐阳县人民政府
    Tree(work).write(work / reg.FILE_NAME, reg.to_bytes(Register([Agency("沭阳县人民政府", kind="本级政府")])))
    rows, failures = run(work, YEAR, workers=1, pdf=False)
    assert any("档案中的机关“沐阳县人民政府”" in f and "您是否要找：沭阳县人民政府" in f for f in failures)
    assert [r[0] for r in _sheet(work / reg.FILE_NAME)[1:]] == ["沭阳县人民政府", "上海市人民政府办公厅"]


def test_a_linked_or_contradictory_register_stops_the_run_naming_it(tmp_path):
    from gknb.archive.errors import UnsafePathError

    work = _work(tmp_path / "w", None)
    outside = tmp_path / "elsewhere.xlsx"
    Tree(tmp_path).write(outside, reg.to_bytes(Register(list(SIX))))
    (work / reg.FILE_NAME).symlink_to(outside)
    with pytest.raises(UnsafePathError, match="符号链接"):
        run(work, YEAR, workers=1, pdf=False)
    assert not (work / "archive").exists()  # nothing done
    (work / reg.FILE_NAME).unlink()
    twice = [Agency("甲县财政局"), Agency("甲县财政局（原）", ["甲县财政局"])]
    Tree(work).write(work / reg.FILE_NAME, reg.to_bytes(Register(twice)))
    with pytest.raises(RegisterError, match="第3行的名称“甲县财政局”在名录中出现了不止一次"):
        run(work, YEAR, workers=1, pdf=False)


def test_reviews_name_the_agency_by_its_full_name(tmp_path):
    hongze = ["pdf/淮安市洪泽区人民政府_2023.pdf", "pdf/淮安市洪泽区人民政府_2024.pdf"]
    # archived as printed (no register yet): the two names are said to be the register's one agency
    work = _work(tmp_path / "first", None, hongze)
    run(work, 2024, workers=1, pdf=False)
    page = next((work / "reviews").glob("*洪泽*_2024.html")).read_text("utf-8")
    assert "<h1>淮安市洪泽区人民政府</h1>" in page
    assert "上年为“洪泽区人民政府”，本年为“淮安市洪泽区人民政府”（机关名录中均为“淮安市洪泽区人民政府”的名称）" in page
    # with the register from the start, both years are archived under the full name: nothing to say
    work = _work(tmp_path / "registered", SIX, hongze)
    run(work, 2024, workers=1, pdf=False)
    page = next((work / "reviews").glob("*洪泽*_2024.html")).read_text("utf-8")
    assert "<h1>淮安市洪泽区人民政府</h1>" in page and "所印机关名称不同" not in page
