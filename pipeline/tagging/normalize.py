"""Raw item in, normalized posting out: clean fields, hours, pay, dates, industry, kind.

Pure: `normalize_posting(raw)` returns a new dict and never touches its input or any I/O.
Unknown values stay None; nothing is guessed. What could not be read is listed in `issues`
(e.g. `deadline_unreadable`), so an import can count it in the run record.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import orjson

from pipeline.dedupe import canonical_url, company_key, match_key, posting_id
from pipeline.tagging.dates import deadline_date, is_past, posted_date
from pipeline.tagging.hours import hour_range, parse_hours
from pipeline.tagging.industry import tag_industry
from pipeline.tagging.kind import FULL_TIME, decide_kind
from pipeline.tagging.pay import parse_pay
from pipeline.tagging.sections import split_sections
from pipeline.tagging.text import (
    html_to_text,
    sanitize_html,
    search_word,
    squash,
)

MAX_DESCRIPTION_CHARS = 1_000_000
T = TypeVar("T")
REMOTE_YES = re.compile(  # lower case, by `search_word`
    r"remote\b(?![- ]first)|telecommute\b|work from (?:home|anywhere)\b|fully remote\b"
)
REMOTE_NO = re.compile(  # lower case, by `search_word`
    r"(?:on[- ]?site|in[- ]person|in office|hybrid)\b(?! or remote)(?!/remote)"
)


def raw_hash(raw: dict[str, Any]) -> str:
    """A fingerprint of what the source said, ignoring when we saw it."""
    content = raw.copy()  # and pop: a fifth of the time of a comprehension without the key
    content.pop("scraped_at", None)
    try:
        encoded = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)  # 3x the json module
    except TypeError:  # a lone surrogate, or a value JSON has no form for
        encoded = json.dumps(content, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


def decide_is_micro(
    title: str, description: str, employment_type: str | None, hours_max: float | None
) -> bool:
    """True for a micro-internship: stated as one, or a project of at most 40 hours."""
    kind = decide_kind(title, description, employment_type, hours_max, False, None)
    return kind.kind == "micro-internship"


# A role whose own words say it is hybrid or office-based is not remote, whatever a source's
# remote flag says (boards set it for "remote-friendly" hybrid roles).
NOT_REMOTE_TEXT = re.compile(  # lower case, by `search_word`
    r"hybrid (?:role|position|job|work|working|schedule|model|setup|set-up|arrangement|policy"
    r"|environment|opportunity|basis)\b|(?:role|position|job) is hybrid\b"
    r"|(?:work|working) hybrid\b|\d days? (?:a|per|each) week (?:in|at|from) (?:the|our) office\b"
    r"|in[- ]office (?:\d|two|three|four) days\b"
    r"|(?:fully |100% )?on[- ]?site (?:role|position|job)\b"
)


# One of these is in every NOT_REMOTE_TEXT match, but for a word in capitals ("HYBRID").
NOT_REMOTE_HINTS = ("ybrid", "ffice", "site", "Site")


def _remote(
    stated: Any,
    location: str | None,
    title: str,
    location_says: bool | None,
    role_text: str = "",
) -> bool | None:
    """Remote or not: hybrid or on-site where the location, the title or the role's own text
    says so (`location_says`, from `_remote_location`); else as the source states it; else
    remote where the location or the title says it."""
    if location_says is False or search_word(REMOTE_NO, title.lower()):
        return False
    if stated and any(map(role_text.__contains__, NOT_REMOTE_HINTS)):
        if search_word(NOT_REMOTE_TEXT, role_text.lower()):
            return False
    if stated is not None:
        return bool(stated)
    if location_says or search_word(REMOTE_YES, title.lower()):
        return True
    return location_says


def _remote_location(location: str | None) -> bool | None:
    """True where the location says remote, False where it says on-site or hybrid."""
    if not location:
        return None
    lower = location.lower()
    if search_word(REMOTE_YES, lower):
        return True
    return False if search_word(REMOTE_NO, lower) else None


# Raw items normalized together by `normalize_postings` (import reads this many at a time).
NORMALIZE_BATCH = 500


def normalize_posting(raw: dict[str, Any], seen_at: str | None = None) -> dict[str, Any]:
    """A normalized posting from a raw item (see `spiders.items.RawListing`).

    `seen_at` is used when the raw item has no `scraped_at` (e.g. an exported file).
    """
    return normalize_postings([raw], seen_at)[0]


def normalize_postings(
    raws: Sequence[dict[str, Any]], seen_at: str | None = None
) -> list[dict[str, Any]]:
    """`[normalize_posting(raw, seen_at) for raw in raws]`, computed stage by stage.

    Each stage (HTML to text, sanitizing, hours, pay, dates, industry, kind, ...) runs over the
    whole batch before the next: the processor then keeps one stage's code and patterns in its
    caches, rather than cycling through all of them for every item. On batches of a few hundred
    items that is about a third faster (bench/normalize_bench.py); the results are the same.
    Values a batch repeats (companies, locations, dates) are worked out once each (`_each`).
    """
    seens = [raw.get("scraped_at") or seen_at for raw in raws]
    sources = [raw["source"] for raw in raws]
    issues: list[list[str]] = [[] for _ in raws]
    markups = [raw.get("description") or "" for raw in raws]
    for i, markup in enumerate(markups):
        if len(markup) > MAX_DESCRIPTION_CHARS:
            markups[i] = markup[:MAX_DESCRIPTION_CHARS]
            issues[i].append("description_truncated")
    titles = [squash(raw["title"]) or "" for raw in raws]
    descriptions = list(map(html_to_text, markups))
    sections = list(map(split_sections, descriptions))
    companies = [raw["company"] for raw in raws]
    locations = _each(squash, [raw.get("location") for raw in raws])
    employment_types = _each(squash, [raw.get("employment_type") for raw in raws])
    hours_texts = _each(squash, [raw.get("hours_text") for raw in raws])
    pay_texts = [raw.get("pay_text") for raw in raws]
    full_time = _each(_says_full_time, employment_types)
    fixed_term = _each(_says_fixed_term, employment_types)
    hours = [
        parse_hours([hours_text, title, parts.role], full_time=full, fixed_term=bounded)
        for hours_text, title, parts, full, bounded in zip(
            hours_texts, titles, sections, full_time, fixed_term, strict=True
        )
    ]
    for hours_text, estimate, problems in zip(hours_texts, hours, issues, strict=True):
        if hours_text and not estimate.known and estimate.per_week_max is None:
            problems.append("hours_text_unreadable")
    pays = [
        parse_pay([pay_text, title, parts.pay, parts.role], estimate.total_min, estimate.total_max)
        for pay_text, title, parts, estimate in zip(pay_texts, titles, sections, hours, strict=True)
    ]
    posted = _each(posted_date, [raw.get("posted_at") for raw in raws], seens)
    deadlines = [
        deadline_date(raw.get("deadline"), [description], seen)
        for raw, description, seen in zip(raws, descriptions, seens, strict=True)
    ]
    for (_, posted_failed), (_, deadline_failed), problems in zip(
        posted, deadlines, issues, strict=True
    ):
        problems += ["posted_at_unreadable"] * posted_failed
        problems += ["deadline_unreadable"] * deadline_failed
    categories = [list(raw.get("categories") or []) for raw in raws]
    tags = [
        tag_industry(title, category_list, parts.role, employer_text=parts.other)
        for title, category_list, parts in zip(titles, categories, sections, strict=True)
    ]
    kinds = [
        decide_kind(
            title,
            parts.role,
            employment_type,
            estimate.total_max,
            estimate.per_week_max is not None,
            pay.unpaid,
            source,
            estimate.evidence,
            pay.unit,
            parts.other,
            not estimate.full_time_total,
        )
        for source, title, parts, employment_type, estimate, pay in zip(
            sources, titles, sections, employment_types, hours, pays, strict=True
        )
    ]
    deadline_days = [day for day, _ in deadlines]
    source_ids = [raw["source_id"] for raw in raws]
    rows = zip(
        list(map(posting_id, sources, source_ids)),
        sources,
        source_ids,
        [raw["url"] for raw in raws],
        titles,
        _each(squash, companies),
        _each(company_key, companies),
        list(map(match_key, companies, titles)),
        descriptions,
        list(map(sanitize_html, markups)),
        locations,
        list(
            map(
                _remote,
                [raw.get("remote") for raw in raws],
                locations,
                titles,
                _each(_remote_location, locations),
                [parts.role for parts in sections],
            )
        ),
        employment_types,
        categories,
        tags,
        hours,
        kinds,
        _each(squash, pay_texts),
        pays,
        posted,
        deadline_days,
        _each(is_past, deadline_days, seens),
        seens,
        list(map(raw_hash, raws)),
        issues,
        strict=True,
    )
    return [
        {
            "posting_id": pid,
            "source": source,
            "source_id": source_id,
            "url": url.strip(),
            "canonical_url": canonical_url(url),
            "title": title,
            "company": company or "",
            "company_key": key,
            "match_key": block,
            "description": description,
            "description_html": description_html,
            "location": location,
            "remote": remote,
            "employment_type": employment_type,
            "categories": category_list,
            "industry": tag.industry,
            "industry_alt": tag.alt,
            "industry_confidence": tag.confidence,
            "industry_evidence": tag.evidence,
            "hours_min": estimate.total_min,
            "hours_max": estimate.total_max,
            "hour_range": hour_range(estimate.total_max),
            "hours_per_week_min": estimate.per_week_min,
            "hours_per_week_max": estimate.per_week_max,
            "duration_weeks": estimate.duration_weeks,
            "hours_evidence": estimate.evidence,
            "kind": kind.kind,
            "kind_evidence": kind.evidence,
            "is_micro": kind.kind == "micro-internship",
            "pay_text": pay_text,
            "pay_min": pay.min,
            "pay_max": pay.max,
            "pay_currency": pay.currency,
            "pay_unit": pay.unit,
            "pay_per_hour": pay.per_hour,
            "unpaid": pay.unpaid,
            "posted_at": posted_day,
            "deadline": deadline,
            "expired": expired,
            "seen_at": seen,
            "raw_hash": hashed,
            "issues": problems,
        }
        for (
            pid,
            source,
            source_id,
            url,
            title,
            company,
            key,
            block,
            description,
            description_html,
            location,
            remote,
            employment_type,
            category_list,
            tag,
            estimate,
            kind,
            pay_text,
            pay,
            (posted_day, _),
            deadline,
            expired,
            seen,
            hashed,
            problems,
        ) in rows
    ]


def _says_full_time(employment_type: str | None) -> bool:
    return bool(FULL_TIME.search(employment_type or ""))


# An employment type of an engagement with an end: its full-time weeks can be counted.
FIXED_TERM_TYPE = re.compile(
    r"(?i)intern|contract|temporary|seasonal|fixed|freelance|stage|praktikum|program|fellow"
)


def _says_fixed_term(employment_type: str | None) -> bool:
    return bool(FIXED_TERM_TYPE.search(employment_type or ""))


def _each(function: Callable[..., T], *columns: Sequence[Any]) -> list[T]:
    """`list(map(function, *columns))`, calling `function` once per distinct row of arguments:
    for pure functions of values a batch repeats (the same company, location or date)."""
    done: dict[tuple[Any, ...], T] = {}
    results = []
    for row in zip(*columns, strict=True):
        try:
            value = done[row]
        except KeyError:
            value = done[row] = function(*row)
        except TypeError:  # a value that cannot be a key (not from a validated raw item)
            value = function(*row)
        results.append(value)
    return results
