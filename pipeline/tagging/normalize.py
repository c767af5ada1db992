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
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson

from pipeline.dedupe import canonical_url, company_key, match_key, posting_id
from pipeline.tagging.dates import deadline_date, is_past, posted_date
from pipeline.tagging.hours import Hours, hour_range, parse_hours
from pipeline.tagging.industry import IndustryTag, tag_industry
from pipeline.tagging.kind import FULL_TIME_JOB, Kind, decide_kind
from pipeline.tagging.pay import Pay, parse_pay
from pipeline.tagging.remote import is_remote, location_remote
from pipeline.tagging.sections import Sections, split_sections
from pipeline.tagging.text import (
    html_to_text,
    sanitize_html,
    squash,
)

MAX_DESCRIPTION_CHARS = 1_000_000
T = TypeVar("T")


def raw_hash(raw: dict[str, Any]) -> str:
    """A fingerprint of what the source said, ignoring when we saw it."""
    content = raw.copy()  # and pop: a fifth of the time of a comprehension without the key
    content.pop("scraped_at", None)
    try:
        encoded = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)  # 3x the json module
    except TypeError:  # a lone surrogate, or a value JSON has no form for
        encoded = json.dumps(content, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


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
    Values a batch repeats (companies, locations, dates) are worked out once each (`_memo`).
    """
    drafts = [_Draft.of(raw, seen_at) for raw in raws]
    squashed = _memo_one(squash)
    _read_texts(drafts, squashed)
    terms = _memo_one(_employment_terms)
    for draft in drafts:
        full_time, fixed_term = terms(draft.employment_type)
        draft.hours = parse_hours(
            [draft.hours_text, draft.title, draft.sections.role],
            full_time=full_time,
            fixed_term=fixed_term,
            lowers=[None, None, draft.role_lower],
        )
        if draft.hours_text and not draft.hours.known and draft.hours.per_week_max is None:
            draft.issues.append("hours_text_unreadable")
    for draft in drafts:
        parts, hours = draft.sections, draft.hours
        draft.pay = parse_pay(
            [draft.raw.get("pay_text"), draft.title, parts.pay, parts.role],
            hours.total_min,
            hours.total_max,
            lowers=[None, None, None, draft.role_lower],
        )
    _read_dates(drafts)
    for draft in drafts:
        parts = draft.sections
        draft.industry = tag_industry(
            draft.title,
            draft.categories,
            parts.role,
            employer_text=parts.other,
            description_lower=draft.role_lower,
        )
    for draft in drafts:
        parts, hours, pay = draft.sections, draft.hours, draft.pay
        draft.kind = decide_kind(
            draft.title,
            parts.role,
            draft.employment_type,
            hours.total_max,
            hours.per_week_max is not None,
            pay.unpaid,
            draft.raw["source"],
            hours.evidence,
            pay.unit,
            parts.other,
            not hours.full_time_total,
            draft.role_lower,
        )
    remote_location, past = _memo_one(location_remote), _memo(is_past)
    for draft in drafts:
        draft.remote = is_remote(
            draft.raw.get("remote"),
            draft.location,
            draft.title,
            remote_location(draft.location),
            draft.sections.role,
            draft.role_lower,
        )
        draft.expired = past(draft.deadline, draft.seen)
    companies = _memo_one(_company_fields)
    return [_posting(draft, companies, squashed) for draft in drafts]


def _read_texts(drafts: list[_Draft], squashed: Callable[[str | None], str | None]) -> None:
    """The first stages: each draft's plain text, lower-cased once for every stage that reads
    it so, its sections, and its squashed fields."""
    for draft in drafts:
        draft.description = html_to_text(draft.markup)
        draft.lower = draft.description.lower()
    for draft in drafts:
        draft.sections = split_sections(draft.description, draft.lower)
        role = draft.sections.role
        draft.role_lower = draft.lower if role is draft.description else role.lower()
    for draft in drafts:
        raw = draft.raw
        draft.location = squashed(raw.get("location"))
        draft.employment_type = squashed(raw.get("employment_type"))
        hours_text = raw.get("hours_text")  # mostly None: no call then
        draft.hours_text = None if hours_text is None else squashed(hours_text)


def _read_dates(drafts: list[_Draft]) -> None:
    """Each draft's posting date and deadline, and an issue for each that could not be read."""
    read_posted = _memo(posted_date)
    for draft in drafts:
        draft.posted, posted_failed = read_posted(draft.raw.get("posted_at"), draft.seen)
        draft.deadline, deadline_failed = deadline_date(
            draft.raw.get("deadline"), [draft.description], draft.seen, [draft.lower]
        )
        if posted_failed:
            draft.issues.append("posted_at_unreadable")
        if deadline_failed:
            draft.issues.append("deadline_unreadable")


@dataclass(slots=True)
class _Draft:
    """One raw item on its way through `normalize_postings`: each stage sets its fields (those
    without a value until then: a draft is made with six, not all)."""

    raw: dict[str, Any]
    seen: str | None
    title: str
    markup: str
    categories: list[str]
    issues: list[str]
    description: str = field(init=False)
    lower: str = field(init=False)  # the description lower-cased
    role_lower: str = field(init=False)  # the role's section lower-cased
    sections: Sections = field(init=False)
    location: str | None = field(init=False)
    employment_type: str | None = field(init=False)
    hours_text: str | None = field(init=False)
    hours: Hours = field(init=False)
    pay: Pay = field(init=False)
    posted: str | None = field(init=False)
    deadline: str | None = field(init=False)
    industry: IndustryTag = field(init=False)
    kind: Kind = field(init=False)
    remote: bool | None = field(init=False)
    expired: bool | None = field(init=False)

    @classmethod
    def of(cls, raw: dict[str, Any], seen_at: str | None) -> _Draft:
        markup, issues = raw.get("description") or "", []
        if len(markup) > MAX_DESCRIPTION_CHARS:
            markup = markup[:MAX_DESCRIPTION_CHARS]
            issues.append("description_truncated")
        seen, title = raw.get("scraped_at") or seen_at, squash(raw["title"]) or ""
        return cls(raw, seen, title, markup, list(raw.get("categories") or []), issues)


def _posting(
    draft: _Draft,
    companies: Callable[[str | None], tuple[str, str | None, str | None]],
    squashed: Callable[[str | None], str | None],
) -> dict[str, Any]:
    """The normalized posting of a draft every stage has been through (`companies`: the
    batch's `_company_fields`)."""
    raw, hours, pay, industry, kind = draft.raw, draft.hours, draft.pay, draft.industry, draft.kind
    source, source_id, url = raw["source"], raw["source_id"], raw["url"]
    company, company_key, block = companies(raw["company"])
    pay_text = raw.get("pay_text")
    return {
        "posting_id": posting_id(source, source_id),
        "source": source,
        "source_id": source_id,
        "url": url.strip(),
        "canonical_url": canonical_url(url),
        "title": draft.title,
        "company": company,
        "company_key": company_key,
        "match_key": block,
        "description": draft.description,
        "description_html": sanitize_html(draft.markup),
        "location": draft.location,
        "remote": draft.remote,
        "employment_type": draft.employment_type,
        "categories": draft.categories,
        "industry": industry.industry,
        "industry_alt": industry.alt,
        "industry_confidence": industry.confidence,
        "industry_evidence": industry.evidence,
        "hours_min": hours.total_min,
        "hours_max": hours.total_max,
        "hour_range": hour_range(hours.total_max),
        "hours_per_week_min": hours.per_week_min,
        "hours_per_week_max": hours.per_week_max,
        "duration_weeks": hours.duration_weeks,
        "hours_evidence": hours.evidence,
        "kind": kind.kind,
        "kind_evidence": kind.evidence,
        "is_micro": kind.kind == "micro-internship",
        "pay_text": None if pay_text is None else squashed(pay_text),
        "pay_min": pay.min,
        "pay_max": pay.max,
        "pay_currency": pay.currency,
        "pay_unit": pay.unit,
        "pay_per_hour": pay.per_hour,
        "unpaid": pay.unpaid,
        "posted_at": draft.posted,
        "deadline": draft.deadline,
        "expired": draft.expired,
        "seen_at": draft.seen,
        "raw_hash": raw_hash(raw),
        "issues": draft.issues,
    }


def _company_fields(company: str | None) -> tuple[str, str | None, str | None]:
    """A company's name as shown, its key and its block (`match_key` reads the company alone):
    one call of a batch's memo for the three."""
    return squash(company) or "", company_key(company), match_key(company)


def _employment_terms(employment_type: str | None) -> tuple[bool, bool]:
    """Whether an employment type says full-time, and whether it says fixed-term."""
    return _says_full_time(employment_type), _says_fixed_term(employment_type)


def _says_full_time(employment_type: str | None) -> bool:
    return bool(FULL_TIME_JOB.search(employment_type or ""))


# An employment type of an engagement with an end: its full-time weeks can be counted.
FIXED_TERM_TYPE = re.compile(
    r"(?i)intern|contract|temporary|seasonal|fixed|freelance|stage|praktikum|program|fellow"
)


def _says_fixed_term(employment_type: str | None) -> bool:
    return bool(FIXED_TERM_TYPE.search(employment_type or ""))


def _memo(function: Callable[..., T]) -> Callable[..., T]:
    """`function`, called once per distinct arguments: for pure functions of values a batch
    repeats (the same company, location or date). Arguments that cannot be a key (not from a
    validated raw item) are passed through uncached."""
    done: dict[tuple[Any, ...], T] = {}

    def memoized(*args: Any) -> T:
        try:
            return done[args]
        except KeyError:
            value = done[args] = function(*args)
            return value
        except TypeError:
            return function(*args)

    return memoized


def _memo_one(function: Callable[[Any], T]) -> Callable[[Any], T]:
    """`_memo(function)` for a function of one argument: the argument itself is the key, with no
    tuple to make and hash on each call."""
    done: dict[Any, T] = {}

    def memoized(arg: Any) -> T:
        try:
            return done[arg]
        except KeyError:
            value = done[arg] = function(arg)
            return value
        except TypeError:
            return function(arg)

    return memoized
