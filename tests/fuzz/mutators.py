"""Format-aware mutations: each takes bytes and a ``random.Random`` and returns new bytes.

Plain byte flips find little in structured inputs (a flipped byte in a zip fails the CRC,
in a PDF lands in a compressed stream), so every family also mutates at the level its
reader works: lines for text, the element tree for XML, the members for a .docx package,
the decompressed content streams and object syntax for a PDF.  Every mutator is
deterministic for a given generator state, so a seeded run is reproducible.
"""

from __future__ import annotations

import copy
import io
import json
import random
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Sequence

from lxml import etree

MAX_OUTPUT = 4 * 1024 * 1024  # no mutant grows beyond this (memory per execution stays readable)

INTERESTING_NUMBERS = [
    b"0", b"-1", b"-0", b"00", b"1.", b".5", b"1e999", b"-1e999", b"1e-999", b"NaN", b"nan", b"Infinity",
    b"-Infinity", b"inf", b"9" * 19, b"9" * 40, b"9" * 5000, b"4294967296", b"18446744073709551616",
    b"-9223372036854775809", b"2147483647", b"65535", b"65536", b"999999", b"0x7fffffff", b"1_000",
    b"+5", b"1,234", b"\xef\xbc\x91\xef\xbc\x92", "〇".encode(), "一百".encode(), "负1".encode(), b"1/0",
]
INVALID_UTF8 = [
    b"\xff", b"\xfe", b"\xc0\x80", b"\x80", b"\xbf\xbf", b"\xe4\xb8", b"\xe4", b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
    b"\x81\x30", b"\xa1",
]
SPECIAL_TEXT = [
    "\u2028", "\u2029", "\ufeff", "\u202e", "\u0301" * 64, "\ufffd", "\x0b", "\x0c", "\r", "\r\n", "\x1c", "\x85",
    "\U00020000", "⺁", "⼀", "（", "）", "、", "：", "|", "\t", "　", "\u00a0", "\u200b", "﻿",
    "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "总计", "本年新收政府信息公开申请数量", "行政复议",
    "（三）不予公开", "1.属于国家秘密", "年度报告", "2023年", "9999年", "0年",
]
LONG_RUN_CHARS = ["a", "一", "|", "\t", " ", "-", "#", "<", ">", "{", "[", "9", "（", "\n", "\r", "&", ":", "\\", "\"",
                  "'", "*", "=", "0", ".", "、", "\u3000", "\x00", "\ufffd"]


def _clip(data: bytes) -> bytes:
    return data[:MAX_OUTPUT]


def _pos(rng: random.Random, data: bytes) -> int:
    return rng.randint(0, len(data)) if data else 0


def _span(rng: random.Random, data: bytes, max_len: int = 4096) -> tuple[int, int]:
    if not data:
        return 0, 0
    a = rng.randrange(len(data))
    return a, min(len(data), a + rng.randint(1, max_len))


def _run_length(rng: random.Random) -> int:
    """Mostly short, sometimes long, rarely huge: long runs find quadratic loops."""
    return rng.choice([rng.randint(1, 64), rng.randint(64, 4096), rng.randint(4096, 200_000)])


# --------------------------------------------------------------------------- bytes (every format)

def flip_bit(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return b"\x00"
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def set_byte(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        b[rng.randrange(len(b))] = rng.choice([0, 0xFF, 0x7F, 0x80, rng.randrange(256)])
    return bytes(b)


def insert_random(data: bytes, rng: random.Random) -> bytes:
    i = _pos(rng, data)
    return data[:i] + rng.randbytes(rng.randint(1, 64)) + data[i:]


def delete_range(data: bytes, rng: random.Random) -> bytes:
    a, b = _span(rng, data, rng.choice([16, 512, 65536]))
    return data[:a] + data[b:]


def duplicate_range(data: bytes, rng: random.Random) -> bytes:
    a, b = _span(rng, data, 1024)
    times = rng.choice([1, 2, rng.randint(3, 200)])
    return _clip(data[:b] + data[a:b] * times + data[b:])


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randint(0, len(data))] if data else data


def cut_middle(data: bytes, rng: random.Random) -> bytes:
    """Keep head and tail (signatures, trailers), lose the middle: a half-downloaded file."""
    if len(data) < 16:
        return data
    a = rng.randint(1, len(data) // 2)
    b = rng.randint(a, len(data) - 1)
    return data[:a] + data[b:]


def insert_number(data: bytes, rng: random.Random) -> bytes:
    i = _pos(rng, data)
    return data[:i] + rng.choice(INTERESTING_NUMBERS) + data[i:]


def replace_number(data: bytes, rng: random.Random) -> bytes:
    """Swap one printed number for a hostile one (size fields, spans, table figures)."""
    found = list(re.finditer(rb"\d+", data[:MAX_OUTPUT]))
    if not found:
        return insert_number(data, rng)
    out = data
    for m in sorted(rng.sample(found, min(len(found), rng.randint(1, 4))), key=lambda m: -m.start()):
        out = out[: m.start()] + rng.choice(INTERESTING_NUMBERS) + out[m.end():]
    return out


def insert_invalid_utf8(data: bytes, rng: random.Random) -> bytes:
    out = data
    for _ in range(rng.choice([1, 1, 3, 50, 2000])):
        i = _pos(rng, out)
        out = out[:i] + rng.choice(INVALID_UTF8) + out[i:]
    return out


def insert_long_run(data: bytes, rng: random.Random) -> bytes:
    i = _pos(rng, data)
    run = (rng.choice(LONG_RUN_CHARS) * _run_length(rng)).encode("utf-8")
    return _clip(data[:i] + run + data[i:])


def insert_special(data: bytes, rng: random.Random) -> bytes:
    i = _pos(rng, data)
    return data[:i] + rng.choice(SPECIAL_TEXT).encode("utf-8") + data[i:]


BYTE_MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [
    flip_bit, set_byte, insert_random, delete_range, duplicate_range, truncate, cut_middle,
    insert_number, replace_number, insert_invalid_utf8, insert_long_run, insert_special,
]


def splice(data: bytes, other: bytes, rng: random.Random) -> bytes:
    """The head of one input and the tail of another (of the same family)."""
    a = rng.randint(0, len(data))
    b = rng.randint(0, len(other))
    return _clip(data[:a] + other[b:])


# --------------------------------------------------------------------------- lines (text-like formats)

def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _join(lines: Sequence[bytes]) -> bytes:
    return _clip(b"\n".join(lines))


def dup_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.randint(1, 30))
    times = rng.choice([1, 2, 10, rng.randint(10, 2000)])
    return _join(lines[:j] + lines[i:j] * times + lines[j:])


def delete_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.choice([1, 3, 20, 200]))
    return _join(lines[:i] + lines[j:])


