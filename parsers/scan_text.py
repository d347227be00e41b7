"""Text detection and recognition on page images, through RapidOCR's ONNX models.

The models ship inside the ``rapidocr-onnxruntime`` wheel: nothing is downloaded at run time.
Detection finds the boxes of text lines on a page; recognition reads a list of crops and
returns, for each, the text and the confidence of every character — the figure reader flags
a figure on the weakest digit, not on an average that a long label would hide.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

__all__ = ["Box", "Reading", "OcrSettings", "detect", "recognise", "figure_like", "model_loaded"]


@dataclass(frozen=True)
class OcrSettings:
    det_dpi: float = 150.0  # pages are detected at this resolution: enough for body text, and fast
    rec_batch: int = 24
    threads: int = 0  # onnxruntime intra-op threads; 0: one per worker when pages run in parallel


SETTINGS = OcrSettings()


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in pixels of the page image."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Reading:
    """What recognition made of one crop."""

    text: str
    confidences: tuple[float, ...]  # one per character of ``text``

    @property
    def weakest(self) -> float:
        return min(self.confidences, default=0.0)


@lru_cache(maxsize=1)
def _engine(threads: int):
    from rapidocr_onnxruntime import RapidOCR  # heavy: loaded only when a scan is read

    n = threads or int(os.environ.get("GKNB_OCR_THREADS", "0")) or -1
    return RapidOCR(intra_op_num_threads=n, inter_op_num_threads=1, use_cls=False,
                    rec_batch_num=SETTINGS.rec_batch)


def model_loaded() -> bool:
    """Whether this process has loaded the model (and started its thread pool)."""
    return _engine.cache_info().currsize > 0


def detect(gray: np.ndarray, dpi: float, settings: OcrSettings = SETTINGS) -> list[Box]:
    """Boxes of the text lines on a page, in the page's pixels."""
    engine = _engine(settings.threads)
    factor = min(1.0, settings.det_dpi / dpi)
    small = gray if factor == 1.0 else cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    boxes, _ = engine.text_det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
    out = []
    for quad in boxes if boxes is not None else []:
        xs, ys = quad[:, 0] / factor, quad[:, 1] / factor
        out.append(Box(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())))
    return out


def recognise(crops: list[np.ndarray], figures: bool = False,
              settings: OcrSettings = SETTINGS) -> list[Reading]:
    """The text of each grey crop, with per-character confidences.

    With ``figures`` (crops of table cells), a crop whose free reading looks like a figure is
    read again choosing only among the characters a figure is printed with: a zero that the
    free reading hesitates to call "0" rather than "O" or "。" is a confident zero, and the
    confidence left is the model's hesitation between figures — the one that matters."""
    if not crops:
        return []
    engine = _engine(settings.threads)
    chars = engine.text_rec.postprocess_op.character
    allowed = np.array([i for i, c in enumerate(chars) if c in FIGURE_CHARS])
    out = []
    for probs in _probabilities(engine.text_rec, crops, settings.rec_batch):
        reading = _decode(probs, chars)
        if figures and figure_like(reading.text):
            reading = _decode(probs, chars, allowed)
        out.append(reading)
    return out


FIGURE_CHARS = frozenset("0123456789,.，．-－—–/万元%无")


def figure_like(text: str) -> bool:
    """Short, or mostly the characters figures are printed with ("9487", "1Z", "。"), not a
    label that happens to hold a digit ("1.属于国家秘密")."""
    text = text.strip()
    if any("\u4e00" <= c <= "\u9fff" and c not in FIGURE_CHARS for c in text):
        return False  # a label ("规章", "其他"): figures hold no ideographs but 万元 and 无
    return len(text) <= 2 or sum(c in FIGURE_CHARS for c in text) * 2 >= len(text)


def _probabilities(rec, crops: list[np.ndarray], batch: int) -> list[np.ndarray]:
    """The recogniser's per-step class probabilities for each crop (as its own call, batched by
    width so that short crops are not padded to the widest)."""
    _, height, width = rec.rec_image_shape
    images = [cv2.cvtColor(c, cv2.COLOR_GRAY2BGR) for c in crops]
    order = np.argsort([im.shape[1] / im.shape[0] for im in images], kind="stable")
    out: list[np.ndarray | None] = [None] * len(images)
    for start in range(0, len(images), batch):
        chunk = order[start:start + batch]
        ratio = max(width / height, *(images[i].shape[1] / images[i].shape[0] for i in chunk))
        tensor = np.stack([rec.resize_norm_img(images[i], ratio) for i in chunk]).astype(np.float32)
        preds = rec.session(tensor)[0]
        for k, i in enumerate(chunk):
            out[i] = preds[k]
    return [p for p in out if p is not None]


def _decode(probs: np.ndarray, chars: list[str], allowed: np.ndarray | None = None) -> Reading:
    """CTC greedy decoding; with ``allowed``, among those classes (and the blank) only."""
    if allowed is not None:
        classes = np.concatenate(([0], allowed))
        sub = probs[:, classes]
        mass = sub.sum(axis=1)
        sub = sub / np.maximum(mass[:, None], 1e-9)
        # a glyph the free reading took for something else ("。" from a speck) keeps that doubt:
        # the choice among figures is weighed by how figure-like the glyph was at all
        index, conf = classes[sub.argmax(axis=1)], sub.max(axis=1) * np.sqrt(mass)
    else:
        index, conf = probs.argmax(axis=1), probs.max(axis=1)
    text, confs, last = [], [], -1
    for i, c in zip(index, conf):
        if i != last and i != 0:
            text.append(chars[i])
            confs.append(float(c))
        last = i
    return Reading("".join(text), tuple(confs))
