"""The office's year from the register: each 本级政府's members by the 上级政府 column, their
consolidation in the January job (C-1 in the summary and the index), and the batch's review
summary (审核意见汇总.docx), one section per agency."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from gknb.archive.fs import Tree
from gknb.archive.store import Store
from gknb.jobs.january import run
from gknb.parsers import parse

from gknb import register as reg
from gknb.cli import main
from gknb.consolidate.members import from_register, governments
from gknb.consolidate.total import consolidate
from gknb.ooxml import W
from gknb.register import Agency, Register

from .conftest import CORPUS
from .test_january import snapshot

YEAR, GOVERNMENT = 2025, "测试县人民政府"
MEMBERS = {  # the register's full name -> the real report (沭阳's prints the misreading 沐阳县)
    "平潭综合实验区": "docx/平潭综合实验区_2025.docx",
    "沭阳县人民政府": "md/沭阳县人民政府_2025.md",
    "泽州县应急管理局": "txt/泽州县应急管理局_2025.txt",
}
REGISTER = [
    Agency(GOVERNMENT, ["测试县政府"], [], "测试市人民政府", "本级政府"),
    Agency("平潭综合实验区", [], [], GOVERNMENT, "部门"),
    Agency("沭阳县人民政府", [], ["沐阳县人民政府"], "测试县政府", "乡镇"),  # the parent by its short name
    Agency("泽州县应急管理局", [], [], GOVERNMENT, "部门"),
    Agency("测试县某中心", [], [], GOVERNMENT, "部门", must_report=False),
    Agency("上海市科学技术委员会", ["上海市科委"], [], "上海市人民政府", "部门"),  # must report, has not
]


def _work(root: Path) -> Path:
    (root / "inbox").mkdir(parents=True)
    for rel in MEMBERS.values():
        shutil.copy(CORPUS / rel, root / "inbox" / rel.split("/")[1])
    Tree(root).write(root / reg.FILE_NAME, reg.to_bytes(Register(list(REGISTER))))
    return root


def _published_wrong(work: Path) -> None:
    """The government's own published report: its members' sum, one figure off by 1."""
    reports = [(name, parse(CORPUS / rel)) for name, rel in MEMBERS.items()]
    wrong = consolidate(GOVERNMENT, YEAR, reports).report
    cell = "review_litigation.reconsideration.upheld"
    wrong.set(cell, (wrong.value(cell) or 0) + 1)
    Store(work / "archive").put(wrong)


def _paragraphs(docx: bytes) -> list[tuple[str | None, str]]:
    """(outline level, text) of each paragraph of the main part."""
    from lxml import etree
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    out = []
    for p in root.iter(f"{{{W}}}p"):
        level = p.find(f"{{{W}}}pPr/{{{W}}}outlineLvl")
        out.append((None if level is None else level.get(f"{{{W}}}val"),
                    "".join(t.text or "" for t in p.iter(f"{{{W}}}t"))))
    return out


def _sections(docx: bytes) -> dict[str, list[str]]:
    """Each agency's section (a level-0 heading "一、机关") and the paragraphs under it."""
    out: dict[str, list[str]] = {}
    current = None
    for level, text in _paragraphs(docx):
        if level == "0":
            current = out.setdefault(re.sub(r"^[一二三四五六七八九十]+、", "", text), [])
        elif current is not None:
            current.append(text)
    return out


def test_members_come_from_the_registers_parent_column():
    register = Register(list(REGISTER))
    members = ["平潭综合实验区", "沭阳县人民政府", "泽州县应急管理局"]  # not the one that need not report
    assert from_register(register)(GOVERNMENT) == members
    assert from_register(register)("测试县政府") == members  # the government by its short name
    assert from_register(register)("上海市人民政府") == ["上海市科学技术委员会"]
    assert [(a.full, m) for a, m in governments(register)] == [(GOVERNMENT, members)]  # the 本级政府 with members


def test_the_consolidate_command_takes_members_from_the_register(tmp_path):
    work = _work(tmp_path / "w")
    archive = Store(work / "archive")
    for name, rel in MEMBERS.items():
        report = parse(CORPUS / rel)
        report.agency = name
        archive.put(report, (CORPUS / rel).read_bytes())
    res = CliRunner().invoke(main, ["consolidate", "--year", str(YEAR), "--government", GOVERNMENT,
                                    "--work", str(work), "-o", str(tmp_path / "o"), "--no-pdf"])
    assert res.exit_code == 0, res.output
    assert "3 个成员机关，已计入 3 个" in res.output
    res = CliRunner().invoke(main, ["consolidate", "--year", str(YEAR), "--government", "别的县人民政府",
                                    "--register", str(work / reg.FILE_NAME), "--archive", str(archive.root),
                                    "-o", str(tmp_path / "o2"), "--no-pdf"])
    assert res.exit_code == 2 and "上级政府" in res.output and not (tmp_path / "o2").exists()


