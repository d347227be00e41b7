"""Text XML cannot carry, and markup in a report's text, through every writer built on lxml trees.

A report's text may hold control characters (crawled pages, fuzzed input) and markup; the
Word writers and the HTML pages build trees (``gknb.ooxml`` / ``gknb.compare.markup``), so the
markup is text by construction and :func:`gknb.ooxml.xml_text` replaces what XML refuses.
"""

from __future__ import annotations

import io

import docx
import pytest
from lxml import etree
from lxml import html as lhtml

from gknb.compare.comparison import compare
from gknb.compare.html import render
from gknb.compare.tracked import tracked_docx
from gknb.generator.basis import Figures
from gknb.generator.compose import generate_docx
from gknb.inputs import load_report
from gknb.ooxml import REPLACEMENT, qn, xml_text

from .conftest import CORPUS

# A vertical tab and a NUL (no XML can hold them), markup, a CDATA end, an entity spelled out, quotes.
MARKUP = "<script>alert(\"x\")</script>]]>&amp;'引'"
HOSTILE = f"\x0b甲\x00乙{MARKUP}"
SHOWN = HOSTILE.replace("\x0b", REPLACEMENT).replace("\x00", REPLACEMENT)
AGENCY = f"平潭综合实验区{HOSTILE}管委会"
SENTENCE = f"本年度{HOSTILE}工作。"


def test_xml_text_replaces_exactly_what_xml_cannot_carry():
    refused = ["\x00", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff"]
    kept = "\t\n\r 甲 \x7f \x85 \ufffd \U0001f600 ]]> &amp; <b>"
    for ch in refused:
        with pytest.raises(ValueError):  # lxml's own refusal: the reason for xml_text
            etree.Element("t").text = f"a{ch}b"
        assert xml_text(f"a{ch}b") == f"a{REPLACEMENT}b"
    assert xml_text(kept) == kept
    assert xml_text(None) == "" and xml_text(12) == "12"


@pytest.fixture()
def pair():
    """平潭 2023 → 2024 (the corpus web pages) with the hostile text in the agency and section 一."""
    old, new = load_report(CORPUS / "html/平潭综合实验区_2023.html"), load_report(CORPUS / "html/平潭综合实验区_2024.html")
    for r in (old, new):
        r.agency = AGENCY
    new.sections["一"].paragraphs.append(SENTENCE)
    return old, new


def test_generated_report_carries_the_text_with_control_characters_replaced(pair):
    old, new = pair
    data, _ = generate_docx(Figures(new), old)
    d = docx.Document(io.BytesIO(data))
    texts = [p.text for p in d.paragraphs]
    assert f"本年度{SHOWN}工作。" in texts
    assert f"平潭综合实验区{SHOWN}管委会" in texts  # the 落款
    assert d.core_properties.author == f"平潭综合实验区{SHOWN}管委会"
    assert not any("\x0b" in t or "\x00" in t for t in texts)


def test_tracked_changes_carry_the_text(pair):
    d = docx.Document(io.BytesIO(tracked_docx(*pair)))
    accepted = "".join(t.text or "" for t in d.element.body.iter(qn("w:t")))  # every change accepted
    assert accepted.startswith(f"平潭综合实验区{SHOWN}管委会政府信息公开工作年度报告正文对照")
    # the sentence as the text diff reads it (its own normalisation takes the controls out first)
    assert f"乙{MARKUP}工作。" in accepted and "\x0b" not in accepted


def test_diff_report_shows_the_text_literally_and_runs_nothing(pair):
    page = render(compare(*pair))
    page.encode("utf-8")  # nothing a file cannot hold
    tree = lhtml.document_fromstring(page)
    assert tree.xpath("//script") == [] and tree.xpath("//*[@onerror]") == []
    assert tree.findtext(".//h1") == f"平潭综合实验区{SHOWN}管委会"
    assert tree.findtext(".//title").startswith(f"平潭综合实验区{SHOWN}管委会")
    inserted = "".join(ins.text_content() for ins in tree.xpath("//div[@class='diff']//ins"))
    assert f"乙{MARKUP}工作。" in inserted  # this year's new sentence (its sentences each a line)
    # in the bytes: the markup escaped, the spelled-out entity escaped again, no raw control character
    assert "&lt;script&gt;" in page and "]]&gt;&amp;amp;'引'" in page
    assert "\x0b" not in page and "\x00" not in page


def test_a_slot_is_filled_with_its_elements_as_if_they_had_been_in_the_tree():
    """The index's rows are made as the page is written; the page is the same as with the rows in it."""
    from gknb.compare.markup import h, page, slot
    rows = [h.tr(h.td(f"机关<{i}>&"), h.td(str(i), class_="n")) for i in range(3)]
    whole = page("表", h.table(h.tbody(rows)))
    made = []

    def later():
        for i in range(3):
            made.append(i)
            yield h.tr(h.td(f"机关<{i}>&"), h.td(str(i), class_="n"))
    assert page("表", h.table(h.tbody(slot("rows"))), slots={"rows": later()}) == whole
    assert made == [0, 1, 2]
    forged = page("表", h.p("<!-- slot:rows -->"), slots={})  # report text is escaped: no slot to fill
    assert "<!-- slot:rows -->" not in forged
