"""Office Open XML packages written byte for byte the same: the zip, the namespaces, the trees.

Shared by every writer of Word files (the generator's reports, the reviewers' annotated and
tracked-changes copies), and its namespaces by the Word reader (``parsers.docx``): parts are built as lxml trees (:data:`w` makes ``w:`` elements, :func:`el`
any other; the HTML pages' maker is a :class:`Maker` too), so every text and attribute is
escaped by construction, and :func:`xml_part` serialises them.  A report's text may hold characters XML cannot carry (crawled text, fuzzed
input); :func:`xml_text` replaces them before they reach a tree, for the HTML pages too.  A zip
entry carries the time it was written, so each entry here gets a fixed date, fixed attributes
and the order it is given in.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TypeAlias

from lxml import etree

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the zip format's epoch: no clock in the output
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"  # ISO 29500 strict: Word's other w
W_NAMESPACES = frozenset({W, W_STRICT})  # what a reader of departments' files accepts as w
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"  # mc:AlternateContent
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = R  # relationship types are named below this namespace
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml"
OFFICE_DOCUMENT = f"{REL}/officeDocument"

# The prefixes :func:`qn` knows; a part's root declares those it is given (``el(…, nsmap=…)``).
NS = {
    "w": W, "r": R, "mc": MC, "xml": "http://www.w3.org/XML/1998/namespace",
    "rel": PKG_REL, "ct": CONTENT_TYPES,
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
WORD_NS = {"w": W, "r": R}  # the root namespaces of a document, header or footer part

# What XML 1.0 cannot carry: C0 controls but tab, newline and carriage return; lone surrogates;
# U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"

# What an element is made of (see :func:`el`).
Child: TypeAlias = "etree._Element | str | int | Decimal | Mapping[str, object] | Iterable[Child] | None"


def xml_text(text: object) -> str:
    """``text`` as a string XML can carry: each character it cannot replaced by U+FFFD."""
    return _NOT_XML.sub(REPLACEMENT, "" if text is None else str(text))


_QN: dict[str, str] = {}


def qn(name: str) -> str:
    """``"w:p"`` → ``"{…wordprocessingml…}p"``; a name without a prefix is left as it is."""
    clark = _QN.get(name)
    if clark is None:  # a few hundred names, each asked for thousands of times a document
        prefix, colon, local = name.partition(":")
        clark = _QN[name] = f"{{{NS[prefix]}}}{local}" if colon else name
    return clark


_TEXT = (str, int, Decimal)  # the children written as text; tested before the costlier ABCs


def _add(parent: etree._Element, child: Child) -> None:
    if child is None:
        return
    if isinstance(child, etree._Element):
        parent.append(child)
    elif isinstance(child, _TEXT):
        _add_text(parent, child)
    elif isinstance(child, Mapping):
        for key, value in child.items():
            if value is not None:
                parent.set(qn(key), xml_text(value))
    elif isinstance(child, Iterable):
        for c in child:
            _add(parent, c)
    else:
        _add_text(parent, child)


def _add_text(parent: etree._Element, child: object) -> None:
    """Text (a number as str() writes it) after the last child, else the element's own."""
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + xml_text(child)
    else:
        parent.text = (parent.text or "") + xml_text(child)


def el(name: str, *children: Child, nsmap: Mapping[str | None, str] | None = None) -> etree._Element:
    """An element named ``"prefix:local"``: its children are elements, text or numbers (through
    :func:`xml_text`), attribute mappings (``{"w:val": 24}``; a None value sets nothing),
    iterables of these, or None (nothing).  ``nsmap`` is for a part's root: the namespaces it declares."""
    node = etree.Element(qn(name), nsmap=dict(nsmap) if nsmap else None)
    for child in children:
        _add(node, child)
    return node


class Maker:
    """``w.p(w.pPr(w.jc(val="center")), …)``: elements whose keyword arguments are attributes,
    both in the maker's namespace (``Maker("w:")``; ``Maker()`` for HTML); other attributes
    (``r:id``, ``xml:space``, ``http-equiv``) go in a mapping among the children.  A trailing
    ``_`` is dropped from names Python reserves (``h.del_``, ``class_``)."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def __getattr__(self, local: str) -> Callable[..., etree._Element]:
        if local.startswith("__"):  # copy, pickle and the like probe for these
            raise AttributeError(local)
        p = self.prefix
        name = f"{p}{local.rstrip('_')}"

        def make(*children: Child, **attrs: object) -> etree._Element:
            node = etree.Element(qn(name))
            for key, value in attrs.items():
                if value is not None:
                    node.set(qn(f"{p}{key.rstrip('_')}"), xml_text(value))
            for child in children:
                _add(node, child)
            return node
        setattr(self, local, make)  # made once a name: later look-ups find it without __getattr__
        return make


w = Maker("w:")
PRESERVE = {"xml:space": "preserve"}


def xml_part(root: etree._Element) -> bytes:
    """A part's bytes: the declaration Word writes, then the tree (lxml declares a namespace
    once where an ancestor already does, so a part built from :func:`el` declares its root's)."""
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            + etree.tostring(root, encoding="utf-8"))


def zip_bytes(parts: Iterable[tuple[str, bytes]]) -> bytes:
    """A package of ``(name, data)`` entries in the given order, the same bytes for the same parts."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            z.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def rels_xml(items: Iterable[tuple[str, str, str]]) -> bytes:
    """A relationships part from ``(id, type, target)``; a type without a scheme is below :data:`REL`."""
    return xml_part(el("rel:Relationships", (
        el("rel:Relationship", {"Id": rid, "Type": kind if kind.startswith("http") else f"{REL}/{kind}",
                                "Target": target}) for rid, kind, target in items), nsmap={None: PKG_REL}))


def content_types_xml(overrides: Iterable[tuple[str, str]]) -> bytes:
    """``[Content_Types].xml``: relationships and XML by extension, then each ``(part, type)``."""
    return xml_part(el(
        "ct:Types",
        el("ct:Default", {"Extension": "rels", "ContentType": "application/vnd.openxmlformats-package.relationships+xml"}),
        el("ct:Default", {"Extension": "xml", "ContentType": "application/xml"}),
        (el("ct:Override", {"PartName": part, "ContentType": kind}) for part, kind in overrides),
        nsmap={None: CONTENT_TYPES}))
