"""The official Word form, filled in Word or WPS, read as a figures file.

The blank form the disclosure office circulates (``年报格式模板_2021_空白.docx``) has the three
tables and the six headings but no agency and no year in its title, and a placeholder where
each text part goes.  Filled in, it reads as any .docx does (the tables by their labels); this
module makes it what it is, a figures file: the placeholders are not text, the totals left
blank are computed from the sums as a figures file's are, and the missing agency and year are
said once, in Chinese, for the command line to supply (``--agency``/``--year``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from gknb import template as tpl
from gknb.equations import complete_totals
from gknb.model import IDENTITY_AGENCY, NOTE, Finding, Report

_SPACE = re.compile(r"\s+")


@cache
def _form() -> dict[str, Any]:
    return tpl.part("word_form")


def _flat(text: str | None) -> str:
    return _SPACE.sub("", text or "")


def is_form(report: Report) -> bool:
    """The blank official form, filled or not: its own title, or its placeholders left in the text."""
    form = _form()
    placeholders = {_flat(p) for p in form["placeholders"]}
    return _flat(report.title) == _flat(form["title"]) or \
        any(_flat(p) in placeholders for s in report.sections.values() for p in s.paragraphs)


def as_figures(report: Report) -> list[str]:
    """Make a filled form a figures file's report, in place; the totals computed (cell ids)."""
    form = _form()
    placeholders = {_flat(p) for p in form["placeholders"]}
    for section in report.sections.values():
        section.paragraphs = [p for p in section.paragraphs if _flat(p) not in placeholders]
    if _flat(report.title) == _flat(form["title"]):
        report.title = None  # the form's title names no report
        report.findings = [f for f in report.findings if f.kind != NOTE or f.ref != IDENTITY_AGENCY]
        if not report.agency or report.year is None:
            report.findings.append(Finding(NOTE, form["no_identity"]))
    computed = complete_totals(report)
    if computed:
        report.findings.append(Finding(NOTE, f"按表内勾稽关系计算了{len(computed)}个未填写的合计"))
    return computed
