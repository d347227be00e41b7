"""FORMAT.md's usual failures (what reviewers look for), each made in a real pair of reports and
found by the comparer: the rule it breaks is among the findings, and was not before.

The pair is 平潭综合实验区's 2023 and 2024 web pages, as published; each case edits the 2024
page the way a careless copy or a wrong entry would.
"""

from __future__ import annotations

import re

import pytest

from gknb.compare.checks import NEW as THIS_YEAR
from gknb.compare.comparison import compare
from gknb.compare.html import render
from gknb.inputs import load_report

from .conftest import CORPUS

OLD, NEW = (CORPUS / "html" / f"平潭综合实验区_{y}.html" for y in (2023, 2024))
FIVE = re.compile(r"(<p>五、存在的主要问题及改进情况</p>\n)(.*?)(<p>六、)", re.S)


def _five_of_last_year(page: str, old: str, merged: bool = False) -> str:
    """This year's page with last year's section 五 in it, years updated (and its paragraphs
    run together into one, as a re-typed copy has them)."""
    five = FIVE.search(old).group(2).replace("2023", "2024").replace("2024年，我区", "2025年，我区")
    if merged:
        five = "<p>" + re.sub(r"</?p>", "", five).replace("\n", "") + "</p>\n"
    m = FIVE.search(page)
    return page[:m.start(2)] + five + page[m.end(2):]


def _without_row(page: str, label: str) -> str:
    return "\n".join(line for line in page.split("\n") if label not in line)


# case -> (how the 2024 page is edited, the rule that must find it)
CASES = {
    "E03 上年结转 differs from last year's 结转": (
        lambda p, o: p.replace('<td colspan="3">二、上年结转政府信息公开申请数量</td><td>0</td>',
                               '<td colspan="3">二、上年结转政府信息公开申请数量</td><td>1</td>'), "T3-5"),
    "E05 元 entered as 万元": (lambda p, o: p.replace("18651.06", "186510600"), "T2-2"),
    "E06 section 五 copied from last year": (lambda p, o: _five_of_last_year(p, o), "S5-2"),
    "E06 copied, paragraphs run together": (lambda p, o: _five_of_last_year(p, o, merged=True), "S5-2"),
    "E09 the text's figure differs from the table": (
        lambda p, o: p.replace("全年办理政府信息公开申请218件", "全年办理政府信息公开申请219件"), "X-1"),
    "E09 the figure in Chinese numerals differs": (
        lambda p, o: p.replace("全年办理政府信息公开申请218件", "全年办理政府信息公开申请二百一十九件"), "X-1"),
    "E10 a section renamed": (lambda p, o: p.replace("<p>六、其他需要报告的事项</p>", "<p>六、其他事项</p>"), "E10"),
    "E10 a section heading removed": (lambda p, o: p.replace("<p>四、政府信息公开行政复议、行政诉讼情况</p>", ""), "E10"),
    "E08 no 信息处理费 statement": (
        lambda p, o: p.replace("2024年，无收取信息处理费情况。", "2024年，无其他需要报告的事项。"), "S6-1"),
    "E04 a row of table 三 removed": (lambda p, o: _without_row(p, "3.危及“三安全一稳定”"), "E04"),
    "E04 a cell left blank": (lambda p, o: p.replace('<td colspan="3">18651.06</td>', '<td colspan="3"></td>'), "E04"),
    "E02 a total that does not add up": (lambda p, o: p.replace("（七）总计</td><td>217</td>", "（七）总计</td><td>216</td>"),
                                         "T3-2"),
}


def _rules(old_page: str, new_page: str, folder) -> set[str]:
    """The rules the comparison finds broken by this year's report (its own and across years)."""
    folder.mkdir()
    (folder / OLD.name).write_text(old_page, "utf-8")
    (folder / NEW.name).write_text(new_page, "utf-8")
    c = compare(load_report(folder / OLD.name), load_report(folder / NEW.name))
    return {f.rule for f in c.of(THIS_YEAR)}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    old, new = OLD.read_text("utf-8"), NEW.read_text("utf-8")
    return old, new, _rules(old, new, tmp_path_factory.mktemp("pair") / "as-published")


@pytest.mark.parametrize("case", list(CASES))
def test_each_usual_failure_is_found(case, pages, tmp_path):
    old, new, published = pages
    edit, rule = CASES[case]
    edited = edit(new, old)
    assert edited != new, "the edit applies to the page"
    assert rule not in published  # the report as published does not break it
    assert rule in _rules(old, edited, tmp_path / "edited"), case


def test_a_header_printed_in_元_is_said_in_the_verdict(pages, tmp_path):
    """E05 another way: the column's header altered to （单位：元）. No rule can tell 元 from 万元
    in one figure; the reader flags the column's figures and the verdict says why."""
    old, new, _ = pages
    edited = new.replace("本年收费金额（单位：万元）", "本年收费金额（单位：元）")
    assert edited != new
    (tmp_path / OLD.name).write_text(old, "utf-8")
    (tmp_path / NEW.name).write_text(edited, "utf-8")
    page = render(compare(load_report(tmp_path / OLD.name), load_report(tmp_path / NEW.name)))
    verdict = page.split('id="verdict"', 1)[1].split("</section>", 1)[0]
    assert "本年报告有 1 个数字解析存疑" in verdict and "表头单位“元”与本栏单位“万元”不符" in verdict


def test_a_count_in_chinese_numerals_that_agrees_with_the_table_is_no_finding(pages, tmp_path):
    old, new, _ = pages
    edited = new.replace("全年办理政府信息公开申请218件", "全年办理政府信息公开申请二百一十八件")
    assert edited != new and "X-1" not in _rules(old, edited, tmp_path / "edited")
