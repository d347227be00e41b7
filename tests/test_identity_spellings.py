"""The year reported on, printed the ways official documents print it: on real reports a year
in Chinese numerals throughout (二〇二三年) is read as that year — before, the parser took
next year's plans (2024年) or last year's from the body, silently — and a year found only by
counting the body's years is flagged, not passed as sure."""

from __future__ import annotations

import pytest
from gknb.parsers import parse

from gknb.model import UNSURE

from .variants.sources import load_sources

CN = str.maketrans("0123456789", "〇一二三四五六七八九")
NAMES = ["html/平潭综合实验区_2023.html", "html/上海市人民政府办公厅_2019.html", "txt/平潭综合实验区_2024.txt"]


@pytest.fixture(scope="module")
def sources():
    return {s.name: s for s in load_sources() if s.name in NAMES}


@pytest.mark.parametrize("zero", ["〇", "○"])
@pytest.mark.parametrize("name", NAMES)
def test_a_year_in_chinese_numerals_is_that_year(name, zero, sources, tmp_path):
    source = sources[name]
    year = str(source.expected["year"])
    written = year.translate(CN).replace("〇", zero)
    text = source.text.replace(year + "年", written + "年")
    assert written + "年" in text and year + "年" not in text
    path = tmp_path / f"年报{source.suffix}"
    path.write_text(text, "utf-8")
    assert parse(path).year == int(year)


def test_a_year_only_the_body_s_commonest_year_gives_is_flagged(tmp_path):
    """No year in the title, no data period, no "××××年度": the commonest year is a guess."""
    source = next(s for s in load_sources() if s.name == "txt/平潭综合实验区_2024.txt")
    text = source.text.replace("2024年", "本年").replace("2024 年", "本年").replace("2024年度", "本年度")
    path = tmp_path / "年报.txt"
    path.write_text(text, "utf-8")
    report = parse(path)
    assert any(f.kind == UNSURE and "推定" in f.message and str(report.year) in f.message
               for f in report.findings), [f.message for f in report.findings][:5]
