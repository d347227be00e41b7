"""Bad input: a clear Chinese message naming the file, exit 2, no traceback, archive untouched."""

import io
import subprocess
import sys
import time
import zipfile

import pytest
from gknb.archive.fs import Tree
from gknb.parsers import DocumentError, parse
from gknb.parsers.workbook import load
from openpyxl import Workbook

from gknb.register import RegisterError, read

from .conftest import CORPUS


def _docx_with(document_xml: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", document_xml)
    return buf.getvalue()


W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _bad_inputs(tmp_path):
    pdf = (CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf").read_bytes()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document " + W + b"><w:body>" + b" " * (300 * 1024 * 1024) + b"</w:body></w:document>")
    laughs = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><w:document ' + W + b'><w:body><w:p><w:r><w:t>&c;</w:t>'
              b'</w:r></w:p></w:body></w:document>')
    not_report = (b'<w:document ' + W + b'><w:body><w:p><w:r><w:t>\xe4\xbc\x9a\xe8\xae\xae\xe9\x80\x9a\xe7\x9f\xa5'
                  b'\xef\xbc\x9a\xe6\x98\x8e\xe5\xa4\xa9\xe4\xb8\x8b\xe5\x8d\x88\xe5\xbc\x80\xe4\xbc\x9a\xe3\x80\x82'
                  b'</w:t></w:r></w:p></w:body></w:document>')  # 会议通知：明天下午开会。
    rows = "".join(f"<tr><td>第{i}行</td><td>{i}</td></tr>" for i in range(20000))
    return {
        "空文件.pdf": b"",
        "截断.pdf": pdf[: len(pdf) // 3],
        "随机字节.docx": bytes((i * 7919 + 13) % 256 for i in range(50000)),
        "压缩炸弹.docx": bomb.getvalue(),
        "恶意实体.docx": _docx_with(laughs),
        "不是年报.docx": _docx_with(not_report),
        "超大表格.html": f"<html><body><table>{rows}</table></body></html>".encode(),
        "旧版文件.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000),
    }


def test_each_kind_of_bad_input_gets_a_chinese_message_quickly(tmp_path):
    for name, data in _bad_inputs(tmp_path).items():
        path = tmp_path / name
        path.write_bytes(data)
        start = time.monotonic()
        with pytest.raises(DocumentError) as e:
            parse(path)
        assert name in str(e.value)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in e.value.problem)
        assert time.monotonic() - start < 30, name  # a hang guard, not a speed test


def test_a_huge_grid_inside_a_report_is_skipped_and_said(tmp_path):
    page = (CORPUS / "html" / "平潭综合实验区_2024.html").read_text("utf-8")
    rows = "".join(f"<tr><td>第{i}行</td><td>{i}</td></tr>" for i in range(20000))
    path = tmp_path / "附大表.html"
    path.write_text(page.replace("</body>", f"<table>{rows}</table></body>"), "utf-8")
    report = parse(path)
    assert any("跳过" in f.message and "20000行" in f.message for f in report.findings)
    assert report.value("requests.new.total") == 218


def test_cli_on_bad_input_exits_2_and_leaves_the_archive_untouched(tmp_path):
    archive = tmp_path / "档案"
    good = CORPUS / "html" / "平潭综合实验区_2024.html"
    res = subprocess.run([sys.executable, "-m", "gknb.cli", "ingest", good, "--archive", archive],
                         capture_output=True, text=True)
    assert res.returncode in (0, 1), res.stderr
    before = sorted((p.relative_to(archive), p.read_bytes()) for p in archive.rglob("*") if p.is_file())
    bad = tmp_path / "截断.pdf"
    bad.write_bytes((CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf").read_bytes()[:5000])
    res = subprocess.run([sys.executable, "-m", "gknb.cli", "ingest", bad, "--archive", archive],
                         capture_output=True, text=True)
    assert res.returncode == 2
    assert "截断.pdf" in res.stderr and "Traceback" not in res.stderr
    after = sorted((p.relative_to(archive), p.read_bytes()) for p in archive.rglob("*") if p.is_file())
    assert after == before


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("error", ["MalformedPDFException", "ValueError"])
def test_a_pdf_the_libraries_choke_on_is_refused_as_damaged(monkeypatch, error, engine):
    """Seen by the fuzzer: a page box of names, degenerate ruling (pdfplumber raises these)."""
    import pdfplumber.utils.exceptions
    from gknb.parsers import PdfSettings, ReadSettings
    from gknb.parsers import pdf as reader
    exc = getattr(pdfplumber.utils.exceptions, error, None) or ValueError

    def broken(edges):
        raise exc("Bounding box contains non-number coordinate(s)")
    monkeypatch.setattr(reader, "_find_tables", broken)
    with pytest.raises(DocumentError) as e:
        parse(CORPUS / "pdf" / "平潭综合实验区_2023.pdf", ReadSettings(pdf=PdfSettings(engine)))
    assert "损坏" in e.value.problem


def _garbled(member: str, method: int, source: bytes) -> bytes:
    """``source`` (a zip) with ``member`` recompressed by ``method`` and its compressed bytes
    overwritten with garbage: the method's decompressor fails on it (bzip2 raises OSError,
    lzma LZMAError — neither a zipfile error)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(buf, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, zin.read(item), compress_type=method if item.filename == member else zipfile.ZIP_DEFLATED)
    data = bytearray(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo(member)
    at = info.header_offset  # the local header: 30 bytes, then its own name and extra field
    start = at + 30 + int.from_bytes(data[at + 26:at + 28], "little") + int.from_bytes(data[at + 28:at + 30], "little")
    data[start + 4:start + info.compress_size] = bytes((i * 131 + 7) % 256 for i in range(info.compress_size - 4))
    return bytes(data)


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_a_zip_member_its_decompressor_rejects_is_a_damaged_file(method, tmp_path):
    """Found by the fuzzer (figures-xlsx): a bzip2 member of garbage raised OSError out of the
    workbook reader.  Word reports, the figures workbook and the register all say "damaged"."""
    docx = tmp_path / "报告.docx"
    docx.write_bytes(_garbled("word/document.xml", method, (CORPUS / "docx" / "平潭综合实验区_2023.docx").read_bytes()))
    with pytest.raises(DocumentError) as e:
        parse(docx)
    assert "损坏" in e.value.problem
    wb = Workbook()
    wb.active["A1"] = "机关全称"
    plain = io.BytesIO()
    wb.save(plain)
    xlsx = _garbled("xl/worksheets/sheet1.xml", method, plain.getvalue())
    with pytest.raises(DocumentError) as e:
        load(xlsx, "数字.xlsx")
    assert "损坏" in e.value.problem
    (tmp_path / "机关名录.xlsx").write_bytes(xlsx)
    with pytest.raises(RegisterError):
        read(Tree(tmp_path), tmp_path / "机关名录.xlsx")
