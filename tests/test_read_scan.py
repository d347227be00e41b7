"""Scanned reports, read by recognition: exact or flagged, never silently wrong.

The scans are made here from the corpus' text PDFs (``tests/scans.py``), so every figure is
known: rendered, stamped with a red seal over table 三, grey, noised, rotated, JPEG-compressed.
Each scan is parsed once per module (recognition takes seconds a page).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from gknb.archive.xml import from_xml, to_xml
from gknb.parsers import DocumentError, parse

from gknb.view import to_view
from tests.conftest import CORPUS, load_expected
from tests.scans import Degradation, coarse_page, make_scan, seal_spot
from tests.scoring import score

pytestmark = pytest.mark.slow

PINGTAN = CORPUS / "pdf" / "平潭综合实验区_2023.pdf"
HONGZE = CORPUS / "pdf" / "淮安市洪泽区人民政府_2024.pdf"


def _expected(pdf: Path) -> dict:
    return load_expected(pdf.with_name(pdf.name + ".expected.json"))


@pytest.fixture(scope="module")
def stamped(tmp_path_factory) -> tuple[Path, object]:
    """平潭 2023 as a signed copy: seal over table 三, grey, noise, JPEG, at 200 dpi."""
    how = Degradation(dpi=200, grey=False, noise=6, jpeg=80, seal=True)
    path = make_scan(PINGTAN, tmp_path_factory.mktemp("scan") / "平潭扫描件.pdf", how)
    return path, parse(path)


def test_stamped_scan_is_exact_or_flagged(stamped):
    _, report = stamped
    s = score(to_view(report), _expected(PINGTAN))
    assert s.silent == []
    assert s.exact >= 0.98 * (s.exact + s.flagged), (s.exact, s.flagged)
    assert report.agency == "平潭综合实验区" and report.year == 2023
    assert report.source.kind == "scan"


def test_figures_carry_page_box_and_confidence(stamped):
    _, report = stamped
    cell = report.cells["requests.new.total"]
    assert cell.value == 81
    assert cell.where.page == 4 and cell.where.box is not None
    assert 0.85 <= cell.where.confidence <= 1.0
    back = from_xml(to_xml(report))  # the archive keeps the confidence (schema-validated)
    assert back.cells["requests.new.total"].where.confidence == pytest.approx(cell.where.confidence, abs=1e-3)


def test_explain_shows_recognised_text_and_confidence(stamped):
    path, _ = stamped
    out = subprocess.run([sys.executable, "-m", "gknb.cli", "parse", str(path), "--explain"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    lines = [ln for ln in out.stdout.splitlines() if "识别：" in ln]
    assert any("本年新收政府信息公开申请数量" in ln and "最低置信度" in ln for ln in lines)


def test_grey_seal_over_row_labels_costs_no_row(tmp_path):
    """A seal on a grey scan cannot be taken out by colour: its ink is erased inside its ring,
    so its characters do not join the row labels of table 三 it covers — the rows are matched,
    their figures exact or flagged."""
    from gknb.model import ABSENT, UNMATCHED_ROW

    how = Degradation(dpi=200, grey=True, noise=8, rotation=1.0, jpeg=75, seal=True, seal_x=0.3)
    page = seal_spot(PINGTAN, across=how.seal_x)[0]
    report = parse(make_scan(PINGTAN, tmp_path / "灰度盖章.pdf", how, only=page))  # table 三's first page
    assert not [f for f in report.findings if f.kind == UNMATCHED_ROW]
    sealed = [cid for cid in report.cells if cid.split(".")[1] in ("new", "carried_in", "disclosed", "partly_disclosed")]
    assert len(sealed) >= 4 * 7 and all(report.cells[cid].state != ABSENT for cid in sealed)
    s = score(to_view(report), _expected(PINGTAN))
    assert s.silent == []
    assert s.exact >= 4 * 7


_STREAM = """
import json, os, sys
os.environ["GKNB_OCR_THREADS"] = "1"  # the serial path on one thread, as each page worker
from pathlib import Path
from gknb.parsers.scan import ScanSettings, _read_pages
from gknb.parsers.scan_image import pdf_pages
path = Path(sys.argv[1])
pulled = []
def frames():  # the top of each page: enough to read, and quick
    for number, rgb, dpi in pdf_pages(path.read_bytes(), path.name):
        pulled.append(number)
        yield number, rgb[: rgb.shape[0] // 4].copy(), dpi
seen, parallel = [], []
for page in _read_pages(frames(), ScanSettings(workers=2)):
    seen.append(len(pulled))
    parallel.append(page)
os.environ["GKNB_OCR_SERIAL"] = "1"
serial = list(_read_pages(frames(), ScanSettings(workers=2)))
print(json.dumps({"seen": seen, "numbers": [p.number for p in parallel], "same": parallel == serial,
                  "items": sum(len(p.items) for p in serial)}))
"""


def test_pages_stream_to_the_workers_and_read_as_serially(tmp_path):
    """A scan's pages are rendered as the page workers take them (two per worker wait at
    most, not the whole scan in memory), and read in parallel they are what the serial path
    reads, in order."""
    path = make_scan(HONGZE, tmp_path / "五页.pdf", Degradation(dpi=150))
    out = subprocess.run([sys.executable, "-c", _STREAM, str(path)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["seen"][0] == 4  # a window of 2 × 2 pages (of 5) rendered when the first is read
    assert got["numbers"] == [1, 2, 3, 4, 5]
    assert got["same"] and got["items"] >= 10


def test_rotated_coarse_scan_is_never_silent(tmp_path):
    """150 dpi, turned 1°: some figures may be flagged, none may be wrong."""
    path = make_scan(HONGZE, tmp_path / "洪泽扫描件.pdf", Degradation(dpi=150, grey=True, rotation=1.0))
    s = score(to_view(parse(path)), _expected(HONGZE))
    assert s.silent == []
    assert s.exact > 0.5 * (s.exact + s.flagged)  # it did read the tables


def test_page_image_reads_its_tables(tmp_path):
    """One page as a PNG: the table on it is read; what it does not hold is absent, flagged."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(HONGZE))
    image = doc[2].render(scale=200 / 72).to_pil().convert("RGB")
    doc.close()
    path = tmp_path / "第3页.png"
    image.save(path, dpi=(200, 200))
    report = parse(path)
    assert report.source.kind == "image"
    assert report.cells["requests.new.total"].value == 95
    assert report.cells["requests.carried_in.total"].value == 0
    assert report.cells["review_litigation.reconsideration.total"].flag  # table 四 is on another page


