"""A composed document as WordprocessingML: the main part, the two page-number footers, and a
draft's header.

Written by hand rather than through python-docx's default template, whose East Asian text
maps to a Japanese font: every run names its faces (ascii, hAnsi, eastAsia, cs), every table
cell its merges (gridSpan, vMerge), and nothing depends on the time or the machine.
"""

from __future__ import annotations

import re

from gknb import template as tpl
from gknb.ooxml import R, W, esc, xml_part

from .document import BODY, HEADING, SIGNATURE, SUBHEADING, TITLE, Document, Para
from .grids import BAND, CAPTION, FIGURE, HEADER, LABEL, NOTE, FormCell, FormGrid
from .settings import TWIPS_PER_PT, Font, Settings

FOOTER_ODD, FOOTER_EVEN, HEADER_DRAFT = "rIdFooterOdd", "rIdFooterEven", "rIdHeaderDraft"
_OUTLINE = {HEADING: 0, SUBHEADING: 1}
_ROLE_FONT = {TITLE: "title", BODY: "body", HEADING: "heading", SUBHEADING: "subheading", SIGNATURE: "body"}


def run_properties(font: Font) -> str:
    f = esc(font.face)
    return (f'<w:rPr><w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}" w:hint="eastAsia"/>'
            f'<w:sz w:val="{font.half_points}"/><w:szCs w:val="{font.half_points}"/>'
            f'<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>')


def _run(text: str, font: Font, highlight: bool = False) -> str:
    """A run; each "\\n" in the text is a line break."""
    if not text:
        return ""
    lines = "<w:br/>".join(f'<w:t xml:space="preserve">{esc(line)}</w:t>' for line in text.split("\n"))
    rpr = run_properties(font)
    if highlight:
        rpr = rpr.replace("</w:rPr>", '<w:highlight w:val="yellow"/></w:rPr>')
    return f'<w:r>{rpr}{lines}</w:r>'


def _runs(text: str, font: Font, gaps: re.Pattern[str]) -> str:
    """The runs of a paragraph, each gap left to fill (【待填写：…】) highlighted."""
    out, pos = [], 0
    for m in gaps.finditer(text):
        out += [_run(text[pos:m.start()], font), _run(m.group(0), font, highlight=True)]
        pos = m.end()
    return "".join(out) + _run(text[pos:], font)


# --------------------------------------------------------------------------- paragraphs

def paragraph(p: Para, s: Settings) -> str:
    font = s.fonts[_ROLE_FONT[p.role]]
    pitch = round(s.page["line_pitch"] * TWIPS_PER_PT)
    props = []
    if p.role in (HEADING, SUBHEADING):
        props.append("<w:keepNext/>")
    if p.role == TITLE:
        props.append(f'<w:spacing w:before="0" w:after="{pitch}"/><w:jc w:val="center"/>')
    elif p.role == SIGNATURE:  # the 落款: right-aligned, in from the right edge (GB/T 9704)
        inset = s.page["signature_indent_chars"]
        props.append(f'<w:spacing w:before="0" w:after="0" w:line="{pitch}" w:lineRule="exact"/>'
                     f'<w:ind w:rightChars="{inset * 100}" w:right="{round(inset * font.size * TWIPS_PER_PT)}"/>'
                     '<w:jc w:val="right"/>')
    else:
        indent = s.page["indent_chars"]
        props.append(f'<w:spacing w:before="0" w:after="0" w:line="{pitch}" w:lineRule="exact"/>'
                     f'<w:ind w:firstLineChars="{indent * 100}" '
                     f'w:firstLine="{round(indent * font.size * TWIPS_PER_PT)}"/><w:jc w:val="both"/>')
    if p.role in _OUTLINE:
        props.append(f'<w:outlineLvl w:val="{_OUTLINE[p.role]}"/>')
    return f'<w:p><w:pPr>{"".join(props)}{run_properties(font)}</w:pPr>{_runs(p.text, font, s.gap_pattern())}</w:p>'


# --------------------------------------------------------------------------- tables

