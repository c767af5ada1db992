"""Estimated total hours of effort from structured data and text.

`total_hours(texts)` reads the first text that states an effort and returns `(min, max)` total
hours, or None. It understands ranges ("10-15 hours", "8–12 hrs", "10 to 15 hours"), labelled
figures ("Estimated hours: 10-15"), single figures ("approx. 20 hrs", "a 30-hour project", "~15h")
and weekly hours with a number of weeks ("2-3 hours per week over 4 weeks" = 8-12). Weekly hours
with no period give no total. Numbers that are not effort ("24-hour support", "$25 per hour",
"team of 40") are ignored. `hour_range` buckets the maximum.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NUM = r"(\d{1,4}(?:\.\d+)?)"
DASH = r"\s*(?:-|–|—|to)\s*"
UNIT = r"(?:hours?|hrs?|h)\b"
PER_WEEK = r"(?:\s*(?:per|a|/|each)\s*(?:week|wk)\b|\s*weekly\b)"
WEEKS = r"(?:for|over|across)\s+(\d{1,2})\s+weeks?"

LABELLED = re.compile(
    rf"(?i)\b(?:estimated|expected)?\s*hours?\s*(?:needed|required)?\s*:\s*{NUM}(?:{DASH}{NUM})?\b"
)
WEEKLY_FOR = re.compile(rf"(?i){NUM}(?:{DASH}{NUM})?\s*{UNIT}{PER_WEEK}\s*,?\s*{WEEKS}")
NOT_EFFORT_AFTER = (
    rf"{PER_WEEK}|\s*(?:per|an|a|/)\s*(?:hour|day)\b"
    r"|\s+(?:on-?call|support|service|coverage|access|shifts?|days?|clock|notice)\b"
)
FIGURE = re.compile(
    rf"(?i)(?<![\d$£€.,])(?:~\s*)?{NUM}(?:{DASH}{NUM})?\s*-?\s*{UNIT}(?P<after>{NOT_EFFORT_AFTER})?"
)
MAX_TOTAL_HOURS = 2000

BUCKETS: tuple[tuple[str, float], ...] = (
    ("under-5", 5),  # hours_max < 5
    ("5-10", 10),  # 5 <= hours_max <= 10
    ("10-20", 20),
    ("20-40", 40),
)
HOUR_RANGES: tuple[str, ...] = (*(name for name, _ in BUCKETS), "over-40")


def _pair(low: str, high: str | None) -> tuple[float, float]:
    a, b = float(low), float(high) if high else float(low)
    return (a, b) if a <= b else (b, a)


def hours_in(text: str) -> tuple[float, float] | None:
    """Total hours stated in one text, or None."""
    match = WEEKLY_FOR.search(text)
    if match:
        low, high = _pair(match.group(1), match.group(2))
        weeks = int(match.group(3))
        return _checked(low * weeks, high * weeks)
    match = LABELLED.search(text)
    if match:
        return _checked(*_pair(match.group(1), match.group(2)))
    for match in FIGURE.finditer(text):
        if match.group("after"):
            continue  # weekly without a period, a rate, or not effort at all
        return _checked(*_pair(match.group(1), match.group(2)))
    return None


def _checked(low: float, high: float) -> tuple[float, float] | None:
    if low <= 0 or high > MAX_TOTAL_HOURS:
        return None
    return low, high


def total_hours(texts: Iterable[str | None]) -> tuple[float, float] | None:
    """The first stated effort among `texts`, checked in the order given."""
    for text in texts:
        if text:
            found = hours_in(text)
            if found:
                return found
    return None


def hour_range(hours_max: float | None) -> str | None:
    """One of HOUR_RANGES for the maximum total hours, or None when unknown."""
    if hours_max is None:
        return None
    if hours_max < 5:
        return "under-5"
    for name, upper in BUCKETS[1:]:
        if hours_max <= upper:
            return name
    return "over-40"
