"""A short, deterministic fuzz run of every reader (the long runs are ``make fuzz``).

A few hundred seeded random mutations per target (tests/fuzz, no atheris needed): each must
end in a report or the clean refusal, within the hang limit and without a memory blow-up.
A failure names the saved input (out/fuzz/crashes/<target>/) and the one-line replay.
"""

from __future__ import annotations

import pytest

from tests.fuzz.runner import run_target
from tests.fuzz.targets import ALL

pytestmark = [pytest.mark.slow]

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
