"""Honest timings for the benchmarks: interleaved rounds, CPU and wall time, medians.

Cases compared with each other run A, B, A, B … (never all of A, then all of B), so that a
machine getting busier or quieter during the run shifts both alike instead of reading as a
speed-up.  CPU time counts this process and the worker processes it has waited for (a
process pool shut down inside the timed call), so a parallel case shows what it really
costs as well as how long it takes.
"""

from __future__ import annotations

import math
import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Timing:
    """Every round's wall and CPU seconds of one case."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, fn: Callable[[], object]) -> object:
        cpu, wall = _cpu(), time.perf_counter()
        value = fn()
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(_cpu() - cpu)
        return value

    @property
    def median_wall(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    def ms(self) -> str:
        return f"墙钟 {self.median_wall * 1000:8.1f} ms  CPU {self.median_cpu * 1000:8.1f} ms"

    def s(self) -> str:
        return f"墙钟 {self.median_wall:7.2f} s  CPU {self.median_cpu:7.2f} s"


def interleaved(cases: dict[str, Callable[[], object]], rounds: int = 3) -> dict[str, Timing]:
    """Run every case once per round, in turn, for ``rounds`` rounds; their timings by name."""
    out = {name: Timing() for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            out[name].add(fn)
    return out


def ratio(a: Timing, b: Timing) -> str:
    """a / b, by wall and by CPU time (medians)."""
    return (f"墙钟 {a.median_wall / b.median_wall:.2f}×，CPU {a.median_cpu / b.median_cpu:.2f}×"
            if b.median_wall and b.median_cpu else "—")


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank): p50 is the median query, p95 the slow tail."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def machine() -> str:
    """The machine's load when a figure was taken: benchmarks on a shared machine say so."""
    one, five, fifteen = os.getloadavg()
    return f"负载 {one:.2f} / {five:.2f} / {fifteen:.2f}（1/5/15 分钟），{os.cpu_count()} 核"
