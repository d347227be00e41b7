"""One execution of a target: time-limited, its peak RSS measured, its outcome classified.

The limit is ``signal.setitimer`` raising :class:`Hang` (a BaseException, so no reader's
``except Exception`` swallows it).  A hang is measured in CPU time (``ITIMER_PROF``): the
machine is shared, and a reader starved of a core for a while is not hanging; a wall-clock
alarm at ``WALL_FACTOR`` times the limit still catches a reader blocked without computing.
``parsers.parse_source`` keeps an enclosing timer and turns it into its own DocumentError, so
an execution is a hang by its measured time, whatever it returned.  Code stuck in C never sees the signal: the engines kill such a process from
outside (see ``runner`` and ``__main__``).  Peak RSS is per execution: Linux resets the
high-water mark when "5" is written to ``/proc/self/clear_refs``.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import signal
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .seeds import OUT, ROOT, shown
from .targets import PY, Skipped, Target

HANG_SECONDS = 10.0  # an execution using more CPU time than this is a hang
WALL_FACTOR = 3.0  # ... and so is one that takes this many times as long on the clock
MEMORY_MIB = 1024  # an execution whose process peaks above this is a memory blow-up
MEM_LIMIT_MB = 4096  # address-space limit of a fuzzing process (the machine is shared)
SAVE_PER_SIGNATURE = 3  # inputs kept per distinct finding; the rest are only counted

# ok: a report; refused: the clean error; skipped: not run (legacy .doc).  The others are findings:
# crash (another exception escaped), hang (> HANG_SECONDS), memory (> MEMORY_MIB),
# masked ("any" only: an exception parse_source's catch-all turns into a generic message).
FINDINGS = ("crash", "hang", "memory", "masked")
PROJECT_DIRS = tuple(str(ROOT / d) + os.sep for d in ("parsers", "archive", "gknb", "jobs"))


class Hang(BaseException):
    """Raised by the alarm inside the execution."""


@dataclass
class Outcome:
    status: str
    seconds: float = 0.0
    peak_mib: float = 0.0
    exc_type: str = ""
    message: str = ""
    traceback: str = ""
    signature: str = ""


_alarm_stack: list[traceback.FrameSummary] = []


def _alarm(signum, frame):
    global _alarm_stack
    _alarm_stack = traceback.extract_stack(frame)  # where it hung, even if the reader rewraps the error
    raise Hang()


def prepare(mem_limit_mb: int = MEM_LIMIT_MB) -> None:
    """Once per fuzzing process: the alarm handler and an address-space ceiling."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.signal(signal.SIGPROF, _alarm)
    if mem_limit_mb:
        limit = mem_limit_mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit if hard == resource.RLIM_INFINITY else hard))


def _reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_mib() -> float:
    """The process's RSS high-water mark (since the last reset), in MiB."""
    try:
        with open("/proc/self/status") as f:
            m = re.search(r"VmHWM:\s+(\d+)", f.read())
        if m:
            return int(m.group(1)) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def project_frame(frames) -> str:
    """The innermost frame in the project's code (else the innermost frame), as path:line:function."""
    frames = list(frames)
    pick = next((f for f in reversed(frames) if f.filename.startswith(PROJECT_DIRS)), None)
    if pick is None:
        pick = next((f for f in reversed(frames) if "/tests/fuzz/" not in f.filename), frames[-1] if frames else None)
    if pick is None:
        return "?"
    name = pick.filename
    if name.startswith(str(ROOT) + os.sep):
        name = name[len(str(ROOT)) + 1:]
    elif "site-packages/" in name:
        name = name.split("site-packages/", 1)[1]
    return f"{name}:{pick.lineno}:{pick.name}"


def signature(status: str, exc_type: str, where: str) -> str:
    return f"{status}: {exc_type} at {where}"


def execute(target: Target, data: bytes, hang: float = HANG_SECONDS, memory_mib: float = MEMORY_MIB) -> Outcome:
    """Run the target once on ``data``; never raises (but KeyboardInterrupt)."""
    global _alarm_stack
    _alarm_stack = []
    clean = target.clean()
    _reset_peak()
    started, started_cpu = time.monotonic(), time.process_time()
    status, exc = "ok", None
    signal.setitimer(signal.ITIMER_PROF, hang)
    signal.setitimer(signal.ITIMER_REAL, hang * WALL_FACTOR)
    try:
        target.run(data)
    except Hang as e:
        status, exc = "hang", e
    except Skipped:
        status = "skipped"
    except clean as e:
        status, exc = "refused", e
    except KeyboardInterrupt:
        _disarm()
        raise
    except BaseException as e:  # noqa: BLE001 - anything else escaping is what we are looking for
        status, exc = ("masked" if target.name == "any" and isinstance(e, Exception) else "crash"), e
    finally:
        _disarm()
    seconds = time.process_time() - started_cpu
    wall = time.monotonic() - started
    peak = peak_mib()
    if seconds > hang or wall > hang * WALL_FACTOR or status == "hang":
        status = "hang"
    elif peak > memory_mib:
        status = "memory"
    out = Outcome(status, seconds, peak)
    if status in FINDINGS:
        if exc is not None and status != "hang":
            frames = traceback.extract_tb(exc.__traceback__)
            out.exc_type = type(exc).__name__
            out.message = str(exc)[:500]
            out.traceback = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-6000:]
        else:  # a hang: where the alarm found it (parse_source rewraps the error, dropping the traceback)
            frames = _alarm_stack
            out.exc_type = "Hang"
            out.message = f"{seconds:.1f} s CPU, {wall:.1f} s wall (limits {hang:g} s, {hang * WALL_FACTOR:g} s)"
            out.traceback = ("Stack when the time limit fired:\n" + "".join(traceback.format_list(frames))
                             if frames else "(the alarm did not fire inside the target)")[-6000:]
        if status == "memory" and exc is None:
            out.exc_type = "Memory"
            out.message = f"peak RSS {peak:.0f} MiB (limit {memory_mib:g} MiB)"
            frames, out.traceback = _where_memory_goes(target, data, hang, memory_mib)
        out.signature = signature(status, out.exc_type, project_frame(frames) if frames else "?")
    return out


