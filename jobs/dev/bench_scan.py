"""Benchmark of the scan reader (``make bench-scans``): recognition time per page.

A corpus PDF is scanned (rendered to page images in an image-only PDF) at 150, 200 and 300
dpi; each is parsed with pages one after the other on one thread, and with pages in parallel
(one single-threaded worker per core).  Rounds are interleaved (every case once per round),
CPU time (this process and its children) and wall time are measured, and the medians and
every ratio are printed from this one run.
"""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from gknb.parsers.scan import SETTINGS, read_scan

from tests.scans import Degradation, make_scan

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SOURCE = CORPUS / "pdf" / "淮安市洪泽区人民政府_2024.pdf"
ROUNDS = 3


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _run(path: Path, parallel: bool) -> tuple[float, float, int]:
    env = {"GKNB_OCR_SERIAL": None if parallel else "1", "GKNB_OCR_THREADS": None if parallel else "1"}
    saved = {k: os.environ.get(k) for k in env}
    for k, v in env.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    try:
        cpu, wall = _cpu(), time.perf_counter()
        layout = read_scan(path, settings=SETTINGS)
        return _cpu() - cpu, time.perf_counter() - wall, layout.pages or 1
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        scans = {dpi: make_scan(SOURCE, Path(tmp) / f"{dpi}.pdf", Degradation(dpi=dpi)) for dpi in (150, 200, 300)}
        cases = [(dpi, parallel) for dpi in scans for parallel in (False, True)]
        times: dict[tuple[int, bool], list[tuple[float, float]]] = {c: [] for c in cases}
        pages = 1
        _run(scans[150], False)  # warm: model load, imports
        for _ in range(ROUNDS):
            for dpi, parallel in cases:
                cpu, wall, pages = _run(scans[dpi], parallel)
                times[(dpi, parallel)].append((cpu / pages, wall / pages))
    print(f"扫描件识别（{SOURCE.name}，{pages}页，{ROUNDS}轮交替，中位数，每页）：")
    for dpi in scans:
        serial = [statistics.median(v) for v in zip(*times[(dpi, False)])]
        par = [statistics.median(v) for v in zip(*times[(dpi, True)])]
        print(f"  {dpi} dpi  逐页单线程：CPU {serial[0]:5.2f} s  墙钟 {serial[1]:5.2f} s   "
              f"并行（每核一个进程）：CPU {par[0]:5.2f} s  墙钟 {par[1]:5.2f} s   墙钟加速 {serial[1] / par[1]:4.2f}×")


if __name__ == "__main__":
    main()
