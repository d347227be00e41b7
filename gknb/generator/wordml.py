"""A composed document as WordprocessingML: the main part, the two page-number footers, and a
draft's header.

Written by hand rather than through python-docx's default template, whose East Asian text
maps to a Japanese font: every run names its faces (ascii, hAnsi, eastAsia, cs), every table
cell its merges (gridSpan, vMerge), and nothing depends on the time or the machine.  Parts are
lxml trees made with :data:`gknb.ooxml.w`, so text is escaped by construction.
"""

from __future__ import annotations

import re

from lxml import etree

from gknb import template as tpl
from gknb.ooxml import PRESERVE, WORD_NS, el, w, xml_part

from .document import BODY, HEADING, SIGNATURE, SUBHEADING, TITLE, Document, Para
from .grids import BAND, CAPTION, FIGURE, HEADER, LABEL, NOTE, FormCell, FormGrid
from .settings import TWIPS_PER_PT, Font, Settings

FOOTER_ODD, FOOTER_EVEN, HEADER_DRAFT = "rIdFooterOdd", "rIdFooterEven", "rIdHeaderDraft"
_OUTLINE = {HEADING: 0, SUBHEADING: 1}
_ROLE_FONT = {TITLE: "title", BODY: "body", HEADING: "heading", SUBHEADING: "subheading", SIGNATURE: "body"}


def run_properties(font: Font, *extra: etree._Element) -> etree._Element:
    """A run's faces, size and languages, then ``extra`` properties (highlight, bold, colour)."""
    f = font.face
    return w.rPr(w.rFonts(ascii=f, hAnsi=f, eastAsia=f, cs=f, hint="eastAsia"),
                 w.sz(val=font.half_points), w.szCs(val=font.half_points),
                 w.lang(val="en-US", eastAsia="zh-CN"), *extra)


def _run(text: str, font: Font, highlight: bool = False) -> etree._Element | None:
    """A run; each "\\n" in the text is a line break."""
    if not text:
        return None
    lines: list[etree._Element] = []
    for line in text.split("\n"):
        if lines:
            lines.append(w.br())
        lines.append(w.t(PRESERVE, line))
    return w.r(run_properties(font, *([w.highlight(val="yellow")] if highlight else [])), lines)


def _runs(text: str, font: Font, gaps: re.Pattern[str]) -> list[etree._Element | None]:
    """The runs of a paragraph, each gap left to fill (【待填写：…】) highlighted."""
    out, pos = [], 0
    for m in gaps.finditer(text):
        out += [_run(text[pos:m.start()], font), _run(m.group(0), font, highlight=True)]
        pos = m.end()
    return [*out, _run(text[pos:], font)]


# --------------------------------------------------------------------------- paragraphs

def paragraph(p: Para, s: Settings) -> etree._Element:
    font = s.fonts[_ROLE_FONT[p.role]]
    pitch = round(s.page["line_pitch"] * TWIPS_PER_PT)
    props = []
    if p.role in (HEADING, SUBHEADING):
        props.append(w.keepNext())
    if p.role == TITLE:
        props += [w.spacing(before=0, after=pitch), w.jc(val="center")]
    elif p.role == SIGNATURE:  # the 落款: right-aligned, in from the right edge (GB/T 9704)
        inset = s.page["signature_indent_chars"]
        props += [w.spacing(before=0, after=0, line=pitch, lineRule="exact"),
                  w.ind(rightChars=inset * 100, right=round(inset * font.size * TWIPS_PER_PT)), w.jc(val="right")]
    else:
        indent = s.page["indent_chars"]
        props += [w.spacing(before=0, after=0, line=pitch, lineRule="exact"),
                  w.ind(firstLineChars=indent * 100, firstLine=round(indent * font.size * TWIPS_PER_PT)),
                  w.jc(val="both")]
    if p.role in _OUTLINE:
        props.append(w.outlineLvl(val=_OUTLINE[p.role]))
    return w.p(w.pPr(props, run_properties(font)), _runs(p.text, font, s.gap_pattern()))


# --------------------------------------------------------------------------- tables

