"""Start-up of ``gknb check`` (``python -m gknb.jobs.dev.bench_startup``, part of ``make bench``).

Staff run ``gknb check`` like a linter, so what it costs before it reads the document matters.
Cases, interleaved, each a fresh process: ``python -c pass``; ``gknb --version`` (the command
group alone); ``gknb check`` on a corpus text report.  The check's own work is measured apart,
warm, in one process (the same check run again): what a cold check costs beyond it is its
start-up — interpreter, imports, the template loaded and compiled, patterns compiled.
Bytecode is compiled first, as an installed package has it (this machine's environment may
set PYTHONDONTWRITEBYTECODE, which would make every run compile the sources again).
"""

from __future__ import annotations

import compileall
import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

from gknb.jobs.dev.timing import Timing, interleaved, machine, ratio

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
REPORT = CORPUS / "txt" / "平潭综合实验区_2019.txt"
ROUNDS = 9
TARGET = 3.0  # issue 13: start-up within 3× python -c pass


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(argv: list[str]) -> None:
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(), check=False)


def _warm_check(rounds: int) -> Timing:
    """The check's own work: the same command again in a process that has run it once."""
    from gknb.cli import main

    def once() -> None:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            main(args=["check", str(REPORT)], standalone_mode=False)

    once()
    t = Timing()
    for _ in range(rounds):
        t.add(once)
    return t


def main() -> None:
    for d in ("gknb", "parsers", "archive", "jobs"):
        compileall.compile_dir(ROOT / d, quiet=1)
    py = sys.executable
    gknb = str(Path(py).with_name("gknb"))
    t = interleaved({
        "pass": lambda: _run([py, "-c", "pass"]),
        "version": lambda: _run([gknb, "--version"]),
        "check": lambda: _run([gknb, "check", str(REPORT)]),
    }, rounds=ROUNDS)
    warm = _warm_check(ROUNDS)
    start_wall = t["check"].median_wall - warm.median_wall
    start_cpu = t["check"].median_cpu - warm.median_cpu
    base = t["pass"]
    print(f"gknb check 启动（{machine()}；{ROUNDS} 轮交替，中位数；文本报告 {REPORT.name}）")
    print(f"  python -c pass        {base.ms()}")
    print(f"  gknb --version        {t['version'].ms()}   / pass：{ratio(t['version'], base)}")
    print(f"  gknb check（冷启动）  {t['check'].ms()}   / pass：{ratio(t['check'], base)}")
    print(f"  核对本身（同一进程再次运行） {warm.ms()}")
    print(f"  启动 = 冷启动 − 核对本身：墙钟 {start_wall * 1000:.1f} ms，CPU {start_cpu * 1000:.1f} ms；"
          f"/ pass：墙钟 {start_wall / base.median_wall:.2f}×，CPU {start_cpu / base.median_cpu:.2f}×"
          f"（目标 ≤ {TARGET:g}×）")


if __name__ == "__main__":
    main()
