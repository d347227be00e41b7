"""Benchmarks (``make bench``): every ratio measured in one run, cases interleaved, on the corpus documents.

* PDF parse time on pdfium and on pdfplumber against ``pdftotext -layout`` (``bench_pdf``;
  target ≤ 3×): what reading a report costs next to the PDF engine underneath.
* Ingest with 1 and with 2 local worker processes (target ≥ 1.7× on 2 cores) and on a
  two-worker dask LocalCluster (started once, before the rounds), each round into an empty
  archive, the three alternating; CPU time includes the local workers', not the cluster's.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from gknb.archive.store import Store
from gknb.jobs import executor as ex
from gknb.jobs.dev.timing import interleaved, machine, ratio
from gknb.jobs.ingest import ingest

from . import bench_pdf

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"  # beside the checkout, as for the tests
ROUNDS = 3


def bench_ingest(copies: int = 12) -> None:
    docs = [p for kind in ("pdf", "docx", "html") for p in sorted((CORPUS / kind).iterdir())
            if not p.name.endswith(".json") and "模板" not in p.name]
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        for i in range(copies):
            for p in docs:
                shutil.copy(p, inbox / f"{i}_{p.name}")
        n = len(list(inbox.iterdir()))

        def run(name: str, executor: ex.Executor) -> None:
            archive = Path(tmp) / f"archive-{name}"
            shutil.rmtree(archive, ignore_errors=True)
            ingest(Store(archive), [inbox], executor=executor)

        with ex.make(ex.DASK, workers=2) as cluster:
            t = interleaved({"1": lambda: run("1", ex.Local(1)), "2": lambda: run("2", ex.Local(2)),
                             "dask": lambda: run("dask", cluster)}, rounds=ROUNDS)
        print(f"入库 {n} 份文件（1 个进程、2 个进程、两个工作进程的 dask LocalCluster 交替 {ROUNDS} 轮，中位数）：")
        print(f"  1个进程 {t['1'].s()}；2个进程 {t['2'].s()}；LocalCluster {t['dask'].s()}（CPU 不含集群进程）")
        print(f"  加速比：1个 / 2个 {ratio(t['1'], t['2'])}（目标墙钟 ≥ 1.7×）；"
              f"1个 / LocalCluster 墙钟 {t['1'].median_wall / t['dask'].median_wall:.2f}×")


def main() -> None:
    print(f"基准（{machine()}）")
    bench_pdf.main([])
    bench_ingest()


if __name__ == "__main__":
    main()
