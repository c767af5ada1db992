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
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson

from pipeline.dedupe import canonical_url, company_key, match_key, posting_id
from pipeline.tagging.dates import deadline_date, is_past, posted_date
from pipeline.tagging.hours import Hours, hour_range, parse_hours
from pipeline.tagging.industry import IndustryTag, tag_industry
from pipeline.tagging.kind import FULL_TIME_JOB, Kind, decide_kind
from pipeline.tagging.pay import Pay, parse_pay
from pipeline.tagging.sections import Sections, split_sections
from pipeline.tagging.text import (
    holds_any,
    html_to_text,
    merge_spans,
    sanitize_html,
    search_word,
    squash,
    word_char_at,
)

MAX_DESCRIPTION_CHARS = 1_000_000
T = TypeVar("T")
REMOTE_YES = re.compile(  # lower case, by `search_word`
    r"remote\b(?![- ]first)|telecommute\b|work from (?:home|anywhere)\b|fully remote\b"
)
REMOTE_NO = re.compile(  # lower case, by `search_word`
    r"(?:on[- ]?site|in[- ]person|in office|hybrid)\b(?! or remote)(?!/remote)"
)
# Every REMOTE_YES match holds one of these, every REMOTE_NO match one of those.
REMOTE_YES_WORDS = ("remote", "telecommute", "work from")
REMOTE_NO_WORDS = ("site", "person", "office", "hybrid")