def _disarm() -> None:
    signal.setitimer(signal.ITIMER_PROF, 0)
    signal.setitimer(signal.ITIMER_REAL, 0)


def _vm_size() -> int:
    with open("/proc/self/status") as f:
        return int(re.search(r"VmSize:\s+(\d+)", f.read()).group(1)) * 1024


def _where_memory_goes(target: Target, data: bytes, hang: float, memory_mib: float):
    """Run a blow-up again under a soft address-space limit: the MemoryError's traceback shows
    the allocation that crossed it (the hard limit is untouched, so the soft one goes back)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (_vm_size() + int(memory_mib * 1024 * 1024), hard))
    except (OSError, ValueError):
        return [], "(no traceback: a blow-up without an exception)"
    signal.setitimer(signal.ITIMER_REAL, hang)
    try:
        target.run(data)
    except MemoryError as e:
        return traceback.extract_tb(e.__traceback__), "Re-run under a lower memory limit:\n" + "".join(
            traceback.format_exception(type(e), e, e.__traceback__))[-6000:]
    except BaseException:  # noqa: BLE001 - the re-run only looks for the allocation site
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    return [], "(no traceback: the re-run under a lower limit raised no MemoryError)"


class _StepTimeout(BaseException):
    """A harness step (a mutation) that took too long."""


def bounded(step, seconds: float, fallback):
    """``step()`` under its own alarm, else ``fallback()``: a slow mutation is the harness's
    problem and must never pass for a hang of the reader."""
    def _raise(signum, frame):
        raise _StepTimeout()

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return step()
    except _StepTimeout:
        return fallback()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# --------------------------------------------------------------------------- findings on disk

def crash_dir(target: str) -> Path:
    return OUT / "crashes" / target


def save_finding(target: Target, data: bytes, outcome: Outcome, note: str = "") -> Path:
    """``out/fuzz/crashes/<target>/<sha1>.bin`` with the traceback and a replay command beside it."""
    d = crash_dir(target.name)
    d.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha1(data).hexdigest()
    path = d / f"{sha}.bin"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    rel = shown(path)
    text = (f"target: {target.name}\nstatus: {outcome.status}\nsignature: {outcome.signature}\n"
            f"exception: {outcome.exc_type}: {outcome.message}\nseconds: {outcome.seconds:.3f}\n"
            f"peak_mib: {outcome.peak_mib:.1f}\nsize: {len(data)}\n"
            f"replay (harness): {PY} -m tests.fuzz repro {target.name} {rel}\n"
            f"replay (one line): {target.repro.format(path=rel)}\n"
            + (f"note: {note}\n" if note else "") + "\n" + outcome.traceback)
    path.with_suffix(".txt").write_text(text, "utf-8")
    return path


@dataclass
class Finding:
    status: str
    signature: str
    count: int = 0
    example: str = ""
    exc: str = ""
    traceback: str = ""
    seconds: float = 0.0
    peak_mib: float = 0.0
    saved: int = 0


@dataclass
class Stats:
    """What one target's run counts; the table is printed from these."""

    target: str
    engine: str
    executions: int = 0
    ok: int = 0
    refused: int = 0
    skipped: int = 0
    crash: int = 0
    hang: int = 0
    memory: int = 0
    masked: int = 0
    peak_mib: float = 0.0
    seconds: float = 0.0
    slowest: float = 0.0
    findings: dict[str, Finding] = field(default_factory=dict)
    done: bool = False
    note: str = ""

    def record(self, target: Target, data: bytes, outcome: Outcome) -> None:
        self.executions += 1
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        self.peak_mib = max(self.peak_mib, outcome.peak_mib)
        self.slowest = max(self.slowest, outcome.seconds)
        if outcome.status not in FINDINGS:
            return
        f = self.findings.get(outcome.signature)
        if f is None:
            f = self.findings[outcome.signature] = Finding(outcome.status, outcome.signature,
                                                           exc=f"{outcome.exc_type}: {outcome.message}"[:300],
                                                           traceback=outcome.traceback, seconds=outcome.seconds,
                                                           peak_mib=outcome.peak_mib)
        f.count += 1
        if f.saved < SAVE_PER_SIGNATURE:
            path = save_finding(target, data, outcome)
            f.saved += 1
            if not f.example:
                f.example = str(shown(path))

    def to_json(self) -> dict:
        d = asdict(self)
        return d

    @classmethod
    def from_json(cls, d: dict) -> Stats:
        findings = {k: Finding(**v) for k, v in d.pop("findings", {}).items()}
        return cls(**d, findings=findings)

    def merge(self, other: Stats) -> None:
        """Add a restarted process's counts to this one."""
        for k in ("executions", "ok", "refused", "skipped", "crash", "hang", "memory", "masked", "seconds"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.peak_mib = max(self.peak_mib, other.peak_mib)
        self.slowest = max(self.slowest, other.slowest)
        for sig, f in other.findings.items():
            mine = self.findings.get(sig)
            if mine is None:
                self.findings[sig] = f
            else:
                mine.count += f.count
                mine.saved += f.saved
