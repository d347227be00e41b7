"""The .docx as PDF, through LibreOffice headless.

Each call runs its own LibreOffice with a private profile: concurrent instances sharing one
profile collide (PITFALLS.md).  Converting several files in one call is much cheaper than one
call per file, so the function takes a list.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

SECONDS_BASE, SECONDS_PER_FILE = 120, 20


class PdfError(RuntimeError):
    """LibreOffice missing or failing; the message is Chinese."""


def to_pdf(docx_files: list[Path], outdir: Path) -> list[Path]:
    """Convert each .docx into ``outdir/<stem>.pdf``; the PDFs' paths, in order."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PdfError("没有找到 LibreOffice（soffice），无法生成PDF；请先运行 sh jobs/system.sh 安装")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gknb-soffice-") as profile:
        cmd = [soffice, "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation={Path(profile).as_uri()}",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docx_files)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                  timeout=SECONDS_BASE + SECONDS_PER_FILE * len(docx_files))
        except subprocess.TimeoutExpired:
            raise PdfError("LibreOffice 转换PDF超时") from None
    pdfs = [outdir / f"{Path(f).stem}.pdf" for f in docx_files]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"退出码 {done.returncode}"]
        raise PdfError(f"LibreOffice 未能生成 {'、'.join(missing)}（{detail[0]}）")
    return pdfs
