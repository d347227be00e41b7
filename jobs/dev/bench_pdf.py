"""PDF reading benchmark: gknb's parse on pdfium and on pdfplumber against ``pdftotext -layout``.

Every corpus PDF is parsed by the three, in interleaved rounds (the order rotates each round,
so drift on a shared machine spreads over all three); CPU and wall time are the medians of
the rounds, and every ratio is computed from the same run.  gknb parses in-process with its
imports done (a report inside a batch); ``pdftotext`` is a process of its own (its CPU time
is the child's), start-up included — what a caller of poppler pays.  Target (issue 13): a
report parsed on pdfium in ≤ 3× ``pdftotext -layout``.

``python -m gknb.jobs.dev.bench_pdf [--rounds N]``
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from gknb.parsers import PdfSettings, ReadSettings, parse

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"  # beside the checkout, as for the tests
TARGET = 3.0
PDFTOTEXT = "pdftotext"


def _in_process(fn: Callable[[], object]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def _child(cmd: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def measure(pdfs: list[Path], rounds: int) -> dict[tuple[str, str], tuple[float, float]]:
    """(file name, method) -> (median CPU, median wall) seconds."""
    settings = {"pdfium": ReadSettings(pdf=PdfSettings("pdfium")),
                "pdfplumber": ReadSettings(pdf=PdfSettings("pdfplumber"))}
    methods: dict[str, Callable[[Path], tuple[float, float]]] = {
        "pdfium": lambda p: _in_process(lambda: parse(p, settings["pdfium"])),
        "pdfplumber": lambda p: _in_process(lambda: parse(p, settings["pdfplumber"])),
        "pdftotext": lambda p: _child([PDFTOTEXT, "-layout", str(p), os.devnull]),
    }
    names = list(methods)
    for p in pdfs:  # warm caches (imports, fonts, the label memo) outside the timed rounds
        for name in names:
            methods[name](p)
    samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for p in pdfs:
            for name in order:
                samples.setdefault((p.name, name), []).append(methods[name](p))
    return {k: (statistics.median(c for c, _ in v), statistics.median(w for _, w in v)) for k, v in samples.items()}


def report(pdfs: list[Path], times: dict[tuple[str, str], tuple[float, float]], rounds: int) -> float:
    """Print the table; returns the worst pdfium / pdftotext CPU ratio."""
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"PDF 解析（{rounds} 轮交替测量取中位数；CPU / 墙钟，ms；负载 {load}，{os.cpu_count()} 核）：")
    print(f"  {'文件':34} {'gknb·pdfium':>15} {'gknb·pdfplumber':>17} {'pdftotext':>13}  "
          f"{'pdfium/pdftotext':>17} {'pdfplumber/pdftotext':>21} {'pdfplumber/pdfium':>18}")
    worst = 0.0
    sums = {m: [0.0, 0.0] for m in ("pdfium", "pdfplumber", "pdftotext")}
    for p in pdfs:
        t = {m: times[(p.name, m)] for m in sums}
        for m in sums:
            sums[m][0] += t[m][0]
            sums[m][1] += t[m][1]
        worst = max(worst, t["pdfium"][0] / t["pdftotext"][0])
        print("  " + _row(p.name, {m: tuple(v) for m, v in t.items()}))
    print("  " + _row("合计", {m: (v[0], v[1]) for m, v in sums.items()}))
    print(f"  最差一份：gknb·pdfium / pdftotext -layout = {worst:.2f}×（CPU；目标 ≤ {TARGET:g}×）")
    return worst


def _row(name: str, t: dict) -> str:
    def ms(v):
        return f"{v[0] * 1000:6.1f}/{v[1] * 1000:6.1f}"

    def ratio(a, b):
        return f"{a[0] / b[0]:5.2f}×/{a[1] / b[1]:5.2f}×"
    return (f"{name[:34]:34} {ms(t['pdfium']):>15} {ms(t['pdfplumber']):>17} {ms(t['pdftotext']):>13}  "
            f"{ratio(t['pdfium'], t['pdftotext']):>17} {ratio(t['pdfplumber'], t['pdftotext']):>21} "
            f"{ratio(t['pdfplumber'], t['pdfium']):>18}")


def main(argv: list[str] | None = None) -> float | None:
    ap = argparse.ArgumentParser(prog="python -m gknb.jobs.dev.bench_pdf", description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    args = ap.parse_args(argv)
    if shutil.which(PDFTOTEXT) is None:
        print("PDF 解析：未找到 pdftotext（poppler-utils），跳过")
        return None
    pdfs = sorted((CORPUS / "pdf").glob("*.pdf"))
    if not pdfs:
        print(f"PDF 解析：{CORPUS / 'pdf'} 中没有PDF，跳过")
        return None
    return report(pdfs, measure(pdfs, args.rounds), args.rounds)


if __name__ == "__main__":
    main()
