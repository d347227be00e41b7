"""Every regular expression that searches a document's text stays linear on long runs.

A pattern that may begin a match on a space (``(?:本机关)?\\s*(\\d{4})年度``) restarts at each
character of a run of spaces and rescans the run: quadratic, and 70,000 ideographic spaces in
a text report kept the parser busy for minutes (found by the long fuzz run).  The time limit
per document would refuse such a file; this test keeps it from ever needing to.  The patterns
are found, not listed: every module-level pattern of the project that its module calls with
``search``/``findall``/``finditer``/``sub``/``subn``/``split`` (``match`` and ``fullmatch``
start at one place only), and every pattern of the template's vocabulary.
"""

from __future__ import annotations

import ast
import importlib
import re
import signal
import time
from dataclasses import fields
from pathlib import Path

import pytest

from gknb import template as tpl

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (("gknb", "gknb"), ("parsers", "gknb.parsers"), ("archive", "gknb.archive"))
SEARCHING = {"search", "findall", "finditer", "sub", "subn", "split"}
RUN = 20_000  # characters of one kind: linear patterns take about a millisecond
LIMIT = 0.25  # CPU seconds; a quadratic pattern takes seconds at this length
PROBES = (" ", "\u3000", "\n", "\t", " \n", "1", "1 ", "20", "1.", "，", "、", "年", "一", "a", "|", "-", "_", ".", "：")


def _modules() -> list[tuple[str, Path]]:
    out = []
    for folder, package in PACKAGES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            parts = [p for p in path.relative_to(ROOT / folder).with_suffix("").parts if p != "__init__"]
            out.append((".".join([package, *parts]), path))
    return out


def _searched_names(path: Path) -> set[str]:
    """Module-level names the module calls a searching method on (``_X.search(...)``)."""
    tree = ast.parse(path.read_text("utf-8"))
    return {n.func.value.id for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in SEARCHING
            and isinstance(n.func.value, ast.Name)}


def _searching_patterns() -> dict[str, re.Pattern]:
    found: dict[str, re.Pattern] = {}
    for name, path in _modules():
        names = _searched_names(path)
        if not names:
            continue
        module = importlib.import_module(name)
        for attr in sorted(names):
            value = getattr(module, attr, None)
            if isinstance(value, re.Pattern):
                found[f"{name}.{attr}"] = value
    cues = tpl.load().vocabulary.problems
    for f in fields(cues):
        found[f"vocabulary.problems.{f.name}_pattern"] = re.compile(getattr(cues, f.name))
    found["vocabulary.agency_endings"] = re.compile(tpl.load().vocabulary.ending_pattern())
    return found


PATTERNS = _searching_patterns()


class _Slow(BaseException):
    pass


def _cpu_seconds(pattern: re.Pattern, text) -> float:
    """CPU time of one search over ``text`` (cut off at 4 × LIMIT)."""
    def stop(signum, frame):
        raise _Slow()

    old = signal.signal(signal.SIGPROF, stop)
    start = time.process_time()
    signal.setitimer(signal.ITIMER_PROF, 4 * LIMIT)
    try:
        pattern.search(text)
        pattern.findall(text)
    except _Slow:
        pass
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)
    return time.process_time() - start


def test_the_scan_finds_the_patterns_it_must_cover():
    """The AST scan is not vacuous: it finds patterns known to search whole texts."""
    assert len(PATTERNS) >= 40
    assert "gknb.parsers.identity._REPORTED" in PATTERNS
    assert "gknb.problems._RECTIFICATION" in PATTERNS
    assert "gknb.parsers.identity._LEADING_YEAR" not in PATTERNS  # used with match only


def test_the_probe_catches_a_quadratic_pattern():
    """What the fuzzer found, as it was: the probe must call it slow."""
    old = re.compile(r"(?:本机关|本单位|我局)?\s*((?:19|20)\d{2})\s*年度")
    assert _cpu_seconds(old, "\u3000" * RUN) > LIMIT


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_a_searching_pattern_is_linear_on_long_runs(name):
    pattern = PATTERNS[name]
    slow = []
    for probe in PROBES:
        text = (probe * (RUN // len(probe)))
        if isinstance(pattern.pattern, bytes):
            text = text.encode("utf-8")
        seconds = _cpu_seconds(pattern, text)
        if seconds > LIMIT:
            slow.append(f"{probe!r}: {seconds:.2f} s")
    assert not slow, f"{name} ({pattern.pattern[:80]}) rescans long runs: {slow}"
