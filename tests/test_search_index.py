"""Keeping the index current: incremental updates, rebuilds, damaged files, the store's lock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from gknb.archive.store import Store, atomic_write
from gknb.archive.xml import to_xml

import gknb.search.extract as extract_mod
from gknb.model import Section
from gknb.search import db, grams
from gknb.search.fulltext import search
from gknb.search.index import Index
from tests import test_search as shared
from tests.builders import consistent_report
from tests.test_search import found, scan

# The corpus archive fixtures, shared with test_search.py.
archive = shared.archive
corpus_archive = shared.corpus_archive

QUERIES = ["公", "公开", "申请", "依申请公开", "政府信息公开工作年度报告", "行政复议", "整改", "量子计算机"]


def results(ix: Index) -> list[list[dict]]:
    return [[h.as_dict() for h in search(ix.connection(), q, limit=None).hits] for q in QUERIES]


@pytest.fixture()
def parses(monkeypatch) -> list[str]:
    """The archive files the index parses (reads as reports), in order."""
    seen: list[str] = []
    real = extract_mod.from_xml

    def counting(data, name="<档案>"):
        seen.append(name)
        return real(data, name)

    monkeypatch.setattr(extract_mod, "from_xml", counting)
    return seen


def _report(phrase: str, *, agency="测试县某局", year=2025):
    r = consistent_report(7, agency=agency, year=year)
    r.sections["六"] = Section("六", "六、其他需要报告的事项", [f"本机关{phrase}。", "本年度未收取信息处理费。"])
    return r


def test_first_use_builds_then_only_changes_are_read(archive, parses):
    store = Store(archive)
    n = len(store.entries())
    with Index(store) as ix:
        r = ix.refresh()
        assert (r.added, r.updated, r.removed) == (n, 0, 0)
        assert len(parses) == n
        parses.clear()
        r = ix.refresh()
        assert not r.changed and r.unchanged == n and parses == []

        # a new report
        store.put(_report("独有检索短语甲乙丙"))
        r = ix.refresh()
        assert (r.added, r.updated, r.removed) == (1, 0, 0)
        assert parses == ["reports/测试县某局/2025.xml"]
        assert found(ix, "独有检索短语甲乙丙") == {("测试县某局", 2025, "六")}
        assert found(ix, "甲乙") == {("测试县某局", 2025, "六")}

        # the same year replaced: the old text is gone, the new found
        parses.clear()
        store.put(_report("另一检索短语丁戊己"), replace=True)
        r = ix.refresh()
        assert (r.added, r.updated, r.removed) == (0, 1, 0)
        assert parses == ["reports/测试县某局/2025.xml"]
        assert not found(ix, "独有检索短语甲乙丙") and not found(ix, "甲乙")
        assert found(ix, "丁戊") == {("测试县某局", 2025, "六")}

        # a report removed
        parses.clear()
        (archive / "reports" / "测试县某局" / "2025.xml").unlink()
        r = ix.refresh()
        assert (r.added, r.updated, r.removed) == (0, 0, 1)
        assert parses == [] and not found(ix, "丁戊")
        assert ix.conn.execute("SELECT count(*) FROM reports").fetchone()[0] == n


def test_folders_copied_in_or_deleted_whole_are_seen(archive):
    store = Store(archive)
    reports = archive / "reports"
    with Index(store) as ix:
        ix.refresh()
        before = found(ix, "公开")
        shutil.copytree(reports / "泽州县应急管理局", reports / "泽州县应急管理局副本")  # keeps the old mtimes
        r = ix.refresh()
        assert (r.added, r.updated, r.removed) == (1, 0, 0)
        assert found(ix, "公开") == before | {("泽州县应急管理局副本", y, k) for a, y, k in before
                                            if a == "泽州县应急管理局"}
        shutil.rmtree(reports / "平潭综合实验区")
        r = ix.refresh()
        assert r.removed == 6 and not r.added and not r.updated
        assert found(ix, "公开") == scan(archive, "公开")
        assert not any(a == "平潭综合实验区" for a, _, _ in found(ix, "公开"))
        assert ix.conn.execute("SELECT count(*) FROM dirs WHERE path LIKE '%平潭%'").fetchone()[0] == 0


def test_every_search_sees_the_archive_as_it_is_now(archive):
    """No explicit refresh: a new Index per search, as each CLI run does."""
    store = Store(archive)

    def hits(q):
        with Index(store) as ix:
            return found(ix, q)

    assert not hits("独有检索短语甲乙丙")
    store.put(_report("独有检索短语甲乙丙"))
    assert hits("独有检索短语甲乙丙") == {("测试县某局", 2025, "六")}
    assert hits("乙") == scan(archive, "乙")


def test_the_folder_check_lists_exactly_the_stores_entries(archive):
    store = Store(archive)
    (archive / "reports" / "平潭综合实验区" / "notes.txt").write_text("x", "utf-8")
    (archive / "reports" / "平潭综合实验区" / "2019.xml.bak").write_text("x", "utf-8")
    (archive / "reports" / "空文件夹").mkdir()
    (archive / "reports" / "stray.xml").write_text("x", "utf-8")
    with Index(store) as ix:
        for thorough in (False, True):
            ix.refresh(thorough=thorough)
            indexed = dict(ix.conn.execute("SELECT path, agency || '/' || year FROM reports"))
            assert indexed == {e.path.relative_to(archive).as_posix(): f"{e.agency}/{e.year}"
                               for e in store.entries()}


def test_a_rewrite_in_place_with_the_same_size_is_seen_by_a_thorough_check(archive):
    """Same size, same inode, maybe the same clock tick: no folder changes, but the file does."""
    store = Store(archive)
    store.put(_report("独有检索短语甲乙丙"))
    path = archive / "reports" / "测试县某局" / "2025.xml"
    with Index(store) as ix:
        ix.refresh()
        data = path.read_bytes()
        new = data.replace("甲乙丙".encode(), "庚辛壬".encode())
        assert len(new) == len(data)
        inode = path.stat().st_ino
        with open(path, "r+b") as f:  # not an atomic rename: the inode stays
            f.write(new)
        assert path.stat().st_ino == inode
        ix.refresh(thorough=True)
        assert not found(ix, "甲乙丙") and found(ix, "庚辛壬") == {("测试县某局", 2025, "六")}


def test_a_touched_file_with_the_same_bytes_is_not_reparsed(archive, parses):
    store = Store(archive)
    with Index(store) as ix:
        ix.refresh()
        parses.clear()
        path = store.entries()[0].path
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
        r = ix.refresh(thorough=True)  # sees the new mtime, hashes the file, finds the same bytes
        assert not r.changed and r.unchanged == len(store.entries()) and parses == []
        assert ix.conn.execute("SELECT mtime_ns FROM reports WHERE path = ?",
                               (path.relative_to(archive).as_posix(),)).fetchone()[0] == path.stat().st_mtime_ns


def _history(ix: Index, added: tuple[str, str], replaced: str) -> None:
    """Some history: two reports added (乙, 丙), then 乙's replaced and 丙's removed."""
    store = ix.store
    store.put(_report(added[0], agency="乙县某局"))
    store.put(_report(added[1], agency="丙县某局"))
    ix.refresh()
    store.put(_report(replaced, agency="乙县某局"), replace=True)
    (store.root / "reports" / "丙县某局" / "2025.xml").unlink()
    ix.refresh()


def test_rebuild_from_the_xml_alone_gives_the_same_results(archive):
    store = Store(archive)
    with Index(store) as ix:
        ix.refresh()
        _history(ix, ("独有检索短语甲乙丙", "独有检索短语甲乙丙"), "另一检索短语丁戊己")
        incremental = results(ix)
        r = ix.rebuild()
        assert r.added == len(store.entries()) and not r.updated and not r.removed
        assert results(ix) == incremental
    # and from nothing at all: the index file deleted
    for f in archive.glob(db.INDEX_FILE + "*"):
        f.unlink()
    with Index(store) as ix:
        assert results(ix) == incremental


def grams_by_part(ix: Index) -> set[tuple]:
    """The short-query table as (agency, year, part key, gram, count): comparable across histories."""
    return set(ix.conn.execute("SELECT p.agency, p.year, p.key, g.gram, g.n FROM grams g"
                               " JOIN parts p ON p.id = g.part"))


def grams_from_texts(ix: Index) -> set[tuple]:
    """What the table must hold: every part's grams counted again from its stored text, folded."""
    rows = ix.conn.execute("SELECT p.agency, p.year, p.key, t.text FROM parts p JOIN texts t ON t.id = p.id")
    return {(a, y, k, g, n) for a, y, k, text in rows for g, n in grams.grams(shared.folded(text))}


