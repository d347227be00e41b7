"""The seeded random-mutation engine: no atheris needed, reproducible for a given seed.

The parent makes the inputs (seeds first, unmutated, then stacked format-aware mutations of
seeds and of mutants that parsed) and a forked worker runs them.  The worker has the
in-process alarm; the parent is the watchdog for what the alarm cannot stop (code stuck in
C, a process killed by the kernel): it waits a little longer, kills the worker, records the
input as a hang or a crash and forks a new one.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import logging
import multiprocessing
import os
import pickle
import random
import signal
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from . import mutators
from .execute import (
    HANG_SECONDS,
    MEM_LIMIT_MB,
    MEMORY_MIB,
    WALL_FACTOR,
    Outcome,
    Stats,
    bounded,
    execute,
    prepare,
    project_frame,
    signature,
)
from .targets import TARGETS, Target

GRACE = 20.0  # seconds past the hang limit before the watchdog kills a worker
POOL = 64  # mutants that parsed, kept to mutate further
MUTATION_SECONDS = 5.0  # a mutation taking longer is abandoned for a bit flip


def _serve(conn, name: str, hang: float, memory_mib: float, mem_limit_mb: int, dump_path: str) -> None:
    """The worker: run every input it is sent, answer with its outcome."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    logging.disable(logging.WARNING)  # pdfminer logs every damaged object it meets
    prepare(mem_limit_mb)
    target = TARGETS[name]
    dump = open(dump_path, "w")
    faulthandler.enable(file=dump)  # a fatal signal (a crash in C) leaves the stack for the parent
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        # if even the parent's kill comes first, this shows where the worker was stuck
        faulthandler.dump_traceback_later(hang * WALL_FACTOR + GRACE / 2, exit=False, file=dump)
        try:
            outcome = execute(target, data, hang, memory_mib)
        finally:
            faulthandler.cancel_dump_traceback_later()
        conn.send_bytes(pickle.dumps(outcome))


class Worker:
    """A forked process that runs one target's executions, replaced when it dies or hangs."""

    def __init__(self, name: str, hang: float = HANG_SECONDS, memory_mib: float = MEMORY_MIB,
                 mem_limit_mb: int = MEM_LIMIT_MB):
        self.name, self.hang, self.memory_mib, self.mem_limit_mb = name, hang, memory_mib, mem_limit_mb
        self.proc = None
        self.conn = None
        fd, self.dump_path = tempfile.mkstemp(prefix="gknb-fuzz-", suffix=".stack")
        os.close(fd)
        self.starts = 0

    def _start(self) -> None:
        self.starts += 1
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        open(self.dump_path, "w").close()
        self.proc = ctx.Process(target=_serve, args=(child, self.name, self.hang, self.memory_mib,
                                                     self.mem_limit_mb, self.dump_path), daemon=True)
        self.proc.start()
        child.close()

    def execute(self, data: bytes) -> Outcome:
        if self.proc is None or not self.proc.is_alive():
            self._start()
        started = time.monotonic()
        try:
            self.conn.send_bytes(data)
            if self.conn.poll(self.hang * WALL_FACTOR + GRACE):
                return pickle.loads(self.conn.recv_bytes())
        except (EOFError, OSError, BrokenPipeError):
            return self._died(time.monotonic() - started)
        return self._killed(time.monotonic() - started)

    def _stack(self) -> str:
        try:
            return Path(self.dump_path).read_text("utf-8", "replace")
        except OSError:
            return ""

    def _where(self, stack: str) -> str:
        """The innermost project frame of a faulthandler dump ("File "...", line N in f")."""
        import re
        import traceback
        frames = [traceback.FrameSummary(m.group(1), int(m.group(2)), m.group(3))
                  for m in re.finditer(r'File "([^"]+)", line (\d+) in (\S+)', stack)]
        frames.reverse()  # faulthandler prints the innermost frame first
        return project_frame(frames) if frames else "?"

    def _killed(self, seconds: float) -> Outcome:
        self.stop()
        stack = self._stack()
        out = Outcome("hang", seconds, 0.0, "Hang", f"no answer after {seconds:.0f} s: killed (stuck outside Python?)",
                      "faulthandler dump:\n" + stack if stack else "(no stack dumped)")
        out.signature = signature("hang", "Hang", self._where(stack))
        return out

    def _died(self, seconds: float) -> Outcome:
        code = None
        if self.proc is not None:
            self.proc.join(5)
            code = self.proc.exitcode
        self.stop()
        why = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
        stack = self._stack()
        out = Outcome("crash", seconds, 0.0, "WorkerDied", f"the fuzzing process died ({why})", stack)
        out.signature = signature("crash", f"WorkerDied({why})", self._where(stack))
        return out

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join(5)
        if self.conn is not None:
            self.conn.close()
        self.proc = self.conn = None

    def close(self) -> None:
        self.stop()
        try:
            os.unlink(self.dump_path)
        except OSError:
            pass


