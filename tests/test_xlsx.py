"""Workbooks come out byte-identical for the same content (no save time inside)."""

from __future__ import annotations

import io
import time
import zipfile

from openpyxl import Workbook, load_workbook

from gknb.xlsx import workbook_bytes


def _book(value: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "表一"
    ws["A1"] = value
    ws["B1"] = "=SUM(B2:B3)"
    return workbook_bytes(wb)


def test_same_content_same_bytes_across_seconds():
    first = _book("总计")
    time.sleep(1.1)  # openpyxl would stamp a different save time
    assert _book("总计") == first
    assert _book("合计") != first


def test_written_workbook_reads_back():
    wb = load_workbook(io.BytesIO(_book("总计")))
    assert wb["表一"]["A1"].value == "总计"
    assert wb["表一"]["B1"].value == "=SUM(B2:B3)"
    with zipfile.ZipFile(io.BytesIO(_book("总计"))) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