def swap_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    for _ in range(rng.randint(1, 5)):
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return _join(lines)


def shuffle_block(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.randint(2, 40))
    block = lines[i:j]
    rng.shuffle(block)
    return _join(lines[:i] + block + lines[j:])


def blank_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randint(0, len(lines))
    blank = rng.choice([b"", b" ", b"\t", b"\r", "\u3000".encode()])
    return _join(lines[:i] + [blank] * rng.choice([1, 5, 100, 20000]) + lines[i:])


def long_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randint(0, len(lines))
    return _join(lines[:i] + [(rng.choice(LONG_RUN_CHARS) * _run_length(rng)).encode("utf-8")] + lines[i:])


def split_line(data: bytes, rng: random.Random) -> bytes:
    """Break a line at a random byte (a wrapped cell, a half multi-byte character)."""
    lines = _lines(data)
    i = rng.randrange(len(lines))
    if lines[i]:
        k = rng.randrange(len(lines[i]))
        lines[i:i + 1] = [lines[i][:k], lines[i][k:]]
    return _join(lines)


def join_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    if len(lines) > 1:
        i = rng.randrange(len(lines) - 1)
        lines[i:i + 2] = [lines[i] + rng.choice([b"", b" ", b"\t", b"|"]) + lines[i + 1]]
    return _join(lines)


def indent_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.randint(1, 50))
    pad = rng.choice([b" ", b"  ", b"\t", b"    ", "\u3000".encode()]) * rng.choice([1, 2, 8, 500])
    return _join(lines[:i] + [pad + line for line in lines[i:j]] + lines[j:])


def line_from_other(data: bytes, other: bytes, rng: random.Random) -> bytes:
    lines, donor = _lines(data), _lines(other)
    i = rng.randint(0, len(lines))
    k = rng.randrange(len(donor))
    return _join(lines[:i] + donor[k:k + rng.randint(1, 20)] + lines[i:])


LINE_MUTATIONS = [dup_lines, delete_lines, swap_lines, shuffle_block, blank_lines, long_line, split_line,
                  join_lines, indent_lines]


# --------------------------------------------------------------------------- text and Markdown

def _depth(rng: random.Random) -> int:
    return rng.choice([2, 10, 100, 1000, 20000, 100000])


def text_structure(data: bytes, rng: random.Random) -> bytes:
    """Shapes the text reader branches on: pipe rows, separators, tabs, headings, crawler headers."""
    lines = _lines(data)
    i = rng.randint(0, len(lines))
    n = rng.choice([1, 3, 60, 300, 5000])
    new = rng.choice([
        b"|" * n,
        b"|" + b" x |" * n,
        b"|" + b"---|" * n,
        b"|" + b" :---: |" * min(n, 2000),
        b"-" * n,
        b"\t" * n,
        b"\t".join([b"1"] * n),
        b"#" * min(n, 10) + b" " + "一、总体情况".encode(),
        b"#" * n,
        "标题: 某机关2023年政府信息公开工作年度报告\n==== 正文 ====".encode(),
        b"URL: x\n---",
        b"=" * n + " 正文 ".encode() + b"=" * n,
        b"| " + b" | ".join(rng.choice(INTERESTING_NUMBERS) for _ in range(min(n, 500))) + b" |",
        b" |\n" * min(n, 5000),
        "规章 |".encode() * min(n, 2000),
        b"\t" + b" " * n + b"\t",
    ])
    return _join(lines[:i] + [new] + lines[i:])


def markdown_table_chaos(data: bytes, rng: random.Random) -> bytes:
    """Rewrite one pipe row: drop, add or duplicate cells, so rows disagree with the header."""
    lines = _lines(data)
    rows = [k for k, line in enumerate(lines) if line.count(b"|") >= 2]
    if not rows:
        return text_structure(data, rng)
    k = rng.choice(rows)
    cells = lines[k].split(b"|")
    op = rng.randrange(4)
    if op == 0 and len(cells) > 2:
        del cells[rng.randrange(1, len(cells) - 1)]
    elif op == 1:
        cells.insert(rng.randrange(len(cells) + 1), rng.choice(INTERESTING_NUMBERS))
    elif op == 2:
        cells = cells * rng.choice([2, 50, 400])
    else:
        cells = [rng.choice(INTERESTING_NUMBERS) if c.strip() else c for c in cells]
    lines[k] = b"|".join(cells)
    return _join(lines)


