"""The .docx package around the main part, written so the same report gives the same bytes.

Fixing the core properties' timestamps is not enough (PITFALLS.md): zip entries carry the
time they were written.  Every entry here has a fixed date, fixed attributes and a fixed
place in the archive.
"""

from __future__ import annotations

from gknb.ooxml import zip_bytes

from .document import Document
from .settings import Settings
from .wordml import FOOTER_EVEN, FOOTER_ODD, HEADER_DRAFT, document_xml, draft_header_xml, esc, footer_xml, xml_part

_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(doc: Document, s: Settings) -> bytes:
    """The whole .docx, byte-identical for the same document."""
    parts = [
        ("[Content_Types].xml", _content_types(doc.draft)),
        ("_rels/.rels", _rels([("officeDocument", "word/document.xml"),
                               ("http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                                "core-properties", "docProps/core.xml"),
                               ("extended-properties", "docProps/app.xml")])),
        ("docProps/core.xml", _core(doc)),
        ("docProps/app.xml", xml_part('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                                  'extended-properties"><Application>gknb</Application></Properties>')),
        ("word/_rels/document.xml.rels", _rels([("styles", "styles.xml"), ("settings", "settings.xml"),
                                                ("fontTable", "fontTable.xml"),
                                                ("footer", "footer1.xml", FOOTER_ODD),
                                                ("footer", "footer2.xml", FOOTER_EVEN),
                                                *([("header", "header1.xml", HEADER_DRAFT)] if doc.draft else [])])),
        ("word/document.xml", document_xml(doc, s)),
        ("word/styles.xml", _styles(s)),
        ("word/settings.xml", _settings()),
        ("word/fontTable.xml", _font_table(s)),
        ("word/footer1.xml", footer_xml(s, odd=True)),
        ("word/footer2.xml", footer_xml(s, odd=False)),
    ]
    if doc.draft:
        parts.append(("word/header1.xml", draft_header_xml(s.text["draft_header"], s)))
    return zip_bytes(parts)


def _content_types(draft: bool = False) -> bytes:
    over = [*([("/word/header1.xml", f"{_MAIN}.header+xml")] if draft else []),("/word/document.xml", f"{_MAIN}.document.main+xml"), ("/word/styles.xml", f"{_MAIN}.styles+xml"),
            ("/word/settings.xml", f"{_MAIN}.settings+xml"), ("/word/fontTable.xml", f"{_MAIN}.fontTable+xml"),
            ("/word/footer1.xml", f"{_MAIN}.footer+xml"), ("/word/footer2.xml", f"{_MAIN}.footer+xml"),
            ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
            ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml")]
    return xml_part('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                + "".join(f'<Override PartName="{p}" ContentType="{c}"/>' for p, c in over) + "</Types>")


def _rels(items: list[tuple]) -> bytes:
    out = []
    for i, (kind, target, *rid) in enumerate(items, 1):
        rtype = kind if kind.startswith("http") else f"{_REL}/{kind}"
        out.append(f'<Relationship Id="{rid[0] if rid else f"rId{i}"}" Type="{rtype}" Target="{target}"/>')
    return xml_part('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                + "".join(out) + "</Relationships>")


def _core(doc: Document) -> bytes:
    """Title and author; the dates are fixed: 1 January of the year the report is written in."""
    when = f"{doc.year + 1}-01-01T00:00:00Z"
    return xml_part('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f'<dc:title>{esc(doc.title)}</dc:title><dc:creator>{esc(doc.agency)}</dc:creator>'
                '<cp:lastModifiedBy>gknb</cp:lastModifiedBy><dc:language>zh-CN</dc:language>'
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>')


def _styles(s: Settings) -> bytes:
    """Document defaults in the body face with Chinese as the East Asian language (no Japanese default)."""
    body = s.fonts["body"]
    f = esc(body.face)
    return xml_part(
        f'<w:styles xmlns:w="{_W}"><w:docDefaults><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}"/><w:kern w:val="2"/>'
        f'<w:sz w:val="{body.half_points}"/><w:szCs w:val="{body.half_points}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>')


def _settings() -> bytes:
    """Different odd and even footers (page numbers right and left); Chinese punctuation compression."""
    return xml_part(f'<w:settings xmlns:w="{_W}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>'
                '<w:evenAndOddHeaders/><w:characterSpacingControl w:val="compressPunctuation"/>'
                '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
                'w:val="15"/></w:compat><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>')


def _font_table(s: Settings) -> bytes:
    """The faces used, each with the face Word substitutes where it is not installed (GB2312 charset)."""
    faces = {}
    for font in s.fonts.values():
        faces.setdefault(font.face, font.alt)
    fonts = "".join(f'<w:font w:name="{esc(face)}">' + (f'<w:altName w:val="{esc(alt)}"/>' if alt != face else "")
                    + '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
                    for face, alt in faces.items())
    return xml_part(f'<w:fonts xmlns:w="{_W}">{fonts}</w:fonts>')
