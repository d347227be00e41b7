"""Shared fixtures: where the corpus is, and loaders for its expected figures."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
EXPECTED = sorted(CORPUS.glob("*/*.expected.json"))


def load_expected(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"), parse_float=Decimal)


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.exists():
        pytest.fail(f"corpus not found at {CORPUS}")
    return CORPUS
