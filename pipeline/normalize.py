"""Raw item in, normalized posting out: clean fields, hours, industry, micro-internship flag.

Pure: `normalize_posting(raw)` returns a new dict and never touches its input or any I/O.
Unknown values stay None; nothing is guessed.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from pipeline.dedupe import canonical_url, posting_id
from pipeline.hours import hour_range, total_hours
from pipeline.industry import tag_industry
from pipeline.text import html_to_text, iso_date, squash

MICRO_MARKERS = re.compile(
    r"(?i)\bmicro[- ]?internships?\b|\bmicro[- ]?projects?\b|\bproject[- ]based internships?\b"
    r"|\bshort[- ]term (?:paid )?projects?\b"
)
FULL_TIME = re.compile(r"(?i)(?<![a-z])full[- _]?time(?![a-z])|(?<![a-z])permanent(?![a-z])")
SIMULATION = re.compile(r"(?i)\bsimulation\b")
REMOTE = re.compile(r"(?i)\bremote\b|\btelecommute\b|\bwork from home\b")


def raw_hash(raw: dict[str, Any]) -> str:
    """A fingerprint of what the source said, ignoring when we saw it."""
    content = {k: v for k, v in raw.items() if k != "scraped_at"}
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


def decide_is_micro(
    title: str, description: str, employment_type: str | None, hours_max: float | None
) -> bool | None:
    """True for a stated micro-internship or a project of at most 40 hours; False for more than
    40 hours, full-time work or an unpaid simulation; None when nothing says either way."""
    if hours_max is not None and hours_max > 40:
        return False
    if SIMULATION.search(employment_type or ""):  # free practice, not paid work
        return False
    if MICRO_MARKERS.search(title) or MICRO_MARKERS.search(description):
        return True
    if FULL_TIME.search(employment_type or "") or FULL_TIME.search(title):
        return False
    if hours_max is not None:
        return True
    if re.search(r"(?i)\bfull[- ]time (?:position|role|job)\b", description):
        return False
    return None


def _remote(raw: dict[str, Any], location: str | None) -> bool | None:
    if raw.get("remote") is not None:
        return bool(raw["remote"])
    if location and REMOTE.search(location):
        return True
    return None


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)


def normalize_posting(raw: dict[str, Any], seen_at: str | None = None) -> dict[str, Any]:
    """A normalized posting from a raw item (see `spiders.items.RawListing`).

    `seen_at` is used when the raw item has no `scraped_at` (e.g. an exported file).
    """
    title = squash(raw["title"]) or ""
    description = html_to_text(raw.get("description") or "")
    location = squash(raw.get("location"))
    employment_type = squash(raw.get("employment_type"))
    categories = list(raw.get("categories") or [])
    hours = total_hours([raw.get("hours_text"), title, description])
    hours_min, hours_max = hours if hours else (None, None)
    return {
        "posting_id": posting_id(raw["source"], raw["source_id"]),
        "source": raw["source"],
        "source_id": raw["source_id"],
        "url": raw["url"].strip(),
        "canonical_url": canonical_url(raw["url"]),
        "title": title,
        "company": squash(raw["company"]) or "",
        "description": description,
        "location": location,
        "remote": _remote(raw, location),
        "employment_type": employment_type,
        "categories": categories,
        "industry": tag_industry(title, categories, description),
        "hours_min": _number(hours_min),
        "hours_max": _number(hours_max),
        "hour_range": hour_range(hours_max),
        "is_micro": decide_is_micro(title, description, employment_type, hours_max),
        "pay_text": squash(raw.get("pay_text")),
        "posted_at": iso_date(raw.get("posted_at")),
        "deadline": iso_date(raw.get("deadline")),
        "seen_at": raw.get("scraped_at") or seen_at,
        "raw_hash": raw_hash(raw),
    }
