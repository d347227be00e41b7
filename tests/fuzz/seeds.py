"""Seed inputs: the real corpus, the bundled sample, and what gknb itself writes from them.

Real documents are the best seeds: a mutation a few bytes away from a report reaches the
table readers and ``understand``, where a random blob stops at the first check.  Archive
XML is made by parsing the corpus and writing it with ``archive.xml.to_xml``; it is cached
in ``out/fuzz/seeds`` because parsing the PDFs takes a few seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE = ROOT / "samples" / "work"
OUT = Path(os.environ.get("GKNB_FUZZ_OUT") or ROOT / "out" / "fuzz")  # findings, corpora, counts
SEED_CACHE = OUT / "seeds"


def shown(path: Path) -> Path:
    """A path as messages print it: below the checkout where it is, else whole (``GKNB_FUZZ_OUT``)."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def _read(paths) -> list[bytes]:
    return [p.read_bytes() for p in sorted(paths) if p.is_file()]


def _documents(kind: str, suffix: str) -> list[Path]:
    return sorted((CORPUS / kind).glob(f"*{suffix}")) if (CORPUS / kind).is_dir() else []


@cache
def pdf() -> tuple[bytes, ...]:
    return tuple(_read(_documents("pdf", ".pdf") + sorted((SAMPLE / "inbox").glob("*.pdf"))))


@cache
def docx() -> tuple[bytes, ...]:
    return tuple(_read(_documents("docx", ".docx") + sorted((SAMPLE / "inbox").glob("*.docx"))))


@cache
def html() -> tuple[bytes, ...]:
    return tuple(_read(_documents("html", ".html")))


@cache
def text() -> tuple[bytes, ...]:
    return tuple(_read(_documents("txt", ".txt") + _documents("excerpts", ".txt")))


@cache
def markdown() -> tuple[bytes, ...]:
    return tuple(_read(_documents("md", ".md")))


def _expected() -> list[Path]:
    return sorted(CORPUS.glob("*/*.expected.json"))


def _sample_yaml() -> list[Path]:
    return sorted((SAMPLE / "figures").glob("**/*.yaml"))


@cache
def figures_json() -> tuple[bytes, ...]:
    """The corpus' expected figures (the figures-file layout) and the sample YAML as JSON."""
    import yaml
    out = _read(_expected())
    for p in _sample_yaml():
        obj = yaml.safe_load(p.read_bytes())
        out.append(json.dumps(obj, ensure_ascii=False, indent=2, default=str).encode("utf-8"))
    return tuple(out)


@cache
def figures_yaml() -> tuple[bytes, ...]:
    """The sample's figures file, and the corpus' expected figures written as YAML."""
    import yaml
    out = _read(_sample_yaml())
    for p in _expected():
        obj = json.loads(p.read_bytes())
        out.append(yaml.safe_dump(obj, allow_unicode=True, sort_keys=False).encode("utf-8"))
    return tuple(out)


@cache
@cache
def figures_xlsx() -> tuple[bytes, ...]:
    """Figures workbooks as ``gknb draft … -o N.xlsx`` writes them (2021 and 2019 formats)."""
    from gknb.generator.draft import draft
    from gknb.generator.workbook import workbook
    return tuple(workbook(draft("示例县数据资源局", year, None)) for year in (2025, 2020))


def archive_xml() -> tuple[bytes, ...]:
    """Archive XML of every corpus document gknb parses (cached; remade when the corpus changes)."""
    docs = [p for kind, suffix in (("pdf", ".pdf"), ("docx", ".docx"), ("html", ".html"), ("txt", ".txt"),
                                   ("md", ".md")) for p in _documents(kind, suffix)]
    key = hashlib.sha1("\n".join(f"{p.name}:{p.stat().st_size}" for p in docs).encode()).hexdigest()[:12]
    cache = SEED_CACHE / f"archive-xml-{key}"
    if cache.is_dir():
        cached = _read(cache.glob("*.xml"))
        if cached:
            return tuple(cached)
    import gknb.parsers as parsers
    from gknb.archive.xml import to_xml
    made = []
    for p in docs:
        try:
            made.append(to_xml(parsers.parse(p)))
        except parsers.DocumentError:
            continue
    tmp = cache.with_name(cache.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(made):
        (tmp / f"{i:02d}.xml").write_bytes(data)
    try:
        tmp.rename(cache)
    except OSError:  # another process made it first
        pass
    return tuple(made)


@cache
def decisions_xml() -> tuple[bytes, ...]:
    """Decisions files: a fix of a run-together figure, a dismissal and a confirmation."""
    import datetime

    from gknb.archive.decisions import CONFIRMED, DISMISSED, Decisions, Fix, Verdict, to_xml
    day = datetime.date(2026, 2, 1)
    fix = Fix("proactive.art20_1.normative.issued", "absent", None, "（缺失）（存疑：数字连在一起）", "77", "张三", day,
              "与原件核对")
    dismissed = Verdict("E04", "二、主动公开政府信息情况", "proactive.art20_1.normative.issued=（缺失）;printed=None",
                        DISMISSED, "3个单元格缺失", "李四", day, "原文如此")
    confirmed = Verdict("S5-1", "五、存在的主要问题及改进情况", "text=未提及", CONFIRMED, "未提及整改", "王五", day, "请补充")
    return tuple(to_xml(d) for d in (Decisions("某局", 2024, [fix]), Decisions("某局", 2024, [], [dismissed]),
                                     Decisions("某局", 2024, [fix], [dismissed, confirmed])))


@cache
def everything() -> tuple[bytes, ...]:
    return pdf() + docx() + html() + text() + markdown() + figures_json() + figures_yaml() + figures_xlsx() + \
        archive_xml()
