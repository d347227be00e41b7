"""Figures across years and agencies: series, conditions and the export equal the archive's."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from gknb.archive.store import Store

from gknb import template as tpl
from gknb.model import VALUE
from gknb.search import cells as cellnames
from gknb.search.errors import SearchError
from gknb.search.export import write
from gknb.search.scope import make_scope
from gknb.search.series import figures, parse_conditions, query, series
from tests import test_search as shared

# The corpus archive fixtures, shared with test_search.py.
archive = shared.archive
corpus_archive = shared.corpus_archive
index = shared.index


def archived(store: Store):
    """(agency directory, year) -> Report, read with the archive's own reader."""
    return {(e.agency, e.year): store.get(e.agency, e.year) for e in store.entries()}


# --------------------------------------------------------------------------- naming cells

def test_a_cell_is_named_by_id_label_path_or_words():
    t = tpl.load()
    cell = t.cell("requests.new.total")
    path = "/".join(cell.json_path)
    for name in ("requests.new.total", f"requests/{path}", path, cell.label, "本年新收 总计", " 本年新收  总计 "):
        assert cellnames.resolve(name).id == "requests.new.total", name
    assert cellnames.resolve("行政复议 总计").id == "review_litigation.reconsideration.total"
    # a label with '/' inside (2019's 本年增/减) still resolves as a whole path
    change = t.cell("proactive.art20_5.licensing.change")
    assert cellnames.resolve("proactive/" + "/".join(change.json_path)).id == change.id


def test_an_ambiguous_or_unknown_cell_is_an_error_listing_candidates():
    with pytest.raises(SearchError) as e:
        cellnames.resolve("总计")
    assert "requests.new.total" in str(e.value) and "review_litigation.reconsideration.total" in str(e.value)
    with pytest.raises(SearchError) as e:
        cellnames.resolve("行政复议")
    assert "review_litigation.reconsideration.upheld" in str(e.value)
    with pytest.raises(SearchError, match="没有与"):
        cellnames.resolve("不存在的标签")
    with pytest.raises(SearchError, match="没有与"):
        cellnames.resolve("requests.new.totl")


def test_every_cell_of_the_template_resolves_by_its_paths():
    for cid, cell in cellnames.catalogue().items():
        assert cellnames.resolve(cid) is cell
        assert cellnames.resolve(cellnames.full_path(cell)) is cell


# --------------------------------------------------------------------------- series

@pytest.mark.parametrize("cell_id", ["requests.new.total", "review_litigation.reconsideration.total",
                                     "proactive.art20_1.normative.issued", "requests.other_handling.total",
                                     "proactive.art20_9.procurement.procurement_amount",
                                     "proactive.art20_8.admin_fees.fee_amount"])
def test_series_equals_the_archive(index, cell_id):
    reports = archived(index.store)
    cell = tpl.load().cell(cell_id)
    points = series(index.connection(), cell)
    assert [(p.agency, p.year) for p in points] == sorted(reports)
    for p in points:
        report = reports[(p.agency, p.year)]
        c = report.cells.get(cell_id)
        if c is None:  # the report's layout has no such cell (pre-2019, other format)
            assert p.state is None and p.value is None
            continue
        assert p.state == c.state and p.flag == c.flag
        assert p.value == (None if c.state != VALUE else str(c.value))
        assert p.as_dict()["value"] == (c.value if c.state == VALUE else None)


def test_series_keeps_blanks_blank(index):
    """上海 2019 prints an empty 总计 column: blank, never 0."""
    reports = archived(index.store)
    blanks = [(k, cid) for k, r in reports.items() for cid, c in r.cells.items() if c.state == "blank"]
    assert blanks
    for (agency, year), cid in blanks[:20]:
        p = next(p for p in series(index.connection(), tpl.load().cell(cid)) if (p.agency, p.year) == (agency, year))
        assert p.state == "blank" and p.value is None and p.as_dict()["value"] is None


def test_series_scope(index):
    conn = index.connection()
    scope = make_scope(conn, index.store, agency="平潭", years="2020-2024")
    points = series(conn, tpl.load().cell("requests.new.total"), scope)
    assert [(p.agency, p.year) for p in points] == [("平潭综合实验区", y) for y in (2021, 2023, 2024)]


# --------------------------------------------------------------------------- conditions

def _expected(reports, *conds):
    out = []
    for (agency, year), r in sorted(reports.items()):
        values = [r.value(cid) for cid, _, _ in conds]
        if all(v is not None and op(v, n) for v, (_, op, n) in zip(values, conds)):
            out.append((agency, year, tuple(str(v) for v in values)))
    return out


def test_query_equals_the_archive(index):
    import operator as o
    reports = archived(index.store)
    conn = index.connection()
    cases = [
        (["行政复议 总计 > 0"], [("review_litigation.reconsideration.total", o.gt, 0)]),
        (["行政复议", "总计", ">", "0"], [("review_litigation.reconsideration.total", o.gt, 0)]),
        (["requests.new.total >= 100"], [("requests.new.total", o.ge, 100)]),
        (["requests.new.total < 100"], [("requests.new.total", o.lt, 100)]),
        (["requests.new.total = 0"], [("requests.new.total", o.eq, 0)]),
        (["requests.new.total != 81"], [("requests.new.total", o.ne, 81)]),
        (["requests/一、本年新收政府信息公开申请数量/总计 <= 81"], [("requests.new.total", o.le, 81)]),
        (["requests.new.total >= 50", "且 行政复议 总计 > 2"],
         [("requests.new.total", o.ge, 50), ("review_litigation.reconsideration.total", o.gt, 2)]),
        (["requests.new.total >= 50, 行政复议 总计 > 2"],
         [("requests.new.total", o.ge, 50), ("review_litigation.reconsideration.total", o.gt, 2)]),
    ]
    for args, conds in cases:
        got = [(m.agency, m.year, m.values) for m in query(conn, parse_conditions(args))]
        assert got == _expected(reports, *conds), args
    assert query(conn, parse_conditions(["requests.new.total >= 100"]))  # the cases are not all empty
    assert not query(conn, parse_conditions(["requests.new.total > 100000000"]))


