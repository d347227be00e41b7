"""Reviews in Word: one comment per finding, anchored at the cell or paragraph concerned."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from gknb.parsers import Source, parse, parse_source
from lxml import etree

from gknb.cli import main
from gknb.compare.annotate import CELL, PARAGRAPH, annotate, remarks
from gknb.ooxml import W, zip_bytes
from gknb.rules import check

from .conftest import CORPUS

DOCX = CORPUS / "docx" / "平潭综合实验区_2023.docx"
PDF_2023 = CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf"
PDF_2024 = CORPUS / "pdf" / "淮安市洪泽区人民政府_2024.pdf"
NS = {"w": W}


def _wrong_figure(path: Path, cell_id: str, delta: int) -> bytes:
    """The document with one figure of its tables changed, so that its sums no longer hold."""
    where = parse(path).cells[cell_id].where
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    tables = [t for t in root.iter(f"{{{W}}}tbl") if not any(a.tag == f"{{{W}}}tc" for a in t.iterancestors())]
    row = tables[where.table].findall("w:tr", NS)[where.row]
    col, target = 0, None
    for tc in row.findall("w:tc", NS):
        if col == where.col:
            target = tc
        span = tc.find("w:tcPr/w:gridSpan", NS)
        col += int(span.get(f"{{{W}}}val")) if span is not None else 1
    t = next(target.iter(f"{{{W}}}t"))
    t.text = str(int(t.text) + delta)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return zip_bytes(parts.items())


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def _anchored_text(document: etree._Element, cid: str) -> tuple[str, str]:
    """(kind of element the comment starts in: "tc" or "p", its text)."""
    start = document.find(f".//w:commentRangeStart[@w:id='{cid}']", NS)
    assert start is not None
    p = start.getparent()
    cell = next((a for a in p.iterancestors() if a.tag == f"{{{W}}}tc"), None)
    host = cell if cell is not None else p
    return ("tc" if cell is not None else "p"), "".join(host.itertext())


@pytest.fixture(scope="module")
def wrong():
    data = _wrong_figure(DOCX, "requests.new.natural", -1)  # printed 80 → 79: T3-1 and T3-3 fail
    report = parse_source(Source("平潭综合实验区_2023.docx", data))
    violations = check(report)
    out, placed = annotate(data, report, remarks(report, violations))
    return data, report, violations, out, placed


def test_one_comment_per_finding_at_the_cell_or_sentence(wrong):
    data, report, violations, out, placed = wrong
    rules = [v.rule for v in violations]
    assert {"T3-1", "T3-3", "X-1", "S5-1", "S5-3"} <= set(rules)
    parts = _parts(out)
    comments = etree.fromstring(parts["word/comments.xml"]).findall("w:comment", NS)
    assert len(comments) == len(violations) == len(placed)
    document = etree.fromstring(parts["word/document.xml"])
    assert len(document.findall(".//w:commentReference", NS)) == len(violations)
    for v, p, c in zip(violations, placed, comments):
        text = "".join(c.itertext())
        assert v.rule in text and v.message in text  # the rule, in Chinese, with its figures
        kind, anchored = _anchored_text(document, c.get(f"{{{W}}}id"))
        if v.rule in ("T3-1", "T3-3"):  # at the cell of the sum's first term, in its own row or column
            assert p.anchor == CELL and kind == "tc" and anchored == str(report.value(v.cells[0]))
            assert p.where == report.cells[v.cells[0]].where
        if v.rule == "T3-1" and v.scope == "自然人栏":
            assert anchored == "79"  # the changed figure's own cell
        if v.rule == "X-1":
            assert p.anchor == PARAGRAPH and kind == "p" and "现行有效行政规范性文件393件" in anchored
        if v.rule.startswith("S5"):
            assert anchored.strip() == "五、存在的主要问题及改进情况"
    rels = parts["word/_rels/document.xml.rels"].decode()
    assert "relationships/comments" in rels
    assert "wordprocessingml.comments+xml" in parts["[Content_Types].xml"].decode()
    original = _parts(data)
    assert all(parts[n] == original[n] for n in original if n not in (
        "word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"))


def test_same_input_same_bytes_and_comments_kept(wrong):
    data, report, violations, out, _ = wrong
    assert annotate(data, report, remarks(report, violations))[0] == out
    again, placed = annotate(out, report, remarks(report, violations))  # a second review on the first
    comments = etree.fromstring(_parts(again)["word/comments.xml"]).findall("w:comment", NS)
    assert len(comments) == 2 * len(violations)
    assert [p.comment_id for p in placed] == list(range(len(violations), 2 * len(violations)))


def test_cli_word_report(tmp_path):
    out = tmp_path / "审核意见.docx"
    res = CliRunner().invoke(main, ["annotate", str(DOCX), "-o", str(out), "--archive", str(tmp_path / "档案")])
    assert res.exit_code == 0, res.output
    assert "3 条批注" in res.output
    assert len(etree.fromstring(_parts(out.read_bytes())["word/comments.xml"])) == 3


def test_cli_pdf_report_is_annotated_on_its_generated_docx(tmp_path):
    out = tmp_path / "审核意见.docx"
    res = CliRunner().invoke(main, ["annotate", str(PDF_2024), "--previous", str(PDF_2023), "-o", str(out)])
    assert res.exit_code in (0, 1), res.output
    parts = _parts(out.read_bytes())
    assert "按其数字生成" in res.output
    report = parse_source(Source("x.docx", out.read_bytes()))
    assert report.value("requests.new.total") == parse(PDF_2024).value("requests.new.total")
    comments = etree.fromstring(parts["word/comments.xml"])
    assert len(comments) == len(check(parse(PDF_2024), parse(PDF_2023)))


def test_cli_archive_with_previous_is_refused_not_ignored(tmp_path):
    # With --previous the previous year is that file: the archive named was never looked in.
    out = tmp_path / "审核意见.docx"
    res = CliRunner().invoke(main, ["annotate", str(PDF_2024), "--previous", str(PDF_2023), "-o", str(out),
                                    "--archive", str(tmp_path / "档案")])
    assert res.exit_code == 2 and "--archive 不用于给出 --previous 的审核" in res.output
    assert not out.exists()


def test_cli_unusable_input(tmp_path):
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    res = CliRunner().invoke(main, ["annotate", str(bad), "-o", str(tmp_path / "o.docx")])
    assert res.exit_code == 2 and "坏.docx" in res.output
    assert not (tmp_path / "o.docx").exists()


@pytest.mark.libreoffice
def test_libreoffice_reads_the_comments(wrong, tmp_path):
    from gknb.office import convert
    _, _, violations, out, _ = wrong
    src = tmp_path / "审核意见.docx"
    src.write_bytes(out)
    pdf, = convert([src], "pdf", tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    back, = convert([src], "docx", tmp_path / "back")  # LibreOffice's own save keeps each comment
    comments = etree.fromstring(_parts(back.read_bytes())["word/comments.xml"]).findall("w:comment", NS)
    assert len(comments) == len(violations)
    assert any("T3-3" in "".join(c.itertext()) for c in comments)


def test_a_figure_the_reader_was_unsure_of_gets_its_own_comment_at_its_cell():
    # 平潭 2023's 行政许可 2629 with a struck-through "2600" beside it: read 2629 and flagged.
    # The review's comments spoke only of rule findings, so the reviewer never saw that the figure
    # they rest on was in doubt; it has its own comment at its cell now.
    with zipfile.ZipFile(DOCX) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    old = b"<w:r><w:t>2629</w:t></w:r>"
    assert parts["word/document.xml"].count(old) == 1
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        old, b"<w:r><w:rPr><w:strike/></w:rPr><w:t>2600</w:t></w:r>" + old)
    data = zip_bytes(parts.items())
    report = parse_source(Source("平潭综合实验区_2023.docx", data))
    assert list(report.flags()) == ["proactive.art20_5.licensing.decisions"]
    out, placed = annotate(data, report, remarks(report, check(report)))
    doubt = [p for p in placed if p.remark.text.startswith("数字存疑")]
    assert len(doubt) == 1 and doubt[0].anchor == CELL and "2600" in doubt[0].remark.text
    document = etree.fromstring(_parts(out)["word/document.xml"])
    assert _anchored_text(document, str(doubt[0].comment_id)) == ("tc", "26002629")  # the cell, both runs
