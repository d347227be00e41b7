"""Each cross-year rule on a consistent year pair built to break it once, and X-1's statements."""

from decimal import Decimal

from gknb.compare.checks import FAILED, NEW, NOT_APPLICABLE, PASSED, UNCHECKED
from gknb.compare.comparison import compare
from gknb.model import Report, Section
from gknb.rules import check

from .builders import consistent_report, successor


def pair(seed: int = 1):
    prev = consistent_report(seed)
    return prev, successor(prev)


def outcome(prev, cur):
    c = compare(prev, cur)
    return c, {f.rule for f in c.findings if f.which == NEW}, {s.rule.id: s.state for s in c.statuses}


def bump(report, cell, by):
    report.set(cell, report.value(cell) + by)


def test_a_consistent_pair_passes_every_cross_year_rule():
    c, fired, states = outcome(*pair())
    assert c.findings == [] and c.consecutive
    assert states == {"T3-5": PASSED, "T2-1": PASSED, "T2-2": PASSED, "F-1": PASSED, "S5-2": PASSED}


def test_T3_5_carried_in_differs_from_last_years_carried_out():
    prev, cur = pair()
    for cell in ("requests.carried_out.natural", "requests.carried_in.natural",
                 "requests.carried_out.total", "requests.carried_in.total"):
        bump(prev, cell, 2)  # last year stays consistent in itself
    assert check(prev) == []
    c, fired, states = outcome(prev, cur)
    assert fired == {"T3-5"} and states["T3-5"] == FAILED
    assert {f.violation.scope for f in c.findings} == {"自然人栏", "总计栏"}
    assert all(f.severity == "error" and f.cross_year for f in c.findings)


def test_T3_5_with_last_years_row_blank_is_not_checkable_not_passed():
    prev, cur = pair()
    for col in ("natural", "business", "research", "nonprofit", "legal_services", "other", "total"):
        prev.set(f"requests.carried_out.{col}", None)
    c, fired, states = outcome(prev, cur)
    assert states["T3-5"] == UNCHECKED and "上年" not in states  # a state, with its reason in the note
    assert "未填写" in next(s.note for s in c.statuses if s.rule.id == "T3-5")


def test_T2_1_in_force_does_not_continue_last_year():
    prev, cur = pair()
    bump(cur, "proactive.art20_1.normative.in_force", -73)
    c, fired, states = outcome(prev, cur)
    assert fired == {"T2-1"} and states["T2-1"] == FAILED
    v = c.findings[0].violation
    assert v.severity == "warning" and v.implied - v.printed == 73


def test_T2_2_fee_entered_in_yuan_after_a_year_in_wan_yuan():
    prev, cur = pair()
    cur.set("proactive.art20_8.admin_fees.fee_amount", Decimal("125000"))  # last year 12.5 万元
    c, fired, states = outcome(prev, cur)
    assert fired == {"T2-2"} and states["T2-2"] == FAILED
    assert "元与万元" in c.findings[0].violation.message


def _with_2019_request_table(r: Report) -> Report:
    """The same figures with table 三 in the 2019 form: （六）其他处理 one row."""
    out = Report.empty(r.agency, r.year, "2021", {"proactive": "2021", "requests": "2019", "review_litigation": "2021"})
    for cid in out.cells:
        if cid in r.cells:
            out.set(cid, r.value(cid))
    for col in ("natural", "business", "research", "nonprofit", "legal_services", "other", "total"):
        out.set(f"requests.other_handling.{col}",
                sum(r.value(f"requests.{row}.{col}") for row in ("other_no_correction", "other_no_fee", "other_other")))
    out.sections = r.sections
    return out


def test_F_1_a_2019_table_in_a_2021_year_after_a_2021_table():
    prev, cur = pair()
    cur = _with_2019_request_table(cur)
    c, fired, states = outcome(prev, cur)
    assert fired == {"F-1", "E04"} and states["F-1"] == FAILED
    f1 = next(f.violation for f in c.findings if f.rule == "F-1")
    assert f1.scope == "三、收到和处理政府信息公开申请情况" and "上年为2021年版" in f1.message
    # The same wrong table both years is E04's (each year), not a change; going back to the form is fine.
    c, fired, states = outcome(_with_2019_request_table(prev), cur)
    assert "F-1" not in fired and states["F-1"] == PASSED
    c, fired, states = outcome(_with_2019_request_table(prev), successor(prev))
    assert "F-1" not in fired


