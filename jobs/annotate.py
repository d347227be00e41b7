"""The annotated copy of one report (审核意见): the checker's and comparer's findings as Word comments.

A Word report is annotated in its own .docx.  A PDF, web page or text has no Word file to send
back, so its copy is the generated .docx of its figures (the generator's own layout), read
back to learn where each figure was placed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gknb.parsers import DocumentError, Source, parse_source, read_bytes
from gknb.parsers.sniff import DOCX, sniff

from gknb.compare.annotate import AnnotateError, Placed, annotate, remarks
from gknb.compare.checks import NEW
from gknb.compare.comparison import compare
from gknb.generator import generate_docx
from gknb.generator.basis import Figures
from gknb.generator.compose import GenerateError
from gknb.model import Report
from gknb.rules import ERROR


@dataclass(frozen=True)
class Annotated:
    data: bytes  # the .docx with its comments
    placed: list[Placed]
    generated: bool  # the report was not Word: this is the generated .docx of its figures
    errors: int
    warnings: int


def annotated_copy(path: Path, report: Report, previous: Report | None = None) -> Annotated:
    """``report`` (the parse of ``path``) with a comment at each finding, against ``previous``.

    Raises DocumentError (Chinese, naming the file) when no Word copy can be made."""
    c = compare(previous, report)
    findings = [f.violation for f in c.of(NEW)]
    data = read_bytes(path)
    generated = sniff(data, str(path)) != DOCX
    anchors = report
    if generated:
        try:
            data, _ = generate_docx(Figures(report), previous, draft=any(v.severity == ERROR for v in findings))
        except GenerateError as e:
            raise DocumentError(str(path), f"不是 Word 文件，也无法按其数字生成 Word 文件：{e}") from None
        anchors = parse_source(Source(f"{Path(path).stem}.docx", data))
    try:
        out, placed = annotate(data, anchors, remarks(report, findings), str(path))
    except AnnotateError as e:
        raise DocumentError(str(path), str(e).removeprefix(f"{path}：")) from None
    errors = sum(v.severity == ERROR for v in findings)
    return Annotated(out, placed, generated, errors, len(findings) - errors)
