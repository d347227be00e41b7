"""The batch review summary (审核意见汇总): one .docx for the whole year's batch, per agency its
submission state and the findings with each rule's Chinese title and the figures concerned.

An office sends its remarks to its agencies as a notice in Word, the form they work in; it is
written as a generated report is (the ``[generator]`` page, fonts and footers, the same
byte-identical package), its fixed wording from ``[generator.text.review_summary]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gknb import cellnames
from gknb import template as tpl
from gknb.rules import ERROR, WARNING, Violation

from .document import BODY, HEADING, SUBHEADING, TITLE, Document, Para
from .package import docx_bytes
from .settings import load
from .wording import ordinal

FILE_NAME = "审核意见汇总.docx"


@dataclass(frozen=True)
class AgencyReview:
    """One agency in the summary: how it stands (已提交 / 逾期 / 未提交) and its open findings."""

    agency: str
    state: str
    submitted: bool
    late: bool = False
    findings: tuple[Violation, ...] = ()

    def of(self, severity: str) -> list[Violation]:
        return [v for v in self.findings if v.severity == severity]


def _cells(v: Violation) -> list[str]:
    cat = cellnames.catalogue()
    return [cellnames.label_path(cat[c]) if c in cat else c for c in v.cells]


def _finding(n: int, v: Violation, text: dict) -> Para:
    """"1．T3-1 title（scope）：message。涉及：cells。" — the message holds the figures; the cells are
    named by their labels unless the message names them all already; a message that repeats the
    title is not said twice."""
    title = tpl.load().rule(v.rule).title
    message = v.message.removeprefix(title).lstrip("—：: ").rstrip("。") or title
    line = text["item"].format(n=n, rule=v.rule, title=title, scope=v.scope, message=message) + "。"
    cells = _cells(v)
    if cells and not all(c in v.message for c in cells):
        line += text["cells"].format(cells="、".join(cells))
    return Para(BODY, line)


def _agency(n: int, r: AgencyReview, year: int, text: dict) -> list[Para]:
    out = [Para(HEADING, text["heading"].format(n=ordinal(n), agency=r.agency)),
           Para(BODY, text["state"].format(state=r.state))]
    if not r.submitted:
        return [*out, Para(BODY, text["missing"].format(year=year))]
    errors, warnings = r.of(ERROR), r.of(WARNING)
    if not errors and not warnings:
        return [*out, Para(BODY, text["clean"])]
    out.append(Para(BODY, text["counts"].format(errors=len(errors), warnings=len(warnings))))
    groups = [(what, found) for what, found in ((text["errors"], errors), (text["warnings"], warnings)) if found]
    for g, (what, found) in enumerate(groups, 1):
        out.append(Para(SUBHEADING, text["subheading"].format(n=ordinal(g), what=what)))
        out += [_finding(i, v, text) for i, v in enumerate(found, 1)]
    return out


def compose(year: int, reviews: Sequence[AgencyReview], issuer: str = "") -> Document:
    """The notice as blocks: title, the batch in one paragraph, then one section per agency."""
    text = load().text["review_summary"]
    submitted = [r for r in reviews if r.submitted]
    doc = Document(issuer, year, [
        Para(TITLE, text["title"].format(year=year)),
        Para(BODY, text["opening"].format(
            year=year, total=len(reviews), submitted=len(submitted), late=sum(r.late for r in submitted),
            missing=len(reviews) - len(submitted), faulty=sum(bool(r.of(ERROR)) for r in submitted)))])
    for n, r in enumerate(reviews, 1):
        doc.blocks += _agency(n, r, year, text)
    return doc


def summary_docx(year: int, reviews: Sequence[AgencyReview], issuer: str = "") -> bytes:
    """The .docx, byte-identical for the same reviews (in the order given)."""
    return docx_bytes(compose(year, reviews, issuer), load())
