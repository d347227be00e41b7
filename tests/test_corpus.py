"""Every document of the corpus parsed and compared with its expected.json.

For every expected cell the parser's answer is exact, flagged, or a silent error.  Silent
errors must be zero everywhere; on PDF, Word and HTML every cell must be exact.
"""

from __future__ import annotations

import pytest
from gknb.parsers import parse

from gknb.view import to_view

from .conftest import CORPUS, EXPECTED, load_expected
from .scoring import score

EXACT_KINDS = {"pdf", "docx", "html"}
NARRATIVE = ("一", "五", "六")  # table sections (二三四) are compared as figures


def document_of(expected_path):
    return expected_path.with_name(expected_path.name.removesuffix(".expected.json"))


@pytest.fixture(scope="module")
def parsed():
    cache = {}

    def get(path):
        if path not in cache:
            cache[path] = parse(path)
        return cache[path]
    return get


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: f"{p.parent.name}/{p.name[:-14]}")
def test_figures_match_expected(expected_path, parsed):
    doc = document_of(expected_path)
    expected = load_expected(expected_path)
    report = parsed(doc)
    s = score(to_view(report), expected)
    assert s.silent == []
    if doc.parent.name in EXACT_KINDS:
        assert s.flagged == 0
    else:  # the crawler texts, the OCR Markdown, the founding export: flags where the source is ambiguous
        assert s.flagged <= 40 and s.exact >= 150
    assert (report.agency, report.year, report.format) == (expected["agency"], expected["year"], expected["format"])


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: f"{p.parent.name}/{p.name[:-14]}")
def test_sections_start_and_end_as_recorded(expected_path, parsed):
    doc = document_of(expected_path)
    expected = load_expected(expected_path)
    view = to_view(parsed(doc))
    for key, want in expected["sections"].items():
        if key in NARRATIVE:
            assert view["sections"].get(key) == want, key


def test_provenance_of_pdf_and_word_figures(parsed):
    pdf = parsed(CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf")
    cell = pdf.cells["review_litigation.reconsideration.upheld"]
    assert cell.where.page is not None and cell.where.box is not None
    word = parsed(CORPUS / "docx" / "平潭综合实验区_2023.docx")
    cell = word.cells["requests.new.total"]
    assert (cell.where.table, cell.where.row, cell.where.col) == (1, 3, 9)


def test_mixed_format_and_typo_are_reported(parsed):
    report = parsed(CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf")
    assert report.table_formats["requests"] == "2019"
    assert any(f.kind == "altered-table" for f in report.findings)
    assert report.value("requests.withheld_prohibited.total") is not None  # matched despite "行政止公开"


def test_run_together_figures_are_split_by_the_tables_sums(parsed):
    report = parsed(CORPUS / "txt" / "平潭综合实验区_2024.txt")
    # "一、本年新收政府信息公开申请数量21710000218": seven figures, one way to add up
    assert [report.value(f"requests.new.{c}") for c in
            ("natural", "business", "research", "nonprofit", "legal_services", "other", "total")] == \
        [217, 1, 0, 0, 0, 0, 218]
    # "行政规范性文件6233440": three figures and no sum to decide them: flagged, not guessed
    cell = report.cells["proactive.art20_1.normative.issued"]
    assert cell.flag and "6233440" in cell.flag and cell.value is None


def test_cells_missing_from_the_export_are_flagged(parsed):
    report = parsed(CORPUS / "txt" / "泽州县应急管理局_2025.txt")
    flagged = {cid for cid, c in report.cells.items() if c.flag}
    assert flagged == {"requests.withheld_internal.natural", "requests.withheld_process.natural",
                       "requests.withheld_enforcement.natural", "requests.withheld_query.natural",
                       "requests.carried_out.natural", "requests.carried_out.business"}
    assert report.year == 2025 and any("标题未写明年度" in f.message for f in report.findings)


EXCERPTS = sorted((CORPUS / "excerpts").glob("*.txt"))


@pytest.mark.parametrize("path", EXCERPTS, ids=lambda p: p.name[:12])
def test_excerpts_parse_and_say_what_is_missing(path, parsed):
    report = parsed(path)
    assert report.year is not None and 2019 <= report.year <= 2024
    missing = [f for f in report.findings if f.kind in ("missing-table", "missing-row", "missing-section")]
    absent = [c for c in report.cells.values() if c.state == "absent"]
    assert missing or not absent  # whatever is absent is reported


def test_pre2019_report_is_archived_as_text_without_figures(parsed):
    report = parsed(CORPUS / "txt" / "平潭综合实验区_2017.txt")
    assert report.format == "pre2019" and report.year == 2017 and not report.cells
    assert any("2019年以前" in f.message for f in report.findings)
    assert sum(len(s.paragraphs) for s in report.sections.values()) + len(report.preamble) > 0


def test_a_2023_report_in_the_2019_table_is_recognised(parsed):
    report = parsed(CORPUS / "excerpts" / "05_hengdong_衡东县杨林镇_2023_OLD2019format_used_in_2023.txt")
    assert (report.agency, report.year) == ("衡阳市衡东县杨林镇", 2023)
    assert report.table_formats["proactive"] == "2019"
    assert report.value("proactive.art20_1.normative.total_published") == 22


def test_the_blank_official_template_reads_as_every_cell_blank(parsed):
    report = parsed(CORPUS / "docx" / "年报格式模板_2021_空白.docx")
    assert report.cell_counts() == {"exact": 0, "flagged": 0, "blank": 200, "absent": 0}
    assert not [f for f in report.findings if f.kind in ("missing-table", "missing-row")]


def test_a_traditional_chinese_page_copied_one_cell_per_line(parsed):
    report = parsed(CORPUS / "excerpts" / "07_996bkk_mirror_市场监督管理局_2024_TRADITIONAL_CHINESE.txt")
    assert any("繁体" in f.message for f in report.findings)
    assert report.value("proactive.art20_5.licensing.decisions") == 2468
    assert report.value("proactive.art20_6.coercion.decisions") == 75
    assert str(report.value("proactive.art20_8.admin_fees.fee_amount")) == "2.02"
    assert any(f.kind == "missing-table" and f.ref == "requests" for f in report.findings)  # cut off in the copy


@pytest.mark.libreoffice
def test_an_old_word_doc_is_converted_and_read_exactly(tmp_path):
    import shutil

    from gknb.office import convert
    src = tmp_path / "平潭.docx"
    shutil.copy(CORPUS / "docx" / "平潭综合实验区_2023.docx", src)
    [doc] = convert([src], "doc", tmp_path / "doc")
    report = parse(doc)
    assert report.source.kind == "doc"
    s = score(to_view(report), load_expected(CORPUS / "docx" / "平潭综合实验区_2023.docx.expected.json"))
    assert (s.exact, s.flagged, s.silent) == (200, 0, [])


def test_an_encrypted_word_file_is_named_as_such(tmp_path):
    from gknb.parsers import DocumentError
    path = tmp_path / "加密.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000) + "EncryptedPackage".encode("utf-16-le"))
    with pytest.raises(DocumentError, match="加密"):
        parse(path)
