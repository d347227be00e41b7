"""Page images of a scan, cleaned for recognition: pages rendered or decoded, seal removed, straightened.

A scanned report comes as a PDF of page images or as image files (PNG, JPEG, TIFF).  Each
page becomes a grey image at a known resolution, with the red ink of a seal turned to paper
(a seal stamped over figures is the usual signed copy) and the slight rotation of a scanner
feed taken out, so that ruling lines run straight and text lines are level.  The mask of the
seal is kept: a figure under it is read with more suspicion.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from .errors import DocumentError

__all__ = ["ScanPage", "ImageSettings", "pdf_pages", "image_pages", "prepare", "pdf_page_count"]


@dataclass(frozen=True)
class ImageSettings:
    """Tunables of page preparation."""

    dpi: int = 200  # resolution PDF pages are rendered at (and assumed for images that carry none)
    min_dpi: int = 100  # below this an image is too coarse to read figures reliably
    max_dpi: int = 300  # a finer scan is rendered at this (recognition gains nothing above)
    max_pixels: int = 60_000_000  # a page larger than this is not a scanned A4 page (≈ 600 dpi A3)
    max_pages: int = 200
    max_skew: float = 3.0  # degrees searched for the scan's rotation
    skew_step: float = 0.05
    seal_saturation: int = 90  # HSV saturation above which a reddish pixel is seal ink
    seal_value: int = 90  # ... and value above which it is not dark text under the seal


SETTINGS = ImageSettings()


@dataclass
class ScanPage:
    """One page ready for recognition: grey pixels, their resolution, and where a seal was."""

    number: int
    gray: np.ndarray  # uint8, 0 = ink, 255 = paper
    dpi: float
    seal: np.ndarray  # bool, True where seal ink was removed
    skew: float = 0.0  # degrees the page was turned back by

    @property
    def scale(self) -> float:
        """Points per pixel: positions are reported in PDF points like a text PDF's."""
        return 72.0 / self.dpi

    @property
    def height_pt(self) -> float:
        return self.gray.shape[0] * self.scale


def pdf_page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


def pdf_pages(data: bytes, name: str, settings: ImageSettings = SETTINGS) -> Iterator[tuple[int, np.ndarray, float]]:
    """(page number, RGB pixels, dpi) of each page of a PDF, rendered with pdfium."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        if len(doc) > settings.max_pages:
            raise DocumentError(name, f"扫描件页数过多（{len(doc)}页），超过{settings.max_pages}页的处理上限")
        for i in range(len(doc)):
            page = doc[i]
            try:
                w, h = page.get_size()
                native = _native_dpi(page)
                if native is not None and native < settings.min_dpi:
                    raise DocumentError(name, f"扫描分辨率过低（约{native:.0f} dpi），无法可靠识别数字；"
                                              f"请以200 dpi以上重新扫描")
                # the scan's own resolution, within reason: more pixels than it has add nothing
                dpi = min(max(native or settings.dpi, settings.dpi), settings.max_dpi)
                scale = dpi / 72.0
                if w * h * scale * scale > settings.max_pixels:
                    scale = (settings.max_pixels / (w * h)) ** 0.5
                bitmap = page.render(scale=scale, grayscale=False)
                pixels = bitmap.to_numpy()[:, :, :3].copy()  # BGR(A) as pdfium renders
                bitmap.close()
            finally:
                page.close()
            yield i + 1, pixels[:, :, ::-1].copy(), scale * 72.0
    finally:
        doc.close()


def _native_dpi(page) -> float | None:
    """The resolution of the largest image on a PDF page, as placed there (pixels per inch)."""
    import pypdfium2.raw as pdfium_c

    best: tuple[float, float] | None = None
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            px_w, px_h = obj.get_px_size()
            x0, y0, x1, y1 = obj.get_bounds()
        except Exception:  # noqa: BLE001 - an image pdfium cannot measure says nothing
            continue
        width_pt = max(abs(x1 - x0), abs(y1 - y0))
        if width_pt < 72 or not px_w:
            continue
        area = abs(x1 - x0) * abs(y1 - y0)
        dpi = max(px_w, px_h) / (width_pt / 72.0)
        if best is None or area > best[0]:
            best = (area, dpi)
    return best[1] if best else None


def image_pages(data: bytes, name: str, settings: ImageSettings = SETTINGS) -> Iterator[tuple[int, np.ndarray, float]]:
    """(page number, RGB pixels, dpi) of each frame of a PNG, JPEG or TIFF file."""
    Image.MAX_IMAGE_PIXELS = settings.max_pixels  # a decompression bomb fails before decoding
    try:
        image = Image.open(io.BytesIO(data))
        frames = ImageSequence.Iterator(image)
        for number, frame in enumerate(frames, start=1):
            if number > settings.max_pages:
                raise DocumentError(name, f"图像页数过多，超过{settings.max_pages}页的处理上限")
            if frame.width * frame.height > settings.max_pixels:
                raise DocumentError(name, f"图像过大（{frame.width}×{frame.height}像素），不像是扫描的报告页")
            dpi = _dpi_of(frame, settings)
            if dpi < settings.min_dpi:
                raise DocumentError(name, f"图像分辨率过低（约{dpi:.0f} dpi），无法可靠识别数字；请以200 dpi以上重新扫描")
            yield number, np.asarray(frame.convert("RGB")), dpi
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DocumentError(name, "图像尺寸异常（像素数过多），不像是扫描的报告页") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DocumentError(name, f"图像文件已损坏或无法读取（{type(exc).__name__}）") from None


def _dpi_of(frame: Image.Image, settings: ImageSettings) -> float:
    """The image's resolution; when it states none, the one an A4 page of its width has."""
    info = frame.info.get("dpi")
    try:
        dpi = float(info[0]) if info else 0.0
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    if dpi < 50 or dpi > 1200:  # absent or nonsense: assume the page is A4 (210 mm wide)
        dpi = min(frame.width, frame.height) / (210 / 25.4)
    return dpi


