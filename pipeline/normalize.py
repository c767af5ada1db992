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
from ahocorasick_rs import AhoCorasick

from pipeline.dates import deadline_date, is_past, posted_date
from pipeline.dedupe import canonical_url, company_key, match_key, posting_id
from pipeline.hours import hour_range, parse_hours
from pipeline.industry import tag_industry
from pipeline.pay import parse_pay
from pipeline.text import (
    folds_like_lower,
    html_to_text,
    sanitize_html,
    search_word,
    squash,
    word_char_at,
)

MAX_DESCRIPTION_CHARS = 1_000_000
T = TypeVar("T")
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
# "Virtual work experience" (program or not) is the common name of free, self-paced simulations.
SIMULATION = re.compile(r"(?i)\bsimulation\b|\bvirtual (?:work )?experience\b")
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
    content = raw.copy()  # and pop: a fifth of the time of a comprehension without the key
    content.pop("scraped_at", None)
    try:
        encoded = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)  # 3x the json module
    except TypeError:  # a lone surrogate, or a value JSON has no form for
        encoded = json.dumps(content, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


# One of these is in every match of the pattern they are named after, in lower case: where
# `folds_like_lower` holds, a text without them needs no search.
SIMULATION_WORDS = ("simulation", "virtual")
COMPETITION_WORDS = ("competition", "hackathon", "challenge")
FELLOWSHIP_WORDS = ("fellow",)
FULL_TIME_WORDS = ("full", "permanent")
INTERNSHIP_WORDS = ("intern", "co")
# Each MICRO_MARKERS match starts with one of these: the only places it needs trying.
MICRO_MARKER_STARTS = AhoCorasick(["micro", "project", "short", "mini", "freelance", "paid"])


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
    title_lower = title.lower()
    # Whether a pattern may match: one of its words is there, or the text folds unlike lower().
    may_match = _holds_any if folds_like_lower(head) else _always

    if source == "forage" or (
        may_match(head_lower, SIMULATION_WORDS)
        and (SIMULATION.search(employment_type or "") or SIMULATION.search(title))
    ):
        return "simulation"
    if may_match(title_lower, COMPETITION_WORDS) and COMPETITION.search(title):
        return "competition"
    if may_match(title_lower, FELLOWSHIP_WORDS) and FELLOWSHIP.search(title):
        return "fellowship"
    if search_word(MICRO_MARKERS, head_lower) or _has_micro_marker(body):
        return "micro-internship"
    text = f"{head_lower} | {body}"
    if search_word(VOLUNTEER, head_lower) or (unpaid and search_word(VOLUNTEER, text)):
        return "volunteer"
    full_time = may_match(head_lower, FULL_TIME_WORDS) and FULL_TIME.search(head)
    internship = may_match(head_lower, INTERNSHIP_WORDS) and INTERNSHIP.search(head)
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


def _holds_any(text: str, words: tuple[str, ...]) -> bool:
    for word in words:  # a loop: quicker than any() over a generator for a few words
        if word in text:
            return True
    return False


def _always(text: str, words: tuple[str, ...]) -> bool:
    return True


# Just before a marker: it is denied ("this is not a micro-internship", "no mini-internships").
DENIED_BEFORE = re.compile(r"(?:\bnot|n't|\bno)(?:\s+an?)?\s*$")


def _has_micro_marker(lower: str) -> bool:
    """Whether MICRO_MARKERS matches at the start of a word (`search_word`) where it is not
    denied (DENIED_BEFORE), trying the pattern only where one of its first words starts a word."""
    found = MICRO_MARKER_STARTS.find_matches_as_indexes(lower, overlapping=True)
    for at in sorted({at for _, at, _ in found if not word_char_at(lower, at - 1)}):
        if MICRO_MARKERS.match(lower, at) and not _denied(lower, at):
            return True
    return False


def _denied(lower: str, at: int) -> bool:
    return DENIED_BEFORE.search(lower, max(0, at - 12), at) is not None


def decide_is_micro(
    title: str, description: str, employment_type: str | None, hours_max: float | None
) -> bool:
    """True for a micro-internship: stated as one, or a project of at most 40 hours."""
    return decide_kind(title, description, employment_type, hours_max, False, None) == (
        "micro-internship"
    )


def _remote(
    stated: Any, location: str | None, title: str, location_says: bool | None
) -> bool | None:
    """Remote or not: as the source states it, else as the location (`location_says`, from
    `_remote_location`) or the title says it."""
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
    companies = [raw["company"] for raw in raws]
    locations = _each(squash, [raw.get("location") for raw in raws])
    employment_types = _each(squash, [raw.get("employment_type") for raw in raws])
    hours_texts = _each(squash, [raw.get("hours_text") for raw in raws])
    pay_texts = [raw.get("pay_text") for raw in raws]
    full_time = _each(_says_full_time, employment_types)
    hours = [
        parse_hours([hours_text, title, description], full_time=full)
        for hours_text, title, description, full in zip(
            hours_texts, titles, descriptions, full_time, strict=True
        )
    ]
    for hours_text, estimate, problems in zip(hours_texts, hours, issues, strict=True):
        if hours_text and not estimate.known and estimate.per_week_max is None:
            problems.append("hours_text_unreadable")
    pays = [
        parse_pay([pay_text, title, description], estimate.total_min, estimate.total_max)
        for pay_text, title, description, estimate in zip(
            pay_texts, titles, descriptions, hours, strict=True
        )
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
    tags = list(map(tag_industry, titles, categories, descriptions))
    kinds = [
        decide_kind(
            title,
            description,
            employment_type,
            estimate.total_max,
            estimate.per_week_max is not None,
            pay.unpaid,
            source,
        )
        for source, title, description, employment_type, estimate, pay in zip(
            sources, titles, descriptions, employment_types, hours, pays, strict=True
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
            "hours_min": estimate.total_min,
            "hours_max": estimate.total_max,
            "hour_range": hour_range(estimate.total_max),
            "hours_per_week_min": estimate.per_week_min,
            "hours_per_week_max": estimate.per_week_max,
            "duration_weeks": estimate.duration_weeks,
            "kind": kind,
            "is_micro": kind == "micro-internship",
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