def table(grid: FormGrid, s: Settings) -> etree._Element:
    style = s.tables[grid.table]
    borders = w.tblBorders(el(f"w:{side}", {"w:val": "single", "w:sz": 4, "w:space": 0, "w:color": "000000"})
                           for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    tbl = w.tbl(w.tblPr(w.tblW(w=sum(grid.widths), type="dxa"), w.jc(val="center"), borders,
                        w.tblLayout(type="fixed"),
                        w.tblCellMar(w.left(w=57, type="dxa"), w.right(w=57, type="dxa")), w.tblLook(val="0000")),
                w.tblGrid(w.gridCol(w=width) for width in grid.widths))
    height = s.twips(style.row_height)
    with_figures = {c.row for c in grid.cells if c.role == FIGURE}
    in_group = {r for c in grid.cells if c.role == LABEL for r in range(c.row, c.row + c.rowspan - 1)}
    # a table of one block (表三) repeats its header rows on every page it runs onto
    repeat = len(tpl.load().table(grid.table).blocks) == 1
    first_figures = min(with_figures, default=grid.n_rows)
    for r in range(grid.n_rows):
        tr = w.tr(w.trPr(w.cantSplit(), w.tblHeader() if repeat and r < first_figures else None,
                         w.trHeight(val=height, hRule="atLeast"), w.jc(val="center")))
        # headers stay with the first rows, a group's rows (（三）不予公开) together, a short table whole
        keep = r not in with_figures or r in in_group or (style.keep_together and r < grid.n_rows - 1)
        c = 0
        while c < len(grid.widths):
            cell = grid.at(r, c)
            merged = cell is None
            cell = cell or grid.covering(r, c)  # under a vertical merge that started above
            tr.append(_cell(grid, cell, merged, keep, s))
            c += cell.colspan
        tbl.append(tr)
    return tbl


def _cell(grid: FormGrid, cell: FormCell, continued: bool, keep: bool, s: Settings) -> etree._Element:
    """One w:tc; ``keep`` holds its row on the page of the next (how Word keeps rows together)."""
    style = s.tables[grid.table]
    font = s.fonts[style.note_font if cell.role == NOTE and style.note_font else style.font]
    width = sum(grid.widths[cell.col:cell.col + cell.colspan])
    props = [w.tcW(w=width, type="dxa")]
    if cell.colspan > 1:
        props.append(w.gridSpan(val=cell.colspan))
    if cell.rowspan > 1:
        props.append(w.vMerge() if continued else w.vMerge(val="restart"))
    if cell.role == CAPTION and style.caption_fill:
        props.append(w.shd(val="clear", color="auto", fill=style.caption_fill))
    props.append(w.vAlign(val="center"))
    align = {CAPTION: "left", NOTE: "left", HEADER: "center", FIGURE: "center", LABEL: style.label_align,
             BAND: style.label_align}[cell.role]
    text = "" if continued else cell.text
    return w.tc(w.tcPr(props), w.p(w.pPr(w.keepNext() if keep else None,
                                         w.spacing(before=0, after=0, line=240, lineRule="auto"), w.jc(val=align),
                                         run_properties(font)), _run(text, font)))


# --------------------------------------------------------------------------- parts

def document_xml(doc: Document, s: Settings) -> bytes:
    body = el("w:body", ([paragraph(b, s)] if isinstance(b, Para) else [table(b, s), _spacer(s)]
                         for b in doc.blocks))
    p = s.page
    headers = [w.headerReference({"r:id": HEADER_DRAFT}, type=kind) for kind in ("default", "even")] if doc.draft else []
    body.append(w.sectPr(headers, w.footerReference({"r:id": FOOTER_ODD}, type="default"),
                         w.footerReference({"r:id": FOOTER_EVEN}, type="even"),
                         w.pgSz(w=s.twips(p["width"]), h=s.twips(p["height"])),
                         w.pgMar(top=s.twips(p["top"]), right=s.twips(p["right"]), bottom=s.twips(p["bottom"]),
                                 left=s.twips(p["left"]), header=s.twips(p["header"]), footer=s.twips(p["footer"]),
                                 gutter=0),
                         w.cols(space=425)))
    return xml_part(el("w:document", body, nsmap=WORD_NS))


def _spacer(s: Settings) -> etree._Element:
    """An empty body line after a table, as in the official form (and so tables never touch)."""
    return paragraph(Para(BODY, ""), s)


def footer_xml(s: Settings, *, odd: bool) -> bytes:
    """"— 1 —" in 4号宋体: odd pages on the right, even pages on the left, one character in."""
    font = s.fonts["page_number"]
    inset = round(s.page["page_number_indent_chars"] * font.size * TWIPS_PER_PT)
    side = "right" if odd else "left"
    field = [w.r(run_properties(font), w.fldChar(fldCharType="begin")),
             w.r(run_properties(font), w.instrText(PRESERVE, " PAGE ")),
             w.r(run_properties(font), w.fldChar(fldCharType="separate")),
             w.r(run_properties(font), w.t("1")),
             w.r(run_properties(font), w.fldChar(fldCharType="end"))]
    return xml_part(el("w:ftr", w.p(w.pPr(w.ind({f"w:{side}": inset}), w.jc(val=side), run_properties(font)),
                                    _run("— ", font), field, _run(" —", font)), nsmap=WORD_NS))


def draft_header_xml(text: str, s: Settings) -> bytes:
    """The header of every page of a draft: centred, red, bold, so that no one takes it for final."""
    font = s.fonts["page_number"]

    def rpr() -> etree._Element:
        return run_properties(font, w.b(), w.color(val="C00000"))
    return xml_part(el("w:hdr", w.p(w.pPr(w.jc(val="center"), rpr()), w.r(rpr(), w.t(PRESERVE, text))),
                       nsmap=WORD_NS))
