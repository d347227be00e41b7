"""Every 2021-format document of the corpus: parse -> generate -> parse gives back every figure,
the agency, the year and the format, through the .docx and through the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from gknb.parsers import parse

from gknb.generator import generate_docx
from gknb.generator.basis import Figures
from gknb.generator.pdf import to_pdf

from .conftest import EXPECTED, load_expected
from .test_generator import assert_same_figures

DOCUMENTS = [Path(str(p).removesuffix(".expected.json")) for p in EXPECTED if load_expected(p)["format"] == "2021"]
IDS = [f"{p.parent.name}/{p.name}" for p in DOCUMENTS]


pytestmark = [pytest.mark.libreoffice]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Each document parsed and generated again; all PDFs made in one LibreOffice call."""
    out = tmp_path_factory.mktemp("corpus")
    items = []
    for i, doc in enumerate(DOCUMENTS):
        original = parse(doc)
        data, _ = generate_docx(Figures(original))
        path = out / f"{i:02d}.docx"
        path.write_bytes(data)
        items.append((original, path))
    pdfs = to_pdf([p for _, p in items], out)
    return {doc: (original, path, pdf) for doc, (original, path), pdf in zip(DOCUMENTS, items, pdfs)}


def test_the_corpus_has_2021_documents_of_every_kind():
    assert len(DOCUMENTS) >= 15
    assert {p.suffix for p in DOCUMENTS} >= {".pdf", ".docx", ".html", ".txt", ".md"}


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_docx_round_trip(generated, doc):
    original, docx, _ = generated[doc]
    assert_same_figures(parse(docx), original)


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_pdf_round_trip(generated, doc):
    original, _, pdf = generated[doc]
    assert_same_figures(parse(pdf), original)