def table(grid: FormGrid, s: Settings) -> str:
    style = s.tables[grid.table]
    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="{sum(grid.widths)}" w:type="dxa"/><w:jc w:val="center"/>'
           f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/>'
           '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
           '<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>']
    out += [f'<w:gridCol w:w="{w}"/>' for w in grid.widths]
    out.append("</w:tblGrid>")
    height = s.twips(style.row_height)
    with_figures = {c.row for c in grid.cells if c.role == FIGURE}
    in_group = {r for c in grid.cells if c.role == LABEL for r in range(c.row, c.row + c.rowspan - 1)}
    # a table of one block (表三) repeats its header rows on every page it runs onto
    repeat = len(tpl.load().table(grid.table).blocks) == 1
    first_figures = min(with_figures, default=grid.n_rows)
    for r in range(grid.n_rows):
        header = '<w:tblHeader/>' if repeat and r < first_figures else ""
        out.append(f'<w:tr><w:trPr><w:cantSplit/>{header}<w:trHeight w:val="{height}" w:hRule="atLeast"/>'
                   '<w:jc w:val="center"/></w:trPr>')
        # headers stay with the first rows, a group's rows (（三）不予公开) together, a short table whole
        keep = r not in with_figures or r in in_group or (style.keep_together and r < grid.n_rows - 1)
        c = 0
        while c < len(grid.widths):
            cell = grid.at(r, c)
            merged = cell is None
            cell = cell or grid.covering(r, c)  # under a vertical merge that started above
            out.append(_cell(grid, cell, merged, keep, s))
            c += cell.colspan
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _cell(grid: FormGrid, cell: FormCell, continued: bool, keep: bool, s: Settings) -> str:
    """One w:tc; ``keep`` holds its row on the page of the next (how Word keeps rows together)."""
    style = s.tables[grid.table]
    font = s.fonts[style.note_font if cell.role == NOTE and style.note_font else style.font]
    width = sum(grid.widths[cell.col:cell.col + cell.colspan])
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if cell.colspan > 1:
        props.append(f'<w:gridSpan w:val="{cell.colspan}"/>')
    if cell.rowspan > 1:
        props.append('<w:vMerge/>' if continued else '<w:vMerge w:val="restart"/>')
    if cell.role == CAPTION and style.caption_fill:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{style.caption_fill}"/>')
    props.append('<w:vAlign w:val="center"/>')
    align = {CAPTION: "left", NOTE: "left", HEADER: "center", FIGURE: "center", LABEL: style.label_align,
             BAND: style.label_align}[cell.role]
    text = "" if continued else cell.text
    return (f'<w:tc><w:tcPr>{"".join(props)}</w:tcPr><w:p><w:pPr>{"<w:keepNext/>" if keep else ""}'
            f'<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="{align}"/>'
            f'{run_properties(font)}</w:pPr>{_run(text, font)}</w:p></w:tc>')


# --------------------------------------------------------------------------- parts

def document_xml(doc: Document, s: Settings) -> bytes:
    body = [paragraph(b, s) if isinstance(b, Para) else table(b, s) + _spacer(s) for b in doc.blocks]
    p = s.page
    headers = (f'<w:headerReference w:type="default" r:id="{HEADER_DRAFT}"/>'
               f'<w:headerReference w:type="even" r:id="{HEADER_DRAFT}"/>') if doc.draft else ""
    sect = (f'<w:sectPr>{headers}<w:footerReference w:type="default" r:id="{FOOTER_ODD}"/>'
            f'<w:footerReference w:type="even" r:id="{FOOTER_EVEN}"/>'
            f'<w:pgSz w:w="{s.twips(p["width"])}" w:h="{s.twips(p["height"])}"/>'
            f'<w:pgMar w:top="{s.twips(p["top"])}" w:right="{s.twips(p["right"])}" '
            f'w:bottom="{s.twips(p["bottom"])}" w:left="{s.twips(p["left"])}" w:header="{s.twips(p["header"])}" '
            f'w:footer="{s.twips(p["footer"])}" w:gutter="0"/><w:cols w:space="425"/></w:sectPr>')
    return xml_part(f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{"".join(body)}{sect}</w:body></w:document>')


def _spacer(s: Settings) -> str:
    """An empty body line after a table, as in the official form (and so tables never touch)."""
    return paragraph(Para(BODY, ""), s)


def footer_xml(s: Settings, *, odd: bool) -> bytes:
    """"— 1 —" in 4号宋体: odd pages on the right, even pages on the left, one character in."""
    font = s.fonts["page_number"]
    inset = round(s.page["page_number_indent_chars"] * font.size * TWIPS_PER_PT)
    side, align = ("right", "right") if odd else ("left", "left")
    rpr = run_properties(font)
    field = (f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
             f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
             f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
             f'<w:r>{rpr}<w:t>1</w:t></w:r>'
             f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')
    return xml_part(f'<w:ftr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:ind w:{side}="{inset}"/>'
                f'<w:jc w:val="{align}"/>{rpr}</w:pPr>{_run("— ", font)}{field}{_run(" —", font)}</w:p></w:ftr>')


def draft_header_xml(text: str, s: Settings) -> bytes:
    """The header of every page of a draft: centred, red, bold, so that no one takes it for final."""
    font = s.fonts["page_number"]
    rpr = run_properties(font).replace("</w:rPr>", '<w:b/><w:color w:val="C00000"/></w:rPr>')
    return xml_part(f'<w:hdr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:jc w:val="center"/>{rpr}</w:pPr>'
                    f'<w:r>{rpr}<w:t xml:space="preserve">{esc(text)}</w:t></w:r></w:p></w:hdr>')
