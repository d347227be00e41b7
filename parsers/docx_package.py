"""A Word .docx package opened safely: size and zip-bomb checks, the main part found and parsed.

Nothing here reads the document's content; it hands :mod:`parsers.docx` the root of the main
document XML, parsed with a hardened lxml parser after the checks that keep a hostile or
careless file from costing time or memory (declared sizes, encryption, DOCTYPE in any
encoding), or a Chinese :class:`DocumentError` that names what the file really is.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from gknb.parsers.errors import DocumentError
from gknb.parsers.zipdamage import ZIP_DAMAGE
from lxml import etree

from gknb.ooxml import PKG_REL, W_NAMESPACES

MB = 1024 * 1024
MAX_FILE_BYTES = 200 * MB  # the .docx file itself
MAX_MEMBER_BYTES = 200 * MB  # any single zip member, uncompressed (declared size)
BOMB_RATIO = 100  # uncompressed/compressed ratio that is suspicious ...
BOMB_MIN_BYTES = 50 * MB  # ... once the package inflates to more than this
MAX_DOCUMENT_XML = 64 * MB  # what we are willing to hand to the XML parser
OLE2_SCAN_BYTES = 32 * MB  # how much of an OLE2 file to search for stream names

REL_NS = f"{{{PKG_REL}}}"

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK"
DEFAULT_MAIN_PART = "word/document.xml"

# Hardened parser: no entity expansion, no DTD or network access, libxml2's size/depth limits on.
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True
)


def open_main_part(path: str, data: bytes) -> etree._Element:
    """The main document's root element (w:document), parsed only after every check passed."""
    return _parse_main_part(path, _load_main_part(path, data))


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
    except ZIP_DAMAGE as exc:
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
    if w_name(root) != "document":
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


def w_name(el: etree._Element) -> str | None:
    """Local name of a WordprocessingML element; None for comments and other namespaces."""
    tag = el.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None
    ns, _, local = tag[1:].partition("}")
    return local if ns in W_NAMESPACES else None

