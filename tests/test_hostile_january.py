"""The January job over a hostile work folder: every agency on its own.

A corrupt archive entry, a link, a bad figures file, a failed generation or a full disk is
that agency's row (status 错误, the reason in Chinese); the others complete, the exit status
says something failed, and a re-run changes no byte.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gknb.archive.store import Store
from gknb.jobs import generate
from gknb.jobs.january import DRAFTED, FAILED, GENERATED, WAITING, run

from .builders import consistent_report
from .test_hostile_archive import KINDS, LONG, corrupt, figures_doc, no_traceback
from .test_january import fill, snapshot

pytestmark = [pytest.mark.slow]

AGENCIES = ("甲县财政局", "乙县财政局", "丙县财政局")
BAD = AGENCIES[1]


def make_work(root: Path) -> Path:
    """Three agencies with last year's report archived: the job drafts this year's figures for each."""
    store = Store(root / "archive")
    for i, name in enumerate(AGENCIES):
        store.put(consistent_report(i, agency=name, year=2024))
    return root


def status(rows) -> dict[str, str]:
    return {r.agency: r.status for r in rows}


def notes(rows, agency) -> str:
    return "\n".join(next(r for r in rows if r.agency == agency).notes)


def january_cli(work: Path, *extra):
    return subprocess.run([sys.executable, "-m", "gknb.cli", "january", "--work", str(work), "--year", "2025",
                           "--no-pdf", "--workers", "2", *extra], capture_output=True, text=True, check=False,
                           timeout=600)


@pytest.mark.parametrize("how", KINDS)
def test_a_corrupt_entry_costs_its_agency_only_and_a_rerun_changes_nothing(tmp_path, how):
    work = make_work(tmp_path / "w")
    bad = Store(work / "archive").report_path(BAD, 2024)
    corrupt(bad, how, tmp_path / "outside.xml")
    rows, failures = run(work, 2025, workers=1, pdf=False)
    assert failures == []
    assert status(rows) == {AGENCIES[0]: DRAFTED, BAD: FAILED, AGENCIES[2]: DRAFTED}
    assert str(bad) in notes(rows, BAD)
    assert not (work / "figures" / BAD).exists()
    assert (work / "figures" / AGENCIES[2] / "2025.yaml").is_file()
    snap = snapshot(work)
    again, _ = run(work, 2025, workers=2, pdf=False)  # the drafts are there now: waiting to be filled
    assert status(again) == {AGENCIES[0]: WAITING, BAD: FAILED, AGENCIES[2]: WAITING}
    assert snapshot(work) == snap


def test_the_command_exits_nonzero_and_shows_the_failed_agency(tmp_path):
    work = make_work(tmp_path / "w")
    corrupt(Store(work / "archive").report_path(BAD, 2024), "truncated")
    res = january_cli(work)
    no_traceback(res)
    assert res.returncode == 2
    table = {line.split()[0]: line.split()[1] for line in res.stdout.splitlines()[1:]}
    assert table == {AGENCIES[0]: DRAFTED, BAD: FAILED, AGENCIES[2]: DRAFTED}
    assert f"注意（{BAD}）：档案文件" in res.stderr and "2024.xml" in res.stderr


def test_a_linked_agency_folder_is_its_own_error_and_nothing_is_written_through_it(tmp_path):
    work = make_work(tmp_path / "w")
    elsewhere = Store(tmp_path / "elsewhere")
    elsewhere.put(consistent_report(5, agency="外县财政局", year=2024))
    elsewhere.put(consistent_report(6, agency="外县财政局", year=2025))
    before = {p: p.read_bytes() for p in (tmp_path / "elsewhere").rglob("*") if p.is_file()}
    (work / "archive" / "reports" / "外县财政局").symlink_to(tmp_path / "elsewhere" / "reports" / "外县财政局",
                                                           target_is_directory=True)
    rows, _ = run(work, 2025, workers=1, pdf=False)
    assert status(rows)["外县财政局"] == FAILED and "符号链接" in notes(rows, "外县财政局")
    assert [status(rows)[a] for a in AGENCIES] == [DRAFTED] * 3
    assert not (work / "figures" / "外县财政局").exists()
    assert "外县财政局" not in (work / "reviews" / "index.html").read_text("utf-8")
    assert {p: p.read_bytes() for p in (tmp_path / "elsewhere").rglob("*") if p.is_file()} == before


def test_links_in_the_work_folder_are_refused(tmp_path):
    work = make_work(tmp_path / "w")
    outside = tmp_path / "outside"
    outside.mkdir()
    (work / "figures").mkdir()
    (work / "figures" / BAD).symlink_to(outside, target_is_directory=True)
    secret = figures_doc(tmp_path / "secret.json", "丁县财政局", 2024)
    (work / "inbox").mkdir()
    (work / "inbox" / "来文.json").symlink_to(secret)
    rows, failures = run(work, 2025, workers=1, pdf=False)
    assert len(failures) == 1 and "来文.json" in failures[0] and "符号链接" in failures[0]
    assert "丁县财政局" not in status(rows) and not (work / "archive" / "sources").exists()
    assert status(rows)[BAD] == FAILED and "符号链接" in notes(rows, BAD)
    assert list(outside.iterdir()) == []
    assert status(rows)[AGENCIES[0]] == status(rows)[AGENCIES[2]] == DRAFTED


def test_a_100_character_agency_goes_the_whole_way(tmp_path):
    work = tmp_path / "w"
    (work / "inbox").mkdir(parents=True)
    figures_doc(work / "inbox" / "来文.json", LONG, 2024)
    rows, failures = run(work, 2025, workers=1, pdf=False)
    assert failures == [] and status(rows) == {LONG: DRAFTED}
    [draft] = (work / "figures").rglob("2025.yaml")
    assert len(draft.parent.name.encode("utf-8")) <= 120 and LONG in draft.read_text("utf-8")
    fill(draft)
    rows, failures = run(work, 2025, workers=1, pdf=False)
    assert failures == [] and status(rows) == {LONG: GENERATED}, rows
    [docx] = (work / "reports").rglob("*.docx")
    assert len(docx.name.encode("utf-8")) <= 200
    store = Store(work / "archive")
    assert store.get(LONG, 2025).agency == LONG
    assert len({e.agency for e in store.entries()}) == 1  # both years in one folder
    assert any(p.name.endswith("_2025.html") for p in (work / "reviews").iterdir())
    snap = snapshot(work)
    run(work, 2025, workers=1, pdf=False)
    assert snapshot(work) == snap


def test_a_bad_figures_file_and_a_failed_generation_cost_their_agency_only(tmp_path, monkeypatch):
    work = make_work(tmp_path / "w")
    run(work, 2025, workers=1, pdf=False)
    for name in AGENCIES:
        fill(work / "figures" / name / "2025.yaml")
    (work / "figures" / AGENCIES[2] / "2025.yaml").write_text("requests: [不是表格", "utf-8")
    real = generate.generate_docx

    def flaky(fig, previous):
        if fig.report.agency == BAD:
            raise RuntimeError("generator bug")
        return real(fig, previous)

    monkeypatch.setattr(generate, "generate_docx", flaky)
    rows, _ = run(work, 2025, workers=1, pdf=False)
    assert status(rows) == {AGENCIES[0]: GENERATED, BAD: FAILED, AGENCIES[2]: FAILED}
    assert "程序内部错误" in notes(rows, BAD) and "2025.yaml" in notes(rows, AGENCIES[2])
    assert Store(work / "archive").get(AGENCIES[0], 2025) is not None


def test_a_full_disk_while_writing_one_agencys_files_is_that_agencys_row(tmp_path, monkeypatch):
    work = make_work(tmp_path / "w")
    real_write = os.write

    def full(fd, data):
        if BAD.encode("utf-8") in bytes(data):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    rows, failures = run(work, 2025, workers=1, pdf=False)
    # the index lists every registered agency (BAD as 未提交): its write is the run's one problem
    assert len(failures) == 1 and "index.html" in failures[0]
    monkeypatch.undo()
    assert status(rows) == {AGENCIES[0]: DRAFTED, BAD: FAILED, AGENCIES[2]: DRAFTED}
    assert "磁盘空间已满" in notes(rows, BAD) and "2025.yaml" in notes(rows, BAD)
    assert not [p for p in work.rglob("*.tmp") if p.is_file()]
    rows, _ = run(work, 2025, workers=1, pdf=False)  # space again: the next run finishes the work
    assert status(rows) == {AGENCIES[0]: WAITING, BAD: DRAFTED, AGENCIES[2]: WAITING}


def test_two_jobs_at_once_on_one_folder_end_as_one_job_would(tmp_path):
    def prepared(root: Path) -> Path:
        work = make_work(root)
        run(work, 2025, workers=1, pdf=False)
        fill(work / "figures" / AGENCIES[0] / "2025.yaml")
        fill(work / "figures" / AGENCIES[2] / "2025.yaml")
        return work

    reference = prepared(tmp_path / "reference")
    done = january_cli(reference)
    work = prepared(tmp_path / "twice")
    procs = [subprocess.Popen([sys.executable, "-m", "gknb.cli", "january", "--work", str(work), "--year", "2025",
                               "--no-pdf", "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [done.returncode] * 2, outs
    assert all("Traceback" not in err for _, err in outs)
    assert snapshot(work) == snapshot(reference)
