"""The XML archive: schema, determinism, round trips, hostile input, and the store."""

import multiprocessing
import os

import pytest
from gknb.archive import fs
from gknb.archive.store import ConflictError, Store
from gknb.archive.xml import ArchiveError, from_xml, schema, to_xml
from lxml import etree

from gknb.model import Finding, Report, Section, SourceDocument, Where
from gknb.view import from_view

from .builders import consistent_report
from .conftest import EXPECTED, load_expected


def rich_report() -> Report:
    r = consistent_report(3)
    r.source = SourceDocument("报告.pdf", "pdf", "ab" * 32, 7)
    r.title = "测试县某局2025年政府信息公开工作年度报告"
    r.preamble = ["本报告由测试县某局编制。", "数据统计期限为2025年1月1日至12月31日。"]
    r.set("requests.new.natural", r.value("requests.new.natural"), printed="22（其中修订16件）",
          where=Where(page=3, box=(101.5, 200.25, 130.0, 214.75)))
    r.set("requests.new.business", r.value("requests.new.business"), where=Where(table=2, row=3, col=2),
          flag="数字连在一起，按勾稽关系拆分")
    r.set("proactive.art20_8.admin_fees.fee_amount", None, where=Where(line=40))
    r.findings = [Finding("unmatched-row", "表三有一行无法对应模板：“合计”", "requests"),
                  Finding("note", "标题未写年度")]
    r.sections["二"] = Section("二", None, [])
    return r


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.name)
def test_every_corpus_figure_set_archives_valid_and_round_trips(path):
    report = from_view(load_expected(path))
    xml = to_xml(report)
    assert schema().validate(etree.fromstring(xml))
    assert to_xml(from_xml(xml)) == xml


def test_rich_report_round_trips_exactly_and_deterministically():
    r = rich_report()
    xml = to_xml(r)
    assert to_xml(rich_report()) == xml  # same report, same bytes
    back = from_xml(xml)
    assert to_xml(back) == xml
    assert back.cells == r.cells
    assert back.sections == r.sections and back.findings == r.findings and back.source == r.source
    assert back.cells["requests.new.natural"].printed == "22（其中修订16件）"
    assert back.cells["proactive.art20_8.admin_fees.fee_amount"].state == "blank"


def test_pre2019_report_holds_sections_and_no_figures():
    r = Report.empty("平潭综合实验区", 2017, "pre2019")
    r.sections["一"] = Section("一", "一、概述", ["2017年，我区……"])
    r.findings.append(Finding("note", "2019年以前的报告没有全国统一表格"))
    xml = to_xml(r)
    assert b"<table" not in xml
    back = from_xml(xml)
    assert back.format == "pre2019" and not back.has_tables and back.sections["一"].paragraphs


def test_schema_rejects_a_tampered_document():
    xml = to_xml(rich_report()).replace(b'state="value" value="', b'state="value" valu="', 1)
    with pytest.raises(ArchiveError, match="不符合模式"):
        from_xml(xml)
    missing = to_xml(rich_report()).replace(b'<cell id="requests.new.total"', b'<cell id="requests.nope.total"')
    with pytest.raises(ArchiveError, match="requests.nope.total"):
        from_xml(missing)


@pytest.mark.parametrize("payload", [
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<report xmlns="urn:gknb:archive:1" schema="1" agency="&x;" format="2021"/>',
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    b'<report xmlns="urn:gknb:archive:1" schema="1" agency="&d;" format="2021"/>',
    b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://example.invalid/x.dtd">'
    b'<report xmlns="urn:gknb:archive:1" schema="1" agency="x" format="2021"/>',
], ids=["xxe", "entity-bomb", "external-dtd"])
def test_hostile_xml_is_refused(payload):
    with pytest.raises(ArchiveError, match="DOCTYPE"):
        from_xml(payload)


