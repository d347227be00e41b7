"""Page images of a scan, cleaned for recognition: pages rendered or decoded, seal removed, straightened.

A scanned report comes as a PDF of page images or as image files (PNG, JPEG, TIFF).  Each
page becomes a grey image at a known resolution, with the red ink of a seal turned to paper
(a seal stamped over figures is the usual signed copy) and the slight rotation of a scanner
feed taken out, so that ruling lines run straight and text lines are level.  On a grey page
the seal is found by its ring and its ink by its level and broad strokes.  The mask of the
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
from .quiet import quiet_pdf_libraries

quiet_pdf_libraries()

__all__ = ["ScanPage", "ImageSettings", "pdf_pages", "image_pages", "prepare"]


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
    seal: np.ndarray  # bool, True where seal ink was removed (or, on a grey page, within its ring)
    skew: float = 0.0  # degrees the page was turned back by
    seal_ink: np.ndarray | None = None  # bool, a grey seal's ink still on the page (``grey_seal_ink``)

    @property
    def scale(self) -> float:
        """Points per pixel: positions are reported in PDF points like a text PDF's."""
        return 72.0 / self.dpi

    @property
    def height_pt(self) -> float:
        return self.gray.shape[0] * self.scale


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
    """Red seal removed, grey, straightened; a grey page's seal found, and its ink
    (``seal_ink``, which ``parsers.scan`` turns to paper once the page's rules are found)."""
    gray, seal = remove_seal(rgb, dpi, settings) if rgb.ndim == 3 else (rgb, np.zeros(rgb.shape, bool))
    ink = None
    if not seal.any():  # a grey scan's seal has lost its colour: found by its ring
        seal = grey_seal(gray, dpi)
        ink = grey_seal_ink(gray, seal) if seal.any() else None
    angle = skew_angle(gray, settings)
    if abs(angle) >= settings.skew_step / 2:
        gray = rotate(gray, angle, 255)
        seal = rotate(seal.astype(np.uint8), angle, 0).astype(bool)
        ink = None if ink is None else rotate(ink.astype(np.uint8), angle, 0).astype(bool)
    return ScanPage(number=number, gray=gray, dpi=dpi, seal=seal, skew=angle, seal_ink=ink)


def remove_seal(rgb: np.ndarray, dpi: float = 200.0, settings: ImageSettings = SETTINGS) -> tuple[np.ndarray, np.ndarray]:
    """The page in grey with a red seal taken out; and where the seal was.

    Red ink is nearly transparent in the red channel: where the seal lies, the red channel
    (scaled so that the seal's own ink reads as paper) is the page as it was under it — black
    text and thin rules included, which whitening the red pixels would erase with the seal."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    core = ((hue <= 12) | (hue >= 165)) & (sat >= settings.seal_saturation) & (val >= settings.seal_value)
    if core.sum() < 200:  # a few reddish pixels are no seal
        return gray, np.zeros(gray.shape, bool)
    # grown over the seal's pale, less saturated edges (antialiasing, JPEG's coarse colour)
    area = cv2.dilate(core.astype(np.uint8), np.ones((17, 17), np.uint8)) > 0
    red = rgb[:, :, 0].astype(np.float32)
    ink_level = max(float(np.median(red[core])), 1.0)  # the seal's ink in the red channel
    under = np.clip(red * 255.0 / ink_level, 0, 255).astype(np.uint8)
    out = gray.copy()
    out[area] = under[area]
    return out, area


def grey_seal_ink(gray: np.ndarray, disk: np.ndarray) -> np.ndarray | None:
    """Where, inside a seal's disk on a grey page, the seal's own ink is (None: no seal ink).

    A red seal scanned in grey is lighter than black print (about 70–120 of 255 against
    0–40), but a thin print stroke or a hairline rule is as light: the seal is told from them
    by its broad strokes — a pixel of them has no paper next to it, where a thin stroke has.
    Ink at the seal's level on or next to such a pixel, touching no print-dark pixel, is the
    seal.  Measured on the page as scanned (straightening blurs thin strokes), turned to
    paper once the page's rules are found (``parsers.scan``): a hairline is as light."""
    level = seal_level(gray[disk])
    if level is None:
        return None
    dark = (gray < level - 30).astype(np.uint8)
    # a dark pixel is print when a neighbour is dark too (a rule one pixel thin has two): a
    # lone one is the noise on the seal's ink
    dark &= cv2.filter2D(dark, -1, np.ones((3, 3), np.float32), borderType=cv2.BORDER_CONSTANT) >= 3
    near_print = cv2.dilate(dark, np.ones((5, 5), np.uint8)).astype(bool)
    inner = ((cv2.dilate(gray, np.ones((3, 3), np.uint8)) < 200) & (gray >= level - 35) & disk).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(inner, connectivity=8)
    inner = (stats[labels, cv2.CC_STAT_AREA] >= 8) & (labels > 0)  # a dot of print is no stroke of a seal
    broad = cv2.dilate(inner.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    return disk & broad & (gray >= 0.7 * level) & ~near_print


def seal_level(pixels: np.ndarray, share: float = 0.03) -> float | None:
    """The grey level of a seal's ink among the pixels of its disk: the peak between print and
    paper, when it is one (a ring found in plain text has no such peak: None)."""
    hist = np.bincount(pixels, minlength=256).astype(np.float64)
    smooth = np.convolve(hist, np.ones(9) / 9, mode="same")
    level = 50 + int(np.argmax(smooth[50:200]))
    band = hist[max(0, level - 25):level + 26].sum()
    if band < share * len(pixels) or smooth[level] < 1.5 * np.median(smooth[50:225]):
        return None
    return float(level)


def grey_seal(gray: np.ndarray, dpi: float, margin_mm: float = 2.0) -> np.ndarray:
    """Where a seal stands on a grey page, found by its shape: a ring 34–50 mm across.

    Its ink cannot be told from text by colour any more; the disk (with a margin: the ring
    is found on a coarse image) is where ``grey_seal_ink`` looks for it, and the figures
    inside are read with the suspicion a seal calls for."""
    factor = 50.0 / dpi  # rings are found at 50 dpi: fast, and text is a blur there
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    mm = 50.0 / 25.4
    circles = cv2.HoughCircles(cv2.GaussianBlur(small, (3, 3), 0), cv2.HOUGH_GRADIENT, dp=1,
                               minDist=int(40 * mm), param1=80, param2=40,
                               minRadius=int(17 * mm), maxRadius=int(25 * mm))
    area = np.zeros(gray.shape, np.uint8)
    for x, y, r in (circles[0] if circles is not None else [])[:3]:
        cv2.circle(area, (int(x / factor), int(y / factor)), int(r / factor + margin_mm * dpi / 25.4), 1, -1)
    return area.astype(bool)


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
