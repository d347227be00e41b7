"""Read a scanned report (a PDF of page images, or PNG / JPEG / TIFF files) by recognition.

Each page is rendered (``parsers.scan_image``: seal removed, straightened), its ruling found
(``parsers.scan_ruling``) and its text detected and recognised (``parsers.scan_text``).  The
recognised text becomes characters with boxes, the rules become edges — what a text PDF's
layer gives — and from there the page goes the way of every PDF page
(``parsers.pdf_pages``): the same lines, cells, paragraphs and tables across pages, then the
same table understanding.

Exact or flagged: inside a table every piece of text is read from its own cell (a detected
line crossing a rule is cut at the rule), and a cell whose weakest character is below the
confidence threshold — stricter under a seal —, or which holds ink that reads as nothing, is
marked doubtful; ``parsers.understand`` keeps such a figure flagged unless the table's own
sums confirm it, and flags recognised figures that the sums contradict.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice

import numpy as np

from .errors import DocumentError
from .layout import Layout
from .pdf_pages import Page, RuledTable, assemble, drop_margin_lines, page_of, ruled_tables
from .scan_image import ScanPage, image_pages, pdf_pages, prepare
from .scan_ruling import erase_rules, ink, rule_ink, ruling_edges
from .scan_text import Box, Reading, detect, figure_like, model_loaded, recognise
from .source import Source, as_source

__all__ = ["read_scan", "ScanSettings", "SETTINGS"]


@dataclass(frozen=True)
class ScanSettings:
    """Thresholds of the scan reader (confidences are the model's per-character probabilities)."""

    figure_confidence: float = 0.85  # a digit read with less is doubtful
    seal_confidence: float = 0.97  # ... under a seal
    text_confidence: float = 0.5  # recognised text weaker than this outside tables is dropped
    cell_inset: float = 1.2  # points cut from each side of a cell before reading it (the rules)
    ink_min: float = 0.004  # share of a cell's pixels that must be ink for it to hold something
    workers: int = 0  # pages read in parallel; 0: one per core, at most 2 when pages are few


SETTINGS = ScanSettings()

MSG_UNREADABLE = "单元格中有字迹，但未能识别，请核对原件"
MSG_SEALED = "单元格被印章遮挡，去除印章后未见数字，无法确认是否为空，请核对原件"
_DIGITS = set("0123456789")
_RULE_GLYPHS = set("1lI|丨｜!！[]【】")


def read_scan(document: Source | str | os.PathLike, *, image: bool = False,
              settings: ScanSettings = SETTINGS) -> Layout:
    """A scanned PDF (or, with ``image``, an image file) read by recognition into a Layout."""
    src = as_source(document)
    frames = image_pages(src.data, src.name) if image else pdf_pages(src.data, src.name)
    pages = []
    for page in _read_pages(frames, settings):
        pages.append(page)
        _progress(src.name, page.number)
    if not any(page.items for page in pages):
        raise DocumentError(src.name, "扫描件中未能识别出文字：图像可能过于模糊、过暗或不是报告")
    drop_margin_lines(pages)
    return Layout(kind="scan", blocks=assemble(pages), pages=len(pages), recognised=True)


def _progress(name: str, number: int) -> None:
    """A line per recognised page on a terminal: a long scan takes minutes."""
    if sys.stderr.isatty():
        print(f"{name}：第{number}页已识别", file=sys.stderr, flush=True)


def read_image(document: Source | str | os.PathLike, settings: ScanSettings = SETTINGS) -> Layout:
    return read_scan(document, image=True, settings=settings)


def _read_pages(frames: Iterable[tuple[int, np.ndarray, float]], settings: ScanSettings) -> Iterator[Page]:
    """Pages read one by one, or in parallel worker processes when there are several.

    The pages are rendered as they are read: at most two per worker wait in memory (a page
    at 200 dpi is about 12 MB; a scan may have 200)."""
    frames = iter(frames)
    head = list(islice(frames, 2))
    workers = settings.workers or min(os.cpu_count() or 1, 2)
    # A worker of a batch job (ingest, january) is already one of several: it reads serially.
    # Otherwise each page worker runs its own single-threaded model (pages in parallel beat
    # threads in one model), forked so that no caller needs a __main__ guard; but a process
    # whose model (and its thread pool) is loaded is not forked — it could deadlock — and reads
    # on its threads.
    nested = multiprocessing.parent_process() is not None or multiprocessing.current_process().daemon
    if workers <= 1 or len(head) <= 1 or nested or os.environ.get("GKNB_OCR_SERIAL") or model_loaded():
        for frame in chain(head, frames):
            yield read_page(*frame, settings=settings)
        return
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_single_threaded)
    try:
        window: deque[Future[Page]] = deque()
        for frame in chain(head, frames):
            window.append(pool.submit(read_page, *frame, settings=settings))
            if len(window) >= 2 * workers:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
    finally:  # a time limit or an error: do not wait for the pages still being read
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()


def _single_threaded() -> None:
    os.environ["GKNB_OCR_THREADS"] = "1"


