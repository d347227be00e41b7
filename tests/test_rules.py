"""The checker: corpus anomalies found exactly, and each rule caught when broken once."""

import re
from decimal import Decimal

import pytest

from gknb.inputs import load_report
from gknb.model import Section
from gknb.rules import ERROR, WARNING, check
from gknb.view import from_view

from .builders import consistent_report, edited_copy, successor
from .conftest import CORPUS, EXPECTED, load_expected

ARITHMETIC = ("T3-1", "T3-2", "T3-3", "T3-4", "T4-1")


def recorded_violations(anomalies: list[str]) -> set[tuple[str, str]]:
    """(rule, scope) of every arithmetic violation an expected file records ("T4-1 违反（行政复议）")."""
    out = set()
    for a in anomalies:
        m = re.match(r"(T\d-\d) 违反（([^）]+)）", a)
        if m and m.group(1) in ARITHMETIC:
            out.add((m.group(1), m.group(2)))
    return out


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.name)
def test_checker_reports_exactly_the_recorded_arithmetic_anomalies(path):
    data = load_expected(path)
    report = from_view(data)
    errors = {(v.rule, v.scope) for v in check(report) if v.severity == ERROR}
    assert errors == recorded_violations(data["anomalies"])


def test_the_corpus_does_record_arithmetic_violations():
    # Guards the test above against a regex that matches nothing.
    found = set().union(*(recorded_violations(load_expected(p)["anomalies"]) for p in EXPECTED))
    assert ("T4-1", "行政复议") in found and ("T4-1", "复议后起诉") in found


def test_blank_cells_are_reported_as_not_filled_never_as_zero():
    data = load_expected(next(p for p in EXPECTED if "上海市人民政府办公厅" in p.name))
    found = check(from_view(data))
    assert not [v for v in found if v.severity == ERROR]
    t32 = [v for v in found if v.rule == "T3-2"]
    assert t32 and "无法核对" in t32[0].message and t32[0].printed == 805
    e04 = [v for v in found if v.rule == "E04" and "未填写" in v.message]
    assert any("126个单元格" in v.message for v in e04)


def test_a_consistent_report_passes_every_rule():
    prev = consistent_report(1)
    cur = successor(prev)
    assert check(prev) == []
    assert check(cur, prev) == []


def rules_fired(report, previous=None):
    return {v.rule for v in check(report, previous)}


def bump(report, cell, by):
    report.set(cell, report.value(cell) + by)


def test_T3_1_new_plus_carried_in_equals_total_plus_carried_out():
    r = consistent_report()
    bump(r, "requests.carried_in.natural", 1)
    bump(r, "requests.carried_in.total", 1)
    found = check(r)
    assert {v.rule for v in found} == {"T3-1"}
    assert {v.scope for v in found} == {"自然人栏", "总计栏"}


def test_T3_2_total_equals_sum_of_results():
    r = consistent_report()
    bump(r, "requests.withheld_security.business", 2)
    bump(r, "requests.withheld_security.total", 2)
    found = check(r)
    assert {v.rule for v in found} == {"T3-2"}
    assert all(v.implied - v.printed == 2 for v in found)


def test_T3_3_total_column_equals_applicants():
    r = consistent_report()
    bump(r, "requests.carried_in.total", 1)
    bump(r, "requests.carried_out.total", 1)
    found = check(r)
    assert {(v.rule, v.scope) for v in found} == {("T3-3", "二、上年结转政府信息公开申请数量"),
                                                  ("T3-3", "四、结转下年度继续办理")}


def test_T3_4_negative_or_fractional_cells():
    r = consistent_report()
    # Move k round a cycle of four cells: every sum still holds, one cell becomes -1.
    k = r.value("requests.disclosed.natural") + 1
    for cell, sign in (("requests.disclosed.natural", -1), ("requests.partly_disclosed.natural", 1),
                       ("requests.disclosed.business", 1), ("requests.partly_disclosed.business", -1)):
        bump(r, cell, sign * k)
    assert r.value("requests.disclosed.natural") == -1
    found = check(r)
    assert {v.rule for v in found} == {"T3-4"}
    assert "requests.disclosed.natural" in {c for v in found for c in v.cells}
    r2 = consistent_report()
    bump(r2, "requests.new.natural", Decimal("0.5"))
    assert "T3-4" in rules_fired(r2)


def test_T4_1_review_totals():
    r = consistent_report()
    bump(r, "review_litigation.direct_suit.total", 1)
    found = check(r)
    assert [(v.rule, v.scope) for v in found] == [("T4-1", "未经复议直接起诉")]


