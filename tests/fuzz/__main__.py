"""``python -m tests.fuzz``: fuzz the readers and print one table for all targets.

    python -m tests.fuzz [TARGET ...] [--engine atheris|random] [--runs N] [--budget S] [--jobs 2]
    python -m tests.fuzz repro TARGET FILE      # replay one saved input under the harness
    python -m tests.fuzz minimize TARGET FILE   # shrink an input while it keeps its finding

Each target runs in its own process (at most ``--jobs`` at a time: the machine is shared),
watched from here: a process that stops reporting for longer than the hang limit plus a grace
is killed, its current input recorded as a hang, and the target restarted for the runs left.

A long run may take several sittings: every process's counts are kept under
``out/fuzz/runs/<code>/<target>/`` (``<code>``: a digest of the sources of the project modules
the target loads, the data beside them and the harness), and ``--resume`` counts what earlier
runs did on the same code towards ``--runs``.  A change to that code starts the count again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .execute import (
    FINDINGS,
    HANG_SECONDS,
    MEM_LIMIT_MB,
    MEMORY_MIB,
    WALL_FACTOR,
    Outcome,
    Stats,
    crash_dir,
    signature,
)
from .seeds import OUT, ROOT, shown
from .targets import ALL, TARGETS

STALL_GRACE = 30.0  # beyond the hang limit, before a silent atheris process is killed
STARTUP = 600.0  # seconds a process may take before its first report (imports, seeds, libFuzzer's first pass)
MAX_RESTARTS = 50


def have_atheris() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def _read_stats(path: Path) -> Stats | None:
    try:
        return Stats.from_json(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return ""


CODE_DATA = ("gknb", "parsers", "archive")  # the template, schemas and other data the readers load
DATA_SUFFIXES = (".toml", ".xsd")
HARNESS = "tests/fuzz"


def loaded_sources(name: str) -> list[str]:
    """The project's source files a process loads to run ``name`` on every seed (run here, in a
    child process of the driver): what that target's executions actually exercise."""
    import contextlib
    import io

    from .targets import Skipped
    target = TARGETS[name]
    target.clean()
    for data in target.seeds():
        with contextlib.redirect_stderr(io.StringIO()):
            try:
                target.run(data)
            except (Exception, Skipped):  # noqa: BLE001 - only the modules it loads matter here
                pass
    root = str(ROOT) + os.sep
    files = {str(Path(m.__file__).resolve()) for m in list(sys.modules.values())
             if getattr(m, "__file__", None) and str(Path(m.__file__).resolve()).startswith(root)}
    return sorted(f[len(root):] for f in files if "/.venv/" not in f and "/tests/" not in f)


def code_digest(name: str) -> str:
    """What a long run's executions on ``name`` are counted against: the project modules that
    target loads, the data files beside them and the harness.  A change elsewhere (the
    command line, the generator, the comparer) leaves the count standing."""
    out = subprocess.run([sys.executable, "-m", "tests.fuzz", "loaded", name], cwd=ROOT, capture_output=True,
                         text=True, timeout=STARTUP)
    if out.returncode:
        raise SystemExit(f"cannot list the modules {name} loads:\n{out.stderr[-2000:]}")
    files = out.stdout.split()
    for d in CODE_DATA:
        files += [str(p.relative_to(ROOT)) for p in (ROOT / d).rglob("*")
                  if p.suffix in DATA_SUFFIXES and "__pycache__" not in p.parts]
    files += [str(p.relative_to(ROOT)) for p in (ROOT / HARNESS).glob("*.py")]
    h = hashlib.sha256()
    for rel in sorted(set(files)):
        h.update(rel.encode() + b"\0" + (ROOT / rel).read_bytes())
    return h.hexdigest()[:16]


def earlier_runs(folder: Path, engine: str) -> Stats:
    """The counts of every process an earlier run on this code left in ``folder``."""
    total = Stats(folder.name, engine)
    for path in sorted(folder.glob("*.json")):
        part = _read_stats(path)
        if part is not None:
            total.merge(part)
    return total


