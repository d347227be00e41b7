"""The cross-agency overview page: key figures over the years as SVG, rankings, the findings matrix."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from click.testing import CliRunner
from gknb.archive.store import Store
from gknb.parsers import parse
from openpyxl import load_workbook

from gknb.cli import main
from gknb.compare.overview import MEASURES, gather, render, workbook
from gknb.rules import check

from .builders import consistent_report
from .conftest import CORPUS
from .test_compare_browser import CHROMIUM, chromium, console

DOCUMENTS = [CORPUS / "docx" / f"平潭综合实验区_{y}.docx" for y in (2021, 2023, 2025)] + [
    CORPUS / "txt" / "泽州县应急管理局_2025.txt"]
HOSTILE = "某局<script>alert(1)</script>"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("ov") / "档案")
    for path in DOCUMENTS:
        s.put(parse(path), path.read_bytes())
    s.put(consistent_report(1, agency=HOSTILE, year=2024))
    return s


@pytest.fixture(scope="module")
def page(store) -> str:
    return render(gather(store))


def test_gathers_every_agency_and_year(store):
    o = gather(store)
    assert o.years == [2021, 2023, 2024, 2025]
    names = [a.name for a in o.agencies]
    assert names == sorted(names) and set(names) == {"平潭综合实验区", "泽州县应急管理局", HOSTILE}
    pingtan = next(a for a in o.agencies if a.name == "平潭综合实验区")
    assert sorted(pingtan.reports) == [2021, 2023, 2025]
    assert [v.rule for v in pingtan.findings] == [v.rule for v in check(pingtan.reports[2025])]
    assert gather(store, 2023, 2024).years == [2023, 2024]


def test_sparklines_break_where_a_year_is_missing(page):
    # The page's years are 2021, 2023, 2024, 2025; 平潭 has no 2024 report: a line 2021–2023, a lone 2025 dot.
    row = re.search(r"<tr><td class=\"agency\">平潭综合实验区</td>(.*?)</tr>", page).group(1)
    first = row.split("</td>")[0]  # 新收申请
    assert first.count("<polyline") == 1 and first.count("<circle") == 3
    pingtan = parse(DOCUMENTS[2]).value("requests.new.total")
    assert f"2025年 {pingtan}" in first


def test_rankings_and_matrix(page):
    o_measures = [m.label for m in MEASURES]
    assert all(label in page for label in o_measures)
    assert page.count('<svg class="bars"') == 2
    matrix = page.split('<table class="matrix">', 1)[1].split("</table>", 1)[0]
    assert 'title="第五部分报告上年度问题整改情况">S5-1</th>' in matrix
    assert "S5-1</span> 第五部分报告上年度问题整改情况" in page  # the legend: each code with its Chinese meaning


def test_a_figure_the_reader_was_unsure_of_is_marked_in_the_charts_rankings_and_workbook(tmp_path):
    # 上海 2024 prints eight figures in table 三's 本年新收 row under seven columns: its total
    # (34) is placed left to right and flagged. The overview ranked it beside 平潭's 218 as if
    # printed; it is marked "?" wherever it is shown now, and the workbook names it.
    shanghai, pingtan = CORPUS / "md" / "上海市科学技术委员会_2024.md", CORPUS / "html" / "平潭综合实验区_2024.html"
    s = Store(tmp_path / "档案")
    for path in (shanghai, pingtan):
        s.put(parse(path), path.read_bytes())
    assert s.get("上海市科委", 2024).cells["requests.new.total"].flag
    o = gather(s)
    html = render(o)
    ranking = html.split('<svg class="bars"', 1)[1].split("</svg>", 1)[0]
    assert ">34?</text>" in ranking and ">218</text>" in ranking
    row = re.search(r"<tr><td class=\"agency\">上海市科委</td>(.*?)</tr>", html).group(1)
    assert '2024年 34?</span>' in row.split("</td>")[0]
    assert "表示该数字解析存疑" in html
    sheet = load_workbook(io.BytesIO(workbook(o)))["2024年度"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["上海市科委"]["新收申请（件）"] == 34 and "新收申请（件）" in rows["上海市科委"]["解析存疑的数字"]
    assert rows["平潭综合实验区"]["解析存疑的数字"] is None


def test_hostile_names_are_text_and_the_page_is_deterministic(store, page):
    assert "<script>" not in page and "某局&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert render(gather(store)) == page


def test_cli(store, tmp_path):
    out, book = tmp_path / "总览.html", tmp_path / "关键数字.xlsx"
    res = CliRunner().invoke(main, ["overview", "--archive", str(store.root), "--years", "2023-2025", "-o", str(out),
                                    "--xlsx", str(book)])
    assert res.exit_code == 0, res.output
    assert "3 个机关，2023—2025年度" in res.output
    wb = load_workbook(book)
    assert wb.sheetnames == ["2023年度", "2024年度", "2025年度"]
    sheet = wb["2025年度"]
    assert [c.value for c in sheet[1]][:2] == ["机关", "新收申请（件）"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"平潭综合实验区", "泽州县应急管理局"}
    assert rows["平潭综合实验区"][1] == parse(DOCUMENTS[2]).value("requests.new.total")
    res = CliRunner().invoke(main, ["overview", "--archive", str(tmp_path / "无"), "-o", str(out)])
    assert res.exit_code == 2 and "不是gknb档案目录" in res.output


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (sh jobs/system.sh installs it)")
def test_in_the_browser_charts_drawn_no_console_errors_a4(tmp_path, page):
    path = tmp_path / "总览.html"
    path.write_text(page, "utf-8")
    res = chromium(tmp_path, "--dump-dom", path.as_uri())
    assert res.returncode == 0 and console(res) == []
    assert res.stdout.count("<svg") >= 10 and "<polyline" in res.stdout and "<rect" in res.stdout
    pdf = tmp_path / "print.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", path.as_uri())
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "各机关总览" in text and "核对结果" in text