# --------------------------------------------------------------------------- HTML

HTML_SNIPPETS = [
    b'<table><tr><td colspan="999999" rowspan="65535">x</td></tr></table>',
    b'<table><tr><td colspan="1000">a</td><td colspan="1000">b</td></tr></table>',
    b'<table><tr><td rowspan="0">a</td></tr><tr><td>b</td></tr></table>',
    b'<td rowspan="-5" colspan="-1">z</td>', b'<td colspan="1e9">q</td>', b'<td colspan="\xef\xbc\x93">q</td>',
    b"<table>", b"</table>", b"<tr>", b"</tr>", b"<td>", b"</td>", b"<th>", b"<caption>x</caption>",
    b"<tbody>", b"<thead>", b"</tbody>", b"<p>", b"</p>", b"<br>", b"<br/>" * 1000,
    b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<script>", b"</script>", b"<style>", b"</style>",
    b"<noscript>", b"<template>", b"<svg>", b"<math>", b"<iframe>", b"<textarea>", b"<plaintext>",
    b'<meta charset="utf-16">', b'<meta charset="bogus-8">', b'<meta charset="gbk">', b'<meta charset="">',
    b'<meta http-equiv="Content-Type" content="text/html; charset=utf-32">',
    b"&#0;", b"&#x110000;", b"&#99999999999;", b"&#xD800;", b"&nbsp;" * 50, b"&amp", b"&#",
    b'<?xml version="1.0" encoding="utf-8"?>', b"<!DOCTYPE html>", b"<html>", b"</html>", b"<body>",
    b"</body>", b'<div class="footer">', b'<div style="display:none">', b"<head>", b"<title>x</title>",
    b"\x00", b"<", b">", b"</", b'<td id="a"  id="b">', b"<a href='javascript:'>",
]
NEST_TAGS = [b"div", b"table", b"tr", b"td", b"span", b"p", b"b", b"font", b"section", b"li", b"ul", b"tbody"]


def html_snippet(data: bytes, rng: random.Random) -> bytes:
    out = data
    for _ in range(rng.randint(1, 4)):
        i = _pos(rng, out)
        snippet = rng.choice(HTML_SNIPPETS)
        out = out[:i] + snippet * rng.choice([1, 1, 2, 50, 3000]) + out[i:]
    return _clip(out)


def html_nest(data: bytes, rng: random.Random) -> bytes:
    """Deep nesting around part of the page (parsers recurse over the tree)."""
    tag = rng.choice(NEST_TAGS)
    n = _depth(rng)
    a, b = _span(rng, data, 2000)
    close = rng.random() < 0.6
    return _clip(data[:a] + (b"<" + tag + b">") * n + data[a:b] + ((b"</" + tag + b">") * n if close else b"")
                 + data[b:])


def html_spans(data: bytes, rng: random.Random) -> bytes:
    """Hostile colspan/rowspan values on existing cells, or new span attributes."""
    found = list(re.finditer(rb"(colspan|rowspan)\s*=\s*[\"']?([^\"' >]*)[\"']?", data))
    value = rng.choice(INTERESTING_NUMBERS + [b"", b" 2", b"2x", b"0", b"1000", b"1001", b"65534", b"65535"])
    if found and rng.random() < 0.7:
        m = rng.choice(found)
        return data[: m.start(2)] + value + data[m.end(2):]
    cells = list(re.finditer(rb"<t[dh]\b", data))
    if not cells:
        return html_snippet(data, rng)
    m = rng.choice(cells)
    attr = rng.choice([b" colspan=", b" rowspan="]) + b'"' + value + b'"'
    return data[: m.end()] + attr + data[m.end():]


def html_drop_tags(data: bytes, rng: random.Random) -> bytes:
    """Delete some tags (opening or closing), leaving unbalanced structure for the repairing parser."""
    tags = list(re.finditer(rb"</?[a-zA-Z][^>]{0,200}>", data))
    if not tags:
        return html_snippet(data, rng)
    out = data
    for m in sorted(rng.sample(tags, min(len(tags), rng.choice([1, 5, 50]))), key=lambda m: -m.start()):
        out = out[: m.start()] + out[m.end():]
    return out


def html_dup_element(data: bytes, rng: random.Random) -> bytes:
    """Duplicate one table row or cell many times (wide and long tables)."""
    opens = list(re.finditer(rb"<(tr|td|th|table|p)\b", data))  # linear; the close is found with find()
    if not opens:
        return html_snippet(data, rng)
    m = rng.choice(opens)
    end = data.find(b"</" + m.group(1), m.end())
    if end < 0:
        return html_snippet(data, rng)
    element = data[m.start():end + len(m.group(1)) + 3]
    return _clip(data[:m.start()] + element * rng.choice([1, 5, 100, 1000]) + data[m.start():])


HTML_MUTATIONS = [html_snippet, html_nest, html_spans, html_spans, html_drop_tags, html_dup_element]


