"""Industry tagging with transparent weighted phrases from `industries.toml`.

All phrases are compiled into one regular expression, so each text is scanned once.
"""

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
    other_min_text: int
    labels: dict[str, str]
    descriptions: dict[str, str]
    phrases: dict[str, dict[str, float]]  # phrase (lower case, maybe ending in *) -> slug -> weight
    pattern: re.Pattern[str]
    order: dict[str, int]

    def weights_for(self, found: str) -> dict[str, float]:
        word = found.lower()
        if word in self.phrases:
            return self.phrases[word]
        for phrase, weights in self.phrases.items():  # "analy*" style prefixes
            if phrase.endswith("*") and word.startswith(phrase[:-1]):
                return weights
        return {}


@dataclass(frozen=True)
class IndustryTag:
    industry: str | None
    alt: str | None = None
    confidence: float | None = None


@cache
def load_taxonomy(path: Path = TAXONOMY_FILE) -> Taxonomy:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    industries = data["industries"]
    phrases: dict[str, dict[str, float]] = {}
    for slug, spec in industries.items():
        for phrase, weight in spec["phrases"].items():
            phrases.setdefault(phrase.lower(), {})[slug] = float(weight)
    alternatives = sorted(phrases, key=len, reverse=True)  # longest first
    parts = [re.escape(p[:-1]) + r"\w*" if p.endswith("*") else re.escape(p) for p in alternatives]
    pattern = re.compile(r"(?<![\w&])(" + "|".join(parts) + r")(?![\w&])", re.IGNORECASE)
    return Taxonomy(
        min_score=float(data.get("min_score", 1)),
        other_min_text=int(data.get("other_min_text", 200)),
        labels={slug: spec["label"] for slug, spec in industries.items()},
        descriptions={slug: spec["description"] for slug, spec in industries.items()},
        phrases=phrases,
        pattern=pattern,
        order={slug: i for i, slug in enumerate(industries)},
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
    for text, field_weight in fields:
        if not text:
            continue
        for found in {m.group(1).lower() for m in taxonomy.pattern.finditer(text)}:
            for slug, weight in taxonomy.weights_for(found).items():
                scores[slug] = scores.get(slug, 0.0) + weight * field_weight
    return scores


def tag_industry(
    title: str, categories: Iterable[str], description: str, taxonomy: Taxonomy | None = None
) -> IndustryTag:
    """The best-scoring industry, its runner-up and the best score's share of all scores.

    Below `min_score`: `other` when the posting has a real description, else unknown.
    """
    taxonomy = taxonomy or load_taxonomy()
    scores = score_industries(title, categories, description, taxonomy)
    ranked = sorted(scores, key=lambda slug: (-scores[slug], taxonomy.order[slug]))
    if not ranked or scores[ranked[0]] < taxonomy.min_score:
        if len(description or "") >= taxonomy.other_min_text:
            return IndustryTag("other", None, None)
        return IndustryTag(None)
    best = ranked[0]
    alt = ranked[1] if len(ranked) > 1 else None
    confidence = round(scores[best] / sum(scores.values()), 2)
    return IndustryTag(best, alt, confidence)