def raw_hash(raw: dict[str, Any]) -> str:
    """A fingerprint of what the source said, ignoring when we saw it."""
    content = raw.copy()  # and pop: a fifth of the time of a comprehension without the key
    content.pop("scraped_at", None)
    try:
        encoded = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)  # 3x the json module
    except TypeError:  # a lone surrogate, or a value JSON has no form for
        encoded = json.dumps(content, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


# A role whose own words say it is hybrid or office-based is not remote, whatever a source's
# remote flag says (boards set it for "remote-friendly" hybrid roles). Every alternative starts
# with a letter or a digit, not a group: the regex engine then skips to the characters one can
# start with, rather than trying each alternative at every position of a long role text (twice
# as fast on real ones; the same matches, tried in the same order).
NOT_REMOTE_TEXT = re.compile(  # lower case, by `search_word`
    r"hybrid (?:role|position|job|work|working|schedule|model|setup|set-up|arrangement|policy"
    r"|environment|opportunity|basis)\b|role is hybrid\b|position is hybrid\b|job is hybrid\b"
    r"|work hybrid\b|working hybrid\b"
    r"|\d days? (?:a|per|each) week (?:in|at|from) (?:the|our) office\b"
    r"|in[- ]office (?:\d|two|three|four) days\b"
    r"|fully on[- ]?site (?:role|position|job)\b|100% on[- ]?site (?:role|position|job)\b"
    r"|on[- ]?site (?:role|position|job)\b"
)


# One of these is in every NOT_REMOTE_TEXT match, but for a word in capitals ("HYBRID").
NOT_REMOTE_HINTS = ("ybrid", "ffice", "site", "Site")
# One of these is in every NOT_REMOTE_TEXT match (lower case), within its longest (32
# characters): a match is in the text within NOT_REMOTE_REACH characters of one.
NOT_REMOTE_WORDS = ("hybrid", "office", "site")
NOT_REMOTE_REACH = 48


def _says_not_remote(lower: str) -> bool:
    """Whether `search_word(NOT_REMOTE_TEXT, lower)` finds a match, searching only the parts of
    `lower` near NOT_REMOTE_WORDS. A part ends past the end of any match in it: a word boundary
    at the end of one sees the text's next character."""
    points = []
    for word in NOT_REMOTE_WORDS:
        at = lower.find(word)
        while at != -1:
            points.append(at)
            at = lower.find(word, at + 1)
    for start, end in merge_spans(points, NOT_REMOTE_REACH, len(lower)):
        match = NOT_REMOTE_TEXT.search(lower, start, end)
        while match is not None and word_char_at(lower, match.start() - 1):
            match = NOT_REMOTE_TEXT.search(lower, match.start() + 1, end)
        if match is not None:
            return True
    return False


def _remote(
    stated: Any,
    location: str | None,
    title: str,
    location_says: bool | None,
    role_text: str = "",
    role_lower: str | None = None,
) -> bool | None:
    """Remote or not: hybrid or on-site where the location, the title or the role's own text
    says so (`location_says`, from `_remote_location`); else as the source states it; else
    remote where the location or the title says it. `role_lower`: the role's text lower-cased,
    where the caller has it."""
    title_lower = title.lower()
    if location_says is False or _says(REMOTE_NO, REMOTE_NO_WORDS, title_lower):
        return False
    if stated and any(map(role_text.__contains__, NOT_REMOTE_HINTS)):
        if _says_not_remote(role_text.lower() if role_lower is None else role_lower):
            return False
    if stated is not None:
        return bool(stated)
    if location_says or _says(REMOTE_YES, REMOTE_YES_WORDS, title_lower):
        return True
    return location_says


def _says(pattern: re.Pattern[str], words: tuple[str, ...], lower: str) -> bool:
    """Whether `search_word(pattern, lower)` finds a match, where every match holds one of
    `words`: a text without them (most titles) is not searched, which would try the pattern
    at every one of its first letters."""
    return holds_any(lower, words) and search_word(pattern, lower) is not None


def _remote_location(location: str | None) -> bool | None:
    """True where the location says remote, False where it says on-site or hybrid."""
    if not location:
        return None
    lower = location.lower()
    if _says(REMOTE_YES, REMOTE_YES_WORDS, lower):
        return True
    return False if _says(REMOTE_NO, REMOTE_NO_WORDS, lower) else None


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
    squashed = _memo(squash)
    _read_texts(drafts, squashed)
    says_full_time, says_fixed_term = _memo(_says_full_time), _memo(_says_fixed_term)
    for draft in drafts:
        draft.hours = parse_hours(
            [draft.hours_text, draft.title, draft.sections.role],
            full_time=says_full_time(draft.employment_type),
            fixed_term=says_fixed_term(draft.employment_type),
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
    read_posted = _memo(posted_date)
    for draft in drafts:
        draft.posted, posted_failed = read_posted(draft.raw.get("posted_at"), draft.seen)
        draft.deadline, deadline_failed = deadline_date(
            draft.raw.get("deadline"), [draft.description], draft.seen, [draft.lower]
        )
        draft.issues += ["posted_at_unreadable"] * posted_failed
        draft.issues += ["deadline_unreadable"] * deadline_failed
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
    remote_location, past = _memo(_remote_location), _memo(is_past)
    for draft in drafts:
        draft.remote = _remote(
            draft.raw.get("remote"),
            draft.location,
            draft.title,
            remote_location(draft.location),
            draft.sections.role,
            draft.role_lower,
        )
        draft.expired = past(draft.deadline, draft.seen)
    companies, company_keys = _memo(squash), _memo(company_key)
    return [_posting(draft, companies, company_keys, squashed) for draft in drafts]


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
        draft.hours_text = squashed(raw.get("hours_text"))


@dataclass(slots=True)
class _Draft:
    """One raw item on its way through `normalize_postings`: each stage sets its fields."""

    raw: dict[str, Any]
    seen: str | None
    title: str
    markup: str
    categories: list[str]
    issues: list[str]
    description: str = ""
    lower: str = ""  # the description lower-cased
    role_lower: str = ""  # the role's section lower-cased
    sections: Sections = Sections("", "", "")
    location: str | None = None
    employment_type: str | None = None
    hours_text: str | None = None
    hours: Hours = Hours()
    pay: Pay = Pay()
    posted: str | None = None
    deadline: str | None = None
    industry: IndustryTag = IndustryTag(None)
    kind: Kind = Kind("job", None)
    remote: bool | None = None
    expired: bool | None = None

    @classmethod
    def of(cls, raw: dict[str, Any], seen_at: str | None) -> _Draft:
        markup, issues = raw.get("description") or "", []
        if len(markup) > MAX_DESCRIPTION_CHARS:
            markup = markup[:MAX_DESCRIPTION_CHARS]
            issues.append("description_truncated")
        return cls(
            raw=raw,
            seen=raw.get("scraped_at") or seen_at,
            title=squash(raw["title"]) or "",
            markup=markup,
            categories=list(raw.get("categories") or []),
            issues=issues,
        )


def _posting(
    draft: _Draft,
    companies: Callable[[str | None], str | None],
    company_keys: Callable[[str | None], str],
    squashed: Callable[[str | None], str | None],
) -> dict[str, Any]:
    """The normalized posting of a draft every stage has been through."""
    raw, hours, pay, industry, kind = draft.raw, draft.hours, draft.pay, draft.industry, draft.kind
    source, source_id, url, company = raw["source"], raw["source_id"], raw["url"], raw["company"]
    return {
        "posting_id": posting_id(source, source_id),
        "source": source,
        "source_id": source_id,
        "url": url.strip(),
        "canonical_url": canonical_url(url),
        "title": draft.title,
        "company": companies(company) or "",
        "company_key": company_keys(company),
        "match_key": match_key(company, draft.title),
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
        "pay_text": squashed(raw.get("pay_text")),
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
