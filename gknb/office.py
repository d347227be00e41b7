"""LibreOffice headless, for the conversions gknb needs: .docx → PDF, and .doc/.wps → .docx.

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


class OfficeError(RuntimeError):
    """LibreOffice missing or failing; the message is Chinese."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(files: list[Path], target: str, outdir: Path, *, timeout: float | None = None) -> list[Path]:
    """Convert each file into ``outdir/<stem>.<target>`` ("pdf", "docx"); the results, in order."""
    program = soffice()
    if program is None:
        raise OfficeError("没有找到 LibreOffice（soffice）；请先运行 sh jobs/system.sh 安装")
    outdir.mkdir(parents=True, exist_ok=True)
    limit = timeout or SECONDS_BASE + SECONDS_PER_FILE * len(files)
    with tempfile.TemporaryDirectory(prefix="gknb-soffice-") as profile:
        cmd = [program, "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation={Path(profile).as_uri()}",
               "--convert-to", target, "--outdir", str(outdir), *map(str, files)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=limit)
        except subprocess.TimeoutExpired:
            raise OfficeError(f"LibreOffice 转换为 {target} 超时") from None
    out = [outdir / f"{Path(f).stem}.{target}" for f in files]
    missing = [p.name for p in out if not p.exists()]
    if missing:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"退出码 {done.returncode}"]
        raise OfficeError(f"LibreOffice 未能生成 {'、'.join(missing)}（{detail[0]}）")
    return out
