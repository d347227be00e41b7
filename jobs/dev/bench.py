"""Benchmarks (``make bench``): every ratio measured in one run, cases interleaved, on the corpus documents.

* PDF parse time on pdfium and on pdfplumber against ``pdftotext -layout`` (``bench_pdf``;
  target ≤ 3×): what reading a report costs next to the PDF engine underneath.
* Ingest with 1 and with 2 worker processes (target ≥ 1.7× on 2 cores), each round into an
  empty archive, the two alternating; CPU time includes the workers'.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from gknb.archive.store import Store
from gknb.jobs.dev.timing import interleaved, machine, ratio
from gknb.jobs.ingest import ingest

from . import bench_pdf

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"  # beside the checkout, as for the tests
ROUNDS = 3


def bench_ingest(copies: int = 4) -> None:
    docs = [p for kind in ("pdf", "docx", "html") for p in sorted((CORPUS / kind).iterdir())
            if not p.name.endswith(".json") and "模板" not in p.name]
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        for i in range(copies):
            for p in docs:
                shutil.copy(p, inbox / f"{i}_{p.name}")
        n = len(list(inbox.iterdir()))

        def run(workers: int) -> None:
            archive = Path(tmp) / f"archive{workers}"
            shutil.rmtree(archive, ignore_errors=True)
            ingest(Store(archive), [inbox], workers=workers)

        t = interleaved({"1": lambda: run(1), "2": lambda: run(2)}, rounds=ROUNDS)
        print(f"入库 {n} 份文件（1 个与 2 个进程交替 {ROUNDS} 轮，中位数）：1个进程 {t['1'].s()}；"
              f"2个进程 {t['2'].s()}；加速比（1个 / 2个）{ratio(t['1'], t['2'])}（目标墙钟 ≥ 1.7×）")


def main() -> None:
    print(f"基准（{machine()}）")
    bench_pdf.main([])
    bench_ingest()


if __name__ == "__main__":
    main()
