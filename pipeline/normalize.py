"""Raw item in, normalized posting out: clean fields, hours, pay, dates, industry, kind.

Pure: `normalize_posting(raw)` returns a new dict and never touches its input or any I/O.
Unknown values stay None; nothing is guessed. What could not be read is listed in `issues`
(e.g. `deadline_unreadable`), so an import can count it in the run record.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import orjson

from pipeline.dates import deadline_date, is_past, posted_date
from pipeline.dedupe import canonical_url, company_key, match_key, posting_id
from pipeline.hours import hour_range, parse_hours
from pipeline.industry import tag_industry
from pipeline.pay import parse_pay
from pipeline.text import html_to_text, sanitize_html, search_word, squash

MAX_DESCRIPTION_CHARS = 1_000_000
# The patterns in capitals below run on lower-case text, each match starting a word
# (`search_word`): without a leading `\b` the regex engine skips ahead to their first letters.
MICRO_MARKERS = re.compile(
    r"micro[- ]?internships?\b|micro[- ]?projects?\b|project[- ]based internships?\b"
    r"|short[- ]term (?:paid |freelance |remote )?projects?\b|mini[- ]internships?\b"
    r"|freelance (?:micro[- ])?projects?\b|paid (?:short|micro)[- ]projects?\b"
)
PART_TIME_ONGOING = re.compile(r"ongoing\b|permanent part[- ]time\b|regular part[- ]time")
VOLUNTEER = re.compile(r"volunteers?\b")
PROJECT = re.compile(r"project\b|deliverables?\b|assignment\b|gig\b")
FULL_TIME = re.compile(r"(?i)(?<![a-z])full[- _]?time(?![a-z])(?!\s+students?)|(?<![a-z])permanent")
SIMULATION = re.compile(r"(?i)\bsimulation\b|\bvirtual (?:work )?experience program")
COMPETITION = re.compile(r"(?i)\bcase competition\b|\bhackathon\b|\bcompetition\b|\bchallenge\b")
FELLOWSHIP = re.compile(r"(?i)\bfellow(?:ship)?s?\b")
INTERNSHIP = re.compile(r"(?i)\bintern(?:ship)?s?\b|\bco-?op\b")
PROJECT_EMPLOYMENT = re.compile(r"(?i)contract|temporary|freelance|project|gig|fixed[_ -]term")
REMOTE_YES = re.compile(  # lower case, by `search_word`
    r"remote\b(?![- ]first)|telecommute\b|work from (?:home|anywhere)\b|fully remote\b"
)
REMOTE_NO = re.compile(  # lower case, by `search_word`
    r"(?:on[- ]?site|in[- ]person|in office|hybrid)\b(?! or remote)(?!/remote)"
)


def raw_hash(raw: dict[str, Any]) -> str:
    """A fingerprint of what the source said, ignoring when we saw it."""
    content = {k: v for k, v in raw.items() if k != "scraped_at"}
    try:
        encoded = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)  # 3x the json module
    except TypeError:  # a lone surrogate, or a value JSON has no form for
        encoded = json.dumps(content, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


def decide_kind(
    title: str,
    description: str,
    employment_type: str | None,
    hours_max: float | None,
    weekly: bool,
    unpaid: bool | None,
    source: str = "",
) -> str:
    """One of micro-internship, internship, simulation, job, volunteer, fellowship, competition."""
    head = f"{title} | {employment_type or ''}"
    head_lower, body = head.lower(), description[:3000].lower()
    if source == "forage" or SIMULATION.search(employment_type or "") or SIMULATION.search(title):
        return "simulation"
    if COMPETITION.search(title):
        return "competition"
    if FELLOWSHIP.search(title):
        return "fellowship"
    if search_word(MICRO_MARKERS, head_lower) or search_word(MICRO_MARKERS, body):
        return "micro-internship"
    text = f"{head_lower} | {body}"
    if search_word(VOLUNTEER, head_lower) or (unpaid and search_word(VOLUNTEER, text)):
        return "volunteer"
    full_time = FULL_TIME.search(head)
    internship = INTERNSHIP.search(head)
    if hours_max is not None and hours_max <= 40 and not full_time:
        return "micro-internship"
    if internship:
        return "internship"
    if full_time or (weekly and search_word(PART_TIME_ONGOING, text)):
        return "job"
    if (
        hours_max is None
        and not weekly
        and (PROJECT_EMPLOYMENT.search(employment_type or "") and search_word(PROJECT, text))
    ):
        return "micro-internship"
    return "job"


def decide_is_micro(
    title: str, description: str, employment_type: str | None, hours_max: float | None
) -> bool:
    """True for a micro-internship: stated as one, or a project of at most 40 hours."""
    return decide_kind(title, description, employment_type, hours_max, False, None) == (
        "micro-internship"
    )


def _remote(raw: dict[str, Any], location: str | None, title: str) -> bool | None:
    if raw.get("remote") is not None:
        return bool(raw["remote"])
    for text in (location, title):
        if text and search_word(REMOTE_YES, text.lower()):
            return True
    if location and search_word(REMOTE_NO, location.lower()):
        return False
    return None


def normalize_posting(raw: dict[str, Any], seen_at: str | None = None) -> dict[str, Any]:
    """A normalized posting from a raw item (see `spiders.items.RawListing`).

    `seen_at` is used when the raw item has no `scraped_at` (e.g. an exported file).
    """
    issues: list[str] = []
    seen = raw.get("scraped_at") or seen_at
    markup = raw.get("description") or ""
    if len(markup) > MAX_DESCRIPTION_CHARS:
        markup = markup[:MAX_DESCRIPTION_CHARS]
        issues.append("description_truncated")
    title = squash(raw["title"]) or ""
    description = html_to_text(markup)
    location = squash(raw.get("location"))
    employment_type = squash(raw.get("employment_type"))
    categories = list(raw.get("categories") or [])
    hours_text = squash(raw.get("hours_text"))
    hours = parse_hours(
        [hours_text, title, description], full_time=bool(FULL_TIME.search(employment_type or ""))
    )
    if hours_text and not hours.known and hours.per_week_max is None:
        issues.append("hours_text_unreadable")
    pay = parse_pay([raw.get("pay_text"), title, description], hours.total_min, hours.total_max)
    posted_at, posted_failed = posted_date(raw.get("posted_at"), seen)
    deadline, deadline_failed = deadline_date(raw.get("deadline"), [description], seen)
    issues += ["posted_at_unreadable"] * posted_failed + ["deadline_unreadable"] * deadline_failed
    tag = tag_industry(title, categories, description)
    kind = decide_kind(
        title,
        description,
        employment_type,
        hours.total_max,
        hours.per_week_max is not None,
        pay.unpaid,
        raw["source"],
    )
    return {
        "posting_id": posting_id(raw["source"], raw["source_id"]),
        "source": raw["source"],
        "source_id": raw["source_id"],
        "url": raw["url"].strip(),
        "canonical_url": canonical_url(raw["url"]),
        "title": title,
        "company": squash(raw["company"]) or "",
        "company_key": company_key(raw["company"]),
        "match_key": match_key(raw["company"], title),
        "description": description,
        "description_html": sanitize_html(markup),
        "location": location,
        "remote": _remote(raw, location, title),
        "employment_type": employment_type,
        "categories": categories,
        "industry": tag.industry,
        "industry_alt": tag.alt,
        "industry_confidence": tag.confidence,
        "hours_min": hours.total_min,
        "hours_max": hours.total_max,
        "hour_range": hour_range(hours.total_max),
        "hours_per_week_min": hours.per_week_min,
        "hours_per_week_max": hours.per_week_max,
        "duration_weeks": hours.duration_weeks,
        "kind": kind,
        "is_micro": kind == "micro-internship",
        "pay_text": squash(raw.get("pay_text")),
        "pay_min": pay.min,
        "pay_max": pay.max,
        "pay_currency": pay.currency,
        "pay_unit": pay.unit,
        "pay_per_hour": pay.per_hour,
        "unpaid": pay.unpaid,
        "posted_at": posted_at,
        "deadline": deadline,
        "expired": is_past(deadline, seen),
        "seen_at": seen,
        "raw_hash": raw_hash(raw),
        "issues": issues,
    }
