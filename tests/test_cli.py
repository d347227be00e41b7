"""The gknb command as users run it: output, exit codes, Chinese messages."""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "work" / "figures" / "示例县数据资源局" / "2025.yaml"


def gknb(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "gknb.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_parse_json_prints_the_expected_layout():
    src = CORPUS / "txt" / "泽州县应急管理局_2025.txt.expected.json"
    res = gknb("parse", src, "--json")
    assert res.returncode == 0, res.stderr
    view = json.loads(res.stdout)
    expected = json.loads(src.read_text("utf-8"))
    for key in ("agency", "year", "format", "proactive", "requests", "review_litigation"):
        assert view[key] == expected[key]
    assert view["flags"] == {}


def test_check_exit_codes_and_linter_output(tmp_path):
    assert gknb("check", SAMPLE).returncode == 0
    hongze = CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf.expected.json"
    res = gknb("check", hongze)
    assert res.returncode == 1
    assert "错误 T4-1 [行政复议]" in res.stdout and "相差 11" in res.stdout
    res = gknb("check", hongze, "--json")
    found = json.loads(res.stdout)["violations"]
    assert {(v["rule"], v["severity"]) for v in found if v["severity"] == "error"} == {("T4-1", "error")}
    bad = tmp_path / "坏文件.json"
    bad.write_text('{"agency": "x", "requests": {"一、本年新收": {}}', "utf-8")
    res = gknb("check", bad)
    assert res.returncode == 2
    assert "坏文件.json" in res.stderr and "JSON格式错误" in res.stderr and "Traceback" not in res.stderr


def test_unknown_label_in_a_figures_file_is_reported_with_its_line(tmp_path):
    text = SAMPLE.read_text("utf-8").replace("行政强制:", "行政强治:")
    f = tmp_path / "figures.yaml"
    f.write_text(text, "utf-8")
    res = gknb("check", f)
    assert res.returncode == 2
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "行政强治" in s)
    assert "行政强治" in res.stderr and f"第{line}行" in res.stderr


def test_unusable_inputs_exit_2_with_a_chinese_message(tmp_path):
    for name, data in (("空.pdf", b""), ("乱码.pdf", bytes(range(256)) * 20), ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)):
        p = tmp_path / name
        p.write_bytes(data)
        res = gknb("parse", p)
        assert res.returncode == 2, name
        assert name in res.stderr and "Traceback" not in res.stderr


def test_ingest_archives_then_refuses_a_changed_year_and_reparse_reports_changes(tmp_path):
    archive = tmp_path / "档案"
    src = tmp_path / "figures.yaml"
    src.write_text(SAMPLE.read_text("utf-8"), "utf-8")
    res = gknb("ingest", src, "--archive", archive)
    assert res.returncode == 0, res.stderr
    assert "已归档" in res.stdout
    assert "内容相同" in gknb("ingest", src, "--archive", archive).stdout
    changed = tmp_path / "changed.yaml"
    changed.write_text(SAMPLE.read_text("utf-8").replace("本年处理决定数量: 188", "本年处理决定数量: 189"), "utf-8")
    res = gknb("ingest", changed, "--archive", archive)
    assert res.returncode == 2 and "--replace" in res.stderr
    res = gknb("ingest", changed, "--archive", archive, "--replace")
    assert res.returncode == 0 and "已替换" in res.stdout
    listed = gknb("list", "--archive", archive).stdout
    assert "示例县数据资源局\t2025" in listed
    # The archived source is the changed file; re-parsing it changes nothing.
    res = gknb("reparse", "--archive", archive)
    assert res.returncode == 0 and "数字没有变化" in res.stdout
    xml = archive / "reports" / "示例县数据资源局" / "2025.xml"
    assert gknb("check", xml).returncode == 0


def test_check_uses_last_years_archived_report_for_cross_year_rules(tmp_path):
    archive = tmp_path / "a"
    this_year = yaml.safe_load(SAMPLE.read_text("utf-8"))
    last_year = copy.deepcopy(this_year)
    last_year["year"] = 2024
    # Last year's carried-out row = this year's carried-in, except one request more (自然人).
    carried = dict(this_year["requests"]["二、上年结转政府信息公开申请数量"])
    carried["自然人"] += 1
    last_year["requests"]["四、结转下年度继续办理"] = carried
    prev_path = tmp_path / "2024.yaml"
    prev_path.write_text(yaml.safe_dump(last_year, allow_unicode=True), "utf-8")
    assert gknb("ingest", prev_path, "--archive", archive).returncode == 1  # itself inconsistent now
    res = gknb("check", SAMPLE, "--archive", archive, "--json")
    assert res.returncode == 1
    found = json.loads(res.stdout)
    assert found["previous_year"] == 2024
    assert [(v["rule"], v["scope"]) for v in found["violations"] if v["severity"] == "error"] == \
        [("T3-5", "自然人栏")]
    assert gknb("check", SAMPLE, "--archive", tmp_path / "empty").returncode == 0


