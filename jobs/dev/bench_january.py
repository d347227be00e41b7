"""January-job and generation benchmarks (``make bench``): ratios measured in one run.

* The January job on 100, 1,000 and 5,000 synthetic agencies (``GKNB_BENCH_AGENCIES``): each has
  last year's report in the archive and this year's figures file in the inbox, so the job
  ingests, checks and writes one review per agency.  Time per agency should stay flat as the
  number of agencies grows; the sizes alternate round by round (``GKNB_BENCH_ROUNDS``, 3).
* Generation throughput: .docx per second from figures, and one LibreOffice call for a batch
  of PDFs against one call per file, alternating (``python -m gknb.jobs.dev.bench_january
  generation`` runs this part alone).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from gknb.archive.store import Store
from gknb.jobs.dev.bench_search import agency_name
from gknb.jobs.dev.timing import Timing, interleaved, machine, ratio
from gknb.jobs.january import run

from gknb.generator.basis import Figures
from gknb.generator.compose import generate_docx
from gknb.generator.pdf import to_pdf
from gknb.view import to_view

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.builders import consistent_report, successor  # noqa: E402  (synthetic consistent years)

YEAR = 2025
SIZES = tuple(int(x) for x in os.environ.get("GKNB_BENCH_AGENCIES", "100,1000,5000").split(","))
ROUNDS = int(os.environ.get("GKNB_BENCH_ROUNDS", "3"))


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


def _january_once(n: int, per_agency: Timing) -> None:
    """One January run over a fresh work folder of ``n`` agencies; its time per agency recorded."""
    with tempfile.TemporaryDirectory() as tmp:
        work = _work(Path(tmp), n)
        t = Timing()
        rows, failures = t.add(lambda: run(work, YEAR, pdf=False))  # type: ignore[misc]
        assert not failures and len(rows) == n, failures[:3]
        per_agency.wall.append(t.wall[0] / n)
        per_agency.cpu.append(t.cpu[0] / n)


def bench_january() -> None:
    print(f"一月作业（每个机关：上年报告已归档，本年数字文件在收件箱；入库、核对、审查报告；"
          f"各规模交替 {ROUNDS} 轮，中位数）：")
    per_agency = {n: Timing() for n in SIZES}
    for _ in range(ROUNDS):
        for n in SIZES:
            _january_once(n, per_agency[n])
    for n in SIZES:
        print(f"  {n:5d} 个机关：每个机关 {per_agency[n].ms()}")
    small, large = min(SIZES), max(SIZES)
    print(f"  每个机关耗时 {large} 个 / {small} 个 = {ratio(per_agency[large], per_agency[small])}（应保持在 1 左右）")


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
    print(f"一月作业与生成基准（{machine()}）")
    bench_generation()
    if "generation" not in sys.argv[1:]:
        bench_january()


if __name__ == "__main__":
    main()