def test_T3_5_carried_in_equals_last_years_carried_out():
    prev = consistent_report(1)
    cur = successor(prev)
    assert "T3-5" not in rules_fired(cur, prev)
    bump(prev, "requests.carried_out.research", 1)
    bump(prev, "requests.carried_in.research", 1)  # keep last year itself consistent
    bump(prev, "requests.carried_out.total", 1)
    bump(prev, "requests.carried_in.total", 1)
    assert check(prev) == []
    found = check(cur, prev)
    assert {(v.rule, v.scope) for v in found} == {("T3-5", "科研机构栏"), ("T3-5", "总计栏")}
    assert "T3-5" not in rules_fired(cur)  # not checkable without last year


def test_T2_1_in_force_continuity_is_a_warning():
    prev = consistent_report(1)
    cur = successor(prev)
    bump(cur, "proactive.art20_1.normative.in_force", -40)
    found = check(cur, prev)
    assert [(v.rule, v.severity) for v in found] == [("T2-1", "warning")]


def test_T2_2_unit_jump_and_printed_unit():
    prev = consistent_report(1)
    cur = successor(prev)
    cur.set("proactive.art20_8.admin_fees.fee_amount", Decimal("125000"))
    assert rules_fired(cur, prev) == {"T2-2"}
    cur2 = successor(prev)
    cur2.set("proactive.art20_8.admin_fees.fee_amount", Decimal("12.5"), printed="125000元")
    assert rules_fired(cur2) == {"T2-2"}


def test_X_1_text_figures_equal_tables():
    r = consistent_report()
    n = r.value("requests.new.total")
    r.sections["一"].paragraphs = [f"本年度共收到政府信息公开申请{n + 3}件。"]
    found = check(r)
    assert [v.rule for v in found] == ["X-1"]
    assert found[0].printed == n + 3 and found[0].implied == n


def test_S5_1_rectification_of_last_years_problems():
    r = consistent_report()
    r.sections["五"].paragraphs = ["存在的主要问题：栏目更新不及时。下一步将加强管理。"]
    assert rules_fired(r) == {"S5-1"}


def test_S5_2_section_five_copied_from_last_year():
    prev = consistent_report(1)
    cur = successor(prev)
    cur.sections["五"] = Section("五", "五、存在的主要问题及改进情况", list(prev.sections["五"].paragraphs))
    assert rules_fired(cur, prev) == {"S5-2"}


def test_S6_1_information_processing_fee_statement():
    r = consistent_report()
    r.sections["六"].paragraphs = ["无其他需要报告的事项。"]
    assert rules_fired(r) == {"S6-1"}


def test_E10_missing_or_renamed_sections():
    r = consistent_report()
    r.sections["五"].heading = "五、工作中的不足"
    del r.sections["六"]
    found = [(v.rule, v.scope) for v in check(r)]
    assert ("E10", "五、存在的主要问题及改进情况") in found and ("E10", "六、其他需要报告的事项") in found
    r2 = consistent_report()
    r2.sections["五"].heading = "五、政府信息公开工作存在的主要问题及改进情况"  # an accepted variant
    assert "E10" not in rules_fired(r2)


def test_S5_3_numbered_items_in_order():
    r = consistent_report()
    r.sections["五"].paragraphs = ["存在的问题：一是栏目更新慢；三是解读形式单一；三是培训不足。",
                                   "下一步，一是建立巡查制度；二是丰富解读形式；三是加强培训。"]
    found = [v for v in check(r) if v.rule == "S5-3"]
    assert len(found) == 1 and "应为“二是”" in found[0].message
    r.sections["五"].paragraphs[0] = "存在的问题：一是栏目更新慢；二是解读形式单一；三是培训不足。"
    assert "S5-3" not in rules_fired(r)


def test_a_sum_failing_on_a_figure_the_reader_was_unsure_of_is_no_proven_error(tmp_path):
    # 平潭 2024 with a struck-through "71" before a typed "72" in （一）予以公开/自然人: the reader
    # keeps 72 and flags it. T3-2 and T3-3 then fail by 1 — reported as errors, as if the report
    # were proven wrong, where the doubt is the reader's: warnings now, saying which figure to check.
    row = '<td colspan="2">（一）予以公开</td><td>'
    path = edited_copy(CORPUS / "html" / "平潭综合实验区_2024.html", row + "71</td>", row + "<s>71</s>72</td>", tmp_path)
    report = load_report(path)
    assert report.value("requests.disclosed.natural") == 72 and report.cells["requests.disclosed.natural"].flag
    failing = [v for v in check(report) if v.rule in ("T3-2", "T3-3")]
    assert failing and all(v.severity == WARNING and "解析存疑，须核对原件" in v.message for v in failing)
    assert any("（一）予以公开解析存疑" in v.message for v in failing if v.rule == "T3-2")
    # The same slip typed plainly (no doubt about the figure) stays an error.
    path = edited_copy(CORPUS / "html" / "平潭综合实验区_2024.html", row + "71</td>", row + "72</td>", tmp_path)
    assert {v.severity for v in check(load_report(path)) if v.rule in ("T3-2", "T3-3")} == {ERROR}
