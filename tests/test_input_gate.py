"""The one way in: regular files only, size and time limits, no hang, no traceback, one bad byte
costs that byte — and a table is found by its content, absent never read as blank."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from gknb.parsers import DocumentError, parse
from gknb.parsers.source import ReadSettings

from gknb.view import to_view

from .conftest import CORPUS, load_expected
from .scoring import score

CRAWLER = CORPUS / "txt" / "平潭综合实验区_2023.txt"
HEADING_FOUR = "四、政府信息公开行政复议、行政诉讼情况"


def _expected(doc):
    return load_expected(doc.with_name(doc.name + ".expected.json"))


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def _hang_guarded(path, limit=10.0):
    """parse(path), asserting it returns within a generous hang guard (not a speed test)."""
    start = time.monotonic()
    try:
        return parse(path)
    finally:
        assert time.monotonic() - start < limit, path


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "管道.txt"
    os.mkfifo(fifo)
    res = subprocess.run([sys.executable, "-m", "gknb.cli", "parse", str(fifo)],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode == 2 and "管道.txt" in res.stderr and "不是普通文件" in res.stderr
    assert "Traceback" not in res.stderr


def test_the_size_limit_is_checked_before_reading(tmp_path):
    path = _write(tmp_path, "大文件.txt", "一、总体情况\n" * 1000)
    with pytest.raises(DocumentError) as e:
        parse(path, ReadSettings(max_bytes=1000))
    assert "过大" in e.value.problem and e.value.path == str(path)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed alarm
def test_a_time_limit_swallowed_by_a_finalizer_still_ends_the_block(monkeypatch):
    """An alarm that lands in a __del__ is lost (Python ignores exceptions there): the next one ends it."""
    from gknb.parsers.source import time_limit

    # Python hands the lost alarm to sys.unraisablehook; pytest's own hook would be cut short by
    # the repeated alarm (and fail the test for it), so the lost alarm is dropped here, unseen.
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: None)

    class Slow:
        def __del__(self):
            time.sleep(0.05)  # the alarm fires in here, and is swallowed

    with pytest.raises(DocumentError) as e:
        with time_limit(0.01, "慢.pdf"):
            Slow()  # dropped at once: its __del__ runs now
            time.sleep(5)  # a hang guard, not a speed test: the repeated alarm cuts it short
    assert "超时" in e.value.problem


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed alarm
def test_a_block_that_ends_after_its_swallowed_alarm_is_a_timeout(monkeypatch):
    """The alarm lands in a finalizer and is lost, and the block ends before the next may raise
    (the CI failure of 2026-12-01: a gc callback took the alarm, the parse finished at ~50 ms
    and its report was returned).  Past its limit, the block is a timeout all the same."""
    from gknb.parsers.source import ALARM_RERAISE, time_limit

    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: None)

    class Slow:
        def __del__(self):
            end = time.perf_counter() + 0.03  # the 10 ms alarm lands in here and is swallowed
            while time.perf_counter() < end:
                pass

    ran = []
    with pytest.raises(DocumentError) as e:
        with time_limit(0.01, "慢.pdf"):
            Slow()
            ran.append(True)  # the block went on after the lost alarm, and ended on its own
    assert ran and "超时" in e.value.problem and 0.03 < ALARM_RERAISE + 0.01


def test_an_alarm_due_as_the_block_ends_never_escapes_bare():
    """The limit falls due around the time the block ends, again and again: each block either
    finishes or ends in the DocumentError, never in the alarm's own exception."""
    from gknb.parsers.source import Timeout, time_limit

    outcomes = {"finished": 0, "timed out": 0}
    for i in range(1500):
        try:
            with time_limit(0.002, "慢.txt"):
                end = time.perf_counter() + 0.0015 + (i % 10) * 0.0001
                while time.perf_counter() < end:
                    pass
            outcomes["finished"] += 1
        except DocumentError:
            outcomes["timed out"] += 1
        except Timeout:  # pragma: no cover - what the test guards against
            pytest.fail(f"a bare Timeout escaped after {outcomes}")
    assert outcomes["finished"] and outcomes["timed out"]  # the limit did fall due on both sides