def test_the_january_job_consolidates_each_government_and_a_rerun_changes_nothing(tmp_path):
    work = _work(tmp_path / "w")
    _published_wrong(work)
    rows, failures = run(work, YEAR, workers=1, pdf=False)
    assert failures == []
    row = {r.agency: r for r in rows}[GOVERNMENT]
    assert any("C-1" in n and "相差 1" in n for n in row.notes), row.notes
    assert row.errors >= 1
    out = work / "汇总" / GOVERNMENT
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        f"{GOVERNMENT}2025年度汇总明细.xlsx", f"{GOVERNMENT}2025年政府信息公开工作年度报告（征求意见稿）.docx"]
    assert {str(p) for p in out.iterdir() if not p.name.startswith(".")} <= set(row.outputs)
    index = (work / "reviews" / "index.html").read_text("utf-8")
    assert "本级政府汇总报告" in index and "3 个成员机关，已计入 3 个" in index
    assert "C-1" in index[index.index("本级政府汇总报告"):]

    # the batch's review summary: one section per agency that must report, counts as the summary's
    summary = (work / "reviews" / "审核意见汇总.docx").read_bytes()
    sections = _sections(summary)
    assert sorted(sections) == sorted([GOVERNMENT, *MEMBERS, "上海市科学技术委员会"])
    by_name = {r.agency: r for r in rows}
    for name, paras in sections.items():
        r = by_name[name]
        assert paras[0] == f"报送情况：{r.submission}。"
        if r.submission == "未提交":
            assert name == "上海市科学技术委员会" and "未收到" in paras[1]
            continue
        counted = f"审核发现错误{r.errors}处、警告{r.warnings}处。" if r.errors or r.warnings else "审核未发现问题。"
        assert paras[1] == counted, (name, paras)
        items = [p for p in paras if re.match(r"\d+．", p)]
        assert len(items) == r.errors + r.warnings
    c1 = [p for p in sections[GOVERNMENT] if "C-1" in p]
    assert len(c1) == 1 and "相差 1" in c1[0]

    snap = snapshot(work)
    before = {p: p.stat().st_mtime_ns for p in work.rglob("*") if p.is_file()}
    run(work, YEAR, workers=1, pdf=False)
    assert snapshot(work) == snap
    assert {p: p.stat().st_mtime_ns for p in work.rglob("*") if p.is_file()} == before


def test_the_review_summary_from_a_batch_comparison(tmp_path):
    work = _work(tmp_path / "w")
    archive = Store(work / "archive")
    for rel in MEMBERS.values():
        archive.put(parse(CORPUS / rel), (CORPUS / rel).read_bytes())
    out = tmp_path / "审核意见汇总.docx"
    args = ["compare", "--archive", str(archive.root), "--year", str(YEAR), "-o", str(tmp_path / "对照"),
            "--summary-docx", str(out), "--register", str(work / reg.FILE_NAME)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code in (0, 1), res.output
    data = out.read_bytes()
    sections = _sections(data)
    # the misread name is the register's full name; the two that must report and have not are listed
    assert sorted(sections) == sorted([*MEMBERS, GOVERNMENT, "上海市科学技术委员会"])
    assert sections[GOVERNMENT][0] == "报送情况：未提交。"
    assert all(sections[n][0] == "报送情况：已提交。" for n in MEMBERS)
    assert "应报送5个单位，已提交3个（其中逾期0个），未提交2个" in _paragraphs(data)[1][1]
    res = CliRunner().invoke(main, args)
    assert out.read_bytes() == data  # deterministic
    res = CliRunner().invoke(main, ["compare", "--archive", str(archive.root), "--year", str(YEAR), "-o",
                                    str(tmp_path / "对照"), "--summary-docx", str(out), "--register",
                                    str(tmp_path / "无此名录.xlsx")])
    assert res.exit_code == 2 and "无此名录.xlsx" in res.output


@pytest.mark.libreoffice
def test_the_review_summary_converts_with_libreoffice(tmp_path):
    from gknb.generator.notice import AgencyReview, summary_docx
    from gknb.generator.pdf import to_pdf
    from gknb.rules import check

    reports = [parse(CORPUS / rel) for rel in MEMBERS.values()]
    reviews = [AgencyReview(r.agency, "已提交", True, findings=tuple(check(r))) for r in reports]
    reviews.append(AgencyReview("上海市科学技术委员会", "未提交", False))
    docx = tmp_path / "审核意见汇总.docx"
    docx.write_bytes(summary_docx(YEAR, reviews))
    [pdf] = to_pdf([docx], tmp_path)
    with pdfplumber.open(pdf) as doc:
        pages = len(doc.pages)
        text = re.sub(r"\s", "", "".join(page.extract_text() or "" for page in doc.pages))
    assert "2025年度政府信息公开工作年度报告审核意见汇总" in text
    for r in reviews:
        assert r.agency in text
    rules = Counter(v.rule for r in reviews for v in r.findings)
    assert rules and all(text.count(f"．{rule}") == n for rule, n in rules.items())
    assert f"—{pages}—" in text  # the page numbers of the footers


@pytest.mark.libreoffice
def test_the_consolidated_pdf_is_made_once(tmp_path):
    work = _work(tmp_path / "w")
    rows, failures = run(work, YEAR, workers=1, pdf=True)
    assert failures == []
    [pdf] = (work / "汇总" / GOVERNMENT).glob("*.pdf")
    assert str(pdf) in {r.agency: r for r in rows}[GOVERNMENT].outputs
    with pdfplumber.open(pdf) as doc:
        assert GOVERNMENT in (doc.pages[0].extract_text() or "").replace("\n", "")
    made = pdf.stat().st_mtime_ns
    run(work, YEAR, workers=1, pdf=True)
    assert pdf.stat().st_mtime_ns == made  # its .docx did not change: LibreOffice is not run again
