"""A fixed sample of the variant suite (tests/variants): corpus documents mutated in known ways.

Per class up to three text/HTML variants spread over kinds and documents, plus a few Word and
PDF renderings when LibreOffice is present.  Every variant must parse without crashing and
without a silent error; refusing is right only for a class that makes the document no report
(none does today).  ``make variants`` runs the full suite (about 1,500 variants).
"""

from __future__ import annotations

import html
import re

import pytest

from tests.variants import build as B
from tests.variants import classes as C
from tests.variants import render
from tests.variants.run import run_all
from tests.variants.sources import load_sources

pytestmark = [pytest.mark.slow, pytest.mark.libreoffice]

SOURCES = load_sources()
BY_NAME = {s.name: s for s in SOURCES}
SAMPLE = B.sample_plan(SOURCES, renderings=render.soffice() is not None)
TEXT_SAMPLE = [s for s in SAMPLE if s.kind not in ("docx", "pdf")]
NOT_A_REPORT: set[str] = set()  # classes after which a refusal would be right
ADDS_DIGITS = {"headings.arabic"}  # numbers its headings 1. 2. …
CHANGES_FIGURES = {"numbers.yuan"}  # the 万元 fee printed in 元: a new expected value


def _id(spec: B.Spec) -> str:
    return f"{spec.kind}/{spec.cls}/{BY_NAME[spec.source].stem}/s{spec.seed}"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("variants")
    manifest = B.build(out, SAMPLE, SOURCES)
    by_spec = {(e["cls"], e["source"], e["seed"], e["kind"]): r for e, r in zip(manifest, run_all(manifest, out))}
    return by_spec


def test_the_sample_covers_every_class():
    assert SOURCES, "corpus not found"
    assert {s.cls for s in TEXT_SAMPLE} == set(C.REGISTRY)


@pytest.mark.parametrize("spec", SAMPLE, ids=_id)
def test_variant_parses_without_silent_errors(spec, results):
    r = results.get((spec.cls, spec.source, spec.seed, spec.kind))
    assert r is not None, "the variant was not built (LibreOffice did not render it?)"
    assert r["status"] != "crashed", f"{r['error']} at {r.get('where')}"
    if r["status"] == "refused":
        assert spec.cls in NOT_A_REPORT, r["error"]
        return
    assert r["silent"] == [], f"{r['path']} [{r['note']}]"
    assert r["disagree"] == [], f"{r['path']}: the PDF readers disagree"
    if spec.kind == "pdf":
        assert r["exact"] + r["flagged"] > 100  # a reading, not an empty report both readers agree on


def test_the_generator_is_deterministic(tmp_path):
    specs = TEXT_SAMPLE
    first = B.build(tmp_path / "a", specs, SOURCES)
    second = B.build(tmp_path / "b", specs, SOURCES)
    assert first == second
    for path in sorted((tmp_path / "a").rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes(), path


def _digits(text: str, kind: str) -> str:
    """The document's digits as a reader sees them: markup dropped, full-width and separators folded."""
    if kind == "html":
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return re.sub(r"\D", "", re.sub(r"(?<=\d),(?=\d{3})", "", text))


@pytest.mark.parametrize("spec", TEXT_SAMPLE, ids=_id)
def test_each_class_changes_the_document_but_no_figure(spec):
    source = BY_NAME[spec.source]
    m = C.mutate(spec.cls, source, spec.seed)
    assert m.text != source.text
    assert m.text == C.mutate(spec.cls, source, spec.seed).text  # same seed, same bytes
    assert (m.expected is not None) == (spec.cls in CHANGES_FIGURES)
    if spec.cls not in ADDS_DIGITS | CHANGES_FIGURES:
        assert _digits(m.text, source.kind) == _digits(source.text, source.kind)