def test_the_time_limit_holds_inside_every_parse():
    with pytest.raises(DocumentError) as e:
        parse(CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf", ReadSettings(timeout=0.01))
    assert "超时" in e.value.problem


@pytest.mark.parametrize("text", [
    "\n" * 19000,
    "x\n" + " \n" * 9000 + "|---",
    "一、总体情况\n" + "，" * 100000 + "1",
    "政府信息公开工作年度报告\n" + ("规章 " + " " * 5000 + "1 2 x\n") * 20,
], ids=["blank-lines", "spaces-then-separator", "long-punctuation", "long-rows"])
def test_pathological_text_never_hangs(tmp_path, text):
    path = _write(tmp_path, "病态.txt", text)
    try:
        _hang_guarded(path)
    except DocumentError as e:
        assert "病态.txt" in str(e)


def test_one_bad_byte_costs_that_byte_not_the_report(tmp_path):
    data = CRAWLER.read_bytes()
    cut = data.index("总体情况".encode()) + 3  # inside a character of the opening section
    path = tmp_path / "坏字节.txt"
    path.write_bytes(data[:cut] + b"\xff" + data[cut + 1:])
    report = parse(path)
    assert any("无法识别的字节" in f.message for f in report.findings)
    assert score(to_view(report), _expected(CRAWLER)).silent == []
    assert report.value("requests.new.total") == 81


def test_an_unexpected_state_in_a_reader_is_that_documents_error(tmp_path, monkeypatch):
    import gknb.parsers.text

    def broken(*args, **kw):
        raise IndexError("list index out of range")
    monkeypatch.setattr(gknb.parsers.text, "read_text", broken)
    path = _write(tmp_path, "报告.txt", CRAWLER.read_text("utf-8"))
    with pytest.raises(DocumentError) as e:
        parse(path)
    assert "报告.txt" in str(e.value) and "IndexError" in e.value.problem


def test_a_report_like_title_over_nonsense_is_not_a_report(tmp_path):
    rows = "".join(f"<tr><td>第{i}行</td><td>{i}</td></tr>" for i in range(20000))
    page = f"<html><body><h1>某某局2024年政府信息公开工作年度报告</h1><table>{rows}</table></body></html>"
    path = _write(tmp_path, "无内容.html", page)
    with pytest.raises(DocumentError) as e:
        parse(path)
    assert "不像是" in e.value.problem


@pytest.mark.parametrize("heading", [
    "四、政府信息公开行政复议、行政诉公情况",  # one character changed
    "四、政府信息公开行政复议、行政诉讼情",  # one dropped
    "",  # no heading at all: the table's own header finds it
], ids=["typo", "dropped", "missing"])
def test_table_four_is_found_by_its_content_whatever_its_heading(tmp_path, heading):
    text = CRAWLER.read_text("utf-8")
    assert HEADING_FOUR in text
    report = parse(_write(tmp_path, "变体.txt", text.replace(HEADING_FOUR, heading)))
    s = score(to_view(report), _expected(CRAWLER))
    assert s.silent == []
    assert [c for c in report.cells if c.startswith("review_litigation.") and report.cells[c].flag] == []
    if heading:
        assert "四" in report.sections


def test_a_table_that_is_not_there_is_absent_and_flagged_never_blank(tmp_path):
    text = CRAWLER.read_text("utf-8")
    start = text.index(HEADING_FOUR)
    end = text.index("五、存在的主要问题")
    report = parse(_write(tmp_path, "缺表四.txt", text[:start] + text[end:]))
    cells = {cid: c for cid, c in report.cells.items() if cid.startswith("review_litigation.")}
    assert len(cells) == 15
    assert all(c.state == "absent" and c.flag and "未找到" in c.flag for c in cells.values())
    assert any(f.kind == "missing-table" for f in report.findings)
    view = to_view(report)
    assert all(f"review_litigation/{row}/{col}" in view["flags"]
               for row, cols in view["review_litigation"].items() for col in cols)


def test_a_markdown_header_over_a_narrower_table_does_not_crash(tmp_path):
    header = "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n|---|---|---|---|---|---|---|---|\n"
    body = "| 一、本年新收政府信息公开申请数量 | 5 |\n|---|---|\n"
    text = "某局2024年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n" + header + "\n" + body
    report = parse(_write(tmp_path, "拆开的表.md", text))
    cell = report.cells["requests.new.total"]
    assert cell.state != "value" or cell.flag


def test_a_run_of_thousands_of_digits_is_flagged_not_a_crash(tmp_path):
    """Found by the fuzzer: a crawler row whose figures ran to 5,000 digits."""
    text = CRAWLER.read_text("utf-8").replace("801000081", "8" * 5000, 1)
    report = parse(_write(tmp_path, "长数字.txt", text))
    assert report.cells["requests.new.total"].flag


def test_a_run_over_many_rows_never_makes_one_figure_of_thousands_of_digits():
    """Found by the long fuzz run: a run of digits spanning hundreds of cells passed the run's
    length check, and one cut of it was a 5,000-digit figure (int() refuses those)."""
    from gknb.parsers.splitting import MAX_RUN_DIGITS, candidates

    from gknb import template as tpl
    column = tpl.load().cell("requests.new.total").column
    run = "1" * 5200  # within 15 digits a cell, yet its first cuts leave a 4,851-digit last figure
    cands = candidates(run, [column] * 350)
    assert cands is None or all(len(str(v)) <= MAX_RUN_DIGITS for c in cands for v in c)


def test_a_cut_with_two_points_is_no_figure():
    """Found by the long fuzz run (session 21, the crawler-text reader): a run of digits and points
    over 万元 cells cut into "18651.0.6" passed the cut's check and raised decimal.InvalidOperation
    out of the reader. A figure has one point with digits either side."""
    from gknb.parsers.splitting import candidates

    from gknb import template as tpl
    fee = tpl.load().cell("proactive.art20_8.admin_fees.fee_amount").column
    assert candidates("18651.0.6", [fee]) == []
    assert candidates("1.23.4", [fee, fee]) == [(Decimal("1.2"), Decimal("3.4"))]


def test_the_label_caches_remember_labels_not_paragraphs():
    """Found by the long fuzz run (a process past 800 MB): the memoised label functions also see
    whole paragraphs; remembered by count, 65,536 of them stay in a worker for the rest of its
    batch.  Long texts are kept by their total length instead."""
    from gknb.parsers.labels import CACHED_CHARS, LONG_CHARS, key, similarity, simplify
    before = (simplify.cache_info().currsize, key.cache_info().currsize, similarity.cache_info().currsize)
    big = max(CACHED_CHARS + 1, LONG_CHARS // 8)
    for i in range(40):  # 40 paragraphs of 1/8 of the bound each: five times what may stay
        paragraph = f"第{i}段" + "政" * big
        assert simplify(paragraph) == paragraph and key(paragraph) == paragraph
        similarity(paragraph, "政务公开")
    after = (simplify.cache_info().currsize, key.cache_info().currsize, similarity.cache_info().currsize)
    assert after == before
    for f in (simplify, key, similarity):
        assert 0 < f.long.chars <= LONG_CHARS
    assert ("第39段" + "政" * big,) in simplify.long.entries  # the most recent stay
    simplify("本年新收政府信息公开申请数量 fresh")  # a label is remembered by count
    assert simplify.cache_info().currsize == before[0] + 1


def test_a_header_thousands_of_rows_deep_is_searched_only_at_its_foot():
    """Found by the long fuzz run: text read as header rows for thousands of lines made every
    row's column matching scan the whole stack (8.5 s for a 64 KB text report)."""
    from gknb.parsers.headers import match_in_stack
    from gknb.parsers.matchsettings import MatchSettings
    s = MatchSettings()
    calls = []
    stack = [f"第{i}行" for i in range(5000)]
    assert match_in_stack(stack, lambda text: calls.append(text), s.max_wrapped_header_rows, s.header_depth) is None
    assert len(calls) <= s.header_depth * s.max_wrapped_header_rows
    assert all("第4999行" in c or int(c.split("行")[0][1:]) >= 5000 - s.header_depth - s.max_wrapped_header_rows
               for c in calls)
