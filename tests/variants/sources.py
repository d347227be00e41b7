"""The corpus documents variants are made from: text-like files with expected figures.

Word and PDF sources are not mutated directly (their bytes are not text); their HTML twins
are, and the variants are rendered to Word and PDF instead (:mod:`.render`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
FOLDERS = ("html", "txt", "md")


@dataclass(frozen=True)
class Source:
    name: str  # "html/平潭综合实验区_2023.html", relative to the corpus
    kind: str  # "html" | "md" | "txt" (crawler text, cells run together) | "tsv" (tab-separated export)
    text: str
    expected: dict  # the corpus expected.json, numbers as Decimal/int as printed

    @property
    def stem(self) -> str:
        return Path(self.name).stem

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix


def load_expected(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"), parse_float=Decimal)


def text_kind(folder: str, text: str) -> str:
    if folder != "txt":
        return folder
    tabbed = sum(1 for line in text.splitlines() if line.count("\t") >= 3)
    return "tsv" if tabbed >= 5 else "txt"


def load_sources(corpus: Path = CORPUS) -> list[Source]:
    """Every html/txt/md document of the corpus with an expected.json, in a fixed order."""
    out = []
    for folder in FOLDERS:
        for exp in sorted((corpus / folder).glob("*.expected.json")):
            doc = exp.with_name(exp.name.removesuffix(".expected.json"))
            # newline="" keeps the file's own line endings: a variant differs only where mutated
            with doc.open(encoding="utf-8", newline="") as fh:
                text = fh.read()
            out.append(Source(f"{folder}/{doc.name}", text_kind(folder, text), text, load_expected(exp)))
    return out
