"""Build the variants, parse each in a worker process, and print what the parsers made of them.

``python -m tests.variants.run`` (``make variants``) runs the full suite; ``--sample`` the small
one the tests use.  Each variant is parsed in one of at most two worker processes with a time
limit: a hang or a dying worker costs that variant ("crashed: Timeout"), not the run.  A
``DocumentError`` is "refused", any other exception "crashed" with its type.  The tables count
expected cells exact / flagged / silent per class and per kind; the lists after them name the
first silent cells and crashes with the variant's path, for whoever fixes the parsers.  A PDF
is read by both engines (pdfium, the default, and pdfplumber): "readers≠" counts the variants
where they read a cell or a section differently, listed at the end.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
import traceback
from collections import defaultdict
from multiprocessing.connection import wait
from pathlib import Path

from . import build as B
from .sources import load_sources

OUT = Path(__file__).resolve().parents[2] / "out" / "variants"
TIMEOUT = 60.0
JOBS = 2


# ---------------------------------------------------------------- one variant, in a worker

def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/site-packages/" not in f.filename]
    f = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
    return f"{Path(f.filename).parent.name}/{Path(f.filename).name}:{f.lineno} {f.name}"


def evaluate(path: str, expected_path: str) -> dict:
    """Parse one variant and score it; never raises."""
    from gknb.parsers import DocumentError, parse

    from gknb.view import to_view
    from tests.scoring import score

    from .sources import load_expected
    start = time.monotonic()
    expected = load_expected(Path(expected_path))
    try:
        report = parse(path)
        view = to_view(report)
    except DocumentError as e:
        return {"status": "refused", "error": str(e)[-300:], "seconds": time.monotonic() - start}
    except Exception as e:  # noqa: BLE001 - every failure is a result here
        return {"status": "crashed", "error": f"{type(e).__name__}: {e}"[:300], "where": _where(e),
                "seconds": time.monotonic() - start}
    s = score(view, expected)
    meta = {k: [expected.get(k), view.get(k)] for k in ("year", "format") if view.get(k) != expected.get(k)}
    return {"status": "parsed", "exact": s.exact, "flagged": s.flagged,
            "silent": [[str(x) for x in cell] for cell in s.silent], "meta": meta,
            "disagree": _readers_disagree(path, report) if path.endswith(".pdf") else [],
            "seconds": time.monotonic() - start}


def _readers_disagree(path: str, first) -> list[str]:
    """Where the second PDF reader (pdfplumber) reads the variant differently from the default."""
    from gknb.parsers import PdfSettings, ReadSettings, parse
    from gknb.parsers.pdf_verify import disagreements
    try:
        second = parse(path, ReadSettings(pdf=PdfSettings("pdfplumber")))
    except Exception as e:  # noqa: BLE001 - a reader failing where the other did not is a disagreement
        return [f"pdfplumber failed: {type(e).__name__}: {e}"[:300]]
    return [f"{d.cell or d.part}: {d.first} / {d.second}" for d in disagreements(first, second)]


def _worker(conn) -> None:
    while True:
        task = conn.recv()
        if task is None:
            return
        conn.send(evaluate(*task))


# ---------------------------------------------------------------- the pool with a time limit

class _Slot:
    def __init__(self, ctx):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.task = None
        self.started = 0.0

    def send(self, index: int, task: tuple) -> None:
        self.task, self.started = index, time.monotonic()
        self.conn.send(task)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


def run_all(entries: list[dict], out: Path, jobs: int = JOBS, timeout: float = TIMEOUT,
            progress: bool = False) -> list[dict]:
    """Every manifest entry parsed and scored, results in the entries' order."""
    ctx = mp.get_context("spawn")
    tasks = [(str(out / e["path"]), str(out / e["expected"])) for e in entries]
    results: list[dict | None] = [None] * len(tasks)
    slots = [_Slot(ctx) for _ in range(max(1, min(jobs, 2, len(tasks))))]
    pending, done = list(range(len(tasks)))[::-1], 0
    try:
        for slot in slots:
            if pending:
                i = pending.pop()
                slot.send(i, tasks[i])
        while any(s.task is not None for s in slots):
            ready = wait([s.conn for s in slots if s.task is not None], timeout=1.0)
            for n, slot in enumerate(slots):
                if slot.task is None:
                    continue
                index, result = slot.task, None
                if slot.conn in ready:
                    try:
                        result = slot.conn.recv()
                    except (EOFError, OSError):
                        result = {"status": "crashed", "error": f"WorkerDied: exit code {slot.proc.exitcode}", "lost": True}
                elif time.monotonic() - slot.started > timeout:
                    result = {"status": "crashed", "error": f"Timeout: no answer in {timeout:.0f} s", "lost": True}
                if result is None:
                    continue
                if result.pop("lost", False):
                    slot.stop(kill=True)
                    slots[n] = slot = _Slot(ctx)
                results[index] = result
                slot.task = None
                done += 1
                if progress and done % 250 == 0:
                    print(f"  {done}/{len(tasks)} parsed", flush=True)
                if pending:
                    i = pending.pop()
                    slot.send(i, tasks[i])
    finally:
        for slot in slots:
            slot.stop()
    return [{**e, **r} for e, r in zip(entries, results)]


# ---------------------------------------------------------------- the report

