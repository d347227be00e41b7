"""The JSON view: reading the corpus expected files and writing them back unchanged."""

import json

import pytest

from gknb.model import Report
from gknb.view import FiguresError, from_view, to_view

from .conftest import CORPUS, EXPECTED, load_expected

FIGURE_KEYS = ("agency", "year", "format", "proactive", "requests", "review_litigation")


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.name)
def test_view_round_trips_every_expected_file(path):
    data = load_expected(path)
    report = from_view(data)
    view = to_view(report)
    for key in FIGURE_KEYS:
        assert json.dumps(view[key], ensure_ascii=False, default=float) == \
            json.dumps(data[key], ensure_ascii=False, default=float), key


def test_blank_is_not_zero():
    data = load_expected(next(p for p in EXPECTED if "泽州" in p.name))
    report = from_view(data)
    assert report.cells["requests.carried_out.natural"].state == "blank"
    assert report.cells["requests.carried_out.research"].state == "value"
    assert report.value("requests.carried_out.research") == 0


def test_a_2021_report_with_a_2019_table_three_keeps_that_layout():
    data = load_expected(next(p for p in EXPECTED if "洪泽区人民政府_2023" in p.name))
    report = from_view(data)
    assert report.format == "2021"
    assert report.table_formats == {"proactive": "2021", "requests": "2019", "review_litigation": "2021"}
    assert "（六）其他处理" in to_view(report)["requests"]


def test_unknown_labels_are_errors_not_dropped():
    data = load_expected(EXPECTED[0])
    data["requests"]["（三）不予公开/9.不存在的行"] = {"自然人": 1}
    data["requets"] = {}
    with pytest.raises(FiguresError) as e:
        from_view(data)
    text = str(e.value)
    assert "9.不存在的行" in text and "requets" in text


def test_flags_in_the_view_name_cells_by_label_path():
    report = Report.empty("某局", 2025, "2021")
    report.set("requests.new.total", 5, flag="数字连在一起，无法确定拆分")
    view = to_view(report)
    assert view["flags"] == {"requests/一、本年新收政府信息公开申请数量/总计": "数字连在一起，无法确定拆分"}
    assert from_view(view).cells["requests.new.total"].flag == "数字连在一起，无法确定拆分"


def test_non_numbers_are_reported_with_their_label():
    data = load_expected(EXPECTED[0])
    data["requests"]["（七）总计"]["总计"] = "十二"
    with pytest.raises(FiguresError, match="（七）总计/总计"):
        from_view(data)


def test_absent_and_blank_stay_apart_through_the_view(tmp_path):
    from gknb.parsers import parse
    text = (CORPUS / "txt" / "平潭综合实验区_2023.txt").read_text("utf-8")
    start, end = text.index("四、政府信息公开行政复议"), text.index("五、存在的主要问题")
    path = tmp_path / "缺表四.txt"
    path.write_text(text[:start] + text[end:], "utf-8")
    view = to_view(parse(path))
    four = {f"review_litigation/{row}/{col}" for row, cols in view["review_litigation"].items() for col in cols}
    assert four <= set(view["absent"]) <= set(view["flags"])  # the rest: figures run together, unsplit
    back = from_view(view)
    assert {c.state for cid, c in back.cells.items() if cid.startswith("review_litigation.")} == {"absent"}
    shanghai = parse(CORPUS / "html" / "上海市人民政府办公厅_2019.html")  # cells printed empty (&nbsp;)
    blank = [cid for cid, c in shanghai.cells.items() if c.state == "blank"]
    assert len(blank) > 10
    view = to_view(shanghai)
    assert view["absent"] == []
    assert all(from_view(view).cells[cid].state == "blank" for cid in blank)
