"""The .docx as PDF, through LibreOffice headless (:mod:`gknb.office`)."""

from __future__ import annotations

from pathlib import Path

from gknb.office import OfficeError, convert

PdfError = OfficeError  # LibreOffice missing or failing; the message is Chinese


def to_pdf(docx_files: list[Path], outdir: Path) -> list[Path]:
    """Convert each .docx into ``outdir/<stem>.pdf``; the PDFs' paths, in order."""
    return convert(docx_files, "pdf", outdir)
