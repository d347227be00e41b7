"""Benchmarks (``make bench``): every ratio measured in one run, cases interleaved, on the corpus documents.

* PDF parse time against pdfplumber's own extract_text + extract_tables over the same pages
  (target ≤ 1.5×): what our layout and understanding cost on top of reading the PDF at all.
* Ingest with 1 and with 2 worker processes (target ≥ 1.7× on 2 cores), each round into an
  empty archive, the two alternating; CPU time includes the workers'.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pdfplumber
from gknb.archive.store import Store
from gknb.jobs.dev.timing import interleaved, machine, ratio
from gknb.jobs.ingest import ingest
from gknb.parsers import parse

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"  # beside the repository
ROUNDS = 3


def _pdfplumber_baseline(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
            page.close()


def bench_pdf() -> None:
    pdfs = sorted((CORPUS / "pdf").glob("*.pdf"))
    print(f"PDF 解析（gknb 与 pdfplumber 交替 {ROUNDS} 轮，中位数）：")
    for path in pdfs:
        t = interleaved({"pdfplumber": lambda path=path: _pdfplumber_baseline(path),
                         "gknb": lambda path=path: parse(path)}, rounds=ROUNDS)
        print(f"  {path.name:32} pdfplumber {t['pdfplumber'].ms()}   gknb {t['gknb'].ms()}   "
              f"gknb / pdfplumber = {ratio(t['gknb'], t['pdfplumber'])}（目标 ≤ 1.5×）")


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
    bench_pdf()
    bench_ingest()


if __name__ == "__main__":
    main()
