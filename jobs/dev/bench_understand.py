"""Reading against understanding, per kind of document (``make bench``).

A parse is two steps: the kind's reader turns the file into a layout (paragraphs, grids, text
lines with their places), and ``understand`` finds the tables and sections in it and reads
every figure.  For every corpus document of each kind, both steps are timed in the same
rounds (read, then understand that round's layout; the documents alternate, so drift on a
shared machine falls on both alike); CPU and wall time are the medians of the rounds, summed
over the kind's documents, and the ratio understand / read is computed from the same run.
The label cache is warm after the first round, as it is inside a batch.

``python -m gknb.jobs.dev.bench_understand [--rounds N]``
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from functools import partial
from pathlib import Path

from gknb.jobs.dev.timing import Timing, machine
from gknb.parsers import Source, read_bytes
from gknb.parsers.docx import read_docx
from gknb.parsers.html import read_html
from gknb.parsers.pdf import read_pdf
from gknb.parsers.text import read_text
from gknb.parsers.understand import understand

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"  # beside the checkout, as for the tests
KINDS: dict[str, tuple[str, Callable]] = {  # folder: (suffix, reader)
    "docx": (".docx", read_docx), "html": (".html", read_html), "md": (".md", read_text),
    "txt": (".txt", read_text), "pdf": (".pdf", read_pdf)}


def _documents(folder: str, suffix: str) -> list[Path]:
    return sorted(p for p in (CORPUS / folder).glob(f"*{suffix}") if "模板" not in p.name)


def _median_sum(timings: list[Timing], attr: str) -> float:
    return sum(statistics.median(getattr(t, attr)) for t in timings)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m gknb.jobs.dev.bench_understand")
    p.add_argument("--rounds", type=int, default=5)
    a = p.parse_args(argv)
    docs = {k: [(path, Source(str(path), read_bytes(path))) for path in _documents(k, suffix)]
            for k, (suffix, _) in KINDS.items()}
    reads = {k: [Timing() for _ in v] for k, v in docs.items()}
    understands = {k: [Timing() for _ in v] for k, v in docs.items()}
    for _ in range(a.rounds):
        for kind, (_, reader) in KINDS.items():
            for i, (path, source) in enumerate(docs[kind]):
                layout = reads[kind][i].add(partial(reader, source))
                understands[kind][i].add(partial(understand, layout, str(path)))
    print(f"读取与理解（每类的全部语料文件，{a.rounds} 轮交替，每份取中位数，按份平均；{machine()}）：")
    print("  类型  份数    读取 CPU / 墙钟 ms      理解 CPU / 墙钟 ms    理解 / 读取（CPU，墙钟）")
    for kind in KINDS:
        if not docs[kind]:
            continue
        rc, rw = _median_sum(reads[kind], "cpu"), _median_sum(reads[kind], "wall")
        uc, uw = _median_sum(understands[kind], "cpu"), _median_sum(understands[kind], "wall")
        n = len(docs[kind])
        print(f"  {kind:<6}{n:>4}   {rc * 1000 / n:8.1f} / {rw * 1000 / n:8.1f}     "
              f"{uc * 1000 / n:8.1f} / {uw * 1000 / n:8.1f}     {uc / rc:6.2f}×，{uw / rw:6.2f}×")


if __name__ == "__main__":
    main()
