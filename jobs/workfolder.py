"""The January job's working folder, the year it runs for, and the summary row of one agency.

What every part of the job (:mod:`jobs.january`) shares: where things go, what a row says,
and how an exception becomes the Chinese sentence of a row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gknb.archive.errors import os_error_zh
from gknb.archive.fs import Tree
from gknb.archive.store import Store, StoreError
from gknb.parsers import DocumentError

from gknb import register as agency_register
from gknb.compare.batch import PairError
from gknb.compare.index import IndexRow
from gknb.generator.compose import GenerateError
from gknb.generator.pdf import PdfError
from gknb.rules import Violation

Progress = Callable[[str, int, int, str], None]  # (phase, i, n, item)

# Statuses in the summary, as staff read them.
DRAFTED, WAITING, GENERATED, ARCHIVED, FAILED = "已生成数字文件，待填写", "数字文件待填写完整", "已生成报告", "已归档", "错误"
UNFINISHED = "待完善（已生成征求意见稿）"  # figures that break an error-level rule, or gaps left: no final report

CONSOLIDATED = "汇总"  # <work>/汇总/<政府>/: the consolidated reports


def reason(e: BaseException) -> str:
    """An exception as the Chinese sentence a summary row shows."""
    if isinstance(e, DocumentError | StoreError | GenerateError | PdfError | PairError | ValueError):
        return str(e)
    if isinstance(e, OSError):
        where = f"{e.filename}：" if e.filename else ""
        return f"{where}{os_error_zh(e)}"
    return f"程序内部错误（{type(e).__name__}: {e}）"


@dataclass
class Row:
    """One agency's line of the summary: all the job keeps of an agency between its phases."""

    agency: str
    status: str = ""
    errors: int = 0
    warnings: int = 0
    outputs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    submission: str = ""  # 已提交 | 逾期 | 未提交, for agencies the register says must report
    # what the index, the 报送 list and the 审核意见汇总 need of its review (jobs.review)
    held: bool = field(default=False, repr=False)  # year N is archived
    source: str | None = field(default=None, repr=False)  # year N's source document (sha256)
    page: str | None = field(default=None, repr=False)  # its review page
    index: IndexRow | None = field(default=None, repr=False)  # its line of the index
    findings: list[Violation] | None = field(default=None, repr=False)  # year N's open findings

    def fail(self, e: BaseException | str) -> None:
        self.status = FAILED
        self.notes.append(e if isinstance(e, str) else reason(e))


@dataclass
class WorkFolder:
    """Where the job reads and writes, under one working folder (by the archive's folder names)."""

    work: Path
    archive: Path | None = None

    @property
    def inbox(self) -> Path:
        return self.work / "inbox"

    @property
    def store(self) -> Store:
        return Store(self.archive or self.work / "archive")

    @property
    def tree(self) -> Tree:
        return Tree(self.work)

    def figures(self, folder: str, year: int) -> Path:
        return self.work / "figures" / folder / f"{year}.yaml"

    def reports(self, folder: str) -> Path:
        return self.work / "reports" / folder

    @property
    def consolidated(self) -> Path:
        return self.work / CONSOLIDATED

    @property
    def reviews(self) -> Path:
        return self.work / "reviews"

    @property
    def register(self) -> Path:
        return self.work / agency_register.FILE_NAME
