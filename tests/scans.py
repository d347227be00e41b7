"""Scans made from text PDFs, with the figures known: what a department's scanner would send.

A page is rendered at a resolution, optionally stamped with a red seal (where a figure of
table 三 stands, as on a signed copy), turned grey, noised, rotated slightly and compressed as
JPEG, then all pages are put into an image-only PDF.  Deterministic: the noise is seeded.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont


@dataclass(frozen=True)
class Degradation:
    """How a scan differs from the clean page."""

    dpi: int = 200
    grey: bool = False
    noise: float = 0.0  # standard deviation of Gaussian noise, in grey levels
    rotation: float = 0.0  # degrees
    jpeg: int | None = None  # JPEG quality, None for lossless
    seal: bool = False
    seal_x: float = 0.62  # where across the page the seal's centre is: 0.62 over figures, 0.3 over labels

    @property
    def name(self) -> str:
        parts = [f"{self.dpi}dpi", "grey" if self.grey else "colour"]
        if self.noise:
            parts.append(f"noise{self.noise:g}")
        if self.rotation:
            parts.append(f"rot{self.rotation:g}")
        if self.jpeg:
            parts.append(f"jpeg{self.jpeg}")
        if self.seal:
            parts.append("seal" if self.seal_x == 0.62 else f"seal{self.seal_x:g}")
        return "-".join(parts)


SEAL_TEXT = "示例机关公章"  # fictional: a seal's ring of text, not any real agency's name


def seal_spot(pdf: Path, marker: str = "本年新收", across: float = 0.62) -> tuple[int, float, float] | None:
    """(page, x, y) in points of the first rows of table 三, ``across`` the page's width: where
    a seal would cover figures (or, further left, row labels)."""
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            found = page.search(marker)
            if found:
                hit = found[0]
                return number, float(page.width) * across, float(hit["top"]) + 45.0
    return None


def make_scan(pdf: Path, out: Path, how: Degradation, seed: int = 7, only: int | None = None) -> Path:
    """Write an image-only PDF of ``pdf`` degraded as ``how`` says (with ``only``, of that page)."""
    spot = seal_spot(pdf, across=how.seal_x) if how.seal else None
    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(str(pdf))
    pages = []
    try:
        for i in range(len(doc)) if only is None else [only - 1]:
            image = doc[i].render(scale=how.dpi / 72).to_pil().convert("RGB")
            if spot and spot[0] == i + 1:
                image = _stamp(image, spot[1] * how.dpi / 72, spot[2] * how.dpi / 72, how.dpi)
            pages.append(_degrade(image, how, rng))
    finally:
        doc.close()
    pages[0].save(out, "PDF", resolution=float(how.dpi), save_all=True, append_images=pages[1:])
    return out


def coarse_page(pdf: Path, out: Path, page: int = 0) -> Path:
    """One page as an image-only PDF at 36 dpi: a scan too coarse to read."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        image = doc[page].render(scale=0.5).to_pil().convert("RGB")
    finally:
        doc.close()
    image.save(out, "PDF", resolution=36.0)
    return out


def _degrade(image: Image.Image, how: Degradation, rng: np.random.Generator) -> Image.Image:
    if how.grey:
        image = image.convert("L")
    if how.noise:
        pixels = np.asarray(image).astype(np.float32)
        pixels += rng.normal(0, how.noise, pixels.shape)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if how.rotation:
        fill = 255 if image.mode == "L" else (255, 255, 255)
        image = image.rotate(how.rotation, resample=Image.Resampling.BILINEAR, fillcolor=fill)
    if how.jpeg:
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=how.jpeg)
        image = Image.open(io.BytesIO(buf.getvalue()))
        image.load()
    return image


def _stamp(image: Image.Image, cx: float, cy: float, dpi: int) -> Image.Image:
    """A round red seal (ring, star, ring of text) multiplied over the page, as ink is."""
    r = int(0.8 * dpi)  # a 42 mm seal
    layer = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(layer)
    width = max(3, dpi // 40)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=width)
    star = [(cx + 0.3 * r * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
             cy - 0.3 * r * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    draw.polygon(star, fill=255)
    font = _font(int(r * 0.22))
    for k, ch in enumerate(SEAL_TEXT):
        angle = math.pi * (0.85 - k * 0.7 / max(1, len(SEAL_TEXT) - 1))
        x, y = cx + 0.72 * r * math.cos(angle), cy - 0.72 * r * math.sin(angle)
        draw.text((x, y), ch, fill=255, font=font, anchor="mm")
    ink = np.asarray(layer).astype(np.float32) / 255 * 0.85
    pixels = np.asarray(image).astype(np.float32)
    red = np.array([215, 30, 40], np.float32)
    # multiply blend: black text under the seal stays black
    blended = pixels * (1 - ink[..., None]) + (pixels * red / 255) * ink[..., None]
    return Image.fromarray(np.clip(blended, 0, 255).astype(np.uint8))


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for path in ("/usr/local/share/fonts/gknb-fandol/FandolHei-Regular.otf",
                 "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()