# --------------------------------------------------------------------------- XML trees (docx parts, archive)

def _attr_value(rng: random.Random) -> str:
    return rng.choice([
        "0", "-1", "1", "2", "63", "64", "1000", "1001", "999999", "4294967296", "1e999", "NaN", "nan nan nan nan",
        "inf", "", " ", "restart", "continue", "true", "false", "value", "blank", "absent", "x" * 5000,
        "9" * 50, "1.5", "-0", "\u3000", "一", "2021", "2019", "pre2019", "requests.new.total", "proactive",
        "0 0 0 0", "1 2 3", "-1e308 1e308 0 0", "1,2",
    ])


def xml_tree(data: bytes, rng: random.Random) -> bytes:
    """Structural edits on the parsed tree: duplicate, delete, move, nest, re-attribute elements."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except (etree.XMLSyntaxError, ValueError):
        return xml_text(data, rng)
    elements = list(root.iter())
    if not elements:
        return xml_text(data, rng)
    for _ in range(rng.randint(1, 3)):
        el = rng.choice(elements)
        parent = el.getparent()
        op = rng.randrange(9)
        if op == 0 and parent is not None:  # duplicate (bounded: some 200,000 elements at most)
            for _ in range(min(rng.choice([1, 2, 20, 500]), max(1, 200_000 // sum(1 for _ in el.iter())))):
                parent.insert(parent.index(el), copy.deepcopy(el))
        elif op == 1 and parent is not None:  # delete
            parent.remove(el)
        elif op == 2 and parent is not None:  # move elsewhere
            target = rng.choice(elements)
            if target is not el and el not in target.iterancestors():
                parent.remove(el)
                target.append(el)
        elif op == 3:  # nest deeply
            cur = el
            for _ in range(rng.choice([2, 50, 300, 3000])):
                cur = etree.SubElement(cur, el.tag if isinstance(el.tag, str) else "x")
        elif op == 4 and el.attrib:  # hostile attribute value
            k = rng.choice(list(el.attrib))
            el.set(k, _attr_value(rng))
        elif op == 5 and el.attrib:  # attribute removed
            del el.attrib[rng.choice(list(el.attrib))]
        elif op == 6:  # text replaced
            el.text = rng.choice([_attr_value(rng), rng.choice(LONG_RUN_CHARS).replace("\x00", "") * _run_length(rng),
                                  rng.choice(SPECIAL_TEXT).replace("\x0b", "").replace("\x0c", "").replace("\x1c", "")])
        elif op == 7 and len(el) > 1:  # children reordered
            kids = list(el)
            rng.shuffle(kids)
            el[:] = kids
        elif op == 8:  # an attribute copied from elsewhere (e.g. a span onto another cell)
            donor = rng.choice(elements)
            if donor.attrib:
                k = rng.choice(list(donor.attrib))
                try:
                    el.set(k, donor.get(k))
                except ValueError:
                    pass
        elements = list(root.iter())
        if not elements:
            break
    try:
        return _clip(etree.tostring(root, xml_declaration=rng.random() < 0.8, encoding="UTF-8"))
    except ValueError:
        return data


XML_SNIPPETS = [
    b"<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>", b"<!DOCTYPE x SYSTEM \"file:///etc/passwd\">",
    b"&a;", b"&#0;", b"&#x1F;", b"&lt;", b"<![CDATA[x]]>", b"<!-- c -->", b"<?pi x?>", b"<x:y/>", b'xmlns:q="urn:q"',
    b"<", b">", b"</", b"/>", b'"', b"'", b"=", b"\x00", b'<?xml version="1.1"?>', b'<?xml version="1.0" encoding="utf-16"?>',
    b'<?xml version="1.0" encoding="gb2312"?>',
]


def xml_text(data: bytes, rng: random.Random) -> bytes:
    """Textual XML damage: markup snippets, entity declarations, unbalanced tags."""
    i = _pos(rng, data)
    return _clip(data[:i] + rng.choice(XML_SNIPPETS) * rng.choice([1, 1, 3, 1000]) + data[i:])


XML_MUTATIONS = [xml_tree, xml_tree, xml_tree, xml_text, html_drop_tags, replace_number]


# --------------------------------------------------------------------------- .docx packages

def _unzip(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return [(info, z.read(info)) for info in z.infolist()]
    except Exception:  # noqa: BLE001 - a mutant that is no longer a zip: fall back to bytes
        return None


def _zip(members: list[tuple[zipfile.ZipInfo, bytes]], rng: random.Random) -> bytes:
    buf = io.BytesIO()
    stored = rng.random() < 0.1
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as z:
        warnings.simplefilter("ignore")  # duplicate names are one of the mutations
        for info, content in members:
            new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            new.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            z.writestr(new, content)
    return buf.getvalue()


def _member_mutation(content: bytes, rng: random.Random) -> bytes:
    r = rng.random()
    if r < 0.55:
        return docx_xml(content, rng)
    if r < 0.75:
        return rng.choice(XML_MUTATIONS)(content, rng)
    if r < 0.9:
        return rng.choice(BYTE_MUTATIONS)(content, rng)
    return rng.choice(LINE_MUTATIONS)(content, rng)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _cell_properties(tc):
    """A table cell's w:tcPr, created first in the cell when it has none."""
    pr = tc.find(W + "tcPr")
    if pr is None:
        pr = etree.SubElement(tc, W + "tcPr")
        tc.insert(0, pr)
    return pr


