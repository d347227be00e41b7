"""A hostile archive: odd agency names, corrupt entries, links, full disks, the umask.

Whatever is in the archive folder, gknb reads and writes only inside it, never follows a
link, and a bad entry is a Chinese message naming the file (exit 2), never a traceback.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from gknb.archive.store import (
    EntryError,
    Store,
    StoreError,
    UnsafePathError,
    WriteError,
    agency_dirname,
    atomic_write,
)
from gknb.archive.xml import to_xml
from gknb.jobs.ingest import ingest
from gknb.jobs.reparse import reparse

from gknb.view import to_view

from .builders import consistent_report

LONG = "江苏省淮安市洪泽区" + "数据资源和政务服务管理局" * 7 + "综合信息科办室"  # 100 characters, 300 bytes
assert len(LONG) == 100


def gknb(*args):
    return subprocess.run([sys.executable, "-m", "gknb.cli", *map(str, args)], capture_output=True, text=True,
                          check=False, timeout=300)


def figures_doc(path: Path, agency: str, year: int, seed: int = 1, text: str | None = None) -> Path:
    """A figures file (JSON) as a department would send it: a document every command reads."""
    r = consistent_report(seed, agency=agency, year=year)
    if text:
        r.sections["六"].paragraphs = [text]
    view = to_view(r)
    view["sections"] = {k: {"heading": s.heading, "paragraphs": s.paragraphs} for k, s in r.sections.items()}
    path.write_text(json.dumps(view, ensure_ascii=False, default=float), "utf-8")
    return path


def no_traceback(res) -> None:
    assert "Traceback" not in res.stderr, res.stderr


def files_under(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


# --------------------------------------------------------------------------- folder names

def test_a_100_character_agency_name_gets_a_short_folder_and_keeps_its_name(tmp_path):
    store = Store(tmp_path)
    assert store.put(consistent_report(1, agency=LONG, year=2024)).status == "new"
    [folder] = list((tmp_path / "reports").iterdir())
    assert len(folder.name.encode("utf-8")) <= 120 and folder.name.startswith("江苏省淮安市洪泽区")
    assert store.get(LONG, 2024).agency == LONG  # the full printed name is in the XML
    assert [(e.agency, e.year) for e in store.entries()] == [(folder.name, 2024)]
    assert store.agency_name(folder.name) == LONG
    assert store.get(folder.name, 2024).agency == LONG  # Entry.agency finds its folder again
    assert store.put(consistent_report(2, agency=LONG, year=2025)).path.parent == folder


def test_a_100_character_agency_name_through_the_command_line(tmp_path):
    doc = figures_doc(tmp_path / "长名称.json", LONG, 2024)
    res = gknb("ingest", doc, "--archive", tmp_path / "a")
    no_traceback(res)
    assert res.returncode in (0, 1), res.stderr
    assert Store(tmp_path / "a").get(LONG, 2024).agency == LONG
    res = gknb("list", "--archive", tmp_path / "a")
    assert res.returncode == 0 and "2024" in res.stdout


def test_dot_and_dotdot_are_two_agencies_and_neither_leaves_reports(tmp_path):
    store = Store(tmp_path / "a")
    store.put(consistent_report(1, agency=".", year=2024))
    store.put(consistent_report(2, agency="..", year=2024))
    folders = sorted(p.name for p in (tmp_path / "a" / "reports").iterdir())
    assert len(folders) == 2 and not any(f in (".", "..") or f.startswith(".") for f in folders)
    assert store.get(".", 2024).agency == "." and store.get("..", 2024).agency == ".."
    assert not (tmp_path / "a" / "2024.xml").exists() and not (tmp_path / "2024.xml").exists()
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [".lock", ".tmp", "reports"]


def test_a_slash_and_its_full_width_twin_never_share_a_folder(tmp_path):
    store = Store(tmp_path)
    store.put(consistent_report(1, agency="a/b", year=2024))
    res = store.put(consistent_report(2, agency="ａ／ｂ", year=2024), replace=True)
    assert res.status == "new"  # not "replaced": one never overwrites the other
    assert agency_dirname("a/b") != agency_dirname("ａ／ｂ")
    assert store.get("a/b", 2024).agency == "a/b" and store.get("ａ／ｂ", 2024).agency == "ａ／ｂ"
    assert store.history("a/b", 2024) == [] and store.history("ａ／ｂ", 2024) == []
    assert all("/" not in p.name and "／" not in p.name for p in (tmp_path / "reports").iterdir())


@pytest.mark.parametrize("name", ["淮安市洪泽区人民政府", "平潭综合实验区", "某县政务服务管理办公室（县大数据中心）"])
def test_an_ordinary_name_is_its_own_folder_as_before(tmp_path, name):
    assert agency_dirname(name) == name
    Store(tmp_path).put(consistent_report(1, agency=name, year=2024))
    assert (tmp_path / "reports" / name / "2024.xml").is_file()


def test_a_folder_archived_before_names_were_limited_is_still_found(tmp_path):
    name = "某" * 50  # 150 bytes: a new archive hashes it, an older one has it as it is
    old = tmp_path / "reports" / name
    old.mkdir(parents=True)
    (old / "2023.xml").write_bytes(to_xml(consistent_report(1, agency=name, year=2023)))
    store = Store(tmp_path)
    assert store.get(name, 2023).agency == name
    assert store.put(consistent_report(2, agency=name, year=2024)).path.parent == old


# --------------------------------------------------------------------------- corrupt entries

DOCTYPE = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<report xmlns="urn:gknb:archive:1" schema="1" agency="&x;" format="2021"/>')


def corrupt(path: Path, how: str, outside: Path | None = None) -> None:
    """Spoil an archived year the ways a shared folder does: cut short, emptied, replaced."""
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "doctype":
        path.write_bytes(DOCTYPE)
    elif how == "invalid":
        path.write_bytes(data.replace(b'state="value" value="', b'state="value" valu="', 1))
    elif how == "directory":
        path.unlink()
        path.mkdir()
        (path / "x").write_text("junk")
    elif how == "symlink":
        path.unlink()
        outside.write_bytes(data)
        path.symlink_to(outside)
    else:
        raise AssertionError(how)


KINDS = ["truncated", "empty", "doctype", "invalid", "directory", "symlink"]


@pytest.mark.parametrize("how", KINDS)
def test_a_corrupt_entry_is_the_stores_own_error_naming_the_file(tmp_path, how):
    store = Store(tmp_path / "a")
    path = store.put(consistent_report(1, agency="某县某局", year=2024)).path
    corrupt(path, how, tmp_path / "outside.xml")
    with pytest.raises(EntryError) as e:
        store.get("某县某局", 2024)
    assert str(path) in str(e.value) and any("\u4e00" <= c <= "\u9fff" for c in str(e.value))
    assert [(x.agency, x.year) for x in store.entries()] == [("某县某局", 2024)]


def test_entries_never_crash_on_junk_in_the_folders(tmp_path):
    store = Store(tmp_path)
    store.put(consistent_report(1, agency="某县某局", year=2024))
    reports = tmp_path / "reports"
    (reports / "README.txt").write_text("说明")
    (reports / ".DS_Store").write_bytes(b"\0")
    (reports / ".hidden").mkdir()
    (reports / ".hidden" / "2020.xml").write_bytes(b"x")
    agency = reports / "某县某局"
    for junk in ("²⁰²⁴.xml", "٢٠٢٣.xml", "02024.xml", "2024.xml.bak", "abc.xml", "history"):
        (agency / junk).write_bytes(b"junk")
    (agency / "2022.xml").mkdir()
    os.mkfifo(agency / "2021.xml")
    (agency / "2020.xml").symlink_to("/etc/passwd")
    assert [(e.agency, e.year) for e in store.entries()] == [("某县某局", y) for y in (2020, 2021, 2022, 2024)]
    for year in (2020, 2021, 2022):
        with pytest.raises(EntryError):
            store.get("某县某局", year)  # refused without reading (the FIFO does not block)
    assert store.get("某县某局", 2024) is not None
    assert store.problems() == []


@pytest.mark.parametrize("how", ["truncated", "empty", "doctype", "directory"])
def test_check_with_a_corrupt_previous_year_exits_2_naming_the_file(tmp_path, how):
    store = Store(tmp_path / "a")
    path = store.put(consistent_report(1, agency="某县某局", year=2024)).path
    corrupt(path, how)
    res = gknb("check", figures_doc(tmp_path / "2025.json", "某县某局", 2025), "--archive", tmp_path / "a")
    no_traceback(res)
    assert res.returncode == 2 and "2024.xml" in res.stderr and "错误" in res.stderr


def _archive_with_sources(tmp_path: Path) -> Store:
    store = Store(tmp_path / "a")
    docs = [figures_doc(tmp_path / f"{name}.json", name, 2024, seed=i) for i, name in enumerate(("甲县某局", "乙县某局"))]
    assert all(o.status == "new" for o in ingest(store, docs, workers=1))
    return store


@pytest.mark.parametrize("how", ["truncated", "empty", "doctype", "directory"])
def test_reparse_fails_the_corrupt_entry_alone(tmp_path, how):
    store = _archive_with_sources(tmp_path)
    bad = store.report_path("乙县某局", 2024)
    corrupt(bad, how)
    items = {i.entry.agency: i for i in reparse(store, write=False)}
    assert items["甲县某局"].status == "unchanged"
    assert items["乙县某局"].status == "failed" and str(bad) in items["乙县某局"].error
    res = gknb("reparse", "--archive", tmp_path / "a")
    no_traceback(res)
    assert res.returncode == 2 and "甲县某局 2024：数字没有变化" in res.stdout and "乙县某局 2024：重新解析失败" in res.stdout


def test_reparse_refuses_a_linked_source(tmp_path):
    store = _archive_with_sources(tmp_path)
    sha = store.get("乙县某局", 2024).source.sha256
    src = store.source_path(sha)
    secret = tmp_path / "secret.json"
    secret.write_bytes(src.read_bytes())
    src.unlink()
    src.symlink_to(secret)
    items = {i.entry.agency: i for i in reparse(store)}
    assert items["乙县某局"].status == "failed" and "符号链接" in items["乙县某局"].error
    assert items["甲县某局"].status == "unchanged"


# --------------------------------------------------------------------------- links

def _outside_agency(tmp_path: Path, name: str, text: str) -> Path:
    """A real agency folder elsewhere (another archive), to be linked into ours."""
    other = Store(tmp_path / "elsewhere")
    r = consistent_report(7, agency=name, year=2024)
    r.sections["六"].paragraphs = [text]
    other.put(r)
    return tmp_path / "elsewhere" / "reports" / name


def test_ingest_refuses_a_linked_agency_folder_and_writes_nothing_outside(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    reports = tmp_path / "a" / "reports"
    reports.mkdir(parents=True)
    (reports / "某县某局").symlink_to(outside, target_is_directory=True)
    res = gknb("ingest", figures_doc(tmp_path / "d.json", "某县某局", 2024), "--archive", tmp_path / "a")
    no_traceback(res)
    assert res.returncode == 2 and "符号链接" in res.stderr
    assert list(outside.iterdir()) == []
    assert not (tmp_path / "a" / "sources").exists()  # refused before anything was written


def test_reads_never_go_through_a_linked_agency_folder(tmp_path):
    secret = "外部档案中的机密短语甲乙丙"
    linked = _outside_agency(tmp_path, "外县某局", secret)
    store = Store(tmp_path / "a")
    store.put(consistent_report(1, agency="本县某局", year=2024))
    (tmp_path / "a" / "reports" / "外县某局").symlink_to(linked, target_is_directory=True)
    assert [e.agency for e in store.entries()] == ["本县某局"]
    assert [p.name for p in store.problems()] == ["外县某局"] and "符号链接" in store.problems()[0].message
    with pytest.raises(EntryError, match="符号链接"):
        store.get("外县某局", 2024)
    res = gknb("search", secret, "--archive", tmp_path / "a")
    no_traceback(res)
    assert res.returncode == 1 and secret not in res.stdout
    res = gknb("export", "--format", "csv", "--archive", tmp_path / "a")
    assert res.returncode == 0 and "本县某局" in res.stdout and "外县某局" not in res.stdout
    res = gknb("compare", "--archive", tmp_path / "a", "--year", "2024", "-o", tmp_path / "reviews")
    no_traceback(res)
    pages = "".join(p.read_text("utf-8") for p in (tmp_path / "reviews").iterdir())
    assert "本县某局" in pages and "外县某局" not in pages and secret not in pages


def test_a_linked_year_file_is_not_read_by_search_and_is_said(tmp_path):
    secret = "链接指向的机密短语丁戊己"
    linked = _outside_agency(tmp_path, "本县某局", secret)
    store = Store(tmp_path / "a")
    store.put(consistent_report(1, agency="本县某局", year=2023))
    (tmp_path / "a" / "reports" / "本县某局" / "2024.xml").symlink_to(linked / "2024.xml")
    res = gknb("search", secret, "--archive", tmp_path / "a")
    no_traceback(res)
    assert res.returncode == 1 and "符号链接" in res.stderr and secret not in res.stdout
    res = gknb("export", "--format", "csv", "--archive", tmp_path / "a")
    assert ",2024," not in res.stdout and ",2023," in res.stdout


def test_a_linked_index_file_is_replaced_not_written_through(tmp_path):
    other = Store(tmp_path / "other")
    other.put(consistent_report(2, agency="他县某局", year=2024))
    assert gknb("index", "--archive", tmp_path / "other").returncode == 0  # a real index, elsewhere
    target = tmp_path / "other" / "index.sqlite"
    before = target.read_bytes()
    store = Store(tmp_path / "a")
    store.put(consistent_report(1, agency="本县某局", year=2024))
    (tmp_path / "a" / "index.sqlite").symlink_to(target)
    res = gknb("export", "--format", "csv", "--archive", tmp_path / "a")
    assert res.returncode == 0 and "本县某局" in res.stdout and "他县某局" not in res.stdout
    assert target.read_bytes() == before and not (tmp_path / "a" / "index.sqlite").is_symlink()


def test_replace_never_copies_a_linked_year_file_into_history(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET 机密")
    archive = tmp_path / "a"
    folder = archive / "reports" / "某县某局"
    folder.mkdir(parents=True)
    (folder / "2024.xml").symlink_to(secret)
    res = gknb("ingest", figures_doc(tmp_path / "d.json", "某县某局", 2024), "--archive", archive, "--replace")
    no_traceback(res)
    assert res.returncode == 2 and "符号链接" in res.stderr
    assert secret.read_text() == "TOP SECRET 机密" and (folder / "2024.xml").is_symlink()
    assert not any(b"TOP SECRET" in data for data in files_under(archive).values())


def test_replace_refuses_a_linked_source_document(tmp_path):
    secret = tmp_path / "secret.json"
    figures_doc(secret, "某县某局", 2024, seed=2)
    link = tmp_path / "inbox" / "报告.json"
    link.parent.mkdir()
    link.symlink_to(secret)
    store = Store(tmp_path / "a")
    store.put(consistent_report(1, agency="某县某局", year=2024))
    for args in ([link], [link.parent]):  # named, and found in a folder
        res = gknb("ingest", *args, "--archive", tmp_path / "a", "--replace")
        no_traceback(res)
        assert res.returncode == 2 and "符号链接" in res.stderr
    assert not (tmp_path / "a" / "sources").exists() and store.history("某县某局", 2024) == []


def test_a_linked_source_in_the_archive_is_refused_not_overwritten(tmp_path):
    doc = figures_doc(tmp_path / "d.json", "某县某局", 2024)
    sha = hashlib.sha256(doc.read_bytes()).hexdigest()
    target = tmp_path / "elsewhere"
    target.write_bytes(b"keep me")
    src = tmp_path / "a" / "sources" / sha[:2] / sha
    src.parent.mkdir(parents=True)
    src.symlink_to(target)
    outcome, = ingest(Store(tmp_path / "a"), [doc], workers=1)
    assert outcome.status == "failed" and "符号链接" in outcome.error
    assert target.read_bytes() == b"keep me"


# --------------------------------------------------------------------------- write failures

@pytest.mark.parametrize("target, code, words", [
    ("write", errno.ENOSPC, "磁盘空间已满"),
    ("replace", errno.EROFS, "只读"),
    ("replace", errno.ENAMETOOLONG, "文件名过长"),
    ("mkdir", errno.EACCES, "没有权限"),
])
def test_a_failed_write_is_a_chinese_error_naming_the_file_and_changes_nothing(tmp_path, monkeypatch, target, code,
                                                                                 words):
    store = Store(tmp_path)
    store.put(consistent_report(1, agency="某县某局", year=2024))
    before = files_under(tmp_path)

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, target, fail)
    with pytest.raises(WriteError) as e:
        if target == "mkdir":
            store.put(consistent_report(2, agency="新县某局", year=2024))
        else:
            store.put(consistent_report(2, agency="某县某局", year=2024), replace=True)
    monkeypatch.undo()
    assert words in str(e.value) and str(tmp_path) in str(e.value)
    assert isinstance(e.value, OSError) and isinstance(e.value, StoreError) and e.value.errno == code
    assert files_under(tmp_path) == before  # no half file, no temporary left


def test_single_commands_exit_2_on_a_full_disk(tmp_path, monkeypatch):
    from gknb.cli import main

    doc = figures_doc(tmp_path / "d.json", "某县某局", 2024)
    real_write = os.write

    def full(fd, data):
        if b"urn:gknb:archive" in bytes(data) or b"# " in bytes(data)[:2]:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    runner = CliRunner()
    res = runner.invoke(main, ["ingest", str(doc), "--archive", str(tmp_path / "a"), "--workers", "1"])
    assert res.exit_code == 2 and "磁盘空间已满" in res.output and "2024.xml" in res.output
    res = runner.invoke(main, ["draft", "某县某局", "--year", "2025", "--archive", str(tmp_path / "a"),
                               "-o", str(tmp_path / "2025.yaml")])
    assert res.exit_code == 2 and "磁盘空间已满" in res.output and "2025.yaml" in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


# --------------------------------------------------------------------------- the umask

@pytest.mark.parametrize("mask, file_mode, dir_mode", [(0o022, 0o644, 0o755), (0o002, 0o664, 0o775)])
def test_files_gknb_writes_follow_the_umask(tmp_path, mask, file_mode, dir_mode):
    old = os.umask(mask)
    try:
        store = Store(tmp_path / "a")
        doc = figures_doc(tmp_path / "d.json", "某县某局", 2024)
        ingest(store, [doc], workers=1)
        store.put(consistent_report(9, agency="某县某局", year=2024), replace=True)  # a history version
        atomic_write(tmp_path / "out" / "x.yaml", b"x")
    finally:
        os.umask(old)
    written = [p for p in (tmp_path / "a").rglob("*")] + [tmp_path / "out", tmp_path / "out" / "x.yaml"]
    assert any("history" in str(p) for p in written) and any("sources" in str(p) for p in written)
    for p in written:
        assert p.stat().st_mode & 0o777 == (dir_mode if p.is_dir() else file_mode), p


# --------------------------------------------------------------------------- the year

@pytest.mark.parametrize("year", ["25", "0225", "3025", "2007", "２０２５", "二〇二五", "2025.0", ""])
def test_an_implausible_year_is_refused_in_chinese(tmp_path, year):
    res = gknb("january", "--work", tmp_path / "w", "--year", year, "--no-pdf")
    no_traceback(res)
    assert res.returncode == 2 and "年度" in res.stderr and "四位数字" in res.stderr
    assert not (tmp_path / "w").exists()


def test_the_year_check_accepts_2008_to_next_year():
    import datetime

    from gknb.jobs.january import YearError, check_year
    nxt = datetime.date.today().year + 1
    assert check_year("2008") == 2008 and check_year(nxt) == nxt
    for bad in (2007, nxt + 1, 25):
        with pytest.raises(YearError):
            check_year(bad)


def test_a_symlinked_archive_root_is_the_users_choice(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    store = Store(tmp_path / "link")
    store.put(consistent_report(1, agency="某县某局", year=2024))
    assert (real / "reports" / "某县某局" / "2024.xml").is_file()
    assert store.get("某县某局", 2024) is not None


def test_a_path_that_leaves_the_root_is_refused(tmp_path):
    store = Store(tmp_path / "a")
    with pytest.raises(UnsafePathError):
        store.tree.write(tmp_path / "a" / ".." / "escaped.txt", b"x")
    assert not (tmp_path / "escaped.txt").exists()
