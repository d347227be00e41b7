"""January-job and generation benchmarks (``make bench``): ratios measured in one run.

* The January job's parent on 100, 1,000 and 10,000 synthetic agencies (``GKNB_BENCH_AGENCIES``):
  each has last year's report in the archive and this year's figures file in the inbox, so the
  job ingests, checks and writes one review per agency.  Every run is a fresh process over a
  work folder built beforehand by another, so that the parent's peak RSS
  (``getrusage(RUSAGE_SELF)``) and CPU time are the job's alone, its workers' not counted; the
  sizes alternate round by round (``GKNB_BENCH_ROUNDS``, 3 — the largest size runs once), and the
  medians are printed.  Targets: peak RSS ≤ 200 MB, and CPU per agency flat as the size grows.
* Generation throughput: .docx per second from figures, and one LibreOffice call for a batch
  of PDFs against one call per file, alternating (``python -m gknb.jobs.dev.bench_january
  generation`` runs this part alone).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gknb.archive.fs import synced_in_batches
from gknb.archive.store import Store
from gknb.jobs.dev.bench_search import agency_name
from gknb.jobs.dev.timing import Timing, interleaved, machine, ratio

from gknb.generator.basis import Figures
from gknb.generator.compose import generate_docx
from gknb.generator.pdf import to_pdf
from gknb.view import to_view

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.builders import consistent_report, successor  # noqa: E402  (synthetic consistent years)

YEAR = 2025
SIZES = tuple(int(x) for x in os.environ.get("GKNB_BENCH_AGENCIES", "100,1000,10000").split(","))
ROUNDS = int(os.environ.get("GKNB_BENCH_ROUNDS", "3"))
ONCE = 10_000  # sizes this large run in one round only (about ten minutes each here)


def _work(root: Path, n: int) -> Path:
    store = Store(root / "archive")
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    with synced_in_batches():
        _fill(store, inbox, n)
    return root


def _fill(store: Store, inbox: Path, n: int) -> None:
    for i in range(n):
        agency = agency_name(i)
        prev = consistent_report(i, agency=agency, year=YEAR - 1)
        store.put(prev)
        view = to_view(successor(prev, seed=i + 100_000))
        cur = successor(prev, seed=i + 100_000)
        view["sections"] = {k: {"heading": s.heading, "paragraphs": s.paragraphs} for k, s in cur.sections.items()}
        (inbox / f"{i:05d}.json").write_text(json.dumps(view, ensure_ascii=False, default=float), "utf-8")


def _job(work: Path, n: int) -> None:
    """In a fresh process: one January run; its parent's wall, CPU and peak RSS as JSON on stdout."""
    from gknb.jobs.january import run

    cpu0, wall0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    rows, failures = run(work, YEAR, pdf=False)
    wall, own = time.perf_counter() - wall0, resource.getrusage(resource.RUSAGE_SELF)
    assert not failures and len(rows) == n, failures[:3]
    print(json.dumps({"wall": wall, "cpu": own.ru_utime + own.ru_stime - cpu0.ru_utime - cpu0.ru_stime,
                      "rss_mb": own.ru_maxrss / 1024}))


class Parent(Timing):
    """A size's rounds: the parent's wall and CPU per agency, and its peak RSS."""

    def __init__(self) -> None:
        super().__init__()
        self.rss: list[float] = []


def _build(n: int, where: Path) -> Path:
    """A size's work folder, built once in a process of its own."""
    subprocess.run([sys.executable, "-m", "gknb.jobs.dev.bench_january", "build", str(where), str(n)], check=True)
    return where


