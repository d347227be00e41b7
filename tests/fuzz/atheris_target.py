"""The coverage-guided engine: libFuzzer through atheris (``pip install -e '.[fuzz]'``).

    python -m tests.fuzz.atheris_target TARGET --runs N [--budget S] --stats FILE

The project's modules (gknb, with gknb.parsers and gknb.archive) are instrumented, the libraries are not (their
instrumentation would cost more speed than their coverage is worth here).  libFuzzer's own
mutations are mixed with the format-aware ones of :mod:`tests.fuzz.mutators` through a
custom mutator.  Each input runs through :func:`tests.fuzz.execute.execute`: findings are
saved and fuzzing goes on (libFuzzer would stop at the first).  libFuzzer's timeout is off
(it uses SIGALRM, which the execution limit needs); the driver in ``__main__`` watches this
process from outside and restarts it if it stalls or dies, replaying ``current.bin``.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import random
import sys
import time
from pathlib import Path


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="coverage-guided fuzzing of one target with atheris")
    p.add_argument("target")
    p.add_argument("--runs", type=int, default=100_000)
    p.add_argument("--budget", type=float, default=0.0, help="seconds (0: no limit)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--hang", type=float, default=None)
    p.add_argument("--memory-mib", type=float, default=None)
    p.add_argument("--mem-limit-mb", type=int, default=None)
    p.add_argument("--stats", type=Path, required=True)
    p.add_argument("--instrument", choices=["project", "all", "none"], default="project")
    a = p.parse_args(argv)

    import atheris

    if a.instrument == "project":
        with atheris.instrument_imports(include=["gknb"]):
            _import_project()
    elif a.instrument == "all":
        _import_project()
        atheris.instrument_all()
    else:
        _import_project()

    from . import mutators
    from .execute import HANG_SECONDS, MEM_LIMIT_MB, MEMORY_MIB, Stats, bounded, execute, prepare
    from .runner import write_stats
    from .seeds import OUT
    from .targets import TARGETS

    hang = a.hang or HANG_SECONDS
    memory_mib = a.memory_mib or MEMORY_MIB
    mem_limit_mb = a.mem_limit_mb if a.mem_limit_mb is not None else MEM_LIMIT_MB
    target = TARGETS[a.target]
    seeds = list(target.seeds())
    families = {}
    for s in seeds:
        fam = mutators.family_of(s) if target.family == "any" else target.family
        families.setdefault(fam, []).append(s)

    corpus = OUT / "corpus" / target.name
    corpus.mkdir(parents=True, exist_ok=True)
    for s in seeds:
        path = corpus / f"seed-{hashlib.sha1(s).hexdigest()}"
        if not path.exists():
            path.write_bytes(s)
    work = OUT / "work" / target.name
    work.mkdir(parents=True, exist_ok=True)
    current = os.open(work / "current.bin", os.O_RDWR | os.O_CREAT, 0o644)
    # "E" while an input executes, "M" otherwise: the driver tells a stalled reader from a stalled harness
    phase = os.open(work / "phase", os.O_RDWR | os.O_CREAT, 0o644)
    os.pwrite(phase, b"M", 0)

    logging.disable(logging.WARNING)  # pdfminer warns about every damaged object
    prepare(mem_limit_mb)
    stats = Stats(target.name, "atheris")
    started = time.monotonic()
    last = [started]

    def finish() -> None:
        stats.seconds = time.monotonic() - started
        stats.done = True
        write_stats(stats, a.stats)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    def test_one_input(data: bytes) -> None:
        os.pwrite(current, data, 0)
        os.ftruncate(current, len(data))
        os.pwrite(phase, b"E", 0)
        outcome = execute(target, data, hang, memory_mib)
        os.pwrite(phase, b"M", 0)
        stats.record(target, data, outcome)
        now = time.monotonic()
        if stats.executions >= a.runs or (a.budget and now - started >= a.budget):
            finish()
        if now - last[0] >= 1.0:
            stats.seconds = now - started
            write_stats(stats, a.stats)
            last[0] = now

    def custom_mutator(data: bytes, max_size: int, seed: int) -> bytes:
        rng = random.Random(seed)
        if rng.random() < 0.3:
            return atheris.Mutate(data, max_size)
        fam = mutators.family_of(data) if target.family == "any" else target.family
        try:
            return bounded(lambda: mutators.mutate(fam, data, rng, families.get(fam, seeds), stack=False)[:max_size],
                           2.0, lambda: atheris.Mutate(data, max_size))
        except Exception:  # noqa: BLE001 - the harness's own failure must not stop the fuzzer
            return atheris.Mutate(data, max_size)

    # twice the largest seed: room for long runs and duplicated rows, while keeping libFuzzer
    # from filling its corpus with ever longer inputs (each new length finds new counters)
    max_len = min(mutators.MAX_OUTPUT, max(64 * 1024, 2 * max(len(s) for s in seeds)))
    args = [sys.argv[0], str(corpus), f"-runs={a.runs + len(seeds) + 10}", "-timeout=0",
            f"-rss_limit_mb={max(mem_limit_mb, 2048)}", f"-max_len={max_len}", "-len_control=0", "-mutate_depth=2",
            f"-seed={a.seed}", "-print_final_stats=1", "-reload=0",
            f"-artifact_prefix={OUT / 'crashes' / target.name}/libfuzzer-"]
    if a.budget:
        args.append(f"-max_total_time={int(a.budget) + 60}")  # our own budget check ends it first
    (OUT / "crashes" / target.name).mkdir(parents=True, exist_ok=True)
    write_stats(stats, a.stats)
    atheris.Setup(args, test_one_input, custom_mutator=custom_mutator)
    atheris.Fuzz()
    finish()


def _import_project() -> None:
    """Every module a target reaches, imported (under instrumentation when asked)."""
    import importlib
    for name in ["parsers", "parsers.sniff", "parsers.pdf", "parsers.pdf_pdfium", "parsers.pdf_paint", "parsers.pdf_pages",
                 "parsers.pdf_unruled", "parsers.pdf_verify", "parsers.docx", "parsers.docx_package", "parsers.html",
                 "parsers.text", "parsers.figures", "parsers.understand", "parsers.tables", "parsers.stream",
                 "parsers.rowevents", "parsers.context", "parsers.headers", "parsers.rowmatch", "parsers.placing",
                 "parsers.readings", "parsers.vocab", "parsers.trace", "parsers.explain", "parsers.matchsettings",
                 "parsers.sections", "parsers.workbook", "parsers.wordform", "parsers.identity", "parsers.labels", "parsers.values", "parsers.rowmerge",
                 "parsers.splitting", "parsers.layout", "archive.xml", "template", "model", "view"]:
        name = "gknb." + name
        try:
            importlib.import_module(name)
        except ImportError:
            pass


if __name__ == "__main__":
    main()