COLUMNS = ("variants", "exact", "flagged", "silent", "with silent", "refused", "crashed", "year/format≠", "readers≠")


def tally(results: list[dict], key) -> dict:
    rows = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    for r in results:
        row = rows[key(r)]
        row["variants"] += 1
        if r["status"] == "parsed":
            row["exact"] += r["exact"]
            row["flagged"] += r["flagged"]
            row["silent"] += len(r["silent"])
            row["with silent"] += bool(r["silent"])
            row["year/format≠"] += bool(r["meta"])
            row["readers≠"] += bool(r.get("disagree"))
        else:
            row[r["status"]] += 1
    return dict(rows)


def table(title: str, rows: dict, order=None) -> str:
    keys = sorted(rows, key=order) if order else sorted(rows)
    names = ["/".join(k) if isinstance(k, tuple) else k for k in keys]
    width = max([len(title), 5, *map(len, names)])
    total = dict.fromkeys(COLUMNS, 0)
    for row in rows.values():
        for c in COLUMNS:
            total[c] += row[c]
    head = f"{title:<{width}}  " + "  ".join(f"{c:>{max(7, len(c))}}" for c in COLUMNS)
    lines = [head, "-" * len(head)]
    for name, k in zip([*names, "total"], [*keys, None]):
        row = total if k is None else rows[k]
        if k is None:
            lines.append("-" * len(head))
        lines.append(f"{name:<{width}}  " + "  ".join(f"{row[c]:>{max(7, len(c))}}" for c in COLUMNS))
    return "\n".join(lines)


def _kind_rank(kind: str) -> int:
    return B.KIND_ORDER.index(kind) if kind in B.KIND_ORDER else len(B.KIND_ORDER)


def report(results: list[dict], examples: int = 40) -> str:
    parts = [table("class", tally(results, lambda r: r["cls"])),
             table("kind", tally(results, lambda r: r["kind"]), order=_kind_rank),
             table("class/kind", tally(results, lambda r: (r["cls"], r["kind"])),
                   order=lambda k: (k[0], _kind_rank(k[1])))]
    silent = [(r, cell) for r in results if r["status"] == "parsed" for cell in r["silent"]]
    if silent:
        variants = sum(1 for r in results if r.get("silent"))
        lines = [f"First silent cells ({len(silent)} in {variants} variants; at most 3 per class and kind):"]
        shown = defaultdict(int)
        for r, (label, want, got) in silent:
            if shown[(r["cls"], r["kind"])] < 3 and len(lines) <= examples:
                shown[(r["cls"], r["kind"])] += 1
                lines.append(f"  {r['path']}  [{r['note']}]  {label}: expected {want}, got {got}")
        parts.append("\n".join(lines))
    meta = [r for r in results if r["status"] == "parsed" and r["meta"]]
    if meta:
        parts.append("\n".join([f"Year or format wrong ({len(meta)}):"] + [
            f"  {r['path']}  {k}: expected {v[0]}, got {v[1]}" for r in meta[:examples // 2] for k, v in r["meta"].items()]))
    differ = [r for r in results if r.get("disagree")]
    if differ:
        parts.append("\n".join([f"PDF readers disagree ({len(differ)} variants):"] + [
            f"  {r['path']}  [{r['note']}]  {'; '.join(r['disagree'][:3])}" for r in differ[:examples]]))
    failed = [r for r in results if r["status"] in ("crashed", "refused")]
    if failed:
        parts.append("\n".join([f"Crashed and refused ({len(failed)}):"] + [
            f"  {r['status']:<8} {r['path']}  [{r['note']}]  {r['error']}" + (f"  at {r['where']}" if r.get("where") else "")
            for r in failed[:examples]]))
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.variants.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (emptied first; default out/variants)")
    ap.add_argument("--sample", action="store_true", help="the small deterministic sample of the tests")
    ap.add_argument("--no-render", action="store_true", help="no Word/PDF renderings (no LibreOffice)")
    ap.add_argument("--classes", help="comma-separated class names (default: all)")
    ap.add_argument("--jobs", type=int, default=JOBS, help="worker processes (at most 2)")
    ap.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds a variant may take")
    ap.add_argument("--json", type=Path, help="write every result here (default <out>/summary.json)")
    args = ap.parse_args(argv)
    start = time.monotonic()
    sources = load_sources()
    if args.sample:
        specs = B.sample_plan(sources, renderings=not args.no_render)
    else:
        classes = tuple(args.classes.split(",")) if args.classes else None
        specs = B.plan(sources, renderings=not args.no_render, classes=classes)
    manifest = B.build(args.out, specs, sources)
    built = time.monotonic()
    counts = defaultdict(int)
    for e in manifest:
        counts[e["kind"]] += 1
    print(f"built {len(manifest)} variants of {len(sources)} documents in {built - start:.1f} s: "
          + ", ".join(f"{k} {counts[k]}" for k in sorted(counts, key=_kind_rank)), flush=True)
    results = run_all(manifest, args.out, args.jobs, args.timeout, progress=True)
    parsed = time.monotonic()
    print(report(results))
    summary = args.json or args.out / "summary.json"
    summary.parent.mkdir(parents=True, exist_ok=True)
    summary.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"\nresults: {summary}")
    print(f"elapsed: {parsed - start:.1f} s (build and render {built - start:.1f} s, parse {parsed - built:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
