"""The synthetic listings of the publish benchmark (bench/publish_bench.py): realistic facet
values, descriptions of 100-300 words drawn from a Zipf-like vocabulary of 5,000 words, one
posting per source of a listing, and the two search words whose share of listings is known."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.db import LISTING_COLUMNS

GENERATOR_VERSION = 1  # bump when the data below changes, so cached databases are rebuilt
VOCABULARY = 5000
ZIPF_EXPONENT = 1.07
WORDS = (100, 300)  # description length range
CHUNK = 20_000
INDUSTRIES = (
    "technology data marketing sales finance consulting design media hr operations healthcare "
    "education legal-policy engineering science arts other"
).split()
KINDS = {
    "micro-internship": 0.45,
    "internship": 0.25,
    "job": 0.12,
    "simulation": 0.08,
    "volunteer": 0.04,
    "fellowship": 0.03,
    "competition": 0.03,
}
STATUSES = {"open": 0.55, "closed": 0.3, "expired": 0.12, "reopened": 0.03}
HOUR_RANGES = {"under-5": 0.1, "5-10": 0.2, "10-20": 0.25, "20-40": 0.15, "over-40": 0.1, None: 0.2}
HOURS = {"under-5": (1, 5), "5-10": (5, 10), "10-20": (10, 20), "20-40": (20, 40)}
SOURCES = "greenhouse lever ashby smartrecruiters workable recruitee jsonld forage".split()
LOCATIONS = ("Remote", "Chicago, IL", "New York, NY", "Austin, TX", "London", "Berlin", None)


def vocabulary(size: int = VOCABULARY) -> list[str]:
    """`size` distinct pronounceable words (stable under the porter stemmer: no suffixes)."""
    onsets = "b c d f g h j k l m n p r s t v w z br cr dr fr gr pl st tr".split()
    vowels = "a e i o u ai ou".split()
    rng = np.random.default_rng(11)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        parts = rng.integers(2, 4)
        word = (
            "".join(
                onsets[rng.integers(len(onsets))] + vowels[rng.integers(len(vowels))]
                for _ in range(parts)
            )
            + "x"[: rng.integers(2)]
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def word_weights(size: int = VOCABULARY) -> np.ndarray:
    weights = 1 / np.arange(1, size + 1) ** ZIPF_EXPONENT
    return weights / weights.sum()


def share_of_listings(rank: int) -> float:
    """Expected share of descriptions containing the word of this rank (0-based)."""
    p = word_weights()[rank]
    return sum((1 - (1 - p) ** n) for n in range(WORDS[0], WORDS[1] + 1)) / (
        WORDS[1] - WORDS[0] + 1
    )


def search_words() -> tuple[str, str]:
    """A selective two-word search (both words in about 0.01% of listings) and a common word
    (in about 20% of listings)."""
    words = vocabulary()
    shares = [share_of_listings(rank) for rank in range(VOCABULARY)]
    common = min(range(VOCABULARY), key=lambda r: abs(shares[r] - 0.2))
    rare = min(range(VOCABULARY), key=lambda r: abs(shares[r] - 0.01))
    return f"{words[rare]} {words[rare + 1]}", words[common]


def _pick(rng: np.random.Generator, weights: dict[Any, float], count: int) -> list[Any]:
    keys = list(weights)
    probabilities = np.array(list(weights.values()))
    return [keys[i] for i in rng.choice(len(keys), count, p=probabilities / probabilities.sum())]


@dataclass
class _Draws:
    """One chunk's random draws, `n` of each (the tokens: all descriptions' words in a row)."""

    lengths: np.ndarray
    tokens: np.ndarray
    title_tokens: np.ndarray
    company_ix: np.ndarray
    kinds: list[Any]
    industries: list[Any]
    ranges: list[Any]
    statuses: list[Any]
    remote: list[Any]
    seen_minutes: np.ndarray
    ids: np.ndarray


def _draw(
    rng: np.random.Generator,
    n: int,
    weights: np.ndarray,
    companies: int,
    company_weights: np.ndarray,
) -> _Draws:
    """The draws of a chunk of `n` listings, always in this order (the data depend on it)."""
    lengths = rng.integers(WORDS[0], WORDS[1] + 1, n)
    tokens = rng.choice(VOCABULARY, int(lengths.sum()), p=weights)
    title_tokens = rng.choice(VOCABULARY, n * 5, p=weights)
    company_ix = rng.choice(companies, n, p=company_weights)
    kinds = _pick(rng, KINDS, n)
    industries = _pick(rng, {**dict.fromkeys(INDUSTRIES, 1.0), None: 0.6}, n)
    ranges = _pick(rng, HOUR_RANGES, n)
    statuses = _pick(rng, STATUSES, n)
    remote = _pick(rng, {1: 0.4, 0: 0.3, None: 0.3}, n)
    seen_minutes = rng.integers(0, 2 * 365 * 24 * 60, n)
    ids = rng.integers(0, 2**63, n)
    return _Draws(
        lengths,
        tokens,
        title_tokens,
        company_ix,
        kinds,
        industries,
        ranges,
        statuses,
        remote,
        seen_minutes,
        ids,
    )


def listing_rows(count: int, seed: int = 7) -> Iterator[tuple[list[tuple], list[tuple], list]]:
    """Chunks of (listings rows, listing_texts rows, postings rows) in table column order."""
    rng = np.random.default_rng(seed)
    words = np.array(vocabulary())
    weights = word_weights()
    companies = [
        f"{words[i % VOCABULARY].title()} {words[(i * 7 + 3) % VOCABULARY].title()}"
        for i in range(100, 20_100)
    ]
    company_weights = 1 / np.arange(1, len(companies) + 1) ** 0.8
    company_weights /= company_weights.sum()
    start = np.datetime64("2025-01-01T00:00:00")
    for first in range(0, count, CHUNK):
        n = min(CHUNK, count - first)
        draws = _draw(rng, n, weights, len(companies), company_weights)
        listings, texts, postings = [], [], []
        offset = 0
        for i in range(n):
            number = first + i
            description = " ".join(words[draws.tokens[offset : offset + draws.lengths[i]]])
            offset += draws.lengths[i]
            row, sources = _listing(number, draws, i, words, companies, start)
            listings.append(tuple(row[c] for c in LISTING_COLUMNS))
            paragraphs = description.split(" ")
            middle = len(paragraphs) // 2
            html = f"<p>{' '.join(paragraphs[:middle])}</p><p>{' '.join(paragraphs[middle:])}</p>"
            texts.append((row["id"], description, html))
            postings += _postings(number, row, sources)
        yield listings, texts, postings


def _listing(
    number: int,
    draws: _Draws,
    i: int,
    words: np.ndarray,
    companies: list[str],
    start: np.datetime64,
) -> tuple[dict[str, Any], list[str]]:
    """Listing `number` (the `i`th of its chunk) by column, and its sources."""
    title = " ".join(words[draws.title_tokens[i * 5 : i * 5 + 2 + i % 4]]).capitalize()
    company = companies[draws.company_ix[i]]
    key = company.lower().replace(" ", "")
    hour_range = draws.ranges[i]
    low, high = HOURS.get(hour_range, (41, 120)) if hour_range else (None, None)
    hours_max = None if high is None else int(low + (high - low) * ((number % 7) / 6))
    first_seen = start + np.timedelta64(int(draws.seen_minutes[i]), "m")
    first_text = f"{first_seen}Z"
    last_text = f"{first_seen + np.timedelta64(int(number % 30), 'D')}Z"
    spread = 1 + (number % 10 == 0) + (number % 50 == 0)
    sources = sorted({SOURCES[(number // 7 + k * 3) % len(SOURCES)] for k in range(spread)})
    listing_id = f"{int(draws.ids[i]):016x}"
    pay = None if number % 3 else 20 + number % 30
    kind, industry = draws.kinds[i], draws.industries[i]
    row = {
        "id": listing_id,
        "title": title,
        "company": company,
        "company_key": key,
        "match_key": key[:4],
        "url": f"https://jobs.example.org/{key}/{number}",
        "location": LOCATIONS[number % len(LOCATIONS)],
        "remote": draws.remote[i],
        "employment_type": ("Contract", "Part-time", "Intern", None)[number % 4],
        "kind": kind,
        "kind_evidence": f"{kind}: title",
        "is_micro": int(kind == "micro-internship"),
        "industry": industry,
        "industry_alt": INDUSTRIES[(number * 5) % len(INDUSTRIES)],
        "industry_confidence": round(0.4 + (number % 60) / 100, 2),
        "industry_evidence": f"title: {industry}",
        "hour_range": hour_range,
        "hours_evidence": None if hours_max is None else f"about {hours_max} hours",
        "hours_min": low,
        "hours_max": hours_max,
        "hours_per_week_min": None,
        "hours_per_week_max": None,
        "duration_weeks": None,
        "pay_text": None if pay is None else f"${pay}/hr",
        "pay_min": pay,
        "pay_max": pay,
        "pay_currency": None if pay is None else "USD",
        "pay_unit": None if pay is None else "hour",
        "pay_per_hour": None if pay is None else float(pay),
        "unpaid": None if pay is None else 0,
        "posted_at": first_text[:10],
        "deadline": str(first_seen + np.timedelta64(int(20 + number % 40), "D"))[:10]
        if number % 2
        else None,
        "categories": json.dumps([INDUSTRIES[number % len(INDUSTRIES)].title()]),
        "sources": json.dumps(sources),
        "postings_count": len(sources),
        "first_seen": first_text,
        "last_seen": last_text,
        "status": draws.statuses[i],
    }
    return row, sources


def _postings(number: int, row: dict[str, Any], sources: list[str]) -> list[tuple]:
    """The postings rows of listing `number`, one per source."""
    return [
        (
            f"{source}:{number}",
            row["id"],
            source,
            str(number),
            row["url"],
            row["url"][8:],
            row["title"],
            row["company"],
            row["company_key"],
            "new",
            None,
            f"{source}-board",
            "open",
            0,
            f"{number:032x}",
            row["first_seen"],
            row["last_seen"],
        )
        for source in sources
    ]