def test_F_1_switching_to_the_format_of_the_year_is_no_violation():
    prev = consistent_report(1, year=2020, fmt="2019")
    cur = consistent_report(2, year=2021, fmt="2021")
    c, fired, states = outcome(prev, cur)
    assert "F-1" not in fired and states["F-1"] == PASSED
    assert states["T2-1"] == NOT_APPLICABLE  # last year's 2019 table has no 现行有效件数 of this kind


def test_S5_2_section_five_copied_with_only_the_years_changed():
    prev, cur = pair()
    copied = [p.replace(str(prev.year), str(cur.year)) for p in prev.sections["五"].paragraphs]
    cur.sections["五"] = Section("五", "五、存在的主要问题及改进情况", copied)
    c, fired, states = outcome(prev, cur)
    assert fired == {"S5-2"} and states["S5-2"] == FAILED
    five = next(t for t in c.texts if t.key == "五")
    assert five.similarity == 1.0  # numbers do not count: a copy with new years is a copy
    assert all(t.status == "unchanged" for t in c.carryover.traces)


def test_single_year_rules_run_on_both_years():
    prev, cur = pair()
    prev.sections["六"].paragraphs = ["无其他需要报告的事项。"]
    bump(prev, "review_litigation.direct_suit.total", 1)
    c = compare(prev, cur)
    assert {(f.which, f.rule) for f in c.findings} == {("old", "S6-1"), ("old", "T4-1")}
    assert c.errors and c.errors[0].year == prev.year


def test_cross_year_rules_of_last_year_run_when_the_year_before_is_given():
    first = consistent_report(1, year=2023)
    prev = successor(first, seed=2)
    cur = successor(prev, seed=3)
    bump(prev, "proactive.art20_1.rules.in_force", 9)
    bump(cur, "proactive.art20_1.rules.in_force", 9)  # this year continues last year's figure
    c = compare(prev, cur, before=first)
    assert {(f.which, f.rule, f.cross_year) for f in c.findings} == {("old", "T2-1", True)}
    assert compare(prev, cur).findings == []  # without the year before, not checkable


# --------------------------------------------------------------------------- X-1 statements

def x1(report, *paragraphs):
    report.sections["一"] = Section("一", "一、总体情况", list(paragraphs))
    return [v for v in check(report) if v.rule == "X-1"]


def test_X_1_receiving_counts_new_requests_and_accepting_may_include_carried_in():
    r = consistent_report()
    new, cin = r.value("requests.new.total"), r.value("requests.carried_in.total")
    assert cin > 0
    assert x1(r, f"全年共收到{new}件申请，办结{r.value('requests.total.total')}件。") == []
    assert x1(r, f"全年共受理政府信息公开申请{new + cin}件。") == []  # 受理 = 新收 + 上年结转
    found = x1(r, f"全年共收到政府信息公开申请{new + cin}件。")  # 收到 is this year's only
    assert [(v.printed, v.implied) for v in found] == [(new + cin, new)]


def test_X_1_suits_are_both_kinds_and_a_joint_count_is_not_a_suit_count():
    r = consistent_report()
    suits = r.value("review_litigation.direct_suit.total") + r.value("review_litigation.suit_after_review.total")
    recon = r.value("review_litigation.reconsideration.total")
    assert x1(r, f"发生行政复议案件{recon}件、行政诉讼案件{suits}件。") == []
    assert x1(r, f"行政复议、行政诉讼案件{recon + suits + 1}件。") == []
    found = x1(r, f"行政诉讼案件{suits + 2}件。")
    assert [v.printed - v.implied for v in found] == [2]


def test_X_1_other_years_and_parts_are_not_read_as_this_years_figures():
    r = consistent_report()
    n = r.value("requests.new.total")
    assert x1(r, f"较上年收到申请{n + 40}件有所增加。", f"其中，区政府办受理政府信息公开申请{n - 1}件。",
              f"2019年以来累计收到申请{n * 9}件。") == []
    assert len(x1(r, f"全年收到申请{n + 1}件，同比增长5%。")) == 1


def test_X_1_carried_out_and_cases_counted_in_qi():
    r = consistent_report()
    out = r.value("requests.carried_out.total")
    recon = r.value("review_litigation.reconsideration.total")
    assert x1(r, f"结转至{r.year + 1}年{out}件。", f"引发行政复议{recon}起。") == []
    found = x1(r, f"{out + 1}件结转下年度继续办理，行政复议{recon + 1}起。")
    assert sorted(v.printed - v.implied for v in found) == [1, 1]
    assert x1(r, f"上年结转政府信息公开申请{out + 5}件。") == []  # carried in, not out