@pytest.mark.parametrize("doc", ["pdf/淮安市洪泽区人民政府_2024.pdf", "docx/平潭综合实验区_2023.docx",
                                 "html/平潭综合实验区_2021.html", "txt/平潭综合实验区_2023.txt",
                                 "txt/泽州县应急管理局_2025.txt", "md/上海市科学技术委员会_2024.md"])
def test_parse_explain_shows_how_every_row_was_read(doc):
    res = gknb("parse", CORPUS / doc, "--explain")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].endswith("读取过程")
    rows = [ln for ln in lines if "→ 表三 " in ln and ("数据行" in ln or "连排文字" in ln or "无标签行" in ln)]
    assert len(rows) >= 15, res.stdout[:2000]  # table 三's rows, each with what it was matched to
    assert any(ln.endswith("部分") and "→ 第" in ln for ln in lines)  # the sections found
    assert "单元格：确定" in res.stdout  # the usual summary follows


@pytest.mark.parametrize("args", [("parse",), ("--bogus",), ("pars",), ("check", "--previous"),
                                  ("january", "--year"), ("--help",), ("parse", "--help")])
def test_clicks_own_messages_are_chinese(args):
    res = gknb(*args)
    out = res.stdout + res.stderr
    assert "用法" in out or out.startswith("错误：")
    for english in ("Usage", "Error", "Options", "Commands", "Missing", "No such", "Try ", "Show this"):
        assert english not in out, (args, out)
    assert res.returncode in (0, 2)


def test_check_on_a_figures_file_judges_figures_not_missing_prose():
    res = gknb("check", SAMPLE)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "共 0 个错误，0 个警告" in res.stdout  # no E10 / S5-1 / S6-1: a figures file has no headings


