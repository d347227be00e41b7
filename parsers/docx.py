"""Read a Word .docx file into the neutral layout: paragraphs and table grids in body order.

The main document XML is read straight from the zip with a hardened lxml parser rather than through
python-docx: python-docx repeats merged cells (``row.cells``), hides text boxes and content controls,
and parses every part of the package, while we only need ``word/document.xml`` and want to vet it
(size, DOCTYPE) before any parser sees it.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass

from gknb.parsers.errors import DocumentError
from gknb.parsers.layout import Grid, GridCell, Layout, Paragraph, Where
from gknb.parsers.source import Source, as_source
from lxml import etree

MB = 1024 * 1024
MAX_FILE_BYTES = 200 * MB  # the .docx file itself
MAX_MEMBER_BYTES = 200 * MB  # any single zip member, uncompressed (declared size)
BOMB_RATIO = 100  # uncompressed/compressed ratio that is suspicious ...
BOMB_MIN_BYTES = 50 * MB  # ... once the package inflates to more than this
MAX_DOCUMENT_XML = 64 * MB  # what we are willing to hand to the XML parser
MAX_SPAN = 1000  # Word allows 63 columns; anything far above is corrupt
MAX_GRID_COLS = 1000  # likewise for a whole row; keeps n_cols sane for whoever walks the grid
OLE2_SCAN_BYTES = 32 * MB  # how much of an OLE2 file to search for stream names

W_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",  # transitional
        "http://purl.oclc.org/ooxml/wordprocessingml/main",  # ISO 29500 strict
    }
)
MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
MC_CHOICE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Choice"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK"
DEFAULT_MAIN_PART = "word/document.xml"

# Containers whose children are read as if they stood in the parent (content controls,
# custom XML, tracked insertions/moves).
TRANSPARENT = frozenset({"sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"})
# Never text: properties, deleted/moved-away runs, field codes.
NO_TEXT = frozenset({"pPr", "rPr", "tblPr", "trPr", "tcPr", "sectPr", "sdtPr", "sdtEndPr",
                     "del", "moveFrom", "delText", "instrText", "delInstrText"})
RUN_CHARS = {"tab": "\t", "ptab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}

# Hardened parser: no entity expansion, no DTD or network access, libxml2's size/depth limits on.
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True
)


def read_docx(document: Source | str | os.PathLike) -> Layout:
    """Read a .docx into paragraphs and grids; every unreadable or hostile file raises DocumentError."""
    src = as_source(document)
    path = src.name
    xml = _load_main_part(path, src.data)
    root = _parse_main_part(path, xml)
    body = next((child for child in root if _w(child) == "body"), None)
    if body is None:
        raise DocumentError(path, "文件已损坏：Word正文（w:body）缺失。")
    if any(_w(el) == "altChunk" for el in body.iter()):
        raise DocumentError(path, "文档正文以嵌入块（altChunk）形式保存，暂不支持；请用Word或WPS打开后另存为.docx再试。")
    reader = _BodyReader(path)
    try:
        reader.read_container(body)
    except RecursionError:
        raise DocumentError(path, "文件结构嵌套过深，无法读取。") from None
    if not reader.blocks:
        raise DocumentError(path, "Word文档中没有任何文字或表格（可能只有图片）。")
    return Layout(kind="docx", blocks=reader.blocks, pages=None)


# ---------------------------------------------------------------------------------------------
# The package: sniffing, zip checks, the main part


def _load_main_part(path: str, data: bytes) -> bytes:
    """The main document XML, after the checks that keep a hostile file from costing time or memory."""
    _reject_non_zip(path, _head(path, data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            _reject_zip_bomb(path, package.infolist())
            name = _main_part_name(path, package)
            return _read_member(path, package, name, MAX_DOCUMENT_XML)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, ValueError, KeyError) as exc:
        raise DocumentError(path, f"文件已损坏，无法作为Word文档（.docx）打开（{type(exc).__name__}）。") from None


def _head(path: str, data: bytes) -> bytes:
    """The first bytes of the file (more of an OLE2 file, to name it), after the size checks."""
    if not data:
        raise DocumentError(path, "文件为空（0字节），不是Word文档（.docx）。")
    if len(data) > MAX_FILE_BYTES:
        raise DocumentError(path, f"文件过大（{len(data) // MB} MB），超过{MAX_FILE_BYTES // MB} MB的处理上限。")
    return data[:8 + OLE2_SCAN_BYTES] if data.startswith(OLE2_MAGIC) else data[:8]


def _reject_non_zip(path: str, data: bytes) -> None:
    """Name what the file really is when it is not a zip package (old Word, RTF, web page, PDF)."""
    if data.startswith(ZIP_MAGIC):
        return
    if data.startswith(OLE2_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise DocumentError(path, "这是加密（设置了打开密码）的Word文档，暂不支持；请取消密码后另存为.docx。")
        raise DocumentError(
            path, "这是加密文档或旧版Word/WPS文件（.doc/.wps），暂不支持；请用Word或WPS另存为.docx格式后再试。"
        )
    probe = data[:8].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith(b"{\\rtf"):
        raise DocumentError(path, "这是RTF文件，不是Word文档（.docx）；请用Word或WPS另存为.docx格式后再试。")
    if probe.startswith(b"%pdf"):
        raise DocumentError(path, "这是PDF文件，不是Word文档（.docx）。")
    if probe.startswith((b"<", b"mime")):
        raise DocumentError(path, "这是网页或XML文件，不是Word文档（.docx）；请用Word或WPS另存为.docx格式后再试。")
    raise DocumentError(path, "不是Word文档（.docx）：文件不是有效的.docx压缩包。")


def _reject_zip_bomb(path: str, members: list[zipfile.ZipInfo]) -> None:
    """Refuse packages whose declared sizes are absurd (we never inflate more than the main part)."""
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    biggest = max((m.file_size for m in members), default=0)
    if biggest > MAX_MEMBER_BYTES or (total > BOMB_MIN_BYTES and total > BOMB_RATIO * max(packed, 1)):
        raise DocumentError(
            path, f"文件疑似压缩炸弹：声明的解压后大小约{total // MB} MB，而压缩数据仅{packed // 1024} KB，已拒绝处理。"
        )


def _main_part_name(path: str, package: zipfile.ZipFile) -> str:
    """Where the main document lives: the package relationship says, word/document.xml by default."""
    names = set(package.namelist())
    name = DEFAULT_MAIN_PART
    if "_rels/.rels" in names:
        rels = _safe_parse(path, _read_member(path, package, "_rels/.rels", 1 * MB), "_rels/.rels")
        for rel in rels.iter(f"{REL_NS}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument") and rel.get("TargetMode") != "External":
                name = posixpath.normpath(rel.get("Target", "").lstrip("/"))
                break
    if name not in names:
        raise DocumentError(path, f"文件已损坏或不是Word文档（.docx）：压缩包中没有正文部分（{name}）。")
    return name


def _read_member(path: str, package: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A member's bytes, read no further than ``limit`` whatever its header claims."""
    info = package.getinfo(name)
    if info.flag_bits & 0x1:
        raise DocumentError(path, "文件已加密（压缩包设置了密码），暂不支持；请取消密码后另存为.docx。")
    if info.file_size > limit:
        raise DocumentError(path, f"文件中的{name}过大（{info.file_size // MB} MB），超过处理上限。")
    with package.open(info) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise DocumentError(path, f"文件中的{name}过大，超过处理上限。")
    return data