def test_short_query_grams_are_kept_in_step_with_the_texts(archive):
    store = Store(archive)
    with Index(store) as ix:
        ix.refresh()
        assert grams_by_part(ix) == grams_from_texts(ix)
        _history(ix, ("哈哈哈甲乙", "丙丁"), "戊己")
        incremental = grams_by_part(ix)
        assert incremental == grams_from_texts(ix)
        orphans = ix.conn.execute("SELECT count(*) FROM grams WHERE part NOT IN (SELECT id FROM parts)")
        assert orphans.fetchone()[0] == 0
        assert ("乙县某局", 2025, "六", "戊己", 1) in incremental
        assert not {r for r in incremental if r[3] in ("甲乙", "哈哈", "丙丁")}
        assert found(ix, "戊己") == {("乙县某局", 2025, "六")} and found(ix, "丙丁") == set()
        ix.rebuild()
        assert grams_by_part(ix) == incremental


def test_an_index_of_the_previous_schema_is_rebuilt_with_short_queries_indexed(archive):
    store = Store(archive)
    with Index(store) as ix:
        expected = results(ix)
        # what schema 4 was: no grams table
        ix.conn.execute("DROP TABLE grams")
        ix.conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema'")
    with Index(store) as ix:
        assert results(ix) == expected
        assert ix.conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == db.SCHEMA_VERSION
        assert grams_by_part(ix) == grams_from_texts(ix) != set()