def test_mistyped_folders_and_names_are_caught_before_any_work(tmp_path):
    missing = tmp_path / "不存在"
    res = gknb("january", "--work", missing, "--year", 2025)
    assert res.returncode == 2 and "工作文件夹不存在" in res.stderr and not missing.exists()
    res = gknb("draft", "洪泽区人民政府", "--year", 2024, "--archive", tmp_path / "档案馆")
    assert res.returncode == 2 and "档案目录不存在" in res.stderr
    archive = tmp_path / "档案"
    assert gknb("ingest", CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf", "--archive", archive).returncode in (0, 1)
    res = gknb("draft", "洪泽区", "--year", 2024, "--archive", archive)
    assert res.returncode == 2 and "您是否要找：洪泽区人民政府" in res.stderr
    assert gknb("draft", "洪泽区人民政府", "--year", 2024, "--archive", archive).returncode == 0
    res = gknb("draft", "新设立的某某局", "--year", 2024, "--archive", archive)  # no name near it: a new agency
    assert res.returncode == 0 and "档案中没有新设立的某某局2023年度报告" in res.stderr


def test_an_option_the_chosen_way_of_running_does_not_use_is_refused_not_ignored(tmp_path):
    # Each used to be accepted and ignored, the command running as if it had not been typed.
    txt = CORPUS / "txt" / "平潭综合实验区_2023.txt"
    res = gknb("parse", txt, "--json", "--explain")  # the reading's account printed into the JSON
    assert res.returncode == 2 and "--explain 不用于JSON输出" in res.stderr and res.stdout == ""
    assert json.loads(gknb("parse", txt, "--json", "--verify").stdout)["year"] == 2023
    archive = tmp_path / "档案"
    res = gknb("check", txt, "--previous", CORPUS / "txt" / "平潭综合实验区_2017.txt", "--archive", archive)
    assert res.returncode == 2 and "--archive 不用于给出 --previous 的核对" in res.stderr and res.stdout == ""
    assert gknb("check", txt, "--archive", archive).returncode in (0, 1)


def test_executor_options_a_job_would_ignore_are_refused_before_any_work(tmp_path):
    # --scheduler on the local pool, --workers on a running cluster: the executor ignored them.
    archive, work = tmp_path / "档案", tmp_path / "工作"
    (work / "inbox").mkdir(parents=True)
    txt = CORPUS / "txt" / "平潭综合实验区_2023.txt"
    for args in (("ingest", txt, "--archive", archive), ("reparse", "--archive", archive),
                 ("january", "--work", work, "--year", 2025, "--archive", archive)):
        res = gknb(*args, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9", "--workers", 2)
        assert res.returncode == 2 and "--workers 不用于已在运行的 dask 集群" in res.stderr, res.stderr
        res = gknb(*args, "--scheduler", "tcp://127.0.0.1:9")  # (refused before too, by the executor)
        assert res.returncode == 2 and "--scheduler 须与 --executor dask 同用" in res.stderr, res.stderr
    assert not archive.exists() and sorted(p.name for p in work.iterdir()) == ["inbox"]


def test_an_option_typed_twice_is_refused_not_overridden(tmp_path):
    # click kept the last of two (--year 2024 --year 2025 drafted 2025; --pdf --no-pdf made no PDF).
    out = tmp_path / "数字.yaml"
    res = gknb("draft", "新设立的某某局", "--year", 2024, "--year", 2025, "--new", "-o", out)
    assert res.returncode == 2 and "--year 只能给出一次" in res.stderr and "draft [选项] AGENCY" in res.stderr
    assert not out.exists()
    res = gknb("generate", "某局", "--year", 2025, "--figures", SAMPLE, "--pdf", "--no-pdf", "-o", tmp_path / "报告")
    assert res.returncode == 2 and "--pdf/--no-pdf 只能给出一次" in res.stderr and not (tmp_path / "报告").exists()
    res = gknb("ingest", SAMPLE, "--agency", "甲局", "--agency", "乙局", "--archive", tmp_path / "档案")
    assert res.returncode == 2 and "--agency 只能给出一次" in res.stderr and not (tmp_path / "档案").exists()
    res = gknb("search", "公开", "--section", "一", "--section", "二", "--archive", tmp_path / "档案")
    assert "只能给出一次" not in res.stderr  # a repeatable option collects its values
    assert gknb("draft", "--year", 2024, "--year", 2025, "--help").returncode == 0


# Modules a command does not use: `gknb check` on a text report reads and checks; it writes
# nothing, generates nothing, compares nothing, and has no archive to open here.
NOT_FOR_CHECK = ("lxml", "gknb.archive.store", "gknb.generator", "gknb.compare", "gknb.search", "gknb.jobs",
                 "pdfplumber", "pypdfium2", "docx", "openpyxl", "logging")
_LOADED = """
import sys, contextlib, io
from gknb.cli import main
group = set(sys.modules)
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    main(args=sys.argv[1:], standalone_mode=False)
print(sorted(group), sorted(set(sys.modules)), sep="\\n")
"""


def _loaded(*args, env):
    out = subprocess.run([sys.executable, "-c", _LOADED, *args], capture_output=True, text=True, env=env, check=True)
    group, after = (json.loads(line.replace("'", '"')) for line in out.stdout.splitlines()[-2:])
    return group, after


def test_each_command_imports_only_what_it_uses(tmp_path):
    env = {**os.environ, "GKNB_ARCHIVE": str(tmp_path / "没有档案")}
    group, after = _loaded("check", str(CORPUS / "txt" / "平潭综合实验区_2019.txt"), env=env)
    assert not any(m.startswith(("gknb.parsers", "gknb.rules", "lxml")) for m in group)  # the group alone
    assert "gknb.rules" in after and "gknb.parsers.text" in after  # the check did run
    assert [m for m in after if m.startswith(NOT_FOR_CHECK)] == []


def test_check_says_which_figures_the_reader_was_unsure_of():
    # 上海 2024: three figures of table 三 placed by position or missing (flagged). gknb check
    # listed its 10 warnings, "0 个错误", and not a word of the three figures they rest on.
    doc = CORPUS / "md" / "上海市科学技术委员会_2024.md"
    res = gknb("check", doc)
    assert res.returncode == 0
    assert "  存疑 3 个数字解析存疑，核对按解析出的数字进行，请核对原件" in res.stdout
    assert "    四、结转下年度继续办理/总计：原文缺少此单元格" in res.stdout
    flags = json.loads(gknb("check", doc, "--json").stdout)["flags"]
    assert len(flags) == 3 and "requests.carried_out.total" in flags
    clean = gknb("check", CORPUS / "html" / "平潭综合实验区_2024.html")
    assert "存疑" not in clean.stdout and clean.returncode == 0


def test_bytes_that_are_no_utf8_in_a_text_value_are_refused_and_in_a_file_name_read_as_gbk(tmp_path):
    # A terminal or a share in GBK: "gknb ingest … --agency <GBK bytes>" raised a traceback
    # (lone surrogates cannot be written to XML); a file named in GBK could not be archived at all.
    gbk_name = "报告.txt".encode("gb18030")
    path = os.fsencode(tmp_path) + b"/" + gbk_name
    with open(path, "wb") as f:
        f.write((CORPUS / "txt" / "平潭综合实验区_2024.txt").read_bytes())
    archive = tmp_path / "档案"

    def run(*args):
        return subprocess.run([sys.executable, "-m", "gknb.cli", *[a if isinstance(a, bytes) else str(a) for a in args]],
                              capture_output=True, timeout=300)

    res = run("ingest", path, "--agency", "某局".encode("gb18030"), "--archive", archive)
    assert res.returncode == 2 and "--agency 的值含有无法识别的字符" in res.stderr.decode() and not archive.exists()
    res = run("search", "公开".encode("gb18030"), "--archive", archive)
    assert res.returncode == 2 and "TEXT 的值含有无法识别的字符" in res.stderr.decode()
    assert b"Traceback" not in res.stderr
    res = run("ingest", path, "--archive", archive)  # the file's own name in GBK: fine
    assert res.returncode == 0, res.stderr.decode()
    assert "报告.txt" in res.stdout.decode()
    xml = (archive / "reports" / "平潭综合实验区" / "2024.xml").read_text("utf-8")
    assert '<source name="报告.txt"' in xml


@pytest.mark.parametrize("args", [
    ("search", "公开", "--year", "99999999999999999999"), ("series", "requests.new.total", "--year", "25"),
    ("query", "requests.new.total > 0", "--year", "3025"), ("export", "--format", "csv", "--year", "0225"),
    ("draft", "某局", "--year", "99999999999999999999", "--new"), ("fix", "某局", "99999", "requests.new.total", "1",
                                                                  "--reason", "核对原件"),
    ("search", "公开", "--limit", "99999999999999999999"),
    ("ingest", "x.txt", "--timeout", "nan"), ("ingest", "x.txt", "--timeout", "1e308"),
    ("compare", "a", "b", "--swing-min", "inf"),
])
def test_numbers_that_cannot_be_meant_are_usage_errors_not_tracebacks(args, tmp_path):
    # An absurd --year reached SQLite as an integer it cannot hold (OverflowError) or made a
    # figures file for year 99999999999999999999; --limit likewise; --timeout 1e308 failed every
    # file with an internal error, nan and inf passed click's ranges.
    res = gknb(*args, "--archive", tmp_path)
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    assert "的值无效" in res.stderr


def test_check_does_not_count_a_finding_a_reviewer_dismissed(tmp_path):
    # 平潭 2024's E04 (its table 二 lacks the 行政规范性文件 cells) dismissed in the archive: every
    # review left it out, but gknb check still counted and printed it.
    doc, archive = CORPUS / "txt" / "平潭综合实验区_2024.txt", tmp_path / "档案"
    assert gknb("ingest", doc, "--archive", archive).returncode == 0
    before = json.loads(gknb("check", doc, "--archive", archive, "--json").stdout)
    assert "E04" in {v["rule"] for v in before["violations"]} and before["dismissed"] == 0
    res = gknb("dismiss", "平潭综合实验区", 2024, "E04", "--reason", "该机关没有行政规范性文件的制发权", "--archive", archive)
    assert res.returncode == 0, res.stderr
    after = json.loads(gknb("check", doc, "--archive", archive, "--json").stdout)
    assert "E04" not in {v["rule"] for v in after["violations"]} and after["dismissed"] == 1
    assert len(after["violations"]) == len(before["violations"]) - 1
    text = gknb("check", doc, "--archive", archive).stdout
    assert "E04" not in text and "另有 1 个发现已经审核驳回，不计入" in text