def test_store_writes_new_then_unchanged_then_refuses_different(tmp_path):
    store = Store(tmp_path)
    r = rich_report()
    src = b"%PDF-1.4 fake source"
    r.source = SourceDocument("报告.pdf", "pdf", __import__("hashlib").sha256(src).hexdigest(), 1)
    assert store.put(r, src).status == "new"
    before = store.report_path(r.agency, r.year).read_bytes()
    assert store.put(r, src).status == "unchanged"
    changed = rich_report()
    changed.source = r.source
    changed.set("requests.new.total", 999)
    with pytest.raises(ConflictError, match="--replace"):
        store.put(changed, src)
    assert store.report_path(r.agency, r.year).read_bytes() == before  # untouched
    res = store.put(changed, src, replace=True)
    assert res.status == "replaced" and res.previous.read_bytes() == before
    assert store.get(r.agency, r.year).value("requests.new.total") == 999
    assert store.history(r.agency, r.year) == [res.previous]
    assert store.source_path(r.source.sha256).read_bytes() == src
    assert [e.year for e in store.entries()] == [2025]
    assert not [p for p in tmp_path.rglob("*.tmp") if p.is_file()]


def test_store_refuses_invalid_report_without_touching_anything(tmp_path):
    store = Store(tmp_path)
    r = rich_report()
    r.year = None
    with pytest.raises(Exception, match="年度"):
        store.put(r)
    assert not (tmp_path / "reports").exists()


def _put_many(root, seed):
    store = Store(root)
    for i in range(15):
        r = consistent_report(seed * 100 + i, agency=f"机关{i % 3}", year=2000 + i)
        try:
            store.put(r)
        except ConflictError:
            pass


def test_concurrent_writers_leave_valid_files(tmp_path):
    procs = [multiprocessing.Process(target=_put_many, args=(tmp_path, s)) for s in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    store = Store(tmp_path)
    entries = store.entries()
    assert len(entries) == 15
    for e in entries:
        store.get(e.agency, e.year)  # validates
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp") and p.is_file()]


def test_store_default_root_honours_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GKNB_ARCHIVE", str(tmp_path / "a"))
    assert Store().root == tmp_path / "a"
    monkeypatch.delenv("GKNB_ARCHIVE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "x"))
    assert Store().root == tmp_path / "x" / "gknb" / "archive"
    assert os.environ.get("GKNB_ARCHIVE") is None


def test_an_agency_printing_its_name_differently_keeps_one_folder(tmp_path):
    from gknb.archive.store import same_agency
    assert same_agency("淮安市洪泽区人民政府", "洪泽区人民政府")
    assert same_agency("江苏省淮安市洪泽区财政局", "洪泽区财政局")
    assert not same_agency("淮安市财政局", "财政局")
    assert not same_agency("洪泽区人民政府", "淮安市洪泽区人民政府办公室")
    store = Store(tmp_path)
    store.put(consistent_report(1, agency="洪泽区人民政府", year=2023))
    store.put(consistent_report(2, agency="淮安市洪泽区人民政府", year=2024))
    assert [(e.agency, e.year) for e in store.entries()] == [("洪泽区人民政府", 2023), ("洪泽区人民政府", 2024)]
    assert store.get("淮安市洪泽区人民政府", 2023).agency == "洪泽区人民政府"
    assert store.get("洪泽区人民政府", 2024).agency == "淮安市洪泽区人民政府"  # as printed that year


def test_temporaries_left_by_a_killed_writer_are_swept(tmp_path):
    store = Store(tmp_path)
    store.put(consistent_report(1))
    stale = tmp_path / ".tmp" / ".2026.xml.abcd.tmp"
    stale.write_bytes(b"<half")
    Store(tmp_path).put(consistent_report(2, year=2026))
    assert not stale.exists()
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp") and p.is_file()]


def test_batched_writes_skip_their_fsyncs_and_the_file_system_is_synced_once_a_batch(tmp_path, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append("fsync"))
    monkeypatch.setattr(fs, "_syncfs", lambda fd: calls.append("syncfs"))
    tree = fs.Tree(tmp_path)
    with fs.synced_in_batches(size=3):
        with fs.synced_in_batches():  # a nested block joins the outer one
            for i in range(4):
                tree.write(tmp_path / "d" / f"{i}.txt", f"{i}".encode())
        assert calls == ["syncfs"]  # after the third write
    assert calls == ["syncfs", "syncfs"]  # and at the end
    tree.write(tmp_path / "e.txt", b"e")  # outside: the file and its folder, each fsynced
    assert calls[2:] == ["fsync", "fsync"]
    assert [p.read_text() for p in sorted((tmp_path / "d").iterdir())] == ["0", "1", "2", "3"]
    assert not [p for p in tmp_path.rglob("*.tmp")]
