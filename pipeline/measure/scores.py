"""What the accuracy measures share: a labelled set read line by line, and the shares and F1
they report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def share_or_na(hits: int, misses: int) -> str:
    """`hits / (hits + misses)` to three places, or "n/a" when both are 0."""
    return f"{hits / (hits + misses):.3f}" if hits + misses else "n/a"


def _f1(precision: float, recall: float) -> float:
    return _ratio(2 * precision * recall, precision + recall)


def load_labelled(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
