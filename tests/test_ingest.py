"""Ingest over many documents: parallel parsing, per-file limits, summary, archive order."""

import shutil
import subprocess
import sys

from gknb.archive.store import Store
from gknb.jobs.ingest import ingest, parse_with_limit

from .conftest import CORPUS


def _inbox(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for rel in ("html/平潭综合实验区_2023.html", "html/平潭综合实验区_2024.html",
                "docx/平潭综合实验区_2025.docx", "pdf/淮安市洪泽区人民政府_2023.pdf"):
        shutil.copy(CORPUS / rel, inbox / rel.split("/")[1])
    (inbox / "坏文件.pdf").write_bytes(b"%PDF-1.4 broken")
    return inbox


def test_ingest_a_folder_with_two_workers_checks_each_year_against_the_previous(tmp_path):
    store = Store(tmp_path / "档案")
    outcomes = ingest(store, [_inbox(tmp_path)], workers=2)
    by_name = {o.path.rsplit("/", 1)[1]: o for o in outcomes}
    assert by_name["坏文件.pdf"].status == "failed" and "坏文件.pdf" in by_name["坏文件.pdf"].error
    assert {o.status for n, o in by_name.items() if n != "坏文件.pdf"} == {"new"}
    assert [(e.agency, e.year) for e in store.entries()] == [
        ("平潭综合实验区", 2023), ("平潭综合实验区", 2024), ("平潭综合实验区", 2025), ("洪泽区人民政府", 2023)]
    # 2024 was checked against 2023 from the same batch: T2-1 (现行有效 continuity) is recorded there
    rules_2024 = {v.rule for v in by_name["平潭综合实验区_2024.html"].violations}
    assert "T2-1" in rules_2024
    assert by_name["淮安市洪泽区人民政府_2023.pdf"].errors == 2  # the two T4-1 violations
    (tmp_path / "again").mkdir()
    again = ingest(store, [_inbox(tmp_path / "again")], workers=2)
    assert {o.status for o in again if o.report} == {"unchanged"}


def test_a_document_over_its_time_limit_fails_alone():
    path, report, error = parse_with_limit(str(CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf"), 0.01)
    assert report is None and "超时" in error


def test_cli_ingest_prints_progress_and_a_summary_table(tmp_path):
    res = subprocess.run([sys.executable, "-m", "gknb.cli", "ingest", _inbox(tmp_path), "--archive",
                          tmp_path / "a", "--workers", "2"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 2  # one unusable file
    assert "[5/5]" in res.stderr and "坏文件.pdf" in res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["文件", "机关", "年度", "格式", "确定", "存疑", "错误", "警告", "结果"]
    hongze = next(x for x in lines if "洪泽" in x).split()
    assert hongze[1:] == ["洪泽区人民政府", "2023", "2021", "186", "0", "2", "2", "已归档"]


def test_kind_is_recognised_by_content_not_extension(tmp_path):
    disguised = tmp_path / "其实是Word.pdf"
    shutil.copy(CORPUS / "docx" / "平潭综合实验区_2023.docx", disguised)
    from gknb.parsers import parse
    report = parse(disguised)
    assert report.source.kind == "docx" and report.value("requests.new.total") == 81


def test_reports_checked_in_the_workers_find_what_the_driver_would(tmp_path, monkeypatch):
    """The check runs where the report was parsed, against the archive as it stood; a year
    whose previous year came in the same batch is checked again once the batch is archived."""
    from gknb.jobs import ingest as ingest_mod

    from gknb.rules import check

    store = Store(tmp_path / "档案")
    first = tmp_path / "一"
    first.mkdir()
    shutil.copy(CORPUS / "html" / "平潭综合实验区_2023.html", first)
    ingest(store, [first], workers=2)
    rechecked = []
    real = ingest_mod.check
    monkeypatch.setattr(ingest_mod, "check", lambda r, p: rechecked.append((r.year, p and p.year)) or real(r, p))
    second = tmp_path / "二"
    second.mkdir()
    for rel in ("html/平潭综合实验区_2024.html", "docx/平潭综合实验区_2025.docx"):
        shutil.copy(CORPUS / rel, second)
    outcomes = {o.report.year: o for o in ingest(store, [second], workers=2)}
    # 2024 checked in a worker against the archived 2023 (not again here); 2025 here, against 2024
    assert rechecked == [(2025, 2024)]
    for year, o in outcomes.items():
        assert o.checked is None
        expected = check(store.get("平潭综合实验区", year), store.get("平潭综合实验区", year - 1))
        assert [v.as_dict() for v in o.violations] == [v.as_dict() for v in expected], year
    assert "T2-1" in {v.rule for v in outcomes[2024].violations}  # a cross-year rule: 2023 was there