def read_page(number: int, rgb: np.ndarray, dpi: float, settings: ScanSettings = SETTINGS) -> Page:
    """One page image → the characters and ruled tables of a PDF page."""
    page = prepare(number, rgb, dpi)
    rules = ruling_edges(rule_ink(page.gray), page.scale)
    tables = [t for t in ruled_tables(rules) if _plausible(t)]
    page.gray = erase_rules(page.gray, rules, page.scale)
    if page.seal_ink is not None:  # after the rules are found: a hairline is as light as the seal
        page.gray[page.seal_ink] = 255
    mask = ink(page.gray)
    pieces = _pieces(detect(page.gray, page.dpi), tables, page.scale, settings.cell_inset / page.scale + 1)
    cropped = [_crop(page.gray, mask, box) for box in pieces]
    cells = [_cell_of(box, tables, page.scale) for box in pieces]
    readings = _recognise_split([crop for crop, _ in cropped], [c is not None for c in cells])
    chars: list[dict] = []
    filled: set[int] = set()
    for (_, box), cell, reading in zip(cropped, cells, readings):
        if cell is None and (not reading.text or reading.weakest < settings.text_confidence and len(reading.text) < 2):
            continue
        if cell is not None and _ghost(reading):
            continue  # the rest of a rule; were it a real "1", the cell's ink is read again below
        found = _chars(reading, box, page, settings, in_table=cell is not None)
        if cell is not None and found:
            filled.add(cell)
        chars += found
    chars += _unread_ink(page, mask, tables, filled, settings)
    return page_of(number, page.height_pt, chars, tables)


