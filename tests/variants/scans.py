"""Scanned variants: every corpus PDF and Word report as a scan, at 150, 200 and 300 dpi,
grey and colour, with noise, a slight rotation, JPEG compression and a red seal over table 三.

``python -m tests.variants.scans`` (part of ``make variants``) builds them (Word reports are
turned into PDF by LibreOffice first), parses each in a worker with the scan reader on one
thread, and prints exact / flagged / silent per resolution and per degradation, and the
recognition time per page.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

from gknb.office import OfficeError, convert
from tests.scans import Degradation, make_scan

from .run import report, run_all, table, tally
from .sources import CORPUS

OUT = Path(__file__).resolve().parents[2] / "out" / "variants-scans"
TIMEOUT = 900.0

MATRIX = (
    Degradation(dpi=150),
    Degradation(dpi=200),
    Degradation(dpi=300),
    Degradation(dpi=200, grey=True),
    Degradation(dpi=200, noise=12),
    Degradation(dpi=200, rotation=0.8),
    Degradation(dpi=200, rotation=-1.5),
    Degradation(dpi=200, jpeg=60),
    Degradation(dpi=200, seal=True),
    Degradation(dpi=200, grey=True, noise=8, rotation=1.0, jpeg=75, seal=True),
    Degradation(dpi=150, grey=True, noise=8, rotation=-0.7, jpeg=70, seal=True),
    Degradation(dpi=300, rotation=1.2, seal=True),
)
SAMPLE = (MATRIX[1], MATRIX[9])


def sources(out: Path) -> list[tuple[Path, Path]]:
    """(text PDF, expected.json) of every corpus PDF and Word report (Word via LibreOffice)."""
    pdfs = sorted((CORPUS / "pdf").glob("*.pdf"))
    docx = [p for p in sorted((CORPUS / "docx").glob("*.docx")) if p.with_name(p.name + ".expected.json").exists()]
    rendered: list[Path] = []
    if docx:
        try:
            rendered = convert(docx, "pdf", out / "_rendered")
        except OfficeError as e:
            print(f"Word reports left out (no LibreOffice): {e}", file=sys.stderr)
    out_list = [(p, p.with_name(p.name + ".expected.json")) for p in pdfs]
    out_list += [(r, d.with_name(d.name + ".expected.json")) for r, d in zip(rendered, docx)]
    return out_list


def build(out: Path, matrix: tuple[Degradation, ...]) -> list[dict]:
    entries = []
    for pdf, expected in sources(out):
        kind = "docx" if pdf.parent.name == "_rendered" else "pdf"
        for how in matrix:
            rel = Path(f"{kind}/{how.name}/{pdf.stem}.pdf")
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            make_scan(pdf, path, how)
            entries.append({"path": str(rel), "expected": str(expected), "cls": how.name,
                            "kind": f"scan-{kind}", "dpi": f"{how.dpi} dpi", "note": how.name,
                            "pages": _pages(path)})
    return entries


def _pages(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.variants.scans", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--sample", action="store_true", help="two degradations only")
    ap.add_argument("--only", help="degradations by their place in MATRIX, e.g. 9,10 (everything at once)")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    matrix = SAMPLE if args.sample else MATRIX
    if args.only:
        matrix = tuple(MATRIX[int(i)] for i in args.only.split(","))
    os.environ["GKNB_OCR_SERIAL"] = "1"  # one page at a time, one thread, in each of the workers
    os.environ["GKNB_OCR_THREADS"] = "1"
    start = time.monotonic()
    entries = build(args.out, matrix)
    built = time.monotonic()
    print(f"built {len(entries)} scans in {built - start:.0f} s", flush=True)
    absolute = [{**e, "expected": os.path.relpath(e["expected"], args.out)} for e in entries]
    results = run_all(absolute, args.out, args.jobs, TIMEOUT, progress=True)
    print(report(results))
    print()
    print(table("resolution", tally(results, lambda r: r["dpi"])))
    seconds = defaultdict(list)
    for r in results:
        if r.get("status") == "parsed":
            seconds[r["dpi"]].append(r["seconds"] / max(1, r["pages"]))
    print()
    for dpi in sorted(seconds):
        values = sorted(seconds[dpi])
        print(f"wall time per page at {dpi} (one thread, 2 scans at once): median {values[len(values) // 2]:.1f} s, "
              f"max {values[-1]:.1f} s over {len(values)} scans")
    summary = args.out / "summary.json"
    summary.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"\nresults: {summary}\nelapsed: {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
