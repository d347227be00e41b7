"""Benchmarks (``make bench``): ratios measured in one run, on the corpus documents.

* PDF parse time against pdfplumber's own extract_text + extract_tables over the same pages
  (target ≤ 1.5×): what our layout and understanding cost on top of reading the PDF at all.
* Ingest speed-up from 1 to 2 worker processes (target ≥ 1.7× on 2 cores).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pdfplumber
from gknb.archive.store import Store
from gknb.jobs.ingest import ingest
from gknb.parsers import parse

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _pdfplumber_baseline(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
            page.close()


def bench_pdf() -> float:
    pdfs = sorted((CORPUS / "pdf").glob("*.pdf"))
    ours = base = 0.0
    print("PDF 解析耗时（取3次最优）：")
    for path in pdfs:
        b = _best(lambda path=path: _pdfplumber_baseline(path))
        o = _best(lambda path=path: parse(path))
        base, ours = base + b, ours + o
        print(f"  {path.name:32} pdfplumber {b * 1000:7.0f} ms   gknb {o * 1000:7.0f} ms   {o / b:5.2f}×")
    ratio = ours / base
    print(f"  合计：gknb / pdfplumber(extract_text+extract_tables) = {ratio:.2f}×（目标 ≤ 1.5×）")
    return ratio


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
    bench_pdf()
    bench_ingest()


if __name__ == "__main__":
    main()
