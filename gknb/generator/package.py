"""The .docx package around the main part, written so the same report gives the same bytes.

Fixing the core properties' timestamps is not enough (PITFALLS.md): zip entries carry the
time they were written.  Every entry here has a fixed date, fixed attributes and a fixed
place in the archive.
"""

from __future__ import annotations

from gknb.ooxml import MAIN, NS, content_types_xml, el, rels_xml, w, xml_part, zip_bytes

from .document import Document
from .settings import Settings
from .wordml import FOOTER_EVEN, FOOTER_ODD, HEADER_DRAFT, document_xml, draft_header_xml, footer_xml

_CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


def docx_bytes(doc: Document, s: Settings) -> bytes:
    """The whole .docx, byte-identical for the same document."""
    parts = [
        ("[Content_Types].xml", _content_types(doc.draft)),
        ("_rels/.rels", _rels([("officeDocument", "word/document.xml"), (_CORE_PROPERTIES, "docProps/core.xml"),
                               ("extended-properties", "docProps/app.xml")])),
        ("docProps/core.xml", _core(doc)),
        ("docProps/app.xml", xml_part(el("ep:Properties", el("ep:Application", "gknb"), nsmap={None: NS["ep"]}))),
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
    return content_types_xml([
        *([("/word/header1.xml", f"{MAIN}.header+xml")] if draft else []),
        ("/word/document.xml", f"{MAIN}.document.main+xml"), ("/word/styles.xml", f"{MAIN}.styles+xml"),
        ("/word/settings.xml", f"{MAIN}.settings+xml"), ("/word/fontTable.xml", f"{MAIN}.fontTable+xml"),
        ("/word/footer1.xml", f"{MAIN}.footer+xml"), ("/word/footer2.xml", f"{MAIN}.footer+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml")])


def _rels(items: list[tuple[str, ...]]) -> bytes:
    """Relationships numbered rId1, rId2… in order, unless an item names its own id."""
    return rels_xml((rid[0] if rid else f"rId{i}", kind, target) for i, (kind, target, *rid) in enumerate(items, 1))


def _core(doc: Document) -> bytes:
    """Title and author; the dates are fixed: 1 January of the year the report is written in."""
    when = f"{doc.year + 1}-01-01T00:00:00Z"
    return xml_part(el(
        "cp:coreProperties", el("dc:title", doc.title), el("dc:creator", doc.agency),
        el("cp:lastModifiedBy", "gknb"), el("dc:language", "zh-CN"),
        el("dcterms:created", {"xsi:type": "dcterms:W3CDTF"}, when),
        el("dcterms:modified", {"xsi:type": "dcterms:W3CDTF"}, when),
        nsmap={k: NS[k] for k in ("cp", "dc", "dcterms", "xsi")}))


def _styles(s: Settings) -> bytes:
    """Document defaults in the body face with Chinese as the East Asian language (no Japanese default)."""
    body = s.fonts["body"]
    f = body.face
    cell_margins = w.tblCellMar(w.top(w=0, type="dxa"), w.left(w=108, type="dxa"), w.bottom(w=0, type="dxa"),
                                w.right(w=108, type="dxa"))
    return xml_part(el(
        "w:styles",
        w.docDefaults(
            w.rPrDefault(w.rPr(w.rFonts(ascii=f, hAnsi=f, eastAsia=f, cs=f), w.kern(val=2),
                               w.sz(val=body.half_points), w.szCs(val=body.half_points),
                               w.lang(val="en-US", eastAsia="zh-CN", bidi="ar-SA"))),
            w.pPrDefault(w.pPr(w.jc(val="both")))),
        w.style(w.name(val="Normal"), w.qFormat(), type="paragraph", default=1, styleId="Normal"),
        w.style(w.name(val="Default Paragraph Font"), w.uiPriority(val=1), w.semiHidden(),
                type="character", default=1, styleId="DefaultParagraphFont"),
        w.style(w.name(val="Normal Table"), w.uiPriority(val=99), w.semiHidden(),
                w.tblPr(w.tblInd(w=0, type="dxa"), cell_margins), type="table", default=1, styleId="TableNormal"),
        nsmap={"w": NS["w"]}))


def _settings() -> bytes:
    """Different odd and even footers (page numbers right and left); Chinese punctuation compression."""
    return xml_part(el(
        "w:settings", w.zoom(percent=100), w.defaultTabStop(val=420), w.evenAndOddHeaders(),
        w.characterSpacingControl(val="compressPunctuation"),
        w.compat(w.compatSetting(name="compatibilityMode", uri="http://schemas.microsoft.com/office/word", val=15)),
        w.themeFontLang(val="en-US", eastAsia="zh-CN"), nsmap={"w": NS["w"]}))


def _font_table(s: Settings) -> bytes:
    """The faces used, each with the face Word substitutes where it is not installed (GB2312 charset)."""
    faces: dict[str, str] = {}
    for font in s.fonts.values():
        faces.setdefault(font.face, font.alt)
    return xml_part(el("w:fonts", (
        w.font(w.altName(val=alt) if alt != face else None, w.charset(val=86), w.family(val="auto"),
               w.pitch(val="variable"), name=face) for face, alt in faces.items()), nsmap={"w": NS["w"]}))
