"""This year's text against last year's as Word tracked changes (w:ins / w:del), section by section.

A reviewer opens it in Word or WPS and sees, in the form departments work in, what was
rewritten, added or dropped; accepting every change gives this year's text, rejecting every
change last year's.  The diff is :mod:`gknb.textdiff`'s (sentences aligned first), the author
"gknb" and the date fixed, so the same two reports give the same bytes.
"""

from __future__ import annotations

from lxml import etree

from gknb.model import Report
from gknb.ooxml import MAIN, OFFICE_DOCUMENT, PRESERVE, WORD_NS, content_types_xml, el, rels_xml, w, xml_part, zip_bytes
from gknb.textdiff import DELETE, INSERT, Segment, edits

from .comparison import section_texts

AUTHOR = "gknb"
DATE = "2000-01-01T00:00:00Z"  # a fixed date: the same comparison gives the same file


def _lang() -> etree._Element:
    return w.lang(val="en-US", eastAsia="zh-CN")


def _year(r: Report) -> str:
    return f"{r.year}年度" if r.year else "年度不详"


def _para(*runs: etree._Element | list[etree._Element], heading: bool = False) -> etree._Element:
    props = w.pPr(w.keepNext(), w.spacing(before=240, after=120)) if heading else w.pPr(w.ind(firstLineChars=200))
    return w.p(props, *runs)


def _run(text: str, *, bold: bool = False, deleted: bool = False) -> etree._Element:
    return w.r(w.rPr(w.b() if bold else None, _lang()), (w.delText if deleted else w.t)(PRESERVE, text))


def _segments(segments: tuple[Segment, ...], ids: list[int]) -> list[etree._Element]:
    out = []
    for seg in segments:
        if seg.op in (INSERT, DELETE):
            ids.append(len(ids) + 1)
            change = "w:ins" if seg.op == INSERT else "w:del"  # (w.del is not Python)
            out.append(el(change, {"w:id": ids[-1], "w:author": AUTHOR, "w:date": DATE},
                          _run(seg.text, deleted=seg.op == DELETE)))
        else:
            out.append(_run(seg.text))
    return out


def document_xml(old: Report, new: Report) -> bytes:
    """The main part: a title, then each section's heading and its text as tracked changes."""
    agency = new.agency or old.agency or "机关不详"
    body = [_para(_run(f"{agency}政府信息公开工作年度报告正文对照（{_year(new)}对照{_year(old)}）", bold=True),
                  heading=True),
            _para(_run(f"以修订（修订记号）显示：插入为{_year(new)}新写的文字，删除为{_year(old)}有而本年没有的文字。"
                       "全部接受即为本年正文，全部拒绝即为上年正文。"))]
    ids: list[int] = []
    for _, heading, a, b in section_texts(old, new):
        body.append(_para(_run(heading, bold=True), heading=True))
        body += [_para(_segments(p, ids)) for p in edits(a, b)]
    sect = w.sectPr(w.pgSz(w=11906, h=16838),
                    w.pgMar(top=1440, right=1440, bottom=1440, left=1440, header=851, footer=992, gutter=0))
    return xml_part(el("w:document", w.body(body, sect), nsmap=WORD_NS))


def _styles() -> bytes:
    """Chinese as the East Asian language of the whole document (no Japanese glyph defaults)."""
    return xml_part(el("w:styles", w.docDefaults(w.rPrDefault(w.rPr(w.sz(val=24), _lang()))),
                       w.style(w.name(val="Normal"), type="paragraph", default=1, styleId="Normal"),
                       nsmap={"w": WORD_NS["w"]}))


def tracked_docx(old: Report, new: Report) -> bytes:
    """The .docx of this year's text against last year's, byte-identical for the same reports."""
    types = content_types_xml([("/word/document.xml", f"{MAIN}.document.main+xml"),
                               ("/word/styles.xml", f"{MAIN}.styles+xml")])
    return zip_bytes([
        ("[Content_Types].xml", types),
        ("_rels/.rels", rels_xml([("rId1", OFFICE_DOCUMENT, "word/document.xml")])),
        ("word/_rels/document.xml.rels", rels_xml([("rId1", "styles", "styles.xml")])),
        ("word/document.xml", document_xml(old, new)),
        ("word/styles.xml", _styles()),
    ])
