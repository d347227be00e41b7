"""Benchmarks (``make bench``): ratios measured in one run, on the corpus documents.

* PDF parse time on pdfium and on pdfplumber against ``pdftotext -layout`` (``bench_pdf``;
  target ≤ 3×): what reading a report costs next to the PDF engine underneath.
* Ingest speed-up from 1 to 2 worker processes (target ≥ 1.7× on 2 cores).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from gknb.archive.store import Store
from gknb.jobs.ingest import ingest

from . import bench_pdf

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"  # beside the checkout, as for the tests


def bench_ingest(copies: int = 4) -> float:
    docs = [p for kind in ("pdf", "docx", "html") for p in sorted((CORPUS / kind).iterdir())
            if not p.name.endswith(".json") and "模板" not in p.name]
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        for i in range(copies):
            for p in docs:
                shutil.copy(p, inbox / f"{i}_{p.name}")
        n = len(list(inbox.iterdir()))
        timings = {}
        for workers in (1, 2):
            archive = Path(tmp) / f"archive{workers}"
            start = time.perf_counter()
            ingest(Store(archive), [inbox], workers=workers)
            timings[workers] = time.perf_counter() - start
        speedup = timings[1] / timings[2]
        print(f"入库 {n} 份文件：1个进程 {timings[1]:.2f} s，2个进程 {timings[2]:.2f} s，"
              f"加速比 {speedup:.2f}×（目标 ≥ 1.7×）")
        return speedup


def main() -> None:
    bench_pdf.main([])
    bench_ingest()


if __name__ == "__main__":
    main()
