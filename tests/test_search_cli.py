"""The search commands as users run them: output, JSON, exit status as grep's."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from gknb.archive.store import Store

from gknb.cli import main
from gknb.search import db
from tests import test_search as shared
from tests.test_search import scan

# The corpus archive fixtures, shared with test_search.py.
archive = shared.archive
corpus_archive = shared.corpus_archive

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_search_prints_marked_snippets_and_exits_0(archive):
    res = run("search", "依申请公开", "--archive", archive, "--limit", "0")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert len(lines) == 2 * len(scan(archive, "依申请公开"))
    assert all("【依申请公开】" in line for line in lines[1::2])
    assert (archive / db.INDEX_FILE).exists()  # the index lives in the archive


def test_search_json(archive):
    res = run("search", "公", "--archive", archive, "--json", "--limit", "3")
    assert res.exit_code == 0 and "正在建立检索索引" in res.stderr  # the first search builds the index
    out = json.loads(res.stdout)
    assert out["query"] == "公" and out["ranking"] == "count" and out["total"] == len(scan(archive, "公"))
    assert len(out["results"]) == 3
    for r in out["results"]:
        assert set(r) == {"agency", "year", "section", "heading", "snippet", "score", "count"}
        assert "【公】" in r["snippet"] and r["score"] == r["count"]
    res = run("search", "公", "--archive", archive, "--json", "--limit", "3")
    assert res.stderr == ""  # built already; and the total is in the JSON
    res = run("search", "公", "--archive", archive, "--limit", "3")
    assert len(res.stdout.splitlines()) == 6 and "只显示前 3 个" in res.stderr


def test_search_filters_on_the_command_line(archive):
    res = run("search", "公开", "--archive", archive, "--agency", "平潭", "--years", "2021-2024",
              "--section", "五", "--limit", "0", "--json")
    got = {(r["agency"], r["year"], r["section"]) for r in json.loads(res.stdout)["results"]}
    assert got == scan(archive, "公开", lambda k: k[0] == "平潭综合实验区" and 2021 <= k[1] <= 2024 and k[2] == "五")
    res = run("search", "公开", "--archive", archive, "--year", "2017", "--section", "标题", "--json")
    assert [(r["agency"], r["year"], r["section"]) for r in json.loads(res.stdout)["results"]] == [
        ("平潭综合实验区", 2017, "title")]


def test_exit_status_is_greps(archive, tmp_path):
    assert run("search", "量子计算机", "--archive", archive).exit_code == 1
    assert run("search", "龘", "--archive", archive).exit_code == 1
    assert run("search", "公开", "--archive", archive, "--year", "2010").exit_code == 1  # a year with no report
    assert run("search", "公开", "--archive", archive, "--year", "1999").exit_code == 2  # before the 条例: no year
    for args in (["--years", "2023-2019"], ["--year", "2020", "--years", "2019-2021"], ["--section", "七"],
                 ["--agency", "不存在的机关"], ["--limit", "-1"]):
        res = run("search", "公开", "--archive", archive, *args)
        assert res.exit_code == 2, args
    res = run("search", "  ", "--archive", archive)
    assert res.exit_code == 2 and "检索词为空" in res.stderr
    res = run("search", "公开", "--archive", tmp_path / "没有这个档案")
    assert res.exit_code == 2 and "档案目录不存在" in res.stderr
    assert not (tmp_path / "没有这个档案").exists()


def test_index_command_updates_and_rebuilds(archive):
    n = len(Store(archive).entries())
    res = run("index", "--archive", archive)
    assert res.exit_code == 0 and f"新增 {n} 份" in res.stdout
    res = run("index", "--archive", archive, "--rebuild")
    assert res.exit_code == 0 and "已重建" in res.stdout and f"共 {n} 份报告" in res.stdout
    bad = archive / "reports" / "坏档案机关" / "2022.xml"
    bad.parent.mkdir()
    bad.write_text("not xml", "utf-8")
    res = run("index", "--archive", archive)
    assert res.exit_code == 1 and "坏档案机关" in res.stderr
    res = run("search", "公开", "--archive", archive)
    assert res.exit_code == 0 and "警告" in res.stderr and "坏档案机关" in res.stderr


def test_series_prints_blanks_as_blank(archive):
    res = run("series", "requests.new.total", "--archive", archive)
    assert res.exit_code == 0
    out = res.stdout
    assert "requests/一、本年新收政府信息公开申请数量/总计" in out
    store = Store(archive)
    for e in store.entries():
        assert e.agency in out
    # 平潭 2017 has no tables: an empty value with a note, not 0
    line = next(x for x in out.splitlines() if x.startswith("2017"))
    assert "0" not in line.replace("2017", "") and "无此项" in line
    res = run("series", "requests/一、本年新收政府信息公开申请数量/总计", "--archive", archive, "--agency", "平潭",
              "--json")
    data = json.loads(res.stdout)
    r = {(p["year"]): p for p in data["series"]}
    for e in store.entries("平潭综合实验区"):
        report = store.get(e.agency, e.year)
        assert r[e.year]["value"] == report.value("requests.new.total")
    blank = run("series", "（一）予以公开 总计", "--archive", archive, "--agency", "上海市人民政府办公厅", "--json")
    point = json.loads(blank.stdout)["series"][0]
    assert point["state"] == "blank" and point["value"] is None


def test_series_and_query_errors(archive):
    res = run("series", "总计", "--archive", archive)
    assert res.exit_code == 2 and "requests.new.total" in res.stderr
    res = run("query", "总计 > 0", "--archive", archive)
    assert res.exit_code == 2 and "review_litigation.reconsideration.total" in res.stderr
    assert run("query", "行政复议 总计", "--archive", archive).exit_code == 2
    assert run("query", "requests.new.total > 100000000", "--archive", archive).exit_code == 1


def test_query_prints_matching_agency_year_value(archive):
    store = Store(archive)
    res = run("query", "行政复议", "总计", ">", "0", "--archive", archive, "--json")
    assert res.exit_code == 0
    got = [(m["agency"], m["year"], m["values"]["review_litigation.reconsideration.total"])
           for m in json.loads(res.stdout)["matches"]]
    expected = []
    for e in store.entries():
        v = store.get(e.agency, e.year).value("review_litigation.reconsideration.total")
        if v is not None and v > 0:
            expected.append((e.agency, e.year, v))
    assert got == expected and got
    res = run("query", "行政复议 总计 > 0", "--archive", archive)
    for agency, year, v in expected:
        assert any(line.split() == [agency, str(year), str(v)] for line in res.stdout.splitlines())


def test_query_marks_a_figure_the_reader_was_unsure_of(archive):
    # 上海 2024's 本年新收 total (34) is placed left to right under a row of eight figures and
    # flagged: it satisfies "> 0" like any figure, but is shown marked, with the reason.
    flag = Store(archive).get("上海市科委", 2024).cells["requests.new.total"].flag
    assert flag
    res = run("query", "requests.new.total > 0", "--archive", archive)
    assert res.exit_code == 0
    assert any(line.split() == ["上海市科委", "2024", "34?"] for line in res.stdout.splitlines())
    assert f"上海市科委 2024年度 一、本年新收政府信息公开申请数量/总计：{flag}" in res.stdout
    assert not any(line.split()[:2] == ["平潭综合实验区", "2024"] and "?" in line for line in res.stdout.splitlines())
    matches = json.loads(run("query", "requests.new.total > 0", "--archive", archive, "--json").stdout)["matches"]
    shanghai = next(m for m in matches if m["agency"] == "上海市科委")
    assert shanghai["values"]["requests.new.total"] == 34 and shanghai["flags"] == {"requests.new.total": flag}
    assert all(m["flags"] == {} for m in matches if m["agency"] == "平潭综合实验区")


def test_export_csv_file_and_json_stdout(archive, tmp_path):
    out = tmp_path / "数字.csv"
    res = run("export", "--format", "csv", "-o", out, "--archive", archive)
    assert res.exit_code == 0 and "已导出" in res.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    res = run("export", "--format", "json", "--archive", archive)
    records = json.loads(res.stdout)
    assert len(records) == len(rows) > 0
    assert [r["cell_id"] for r in records] == [r["单元格编号"] for r in rows]
    assert {r["状态"] for r in rows} <= {"有值", "空白", "缺失"}
    res = run("export", "--format", "xlsx", "--archive", archive)
    assert res.exit_code == 2 and "-o" in res.stderr  # a workbook is never written to the terminal
    book = tmp_path / "数字.xlsx"
    res = run("export", "--format", "xlsx", "-o", book, "--archive", archive)
    assert res.exit_code == 0 and book.read_bytes().startswith(b"PK")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_the_installed_command_runs_a_search(archive):
    """Through a real process, as a user runs it: exit codes reach the shell."""
    cmd = [sys.executable, "-m", "gknb.cli", "search"]
    ok = subprocess.run([*cmd, "公开", "--archive", str(archive)], capture_output=True, text=True, timeout=120,
                        check=False)
    assert ok.returncode == 0 and "【公开】" in ok.stdout
    none = subprocess.run([*cmd, "量子计算机", "--archive", str(archive)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert none.returncode == 1 and none.stdout == ""


def test_search_piped_into_a_reader_that_stops_early_still_exits_0(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    sample = Path(__file__).resolve().parents[1] / "samples" / "work" / "inbox"
    archive = tmp_path / "a"
    subprocess.run([sys.executable, "-m", "gknb.cli", "ingest", sample, "--archive", archive, "--workers", "1"],
                   capture_output=True, check=False)
    cmd = f'"{sys.executable}" -m gknb.cli search 公 --archive "{archive}" --limit 0 | head -1 >/dev/null; ' \
          'exit ${PIPESTATUS[0]}'
    res = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
