"""Report model <-> XML, deterministic and validated against ``report.xsd`` both ways.

Writing: elements and attributes in a fixed order, every cell of the report's layouts
present, numbers in plain notation, so that the same report gives the same bytes.
Reading: a parser that resolves no entities, loads no DTD, touches no network and
rejects any DOCTYPE, then schema and template validation.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from lxml import etree

from gknb import template as tpl
from gknb.model import CELL_STATES, FINDING_KINDS, VALUE, Cell, Finding, Report, Section, SourceDocument, Where

from .errors import ArchiveError, StoreError
from .fs import read_regular

NS = "urn:gknb:archive:1"
SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("report.xsd")
_Q = "{" + NS + "}%s"
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_XML_BYTES = 50 * 1024 * 1024


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), _safe_parser()))


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=True)


def _q(tag: str) -> str:
    return _Q % tag


def _text(s: str) -> str:
    """Text safe for XML 1.0 (control characters from broken sources dropped)."""
    return _XML_ILLEGAL.sub("", s)


def _num(v) -> str:
    return format(v, "f") if isinstance(v, Decimal) else str(v)


def _box(box) -> str:
    return " ".join(f"{x:.2f}" for x in box)


# --------------------------------------------------------------------------- writing

def _sub(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    el = etree.SubElement(parent, _q(tag))
    for k, v in attrs.items():
        if v is not None:
            el.set(k, _text(str(v)))
    if text is not None:
        el.text = _text(text)
    return el


def _where(parent, w: Where) -> None:
    _sub(parent, "where", page=w.page, box=_box(w.box) if w.box else None,
         table=w.table, row=w.row, col=w.col, line=w.line,
         confidence=f"{w.confidence:.3f}" if w.confidence is not None else None)


def to_element(report: Report) -> etree._Element:
    root = etree.Element(_q("report"), nsmap={None: NS})
    root.set("schema", str(SCHEMA_VERSION))
    root.set("agency", _text(report.agency))
    if report.year is not None:
        root.set("year", str(report.year))
    root.set("format", report.format)
    if report.source:
        s = report.source
        _sub(root, "source", name=s.name, kind=s.kind, sha256=s.sha256, pages=s.pages)
    if report.title is not None:
        _sub(root, "title", report.title)
    if report.preamble:
        pre = _sub(root, "preamble")
        for p in report.preamble:
            _sub(pre, "p", p)
    for layout in report.layouts():
        table = _sub(root, "table", id=layout.table.id, format=layout.format)
        for cdef in layout.cells:
            cell = report.cells.get(cdef.id) or Cell()
            el = _sub(table, "cell", id=cdef.id, label="/".join(cdef.json_path), state=cell.state,
                      value=_num(cell.value) if cell.state == VALUE else None)
            if cell.printed is not None:
                _sub(el, "printed", cell.printed)
            if cell.where is not None and not cell.where.is_empty():
                _where(el, cell.where)
            if cell.flag:
                _sub(el, "flag", cell.flag)
    for key in (s.key for s in tpl.load().sections):
        sec = report.sections.get(key)
        if sec is None:
            continue
        el = _sub(root, "section", key=key)
        if sec.heading is not None:
            _sub(el, "heading", sec.heading)
        for p in sec.paragraphs:
            _sub(el, "p", p)
    for f in report.findings:
        _sub(root, "finding", f.message, kind=f.kind, ref=f.ref)
    return root


def to_xml(report: Report) -> bytes:
    """The report as archive XML bytes; raises ArchiveError if the result is not valid."""
    root = to_element(report)
    _validate(root, "（写入前）")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _validate(root, where: str) -> None:
    s = schema()
    if not s.validate(root):
        errors = "；".join(f"第{e.line}行：{e.message}" for e in list(s.error_log)[:5])
        raise ArchiveError(f"档案XML不符合模式{where}：{errors}")


# --------------------------------------------------------------------------- reading

def parse_bytes(data: bytes, name: str = "<档案>") -> etree._Element:
    """Parse untrusted XML safely: no DTD, no entities, no network, bounded size."""
    if len(data) > MAX_XML_BYTES:
        raise ArchiveError(f"{name}：XML文件过大（超过{MAX_XML_BYTES // 1024 // 1024}MB）")
    head = data[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data.upper():
        raise ArchiveError(f"{name}：XML含有DOCTYPE或实体声明，出于安全原因拒绝读取")
    try:
        root = etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as e:
        raise ArchiveError(f"{name}：不是有效的XML（{e}）") from None
    if root.getroottree().docinfo.doctype:
        raise ArchiveError(f"{name}：XML含有DOCTYPE声明，出于安全原因拒绝读取")
    return root


def _float_box(s: str | None):
    return tuple(float(x) for x in s.split()) if s else None


def _int(s: str | None):
    return int(s) if s is not None else None


def _number(s: str):
    return Decimal(s) if "." in s else int(s)


def _read_where(el) -> Where | None:
    if el is None:
        return None
    return Where(page=_int(el.get("page")), box=_float_box(el.get("box")), table=_int(el.get("table")),
                 row=_int(el.get("row")), col=_int(el.get("col")), line=_int(el.get("line")),
                 confidence=float(el.get("confidence")) if el.get("confidence") is not None else None)


def _child_text(el, tag: str) -> str | None:
    c = el.find(_q(tag))
    return None if c is None else (c.text or "")


def from_element(root, name: str = "<档案>") -> Report:
    if root.tag != _q("report"):
        raise ArchiveError(f"{name}：不是gknb档案（根元素为 {root.tag}）")
    _validate(root, f"（{name}）")
    t = tpl.load()
    report = Report(root.get("agency"), _int(root.get("year")), root.get("format"))
    src = root.find(_q("source"))
    if src is not None:
        report.source = SourceDocument(src.get("name"), src.get("kind"), src.get("sha256"), _int(src.get("pages")))
    report.title = _child_text(root, "title")
    pre = root.find(_q("preamble"))
    if pre is not None:
        report.preamble = [p.text or "" for p in pre.findall(_q("p"))]
    for table in root.findall(_q("table")):
        tid = table.get("id")
        if tid not in t.tables:
            raise ArchiveError(f"{name}：未知的表格 {tid}")
        layout = t.table(tid).layout(table.get("format"))
        report.table_formats[tid] = layout.format
        for el in table.findall(_q("cell")):
            cid = el.get("id")
            if cid not in layout.cell_ids:
                raise ArchiveError(f"{name}：表格 {tid}（{layout.format}）中没有单元格 {cid}")
            state = el.get("state")
            value = el.get("value")
            if (state == VALUE) != (value is not None) or state not in CELL_STATES:
                raise ArchiveError(f"{name}：单元格 {cid} 的状态 {state} 与数值不符")
            report.cells[cid] = Cell(state, _number(value) if value is not None else None,
                                     _child_text(el, "printed"), _read_where(el.find(_q("where"))),
                                     _child_text(el, "flag"))
        missing = layout.cell_ids - report.cells.keys()
        if missing:
            raise ArchiveError(f"{name}：表格 {tid} 缺少单元格 {sorted(missing)[0]} 等{len(missing)}个")
    for sec in root.findall(_q("section")):
        key = sec.get("key")
        report.sections[key] = Section(key, _child_text(sec, "heading"), [p.text or "" for p in sec.findall(_q("p"))])
    for f in root.findall(_q("finding")):
        assert f.get("kind") in FINDING_KINDS  # the schema enumerates them
        report.findings.append(Finding(f.get("kind"), f.text or "", f.get("ref")))
    return report


def from_xml(data: bytes, name: str = "<档案>") -> Report:
    """A report from archive XML bytes (untrusted input: parsed safely, then validated).

    Whatever is wrong with the bytes is an ArchiveError naming the file, never another
    exception: callers turn it into that file's (or that agency's) error and go on."""
    if not data.strip():
        raise ArchiveError(f"{name}：文件是空的（可能在写入时被中断或被截断）")
    root = parse_bytes(data, name)
    try:
        return from_element(root, name)
    except ArchiveError:
        raise
    except (ValueError, KeyError, TypeError, ArithmeticError, AssertionError, RecursionError) as e:
        raise ArchiveError(f"{name}：档案内容无法读取（{type(e).__name__}：{e}）") from None


def agency_of(data: bytes, name: str = "<档案>") -> str | None:
    """The agency an archive file's report names, checked as :func:`from_xml` checks the file
    (safe parse, schema) without building the report: a job reading thousands for their names."""
    if not data.strip():
        raise ArchiveError(f"{name}：文件是空的（可能在写入时被中断或被截断）")
    root = parse_bytes(data, name)
    if root.tag != _q("report"):
        raise ArchiveError(f"{name}：不是gknb档案（根元素为 {root.tag}）")
    _validate(root, f"（{name}）")
    return root.get("agency")


def read(path: str | Path) -> Report:
    """An archive file given by the user; a link or anything but a regular file is refused."""
    path = Path(path)
    try:
        data = read_regular(path, MAX_XML_BYTES)
    except FileNotFoundError:
        raise ArchiveError(f"{path}：文件不存在") from None
    except (OSError, StoreError) as e:  # Chinese already: a link, a folder, too large, unreadable
        raise ArchiveError(str(e)) from None
    return from_xml(data, str(path))
