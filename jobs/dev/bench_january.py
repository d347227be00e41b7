"""January-job and generation benchmarks (``make bench``): ratios measured in one run.

* The January job on 100, 1,000 and 5,000 synthetic agencies: each has last year's report in
  the archive and this year's figures file in the inbox, so the job ingests, checks and writes
  one review per agency.  Time per agency should stay flat as the number of agencies grows.
* Generation throughput: .docx per second from figures, and PDFs per second through one
  LibreOffice call for a batch against one call per file.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from gknb.archive.store import Store
from gknb.jobs.dev.bench_search import agency_name
from gknb.jobs.january import run

from gknb.generator.basis import Figures
from gknb.generator.compose import generate_docx
from gknb.generator.pdf import to_pdf
from gknb.view import to_view

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.builders import consistent_report, successor  # noqa: E402  (synthetic consistent years)

YEAR = 2025
SIZES = tuple(int(x) for x in os.environ.get("GKNB_BENCH_AGENCIES", "100,1000,5000").split(","))


def _work(root: Path, n: int) -> Path:
    store = Store(root / "archive")
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    for i in range(n):
        agency = agency_name(i)
        prev = consistent_report(i, agency=agency, year=YEAR - 1)
        store.put(prev)
        view = to_view(successor(prev, seed=i + 100_000))
        cur = successor(prev, seed=i + 100_000)
        view["sections"] = {k: {"heading": s.heading, "paragraphs": s.paragraphs} for k, s in cur.sections.items()}
        (inbox / f"{i:05d}.json").write_text(json.dumps(view, ensure_ascii=False, default=float), "utf-8")
    return root


def bench_january() -> None:
    per_agency = {}
    print("一月作业（每个机关：上年报告已归档，本年数字文件在收件箱；入库、核对、审查报告）：")
    for n in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            work = _work(Path(tmp), n)
            start = time.perf_counter()
            rows, failures = run(work, YEAR, pdf=False)
            elapsed = time.perf_counter() - start
            assert not failures and len(rows) == n, failures[:3]
            per_agency[n] = elapsed / n
            print(f"  {n:5d} 个机关：{elapsed:7.1f} s，每个机关 {per_agency[n] * 1000:6.1f} ms")
    small, large = min(SIZES), max(SIZES)
    print(f"  每个机关耗时 {large} 个 / {small} 个 = {per_agency[large] / per_agency[small]:.2f}×（应保持在 1 左右）")


def bench_generation(n_docx: int = 40, n_pdf: int = 6) -> None:
    figures = [Figures(consistent_report(i, agency=agency_name(i), year=YEAR)) for i in range(n_docx)]
    start = time.perf_counter()
    docs = [generate_docx(f) for f in figures]
    docx_rate = n_docx / (time.perf_counter() - start)
    print(f"生成：{docx_rate:.1f} 份 .docx/s")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, (data, _) in enumerate(docs[:n_pdf]):
            p = Path(tmp) / f"{i}.docx"
            p.write_bytes(data)
            paths.append(p)
        start = time.perf_counter()
        to_pdf(paths, Path(tmp) / "batch")
        batch = time.perf_counter() - start
        start = time.perf_counter()
        for p in paths:
            to_pdf([p], Path(tmp) / "single")
        single = time.perf_counter() - start
    print(f"PDF：一次转换 {n_pdf} 份 {n_pdf / batch:.2f} 份/s，逐份转换 {n_pdf / single:.2f} 份/s，"
          f"批量快 {single / batch:.2f}×")


def main() -> None:
    bench_generation()
    bench_january()


if __name__ == "__main__":
    main()