def test_coarse_scan_is_refused(tmp_path):
    path = coarse_page(HONGZE, tmp_path / "模糊.pdf")
    with pytest.raises(DocumentError) as info:
        parse(path)
    assert "模糊.pdf" in str(info.value) and "分辨率过低" in str(info.value)


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"\xff\xd8\xff\xe0" + b"junk" * 10])
def test_damaged_image_is_refused(tmp_path, data):
    path = tmp_path / "坏图.png"
    path.write_bytes(data)
    with pytest.raises(DocumentError) as info:
        parse(path)
    assert "坏图.png" in str(info.value) and "图像" in str(info.value)


def test_a_misread_figure_two_sums_agree_on_is_settled():
    """The sums decide where they force one answer: a figure its row and column sums give the
    same value is that value; two misread figures force nothing and stay flagged."""
    from gknb.parsers.understand import _flag_contradicted, _settle_misread

    from gknb.model import VALUE, Cell

    report = parse(PINGTAN)  # the text PDF: the same figures, none in doubt
    cid = "requests.disclosed.natural"
    right = report.cells[cid]
    report.cells[cid] = Cell(VALUE, right.value + 6, str(right.value + 6), right.where, None)
    _settle_misread(report)
    _flag_contradicted(report)
    assert report.cells[cid].value == right.value and not report.cells[cid].flag
    assert any("按这些合计取为" in f.message for f in report.findings)
    assert not any(c.flag for c in report.cells.values())

    report = parse(PINGTAN)  # two misread figures: no one figure the failing sums share
    for cid in ("requests.disclosed.natural", "requests.disclosed.business"):
        cell = report.cells[cid]
        report.cells[cid] = Cell(VALUE, cell.value + 3, str(cell.value + 3), cell.where, None)
    _settle_misread(report)
    _flag_contradicted(report)
    assert report.cells["requests.disclosed.natural"].flag and report.cells["requests.disclosed.business"].flag
