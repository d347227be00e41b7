"""No report looks final while anything is wrong: figures that break an error-level rule, or
gaps left to fill, give no final report — only, when asked, a draft marked on every page."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from gknb.generator.settings import load

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "work" / "figures" / "示例县数据资源局" / "2025.yaml"
AGENCY = "示例县数据资源局"


def gknb(*args):
    return subprocess.run([sys.executable, "-m", "gknb.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def _wrong_total(tmp_path: Path) -> Path:
    """The sample's figures with one 总计 typed as 38 where its parts add up to 39."""
    text = SAMPLE.read_text("utf-8")
    assert "    其他: 1\n    总计: 39\n" in text
    path = tmp_path / "2025.yaml"
    path.write_text(text.replace("    其他: 1\n    总计: 39\n", "    其他: 1\n    总计: 38\n", 1), "utf-8")
    return path


def test_the_sample_is_final(tmp_path):
    res = gknb("generate", AGENCY, "--year", 2025, "--figures", SAMPLE, "-o", tmp_path, "--no-pdf")
    assert res.returncode == 0, res.stderr
    (docx,) = tmp_path.glob("*.docx")
    assert load().text["draft_suffix"] not in docx.name
    assert "word/header1.xml" not in zipfile.ZipFile(docx).namelist()


def test_a_total_that_does_not_add_up_gives_no_final_report(tmp_path):
    res = gknb("generate", AGENCY, "--year", 2025, "--figures", _wrong_total(tmp_path), "-o", tmp_path / "out",
               "--no-pdf")
    assert res.returncode == 1
    assert "不能生成正式报告" in res.stderr and "T3-3" in res.stderr and "38" in res.stderr and "39" in res.stderr
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_with_draft_it_is_written_marked_on_every_page(tmp_path):
    res = gknb("generate", AGENCY, "--year", 2025, "--figures", _wrong_total(tmp_path), "-o", tmp_path / "out",
               "--no-pdf", "--draft")
    assert res.returncode == 0, res.stderr
    (docx,) = (tmp_path / "out").glob("*.docx")
    assert docx.name.endswith(load().text["draft_suffix"] + ".docx")
    package = zipfile.ZipFile(docx)
    header = package.read("word/header1.xml").decode("utf-8")
    assert load().text["draft_header"] in header
    document = package.read("word/document.xml").decode("utf-8")
    assert document.count('<w:headerReference w:type="default"') == 1  # every page: one section
    assert "T3-3" in res.stderr  # what is still wrong is said


def test_gaps_left_to_fill_refuse_a_final_report_and_are_highlighted_in_a_draft(tmp_path):
    data = yaml.safe_load(SAMPLE.read_text("utf-8"))
    del data["problems"]  # this year's problems not written: the report would carry a gap
    path = tmp_path / "2025.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    res = gknb("generate", AGENCY, "--year", 2025, "--figures", path, "-o", tmp_path / "final", "--no-pdf")
    assert res.returncode == 1 and "待填写" in res.stderr
    res = gknb("generate", AGENCY, "--year", 2025, "--figures", path, "-o", tmp_path / "out", "--no-pdf", "--draft")
    assert res.returncode == 0, res.stderr
    (docx,) = (tmp_path / "out").glob("*.docx")
    document = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    assert '<w:highlight w:val="yellow"/>' in document and "待填写" in document


def _without_totals(data: dict) -> tuple[dict, dict]:
    """The figures with every 总计 of tables 三 and 四 blanked, and the blanked values."""
    from gknb import template as tpl
    t, blanked = tpl.load(), {}
    for cdef in (c for tid in ("requests", "review_litigation") for c in t.table(tid).layout("2021").cells):
        if cdef.row.id == "total" or cdef.column.id == "total":
            node = data[cdef.table]
            for key in cdef.json_path[:-1]:
                node = node[key]
            blanked[cdef.id] = node[cdef.json_path[-1]]
            node[cdef.json_path[-1]] = None
    return data, blanked


def test_totals_are_computed_not_typed(tmp_path):
    from gknb.parsers import parse
    data, blanked = _without_totals(yaml.safe_load(SAMPLE.read_text("utf-8")))
    assert len(blanked) >= 25 + 3
    path = tmp_path / "2025.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    report = parse(path)
    assert {cid: report.value(cid) for cid in blanked} == blanked
    assert any("计算了" in f.message for f in report.findings)
    res = gknb("generate", AGENCY, "--year", 2025, "--figures", path, "-o", tmp_path / "out", "--no-pdf")
    assert res.returncode == 0, res.stderr
    (docx,) = (tmp_path / "out").glob("*.docx")
    back = parse(docx)
    assert {cid: back.value(cid) for cid in blanked} == blanked


def test_a_typed_total_that_disagrees_is_kept_and_reported(tmp_path):
    from gknb.parsers import parse

    from gknb.rules import check
    report = parse(_wrong_total(tmp_path))
    assert report.value("requests.new.total") == 38  # never overwritten by the computed 39
    assert any(v.rule == "T3-3" and "38" in v.message and "39" in v.message for v in check(report))


def test_table_three_repeats_its_header_rows_after_a_page_break(tmp_path):
    res = gknb("generate", AGENCY, "--year", 2025, "--figures", SAMPLE, "-o", tmp_path, "--no-pdf")
    assert res.returncode == 0, res.stderr
    (docx,) = tmp_path.glob("*.docx")
    tables = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8").split("<w:tbl>")[1:]
    proactive, requests = tables[0], next(t for t in tables if "自然人" in t)
    assert "<w:tblHeader/>" not in proactive  # table 二's blocks each have their own header
    rows = requests.split("<w:tr>")[1:]
    headers = [i for i, row in enumerate(rows) if "<w:tblHeader/>" in row]
    assert headers == list(range(len(headers))) and 2 <= len(headers) <= 4  # the first rows, and only them
    assert "本年新收" not in "".join(rows[i] for i in headers)


def test_a_figure_the_reader_was_unsure_of_gives_no_final_report(tmp_path):
    """A report given as the figures (平潭 2023's page) with a footnote mark after one figure:
    the mark makes that figure unsure, and an unsure figure is no final report's."""
    from gknb.generator.basis import read
    from gknb.generator.compose import generate_docx
    from gknb.generator.readiness import blockers

    from .conftest import CORPUS
    page = (CORPUS / "html" / "平潭综合实验区_2023.html").read_text("utf-8")
    assert page.count(">2629<") == 1
    reasons = {}
    for name, text in (("clean", page), ("marked", page.replace(">2629<", ">2629①<"))):
        path = tmp_path / f"{name}.html"
        path.write_text(text, "utf-8")
        figures = read(path)
        reasons[name] = blockers(figures, generate_docx(figures)[1])
    assert not [r for r in reasons["clean"] if "存疑" in r]
    assert [r for r in reasons["marked"] if "存疑" in r] == [
        "数字存疑：第二十条第（五）项/行政许可/本年处理决定数量：数字后有无法识别的内容：“2629①”"]