def prepare(number: int, rgb: np.ndarray, dpi: float, settings: ImageSettings = SETTINGS) -> ScanPage:
    """Seal removed, grey, straightened."""
    cleaned, seal = remove_seal(rgb, settings)
    gray = cv2.cvtColor(cleaned, cv2.COLOR_RGB2GRAY)
    angle = skew_angle(gray, settings)
    if abs(angle) >= settings.skew_step / 2:
        gray = rotate(gray, angle, 255)
        seal = rotate(seal.astype(np.uint8), angle, 0).astype(bool)
    return ScanPage(number=number, gray=gray, dpi=dpi, seal=seal, skew=angle)


def remove_seal(rgb: np.ndarray, settings: ImageSettings = SETTINGS) -> tuple[np.ndarray, np.ndarray]:
    """Red seal ink turned to paper; black text under the seal is dark enough to stay.

    The seal's strokes are found by colour, then grown by a pixel or two to take their pale,
    less saturated edges (antialiasing, JPEG) too — except where the pixel is dark: text."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    reddish = (hue <= 12) | (hue >= 165)
    core = reddish & (sat >= settings.seal_saturation) & (val >= settings.seal_value)
    if not core.any():
        return rgb, core
    grown = cv2.dilate(core.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    pale = grown & (val >= settings.seal_value) & ((sat >= settings.seal_saturation // 3) | (val >= 200))
    out = rgb.copy()
    out[core | pale] = 255
    # the seal's area, for suspicion: its ink dilated over the strokes it crossed
    area = cv2.dilate(core.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    return out, area


def skew_angle(gray: np.ndarray, settings: ImageSettings = SETTINGS) -> float:
    """The rotation (degrees) that makes text lines and rules level: the angle whose row
    profile of ink is sharpest, searched on a reduced image."""
    small = gray
    factor = 1000.0 / max(gray.shape)
    if factor < 1:
        small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    ink = (small < 128).astype(np.float32)
    if ink.sum() < 50:
        return 0.0
    def sharpness(angle: float) -> float:
        rows = rotate(ink, angle, 0).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    # coarse, then fine around the best: level to a twentieth of a degree
    coarse = [k * 0.25 for k in range(-int(settings.max_skew / 0.25), int(settings.max_skew / 0.25) + 1)]
    best = max(coarse, key=lambda a: (sharpness(a), -abs(a)))
    fine = [best + k * settings.skew_step for k in range(-3, 4)]
    return round(max(fine, key=lambda a: (sharpness(a), -abs(a))), 2)


def rotate(image: np.ndarray, angle: float, border: int) -> np.ndarray:
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)
