"""A new year's figures file drafted from the archive, filled in, and generated: what is carried
forward (结转, 现行有效件数, last year's problems), what is left blank, how mistakes are reported."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from gknb.archive.store import Store
from gknb.parsers import parse

from gknb import template as tpl
from gknb.generator import generate_docx
from gknb.generator.basis import read
from gknb.generator.draft import draft, dump
from gknb.problems import read_section_five
from gknb.rules import check
from gknb.view import to_view

from .builders import consistent_report, edited_copy, successor
from .conftest import CORPUS
from .test_generator import figures_of

ZEZHOU = CORPUS / "txt" / "泽州县应急管理局_2025.txt"
AGENCY = "泽州县应急管理局"


def gknb(*args):
    return subprocess.run([sys.executable, "-m", "gknb.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def _archive(tmp_path, *paths) -> Store:
    store = Store(tmp_path / "档案")
    for p in paths:
        store.put(parse(p), p.read_bytes())
    return store


def test_founding_document_carries_its_three_problems_into_the_2026_report(tmp_path):
    store = _archive(tmp_path, ZEZHOU)
    last = store.get(AGENCY, 2025)
    planned = read_section_five(last.section_text("五"))
    assert len(planned.problems) == 3
    text = dump(draft(AGENCY, 2026, store))
    items = yaml.safe_load(text)["rectification"]
    assert [i["problem"] for i in items] == planned.problems
    assert [i["measure"] for i in items] == planned.measures  # three problems, three measures, in order
    assert all(i["done"] is None for i in items)
    # the user reports what was done about the first problem only
    filled = text.replace("done: null", "done: 已召开专题会议并开展全员培训，各股室均已明确公开责任。", 1)
    path = tmp_path / "2026.yaml"
    path.write_text(filled, "utf-8")
    data, doc = generate_docx(read(path), last)
    out = tmp_path / "2026.docx"
    out.write_bytes(data)
    five = parse(out).sections["五"].paragraphs
    assert five[0] == "（一）上年度问题整改情况"
    for n, (item, para) in enumerate(zip(items, five[1:4]), 1):
        assert para.startswith(f"{n}.{item['problem']}。")
        assert f"整改措施：{item['measure']}" in para
    assert "已召开专题会议" in five[1] and "【待填写" not in five[1]
    assert "【待填写" in five[2] and "【待填写" in five[3]
    s51 = [v for v in check(parse(out), last) if v.rule == "S5-1"]
    # two problems without their rectification, and this year's problems not written yet
    assert len(s51) == 1 and "尚有3处待填写" in s51[0].message
    assert five[4:] == ["（二）存在的主要问题及改进措施", "【待填写：本年度存在的主要问题及改进措施】"]


def test_carried_figures_come_from_last_years_table_and_the_rest_is_blank(tmp_path):
    store = _archive(tmp_path, ZEZHOU)
    last = store.get(AGENCY, 2025)
    d = draft(AGENCY, 2026, store)
    figures = read(_save(tmp_path, dump(d))).report
    t = tpl.load()
    carried = {c.cell for c in d.carried}
    for cdef in t.table("requests").layout("2021").cells:
        if cdef.row.id == "carried_in":
            assert figures.value(cdef.id) == last.value(f"requests.carried_out.{cdef.column.id}")
    # the founding document lost two cells of 四、结转下年度继续办理: blank, and said so
    assert figures.value("requests.carried_in.natural") is None
    assert any("存疑，未预填" in n and "四、结转下年度继续办理：自然人 未读出" in n for n in d.notes)
    for row in ("rules", "normative"):
        cid = f"proactive.art20_1.{row}.in_force"
        assert cid in carried and figures.value(cid) == last.value(cid)
    others = [cid for cid in figures.cells if cid not in carried]
    assert others and all(figures.value(cid) is None for cid in others)  # nothing guessed
    view = yaml.safe_load(dump(d))
    assert view["fees"] == {"notices": None, "amount": None, "collected": None}


def test_a_figure_the_reader_presumed_last_year_is_not_carried_as_if_printed(tmp_path):
    # 平潭 2024 with 四、结转下年度继续办理's label lost: the reader places the row by its position
    # and flags its figures (0 each). Drafted from that, 2025's 二、上年结转 was prefilled with the
    # presumed 0s, unflagged: a guess made into figures, and a final report built on them.
    path = edited_copy(CORPUS / "html" / "平潭综合实验区_2024.html", '<td colspan="3">四、结转下年度继续办理</td>',
                       '<td colspan="3"></td>', tmp_path)
    store = _archive(tmp_path, path)
    last = store.get("平潭综合实验区", 2024)
    assert last.value("requests.carried_out.total") == 0 and last.cells["requests.carried_out.total"].flag
    d = draft("平潭综合实验区", 2025, store)
    figures = read(_save(tmp_path, dump(d))).report
    carried_in = [c for c in figures.cells if c.startswith("requests.carried_in.")]
    assert len(carried_in) == 7 and all(figures.value(c) is None for c in carried_in)
    note = next(n for n in d.notes if "存疑，未预填" in n)
    assert "四、结转下年度继续办理：" in note and "总计 读为 0" in note and "按表中位置推定" in note
    assert "按上年“四、结转下年度继续办理”预填" not in dump(d)
    # Once a person confirms last year's figure (gknb fix), it is carried.
    res = gknb("fix", "--archive", store.root, "平潭综合实验区", 2024, "requests.carried_out.total", 0,
               "--reason", "核对原件")
    assert res.returncode == 0, res.stderr
    again = read(_save(tmp_path, dump(draft("平潭综合实验区", 2025, Store(store.root))))).report
    assert again.value("requests.carried_in.total") == 0
    assert again.value("requests.carried_in.business") is None  # the others still wait


def test_without_an_archived_previous_year_it_says_what_it_could_not_carry(tmp_path):
    d = draft("某某县某局", 2026, Store(tmp_path / "空档案"))
    assert any("没有某某县某局2025年度报告" in n for n in d.notes)
    assert d.view["rectification"] == [] and not d.carried
    f = read(_save(tmp_path, dump(d)))
    r = consistent_report(3, agency="某某县某局", year=2026)
    data, doc = generate_docx(figures_of(r))  # figures given directly, no archive
    assert any("上年度问题整改情况未能沿用" in n for n in doc.notes)
    assert f.report.agency == "某某县某局" and f.report.year == 2026 and data[:2] == b"PK"


@pytest.mark.slow
def test_a_year_generated_archived_and_drafted_again_carries_everything_forward(tmp_path):
    """The yearly cycle through the command line: generate N, archive it, draft N+1, fill, generate, check."""
    archive = tmp_path / "档案"
    year1 = consistent_report(51, agency="示例县数据资源局", year=2025)
    filled = _filled(to_view(year1), year1)
    # no 2024 report archived: last year's problems and their rectification are written by hand
    filled["rectification"] = [{"problem": "栏目更新不及时", "measure": "建立巡查制度", "done": "已建立并执行。"}]
    first = _save(tmp_path, yaml.safe_dump(filled, allow_unicode=True), "2025.yaml")
    res = gknb("generate", "示例县数据资源局", "--year", 2025, "--figures", first, "--archive", archive,
               "-o", tmp_path / "2025", "--no-pdf")
    assert res.returncode == 0, res.stderr
    (docx,) = (tmp_path / "2025").glob("*.docx")
    assert gknb("ingest", docx, "--archive", archive).returncode == 0
    drafted = tmp_path / "2026.yaml"
    res = gknb("draft", "示例县数据资源局", "--year", 2026, "--archive", archive, "-o", drafted)
    assert res.returncode == 0, res.stderr
    d = yaml.safe_load(drafted.read_text("utf-8"))
    carried_out = to_view(year1)["requests"][tpl.load().cell("requests.carried_out.total").json_path[0]]
    assert d["requests"][tpl.load().cell("requests.carried_in.total").json_path[0]] == carried_out
    wanted = [(p.problem, p.measure) for p in figures_of(year1).problems]
    assert [(i["problem"], i["measure"]) for i in d["rectification"]] == wanted
    year2 = successor(year1, 52)
    for item in d["rectification"]:
        item["done"] = "已完成整改。"
    drafted.write_text(yaml.safe_dump(_filled({**d, **{k: to_view(year2)[k] for k in tpl.load().tables}}, year2),
                                      allow_unicode=True), "utf-8")
    res = gknb("generate", "示例县数据资源局", "--year", 2026, "--figures", drafted, "--archive", archive,
               "-o", tmp_path / "2026")
    assert res.returncode == 0, res.stderr
    assert "注意" not in res.stderr  # nothing left to fill
    for report in sorted((tmp_path / "2026").iterdir()):
        res = gknb("check", report, "--archive", archive)
        assert res.returncode == 0 and "对照 2025 年度" in res.stdout and "共 0 个错误，0 个警告" in res.stdout, \
            res.stdout


def test_generate_from_the_archive_alone_compares_with_last_year(tmp_path):
    """No figures file: the archived report of the year is written out in the official form."""
    pingtan = "平潭综合实验区"
    archive = tmp_path / "档案"
    for path in (CORPUS / "html" / "平潭综合实验区_2024.html", CORPUS / "docx" / "平潭综合实验区_2025.docx"):
        assert gknb("ingest", path, "--archive", archive).returncode in (0, 1)
    res = gknb("generate", pingtan, "--year", 2025, "--archive", archive, "-o", tmp_path / "out", "--no-pdf")
    assert res.returncode == 1 and "不能生成正式报告" in res.stderr  # 2024's problems await their rectification
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    res = gknb("generate", pingtan, "--year", 2025, "--archive", archive, "-o", tmp_path / "out", "--no-pdf",
               "--draft")
    assert res.returncode == 0, res.stderr
    (docx,) = (tmp_path / "out").glob("*.docx")
    assert docx.name == f"{pingtan}2025年政府信息公开工作年度报告（征求意见稿）.docx"
    store = Store(archive)
    this, last = store.get(pingtan, 2025), store.get(pingtan, 2024)
    back = parse(docx)
    assert {c: back.value(c) for c in this.cells} == {c: this.value(c) for c in this.cells}
    change = this.value("requests.new.total") - last.value("requests.new.total")
    assert (f"较上年增加{change}件" if change > 0 else f"较上年减少{-change}件") in back.sections["一"].text
    five = back.sections["五"].paragraphs
    for n, problem in enumerate(read_section_five(last.section_text("五")).problems, 1):
        assert five[n].startswith(f"{n}.{problem}。")  # 2024's problems, each awaiting its rectification
    assert "待填写：第1个问题的整改情况" in res.stderr


def test_mistakes_in_the_generator_keys_are_reported_by_path_and_line(tmp_path):
    text = dump(draft("某某县某局", 2026, None)).replace("行政强制:", "行政强治:")
    text = text.replace("problems: []", "problems:\n- problem: 目录不细\n  mesure: 细化目录\n- measure: 只有措施")
    text = text.replace("  notices: null", "  notices: -1")
    path = _save(tmp_path, text)
    res = gknb("generate", "某某县某局", "--year", 2026, "--figures", path, "--no-pdf", "-o", tmp_path)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    lines = text.splitlines()
    for needle, where in (("行政强治", "行政强治"), ("mesure:", "problems/第1项/mesure"),
                          ("- measure: 只有措施", "problems/第2项"), ("notices: -1", "fees/notices")):
        n = next(i for i, s in enumerate(lines, 1) if needle in s)
        assert any(where in ln and f"第{n}行" in ln for ln in res.stderr.splitlines()), (where, n, res.stderr)


# --------------------------------------------------------------------------- helpers

def _save(tmp_path, text: str, name: str = "figures.yaml"):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def _filled(view: dict, report) -> dict:
    """A figures file with its tables from ``report`` and the generator's keys filled."""
    f = figures_of(report)
    view = {k: v for k, v in view.items() if k not in ("document", "flags", "sections")}
    view["problems"] = [{"problem": p.problem, "measure": p.measure} for p in f.problems]
    view["fees"] = {"notices": 0, "amount": 0, "collected": 0}
    view["signature"] = {"agency": report.agency, "date": f"{report.year + 1}-01-20"}
    return view


def test_last_years_contact_details_are_carried_into_the_draft(tmp_path):
    archive = tmp_path / "档案"
    assert gknb("ingest", CORPUS / "html" / "平潭综合实验区_2023.html", "--archive", archive).returncode in (0, 1)
    res = gknb("draft", "平潭综合实验区", "--year", 2024, "--archive", archive)
    assert res.returncode == 0, res.stderr
    contact = yaml.safe_load(res.stdout)["contact"]
    assert contact["phone"] == "0591-23165385" and contact["website"] == "www.pingtan.gov.cn"
    assert contact["address"].startswith("平潭综合实验区") and contact["office"].endswith("办公室")