def docx_xml(content: bytes, rng: random.Random) -> bytes:
    """WordprocessingML-aware edits: spans, vertical merges, nested tables, text runs."""
    try:
        root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except (etree.XMLSyntaxError, ValueError):
        return xml_text(content, rng)
    cells = list(root.iter(W + "tc"))
    rows = list(root.iter(W + "tr"))
    paras = list(root.iter(W + "p"))
    op = rng.randrange(8)
    if op == 0 and cells:  # gridSpan
        pr = _cell_properties(rng.choice(cells))
        span = pr.find(W + "gridSpan")
        if span is None:
            span = etree.SubElement(pr, W + "gridSpan")
        span.set(W + "val", _attr_value(rng))
    elif op == 1 and cells:  # vMerge
        pr = _cell_properties(rng.choice(cells))
        vm = etree.SubElement(pr, W + "vMerge")
        if rng.random() < 0.7:
            vm.set(W + "val", rng.choice(["restart", "continue", "", "bogus"]))
    elif op == 2 and cells:  # a table nested in a cell, many levels deep
        tc = rng.choice(cells)
        tbl = tc.getparent().getparent() if tc.getparent() is not None else None
        if tbl is not None:
            cur = tc
            for _ in range(rng.choice([1, 5, 100, 2000])):
                clone = etree.SubElement(cur, W + "tbl")
                tr = etree.SubElement(clone, W + "tr")
                cur = etree.SubElement(tr, W + "tc")
                etree.SubElement(etree.SubElement(etree.SubElement(cur, W + "p"), W + "r"), W + "t").text = "1"
    elif op == 3 and rows:  # rows duplicated or removed (a row longer or shorter than the grid)
        tr = rng.choice(rows)
        parent = tr.getparent()
        if rng.random() < 0.5:
            for _ in range(min(rng.choice([1, 10, 1000]), max(1, 200_000 // sum(1 for _ in tr.iter())))):
                parent.insert(parent.index(tr), copy.deepcopy(tr))
        else:
            tcs = tr.findall(W + "tc")
            for tc in tcs[: rng.randint(0, len(tcs))]:
                tr.remove(tc)
    elif op == 4 and rows:  # cells added to a row
        tr = rng.choice(rows)
        tcs = tr.findall(W + "tc")
        if tcs:
            for _ in range(min(rng.choice([1, 5, 1200]), max(1, 200_000 // sum(1 for _ in tcs[-1].iter())))):
                tr.append(copy.deepcopy(tcs[-1]))
    elif op == 5 and paras:  # run text
        p = rng.choice(paras)
        r = etree.SubElement(p, W + "r")
        t = etree.SubElement(r, W + "t")
        t.text = rng.choice(SPECIAL_TEXT + [rng.choice(LONG_RUN_CHARS) * _run_length(rng)]).replace("\x00", "") \
            .replace("\x0b", "").replace("\x0c", "").replace("\x1c", "")
    elif op == 6:  # content controls / insertions wrapping the body deeply (transparent containers)
        body = root.find(W + "body")
        if body is not None and len(body):
            child = body[rng.randrange(len(body))]
            cur = body
            idx = body.index(child)
            tag = rng.choice(["sdt", "customXml", "ins", "smartTag", "sdtContent", "del", "moveTo"])
            wrapper = etree.Element(W + tag)
            top = wrapper
            for _ in range(rng.choice([1, 10, 200, 5000])):
                wrapper = etree.SubElement(wrapper, W + tag)
            cur.remove(child)
            wrapper.append(child)
            cur.insert(idx, top)
    else:
        return xml_tree(content, rng)
    try:
        return _clip(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
    except ValueError:
        return content


def docx_package(data: bytes, rng: random.Random) -> bytes:
    """Unzip, change the package (a part mutated, dropped, renamed, doubled, inflated), zip again."""
    members = _unzip(data)
    if not members:
        return rng.choice(BYTE_MUTATIONS)(data, rng)
    names = [info.filename for info, _ in members]
    op = rng.random()
    if op < 0.7:  # a part's content, the main part most often
        k = names.index("word/document.xml") if "word/document.xml" in names and rng.random() < 0.75 \
            else rng.randrange(len(members))
        info, content = members[k]
        members[k] = (info, _member_mutation(content, rng))
    elif op < 0.78 and len(members) > 1:  # a part dropped
        del members[rng.randrange(len(members))]
    elif op < 0.84:  # a part renamed (main part moved, case changed, path escaped)
        k = rng.randrange(len(members))
        info, content = members[k]
        new = rng.choice(["word/Document.xml", "word/document2.xml", "../word/document.xml", "/word/document.xml",
                          "word\\document.xml", "word/document.xml", info.filename + "x", "word//document.xml"])
        members[k] = (zipfile.ZipInfo(new, date_time=info.date_time), content)
    elif op < 0.9:  # a part twice (zipfile warns and keeps the last)
        info, content = rng.choice(members)
        members.append((zipfile.ZipInfo(info.filename, date_time=info.date_time), _member_mutation(content, rng)))
    elif op < 0.93:  # an inflating member: the bomb check's territory
        size = rng.choice([1, 8, 70]) * 1024 * 1024
        members.append((zipfile.ZipInfo("word/media/zero.bin"), b"\x00" * size))
    else:  # relationships pointing elsewhere
        for k, (info, content) in enumerate(members):
            if info.filename.endswith(".rels"):
                members[k] = (info, re.sub(rb'Target="[^"]*document[^"]*"',
                                           rng.choice([b'Target="../../x.xml"', b'Target="word/missing.xml"',
                                                       b'Target="/word/document.xml"', b'Target=""',
                                                       b'Target="http://example.invalid/a.xml" TargetMode="External"']),
                                           content))
    return _clip(_zip(members, rng))


def zip_header(data: bytes, rng: random.Random) -> bytes:
    """Corrupt zip bookkeeping: sizes, offsets, flags (encrypted bit), counts in the directory."""
    b = bytearray(data)
    sigs = [m.start() for m in re.finditer(rb"PK\x01\x02|PK\x03\x04|PK\x05\x06", data)]
    if not sigs:
        return flip_bit(data, rng)
    at = rng.choice(sigs)
    off = at + rng.randrange(4, 46)
    if off + 4 <= len(b):
        b[off:off + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x01\x00\x00\x00",
                                     rng.randbytes(4), b"\xff\xff\x00\x00"])
    return bytes(b)


# --------------------------------------------------------------------------- PDF

_STREAM = re.compile(rb"stream\r?\n")


def _streams(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of stream payloads, found textually (no parser: the mutant may be broken)."""
    out = []
    for m in _STREAM.finditer(data):
        if data[max(0, m.start() - 3):m.start()] == b"end":
            continue
        end = data.find(b"endstream", m.end())
        if end > 0:
            out.append((m.end(), end))
        if len(out) >= 200:
            break
    return out


PDF_OPS = [
    b"q " * 500, b"Q " * 500, b"BT /F1 1e30 Tf 1 0 0 1 0 0 Tm (x) Tj ET", b"BT /F1 0 Tf (\xe4\xb8\x80) Tj ET",
    b"0 0 1e9 1e9 re f", b"-1e9 -1e9 2e9 2e9 re S", b"1 0 0 1 NaN NaN cm", b"0 0 0 0 re f", b"100 100 m 100 100 l S",
    b"[(a) -1e9 (b)] TJ", b"BT ET " * 200, b"1 w 0 0 m 500 0 l S 0 0 m 0 500 l S", b"0 0 1 1 re f " * 2000,
    b"/Im1 Do", b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI", b"3 Tr", b"0 0 0 0 0 0 cm", b"1e400 0 0 1 0 0 cm",
]


def pdf_content(data: bytes, rng: random.Random) -> bytes:
    """Decompress a content stream, mutate its operators and numbers, compress it back."""
    streams = _streams(data)
    rng.shuffle(streams)
    for start, end in streams[:10]:
        raw = data[start:end].rstrip(b"\r\n")
        try:
            plain = zlib.decompressobj().decompress(raw, 8 * 1024 * 1024)
        except zlib.error:
            continue
        if not plain:
            continue
        r = rng.random()
        if r < 0.4:
            plain = replace_number(plain, rng)
        elif r < 0.7:
            i = _pos(rng, plain)
            plain = plain[:i] + b"\n" + rng.choice(PDF_OPS) + b"\n" + plain[i:]
        else:
            plain = rng.choice(LINE_MUTATIONS + [flip_bit, delete_range, duplicate_range])(plain, rng)
        packed = zlib.compress(plain[:MAX_OUTPUT])
        out = data[:start] + packed + b"\n" + data[end:]
        # fix a direct /Length in the stream's dictionary so the parser finds the new end
        head = out[max(0, start - 400):start]
        lengths = list(re.finditer(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", head))
        m = lengths[-1] if lengths else None
        if m is not None and rng.random() < 0.9:
            a = max(0, start - 400) + m.start(1)
            b = max(0, start - 400) + m.end(1)
            out = out[:a] + str(len(packed)).encode() + out[b:]
        return _clip(out)
    return pdf_syntax(data, rng)


PDF_TOKENS = [
    b"<<" * 2000, b"[" * 5000, b"(" * 3000, b"<< /Type /Pages /Kids [1 0 R 1 0 R] /Count 99999 >>",
    b"/Encrypt << /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>", b"/Filter /LZWDecode",
    b"/Filter [/FlateDecode /FlateDecode /ASCIIHexDecode]", b"/DecodeParms << /Predictor 15 /Columns 999999 >>",
    b"/MediaBox [0 0 1e30 1e30]", b"/MediaBox [0 0 0 0]", b"/MediaBox [NaN 0 0 0]", b"/Rotate 45", b"/Rotate 90",
    b"/UserUnit 1e9", b"/Length 999999999", b"/Length -1", b"0 0 R", b"999999 0 R", b"/Parent 3 0 R",
    b"endobj", b"endstream", b"xref\n0 99999999\n", b"trailer << /Size 1 /Root 1 0 R >>", b"startxref\n-1\n",
    b"/Font << /F1 << /Type /Font /Subtype /Type3 /FontMatrix [0 0 0 0 0 0] >> >>", b"/ToUnicode 999 0 R",
    b"/W [0 [1e30]]", b"/Widths [-1 -1 -1]", b"/FirstChar -5", b"%%EOF", b"%PDF-1.7",
]


def pdf_syntax(data: bytes, rng: random.Random) -> bytes:
    """Object-level damage outside the streams: tokens inserted, numbers and names changed."""
    r = rng.random()
    if r < 0.4:
        return replace_number(data, rng)
    if r < 0.8:
        i = _pos(rng, data)
        return _clip(data[:i] + b" " + rng.choice(PDF_TOKENS) + b" " + data[i:])
    names = list(re.finditer(rb"/[A-Za-z]+", data[:MAX_OUTPUT]))
    if not names:
        return insert_number(data, rng)
    m = rng.choice(names)
    donor = rng.choice(names).group(0)
    return data[:m.start()] + donor + data[m.end():]


def keep_pdf_tail(data: bytes, rng: random.Random) -> bytes:
    """Most mutants keep a trailer marker so they get past the reader's cheap first check."""
    if rng.random() < 0.85 and b"%%EOF" not in data[-8192:]:
        data = data + b"\n%%EOF\n"
    if rng.random() < 0.95 and b"%PDF-" not in data[:1024]:
        data = b"%PDF-1.7\n" + data
    return data


# --------------------------------------------------------------------------- figures files

def _rand_scalar(rng: random.Random):
    return rng.choice([
        0, -1, 1, 2**63, 10**40, -(10**30), int("9" * 400), 1.5, 1e308, float("inf"), float("nan"), -0.0, None, True,
        False, "", "1", "0", " 5 ", "１２", "一", "null", "NaN", "1e999", "9" * 1000, "x" * 50000, [], {}, [1, 2], {"a": 1},
    ])


def _json_walk(obj, rng: random.Random, depth: int = 0):
    """Replace a random node of a JSON tree (mutates containers in place, returns the new root)."""
    if depth > 50 or not isinstance(obj, (dict, list)) or not obj or rng.random() < 0.15:
        r = rng.random()
        if r < 0.6:
            return _rand_scalar(rng)
        if r < 0.8:  # deeply nested
            deep = _rand_scalar(rng)
            for _ in range(rng.choice([5, 30, 300])):
                deep = [deep] if rng.random() < 0.5 else {"k": deep}
            return deep
        if r < 0.9:  # a wide container
            return {f"k{i}": _rand_scalar(rng) for i in range(rng.choice([10, 1000, 20000]))}
        return obj
    if isinstance(obj, dict):
        keys = list(obj)
        k = rng.choice(keys)
        r = rng.random()
        if r < 0.1:
            del obj[k]
        elif r < 0.2:
            obj[rng.choice(["", " ", k + " ", k.upper(), "\u3000" + k, "null", "0", "__proto__", "x" * 2000])] = obj.pop(k)
        else:
            obj[k] = _json_walk(obj[k], rng, depth + 1)
        return obj
    i = rng.randrange(len(obj))
    r = rng.random()
    if r < 0.1:
        del obj[i]
    elif r < 0.2:
        obj.extend([obj[i]] * rng.choice([1, 100, 5000]))
    else:
        obj[i] = _json_walk(obj[i], rng, depth + 1)
    return obj


def json_tree(data: bytes, rng: random.Random) -> bytes:
    try:
        obj = json.loads(data)
    except (ValueError, RecursionError):
        return json_text(data, rng)
    obj = _json_walk(obj, rng)
    try:
        text = json.dumps(obj, ensure_ascii=rng.random() < 0.3, indent=rng.choice([None, 1, 2]))
    except (ValueError, RecursionError):
        return data
    return _clip(text.encode("utf-8"))


def json_text(data: bytes, rng: random.Random) -> bytes:
    """Textual JSON damage: deep brackets, duplicate keys, odd literals, huge numbers."""
    n = _depth(rng)
    i = _pos(rng, data)
    snippet = rng.choice([
        b"[" * n, b"{\"a\":" * n, b"]" * n, b"}" * n, b"[" * n + b"]" * n, b"{\"a\":" * min(n, 5000) + b"1" + b"}" * min(n, 5000),
        b"\"agency\": \"x\", \"agency\": \"y\",", b"NaN", b"Infinity", b"-Infinity", b"1e99999", b"9" * 5000,
        b"-" + b"9" * 5000 + b".5", b"0." + b"0" * 5000 + b"1", b"\"\\ud800\"", b"\"\\u0000\"", b"\"\\x\"", b",", b",,",
        b":", b"null", b"true", b"\"" + b"\\" * 1001 + b"\"", b"'a'", b"/* c */", b"// c\n", b"\x00",
    ])
    return _clip(data[:i] + snippet + data[i:])


YAML_SNIPPETS = [
    "a: &a [*a]", "x: &x\n  - *x", "b: &b [1,2,3,4,5,6,7,8,9]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
    "k: !!python/object/apply:os.system ['true']", "k: !!binary AAAA", "k: !!set {a, b}", "k: !!omap [a: 1]",
    "k: !!timestamp 2001-12-14t21:59:43.10-05:00", "k: !!float .nan", "k: .inf", "k: -.inf", "k: 0o777", "k: 0x1F",
    "k: 1_000", "k: 190:20:30", "k: ~", "k: yes", "k: No", "<<: *a", "<<: {a: 1}", "? [complex, key]\n: v",
    "---", "...", "%YAML 1.1", "%TAG ! tag:x,2000:", "k: |\n  block\n  text", "k: >-\n  folded", "\t- tab indented",
    "k: 'unterminated", "k: \"\\x00\\ud800\"", "k: [a, b", "k: {a: 1", "- - - - - - - - - - - - - - - - - - - - - - x",
    "k: !unknown x", "&anchor", "*undefined", "k: 9" + "9" * 5000, "k: -9" + "9" * 30, "k: 1e99999", "requests: null",
    "proactive: []", "requests:\n  x: 1\n  x: 2", "format: 1999", "year: 99999999999999999999", "year: -1", "year: 2023.5",
]


def yaml_text(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randint(0, len(lines))
    r = rng.random()
    if r < 0.6:
        new = [rng.choice(YAML_SNIPPETS).encode("utf-8")]
    elif r < 0.8:  # deep nesting (block or flow)
        n = _depth(rng)
        new = [rng.choice([b"[" * n, b"{a: " * min(n, 20000), b"- " * min(n, 20000) + b"x"])]
        if rng.random() < 0.5:
            new = [b"  " * k + b"k:" for k in range(min(n, 3000))]
    else:  # a value replaced
        k = rng.randrange(len(lines))
        m = re.match(rb"^([ \t]*[^:#\s][^:#]*:[ \t]*)(.+)$", lines[k])  # no overlapping runs: linear
        if m:
            lines[k] = m.group(1) + rng.choice(INTERESTING_NUMBERS + [b"null", b"~", b"[]", b"{}", b"''", b"*a", b"&a x"])
        return _join(lines)
    return _join(lines[:i] + new + lines[i:])


def yaml_tree(data: bytes, rng: random.Random) -> bytes:
    """Load the YAML, mutate the tree like JSON's, dump it back in block or flow style."""
    import yaml
    if len(data) > 200_000:  # the pure-Python loader takes seconds on a long mutant
        return yaml_text(data, rng)
    try:
        obj = yaml.safe_load(data)
    except Exception:  # noqa: BLE001 - a mutant that no longer loads: mutate it as text
        return yaml_text(data, rng)
    obj = _json_walk(obj, rng)
    try:
        text = yaml.safe_dump(obj, allow_unicode=rng.random() < 0.8, default_flow_style=rng.choice([None, True, False]),
                              sort_keys=False, width=rng.choice([80, 10**6]))
    except (yaml.YAMLError, RecursionError, ValueError):
        return data
    return _clip(text.encode("utf-8"))


# --------------------------------------------------------------------------- families

def _weighted(rng: random.Random, table: list[tuple[float, list]]):
    total = sum(w for w, _ in table)
    r = rng.random() * total
    for w, ops in table:
        r -= w
        if r <= 0:
            return rng.choice(ops)
    return rng.choice(table[-1][1])


FAMILIES = {
    "pdf": [(0.3, BYTE_MUTATIONS), (0.35, [pdf_content]), (0.35, [pdf_syntax])],
    "docx": [(0.2, BYTE_MUTATIONS + [zip_header]), (0.8, [docx_package])],
    "html": [(0.3, BYTE_MUTATIONS), (0.3, LINE_MUTATIONS), (0.4, HTML_MUTATIONS)],
    "text": [(0.3, BYTE_MUTATIONS), (0.45, LINE_MUTATIONS), (0.25, [text_structure, markdown_table_chaos])],
    "markdown": [(0.25, BYTE_MUTATIONS), (0.35, LINE_MUTATIONS), (0.4, [text_structure, markdown_table_chaos])],
    "yaml": [(0.25, BYTE_MUTATIONS), (0.25, LINE_MUTATIONS), (0.3, [yaml_text]), (0.2, [yaml_tree])],
    "json": [(0.25, BYTE_MUTATIONS), (0.15, LINE_MUTATIONS), (0.3, [json_tree]), (0.3, [json_text])],
    "xml": [(0.25, BYTE_MUTATIONS), (0.15, LINE_MUTATIONS), (0.6, XML_MUTATIONS)],
}


def mutate(family: str, data: bytes, rng: random.Random, others: Sequence[bytes] = (), stack: bool = True) -> bytes:
    """One to four stacked mutations of ``family`` (one if not ``stack``: libFuzzer stacks its
    own), sometimes spliced with another seed."""
    out = data
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4]) if stack else 1):
        try:
            if others and rng.random() < 0.08:
                other = rng.choice(others)
                out = line_from_other(out, other, rng) if family not in ("pdf", "docx") and rng.random() < 0.6 \
                    else splice(out, other, rng)
            else:
                out = _weighted(rng, FAMILIES[family])(out, rng)
        except Exception:  # noqa: BLE001 - e.g. MemoryError on a tree grown too big: a flip instead
            out = flip_bit(out, rng)
    if family == "pdf":
        out = keep_pdf_tail(out, rng)
    return _clip(out)


def family_of(data: bytes) -> str:
    """The family whose mutations suit an input, by a cheap look at its content (for "any")."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK"):
        return "docx"
    s = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if s.startswith(b"{") or s.startswith(b"["):
        return "json"
    if s.startswith(b"<?xml") and b"urn:gknb:archive" in data[:2048]:
        return "xml"
    if re.search(rb"<\s*(html|body|table|div|p)\b", data[:65536], re.I):
        return "html"
    if re.search(rb"^(agency|year|format|proactive|requests)\s*:", data[:4096], re.M):
        return "yaml"
    if re.search(rb"^[ \t]*\|?[ \t]*:?-{3,}", data[:65536], re.M):  # [ \t], not \s: linear on blank runs
        return "markdown"
    return "text"
