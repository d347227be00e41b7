"""The HTML report: verdict first, every document text escaped, self-contained, deterministic."""

import copy
import re

from gknb.compare.comparison import compare
from gknb.compare.html import render
from gknb.compare.jsonview import to_json
from gknb.model import Section, SourceDocument

from .builders import consistent_report, successor
from .test_compare_corpus import report

HOSTILE = "<script>alert('x')</script></style><b>粗</b><img src=x onerror=alert(1)>"


def hostile_pair():
    prev = consistent_report(1, agency=f"某局{HOSTILE}")
    cur = successor(prev)
    cur.source = SourceDocument(f"年报{HOSTILE}.pdf", "pdf", "0" * 64)
    for r in (prev, cur):
        r.preamble = [f"联系人：{HOSTILE}"]
        r.sections["一"].paragraphs.append(f"本年度{HOSTILE}工作。")
        r.sections["五"] = Section("五", "五、存在的主要问题及改进情况", [
            f"存在的主要问题：一是栏目{HOSTILE}更新不及时；二是解读形式单一。下一步，加强{HOSTILE}管理。"])
    cur.sections["六"].paragraphs = [f"未收取信息处理费。{HOSTILE}"]
    bump = "requests.carried_in.total"
    cur.set(bump, cur.value(bump) + 1)  # an error, so the verdict lists a finding
    return prev, cur


def test_document_text_is_escaped_everywhere():
    prev, cur = hostile_pair()
    page = render(compare(prev, cur, old_name=f"旧{HOSTILE}.pdf", new_name=f"新{HOSTILE}.pdf"))
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<b>" not in page
    assert page.count("</style>") == 1  # the stylesheet's own end tag only
    assert page.count("&lt;script&gt;") >= 8  # title, agency, names, preamble, sections, problems, diff
    assert "onerror=alert" in page and 'onerror="' not in page  # present only as text


def test_self_contained_and_prints_on_a4():
    page = render(compare(*hostile_pair()))
    assert not re.search(r"https?://|<link|<script|@import|url\(", page, re.I)
    assert not re.search(r"<[a-z][^>]*\s(?:src|href)=\"(?!#)", page)  # only in-page links
    assert 'http-equiv="Content-Security-Policy"' in page and "default-src 'none'" in page
    assert "@page { size: A4" in page and "@media print" in page


def test_the_page_opens_with_the_verdict():
    prev = report("pdf/淮安市洪泽区人民政府_2023.pdf")
    cur = report("pdf/淮安市洪泽区人民政府_2024.pdf")
    page = render(compare(prev, cur))
    order = [page.index(f'id="{x}"') for x in ("verdict", "checks", "figures", "texts", "problems")]
    assert order == sorted(order)
    verdict = page[page.index('id="verdict"'):page.index('id="checks"')]
    assert "有错误" in verdict and "本年报告 0 个错误、3 个警告" in verdict and "上年报告 2 个错误" in verdict
    for rule in ("T4-1", "E04", "X-1", "S5-1"):
        assert f'<span class="rule-id">{rule}</span>' in verdict
    # The most important changes: 新收申请 21 → 95, and the problems nobody accounted for.
    assert "一、本年新收政府信息公开申请数量" in verdict and "+352%" in verdict
    assert "不再提及 3 个" in verdict


def test_same_inputs_give_byte_identical_pages_and_dates_only_when_given():
    a = render(compare(*hostile_pair()))
    b = render(compare(*hostile_pair()))
    assert a == b
    assert not re.search(r"20\d\d-\d\d-\d\d", a)
    assert "2025-01-31" in render(compare(*hostile_pair()), generated_on="2025-01-31")


def test_swing_thresholds_decide_what_is_highlighted():
    from gknb.compare.changes import Thresholds
    prev, cur = report("html/平潭综合实验区_2023.html"), report("html/平潭综合实验区_2024.html")
    default = compare(prev, cur)
    strict = compare(prev, cur, thresholds=Thresholds(relative=5.0, absolute=100))
    names = {" / ".join(s.cell.json_path) for s in default.swings()}
    assert "一、本年新收政府信息公开申请数量 / 总计" in names  # 81 → 218
    assert "第二十条第（一）项 / 行政规范性文件 / 现行有效件数" not in names  # 470 → 440
    assert all(abs(s.delta) >= 100 and (s.ratio is None or abs(s.ratio) >= 5) for s in strict.swings())
    assert len(strict.swings()) < len(default.swings())
    assert render(default).count('class="swing"') > render(strict).count('class="swing"')


def test_every_rule_a_page_names_is_a_rule_of_the_template():
    """洪泽 2024 gives no account of 2023's problems: the page says so, naming the rule by the template's id."""
    from gknb import template as tpl

    years = ("pdf/淮安市洪泽区人民政府_2023.pdf", "pdf/淮安市洪泽区人民政府_2024.pdf")
    page = render(compare(*(report(x) for x in years)))
    named = set(re.findall(r"（([A-Z]\d*-\d+)）", page))
    assert "S5-1" in named and "X-1" in named
    assert named <= {r.id for r in tpl.load().rules}


def test_a_swing_resting_on_a_figure_the_reader_was_unsure_of_says_so():
    # 衡东 2023 (the 2019 form) prints four figures in table 二's 规范性文件 row under three
    # columns: they are placed left to right and flagged (本年新制作 22). Against a year of 2 it
    # is a large swing, which the verdict listed as if certain.
    cur = report("excerpts/05_hengdong_衡东县杨林镇_2023_OLD2019format_used_in_2023.txt")
    cell = "proactive.art20_1.normative.new_made"
    assert cur.value(cell) == 22 and cur.cells[cell].flag
    prev = copy.deepcopy(cur)  # the year before: the same figures, 2 made
    prev.year = 2022
    prev.set(cell, 2)
    page = render(compare(prev, cur))
    assert "规范性文件 / 本年新制作数量：2 → 22?（+20，+1000%，数字存疑）" in page


def test_the_verdict_says_which_figures_the_reader_was_unsure_of():
    # 上海 2024: three figures of table 三 placed by position or missing (flagged). The verdict
    # read "无错误，有警告" with no word of them; the checks it reports rest on those figures.
    cur = report("md/上海市科学技术委员会_2024.md")
    assert len(cur.flags()) == 3
    page = render(compare(None, cur))
    verdict = page.split('id="verdict"', 1)[1].split("</section>", 1)[0]
    assert "本年报告有 3 个数字解析存疑，核对按解析出的数字进行，须核对原件" in verdict
    assert "一、本年新收政府信息公开申请数量/总计、二、上年结转政府信息公开申请数量/总计（此行有8个数" in verdict
    clean = render(compare(None, report("html/平潭综合实验区_2024.html")))
    assert "解析存疑，以上核对" not in clean
    assert to_json(compare(None, cur))["doubtful"] == {"new": cur.flags()}