def run_one(name: str, a: argparse.Namespace, lock: threading.Lock) -> Stats:
    """One target to the end of its runs or budget, restarting its process when it dies or stalls."""
    logs = OUT / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    runs = OUT / "runs" / a.code[name] / name
    runs.mkdir(parents=True, exist_ok=True)
    total = earlier_runs(runs, a.engine) if a.resume else Stats(name, a.engine)
    before = total.executions
    earlier_seconds = total.seconds
    run_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    started = time.monotonic()
    attempt = 0
    harness_notes: list[str] = []
    while True:
        left_runs = a.runs - total.executions
        left_time = a.budget - (time.monotonic() - started) if a.budget else 0.0
        if left_runs <= 0 or (a.budget and left_time <= 1):
            break
        stats_path = runs / f"{run_id}-{attempt}.json"
        common = ["--runs", str(left_runs), "--budget", f"{left_time:.0f}", "--seed", str(a.seed + attempt),
                  "--hang", str(a.hang), "--memory-mib", str(a.memory_mib), "--mem-limit-mb", str(a.mem_limit_mb),
                  "--stats", str(stats_path)]
        module = "tests.fuzz.atheris_target" if a.engine == "atheris" else "tests.fuzz.runner"
        cmd = [sys.executable, "-m", module, name] + common
        log = logs / f"{name}.{a.engine}.log"
        with open(log, "a" if attempt else "w") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            stalled = _watch(proc, stats_path, a)
        part = _read_stats(stats_path) or Stats(name, a.engine)
        attempt += 1
        if not part.done:  # died or stalled: if inside an input, that input is the candidate finding
            _process_finding(name, a, part, stalled, proc.returncode, log, harness_notes)
        total.merge(part)
        if part.done or attempt > MAX_RESTARTS:
            break
    total.seconds = earlier_seconds + time.monotonic() - started
    total.done = True
    if attempt > 1:
        total.note = f"restarted {attempt - 1}x" + (f" ({'; '.join(harness_notes)})" if harness_notes else "")
    if before:
        total.note = "; ".join(x for x in (total.note, f"{before:,} executions from earlier runs on this code") if x)
    with lock:
        print(f"  {name}: {total.executions} executions in {total.seconds:.0f} s, "
              f"{sum(getattr(total, k) for k in FINDINGS)} findings", flush=True)
    return total


def _process_finding(name: str, a: argparse.Namespace, part: Stats, stalled: bool, code, log: Path,
                     notes: list[str]) -> None:
    """A process that stalled or died: replay its current input in a fresh worker to confirm.

    Outside an execution (phase "M": mutating, loading the corpus) it is the harness's trouble,
    not the reader's; an input that replays cleanly is noted, not counted."""
    why = "stalled" if stalled else f"died (exit {code})"
    phase = _phase(name) if a.engine == "atheris" else b"E"
    data = _current_input(name)
    if phase != b"E" or data is None:
        notes.append(f"process {why} outside an execution")
        return
    from .runner import Worker
    worker = Worker(name, a.hang, a.memory_mib, a.mem_limit_mb)
    try:
        replay = worker.execute(data)
    finally:
        worker.close()
    if replay.status in FINDINGS:
        part.record(TARGETS[name], data, replay)
        return
    if stalled:
        notes.append(f"process {why} on an input that replays cleanly ({replay.status} in {replay.seconds:.2f} s)")
        return
    outcome = Outcome("crash", 0.0, 0.0, f"ProcessDied({code})", f"fuzzing process {why}; replay: {replay.status}",
                      _log_tail(log))
    outcome.signature = signature("crash", f"ProcessDied({code})", "?")
    part.record(TARGETS[name], data, outcome)


def _phase(name: str) -> bytes:
    try:
        return (OUT / "work" / name / "phase").read_bytes()[:1]
    except OSError:
        return b""


