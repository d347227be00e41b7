"""The HTML report in a real browser (headless Chromium): it displays, logs nothing, prints on A4."""

import shutil
import subprocess

import pytest
from PIL import Image

from gknb.compare.comparison import compare
from gknb.compare.html import render

from .test_compare_corpus import report
from .test_compare_html import hostile_pair

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (sh jobs/system.sh installs it)")]


def chromium(tmp_path, *args) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
         "--enable-logging=stderr", "--v=0", *map(str, args)],
        capture_output=True, text=True, timeout=120)


def console(res) -> list[str]:
    """What the page wrote to the console (errors included), as Chromium logs it."""
    return [line for line in res.stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def hongze_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "对照.html"
    c = compare(report("pdf/淮安市洪泽区人民政府_2023.pdf"), report("pdf/淮安市洪泽区人民政府_2024.pdf"))
    path.write_text(render(c), "utf-8")
    return path


def test_console_capture_works(tmp_path):
    # Guards the assertions below against a Chromium that logs nothing at all.
    page = tmp_path / "probe.html"
    page.write_text('<!DOCTYPE html><meta charset="utf-8"><script>console.error("探针")</script>', "utf-8")
    assert any("探针" in line for line in console(chromium(tmp_path, "--dump-dom", page.as_uri())))


def test_the_page_displays_its_verdict_without_console_errors(tmp_path, hongze_page):
    res = chromium(tmp_path, "--dump-dom", hongze_page.as_uri())
    assert res.returncode == 0, res.stderr[-2000:]
    assert "有错误：本年报告 0 个错误、3 个警告" in res.stdout
    assert "淮安市洪泽区人民政府" in res.stdout and "T4-1" in res.stdout
    assert console(res) == []


def test_the_screenshot_is_not_blank(tmp_path, hongze_page):
    shot = tmp_path / "shot.png"
    res = chromium(tmp_path, "--hide-scrollbars", "--window-size=1000,1400", f"--screenshot={shot}",
                   hongze_page.as_uri())
    assert shot.exists(), res.stderr[-2000:]
    img = Image.open(shot).convert("RGB")
    assert img.size == (1000, 1400)
    colours = img.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50  # text, tables and the verdict box, not an empty page
    # The verdict box (red border and tint for a report with errors) is on the first screen.
    red = sum(n for n, (r, g, b) in colours if r > 150 and g < 70 and b < 70)  # #b3261e border and badges
    assert red > 1000
    assert console(res) == []


def test_hostile_text_stays_text_in_the_browser(tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(render(compare(*hostile_pair())), "utf-8")
    res = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert console(res) == []  # nothing ran, nothing was blocked
    body = res.stdout.split("<body>", 1)[1]
    assert "<script" not in body and "<img" not in body
    assert "&lt;script&gt;alert('x')&lt;/script&gt;&lt;/style&gt;" in body


def test_prints_on_a4(tmp_path, hongze_page):
    pdf = tmp_path / "print.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", hongze_page.as_uri())
    assert pdf.exists()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 3
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "结论" in text and "有错误" in text


def test_the_reminder_list_and_the_index_print_on_a4(tmp_path):
    from gknb.jobs.january import run

    from .test_register import YEAR, _work
    work = _work(tmp_path / "w")
    run(work, YEAR, workers=1, pdf=False)
    res = chromium(tmp_path, "--dump-dom", (work / "reviews" / "index.html").as_uri())
    assert console(res) == [] and "应报送 6 个机关" in res.stdout
    pdf = tmp_path / "催报.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", (work / "reviews" / "催报名单.html").as_uri())
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "上海市科学技术委员会" in text and "淮安市洪泽区人民政府" in text and "未提交" in text
