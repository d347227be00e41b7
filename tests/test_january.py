"""The January job: the whole journey, idempotence, and kill -9 at any moment then restart."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
import yaml
from gknb.jobs.january import ARCHIVED, DRAFTED, GENERATED, UNFINISHED, run

from gknb import template as tpl

from .builders import fill
from .conftest import CORPUS

pytestmark = [pytest.mark.slow, pytest.mark.libreoffice]

INBOX = ("html/平潭综合实验区_2023.html", "html/平潭综合实验区_2024.html",
         "pdf/淮安市洪泽区人民政府_2023.pdf", "pdf/淮安市洪泽区人民政府_2024.pdf",
         "txt/泽州县应急管理局_2025.txt")


def make_work(root: Path) -> Path:
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    for rel in INBOX:
        shutil.copy(CORPUS / rel, inbox / rel.split("/")[1])
    return root


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file's bytes; PDFs by their text (LibreOffice stamps the time into the bytes)."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.name != ".lock":
            rel = str(p.relative_to(root))
            if p.suffix == ".pdf":
                with pdfplumber.open(p) as pdf:
                    out[rel] = "".join(page.extract_text() or "" for page in pdf.pages)
            else:
                out[rel] = p.read_bytes()
    return out


def test_the_journey_then_a_rerun_changes_nothing(tmp_path):
    work = make_work(tmp_path / "w")
    rows, failures = run(work, 2025, workers=2, pdf=False)
    assert failures == []
    status = {r.agency: r.status for r in rows}
    assert status == {"平潭综合实验区": DRAFTED, "淮安市洪泽区人民政府": DRAFTED, "泽州县应急管理局": ARCHIVED}
    draft = work / "figures" / "平潭综合实验区" / "2025.yaml"
    assert "上年结转" in draft.read_text("utf-8")
    fill(draft)
    rows, failures = run(work, 2025, workers=2, pdf=True)
    row = next(r for r in rows if r.agency == "平潭综合实验区")
    assert row.status == GENERATED
    names = sorted(Path(o).name for o in row.outputs)
    assert names == ["平潭综合实验区2025年政府信息公开工作年度报告.docx",
                     "平潭综合实验区2025年政府信息公开工作年度报告.pdf", "平潭综合实验区_2025.html"]
    assert (work / "archive" / "reports" / "平潭综合实验区" / "2025.xml").exists()
    assert (work / "reviews" / "index.html").read_text("utf-8").count("平潭综合实验区") >= 1
    before = {p: p.stat().st_mtime_ns for p in work.rglob("*") if p.is_file()}
    snap = snapshot(work)
    again, _ = run(work, 2025, workers=2, pdf=True)
    assert snapshot(work) == snap
    assert {p: p.stat().st_mtime_ns for p in work.rglob("*") if p.is_file()} == before  # nothing rewritten
    assert [(r.agency, r.status) for r in again] == [(r.agency, r.status) for r in rows]


def _cli(work: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "gknb.cli", "january", "--work", str(work), "--year", "2025",
                             "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **kw)


def _prepared(root: Path) -> Path:
    """Drafts filled in, and no archive or reviews yet: the state both runs start from."""
    work = make_work(root)
    run(work, 2025, workers=2, pdf=False)
    fill(work / "figures" / "平潭综合实验区" / "2025.yaml")
    fill(work / "figures" / "洪泽区人民政府" / "2025.yaml")
    shutil.rmtree(work / "archive")
    shutil.rmtree(work / "reviews")
    return work


@pytest.mark.parametrize("marker", ["[入库 2/", "[生成", "[审查 1/"])
def test_killed_at_any_moment_and_restarted_it_finishes_with_nothing_lost(tmp_path, marker):
    reference = _prepared(tmp_path / "reference")
    done = _cli(reference)
    done.communicate(timeout=600)
    assert done.returncode in (0, 1)

    work = _prepared(tmp_path / "killed")
    proc = _cli(work)
    for line in proc.stderr:
        if line.startswith(marker):
            os.killpg(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=600)
    assert proc.returncode == -signal.SIGKILL
    restarted = _cli(work)
    restarted.communicate(timeout=600)
    assert restarted.returncode == done.returncode
    assert snapshot(work) == snapshot(reference)
    assert not [p for p in work.rglob("*") if (p.is_file() and p.name.endswith(".tmp")) or p.name.startswith(".pdf-")]


def test_the_bundled_sample_runs_the_whole_journey(tmp_path):
    sample = Path(__file__).resolve().parents[1] / "samples" / "work"
    work = tmp_path / "sample"
    shutil.copytree(sample, work)
    rows, failures = run(work, 2025, workers=2, pdf=True)
    assert failures == []
    [row] = rows
    assert (row.agency, row.status, row.errors, row.warnings) == ("示例县数据资源局", GENERATED, 0, 0)
    store_years = sorted(p.stem for p in (work / "archive" / "reports" / "示例县数据资源局").glob("*.xml"))
    assert store_years == ["2022", "2023", "2024", "2025"]
    review = (work / "reviews" / "示例县数据资源局_2025.html").read_text("utf-8")
    assert "2024" in review and "2025" in review


def test_figures_that_do_not_add_up_give_a_draft_marked_as_such_never_a_report(tmp_path):
    work = make_work(tmp_path / "w")
    run(work, 2025, workers=1, pdf=False)
    draft = work / "figures" / "平潭综合实验区" / "2025.yaml"
    fill(draft)
    data = yaml.safe_load(draft.read_text("utf-8"))
    new_total = tpl.load().cell("requests.new.total").json_path
    data["requests"][new_total[0]][new_total[1]] = 5  # its parts were filled as 0
    draft.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    rows, failures = run(work, 2025, workers=1, pdf=False)
    row = next(r for r in rows if r.agency == "平潭综合实验区")
    assert row.status == UNFINISHED and row.errors >= 1
    assert any("T3-3" in n for n in row.notes), row.notes
    docx = [Path(o).name for o in row.outputs if o.endswith(".docx")]
    assert docx == ["平潭综合实验区2025年政府信息公开工作年度报告（征求意见稿）.docx"]


def test_the_summary_and_the_index_count_the_figures_the_reader_was_unsure_of(tmp_path):
    # 上海 2024 is archived with three flagged figures: the summary's row and the index said only
    # 已归档 with its warnings; both count them now, and a clean report counts none.
    work = tmp_path / "w"
    (work / "inbox").mkdir(parents=True)
    for rel in ("md/上海市科学技术委员会_2024.md", "html/平潭综合实验区_2024.html"):
        shutil.copy(CORPUS / rel, work / "inbox" / rel.split("/")[1])
    res = subprocess.run([sys.executable, "-m", "gknb.cli", "january", "--work", str(work), "--year", "2024",
                          "--no-pdf"], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].split()[:7] == ["机关", "状态", "报送", "错误", "警告", "存疑数字", "输出"]
    row = {line.split()[0]: line.split() for line in lines[1:]}
    assert row["上海市科委"][5] == "3" and row["平潭综合实验区"][5] == "0"
    index = (work / "reviews" / "index.html").read_text("utf-8")
    assert "存疑数字</th>" in index
    agencies = index.split("各机关报告对照", 1)[1]
    shanghai = agencies.split("上海市科委</a></td>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="n">3</td>' in shanghai
