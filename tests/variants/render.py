"""HTML variants rendered to Word and PDF by LibreOffice, many files per call.

One LibreOffice start costs more than a file's conversion, so files go in batches; each run has
its own profile (concurrent instances sharing one collide), HOME and a UTF-8 locale (without one
it stops with "The user interface language cannot be determined").  HTML is opened as a Writer
document ("HTML (StarWriter)"): Writer/Web, the default for .html, has no Word export.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

FILTERS = {"docx": "docx:MS Word 2007 XML", "pdf": "pdf:writer_pdf_Export"}
BATCH = 40
SECONDS_BASE, SECONDS_PER_FILE = 120, 15


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert_batch(program: str, files: list[Path], target: str, outdir: Path) -> str:
    with tempfile.TemporaryDirectory(prefix="gknb-variants-lo-") as home:
        env = {**os.environ, "HOME": home, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        cmd = [program, "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation={Path(home, 'profile').as_uri()}",
               "--infilter=HTML (StarWriter)", "--convert-to", FILTERS[target],
               "--outdir", str(outdir), *map(str, files)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, stdin=subprocess.DEVNULL,
                                  timeout=SECONDS_BASE + SECONDS_PER_FILE * len(files))
        except subprocess.TimeoutExpired:
            return "timeout"
        return (done.stderr or "").strip()[-300:]


def convert(files: list[Path], target: str, outdir: Path, workers: int = 2) -> dict[Path, Path | None]:
    """Each HTML file converted to ``outdir/<stem>.<target>``; None for a file LibreOffice did not convert."""
    program = soffice()
    if program is None:
        return {f: None for f in files}
    outdir.mkdir(parents=True, exist_ok=True)
    batches = [files[i:i + BATCH] for i in range(0, len(files), BATCH)]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, 2))) as pool:
        list(pool.map(lambda b: _convert_batch(program, b, target, outdir), batches))
    out = {}
    for f in files:
        result = outdir / f"{f.stem}.{target}"
        out[f] = result if result.exists() and result.stat().st_size > 0 else None
    return out