def _watch(proc: subprocess.Popen, stats_path: Path, a: argparse.Namespace) -> bool:
    """Wait for the process; kill it (returning True) if its stats stop moving for too long."""
    begun = time.monotonic()
    while proc.poll() is None:
        time.sleep(1)
        try:
            age = time.time() - stats_path.stat().st_mtime
            limit = a.hang * WALL_FACTOR + STALL_GRACE + (0 if a.engine == "atheris" else 60)
            first = False
        except OSError:
            age, limit, first = time.monotonic() - begun, STARTUP, True
        if age > limit and not (first and a.engine == "random"):
            proc.kill()
            proc.wait()
            return True
    return False


def _current_input(name: str) -> bytes | None:
    try:
        return (OUT / "work" / name / "current.bin").read_bytes()
    except OSError:
        return None


# --------------------------------------------------------------------------- the table

def table(results: list[Stats]) -> str:
    head = ["target", "engine", "executions", "crashes", "hangs>10s", "memory", "masked", "peak MiB", "exec/s",
            "slowest s", "distinct"]
    rows = [head]
    for s in results:
        rate = s.executions / s.seconds if s.seconds else 0.0
        rows.append([s.target, s.engine, f"{s.executions:,}", str(s.crash), str(s.hang), str(s.memory), str(s.masked),
                     f"{s.peak_mib:.0f}", f"{rate:.1f}", f"{s.slowest:.2f}", str(len(s.findings))])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]

    def line(r: list[str]) -> str:
        return "  ".join(c.rjust(w) if i >= 2 else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(rows[0]), sep] + [line(r) for r in rows[1:]])


def findings_report(results: list[Stats], tracebacks: int = 20) -> str:
    out = []
    n = 0
    for s in results:
        for sig, f in sorted(s.findings.items(), key=lambda kv: -kv[1].count):
            n += 1
            out.append(f"[{n}] {s.target}: {sig}  ({f.count}x)\n    example: {f.example}\n    {f.exc}")
            if n <= tracebacks and f.traceback:
                tb = f.traceback.strip().splitlines()[-14:]
                out.append("    " + "\n    ".join(tb))
    return "\n".join(out) if out else "no findings"


# --------------------------------------------------------------------------- repro and minimize

def repro(name: str, path: Path, hang: float) -> Outcome:
    from .execute import execute, prepare
    prepare()
    return execute(TARGETS[name], path.read_bytes(), hang)


def _no_line(sig: str) -> str:
    return re.sub(r":\d+:", ":", sig)