def run_target(name: str, runs: int, budget: float = 0.0, seed: int = 1, hang: float = HANG_SECONDS,
               memory_mib: float = MEMORY_MIB, mem_limit_mb: int = MEM_LIMIT_MB, stats_path: Path | None = None,
               progress: bool = False) -> Stats:
    """``runs`` executions of one target (or fewer if ``budget`` seconds run out first)."""
    target: Target = TARGETS[name]
    seeds = list(target.seeds())
    if not seeds:
        raise SystemExit(f"no seeds for {name}: is the corpus at {Path(__file__).resolve().parents[3] / 'shared'}?")
    families = [mutators.family_of(s) if target.family == "any" else target.family for s in seeds]
    by_family: dict[str, list[bytes]] = {}
    for s, fam in zip(seeds, families):
        by_family.setdefault(fam, []).append(s)
    rng = random.Random(f"{seed}:{name}")
    stats = Stats(name, "random")
    pool: list[tuple[bytes, str]] = []
    worker = Worker(name, hang, memory_mib, mem_limit_mb)
    started = last_write = time.monotonic()
    try:
        while stats.executions < runs and not (budget and time.monotonic() - started >= budget):
            i = stats.executions
            if i < len(seeds):
                data, fam = seeds[i], families[i]
            else:
                if pool and rng.random() < 0.25:
                    base, fam = rng.choice(pool)
                else:
                    k = rng.randrange(len(seeds))
                    base, fam = seeds[k], families[k]
                data = bounded(partial(mutators.mutate, fam, base, rng, by_family[fam]), MUTATION_SECONDS,
                               partial(mutators.flip_bit, base, rng))
            outcome = worker.execute(data)
            stats.record(target, data, outcome)
            if outcome.status == "ok" and i >= len(seeds):
                if len(pool) < POOL:
                    pool.append((data, fam))
                else:
                    pool[rng.randrange(POOL)] = (data, fam)
            now = time.monotonic()
            if stats_path is not None and now - last_write > 2:
                stats.seconds = now - started
                write_stats(stats, stats_path)
                last_write = now
            if progress and i and i % 1000 == 0:
                print(f"[{name}] {i} executions, {i / (now - started):.0f}/s, findings {len(stats.findings)}",
                      file=sys.stderr, flush=True)
    finally:
        worker.close()
    stats.seconds = time.monotonic() - started
    stats.done = True
    stats.note = f"worker restarts: {worker.starts - 1}" if worker.starts > 1 else ""
    if stats_path is not None:
        write_stats(stats, stats_path)
    return stats


def write_stats(stats: Stats, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(stats.to_json(), ensure_ascii=False), "utf-8")
    tmp.replace(path)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="random-mutation fuzzing of one target")
    p.add_argument("target", choices=list(TARGETS))
    p.add_argument("--runs", type=int, default=1000)
    p.add_argument("--budget", type=float, default=0.0, help="seconds (0: no limit)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--hang", type=float, default=HANG_SECONDS)
    p.add_argument("--memory-mib", type=float, default=MEMORY_MIB)
    p.add_argument("--mem-limit-mb", type=int, default=MEM_LIMIT_MB)
    p.add_argument("--stats", type=Path)
    a = p.parse_args(argv)
    run_target(a.target, a.runs, a.budget, a.seed, a.hang, a.memory_mib, a.mem_limit_mb, a.stats, progress=True)


if __name__ == "__main__":
    main()
