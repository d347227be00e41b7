"""The generated text as officials write it: zero figures in the official idiom, the 落款 at the
end, section 一's usual sub-headings printed as sub-headings."""

from __future__ import annotations

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from gknb.parsers import parse

from gknb.extras import Signature
from gknb.generator import generate_docx
from gknb.model import Section
from gknb.rules import check

from .builders import consistent_report
from .test_generator import figures_of, write

RULES = "proactive.art20_1.rules"
NORMATIVE = "proactive.art20_1.normative"
REVIEW = "review_litigation"


def _zero(report, *cells: str) -> None:
    for cid in cells:
        report.set(cid, 0)


def _review(report, reconsideration: int, suits: int) -> None:
    """Every case 结果维持, so that T4-1 holds."""
    for row, n in (("reconsideration", reconsideration), ("direct_suit", suits), ("suit_after_review", 0)):
        for col in ("corrected", "other", "pending"):
            report.set(f"{REVIEW}.{row}.{col}", 0)
        report.set(f"{REVIEW}.{row}.upheld", n)
        report.set(f"{REVIEW}.{row}.total", n)


def _overview(tmp_path, report, **extras) -> str:
    back = parse(write(tmp_path, figures_of(report, **extras)))
    assert not [v for v in check(back) if v.rule == "X-1"]  # the text still agrees with the tables
    return back.sections["一"].text


def test_a_county_bureau_without_rules_and_without_cases_is_written_as_officials_do(tmp_path):
    r = consistent_report(61)
    _zero(r, f"{RULES}.issued", f"{RULES}.repealed", f"{RULES}.in_force")
    _review(r, 0, 0)
    text = _overview(tmp_path, r)
    assert "本年度未制发规章。" in text
    assert "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。" in text
    assert "规章0件" not in text and "0件" not in text.replace("10件", "").replace("20件", "").replace("30件", "")
    assert f"制发行政规范性文件{r.value(f'{NORMATIVE}.issued')}件" in text  # figures other than 0 as before


@pytest.mark.parametrize(("reconsideration", "suits", "wanted"), [
    (2, 0, "本年度因政府信息公开工作被申请行政复议2件，未发生被提起行政诉讼的情况。"),
    (0, 3, "本年度未发生因政府信息公开工作被申请行政复议的情况，被提起行政诉讼3件。"),
    (1, 1, "本年度因政府信息公开工作被申请行政复议1件，被提起行政诉讼1件。"),
])
def test_review_and_litigation_each_said_in_its_own_way(tmp_path, reconsideration, suits, wanted):
    r = consistent_report(62)
    _review(r, reconsideration, suits)
    assert wanted in _overview(tmp_path, r)


def test_normative_documents_none_issued_but_some_in_force(tmp_path):
    r = consistent_report(63)
    _zero(r, f"{NORMATIVE}.issued", f"{NORMATIVE}.repealed")
    r.set(f"{NORMATIVE}.in_force", 7)
    assert "本年度未制发、废止行政规范性文件，现行有效行政规范性文件7件。" in _overview(tmp_path, r)


def test_no_requests_at_all(tmp_path):
    r = consistent_report(64)
    for cid in list(r.cells):
        if cid.startswith("requests."):
            r.set(cid, 0)
    r.sections["一"] = Section("一", None, [])  # the builder's own sentence quotes its figures
    text = _overview(tmp_path, r)
    assert "本年度未收到政府信息公开申请，亦无上年结转的申请。" in text and "申请0件" not in text


def test_a_blank_is_not_a_zero_the_full_sentence_shows_the_gap(tmp_path):
    r = consistent_report(65)
    _zero(r, f"{RULES}.issued", f"{RULES}.repealed")
    r.set(f"{RULES}.in_force", None)
    data, doc = generate_docx(figures_of(r))
    path = tmp_path / "blank.docx"
    path.write_bytes(data)
    text = parse(path).sections["一"].text
    assert "本年度未制发、废止规章，现行有效规章【待填写】件。" in text


def _paragraphs(path):
    return [p for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def test_the_signature_ends_the_report_right_aligned_and_is_not_read_as_text(tmp_path):
    r = consistent_report(66)
    path = write(tmp_path, figures_of(r, signature=Signature(None, "2026年1月20日")))
    last = _paragraphs(path)[-2:]
    assert [p.text for p in last] == [r.agency, "2026年1月20日"]
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in last)
    assert all(p.paragraph_format.right_indent and p.paragraph_format.right_indent > 0 for p in last)
    back = parse(path)
    assert back.agency == r.agency
    assert r.agency not in back.section_text("六") and "2026年1月20日" not in back.section_text("六")


def test_without_a_date_the_signature_is_the_agency_and_the_user_is_told(tmp_path):
    r = consistent_report(67)
    data, doc = generate_docx(figures_of(r, signature=Signature("测试县某局（盖章）", None)))
    path = tmp_path / "r.docx"
    path.write_bytes(data)
    assert _paragraphs(path)[-1].text == "测试县某局（盖章）"
    assert any("成文日期" in n for n in doc.notes)


def test_a_wrong_date_in_a_figures_file_is_named(tmp_path):
    from gknb.parsers import DocumentError

    from gknb.generator.basis import read

    path = tmp_path / "2025.yaml"
    path.write_text("agency: 测试县某局\nyear: 2025\nrequests:\n  一、本年新收政府信息公开申请数量: {自然人: 1}\nsignature:\n  date: 明年一月\n", "utf-8")
    with pytest.raises(DocumentError, match=r"signature/date：应为日期（如 2026年1月20日），实为“明年一月”（第6行）"):
        read(path)
    path.write_text("agency: 测试县某局\nyear: 2025\nrequests:\n  一、本年新收政府信息公开申请数量: {自然人: 1}\nsignature:\n  date: 2026-01-20\n", "utf-8")
    assert read(path).signature == Signature(None, "2026年1月20日")


def test_section_one_subheadings_are_printed_as_subheadings(tmp_path):
    r = consistent_report(68)
    r.sections["一"] = Section("一", None, ["（一）主动公开", "我局主动公开各类信息120条。"])
    path = write(tmp_path, figures_of(r))
    heading = next(p for p in _paragraphs(path) if p.text == "（一）主动公开")
    body = next(p for p in _paragraphs(path) if p.text == "我局主动公开各类信息120条。")
    face = heading.runs[0]._r.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert face == "楷体_GB2312"
    assert body.runs[0]._r.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋_GB2312"
