"""``make bench``: every benchmark of issue 13 in one run, each part's wall time and the total.

The parts run one after the other, each in a process of its own (so that one part's imports,
caches and memory do not flatter or burden the next), and this process prints how long each
took and the whole (target: ≤ 10 minutes on this machine).  The scan reader's time per page
is a benchmark of its own (``make bench-scans``): at tens of seconds a page it would take
longer than all the rest together.
"""

from __future__ import annotations

import subprocess
import sys
import time

from gknb.jobs.dev.timing import machine

PARTS = ("bench", "bench_understand", "bench_search", "bench_january", "bench_startup")
TARGET_MINUTES = 10


def main() -> int:
    started = time.perf_counter()
    took = []
    for part in PARTS:
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", f"gknb.jobs.dev.{part}"])
        took.append((part, time.perf_counter() - t))
        if done.returncode:
            print(f"基准 {part} 失败（退出码 {done.returncode}）", file=sys.stderr)
            return done.returncode
    total = time.perf_counter() - started
    print("\n各部分用时（墙钟）：" + "，".join(f"{p} {s:.0f} s" for p, s in took))
    print(f"基准共用时 {total / 60:.1f} 分钟（目标 ≤ {TARGET_MINUTES} 分钟；{machine()}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
