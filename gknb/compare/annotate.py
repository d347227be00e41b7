"""Reviews in Word: the department's own .docx with a comment (w:comment) at each finding.

Departments work in Word or WPS; a reviewer's remarks sent back as comments anchored at the
table cell or paragraph concerned can be read, answered and resolved where the figures are.
A finding about a figure is anchored at the cell the parser read it from (``Where.table/row/
col``), one about a sentence at its paragraph, one about a section at the section's heading.
Everything else in the package is kept as it was; the output is the same bytes for the same
input.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from gknb import template as tpl
from gknb.model import Report, Where
from gknb.ooxml import CONTENT_TYPES, MAIN, MC, OFFICE_DOCUMENT, PKG_REL, REL, W, qn, xml_part, xml_text, zip_bytes
from gknb.parsers.zipdamage import ZIP_DAMAGE
from gknb.rules import SEVERITY_ZH, Violation, statement_text

AUTHOR, INITIALS = "gknb", "gk"
DOUBT = "数字存疑"  # a remark on a figure the reader was unsure of
DATE = "2000-01-01T00:00:00Z"  # a fixed date: the same review gives the same file
COMMENTS_TYPE = f"{REL}/comments"
COMMENTS_CONTENT = f"{MAIN}.comments+xml"

_TRANSPARENT = frozenset({"sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"})
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
CELL, PARAGRAPH, HEADING, DOCUMENT = "cell", "paragraph", "heading", "document"  # what a comment is anchored at


class AnnotateError(ValueError):
    """A package that cannot be annotated; the message is Chinese."""


@dataclass(frozen=True)
class Remark:
    """One comment: its Chinese text and what it is about (cells, a quoted sentence, a section)."""

    text: str
    cells: tuple[str, ...] = ()
    quote: str | None = None  # a sentence of the report, as :func:`gknb.rules.statement_text` gives it
    section: str | None = None  # a section key


@dataclass(frozen=True)
class Placed:
    """Where a remark's comment went: its id, the kind of anchor and the anchor's text."""

    remark: Remark
    comment_id: int
    anchor: str  # CELL | PARAGRAPH | HEADING | DOCUMENT
    where: Where | None = None


def remark_text(v: Violation) -> str:
    """"错误 T3-3 总计等于各类申请人之和：…" — the rule's code, its Chinese description, the figures."""
    return f"{SEVERITY_ZH[v.severity]} {v.rule} {tpl.load().rule(v.rule).title}［{v.scope}］：{v.message}"


def remarks(report: Report, violations: list[Violation]) -> list[Remark]:
    """One remark per violation, then one per figure the reader was unsure of (the findings rest
    on it: the reviewer checks it against the original), with what to anchor each at."""
    t = tpl.load()
    out = []
    for v in violations:
        quote = v.quote
        section = next((s.key for s in t.sections if v.scope == s.heading), None)
        if section is None and v.cells:
            section = t.section(t.table(t.cell(v.cells[0]).table).section).key
        out.append(Remark(remark_text(v), tuple(v.cells), quote, section))
    for cid, why in sorted(report.flags().items()):
        cdef = t.cell(cid)
        out.append(Remark(f"{DOUBT} {'/'.join(cdef.json_path)}：{why}（核对以解析出的数字进行，请核对原件）", (cid,),
                          section=t.section(t.table(cdef.table).section).key))
    return out


# --------------------------------------------------------------------------- the package

def _main_part(z: zipfile.ZipFile) -> str:
    try:
        rels = etree.fromstring(z.read("_rels/.rels"), _PARSER)
    except (KeyError, etree.XMLSyntaxError):
        return "word/document.xml"
    for rel in rels.iter(f"{{{PKG_REL}}}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument") or rel.get("Type") == OFFICE_DOCUMENT:
            return rel.get("Target", "word/document.xml").lstrip("/")
    return "word/document.xml"


def _rels_name(part: str) -> str:
    folder, _, file = part.rpartition("/")
    return f"{folder}/_rels/{file}.rels" if folder else f"_rels/{file}.rels"


