"""Dates: ISO 8601 from structured values, and deadlines stated in text ("apply by March 3").

Relative and year-less dates are resolved against the crawl time, so results are repeatable.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

import dateparser

from pipeline.tagging.text import first_match_at, folds_like_lower, iso_date

MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# A month's name, the longest first ("september" before "sept" before "sep"), maybe with a dot.
MONTH = rf"(?:{'|'.join(sorted(MONTH_NUMBERS, key=len, reverse=True))})\.?"
DATE_TEXT = (
    rf"(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}(?:,?\s+\d{{4}})?"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)"
)
DEADLINE = re.compile(
    r"(?i)\b(?:apply (?:by|before|no later than)|applications? (?:close|are due|due|deadline)"
    r"(?:\s+(?:on|by))?|application deadline(?: is)?|deadline(?: to apply)?(?: is)?|closing date"
    r"(?: is)?|submit (?:your )?applications? by|accepting applications (?:until|through)|"
    rf"open until)\s*:?\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?({DATE_TEXT})"
)
DEADLINE_WORDS = ("apply", "application", "deadline", "closing", "open until")
# Every DEADLINE match starts with one of these (case aside): where it needs trying.
DEADLINE_STARTS = ("apply", "applic", "deadline", "closing", "submit", "accepting", "open until")
RELATIVE_PREFIX = re.compile(r"(?i)^\s*(?:posted|published|updated|listed)\s*(?:on|:)?\s*")
SETTINGS = {
    "PREFER_DATES_FROM": "future",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "REQUIRE_PARTS": ["day", "month"],
    "DATE_ORDER": "MDY",
}


@lru_cache(maxsize=256)  # one crawl time for a whole run's items
def _base(seen_at: str | None) -> datetime:
    if seen_at:
        try:
            return datetime.fromisoformat(seen_at.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            pass
    return datetime(2000, 1, 1)


# A whole date with its year, as DATE_TEXT finds them: "March 3rd, 2026", "3 of May 2026",
# "2026-04-01". Read without dateparser, which takes half a millisecond a text.
WHOLE_DATE = re.compile(
    rf"(?i)(?:({MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})"
    rf"|(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH}),?\s+(\d{{4}})"
    r"|(\d{4})-(\d{2})-(\d{2}))"
)


def _whole_date(text: str) -> str | None:
    """`YYYY-MM-DD` of a whole date with its year (WHOLE_DATE), None for anything else."""
    match = WHOLE_DATE.fullmatch(text)
    if match is None or not text.isascii():
        return None
    month1, day1, year1, day2, month2, year2, year3, month3, day3 = match.groups()
    if year1:
        year, month, day = int(year1), MONTH_NUMBERS[month1.lower().rstrip(".")], int(day1)
    elif year2:
        year, month, day = int(year2), MONTH_NUMBERS[month2.lower().rstrip(".")], int(day2)
    else:
        year, month, day = int(year3), int(month3), int(day3)
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None  # dateparser decides


# dateparser takes half a millisecond a text, and a crawl's texts repeat ("March 3", "3 days
# ago" against the same crawl time): each is parsed once.
@lru_cache(maxsize=4096)
def parse_date_text(text: str, seen_at: str | None, prefer: str = "future") -> str | None:
    """`YYYY-MM-DD` from a date written in words or digits, resolved against `seen_at`."""
    text = RELATIVE_PREFIX.sub("", text.strip())
    if not text or len(text) > 60:
        return None
    whole = _whole_date(text)
    if whole:
        return whole
    settings = {**SETTINGS, "RELATIVE_BASE": _base(seen_at), "PREFER_DATES_FROM": prefer}
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except (ValueError, OverflowError):
        return None
    return parsed.date().isoformat() if parsed else None


def posted_date(value: str | None, seen_at: str | None) -> tuple[str | None, bool]:
    """`(date, failed)`: the posting date from a structured value ("2026-11-05T09:30:00Z", or
    "Posted 3 days ago"); `failed` when a value was given but could not be read."""
    if not value:
        return None, False
    found = iso_date(value) or parse_date_text(value, seen_at, prefer="past")
    return found, found is None


def deadline_date(
    value: str | None, texts: list[str], seen_at: str | None, lowers: list[str] | None = None
) -> tuple[str | None, bool]:
    """`(date, failed)`: the deadline from a structured value, else from "apply by ..." text
    (`lowers`: the texts lower-cased, where the caller has them)."""
    if value:
        found = iso_date(value) or parse_date_text(value, seen_at)
        if found:
            return found, False
    for at, text in enumerate(texts):
        lower = lowers[at] if lowers else text.lower()
        if not any(map(lower.__contains__, DEADLINE_WORDS)):
            continue
        match = _search_deadline(text, lower)
        if match:
            found = parse_date_text(match.group(1), seen_at)
            if found:
                return found, False
    return None, bool(value)


def _search_deadline(text: str, lower: str) -> re.Match[str] | None:
    r"""`DEADLINE.search(text)`, trying the pattern only where one of DEADLINE_STARTS starts in
    `lower` (the text lower-cased): its leading `\b` and (?i) would have the regex engine try
    every position of a long description (30 us for 560 characters)."""
    if not folds_like_lower(text):  # lower-cased positions may not be the text's
        return DEADLINE.search(text)
    starts = []
    for word in DEADLINE_STARTS:
        at = lower.find(word)
        while at != -1:
            starts.append(at)
            at = lower.find(word, at + len(word))
    return first_match_at(DEADLINE, text, starts)


def is_past(day: str | None, seen_at: str | None) -> bool:
    return bool(day and seen_at and date.fromisoformat(day) < _base(seen_at).date())
