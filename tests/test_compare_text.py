"""Text comparison: sentences aligned before characters are diffed; section 五's problems followed."""

import difflib
import re

from gknb.compare.rectification import GONE, REWORDED, UNCHANGED, follow, problems_of
from gknb.model import Section
from gknb.textdiff import ADDED, CHANGED, DELETE, INSERT, MOVED, REMOVED, SAME, diff, similarity

from .builders import consistent_report, successor
from .test_compare_corpus import report

HONGZE = ("pdf/淮安市洪泽区人民政府_2023.pdf", "pdf/淮安市洪泽区人民政府_2024.pdf")


def marked(d) -> int:
    return d.inserted + d.deleted


def test_a_real_section_is_aligned_sentence_by_sentence():
    old, new = (report(x).section_text("一") for x in HONGZE)
    d = diff(old, new)
    kinds = [p.kind for p in d.pairs]
    assert kinds.count(SAME) == 6 and kinds.count(CHANGED) >= 4
    # The one sentence with the requests figure: paired, and the figure changed as a whole number.
    p = next(p for p in d.pairs if p.new and "受理政府信息公开申请" in p.new)
    assert p.kind == CHANGED and "受理政府信息公开申请" in p.old
    assert "21" in [s.text for s in p.segments if s.op == DELETE]
    assert "17" in [s.text for s in p.segments if s.op == INSERT]
    # Every character is accounted for: the diff rebuilds both texts.
    rebuilt_old = "".join(s.text for p in d.pairs for s in p.segments if s.op != INSERT)
    rebuilt_new = "".join(s.text for p in d.pairs for s in p.segments if s.op != DELETE)
    assert rebuilt_old == re.sub(r"\s+", "", old) and rebuilt_new == re.sub(r"\s+", "", new)


def test_repetitive_prose_with_one_small_edit_is_marked_as_one_small_edit():
    base = report(HONGZE[0]).section_text("一")
    parts = re.split(r"(?<=。)", re.sub(r"\s+", "", base))
    # Same text, paragraphs reordered and one figure changed: what a year-on-year edit often is.
    edited = "".join(parts[3:] + parts[:3]).replace("1136", "1163")
    d = diff(base, edited)
    assert marked(d) == 8  # "1136" out, "1163" in
    assert d.count(MOVED) == 3 and d.count(ADDED) == d.count(REMOVED) == 0
    sm = difflib.SequenceMatcher(None, re.sub(r"\s+", "", base), edited, autojunk=False)
    plain = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")
    assert plain > 10 * marked(d)  # plain difflib marks the moved paragraphs as rewritten


def test_similarity_ignores_numbers_and_punctuation_of_a_copy():
    five = report(HONGZE[0]).section_text("五")
    copy = five.replace("2023", "2024").replace("。", "，", 2)
    assert similarity(five, copy) > 0.97
    assert similarity(five, report(HONGZE[1]).section_text("五")) < 0.8  # 2024 rewrote its problems
    assert similarity("", five) == 0.0


def test_a_copy_is_a_copy_whatever_its_line_breaks_and_punctuation_widths():
    # 上海 2024's section 五 is printed with a line break every ~30 characters, mid-sentence (as
    # a PDF breaks it). The same prose typed as whole paragraphs (a Word copy), or re-typed with
    # half-width punctuation, is still a copy: S5-2 must see it (old measure: 0.74 and 0.92).
    five = report("md/上海市科学技术委员会_2024.md").section_text("五")
    assert five.count("\n") >= 8
    reflowed = "".join(five.splitlines())
    halfwidth = reflowed.translate(str.maketrans("，；：（）", ",;:()"))
    assert similarity(five, reflowed) == 1.0
    assert similarity(five, halfwidth) == 1.0
    assert similarity(five, "\n".join(reflowed[i:i + 17] for i in range(0, len(reflowed), 17))) == 1.0


def test_hongze_problems_are_followed_into_the_next_year():
    co = follow(*(report(x) for x in HONGZE))
    assert [t.problem for t in co.traces] == ["依申请公开工作规范性还有待提高", "政务公开内容的深度和广度还有待提升",
                                              "政务公开队伍建设有待加强"]
    assert all(t.status == GONE and not t.rectification_reported for t in co.traces)
    assert co.rectification == ""  # S5-1: no account of last year's rectification
    assert len(co.new_problems) == 5 and "疑难问题协调处理机制尚需完善" in co.new_problems
    assert len(co.repeated_measures) == 2  # two of three measures carried over word for word


def test_a_reworded_problem_is_recognised():
    co = follow(report("html/平潭综合实验区_2023.html"), report("html/平潭综合实验区_2024.html"))
    t = next(t for t in co.traces if t.problem.startswith("政策解读的质量"))
    assert t.status == REWORDED and t.match == "政策解读形式仍需创新"


def test_rectification_reported_for_a_problem_the_new_report_accounts_for():
    prev = consistent_report(1)
    prev.sections["五"] = Section("五", "五、存在的主要问题及改进情况",
                                  ["存在的主要问题：一是栏目更新不及时；二是政策解读形式单一。下一步，建立巡查制度。"])
    cur = successor(prev)
    cur.sections["五"] = Section("五", "五、存在的主要问题及改进情况", [
        "（一）上年度问题整改情况。针对栏目更新不及时的问题，已建立栏目巡查制度，每周巡查。",
        "（二）存在的主要问题及改进措施。一是政策解读形式单一；二是基层公开目录不够细。下一步，增加图解。"])
    co = follow(prev, cur)
    assert [(t.status, t.rectification_reported) for t in co.traces] == [(GONE, True), (UNCHANGED, False)]
    assert co.new_problems == ["基层公开目录不够细"]


def test_run_on_problem_lists_are_split_into_problems():
    text = "仍存在一些不足，主要是：个别部门研判能力不足，答复文书规范性有待提升，协调机制尚需完善等。下一步，加强培训。"
    assert problems_of(text) == ["个别部门研判能力不足", "答复文书规范性有待提升", "协调机制尚需完善"]
