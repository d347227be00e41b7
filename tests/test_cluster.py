"""Jobs on a dask.distributed cluster: the same archive and work folder, byte for byte, as the
local pool; a failing task costs its item only; a scheduler that cannot be reached is a Chinese
error (exit 2); the time limit holds in a worker's thread, where no alarm can reach a parse."""

from __future__ import annotations

import operator
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from gknb.archive.store import Store
from gknb.jobs import executor as ex
from gknb.jobs.ingest import ingest
from gknb.jobs.january import run
from gknb.jobs.reparse import reparse

from gknb.cli import main

from .builders import fill
from .conftest import CORPUS

DOCS = ("html/平潭综合实验区_2023.html", "html/平潭综合实验区_2024.html", "pdf/淮安市洪泽区人民政府_2023.pdf",
        "pdf/淮安市洪泽区人民政府_2024.pdf", "txt/泽州县应急管理局_2025.txt", "docx/平潭综合实验区_2021.docx")


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def inbox(root: Path) -> Path:
    (root / "inbox").mkdir(parents=True)
    for rel in DOCS:
        shutil.copy(CORPUS / rel, root / "inbox" / rel.split("/")[1])
    return root


@pytest.fixture(scope="module")
def cluster():
    with ex.make(ex.DASK, workers=2) as dask:
        assert dask.workers == 2
        yield dask


@pytest.mark.slow
def test_a_two_worker_cluster_archives_and_reparses_exactly_what_the_local_pool_does(tmp_path, cluster):
    docs = inbox(tmp_path / "in") / "inbox"
    local, dask = Store(tmp_path / "local"), Store(tmp_path / "dask")
    by_pool = ingest(local, [docs], executor=ex.Local(2))
    by_cluster = ingest(dask, [docs], executor=cluster)
    assert [(o.status, o.error, o.errors, o.warnings) for o in by_cluster] == \
        [(o.status, o.error, o.errors, o.warnings) for o in by_pool]
    assert {o.status for o in by_pool} == {"new"}
    assert files(dask.root) == files(local.root) and len(files(local.root)) == 2 * len(DOCS)
    assert [(i.status, i.changes) for i in reparse(dask, executor=cluster)] == \
        [(i.status, i.changes) for i in reparse(local, executor=ex.Local(2))]
    assert files(dask.root) == files(local.root)


@pytest.mark.slow
def test_the_january_job_on_a_cluster_writes_what_the_local_pool_writes(tmp_path, cluster):
    local, dask = inbox(tmp_path / "local"), inbox(tmp_path / "dask")
    for work, executor in ((local, ex.Local(2)), (dask, cluster)):
        run(work, 2025, pdf=False, executor=executor)  # drafts
        for draft in sorted((work / "figures").rglob("2025.yaml")):
            fill(draft)
        rows, failures = run(work, 2025, pdf=False, executor=executor)  # generated, archived, reviewed
        assert failures == [] and {r.status for r in rows} >= {"已生成报告"}
    assert files(dask) == files(local)
    assert len(list((dask / "reviews").glob("*_2025.html"))) == 3


@pytest.mark.slow
def test_a_task_that_fails_or_raises_costs_its_item_only(cluster):
    jobs = [("a", (6, 3)), ("b", (1, 0)), ("c", (8, 2))]
    for executor in (cluster, ex.Local(2), ex.Local(1)):
        got = list(executor.map(operator.truediv, jobs, lambda args, e: type(e).__name__))
        assert got == [2.0, "ZeroDivisionError", 4.0]


def _busy() -> None:
    while True:
        pass


def test_the_time_limit_holds_in_a_thread_where_no_alarm_reaches():
    caught: list[object] = []

    def task() -> None:
        try:
            ex.limited(_busy, (), 0.2, "来文.pdf")
        except ex.TaskTimeout as e:
            caught.append(e)
        caught.append(sum(i for i in range(300_000)))  # the worker's own code: no Timeout reaches it

    t = threading.Thread(target=task)
    t.start()
    t.join(30)
    assert not t.is_alive() and len(caught) == 2
    assert str(caught[0]) == "来文.pdf：" + ex.timeout_message(0.2) and caught[1] == 299_999 * 300_000 // 2
    assert ex.limited(operator.add, (1, 2), 0.2, "x") == 3  # a task done in time leaves no exception behind


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed Timeout
def test_a_task_that_ends_after_its_swallowed_timeout_is_a_timeout(monkeypatch):
    """Every Timeout the watchdog injects lands in a finalizer and is lost; the task then ends on
    its own, past its limit: it is a timeout, its result is not handed back."""
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: None)

    class Slow:
        def __del__(self):
            end = time.perf_counter() + 0.3  # past the 0.1 s limit: the injections land in here
            while time.perf_counter() < end:
                pass

    def task() -> int:
        Slow()
        return 1

    caught: list[object] = []

    def run() -> None:
        try:
            caught.append(ex.limited(task, (), 0.1, "来文.pdf"))
        except ex.TaskTimeout as e:
            caught.append(e)

    t = threading.Thread(target=run)
    t.start()
    t.join(30)
    assert len(caught) == 1 and isinstance(caught[0], ex.TaskTimeout), caught


def test_a_scheduler_that_cannot_be_reached_is_a_chinese_error(tmp_path, monkeypatch):
    monkeypatch.setattr(ex, "CONNECT_SECONDS", 1)
    (tmp_path / "a.txt").write_text("x", "utf-8")
    runner = CliRunner()
    for args in (["ingest", str(tmp_path / "a.txt"), "--archive", str(tmp_path / "ar")],
                 ["reparse", "--archive", str(tmp_path / "ar")],
                 ["january", "--work", str(tmp_path), "--year", "2025"]):
        res = runner.invoke(main, [*args, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"])
        assert res.exit_code == 2, res.output
        assert "无法连接 dask 调度器 tcp://127.0.0.1:9" in res.output and "Traceback" not in res.output
    res = runner.invoke(main, ["reparse", "--archive", str(tmp_path / "ar"), "--executor", "dask",
                               "--scheduler", "127.0.0.1"])
    assert res.exit_code == 2 and "格式不对" in res.output
    res = runner.invoke(main, ["reparse", "--archive", str(tmp_path / "ar"), "--scheduler", "tcp://127.0.0.1:9"])
    assert res.exit_code == 2 and "--executor dask" in res.output
    assert not (tmp_path / "ar").exists()