def _january_once(pristine: Path, n: int, out: Parent, consume: bool, scratch: Path) -> None:
    """One run on a copy of the size's work folder (the job writes into it); the last run of a
    size uses the folder itself.  The folder run on is discarded (:func:`_discard`)."""
    work = pristine if consume else Path(shutil.copytree(pristine, scratch / f"run-{n}", symlinks=True))
    done = subprocess.run([sys.executable, "-m", "gknb.jobs.dev.bench_january", "job", str(work), str(n)],
                          check=True, capture_output=True, text=True)
    _discard(work, scratch)
    m = json.loads(done.stdout.strip().splitlines()[-1])
    out.wall.append(m["wall"] / n)
    out.cpu.append(m["cpu"] / n)
    out.rss.append(m["rss_mb"])


def _discard(folder: Path, scratch: Path) -> None:
    """Out of the way at once; deleted after the benchmark (on this machine's disk, mounted with
    ``discard``, deleting 10,000 agencies' files takes minutes: not what is measured)."""
    trash = scratch / "trash"
    trash.mkdir(exist_ok=True)
    folder.rename(trash / f"{len(list(trash.iterdir()))}")


def bench_january() -> None:
    print(f"一月作业的主进程（每个机关：上年报告已归档，本年数字文件在收件箱；入库、核对、审查报告；"
          f"各规模交替 {ROUNDS} 轮（≥ {ONCE} 个机关只跑 1 轮），每轮用同一份预先生成的工作文件夹的副本，中位数；"
          f"不含工作进程）：")
    parent = {n: Parent() for n in SIZES}
    rounds = {n: 1 if n >= ONCE else ROUNDS for n in SIZES}
    scratch = Path(tempfile.mkdtemp(prefix="gknb-bench-january-"))
    try:
        pristine = {n: _build(n, scratch / f"size-{n}") for n in SIZES}
        for r in range(ROUNDS):
            for n in SIZES:
                if r < rounds[n]:
                    _january_once(pristine[n], n, parent[n], r == rounds[n] - 1, scratch)
    finally:  # deleted by a process of its own, which outlives this one
        subprocess.Popen(["nice", "-n", "19", "rm", "-rf", str(scratch)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for n in SIZES:
        p = parent[n]
        print(f"  {n:5d} 个机关：主进程峰值内存 {statistics.median(p.rss):7.1f} MB（目标 ≤ 200 MB）；"
              f"每个机关 {p.ms()}")
    small, large = min(SIZES), max(SIZES)
    print(f"  每个机关耗时 {large} 个 / {small} 个 = {ratio(parent[large], parent[small])}（目标 ≤ 1.2×）")


def bench_generation(n_docx: int = 40, n_pdf: int = 6) -> None:
    figures = [Figures(consistent_report(i, agency=agency_name(i), year=YEAR)) for i in range(n_docx)]
    t = interleaved({"docx": lambda: [generate_docx(f) for f in figures]}, rounds=ROUNDS)
    print(f"生成（{ROUNDS} 轮中位数）：墙钟 {n_docx / t['docx'].median_wall:.1f} 份 .docx/s，"
          f"CPU {n_docx / t['docx'].median_cpu:.1f} 份/s")
    docs = [generate_docx(f) for f in figures[:n_pdf]]
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, (data, _) in enumerate(docs):
            p = Path(tmp) / f"{i}.docx"
            p.write_bytes(data)
            paths.append(p)

        def single() -> None:
            for p in paths:
                to_pdf([p], Path(tmp) / "single")

        t = interleaved({"batch": lambda: to_pdf(paths, Path(tmp) / "batch"), "single": single}, rounds=ROUNDS)
    print(f"PDF（一次转换与逐份转换交替 {ROUNDS} 轮，中位数，CPU 含 LibreOffice）：一次转换 {n_pdf} 份 {t['batch'].s()}，"
          f"逐份转换 {t['single'].s()}，逐份 / 一次 = {ratio(t['single'], t['batch'])}")


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["build"]:
        _work(Path(args[1]), int(args[2]))
        return
    if args[:1] == ["job"]:
        _job(Path(args[1]), int(args[2]))
        return
    print(f"一月作业与生成基准（{machine()}）")
    if "january" not in args:
        bench_generation()
    if "generation" not in args:
        bench_january()


if __name__ == "__main__":
    main()
