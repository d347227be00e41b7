"""A short, deterministic fuzz run of every reader (the long runs are ``make fuzz``).

A few hundred seeded random mutations per target (tests/fuzz, no atheris needed): each must
end in a report or the clean refusal, within the hang limit and without a memory blow-up.
A failure names the saved input (out/fuzz/crashes/<target>/) and the one-line replay.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fuzz.execute import execute, prepare
from tests.fuzz.runner import run_target
from tests.fuzz.targets import ALL, Target

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SEED = 20240115
# executions per target: fewer where one execution is slow (a PDF is parsed in ~0.1-0.3 s)
RUNS = {"pdf": 80, "any": 120, "figures-yaml": 150, "docx": 250, "html": 200, "markdown": 200,
        "figures-xlsx": 150}
DEFAULT_RUNS = 300


@pytest.mark.parametrize("name", ALL)
def test_fuzz_short(name, corpus):
    stats = run_target(name, RUNS.get(name, DEFAULT_RUNS), seed=SEED)
    assert stats.executions == RUNS.get(name, DEFAULT_RUNS)
    found = [f"{f.signature} ({f.count}x), e.g. {f.example}: {f.exc}" for f in stats.findings.values()
             if f.status in ("crash", "hang", "memory")]
    assert stats.crash == 0 and stats.hang == 0 and stats.memory == 0, "\n".join(found)


class _Timed(Target):
    """A target whose input says how it spends its time: computing, blocked, or briefly asleep."""

    def run(self, data: bytes):
        if data == b"spin":
            deadline = time.process_time() + 2.0
            while time.process_time() < deadline:
                pass
        else:
            time.sleep({b"block": 2.0, b"nap": 0.3}[data])


@pytest.fixture
def timed():
    old = signal.getsignal(signal.SIGALRM), signal.getsignal(signal.SIGPROF)
    prepare(0)
    yield _Timed("text", "text", tuple, "/fuzz/输入.txt", "")
    signal.signal(signal.SIGALRM, old[0])
    signal.signal(signal.SIGPROF, old[1])


def test_a_hang_is_cpu_time_and_a_blocked_reader_is_caught_by_the_clock(timed):
    # limit 0.5 s of CPU; 1.5 s on the clock (WALL_FACTOR 3); memory is not what is tested here
    spin, block, nap = (execute(timed, data, hang=0.5, memory_mib=float("inf")) for data in (b"spin", b"block", b"nap"))
    assert (spin.status, block.status) == ("hang", "hang"), (spin, block)
    assert nap.status == "ok" and nap.seconds < 0.2, nap  # asleep a little, computing nothing: not a hang


def _fuzz(out, *args):
    env = {**os.environ, "GKNB_FUZZ_OUT": str(out)}
    subprocess.run([sys.executable, "-m", "tests.fuzz", "--engine", "random", "--minimize", "0", "--jobs", "1",
                    *args, "decisions-xml"], env=env, check=True, capture_output=True, cwd=ROOT)
    (stats,) = json.loads((out / "summary.json").read_text("utf-8"))
    return stats


def test_a_long_run_over_several_sittings_counts_what_earlier_runs_did_on_the_same_code(tmp_path):
    assert _fuzz(tmp_path, "--runs", "30")["executions"] == 30
    resumed = _fuzz(tmp_path, "--runs", "50", "--resume")  # 20 more
    assert resumed["executions"] == 50 and "30 executions from earlier runs" in resumed["note"]
    assert _fuzz(tmp_path, "--runs", "10")["executions"] == 10  # without --resume: counted afresh
    (code,) = (tmp_path / "runs").iterdir()
    assert len(list((code / "decisions-xml").glob("*.json"))) == 3  # one process a sitting, all kept
