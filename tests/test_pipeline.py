"""Table understanding as a pipeline: explained from its trace, tuned by MatchSettings only.

The explanation is checked on real corpus documents of three kinds (a PDF whose table 三 has
a typo in a label, a crawler text whose cells ran together, a Word report with merged label
cells); the settings are checked by tightening one threshold and seeing the typo row lost.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import FrozenInstanceError

import pytest
from gknb.parsers import MatchSettings, ReadSettings, parse, parse_source, read_source
from gknb.parsers import tables as pipeline
from gknb.parsers.context import Context
from gknb.parsers.rowevents import TextLine, layout_events
from gknb.parsers.text import read_text
from gknb.parsers.trace import ReadAs

from gknb.model import MISSING_ROW, VALUE

from .conftest import CORPUS

HONGZE_2024 = CORPUS / "pdf" / "淮安市洪泽区人民政府_2024.pdf"
PINGTAN_TXT = CORPUS / "txt" / "平潭综合实验区_2023.txt"
PINGTAN_DOCX = CORPUS / "docx" / "平潭综合实验区_2023.docx"
TYPO_ROW = "requests.withheld_prohibited.natural"  # printed "2.其他法律行政止公开" in 洪泽 2024


def _explained(path, settings: ReadSettings | None = None) -> list[str]:
    events: list = []
    parse_source(read_source(path), settings or ReadSettings(), events=events)
    return [f"{e.kind}：{e.text} → {e.result}" for e in events]


def test_explain_tells_the_label_its_match_and_score_and_the_figures_placed():
    lines = _explained(HONGZE_2024)
    typo = next(ln for ln in lines if "2.其他法律行政止公开" in ln)
    assert typo.startswith("数据行：")
    assert "→ 表三 2.其他法律行政法规禁止公开（相似度 0.91）：自然人=0，" in typo
    new = next(ln for ln in lines if ln.startswith("数据行：一、本年新收政府信息公开申请数量"))
    assert new.endswith("（标签相同）：自然人=95，商业企业=0，科研机构=0，社会公益组织=0，法律服务机构=0，其他=0，总计=95")
    # table 四, printed turned: its one unlabelled row placed under the header's columns
    turned = next(ln for ln in lines if ln.startswith("无标签行：1 1 0 0 2"))
    assert "复议后起诉：结果维持=2，结果纠正=0，其他结果=1，尚未审结=0，总计=3" in turned
    assert "栏目：第二十条第（一）项 → 表二 第二十条第（一）项（标签相同）" in lines


def test_explain_tells_how_each_run_of_digits_was_split():
    lines = _explained(PINGTAN_TXT)
    assert "连排文字：一、本年新收政府信息公开申请数量 801000081 → 表三 一、本年新收政府信息公开申请数量：" \
           "数字“801000081”连在一起，按表内合计拆分" in lines
    assert "拆分：一、本年新收政府信息公开申请数量：801000081 → 表三 按表内合计拆为 80 1 0 0 0 0 81" in lines
    # a run the sums cannot decide is told as such (and flagged in the report)
    assert any(ln.startswith("拆分：行政规范性文件：77132470") and "无法唯一拆分" in ln for ln in lines)


def test_explain_places_a_word_row_at_its_own_row_not_its_merged_label():
    out = subprocess.run([sys.executable, "-m", "gknb.cli", "parse", str(PINGTAN_DOCX), "--explain"],
                         capture_output=True, text=True, check=True).stdout
    # （二）部分公开 is the 7th row of table 三; its label cell 三、本年度办理结果 spans from row 6
    assert "第2个表格第7行 数据行：三、本年度办理结果／（二）部分公开" in out
    assert "第2个表格第3行 表头：" in out and "商业 企业" in out  # a wrapped header label on one line


def test_match_settings_are_passed_down_from_read_settings():
    assert parse(HONGZE_2024).cells[TYPO_ROW].state == VALUE
    strict = ReadSettings(match=MatchSettings(row=0.95, row_in_group=0.95))
    report = parse(HONGZE_2024, strict)
    assert report.cells[TYPO_ROW].state != VALUE and report.cells[TYPO_ROW].flag
    assert any(f.kind == MISSING_ROW and "2.其他法律行政法规禁止公开" in f.message for f in report.findings)
    # its label cells still name the group (（三）不予公开): read as a group row, its figures lost
    lost = next(ln for ln in _explained(HONGZE_2024, strict) if "2.其他法律行政止公开" in ln)
    assert lost.startswith("分组：") and "表三 分组“（三）不予公开”；此行的数字未读入" in lost
    assert "最接近：表三“2.其他法律行政法规禁止公开”，相似度 0.91，须达 0.95" in lost


def test_steps_are_pure_the_same_events_read_twice_give_the_same_trace():
    layout = read_text(read_source(PINGTAN_TXT))
    first, second = pipeline.read(layout), pipeline.read(layout)
    assert first.trace == second.trace and first.tables == second.tables
    ctx = Context()
    with pytest.raises(FrozenInstanceError):
        ctx.table = "x"  # type: ignore[misc]
    md = read_text(read_source(CORPUS / "md" / "上海市科学技术委员会_2024.md"))
    heading = next(e for e in layout_events(md, MatchSettings()) if isinstance(e, TextLine)
                   and e.text.endswith("收到和处理政府信息公开申请情况"))
    after, trace = pipeline.step(ctx, heading, lambda tid: "2021", md.kind, MatchSettings())
    assert after.table == "requests" and trace.read_as is ReadAs.HEADING  # a new context is returned
    assert ctx == Context()  # the one given is left as it was