# ---------------------------------------------------------------------------------------------
# XML


def _parse_main_part(path: str, xml: bytes) -> etree._Element:
    """Parse the main part; a document body is never expected to carry a DTD, so one is refused."""
    root = _safe_parse(path, xml, "正文（document.xml）")
    if _w(root) != "document":
        raise DocumentError(path, "不是Word文档（.docx）：正文部分不是Word文档内容（可能是Excel或PowerPoint文件）。")
    return root


def _safe_parse(path: str, xml: bytes, what: str) -> etree._Element:
    """Parse package XML with the hardened parser, refusing any DOCTYPE before and after parsing."""
    doctype_refusal = f"文件包含不安全的XML内容（{what}中有DOCTYPE/实体声明，可能是XML炸弹或外部实体攻击），已拒绝处理。"
    if _has_doctype(xml):
        raise DocumentError(path, doctype_refusal)
    try:
        root = etree.fromstring(xml, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise DocumentError(path, f"文件已损坏：{what}不是有效的XML（{exc.msg}）。") from None
    if root.getroottree().docinfo.doctype:
        raise DocumentError(path, doctype_refusal)
    return root


def _has_doctype(xml: bytes) -> bool:
    """True if the XML declares a DOCTYPE, in UTF-8 or UTF-16 (an encoding Word may legally use)."""
    if xml[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):
        little = xml[:2] in (b"\xff\xfe", b"<\x00")
        text = xml.decode("utf-16-le" if little else "utf-16-be", errors="replace")
        return re.search("<!doctype", text, re.IGNORECASE) is not None
    return re.search(rb"<!doctype", xml, re.IGNORECASE) is not None


def _w(el: etree._Element) -> str | None:
    """Local name of a WordprocessingML element; None for comments and other namespaces."""
    tag = el.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None
    ns, _, local = tag[1:].partition("}")
    return local if ns in W_NAMESPACES else None


def _w_val(el: etree._Element | None) -> str | None:
    """The ``w:val`` attribute of a property element, in either namespace."""
    if el is None:
        return None
    for key, value in el.attrib.items():
        if key.endswith("}val"):
            return value
    return None


def _child(el: etree._Element, name: str) -> etree._Element | None:
    """First WordprocessingML child called ``name``."""
    return next((c for c in el if _w(c) == name), None)


def _alternative(el: etree._Element) -> etree._Element | None:
    """One branch of an mc:AlternateContent: the first Choice with text, else the Fallback.

    Word writes each text box twice (DrawingML Choice, VML Fallback); reading both would
    duplicate its text.
    """
    choices = [c for c in el if c.tag == MC_CHOICE]
    fallback = next((c for c in el if c.tag == MC_FALLBACK), None)
    for choice in choices:
        if any(_w(t) == "t" for t in choice.iter()):
            return choice
    return fallback if fallback is not None else (choices[0] if choices else None)


def _block_children(el: etree._Element):
    """Block-level children (w:p, w:tbl, ...) of a container, looking through transparent wrappers."""
    for child in el:
        name = _w(child)
        if name in TRANSPARENT:
            yield from _block_children(child)
        elif child.tag == MC_ALTERNATE:
            branch = _alternative(child)
            if branch is not None:
                yield from _block_children(branch)
        elif name is not None:
            yield child


# ---------------------------------------------------------------------------------------------
# Text


def _paragraph_text(p: etree._Element) -> tuple[str, list[etree._Element]]:
    """A paragraph's own text, and the text boxes anchored in it (read separately, once each)."""
    parts: list[str] = []
    boxes: list[etree._Element] = []
    _collect_text(p, parts, boxes)
    return "".join(parts), boxes


def _collect_text(el: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
    """Append the visible text under ``el`` in order; text boxes are set aside, not inlined."""
    for child in el:
        name = _w(child)
        if name == "t":
            parts.append(child.text or "")
        elif name in RUN_CHARS:
            parts.append(RUN_CHARS[name])
        elif name == "txbxContent":
            boxes.append(child)
        elif name in NO_TEXT or (name == "r" and _hidden(child)):
            continue
        elif child.tag == MC_ALTERNATE:
            branch = _alternative(child)
            if branch is not None:
                _collect_text(branch, parts, boxes)
        elif isinstance(child.tag, str):
            _collect_text(child, parts, boxes)  # runs, hyperlinks, fields, drawings, VML...


def _hidden(run: etree._Element) -> bool:
    """A run formatted as hidden text (w:vanish): Word neither shows nor prints it."""
    r_pr = _child(run, "rPr")
    vanish = _child(r_pr, "vanish") if r_pr is not None else None
    return vanish is not None and _w_val(vanish) not in ("0", "false", "off")


def _container_lines(el: etree._Element) -> list[str]:
    """Every non-empty line of text in a container (cell, text box), nested tables included."""
    lines: list[str] = []
    for block in _block_children(el):
        name = _w(block)
        if name == "p":
            text, boxes = _paragraph_text(block)
            lines.append(text.strip())
            for box in boxes:
                lines.extend(_container_lines(box))
        elif name == "tbl":
            lines.extend(_nested_table_lines(block))
    return [line for line in lines if line]


def _nested_table_lines(tbl: etree._Element) -> list[str]:
    """A table inside a cell, flattened to one line per row, cells separated by tabs."""
    lines = []
    for tr in _table_rows(tbl):
        cells = ["\n".join(_container_lines(tc)).replace("\n", " ") for tc in _row_cells(tr)]
        lines.append("\t".join(cells).strip())
    return lines


# ---------------------------------------------------------------------------------------------
# Tables


def _table_rows(tbl: etree._Element):
    """The w:tr rows of a table, through content-control wrappers, minus tracked-deleted rows."""
    for row in _block_children(tbl):
        if _w(row) != "tr":
            continue
        tr_pr = _child(row, "trPr")
        if tr_pr is not None and _child(tr_pr, "del") is not None:
            continue
        yield row


def _row_cells(tr: etree._Element):
    """The w:tc cells of a row, through content-control wrappers."""
    return (c for c in _block_children(tr) if _w(c) == "tc")


def _row_skips(tr: etree._Element) -> tuple[int, int]:
    """(gridBefore, gridAfter): empty grid columns before the first and after the last cell."""
    tr_pr = _child(tr, "trPr")
    if tr_pr is None:
        return 0, 0
    return _int(_w_val(_child(tr_pr, "gridBefore")), 0), _int(_w_val(_child(tr_pr, "gridAfter")), 0)


@dataclass
class _CellProps:
    colspan: int
    vmerge: str | None  # None, "restart" or "continue"
    hmerge: str | None  # legacy horizontal merge: None, "restart" or "continue"


def _cell_props(tc: etree._Element) -> _CellProps:
    """Span and merge properties of a cell (a bare vMerge/hMerge element means continue)."""
    tc_pr = _child(tc, "tcPr")
    if tc_pr is None:
        return _CellProps(1, None, None)
    span = max(_int(_w_val(_child(tc_pr, "gridSpan")), 1), 1)
    return _CellProps(span, _merge_kind(_child(tc_pr, "vMerge")), _merge_kind(_child(tc_pr, "hMerge")))


def _merge_kind(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    return "restart" if _w_val(el) == "restart" else "continue"


def _int(value: str | None, default: int) -> int:
    """Integer attribute value; junk or absurd values give ``default`` or are clamped."""
    try:
        return min(max(int(value), 0), MAX_SPAN) if value is not None else default
    except ValueError:
        return default


def _append_text(cell: GridCell, text: str) -> None:
    """Keep text found in a merged-away cell rather than lose it."""
    if text:
        cell.text = f"{cell.text}\n{text}" if cell.text else text


def _build_grid(path: str, tbl: etree._Element, index: int) -> Grid:
    """A table's anchor cells with real spans, from gridSpan, vMerge, hMerge, gridBefore/After."""
    cells: list[GridCell] = []
    open_merges: dict[int, GridCell] = {}  # grid column -> vertically merged cell still open
    n_cols = 0
    n_rows = 0
    for r, tr in enumerate(_table_rows(tbl)):
        n_rows = r + 1
        before, after = _row_skips(tr)
        col = before
        still_open: dict[int, GridCell] = {}
        left: GridCell | None = None
        for tc in _row_cells(tr):
            props = _cell_props(tc)
            text = "\n".join(_container_lines(tc))
            above = open_merges.get(col)
            if props.hmerge == "continue" and left is not None and left.col + left.colspan == col:
                left.colspan += props.colspan
                _append_text(left, text)
            elif props.vmerge == "continue" and above is not None and above.colspan == props.colspan:
                above.rowspan = r - above.row + 1
                _append_text(above, text)
                still_open[col] = above
                left = None
            else:
                left = GridCell(r, col, text, 1, props.colspan, Where(table=index, row=r, col=col))
                cells.append(left)
                if props.vmerge is not None:  # a restart, or a continue with nothing above it
                    still_open[col] = left
            col += props.colspan
        open_merges = still_open
        n_cols = max(n_cols, col + after)
        if n_cols > MAX_GRID_COLS:
            raise DocumentError(path, f"第{index + 1}个表格超过{MAX_GRID_COLS}列，文件可能已损坏。")
    return Grid(cells=cells, n_rows=n_rows, n_cols=n_cols, where=Where(table=index))


# ---------------------------------------------------------------------------------------------
# Body


class _BodyReader:
    """Walks block containers in order, emitting Paragraph and Grid blocks and numbering tables."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.blocks: list[Paragraph | Grid] = []
        self.n_tables = 0

    def read_container(self, el: etree._Element) -> None:
        for block in _block_children(el):
            name = _w(block)
            if name == "p":
                self._read_paragraph(block)
            elif name == "tbl":
                self.blocks.append(_build_grid(self.path, block, self.n_tables))
                self.n_tables += 1

    def _read_paragraph(self, p: etree._Element) -> None:
        text, boxes = _paragraph_text(p)
        text = text.strip()
        if text:
            self.blocks.append(Paragraph(text, Where()))
        for box in boxes:  # text boxes follow the paragraph they are anchored in
            self.read_container(box)