def minimize(name: str, data: bytes, sig: str, budget: float, hang: float) -> bytes:
    """Delete chunks (lines first, then bytes) while the input keeps the same signature."""
    from .runner import Worker
    worker = Worker(name, hang)
    deadline = time.monotonic() + budget

    def same(candidate: bytes) -> bool:  # same kind, exception and function (lines move as the code is edited)
        return _no_line(worker.execute(candidate).signature) == _no_line(sig)

    try:
        if not same(data):
            return data
        for unit in (b"\n", None):
            parts = data.split(b"\n") if unit else [data[i:i + 1] for i in range(len(data))] if len(data) <= 4096 \
                else [data[i:i + 64] for i in range(0, len(data), 64)]
            joiner = b"\n" if unit else b""
            chunk = max(1, len(parts) // 2)
            while chunk >= 1 and time.monotonic() < deadline:
                i, changed = 0, False
                while i < len(parts) and time.monotonic() < deadline:
                    candidate = parts[:i] + parts[i + chunk:]
                    if candidate and same(joiner.join(candidate)):
                        parts, changed = candidate, True
                    else:
                        i += chunk
                if not changed:
                    chunk //= 2
            data = joiner.join(parts)
        return data
    finally:
        worker.close()


def minimize_findings(results: list[Stats], budget: float, hang: float) -> None:
    """Shrink one example per distinct finding; written beside it as ``<sha1>.min.bin``."""
    for s in results:
        for sig, f in s.findings.items():
            if not f.example or f.status == "hang" and f.seconds > 60:
                continue
            path = ROOT / f.example
            data = path.read_bytes()
            small = minimize(s.target, data, sig, budget, hang)
            if len(small) < len(data):
                out = path.with_suffix(".min.bin")
                out.write_bytes(small)
                f.example = f"{f.example}  (minimized: {shown(out)}, {len(small)} of {len(data)} bytes)"


# --------------------------------------------------------------------------- command line

def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "loaded":  # used by code_digest
        print("\n".join(loaded_sources(argv[1])))
        return 0
    if argv and argv[0] in ("repro", "minimize"):
        p = argparse.ArgumentParser(prog=f"python -m tests.fuzz {argv[0]}")
        p.add_argument("target", choices=ALL)
        p.add_argument("file", type=Path)
        p.add_argument("--hang", type=float, default=HANG_SECONDS)
        p.add_argument("--budget", type=float, default=120.0)
        a = p.parse_args(argv[1:])
        outcome = repro(a.target, a.file, a.hang)
        print(f"{outcome.status} in {outcome.seconds:.3f} s, peak {outcome.peak_mib:.0f} MiB")
        if outcome.signature:
            print(outcome.signature)
            print(outcome.traceback)
        if argv[0] == "minimize" and outcome.status in FINDINGS:
            small = minimize(a.target, a.file.read_bytes(), outcome.signature, a.budget, a.hang)
            out = a.file.with_suffix(".min.bin")
            out.write_bytes(small)
            print(f"minimized to {len(small)} bytes: {out}")
        return 1 if outcome.status in FINDINGS else 0

    p = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("targets", nargs="*", help=f"default: all ({', '.join(ALL)})")
    p.add_argument("--engine", choices=["auto", "atheris", "random"], default="auto")
    p.add_argument("--runs", type=int, default=100_000, help="executions per target")
    p.add_argument("--budget", type=float, default=0.0, help="seconds per target (0: no limit)")
    p.add_argument("--jobs", type=int, default=2, help="targets at a time (each is one busy process)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--hang", type=float, default=HANG_SECONDS)
    p.add_argument("--memory-mib", type=float, default=MEMORY_MIB, help="per-execution peak RSS that is a blow-up")
    p.add_argument("--mem-limit-mb", type=int, default=MEM_LIMIT_MB, help="address-space limit per process")
    p.add_argument("--minimize", type=float, default=60.0, help="seconds to shrink each distinct finding (0: off)")
    p.add_argument("--json", type=Path, default=OUT / "summary.json")
    p.add_argument("--resume", action="store_true",
                   help="count earlier runs on the same code towards --runs (a long run over several sittings)")
    a = p.parse_args(argv)
    names = a.targets or ALL
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        p.error(f"unknown target(s) {unknown}; choose from {ALL}")
    a.code = {n: code_digest(n) for n in names}
    if a.engine == "auto":
        a.engine = "atheris" if have_atheris() else "random"
    elif a.engine == "atheris" and not have_atheris():
        p.error("atheris is not installed: pip install -e '.[fuzz]' (or --engine random)")
    jobs = max(1, min(a.jobs, 2))
    budget = f", at most {a.budget:.0f} s each" if a.budget else ""
    print(f"fuzzing {len(names)} target(s) with {a.engine}: {a.runs:,} executions each{budget}, {jobs} at a time; "
          f"findings in {shown(crash_dir('<target>'))}; code "
          + ", ".join(f"{n} {c}" for n, c in a.code.items())
          + (" (resuming)" if a.resume else ""), flush=True)
    from . import seeds
    seeds.archive_xml()  # made once here, not by two processes at the same time
    lock = threading.Lock()
    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(lambda n: run_one(n, a, lock), names))
    if a.minimize:
        minimize_findings(results, a.minimize, a.hang)
    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=1), "utf-8")
    print()
    print(table(results))
    notes = [f"{r.target}: {r.note}" for r in results if r.note]
    if notes:
        print("notes: " + "; ".join(notes))
    print()
    print("Findings (deduplicated by kind, exception type and innermost project frame):")
    print(findings_report(results))
    return 1 if any(getattr(r, k) for r in results for k in FINDINGS if k != "masked") else 0


if __name__ == "__main__":
    sys.exit(main())
