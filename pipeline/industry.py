"""Industry tagging with transparent weighted phrases from `industries.toml`."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TAXONOMY_FILE = Path(__file__).with_name("industries.toml")
TITLE_WEIGHT, CATEGORY_WEIGHT, DESCRIPTION_WEIGHT = 3, 2, 1


@dataclass(frozen=True)
class Taxonomy:
    min_score: float
    labels: dict[str, str]
    descriptions: dict[str, str]
    patterns: dict[str, list[tuple[re.Pattern[str], float]]]


@cache
def load_taxonomy(path: Path = TAXONOMY_FILE) -> Taxonomy:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    industries = data["industries"]
    return Taxonomy(
        min_score=float(data.get("min_score", 1)),
        labels={slug: spec["label"] for slug, spec in industries.items()},
        descriptions={slug: spec["description"] for slug, spec in industries.items()},
        patterns={
            slug: [
                (re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE), float(weight))
                for phrase, weight in spec["phrases"].items()
            ]
            for slug, spec in industries.items()
        },
    )


def score_industries(
    title: str, categories: Iterable[str], description: str, taxonomy: Taxonomy | None = None
) -> dict[str, float]:
    """Each industry's score: phrase weights times where the phrase was found."""
    taxonomy = taxonomy or load_taxonomy()
    fields = (
        (title, TITLE_WEIGHT),
        (" | ".join(categories), CATEGORY_WEIGHT),
        (description, DESCRIPTION_WEIGHT),
    )
    scores: dict[str, float] = {}
    for slug, patterns in taxonomy.patterns.items():
        total = sum(
            weight * field_weight
            for pattern, weight in patterns
            for text, field_weight in fields
            if text and pattern.search(text)
        )
        if total:
            scores[slug] = total
    return scores


def tag_industry(
    title: str, categories: Iterable[str], description: str, taxonomy: Taxonomy | None = None
) -> str | None:
    """The best-scoring industry slug, or None when no industry reaches `min_score`."""
    taxonomy = taxonomy or load_taxonomy()
    scores = score_industries(title, categories, description, taxonomy)
    if not scores:
        return None
    best = max(scores, key=lambda slug: (scores[slug], -list(taxonomy.patterns).index(slug)))
    return best if scores[best] >= taxonomy.min_score else None