def _plausible(table: RuledTable) -> bool:
    """A table's cells hold at least a line of text: a grid of tiny cells is the strokes of
    bold characters that the rule finder took for rules."""
    heights = sorted(c[3] - c[1] for c in table.cells)
    return heights[len(heights) // 2] >= 8.0 and table.bbox[3] - table.bbox[1] >= 16.0


def _recognise_split(crops: list[np.ndarray], in_table: list[bool]) -> list[Reading]:
    """Crops of table cells read as figures where they look like figures; the rest as text."""
    out: list[Reading | None] = [None] * len(crops)
    for wanted in (True, False):
        index = [i for i, t in enumerate(in_table) if t is wanted]
        for i, reading in zip(index, recognise([crops[i] for i in index], figures=wanted)):
            out[i] = reading
    return [r for r in out if r is not None]


# --- pieces of text -----------------------------------------------------------------------


def _cells_px(tables: list[RuledTable], scale: float) -> list[tuple[float, float, float, float]]:
    return [tuple(v / scale for v in cell) for t in tables for cell in t.cells]  # type: ignore[misc]


def _pieces(boxes: list[Box], tables: list[RuledTable], scale: float, inset: float) -> list[Box]:
    """Detected boxes, each inside a table cut at the cell borders it crosses and kept off
    the rules (a rule at the edge of a crop reads as a 1 or a bracket)."""
    cells = [(c[0] + inset, c[1] + inset, c[2] - inset, c[3] - inset) for c in _cells_px(tables, scale)]
    out = []
    for box in boxes:
        inside = [c for c in cells if _overlap(box, c)]
        if not inside:
            out.append(box)
            continue
        for c in inside:
            piece = Box(max(box.x0, c[0]), max(box.y0, c[1]), min(box.x1, c[2]), min(box.y1, c[3]))
            if piece.x1 - piece.x0 >= 3 and piece.height >= 3:
                out.append(piece)
    return out


def _overlap(box: Box, cell: tuple[float, float, float, float]) -> bool:
    """Whether a cell holds part of a detected line: most of its height, a little of its width."""
    w = min(box.x1, cell[2]) - max(box.x0, cell[0])
    h = min(box.y1, cell[3]) - max(box.y0, cell[1])
    return w >= 3 and h >= 0.5 * box.height


def _cell_of(box: Box, tables: list[RuledTable], scale: float) -> int | None:
    """Index (over all tables' cells) of the cell holding the box's centre."""
    x, y = box.cx * scale, box.cy * scale
    i = 0
    for t in tables:
        for c in t.cells:
            if c[0] <= x < c[2] and c[1] <= y < c[3]:
                return i
            i += 1
    return None


def _crop(gray: np.ndarray, mask: np.ndarray, box: Box) -> tuple[np.ndarray, Box]:
    """The ink inside the box, with a margin of a fifth of its height: the recogniser scales a
    crop to a fixed height, and a small figure on a wide margin reads as "。" or weakly."""
    h, w = gray.shape
    x0, y0 = max(0, int(box.x0)), max(0, int(box.y0))
    x1, y1 = min(w, int(np.ceil(box.x1))), min(h, int(np.ceil(box.y1)))
    ys, xs = np.nonzero(mask[y0:y1, x0:x1])
    if len(xs):
        x0, x1, y0, y1 = x0 + int(xs.min()), x0 + int(xs.max()) + 1, y0 + int(ys.min()), y0 + int(ys.max()) + 1
    crop = gray[y0:y1, x0:x1]
    if crop.size == 0:
        return np.full((8, 8), 255, np.uint8), box
    pad = max(2, int(round((y1 - y0) * 0.2)))
    return np.pad(crop, pad, constant_values=255), Box(x0, y0, x1, y1)


# --- characters -----------------------------------------------------------------------------


def _chars(reading: Reading, box: Box, page: ScanPage, settings: ScanSettings, in_table: bool) -> list[dict]:
    """The reading as characters spread over its box (in points), with its doubt when in a table."""
    if in_table and not figure_like(reading.text):
        reading = _trim_rule_ghosts(reading)
    text = reading.text.strip()
    if not text:
        return []
    s = page.scale
    doubt, confidence = None, round(reading.weakest, 3)
    if in_table:
        doubt = _doubt(reading, box, page, settings)
    weights = [1.0 if ord(c) > 0x2E80 else 0.55 for c in text]
    total = sum(weights)
    size = box.height * s * 0.8
    out, x = [], box.x0 * s
    width = (box.x1 - box.x0) * s
    for ch, wgt in zip(text, weights):
        step = width * wgt / total
        out.append({"text": ch, "x0": x, "x1": x + step, "top": box.y0 * s, "bottom": box.y1 * s,
                    "size": size, "fontname": "OCR", "upright": True,
                    "confidence": confidence, "doubt": doubt})
        x += step
    return out


def _ghost(reading: Reading, weak: float = 0.5) -> bool:
    """A piece that is nothing but a faint rule-shaped glyph."""
    text = reading.text.strip()
    return bool(text) and all(c in _RULE_GLYPHS for c in text) and reading.weakest < weak


def _trim_rule_ghosts(reading: Reading, weak: float = 0.6) -> Reading:
    """A label without the faint "1" or "|" that a rule left at its ends: a weak, rule-shaped
    glyph at the edge of a cell's text is the rule, not the label (never done for figures)."""
    text, confs = reading.text, list(reading.confidences)
    while text and text[0] in _RULE_GLYPHS and confs[0] < weak:
        text, confs = text[1:], confs[1:]
    while text and text[-1] in _RULE_GLYPHS and confs[-1] < weak:
        text, confs = text[:-1], confs[:-1]
    return Reading(text, tuple(confs))


def _doubt(reading: Reading, box: Box, page: ScanPage, settings: ScanSettings) -> str | None:
    """Why a cell's recognised figure must be checked, or None."""
    judged = [c for ch, c in zip(reading.text, reading.confidences) if ch in _DIGITS]
    if not judged and len(reading.text.strip()) <= 2:  # a dash or 无 where a figure stands
        judged = list(reading.confidences)
    if not judged:
        return None
    weakest = min(judged)
    sealed = _under_seal(page, box)
    threshold = settings.seal_confidence if sealed else settings.figure_confidence
    if weakest >= threshold:
        return None
    where = "印章遮挡处" if sealed else ""
    return f"扫描件{where}识别置信度低（{weakest:.2f}），请核对原件"


def _under_seal(page: ScanPage, box: Box) -> bool:
    if not page.seal.any():
        return False
    y0, y1, x0, x1 = int(box.y0), int(np.ceil(box.y1)), int(box.x0), int(np.ceil(box.x1))
    return bool(page.seal[max(0, y0):y1, max(0, x0):x1].any())


def _unread_ink(page: ScanPage, mask: np.ndarray, tables: list[RuledTable], filled: set[int],
                settings: ScanSettings) -> list[dict]:
    """Cells with ink that no detected text explains: read the ink directly, or flag them."""
    s = page.scale
    inset = settings.cell_inset / s + 1
    out: list[dict] = []
    index = -1
    todo: list[Box] = []
    for t in tables:
        for cell in t.cells:
            index += 1
            if index in filled:
                continue
            x0, y0, x1, y1 = (int(v / s) for v in cell)
            x0, y0, x1, y1 = int(x0 + inset), int(y0 + inset), int(x1 - inset), int(y1 - inset)
            if x1 - x0 < 4 or y1 - y0 < 4:
                continue
            region = mask[y0:y1, x0:x1]
            if region.mean() / 255 < settings.ink_min:
                if page.seal[y0:y1, x0:x1].any():  # paper where the seal was: its ink may have been text
                    out.append(_unreadable(Box(x0, y0, x1, y1), s, MSG_SEALED))
                continue  # paper: a blank cell, certainly
            ys, xs = np.nonzero(region)
            todo.append(Box(x0 + xs.min(), y0 + ys.min(), x0 + xs.max() + 1, y0 + ys.max() + 1))
    readings = recognise([_crop(page.gray, mask, box)[0] for box in todo], figures=True)
    for box, reading in zip(todo, readings):
        chars = _chars(reading, box, page, settings, in_table=True)
        out += chars or [_unreadable(box, s, MSG_UNREADABLE, reading.weakest)]
    return out


def _unreadable(box: Box, s: float, why: str, confidence: float = 0.0) -> dict:
    """An empty character carrying the cell's doubt: the cell is read as absent, flagged."""
    return {"text": "", "x0": box.x0 * s, "x1": box.x1 * s, "top": box.y0 * s, "bottom": box.y1 * s,
            "size": box.height * s, "fontname": "OCR", "upright": True,
            "confidence": round(confidence, 3), "doubt": why}