def test_a_damaged_or_older_index_is_rebuilt(archive):
    store = Store(archive)
    with Index(store) as ix:
        expected = results(ix)
        ix.conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
    with Index(store) as ix:
        assert results(ix) == expected
    for f in archive.glob(db.INDEX_FILE + "*"):
        f.unlink()
    (archive / db.INDEX_FILE).write_bytes(b"this is not a database" * 100)
    with Index(store) as ix:
        assert results(ix) == expected
    (archive / db.INDEX_FILE).write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # a damaged header
    with Index(store) as ix:
        ix.rebuild()
        assert results(ix) == expected


def test_an_unreadable_archive_file_is_reported_and_the_rest_searched(archive):
    store = Store(archive)
    bad = archive / "reports" / "坏档案机关" / "2022.xml"
    bad.parent.mkdir()
    bad.write_text("<report>公开 but not valid</report>", "utf-8")
    with Index(store) as ix:
        r = ix.refresh()
        assert [p for p, _ in r.failed] == ["reports/坏档案机关/2022.xml"]
        assert [p for p, _ in ix.failures()] == ["reports/坏档案机关/2022.xml"]
        assert found(ix, "公开") == scan(archive, "公开")
        assert all(a != "坏档案机关" for a, _, _ in found(ix, "公开"))
        atomic_write(bad, to_xml(_report("修好了的档案", agency="坏档案机关", year=2022)))  # as the store writes
        ix.refresh()
        assert ix.failures() == [] and found(ix, "修好了的档案") == {("坏档案机关", 2022, "六")}


def test_writes_take_the_stores_lock_and_reads_do_not(archive, monkeypatch):
    store = Store(archive)
    taken = []
    real = Store.lock

    @contextmanager
    def recording(self):
        taken.append(True)
        with real(self):
            yield

    monkeypatch.setattr(Store, "lock", recording)
    old = 1_000_000_000 * 10**9  # 2001: nothing is racily clean
    for e in store.entries():
        os.utime(e.path, ns=(old, old))
        os.utime(e.path.parent, ns=(old, old))
    with Index(store) as ix:
        ix.refresh()  # builds: locked
        assert len(taken) == 1
        taken.clear()
        ix.refresh()
        search(ix.conn, "公开")
        assert taken == []  # nothing changed: no lock
        store.put(_report("独有检索短语甲乙丙"))  # the store's own write
        taken.clear()
        ix.refresh()
        assert taken == [True]


def test_concurrent_searches_on_a_changing_archive(archive):
    """Several processes index and search at once while reports are added: all succeed, none stale."""
    store = Store(archive)
    code = (
        "import sys; from archive.store import Store; from gknb.search.index import Index;"
        "from gknb.search.fulltext import search\n"
        "for _ in range(3):\n"
        "    with Index(Store(sys.argv[1])) as ix:\n"
        "        search(ix.connection(), '公开')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(archive)], env=env, stderr=subprocess.PIPE)
             for _ in range(4)]
    for i in range(5):
        store.put(_report(f"并发写入第{i}份", agency=f"并发测试{i}局"))
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    with Index(store) as ix:
        assert found(ix, "并发写入") == {(f"并发测试{i}局", 2025, "六") for i in range(5)}
        assert found(ix, "公开") == scan(archive, "公开")
        n = ix.conn.execute("SELECT count(*), count(DISTINCT path) FROM reports").fetchone()
        assert n[0] == n[1] == len(store.entries())
