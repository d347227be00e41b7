"""The blank official Word form, filled as staff fill it in Word or WPS (here through python-docx),
is a figures file: exactly what was filled, the totals computed, the agency and year from the
command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import pytest
from gknb.archive.store import Store
from gknb.parsers import parse

from gknb import template as tpl
from gknb.equations import total_terms
from gknb.formgrid import FIGURE, form_cells
from gknb.generator.basis import read
from gknb.model import FIGURES_FILE, Report

from .conftest import CORPUS

BLANK = CORPUS / "docx" / "年报格式模板_2021_空白.docx"
AGENCY = "测试县数据资源局"
OVERVIEW = "本年度，我局坚持以公开为常态、不公开为例外，稳步推进政务公开工作。"
FIVE = ("（一）上年度问题整改情况。针对上年度栏目更新不及时的问题，已建立栏目巡查制度，整改完成。"
        "（二）存在的主要问题及改进措施。一是政策解读形式单一；二是基层公开标准不够细。"
        "下一步，丰富解读形式，细化基层公开目录。")
SIX = "本年度未发出收费通知，未收取信息处理费。"


def gknb(*args):
    return subprocess.run([sys.executable, "-m", "gknb.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def fill_form(path: Path, *, text: bool = True) -> dict[str, int]:
    """Type every figure that is not a total into the blank form's tables (and, if ``text``,
    replace its placeholders); the figures typed.  T3-1 holds in every column."""
    d = docx.Document(str(BLANK))
    totals = total_terms(Report.empty(AGENCY, 2025, "2021"))
    typed: dict[str, int] = {}
    for table, t in zip(d.tables, tpl.load().tables.values(), strict=True):
        layout = t.layout("2021")
        cells, _, _ = form_cells(layout, lambda cid: "")
        for n, c in enumerate(cells):
            if c.role != FIGURE or c.cell in totals or c.cell is None:
                continue
            row, col = c.cell.split(".")[-2:]
            if t.id == "requests" and row == "new":
                continue  # set below, from the column's other figures
            typed[c.cell] = 1 if row == "carried_out" else n % 3
        if t.id == "requests":
            results = [r.id for r in layout.blocks[0].rows if r.band and r.id != "total"]
            for column in layout.blocks[0].columns:
                if column.id != "total":
                    handled = sum(typed[f"requests.{r}.{column.id}"] for r in results)
                    typed[f"requests.new.{column.id}"] = max(
                        handled + 1 - typed[f"requests.carried_in.{column.id}"], 0)
                    typed[f"requests.carried_in.{column.id}"] = handled + 1 - typed[f"requests.new.{column.id}"]
        for c in cells:
            if c.cell in typed:
                table.cell(c.row, c.col).text = str(typed[c.cell])
    if text:
        placeholders = [p for p in d.paragraphs if p.text.startswith("（文字描述")]
        for p, words in zip(placeholders, (OVERVIEW, FIVE, SIX), strict=True):
            p.text = words
    d.save(str(path))
    return typed


def test_a_filled_blank_form_is_a_figures_file_with_the_totals_computed(tmp_path):
    form = tmp_path / "表格.docx"
    typed = fill_form(form)
    report = parse(form)
    assert report.source is not None and report.source.kind == FIGURES_FILE
    assert (report.agency, report.year, report.title) == ("", None, None)
    assert any("--agency" in f.message and "--year" in f.message for f in report.findings)
    for cid, value in typed.items():
        assert report.value(cid) == value, cid
    totals = total_terms(report)
    for cid, (total, parts) in totals.items():
        assert report.value(cid) == total.sign * sum(p.sign * (report.value(p.cell) or 0) for p in parts), cid
    assert all(c.state == "value" for c in report.cells.values())
    assert gknb("check", form).returncode == 0


def test_the_placeholders_are_not_text():
    report = parse(BLANK)
    assert all(not s.paragraphs for s in report.sections.values())


def test_filled_form_generates_and_parses_back_to_those_figures(tmp_path):
    form = tmp_path / "表格.docx"
    typed = fill_form(form)
    r = gknb("generate", AGENCY, "--year", 2025, "--figures", form, "--archive", tmp_path / "档案",
             "-o", tmp_path / "out", "--no-pdf")
    assert r.returncode == 0, r.stderr
    (out,) = (tmp_path / "out").glob("*.docx")
    assert out.name == f"{AGENCY}2025年政府信息公开工作年度报告.docx"
    back = parse(out)
    assert (back.agency, back.year) == (AGENCY, 2025)
    for cid, value in typed.items():
        assert back.value(cid) == value, cid
    assert back.value("requests.total.total") == read(form).report.value("requests.total.total")
    assert OVERVIEW in back.section_text("一") and SIX in back.section_text("六")
    assert "文字描述" not in "".join(s.text for s in back.sections.values())


def test_a_form_without_text_gives_gaps_and_is_refused_as_final(tmp_path):
    form = tmp_path / "表格.docx"
    fill_form(form, text=False)
    r = gknb("generate", AGENCY, "--year", 2025, "--figures", form, "-o", tmp_path / "out", "--no-pdf")
    assert r.returncode == 1 and "待填写" in r.stderr and "文字描述" not in r.stderr


@pytest.mark.parametrize("given", [(), ("--agency", AGENCY), ("--year", "2025")])
def test_ingesting_the_form_asks_for_what_it_lacks(tmp_path, given):
    form = tmp_path / "表格.docx"
    fill_form(form)
    r = gknb("ingest", form, "--archive", tmp_path / "档案", *given)
    assert r.returncode == 2
    assert ("--agency" in r.stdout + r.stderr) == ("--agency" not in given)
    assert ("--year" in r.stdout + r.stderr) == ("--year" not in given)
    ok = gknb("ingest", form, "--archive", tmp_path / "档案", "--agency", AGENCY, "--year", 2025)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert Store(tmp_path / "档案").get(AGENCY, 2025).value("requests.total.total") is not None
