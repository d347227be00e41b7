"""This year's text against last year's as Word tracked changes (w:ins / w:del), section by section.

A reviewer opens it in Word or WPS and sees, in the form departments work in, what was
rewritten, added or dropped; accepting every change gives this year's text, rejecting every
change last year's.  The diff is :mod:`gknb.textdiff`'s (sentences aligned first), the author
"gknb" and the date fixed, so the same two reports give the same bytes.
"""

from __future__ import annotations

from gknb.model import Report
from gknb.ooxml import CONTENT_TYPES, MAIN, OFFICE_DOCUMENT, R, W, esc, rels_xml, xml_part, zip_bytes
from gknb.textdiff import DELETE, INSERT, Segment, edits

from .comparison import section_texts

AUTHOR = "gknb"
DATE = "2000-01-01T00:00:00Z"  # a fixed date: the same comparison gives the same file
_LANG = '<w:lang w:val="en-US" w:eastAsia="zh-CN"/>'


def _year(r: Report) -> str:
    return f"{r.year}年度" if r.year else "年度不详"


def _para(runs: str, *, heading: bool = False) -> str:
    props = '<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/></w:pPr>' if heading else (
        '<w:pPr><w:ind w:firstLineChars="200"/></w:pPr>')
    return f"<w:p>{props}{runs}</w:p>"


def _run(text: str, *, bold: bool = False, deleted: bool = False) -> str:
    rpr = f"<w:rPr>{'<w:b/>' if bold else ''}{_LANG}</w:rPr>"
    tag = "w:delText" if deleted else "w:t"
    return f'<w:r>{rpr}<{tag} xml:space="preserve">{esc(text)}</{tag}></w:r>'


def _segments(segments: tuple[Segment, ...], ids: list[int]) -> str:
    out = []
    for seg in segments:
        if seg.op in (INSERT, DELETE):
            ids.append(len(ids) + 1)
            tag = "w:ins" if seg.op == INSERT else "w:del"
            out.append(f'<{tag} w:id="{ids[-1]}" w:author="{AUTHOR}" w:date="{DATE}">'
                       f"{_run(seg.text, deleted=seg.op == DELETE)}</{tag}>")
        else:
            out.append(_run(seg.text))
    return "".join(out)


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
    sect = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" '
            'w:left="1440" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>')
    return xml_part(f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{"".join(body)}{sect}</w:body></w:document>')


def _styles() -> bytes:
    """Chinese as the East Asian language of the whole document (no Japanese glyph defaults)."""
    return xml_part(f'<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="24"/>'
                    f'{_LANG}</w:rPr></w:rPrDefault></w:docDefaults>'
                    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
                    '</w:style></w:styles>')


def tracked_docx(old: Report, new: Report) -> bytes:
    """The .docx of this year's text against last year's, byte-identical for the same reports."""
    types = xml_part(f'<Types xmlns="{CONTENT_TYPES}">'
                     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                     '<Default Extension="xml" ContentType="application/xml"/>'
                     f'<Override PartName="/word/document.xml" ContentType="{MAIN}.document.main+xml"/>'
                     f'<Override PartName="/word/styles.xml" ContentType="{MAIN}.styles+xml"/></Types>')
    return zip_bytes([
        ("[Content_Types].xml", types),
        ("_rels/.rels", rels_xml([("rId1", OFFICE_DOCUMENT, "word/document.xml")])),
        ("word/_rels/document.xml.rels", rels_xml([("rId1", "styles", "styles.xml")])),
        ("word/document.xml", document_xml(old, new)),
        ("word/styles.xml", _styles()),
    ])