def test_blank_and_absent_cells_never_satisfy_a_condition(index):
    reports = archived(index.store)
    conn = index.connection()
    blank = next((k, cid) for k, r in sorted(reports.items()) for cid, c in r.cells.items() if c.state == "blank")
    (agency, year), cid = blank
    for op in ("=", "!=", ">=", "<=", ">", "<"):
        matches = query(conn, parse_conditions([f"{cid} {op} 0"]))
        assert (agency, year) not in {(m.agency, m.year) for m in matches}, op
    # absent: reports without tables (the 2017 one) never match either
    matches = query(conn, parse_conditions(["requests.new.total >= 0"]))
    assert ("平潭综合实验区", 2017) not in {(m.agency, m.year) for m in matches}


def test_bad_conditions_are_errors():
    for args in (["行政复议 总计"], ["总计 > 0"], ["requests.new.total >> 1"], ["requests.new.total > 十"], []):
        with pytest.raises(SearchError):
            parse_conditions(args)
    cond = parse_conditions(["proactive.art20_8.admin_fees.fee_amount ≥ 0.5"])[0]
    assert cond.op == "≥" and cond.number == Decimal("0.5")


# --------------------------------------------------------------------------- export

def _archive_rows(store: Store):
    t = tpl.load()
    rows = []
    for e in store.entries():
        r = store.get(e.agency, e.year)
        for cdef in r.cell_defs():
            c = r.cells[cdef.id]
            value = "" if c.state != VALUE else (format(c.value, "f") if isinstance(c.value, Decimal) else str(c.value))
            rows.append([e.agency, str(e.year), r.format, cdef.table, r.table_formats[cdef.table], cdef.id,
                         "/".join(cdef.json_path), value, c.state, c.flag or ""])
    assert t
    return rows


def test_csv_export_equals_the_archive_in_chinese(index):
    out = io.BytesIO()
    n = write("csv", figures(index.connection()), out)
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["机关", "年度", "表", "行", "栏", "数值", "状态", "存疑原因", "格式", "表格格式", "单元格编号"]
    t = tpl.load()
    states = {"value": "有值", "blank": "空白", "absent": "缺失"}
    expected = []
    for agency, year, fmt, table, table_format, cid, label, value, state, flag in _archive_rows(index.store):
        c = t.cell(cid)
        assert label.startswith("/".join(c.json_path[:-1]))
        expected.append([agency, year, t.section(t.table(table).section).heading, "/".join(c.json_path[:-1]),
                         c.json_path[-1], value, states[state], flag, t.formats[fmt].name,
                         t.formats[table_format].name, cid])
    assert n == len(expected) == len(rows) - 1
    assert rows[1:] == expected
    assert {r[6] for r in rows[1:]} >= {"有值", "空白", "缺失"}
    again = io.BytesIO()
    write("csv", figures(index.connection()), again)
    assert again.getvalue() == data  # deterministic


def test_xlsx_export_is_wide_one_sheet_a_year(index):
    out = io.BytesIO()
    n = write("xlsx", figures(index.connection()), out)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    expected = _archive_rows(index.store)
    assert n == len(expected)
    assert wb.sheetnames == [f"{y}年度" for y in sorted({int(r[1]) for r in expected})]
    t = tpl.load()
    for agency, year, _, _, _, cid, _, value, state, _ in expected:
        ws = wb[f"{year}年度"]
        col = next(c for c in range(2, ws.max_column + 1) if ws.cell(3, c).value == t.cell(cid).json_path[-1]
                   and ws.cell(2, c).value == "/".join(t.cell(cid).json_path[:-1]))
        row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == agency)
        got = ws.cell(row, col).value
        assert (str(got) if state == "value" else got) == (value if state == "value" else
                                                          {"blank": "空白", "absent": "缺失"}[state])
    again = io.BytesIO()
    write("xlsx", figures(index.connection()), again)
    assert again.getvalue() == out.getvalue()  # byte for byte


def test_json_export_equals_the_csv(index):
    out = io.BytesIO()
    write("json", figures(index.connection()), out)
    records = json.loads(out.getvalue().decode("utf-8"), parse_float=Decimal)
    expected = _archive_rows(index.store)
    assert len(records) == len(expected)
    for rec, row in zip(records, expected):
        value = rec["value"]
        assert [rec["agency"], str(rec["year"]), rec["format"], rec["table"], rec["table_format"], rec["cell_id"],
                rec["label"], "" if value is None else str(value), rec["state"], rec["flag"] or ""] == row


def test_export_scope(index):
    conn = index.connection()
    rows = list(figures(conn, make_scope(conn, index.store, agency="洪泽区人民政府", year=2024)))
    assert rows and {(f.agency, f.year) for f in rows} == {("洪泽区人民政府", 2024)}