def annotate(data: bytes, report: Report, items: list[Remark], name: str = "文件") -> tuple[bytes, list[Placed]]:
    """The package ``data`` with a comment for each remark; where each went.

    ``report`` is the parse of ``data`` (its cells' provenance places the comments).
    Comments already in the document are kept; the new ones are numbered after them."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist() if not i.is_dir()]
        main = _main_part(z)
        files = dict(entries)
        root = etree.fromstring(files[main], _PARSER)
    except (*ZIP_DAMAGE, etree.XMLSyntaxError) as e:
        raise AnnotateError(f"{name}：不是可以加批注的 Word（.docx）文件（{type(e).__name__}）") from None
    w = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else W
    body = root.find(f"{{{w}}}body")
    if body is None:
        raise AnnotateError(f"{name}：Word 文件没有正文")
    rels_name = _rels_name(main)
    folder = main.rpartition("/")[0]
    rels = etree.fromstring(files[rels_name], _PARSER) if rels_name in files else etree.Element(
        f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
    target = next((r.get("Target", "") for r in rels if r.get("Type") == COMMENTS_TYPE), None)
    comments_name = _join(folder, target or "comments.xml")
    comments = (etree.fromstring(files[comments_name], _PARSER) if target and comments_name in files
                else etree.Element(f"{{{w}}}comments", nsmap={"w": w}))
    first = 1 + max((int(c.get(f"{{{w}}}id", "0")) for c in comments if c.get(f"{{{w}}}id", "").isdigit()),
                    default=-1)
    locate = _Locator(body, w, report)
    placed = []
    for k, item in enumerate(items):
        cid = first + k
        anchor, kind, where = locate.anchor(item)
        _mark(anchor[0], anchor[-1], cid, w)
        comments.append(_comment(cid, item.text, w))
        placed.append(Placed(item, cid, kind, where))
    files[main] = xml_part(root)
    files[comments_name] = xml_part(comments)
    if target is None:
        ids = {r.get("Id") for r in rels}
        rid = next(f"rIdGknbComments{n or ''}" for n in range(len(ids) + 1) if f"rIdGknbComments{n or ''}" not in ids)
        etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=rid, Type=COMMENTS_TYPE, Target="comments.xml")
        files[rels_name] = xml_part(rels)
        files["[Content_Types].xml"] = _with_override(files["[Content_Types].xml"], f"/{comments_name}")
    order = [n for n, _ in entries] + [n for n in (rels_name, comments_name) if n not in dict(entries)]
    return zip_bytes((n, files[n]) for n in order), placed


def _join(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return f"{folder}/{target}" if folder else target


def _with_override(data: bytes, part: str) -> bytes:
    types = etree.fromstring(data, _PARSER)
    if not any(o.get("PartName") == part for o in types):
        etree.SubElement(types, f"{{{CONTENT_TYPES}}}Override", PartName=part, ContentType=COMMENTS_CONTENT)
    return xml_part(types)


def _comment(cid: int, text: str, w: str) -> etree._Element:
    c = etree.Element(f"{{{w}}}comment")
    c.set(f"{{{w}}}id", str(cid))
    c.set(f"{{{w}}}author", AUTHOR)
    c.set(f"{{{w}}}date", DATE)
    c.set(f"{{{w}}}initials", INITIALS)
    for line in text.split("\n"):
        p = etree.SubElement(c, f"{{{w}}}p")
        t = etree.SubElement(etree.SubElement(p, f"{{{w}}}r"), f"{{{w}}}t")
        t.text = xml_text(line)
        t.set(qn("xml:space"), "preserve")
    return c


def _mark(first: etree._Element, last: etree._Element, cid: int, w: str) -> None:
    """commentRangeStart at the start of ``first``, End and the reference run at the end of ``last``."""
    start = etree.Element(f"{{{w}}}commentRangeStart")
    start.set(f"{{{w}}}id", str(cid))
    ppr = first.find(f"{{{w}}}pPr")
    first.insert(first.index(ppr) + 1 if ppr is not None else 0, start)
    end = etree.SubElement(last, f"{{{w}}}commentRangeEnd")
    end.set(f"{{{w}}}id", str(cid))
    ref = etree.SubElement(etree.SubElement(last, f"{{{w}}}r"), f"{{{w}}}commentReference")
    ref.set(f"{{{w}}}id", str(cid))


# --------------------------------------------------------------------------- finding the anchor

def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class _Locator:
    """Finds the paragraphs a remark is anchored at, the way the Word reader numbered them."""

    def __init__(self, body: etree._Element, w: str, report: Report) -> None:
        self.w, self.report = w, report
        self.tables = list(self._tables(body))
        self.paragraphs = [p for p in body.iter(f"{{{w}}}p") if self._text(p).strip()]

    def _local(self, el: etree._Element) -> str | None:
        tag = el.tag
        if not isinstance(tag, str) or not tag.startswith(f"{{{self.w}}}"):
            return None
        return tag.rpartition("}")[2]

    def _tables(self, el: etree._Element) -> Iterator[etree._Element]:
        """Tables in reading order, not those nested in a cell; one branch of alternate content."""
        for child in el:
            if self._local(child) == "tbl":
                yield child
            elif child.tag == f"{{{MC}}}AlternateContent":
                branches = [c for c in child if c.tag == f"{{{MC}}}Choice" and self._has_text(c)]
                branch = branches[0] if branches else child.find(f"{{{MC}}}Fallback")
                if branch is not None:
                    yield from self._tables(branch)
            elif isinstance(child.tag, str):
                yield from self._tables(child)

    def _has_text(self, el: etree._Element) -> bool:
        return any(True for _ in el.iter(f"{{{self.w}}}t"))

    def _children(self, el: etree._Element, name: str) -> Iterator[etree._Element]:
        for child in el:
            local = self._local(child)
            if local == name:
                yield child
            elif local in _TRANSPARENT:
                yield from self._children(child, name)

    def _val(self, el: etree._Element | None, name: str, default: int) -> int:
        found = el.find(f"{{{self.w}}}{name}") if el is not None else None
        try:
            return int(found.get(f"{{{self.w}}}val", "")) if found is not None else default
        except ValueError:
            return default

    def cell(self, where: Where) -> etree._Element | None:
        """The w:tc that starts at grid position (row, col) of table ``where.table``."""
        if where.table is None or where.row is None or where.col is None or where.table >= len(self.tables):
            return None
        rows = [tr for tr in self._children(self.tables[where.table], "tr")
                if tr.find(f"{{{self.w}}}trPr/{{{self.w}}}del") is None]
        if where.row >= len(rows):
            return None
        tr = rows[where.row]
        col = self._val(tr.find(f"{{{self.w}}}trPr"), "gridBefore", 0)
        for tc in self._children(tr, "tc"):
            if col == where.col:
                return tc
            col += max(self._val(tc.find(f"{{{self.w}}}tcPr"), "gridSpan", 1), 1)
        return None

    def _text(self, el: etree._Element) -> str:
        return "".join(t.text or "" for t in el.iter(f"{{{self.w}}}t"))

    def _cell_anchor(self, cell_id: str) -> tuple[list[etree._Element], Where] | None:
        c = self.report.cells.get(cell_id)
        if c is None or c.where is None:
            return None
        tc = self.cell(c.where)
        if tc is None:
            return None
        shown = _plain(self._text(tc)).replace(",", "")
        figure = format(c.value, "f") if isinstance(c.value, Decimal) else str(c.value)
        if c.value is not None and figure not in shown and (c.printed or "\0") not in self._text(tc):
            return None  # not the cell the figure was read from: anchor elsewhere rather than wrongly
        paragraphs = list(self._children(tc, "p"))
        if not paragraphs:
            paragraphs = [etree.SubElement(tc, f"{{{self.w}}}p")]
        return paragraphs, c.where

    def _heading(self, key: str) -> etree._Element | None:
        s = tpl.load().section(key)
        printed = self.report.sections.get(key)
        wanted = {_plain(h) for h in (*s.headings, *([printed.heading] if printed and printed.heading else []))}
        for p in self.paragraphs:
            if _plain(self._text(p)) in wanted:
                return p
        title = _plain(s.title)
        return next((p for p in self.paragraphs if title in _plain(self._text(p)) and len(self._text(p)) < 60), None)

    def anchor(self, item: Remark) -> tuple[list[etree._Element], str, Where | None]:
        if item.quote:  # a sentence's figure: the sentence first, the table's cell otherwise
            p = next((p for p in self.paragraphs if item.quote in statement_text(self._text(p))), None)
            if p is not None:
                return [p], PARAGRAPH, None
        for cell_id in item.cells:
            found = self._cell_anchor(cell_id)
            if found is not None:
                return found[0], CELL, found[1]
        if item.section:
            heading = self._heading(item.section)
            if heading is not None:
                return [heading], HEADING, None
        if self.paragraphs:
            return [self.paragraphs[0]], DOCUMENT, None
        raise AnnotateError("文档中没有可以加批注的段落")
