"""A year's figures and last year's report -> the report, section by section, in the official order."""

from __future__ import annotations

from gknb import template as tpl
from gknb.model import Report

from . import grids, wording
from .basis import Figures
from .document import BODY, HEADING, SIGNATURE, SUBHEADING, TITLE, Document, Para
from .package import docx_bytes
from .settings import load


class GenerateError(ValueError):
    """Figures a report cannot be written from; the message is Chinese."""


def compose(figures: Figures, previous: Report | None = None) -> Document:
    report = figures.report
    t = tpl.load()
    if not report.agency:
        raise GenerateError("缺少机关名称（agency）")
    if report.year is None:
        raise GenerateError("缺少报告年度（year）")
    if not t.formats[report.format].has_tables:
        raise GenerateError(f"{t.formats[report.format].name}的报告没有统一格式，无法按格式生成")
    doc = Document(report.agency, report.year)
    if previous is None:
        doc.notes.append(f"档案中没有{report.agency}{report.year - 1}年度报告：未与上年比较，"
                         "上年度问题整改情况未能沿用")
    s = load()
    doc.blocks += [Para(TITLE, "\n".join(wording.title_lines(report))),
                   Para(BODY, wording.opening(report, figures.contact))]
    for section in t.sections:
        doc.blocks.append(Para(HEADING, section.heading))
        own = list(report.sections[section.key].paragraphs) if section.key in report.sections else []
        if section.table:  # the table alone: text read beside a table is often the table's own cells
            layout = t.table(section.table).layout(report.table_formats[section.table])
            doc.blocks.append(grids.build(layout, lambda cid: wording.number(report.value(cid)), s))
        elif section.id == "overview":
            doc.blocks += [Para(BODY, p) for p in wording.overview(report, previous, doc.notes)]
            # a paragraph that is one of the section's usual sub-headings (as the workbook writes them) is one
            doc.blocks += [Para(SUBHEADING if p.strip() in section.subheadings else BODY, p) for p in own]
        elif section.id == "problems":
            doc.blocks += [Para(role, text)
                           for role, text in wording.section_five(figures, previous, section, doc.notes)]
        elif section.id == "other":
            doc.blocks += [Para(BODY, p) for p in wording.fees(figures, own, section, doc.notes)]
        else:
            doc.blocks += [Para(BODY, p) for p in own]
    doc.blocks += _signature(figures, doc.notes)
    return doc


def _signature(figures: Figures, notes: list[str]) -> list[Para]:
    """The 落款 below the text: the agency's full name, then the 成文日期 (when the figures give it)."""
    s = load()
    sign = figures.signature
    lines = [sign.agency if sign and sign.agency else figures.report.agency]
    if sign and sign.date:
        lines.append(sign.date)
    else:
        notes.append(s.text["no_date"])
    return [Para(BODY, "")] * s.page["signature_lines_before"] + [Para(SIGNATURE, line) for line in lines]


def generate_docx(figures: Figures, previous: Report | None = None, *, draft: bool = False
                  ) -> tuple[bytes, Document]:
    """The .docx of the report (byte-identical for the same inputs) and what was composed;
    ``draft`` marks every page as not final (see :mod:`gknb.generator.readiness`)."""
    doc = compose(figures, previous)
    doc.draft = draft
    return docx_bytes(doc, load()), doc
