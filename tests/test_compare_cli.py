"""``gknb compare`` as users run it: two documents, the archive, a batch; exit codes and messages."""

import json
import subprocess
import sys

from gknb.archive.store import Store
from gknb.archive.xml import to_xml

from .builders import consistent_report, successor
from .conftest import CORPUS

PT = CORPUS / "html"


def gknb(*args):
    return subprocess.run([sys.executable, "-m", "gknb.cli", "compare", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def write(tmp_path, report, name=None):
    path = tmp_path / (name or f"{report.agency}_{report.year}.xml")
    path.write_bytes(to_xml(report))
    return path


def test_two_documents_json_findings_and_exit_0_with_warnings_only():
    res = gknb(PT / "平潭综合实验区_2024.html", CORPUS / "docx" / "平潭综合实验区_2025.docx", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert (out["old"]["year"], out["new"]["year"], out["errors"]) == (2024, 2025, 0)
    assert {(v["rule"], v["severity"], v["report"]) for v in out["violations"]} == {
        ("T2-1", "warning", "new"), ("S5-1", "warning", "new"), ("S5-1", "warning", "old")}
    t21 = next(v for v in out["violations"] if v["rule"] == "T2-1")
    assert t21["cross_year"] and t21["printed"] == 546 and t21["implied"] == 453


def test_errors_exit_1_and_the_html_file_is_written(tmp_path):
    prev = consistent_report(1)
    cur = successor(prev)
    cur.set("requests.carried_in.natural", cur.value("requests.carried_in.natural") + 1)
    cur.set("requests.new.natural", cur.value("requests.new.natural") - 1)  # T3-1 holds, T3-5 breaks
    html = tmp_path / "对照" / "报告.html"
    res = gknb(write(tmp_path, prev), write(tmp_path, cur), "--html", html)
    assert res.returncode == 1, res.stderr
    assert "错误 T3-5 [自然人栏]" in res.stdout and str(html) in res.stdout
    page = html.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "T3-5" in page
    # Same inputs, same bytes.
    again = tmp_path / "again.html"
    gknb(write(tmp_path, prev), write(tmp_path, cur), "--html", again)
    assert again.read_bytes() == html.read_bytes()


def test_unusable_input_exits_2_naming_the_file(tmp_path):
    bad = tmp_path / "坏报告.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing here")
    res = gknb(PT / "平潭综合实验区_2024.html", bad)
    assert res.returncode == 2
    assert "坏报告.pdf" in res.stderr and "错误" in res.stderr and "Traceback" not in res.stderr
    res = gknb(PT / "平潭综合实验区_2024.html")
    assert res.returncode == 2 and "两份报告" in res.stderr


def test_an_option_the_chosen_way_does_not_use_is_refused_not_ignored(tmp_path):
    # "-o" writes a batch's folder; with two documents the page is written by --html. Given
    # anyway, it used to be ignored: the findings printed, exit 0, no page where one was asked.
    pair = (PT / "平潭综合实验区_2023.html", PT / "平潭综合实验区_2024.html")
    res = gknb(*pair, "-o", tmp_path / "页")
    assert res.returncode == 2 and "-o/--output-dir 不用于两份报告的对照" in res.stderr
    assert not (tmp_path / "页").exists()
    res = gknb("--archive", tmp_path, "--year", 2024, "--html", tmp_path / "a.html")
    assert res.returncode == 2 and "--html 不用于批量对照" in res.stderr
    res = gknb(*pair, "--archive", tmp_path, "--summary-docx", tmp_path / "s.docx")
    assert res.returncode == 2 and "--archive、--summary-docx 不用于两份报告的对照" in res.stderr
    assert gknb(*pair, "--json").returncode == 0


def test_an_option_that_needs_another_is_refused_without_it(tmp_path):
    # --date is printed on the HTML page only: without --html (two documents, one agency) it was
    # ignored; --register lists the missing agencies in the --summary-docx notice only.
    pair = (PT / "平潭综合实验区_2023.html", PT / "平潭综合实验区_2024.html")
    for args in ((*pair, "--json"), ("--archive", tmp_path, "--agency", "平潭综合实验区", "--year", 2024)):
        res = gknb(*args, "--date", "2026-02-01")
        assert res.returncode == 2 and "--date 须与 --html 同用" in res.stderr and res.stdout == ""
    page = tmp_path / "对照.html"
    assert gknb(*pair, "--html", page, "--date", "2026-02-01").returncode == 0
    assert "2026-02-01" in page.read_text("utf-8")
    res = gknb("--archive", tmp_path, "--year", 2024, "-o", tmp_path / "批量", "--register", tmp_path / "名录.xlsx")
    assert res.returncode == 2 and "--register 须与 --summary-docx 同用" in res.stderr
    assert not (tmp_path / "批量").exists()


def archive_with(tmp_path, *reports):
    store = Store(tmp_path / "档案")
    for r in reports:
        store.put(r)
    return store


def test_archive_pair_year_against_the_year_before(tmp_path):
    first = consistent_report(1, year=2023)
    prev = successor(first, seed=2)
    cur = successor(prev, seed=3)
    prev.set("proactive.art20_1.rules.in_force", prev.value("proactive.art20_1.rules.in_force") + 5)
    cur.set("proactive.art20_1.rules.in_force", cur.value("proactive.art20_1.rules.in_force") + 5)
    store = archive_with(tmp_path, first, prev, cur)
    res = gknb("--archive", store.root, "--agency", cur.agency, "--year", 2025, "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    # 2024's break of T2-1 (against 2023, from the archive) is shown; 2025 continues 2024.
    assert [(v["rule"], v["year"]) for v in out["violations"]] == [("T2-1", 2024)]
    res = gknb("--archive", store.root, "--agency", cur.agency, "--year", 2023)
    assert res.returncode == 2 and "2022年度" in res.stderr and cur.agency in res.stderr
    res = gknb("--archive", tmp_path / "没有", "--agency", cur.agency, "--year", 2025)
    assert res.returncode == 2 and "没有" in res.stderr


def test_batch_writes_a_page_per_agency_and_an_index(tmp_path):
    a_prev = consistent_report(1, agency="甲县教育局", year=2024)
    a_cur = successor(a_prev)
    a_cur.set("review_litigation.reconsideration.total", a_cur.value("review_litigation.reconsideration.total") + 1)
    b_prev = consistent_report(5, agency="乙县财政局", year=2024)
    b_cur = successor(b_prev, seed=6)
    c_cur = consistent_report(7, agency="丙县水利局", year=2025)  # no 2024 in the archive
    store = archive_with(tmp_path, a_prev, a_cur, b_prev, b_cur, c_cur)
    out = tmp_path / "输出"
    res = gknb("--archive", store.root, "--year", 2025, "-o", out, "--date", "2026-02-01")
    assert res.returncode == 1, res.stderr  # 甲县教育局 has a T4-1 error
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "丙县水利局_2025.html", "乙县财政局_2025.html",
                                                      "甲县教育局_2025.html"]
    index = (out / "index.html").read_text("utf-8")
    assert index.index("甲县教育局") < index.index("乙县财政局")  # worst first
    assert "T4-1" in index and "2026-02-01" in index and "其中 1 个档案中没有上年报告" in index
    assert 'href="%E7%94%B2%E5%8E%BF%E6%95%99%E8%82%B2%E5%B1%80_2025.html"' in index
    lone = (out / "丙县水利局_2025.html").read_text("utf-8")
    assert "没有上年" in lone and "无上年报告可对照" in lone
    res = gknb("--archive", store.root, "--year", 2025)
    assert res.returncode == 2 and "-o" in res.stderr


def test_archive_resolves_an_agency_that_prints_its_name_differently(tmp_path):
    prev = consistent_report(1, agency="洪泽区人民政府", year=2023)
    cur = successor(prev)
    cur.agency = "淮安市洪泽区人民政府"
    store = archive_with(tmp_path, prev, cur)
    res = gknb("--archive", store.root, "--agency", "淮安市洪泽区人民政府", "--year", 2024, "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["old"]["agency"] == "洪泽区人民政府"


def test_the_terminal_summary_says_which_figures_the_reader_was_unsure_of():
    # 平潭's crawler texts of 2023 and 2024 each run 行政规范性文件's three figures together (flagged):
    # the HTML verdict said so, the terminal summary did not.
    txt = CORPUS / "txt"
    res = gknb(txt / "平潭综合实验区_2023.txt", txt / "平潭综合实验区_2024.txt")
    assert res.returncode == 0, res.stderr
    assert "  存疑：本年报告有 3 个数字解析存疑" in res.stdout and "  存疑：上年报告有 3 个数字解析存疑" in res.stdout
    assert "存疑：" not in gknb(PT / "平潭综合实验区_2023.html", PT / "平潭综合实验区_2024.html").stdout
