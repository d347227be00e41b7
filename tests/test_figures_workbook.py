"""The Excel figures form: drafted from the archive, filled as staff would in Excel (only the
input cells), read back wherever a figures file is accepted; bad cells named by sheet and cell;
hostile workbooks refused."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from gknb.archive.store import Store
from gknb.parsers import DocumentError, parse
from gknb.parsers.sniff import FIGURES_XLSX, sniff
from openpyxl import load_workbook

from gknb import template as tpl
from gknb.equations import total_terms
from gknb.formsheet import figure_refs, spec
from gknb.generator import generate_docx
from gknb.generator.basis import read
from gknb.generator.draft import draft
from gknb.generator.readiness import blockers
from gknb.generator.workbook import workbook
from gknb.model import Report

from .conftest import CORPUS

ZEZHOU = CORPUS / "txt" / "泽州县应急管理局_2025.txt"
AGENCY = "泽州县应急管理局"


def gknb(*args):
    return subprocess.run([sys.executable, "-m", "gknb.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def archived(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("wb") / "档案")
    store.put(parse(ZEZHOU), ZEZHOU.read_bytes())
    return store


@pytest.fixture()
def drafted(archived, tmp_path) -> Path:
    """The 2026 form, written by the command as staff get it."""
    out = tmp_path / "2026.xlsx"
    r = gknb("draft", AGENCY, "--year", 2026, "--archive", archived.root, "-o", out)
    assert r.returncode == 0, r.stderr
    return out


def _layouts(year: int = 2026):
    return [t.layout(tpl.load().format_for_year(year)) for t in tpl.load().tables.values()]


def fill(path: Path) -> dict[str, int]:
    """Type a figure into every input cell (never a total) as staff would; the figures typed.

    Per column of table 三 what came in plus what is new equals what was handled plus what goes
    on (T3-1), the carried-in figures kept as prefilled."""
    wb = load_workbook(path)
    typed: dict[str, int] = {}
    for layout in _layouts():
        ws = wb[layout.table.sheet]
        for n, (cid, at) in enumerate(figure_refs(layout).items()):
            value = ws[at].value
            if isinstance(value, str) and value.startswith("="):
                continue  # a total: computed
            assert ws[at].protection.locked is False
            if cid.startswith("requests.carried_in"):
                typed[cid] = value or 0
            elif cid.startswith("requests.new") or cid.startswith("requests.carried_out"):
                continue
            else:
                typed[cid] = n % 4
            ws[at] = typed[cid]
        if layout.table.id == "requests":
            results = [r.id for r in layout.blocks[0].rows if r.band and r.id != "total"]
            for col in layout.blocks[0].columns:
                if col.id == "total":
                    continue
                handled = sum(typed[f"requests.{r}.{col.id}"] for r in results)
                typed[f"requests.carried_out.{col.id}"] = 1
                typed[f"requests.new.{col.id}"] = handled + 1 - typed[f"requests.carried_in.{col.id}"]
                for row in ("carried_out", "new"):
                    ws[figure_refs(layout)[f"requests.{row}.{col.id}"]] = typed[f"requests.{row}.{col.id}"]
    text = wb[spec()["text_sheet"]]
    for row in text.iter_rows(min_row=1):
        label = row[0].value
        if label == "发出收费通知件数" or label in ("通知金额（元）", "实际收取金额（元）"):
            row[1].value = 0
        elif label == "电话":
            row[1].value = "0356-1234567"
        elif label and label.startswith("成文日期"):
            row[1].value = datetime(2027, 1, 18)  # typed as a date: Excel makes it one
    done = [r for r in text.iter_rows(min_row=1) if r[1].value and r[2].value is not None and r[0].value.isdigit()]
    for r in done:
        if r[3].value is None and r[1].value != "问题":
            r[3].value = "已召开专题会议整改，相关制度均已建立。"
    block = next(b for b in spec().blocks if b.feeds == "problems")
    problems_title = next(r[0].row for r in text.iter_rows(min_row=1) if r[0].value == block.title)
    text.cell(problems_title + 2, 2, "栏目更新仍不够及时")
    text.cell(problems_title + 2, 3, "建立每周巡查制度")
    wb.save(path)  # openpyxl: no cached values for the formulas
    return typed


def test_the_drafted_form_has_the_official_labels_formulas_and_protection(drafted):
    wb = load_workbook(drafted)
    t = tpl.load()
    assert wb.sheetnames == [*(tb.sheet for tb in t.tables.values()), spec()["text_sheet"]]
    ws = wb[t.table("requests").sheet]
    assert ws.protection.sheet and ws.protection.password is None
    assert "A4:C6" in {str(m) for m in ws.merged_cells.ranges}  # the note cell, 3×3 as in the form
    assert ws["A4"].value == t.table("requests").note
    report = Report.empty(AGENCY, 2026, "2021")
    totals = total_terms(report)
    refs = figure_refs(t.table("requests").layout("2021"))
    for cid, at in refs.items():
        if cid in totals:
            assert ws[at].value.startswith("=") and ws[at].protection.locked
            assert sorted(re.findall(r"[A-Z]+\d+", ws[at].value)) == sorted(refs[p.cell] for p in totals[cid][1])
        else:
            assert ws[at].protection.locked is False
    assert ws[refs["requests.total.natural"]].value.count("+") == 20  # 21 result rows
    # carried forward from 2025's 结转下年度 (the corpus text's figures), like the YAML draft
    last = parse(ZEZHOU)
    for col in ("business", "research", "nonprofit"):
        assert ws[refs[f"requests.carried_in.{col}"]].value == last.value(f"requests.carried_out.{col}")
    colour = {name: spec()[name] for name in ("carried_fill", "input_fill", "formula_fill")}
    assert ws[refs["requests.carried_in.research"]].fill.start_color.rgb.endswith(colour["carried_fill"])
    assert ws[refs["requests.new.natural"]].fill.start_color.rgb.endswith(colour["input_fill"])
    assert ws[refs["requests.new.total"]].fill.start_color.rgb.endswith(colour["formula_fill"])
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert kinds == {"whole"}
    proactive = wb[t.table("proactive").sheet]
    amount = figure_refs(t.table("proactive").layout("2021"))["proactive.art20_8.admin_fees.fee_amount"]
    decimal = [dv for dv in proactive.data_validations.dataValidation if dv.type == "decimal"]
    assert [str(dv.sqref) for dv in decimal] == [amount] and decimal[0].operator == "greaterThanOrEqual"


def test_draft_twice_gives_the_same_bytes(archived, drafted, tmp_path):
    assert workbook(draft(AGENCY, 2026, archived)) == drafted.read_bytes()
    again = tmp_path / "again.xlsx"
    assert gknb("draft", AGENCY, "--year", 2026, "--archive", archived.root, "-o", again).returncode == 0
    assert again.read_bytes() == drafted.read_bytes()


def test_filled_form_generates_a_report_with_exactly_those_figures_and_the_totals(archived, drafted, tmp_path):
    typed = fill(drafted)
    assert sniff(drafted.read_bytes(), str(drafted)) == FIGURES_XLSX
    figures = read(drafted)
    assert figures.report.agency == AGENCY and figures.report.year == 2026
    assert len(figures.rectification or []) == 3 and all(r.done for r in figures.rectification or [])
    assert figures.signature is not None and (figures.signature.agency, figures.signature.date) == (AGENCY, "2027年1月18日")
    previous = archived.get(AGENCY, 2025)
    data, doc = generate_docx(figures, previous)
    assert blockers(figures, doc, previous) == [] and doc.notes == []
    out = tmp_path / "2026.docx"
    out.write_bytes(data)
    back = parse(out)
    for cid, value in typed.items():
        assert back.value(cid) == value, cid
    totals = total_terms(back)
    assert totals
    for cid, (total, parts) in totals.items():
        assert back.value(cid) == total.sign * sum(p.sign * (back.value(p.cell) or 0) for p in parts), cid
    assert back.value("requests.total.total") == sum(typed[c] for c in typed
                                                     if c.startswith("requests.") and c.split(".")[1] not in
                                                     ("new", "carried_in", "carried_out"))
    # and through the commands: check passes, generate writes the final report
    assert gknb("check", drafted).returncode == 0
    r = gknb("generate", AGENCY, "--year", 2026, "--figures", drafted, "--archive", archived.root,
             "-o", tmp_path / "out", "--no-pdf")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / f"{doc.title}.docx").read_bytes() == data


def _set(path: Path, **cells) -> None:
    wb = load_workbook(path)
    for key, value in cells.items():
        sheet, at = key.split("_")
        wb[sheet][at] = value
    wb.save(path)


def test_bad_cells_are_named_by_sheet_and_cell_in_chinese(drafted):
    refs = figure_refs(tpl.load().table("requests").layout("2021"))
    d12, e12, f12 = (refs[f"requests.withheld_prohibited.{c}"] for c in ("natural", "business", "research"))
    assert d12 == "D12"
    _set(drafted, **{f"表二_{d12}": "五件", f"表二_{e12}": -3, f"表二_{f12}": 1.5})
    with pytest.raises(DocumentError) as e:
        read(drafted)
    message = str(e.value)
    assert "表二!D12（（三）不予公开/2.其他法律行政法规禁止公开 · 自然人）：应为数字，实为“五件”" in message
    assert "表二!E12" in message and "应为非负整数，实为“-3”" in message
    assert "表二!F12" in message and "应为整数，实为“1.5”" in message
    r = gknb("check", drafted)
    assert r.returncode == 2 and "表二!D12" in r.stderr
    r = gknb("parse", drafted, "--json")
    assert r.returncode == 2 and "表二!E12" in r.stderr


def test_a_wrong_fee_in_the_text_sheet_is_named_by_its_cell(drafted):
    wb = load_workbook(drafted)
    text = wb[spec()["text_sheet"]]
    row = next(r[0].row for r in text.iter_rows(min_row=1) if r[0].value == "通知金额（元）")
    text.cell(row, 2, -5)
    wb.save(drafted)
    with pytest.raises(DocumentError, match=rf"文字部分!B{row}（通知金额（元））：应为非负数"):
        read(drafted)


def _with_cached(data: bytes, sheet: int, at: str, value: int) -> bytes:
    """The workbook as Excel saves it: the formula cell ``at`` with a cached value."""
    out = io.BytesIO()
    name = f"xl/worksheets/sheet{sheet}.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == name:
                body, n = re.subn(rf'(<c r="{at}"[^>]*>\s*<f>[^<]*</f>)(\s*<v>[^<]*</v>)?'.encode(),
                                  rf"\g<1><v>{value}</v>".encode(), body)
                assert n == 1
            dst.writestr(info, body)
    return out.getvalue()


def test_a_cached_total_that_disagrees_is_the_typed_total_error(drafted, tmp_path):
    typed = fill(drafted)
    at = figure_refs(tpl.load().table("review_litigation").layout("2021"))["review_litigation.reconsideration.total"]
    parts = sum(typed[f"review_litigation.reconsideration.{c}"] for c in ("upheld", "corrected", "other", "pending"))
    bad = tmp_path / "excel.xlsx"
    bad.write_bytes(_with_cached(drafted.read_bytes(), 3, at, parts + 7))
    assert read(bad).report.value("review_litigation.reconsideration.total") == parts + 7
    r = gknb("check", bad)
    assert r.returncode == 1
    assert "T4-1" in r.stdout and str(parts + 7) in r.stdout and str(parts) in r.stdout
    good = tmp_path / "excel_ok.xlsx"
    good.write_bytes(_with_cached(drafted.read_bytes(), 3, at, parts))
    assert gknb("check", good).returncode == 0


def test_a_changed_label_is_refused_with_the_cell(drafted):
    _set(drafted, **{"表二_A7": "一、本年收到的申请"})
    with pytest.raises(DocumentError, match=r"表二!A7：应为“一、本年新收政府信息公开申请数量”"):
        read(drafted)


# --------------------------------------------------------------------------- hostile workbooks

def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.mark.parametrize("case", ["bomb", "entities", "huge_merge", "huge_dimension", "garbage", "many_sheets"])
def test_hostile_workbooks_are_refused_cleanly(drafted, tmp_path, case):
    members = _members(drafted)
    sheet = "xl/worksheets/sheet2.xml"
    if case == "bomb":
        members["xl/media/padding.xml"] = b"<a>" + b"0" * (80 * 1024 * 1024) + b"</a>"
    elif case == "entities":
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", members["xl/workbook.xml"])
        members["xl/workbook.xml"] = (b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">'
                                      b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + body)
    elif case == "huge_merge":
        members[sheet] = members[sheet].replace(b'<mergeCell ref="A4:C6"/>', b'<mergeCell ref="A4:XFD1048576"/>')
    elif case == "huge_dimension":
        members[sheet] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', members[sheet])
    elif case == "many_sheets":  # found by fuzzing: one sheet listed 500 more times (6 KB that openpyxl read 1,000 times)
        first = re.search(rb"<sheet [^>]*/>", members["xl/workbook.xml"]).group(0)
        members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(first, first * 500)
    else:
        members[sheet] = b"<worksheet><sheetData><row r='x'><c r='??'>"
    path = tmp_path / f"{case}.xlsx"
    path.write_bytes(_zip(members))
    r = gknb("check", path)
    assert r.returncode == 2, r.stderr
    assert path.name in r.stderr and "Traceback" not in r.stderr
    assert {"bomb": "压缩炸弹", "entities": "实体", "huge_merge": "范围过大", "huge_dimension": "范围过大",
            "garbage": "无法作为Excel工作簿", "many_sheets": "503个工作表"}[case] in r.stderr


def test_the_january_job_takes_the_filled_workbook_from_the_figures_folder(tmp_path):
    from gknb.jobs.january import DRAFTED, GENERATED, run

    work = tmp_path / "年报工作"
    (work / "inbox").mkdir(parents=True)
    (work / "inbox" / ZEZHOU.name).write_bytes(ZEZHOU.read_bytes())
    rows, _ = run(work, 2026, workers=1, pdf=False)
    assert [r.status for r in rows] == [DRAFTED]
    (yaml_file,) = (work / "figures").rglob("2026.yaml")
    form = yaml_file.with_suffix(".xlsx")
    form.write_bytes(workbook(draft(AGENCY, 2026, Store(work / "archive"))))
    fill(form)
    rows, failures = run(work, 2026, workers=1, pdf=False)
    assert failures == [] and [r.status for r in rows] == [GENERATED], rows[0].notes
    (docx,) = (work / "reports").rglob("*.docx")
    assert parse(docx).value("requests.total.total") == read(form).report.value("requests.total.total")


@pytest.mark.libreoffice
def test_the_pdf_of_a_filled_form_reads_back_to_the_same_figures(archived, drafted, tmp_path):
    from gknb.generator.pdf import to_pdf

    typed = fill(drafted)
    figures = read(drafted)
    data, _ = generate_docx(figures, archived.get(AGENCY, 2025))
    out = tmp_path / "2026.docx"
    out.write_bytes(data)
    (pdf,) = to_pdf([out], tmp_path)
    back = parse(pdf)
    assert {cid: back.value(cid) for cid in typed} == typed
    assert {cid: back.value(cid) for cid in figures.report.cells} == \
        {cid: figures.report.value(cid) for cid in figures.report.cells}  # the totals computed, too


def _insert_row(ws, at: int) -> None:
    """Insert a row as Excel does: the merged ranges below move down with their rows (openpyxl's
    insert_rows leaves them where they were)."""
    below = [r for r in ws.merged_cells.ranges if r.min_row >= at]
    for r in below:
        ws.unmerge_cells(str(r))
    ws.insert_rows(at)
    for r in below:
        r.shift(row_shift=1)
        ws.merge_cells(str(r))


def test_a_row_inserted_in_the_text_sheet_is_one_more_item(drafted):
    wb = load_workbook(drafted)
    text = wb[spec()["text_sheet"]]
    assert text.protection.sheet and not text.protection.insertRows  # inserting rows is allowed there
    assert wb[tpl.load().table("requests").sheet].protection.insertRows  # not in a table's sheet
    block = next(b for b in spec().blocks if b.feeds == "problems")
    title = next(r[0].row for r in text.iter_rows(min_row=1) if r[0].value == block.title)
    for n in range(5):  # five problems: two more than the rows the form has
        if n >= spec()["spare_rows"]:
            _insert_row(text, title + 2 + n)
        text.cell(title + 2 + n, 2, f"问题{n + 1}")
        text.cell(title + 2 + n, 3, f"措施{n + 1}")
    wb.save(drafted)
    assert [(p.problem, p.measure) for p in read(drafted).problems or []] == \
        [(f"问题{n}", f"措施{n}") for n in range(1, 6)]
