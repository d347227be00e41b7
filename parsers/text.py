"""Plain text and Markdown → the neutral layout.

Three shapes of table survive in text: tab-separated exports (each field keeps its column,
so a row that lost a cell shows it), Markdown pipe tables, and crawler text where cells ran
together (left as paragraphs: :mod:`parsers.stream` reads those against the template).
A crawler's page header ("标题: …", "==== 正文 ====") gives the title and is not body text.
"""

from __future__ import annotations

import os
import re

from .errors import DocumentError
from .layout import Grid, GridCell, Layout, Paragraph, Where
from .sniff import decode_counted, is_md_separator
from .source import Source, as_source

MAX_BYTES = 20 * 1024 * 1024
MAX_COLUMNS = 200
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_CRAWLER_BODY = re.compile(r"^=+\s*正文\s*=+$")
_CRAWLER_TITLE = re.compile(r"^标题[:：]\s*(.+)$")
_HEADER_LINE = re.compile(r"^[A-Za-z\u4e00-\u9fff ]{1,12}[:：]")


def _is_md_row(line: str) -> bool:
    """A Markdown table row, or a pipe-separated export's ("规章 | 1 | 1 | 1 |")."""
    s = line.strip()
    return s.count("|") >= 2 and (s.startswith("|") or s.endswith("|"))


def _is_cell_line(line: str) -> bool:
    """A page copied one table cell per line, each ending in "|" ("規章 |", "0 |", "|||")."""
    s = line.strip()
    return s.endswith("|") and (s.count("|") == 1 or not s.strip("|"))


def _md_cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def _grid(rows: list[tuple[int, list[str]]], doubts: dict[tuple[int, int], str] | None = None) -> Grid:
    """A grid from (line number, fields) rows: each field stays in the column it was printed in;
    ``doubts``: why the text of a (row, column) is unsure."""
    cells = []
    width = min(MAX_COLUMNS, max(len(f) for _, f in rows))
    for r, (line, fields) in enumerate(rows):
        for c, text in enumerate(fields[:width]):
            cells.append(GridCell(r, c, text, where=Where(line=line), doubt=(doubts or {}).get((r, c))))
    return Grid(cells, len(rows), width, Where(line=rows[0][0]))


CELL_BROKEN = "此格文字被换行断开（“{}”），已连读，请核对"


def _broken_row(lines: list[str], i: int) -> bool:
    """A Markdown row left open ("| 行政许可 | 517") whose next line closes it ("645 |"): a line
    break inside a cell."""
    s = lines[i].strip()
    if not s.startswith("|") or s.endswith("|") or i + 1 >= len(lines):
        return False
    nxt = lines[i + 1].strip()
    return bool(nxt) and nxt.endswith("|") and not nxt.startswith("|")


def _strip_crawler_header(lines: list[str]) -> tuple[list[str], int, str | None]:
    """(body lines, line offset, title) for a saved page's header ("标题: …" … "==== 正文 ====",
    or "URL: …" lines closed by "---"); the text unchanged otherwise."""
    for i, line in enumerate(lines[:40]):
        s = line.strip()
        if _CRAWLER_BODY.match(s) or (s == "---" and i and all(_HEADER_LINE.match(x) for x in lines[:i] if x.strip())):
            title = next((m.group(1).strip() for x in lines[:i] if (m := _CRAWLER_TITLE.match(x.strip()))), None)
            return lines[i + 1:], i + 1, title
    return lines, 0, None


def read_text(document: Source | str | os.PathLike) -> Layout:
    src = as_source(document)
    if len(src.data) > MAX_BYTES:
        raise DocumentError(src.name, f"文本文件过大（超过{MAX_BYTES // 1024 // 1024}MB），不像是一份年度报告")
    decoded = decode_counted(src.data)
    if decoded is None:
        raise DocumentError(src.name, "无法识别文本的字符编码（既不是UTF-8，也不是GB18030）")
    text, damaged = decoded
    lines, offset, title = _strip_crawler_header(text.splitlines())
    markdown = any(is_md_separator(x) for x in lines)
    blocks: list[Paragraph | Grid] = []
    if title:
        blocks.append(Paragraph(title, Where(line=offset)))
    i = 0
    while i < len(lines):
        line = lines[i]
        n = offset + i + 1
        if _is_cell_line(line):
            cells = []
            while i < len(lines) and _is_cell_line(lines[i]):
                text = lines[i].strip().rstrip("|").strip()
                if text:
                    cells.append(text)
                i += 1
            if cells:  # read as running text: the template's labels find the rows in it
                blocks.append(Paragraph("  ".join(cells), Where(line=n)))
            continue
        if _is_md_row(line):
            rows, doubts = [], {}
            while i < len(lines) and _is_md_row(lines[i]):
                if not is_md_separator(lines[i]):
                    fields, line_no = _md_cells(lines[i]), offset + i + 1
                    if _broken_row(lines, i):
                        i += 1
                        cont = _md_cells(lines[i])
                        joined = f"{fields[-1]} {cont[0]}".strip()
                        doubts[(len(rows), len(fields) - 1)] = CELL_BROKEN.format(joined)
                        fields = [*fields[:-1], joined, *cont[1:]]
                    rows.append((line_no, fields))
                i += 1
            if rows:
                blocks.append(_grid(rows, doubts))
            continue
        if "\t" in line.strip("\n") and line.strip():
            rows = []
            while i < len(lines):
                if "\t" in lines[i] and lines[i].strip():
                    rows.append((offset + i + 1, [f.strip() for f in lines[i].split("\t")]))
                elif lines[i].strip() or not _tab_follows(lines, i):
                    break
                i += 1
            blocks.append(_grid(rows))
            continue
        stripped = _MD_HEADING.sub("", line).strip() if markdown else line.strip()
        if stripped:
            blocks.append(Paragraph(stripped, Where(line=n)))
        i += 1
    if not blocks:
        raise DocumentError(src.name, "文件中没有文字")
    return Layout("markdown" if markdown else "text", blocks, damaged_bytes=damaged)


def _tab_follows(lines: list[str], i: int) -> bool:
    """Blank lines inside a tab-separated table (a page break in the export) do not end it."""
    for line in lines[i + 1:i + 4]:
        if line.strip():
            return "\t" in line
    return False
