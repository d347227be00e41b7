"""Reading one printed cell: numbers, notes, units, blanks."""

from decimal import Decimal

import pytest
from gknb.parsers.values import read_cell

from gknb import template as tpl

FEE = tpl.load().cell("proactive.art20_8.admin_fees.fee_amount").column
COUNT = tpl.load().cell("requests.new.total").column
CHANGE = tpl.load().cell("proactive.art20_5.licensing.change").column


@pytest.mark.parametrize("text,value,printed,flagged", [
    ("22", 22, None, False),
    ("２２", 22, "２２", False),
    ("22（其中修订16件）", 22, "22（其中修订16件）", False),
    ("", None, None, False),
    ("—", None, "—", False),
    ("/", None, "/", False),
    ("1,234", 1234, "1,234", False),
    ("约10件", None, "约10件", True),
    ("13①", 13, "13①", True),  # a footnote mark: NFKC would read it into the figure (131)
    ("13¹", 13, "13¹", True),
    ("⑴13", None, "⑴13", True),
])
def test_counts(text, value, printed, flagged):
    r = read_cell(text, COUNT)
    assert (r.value, r.printed, bool(r.flag)) == (value, printed, flagged)


def test_a_unit_contradicting_the_column_is_flagged_not_converted():
    r = read_cell("75394432.52元", FEE)
    assert r.value == Decimal("75394432.52") and "元" in r.flag and "万元" in r.flag
    assert read_cell("12.5万元", FEE).flag is None
    assert read_cell("12.5", FEE).value == Decimal("12.5")


def test_signed_change_and_fractional_count():
    assert read_cell("-3", CHANGE).value == -3
    assert read_cell("2.5", COUNT).flag  # a count with decimals is doubtful


def test_figure_text_keeps_marks_that_compatibility_forms_make_digits():
    from gknb.parsers.labels import figure_text
    assert figure_text("１３①　規章 ⑴ ½ ¹") == "13① 规章 ⑴ ½ ¹"  # full-width digits are digits
    assert figure_text("行政许可 2293") == "行政许可 2293"
