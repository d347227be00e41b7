"""Every parsed cell of every variant and corpus document, for an exact before/after diff.

``python -m tests.variants.dump OUT.json`` parses the variants a previous
``python -m tests.variants.run`` left in ``out/variants`` (the paths in its summary.json) and
every corpus document, and writes, per file, each cell (id → state, value, printed text,
flag, where) and the findings.  A refactor of the parsers that claims "behaviour unchanged"
must leave two dumps identical, not just the counts the variant suite prints.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import sys
from pathlib import Path

from .run import OUT
from .sources import CORPUS

SUFFIXES = (".pdf", ".docx", ".html", ".md", ".txt")


def dump_one(path: str) -> dict:
    """What the parser made of one file, every cell and finding; an error as its message.
    ``FILE#pdfplumber`` reads a PDF with the second reader."""
    from gknb.parsers import DocumentError, PdfSettings, ReadSettings, parse
    name, _, engine = path.partition("#")
    try:
        report = parse(name, ReadSettings(pdf=PdfSettings(engine)) if engine else ReadSettings())
    except DocumentError as e:
        return {"refused": str(e)}
    cells = {cid: [c.state, str(c.value), c.printed, c.flag, repr(c.where)] for cid, c in sorted(report.cells.items())}
    return {"agency": report.agency, "year": report.year, "format": report.format,
            "table_formats": report.table_formats, "title": report.title, "cells": cells,
            "sections": {k: [s.heading, s.paragraphs] for k, s in report.sections.items()},
            "findings": [[f.kind, f.message, f.ref] for f in report.findings]}


def files(out: Path = OUT, corpus: Path = CORPUS) -> list[str]:
    """The variants of the last run, then the corpus documents (PDFs also on pdfplumber), in a fixed order."""
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    variants = [str(out / e["path"]) for e in summary]
    documents = sorted(str(p) for p in corpus.rglob("*") if p.suffix in SUFFIXES)
    return variants + documents + [f"{p}#pdfplumber" for p in documents if p.endswith(".pdf")]


def main(argv: list[str]) -> int:
    target = Path(argv[0])
    paths = files()
    with mp.get_context("spawn").Pool(2) as pool:
        results = pool.map(dump_one, paths, chunksize=8)
    target.write_text(json.dumps(dict(zip(paths, results)), ensure_ascii=False, indent=0, sort_keys=True), "utf-8")
    print(f"{len(paths)} files dumped to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
