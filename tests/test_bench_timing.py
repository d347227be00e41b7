"""The benchmarks' timing helper: cases alternate round by round, percentiles by nearest rank."""

from __future__ import annotations

from gknb.jobs.dev.timing import Timing, interleaved, percentile, ratio


def test_cases_alternate_round_by_round():
    calls: list[str] = []
    timings = interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, rounds=3)
    assert calls == ["a", "b", "a", "b", "a", "b"]
    assert all(len(t.wall) == len(t.cpu) == 3 for t in timings.values())


def test_percentiles_by_nearest_rank():
    values = [float(v) for v in range(100, 0, -1)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 100)) == (50.0, 95.0, 100.0)
    assert percentile([7.0], 95) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0


def test_medians_and_ratios_of_wall_and_cpu_time():
    slow, fast = Timing(wall=[4.0, 9.0, 5.0], cpu=[2.0, 2.0, 8.0]), Timing(wall=[2.0, 2.5, 1.0], cpu=[1.0, 1.0, 1.0])
    assert (slow.median_wall, slow.median_cpu) == (5.0, 2.0)
    assert ratio(slow, fast) == "墙钟 2.50×，CPU 2.00×"
    assert ratio(slow, Timing(wall=[0.0], cpu=[0.0])) == "—"
