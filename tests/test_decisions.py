"""People's decisions kept in the archive: a figure settled by hand, a finding confirmed or dismissed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from gknb.archive import decisions as archived
from gknb.archive.errors import ArchiveError, StoreError
from gknb.archive.store import Store
from gknb.jobs.ingest import ingest
from gknb.jobs.reparse import reparse

from gknb import template as tpl
from gknb.cli import main
from gknb.compare.batch import archive_comparison
from gknb.compare.html import render

from .conftest import CORPUS, load_expected

AGENCY = "平潭综合实验区"
DOC = CORPUS / "txt" / f"{AGENCY}_2023.txt"  # its 行政规范性文件 row prints "77132470": no sum decides it
ROW = "proactive.art20_1.normative"


def _true(column: str) -> int:
    """The figure as the report means it (the corpus' expected figures)."""
    cell = tpl.load().cell(f"{ROW}.{column}")
    node = load_expected(DOC.with_name(DOC.name + ".expected.json"))["proactive"]
    for key in cell.json_path:
        node = node[key]
    return int(node)


def _gknb(*args) -> tuple[int, str]:
    res = CliRunner().invoke(main, [str(a) for a in args])
    return res.exit_code, res.output


@pytest.fixture
def archive(tmp_path):
    store = Store(tmp_path / "档案")
    ingest(store, [DOC, CORPUS / "txt" / f"{AGENCY}_2024.txt"], workers=1)
    return store


def test_a_fixed_figure_survives_reparse_and_shows_in_the_review(archive):
    store = archive
    before = store.get(AGENCY, 2023).cells[f"{ROW}.issued"]
    assert before.flag and "77132470" in before.flag
    value = _true("issued")
    code, out = _gknb("fix", AGENCY, 2023, f"{ROW}.issued", value, "--reason", "与原件核对：制发件数",
                      "--by", "张三", "--date", "2026-02-01", "--archive", store.root)
    assert code == 0, out
    assert "已核定" in out and str(value) in out
    cell = store.get(AGENCY, 2023).cells[f"{ROW}.issued"]
    assert (cell.state, cell.value, cell.flag) == ("value", value, None)
    assert store.history(AGENCY, 2023)  # the version before the fix is kept
    # the decision is its own validated file beside the report
    path = archived.path_of(store.report_path(AGENCY, 2023))
    d = archived.from_xml(path.read_bytes(), str(path))
    assert [(f.cell, f.new_value, f.by, f.date.isoformat()) for f in d.fixes] == \
        [(f"{ROW}.issued", str(value), "张三", "2026-02-01")]
    assert "77132470" in d.fixes[0].old_shown
    # reparse reads "77132470" again: the person's figure stays, the other two stay flagged
    items = reparse(store, AGENCY)
    assert all(i.status != "failed" for i in items)
    again = store.get(AGENCY, 2023).cells
    assert again[f"{ROW}.issued"].value == value and again[f"{ROW}.issued"].flag is None
    assert again[f"{ROW}.repealed"].flag
    # and the review says who settled it, when, from what, and why
    for year in (2023, 2024):  # this year's review and next year's (where 2023 is last year)
        page = render(archive_comparison(store, AGENCY, year, require_previous=False))
        assert "人工处理记录" in page and "张三" in page and "与原件核对：制发件数" in page and "77132470" in page


def test_a_fix_is_checked_before_it_is_kept(archive):
    code, out = _gknb("fix", AGENCY, 2023, f"{ROW}.issued", "3.5", "--reason", "x", "--by", "张三",
                      "--archive", archive.root)
    assert code == 2 and "不是整数" in out
    code, out = _gknb("fix", AGENCY, 2019, f"{ROW}.issued", "3", "--reason", "x", "--by", "张三",
                      "--archive", archive.root)
    assert code == 2 and "档案中没有" in out
    code, out = _gknb("fix", AGENCY, 2023, "没有这个单元格", "3", "--reason", "x", "--by", "张三",
                      "--archive", archive.root)
    assert code == 2 and "没有与“没有这个单元格”相符的单元格" in out
    assert not archived.path_of(archive.report_path(AGENCY, 2023)).exists()


def test_a_dismissed_finding_is_not_raised_again_unless_its_figures_change(archive):
    store = archive
    c = archive_comparison(store, AGENCY, 2023, require_previous=False)
    assert "E04" in {f.rule for f in c.findings}
    code, out = _gknb("dismiss", AGENCY, 2023, "E04", "--reason", "原文如此，已电话核实", "--by", "李四",
                      "--date", "2026-02-02", "--archive", store.root)
    assert code == 0 and "已驳回" in out
    c = archive_comparison(store, AGENCY, 2023, require_previous=False)
    assert "E04" not in {f.rule for f in c.findings} and [f.rule for f in c.dismissed] == ["E04"]
    page = render(c)
    assert "李四" in page and "原文如此，已电话核实" in page and "驳回发现 1 个" in page
    # next year: 2023's finding is not counted in the 2024 review (where 2023 is last year)
    c = archive_comparison(store, AGENCY, 2024)
    assert (2023, "E04") in {(f.year, f.rule) for f in c.dismissed}
    # 2024 prints another run-together figure: its E04 rests on other figures and is raised
    assert (2024, "E04") in {(f.year, f.rule) for f in c.findings}
    # once a figure it rests on changes, it is a new finding
    assert _gknb("fix", AGENCY, 2023, f"{ROW}.issued", _true("issued"), "--reason", "核对原件", "--by", "李四",
                 "--archive", store.root)[0] == 0
    c = archive_comparison(store, AGENCY, 2023, require_previous=False)
    assert "E04" in {f.rule for f in c.findings} and not c.dismissed


def test_a_dismissed_finding_on_the_text_is_not_raised_next_year_when_it_says_the_same(archive):
    assert _gknb("dismiss", AGENCY, 2023, "S5-1", "--reason", "整改情况写在第一部分", "--by", "李四",
                 "--archive", archive.root)[0] == 0
    c = archive_comparison(archive, AGENCY, 2024)
    assert {(f.year, f.rule) for f in c.dismissed} >= {(2023, "S5-1"), (2024, "S5-1")}
    assert "S5-1" not in {f.rule for f in c.findings}


def test_a_confirmed_finding_is_marked_and_still_counted(archive):
    code, out = _gknb("confirm", AGENCY, 2023, "S5-3", "--reason", "请改正条目编号", "--by", "王五",
                      "--archive", archive.root)
    assert code == 0 and "已确认" in out
    c = archive_comparison(archive, AGENCY, 2023, require_previous=False)
    judged = [f for f in c.findings if f.rule == "S5-3"]
    assert judged and judged[0].verdict.verdict == "confirmed"
    assert "已确认" in render(c)
    code, out = _gknb("dismiss", AGENCY, 2023, "T3-1", "--reason", "x", "--by", "王五", "--archive", archive.root)
    assert code == 2 and "没有规则 T3-1 的发现" in out and "S5-3" in out
    code, out = _gknb("dismiss", AGENCY, 2023, "S5-3", "--scope", "自然人栏", "--reason", "x", "--by", "王五",
                      "--archive", archive.root)
    assert code == 2 and "S5-3［自然人栏］" in out
    code, out = _gknb("dismiss", AGENCY, 2023, "S5-3", "--reason", " ", "--by", "王五", "--archive", archive.root)
    assert code == 2 and "--reason" in out


def test_a_damaged_decisions_file_is_said_by_name(archive):
    path = archived.path_of(archive.report_path(AGENCY, 2023))
    path.write_text('<decisions xmlns="urn:gknb:decisions:1" schema="1" agency="x" year="2023">'
                    '<fix cell="requests.new.total"/></decisions>', "utf-8")
    with pytest.raises(StoreError, match="2023.decisions.xml"):
        archived.load(archive, AGENCY, 2023)
    with pytest.raises(ArchiveError, match="不符合模式"):
        archived.from_xml(path.read_bytes(), str(path))


def test_decisions_xml_is_read_safely():
    from tests.fuzz.seeds import decisions_xml
    good = decisions_xml()[2]
    d = archived.from_xml(good, "2024.decisions.xml")
    assert archived.to_xml(d) == good  # deterministic, round trip
    for bad, words in ((good.replace(b"2026-02-01", b"2026-02-30", 1), "不符合模式"),
                       (b'<!DOCTYPE d [<!ENTITY a "b">]>' + good.split(b"?>", 1)[1], "DOCTYPE"),
                       (good.replace(b'rule="E04"', b'rule="Z9"'), "未知的规则 Z9"),
                       (b"", "文件是空的")):
        with pytest.raises(ArchiveError, match=words):
            archived.from_xml(bad, "2024.decisions.xml")
