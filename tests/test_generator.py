"""The generated .docx: the official form's structure, round trip through the parser, determinism,
and a report the checker passes."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

from gknb.parsers import parse
from gknb.parsers.docx import read_docx
from gknb.parsers.layout import Grid
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gknb import template as tpl
from gknb.generator import generate_docx
from gknb.generator.basis import Fees, Figures, Problem, Rectified
from gknb.model import Report
from gknb.problems import read_section_five
from gknb.rules import check

from .builders import consistent_report, successor
from .conftest import CORPUS

AGENCIES = ["测试县某局", "上海市科学技术委员会", "平潭综合实验区", "某某市某某区某某街道办事处", "泽州县应急管理局"]
BLANK_TEMPLATE = CORPUS / "docx" / "年报格式模板_2021_空白.docx"
FEE_CELL = "proactive.art20_8.admin_fees.fee_amount"


# --------------------------------------------------------------------------- helpers (used by the other files too)

def figures_of(report: Report, **extras) -> Figures:
    defaults = {"fees": Fees(0, 0, 0), "problems": [Problem("政策解读形式较为单一", "增加图解和视频解读"),
                                                    Problem("基层公开目录不够细化", "会同各乡镇细化公开目录")]}
    return Figures(report, **{**defaults, **extras})


def write(tmp: Path, figures: Figures, previous: Report | None = None, name: str = "报告") -> Path:
    data, _ = generate_docx(figures, previous)
    path = tmp / f"{name}.docx"
    path.write_bytes(data)
    return path


def figures_snapshot(r: Report) -> dict:
    """What a round trip must give back: identity, format, and every figure (None for blank)."""
    return {"agency": r.agency, "year": r.year, "format": r.format, "table_formats": dict(r.table_formats),
            "cells": {cid: r.value(cid) for cid in sorted(r.cells)}}


def assert_same_figures(got: Report, want: Report) -> None:
    a, b = figures_snapshot(got), figures_snapshot(want)
    assert {k: a[k] for k in a if k != "cells"} == {k: b[k] for k in b if k != "cells"}
    wrong = {cid: (a["cells"].get(cid), v) for cid, v in b["cells"].items() if a["cells"].get(cid) != v}
    assert not wrong, wrong
    assert set(a["cells"]) == set(b["cells"])


@st.composite
def figure_sets(draw) -> Report:
    """Random consistent figures: any size, some cells blank, a fee amount with decimals."""
    r = consistent_report(draw(st.integers(0, 10 ** 6)), agency=draw(st.sampled_from(AGENCIES)),
                          year=draw(st.integers(2021, 2030)))
    scale = draw(st.sampled_from([1, 7, 1234]))
    for cid in r.cells:
        if not cid.startswith("proactive") and r.value(cid) is not None:
            r.set(cid, r.value(cid) * scale)  # the sums hold at any scale
    r.set(FEE_CELL, draw(st.none() | st.decimals(0, 10 ** 6, places=2) | st.integers(0, 10 ** 6)))
    for cid in draw(st.lists(st.sampled_from(sorted(r.cells)), max_size=6, unique=True)):
        r.set(cid, None)
    return r


# --------------------------------------------------------------------------- the official structure

def _tables(path: Path) -> list[Grid]:
    return [b for b in read_docx(path).blocks if isinstance(b, Grid)]


def _shape(grid: Grid) -> list[tuple]:
    return sorted((c.row, c.col, c.rowspan, c.colspan, re.sub(r"\s+", "", c.text)) for c in grid.cells)


def test_tables_have_exactly_the_merges_and_labels_of_the_blank_official_form(tmp_path):
    blank = Report.empty("测试县某局", 2025, "2021")  # every figure blank, as in the blank form
    got, official = _tables(write(tmp_path, figures_of(blank))), _tables(BLANK_TEMPLATE)
    assert len(got) == len(official) == 3
    for mine, theirs in zip(got, official):
        assert (mine.n_rows, mine.n_cols) == (theirs.n_rows, theirs.n_cols)
        assert _shape(mine) == _shape(theirs)
    note = got[1].cell_at(0, 0)
    assert (note.rowspan, note.colspan, note.text) == (3, 3, tpl.load().table("requests").note)
    band = next(c for c in got[1].cells if c.text == "三、本年度办理结果")
    assert (band.rowspan, band.colspan) == (22, 1)


def test_a_2019_table_keeps_its_own_form(tmp_path):
    """A 2021 report whose table 三 is the 2019 one (洪泽区 does this) is printed as it is."""
    r = consistent_report(3)
    tf = {**r.table_formats, "requests": "2019"}
    old = Report.empty(r.agency, r.year, "2021", tf)
    for cid in old.cells:
        old.set(cid, r.value(cid) if cid in r.cells else 4)
    back = parse(write(tmp_path, figures_of(old)))
    assert_same_figures(back, old)
    (grid,) = [g for g in _tables(tmp_path / "报告.docx") if g.n_cols == 10]
    assert next(c for c in grid.cells if c.text == "三、本年度办理结果").rowspan == 20


def test_figures_are_printed_as_given_and_blank_stays_blank(tmp_path):
    r = consistent_report(5)
    r.set(FEE_CELL, Decimal("0.50"))
    r.set("requests.new.natural", None)
    t2, t3, _ = _tables(write(tmp_path, figures_of(r)))
    assert t2.cell_at(13, 1).text == "0.50"
    row = next(c.row for c in t3.cells if c.text == tpl.load().cell("requests.new.natural").row.label)
    assert t3.cell_at(row, 3).text == ""  # blank, not "0"


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_word_xml_names_chinese_faces_centres_figures_and_numbers_pages(tmp_path):
    from lxml import etree

    with zipfile.ZipFile(write(tmp_path, figures_of(consistent_report(9)))) as z:
        parts = {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xml")}
        raw = b"".join(z.read(n) for n in z.namelist())
    assert b"ja-JP" not in raw and "ＭＳ".encode() not in raw and b"Mincho" not in raw
    defaults = parts["word/styles.xml"].find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}rFonts").get(f"{W}eastAsia") == "仿宋_GB2312"
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
    doc = parts["word/document.xml"]
    for run in doc.iter(f"{W}r"):
        assert run.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia"), etree.tostring(run, encoding=str)
    figures = [tc for tc in doc.iter(f"{W}tc") if re.fullmatch(r"[\d.]+", "".join(tc.itertext()))]
    assert len(figures) > 150
    assert {tc.find(f".//{W}jc").get(f"{W}val") for tc in figures} == {"center"}
    sect = doc.find(f"{W}body/{W}sectPr")
    margins = {k: int(sect.find(f"{W}pgMar").get(f"{W}{k}")) for k in ("top", "left", "right", "bottom")}
    assert margins == {"top": 2098, "left": 1587, "right": 1474, "bottom": 1984}  # 37/28/26/35 mm
    assert parts["word/settings.xml"].find(f"{W}evenAndOddHeaders") is not None
    for name, side in (("word/footer1.xml", "right"), ("word/footer2.xml", "left")):
        footer = parts[name]
        assert "".join(t.text for t in footer.iter(f"{W}instrText")).strip() == "PAGE"
        assert footer.find(f".//{W}jc").get(f"{W}val") == side
        assert "".join(t.text for t in footer.iter(f"{W}t")) == "— 1 —"


# --------------------------------------------------------------------------- round trip

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(r=figure_sets())
def test_docx_round_trip_gives_back_every_figure(tmp_path, r):
    back = parse(write(tmp_path, figures_of(r)))
    assert_same_figures(back, r)
    assert not [f for f in back.findings if f.kind != "note"], back.findings


def test_generated_text_is_read_back_as_written(tmp_path):
    f = figures_of(consistent_report(8))
    data, doc = generate_docx(f)
    path = tmp_path / "r.docx"
    path.write_bytes(data)
    back = parse(path)
    assert back.title == doc.title
    assert back.preamble == [doc.blocks[1].text]
    five = read_section_five(back.sections["五"].text)
    assert five.problems == [p.problem for p in f.problems]
    assert five.measures == [p.measure for p in f.problems]


# --------------------------------------------------------------------------- determinism

def test_same_inputs_give_byte_identical_docx_in_any_process(tmp_path):
    f = figures_of(consistent_report(11))
    first, _ = generate_docx(f)
    assert generate_docx(f)[0] == first
    sample = Path(__file__).resolve().parents[1] / "samples" / "work" / "figures" / "示例县数据资源局" / "2025.yaml"
    outs = []
    for tz in ("UTC", "Asia/Shanghai"):
        out = tmp_path / tz.replace("/", "_")
        res = subprocess.run([sys.executable, "-m", "gknb.cli", "generate", "示例县数据资源局", "--year", "2025",
                              "--figures", sample, "--archive", tmp_path / "empty", "-o", out, "--no-pdf"],
                             capture_output=True, text=True, env={"TZ": tz, "PATH": "/usr/bin:/bin"})
        assert res.returncode == 0, res.stderr
        outs.append(next(out.glob("*.docx")).read_bytes())
    assert outs[0] == outs[1]
    with zipfile.ZipFile(io.BytesIO(outs[0])) as z:
        infos = z.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
        assert "2026-01-01T00:00:00Z" in core


# --------------------------------------------------------------------------- what the checker says

def test_report_from_consistent_figures_passes_check_with_nothing_to_report(tmp_path):
    prev = consistent_report(21)
    cur = successor(prev, 22)
    done = [Rectified(p, m, "已建立制度并落实，问题已整改完成。")
            for p, m in zip(read_section_five(prev.section_text("五")).problems, ["加强培训", "优化流程"])]
    back = parse(write(tmp_path, figures_of(cur, rectification=done), prev))
    assert [v.as_dict() for v in check(back, prev)] == []
    assert [v.as_dict() for v in check(back)] == []


def test_sentences_of_section_one_agree_with_the_tables(tmp_path):
    prev, cur = consistent_report(31), None
    cur = successor(prev, 32)
    back = parse(write(tmp_path, figures_of(cur), prev))
    text = back.sections["一"].text
    assert f"新收政府信息公开申请{cur.value('requests.new.total')}件" in text
    diff = cur.value("requests.new.total") - prev.value("requests.new.total")
    assert (f"增加{diff}件" if diff > 0 else f"减少{-diff}件" if diff < 0 else "与上年持平") in text
    assert f"办结{cur.value('requests.total.total')}件" in text
    assert f"行政复议{cur.value('review_litigation.reconsideration.total')}件" in text
    suits = cur.value("review_litigation.direct_suit.total") + cur.value("review_litigation.suit_after_review.total")
    assert f"行政诉讼{suits}件" in text
    assert f"制发行政规范性文件{cur.value('proactive.art20_1.normative.issued')}件" in text
    assert not [v for v in check(back, prev) if v.rule == "X-1"]


def test_gaps_are_marked_and_reported_by_check(tmp_path):
    prev = consistent_report(41)
    cur = successor(prev, 42)
    f = Figures(cur)  # no fees, no problems, nothing done: every part of 五 and 六 is a gap
    cur.sections = {}
    data, doc = generate_docx(f, prev)
    path = tmp_path / "gaps.docx"
    path.write_bytes(data)
    back = parse(path)
    found = {v.rule: v.message for v in check(back, prev)}
    assert "待填写" in found["S5-1"] and "待填写" in found["S6-1"]
    assert any("信息处理费" in n for n in doc.notes)
    assert back.sections["六"].paragraphs  # the gap is a paragraph of its own, not taken for page furniture
