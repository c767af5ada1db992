"""Hours a week stated in a text: a weekly figure ("2-3 hours per week", "maximum 40
hours/week", "at least 20, at most 35 hours/week"), shifts ("three 12-hour shifts per week"), full
days ("3 full days per week") or a weekday schedule ("Monday-Friday 9 a.m.-4 p.m.")."""

from __future__ import annotations

import re

from pipeline.tagging.hours.figures import (
    BOUND,
    FIGURE,
    FIGURE_RANGE,
    HOURS,
    HOURS_RANGE_NEXT,
    NUM,
    PER_DAY,
    PER_WEEK,
    RANGE,
    FigurePattern,
    Found,
    _effort_context_ok,
    _pair,
    has_digit,
)
from pipeline.tagging.text import holds_any

WEEKLY = re.compile(rf"(?<![\d.,$£€/])({BOUND}\s*)?{RANGE}\s*-?\s*{HOURS}\.?(?:{PER_WEEK})")
# WEEKLY where no BOUND can match: the same matches, from the figure on (see FIGURE).
WEEKLY_FIGURES = FigurePattern(rf"{FIGURE_RANGE}\s*-?\s*{HOURS}\.?(?:{PER_WEEK})", HOURS_RANGE_NEXT)
BOUND_PARTS = ("up to", "more than", "at most", "max")  # one is in every BOUND
SHIFT_WORDS = ("shift", "show", "session", "block", "slot", "visit")  # one is in every SHIFTS
SHIFTS = re.compile(
    rf"(?<![\d.,$£€/])(?:(\d+)|an?)\s+{NUM}[- ]hours?\s+(?:[a-z]+\s+){{0,2}}?(?:shifts?|shows?|"
    r"sessions?|blocks?|slots?|visits?)\s+(?:per|a|each|every)\s+week\b"
)


LATER_PER_WEEK = re.compile(r"^[^.;,\n]{0,25}?\b(?:per|a|each|every)\s+(?:week|day)\b")
PER_WEEK_OR_DAY = re.compile(rf"\.?(?:{PER_WEEK}|{PER_DAY})")


# One is in every match of the two above.
WEEK_WORDS = ("week", "wk", "woche", "semaine", "semana", "settimana", "tydzie")
WEEK_OR_DAY_WORDS = ("day", "daily", *WEEK_WORDS)


def _is_weekly_after(text: str, end: int) -> bool:
    after = text[end : end + 40]
    if not holds_any(after, WEEK_OR_DAY_WORDS):
        return False
    return bool(PER_WEEK_OR_DAY.match(after) or LATER_PER_WEEK.match(after))


# "at least 20 hours/week, at most 35 hours/week": a lower and an upper bound make a range.
WEEKLY_MOST_AFTER = re.compile(
    rf"[^.;\n]{{0,20}}?\b(?:at most|maximum(?: of)?|max\.?|up to|no more than)\s*{NUM}\s*-?\s*"
    rf"{HOURS}\.?(?:{PER_WEEK})"
)
# "minimum 3 full days (24 hours) per week": a full day is 8 hours.
FULL_DAYS = FigurePattern(
    rf"{FIGURE}\s+(?:full|complete)[- ](?:time\s+)?(?:working\s+|work\s+)?days?\s*"
    r"(?:\([^)]{0,20}\)\s*)?(?:a|per|each|every|/)\s*week\b"
)
FULL_DAY_HOURS = 8.0
# "Monday-Friday 9 a.m.-4 p.m.": a weekday schedule of the candidate's own, five days a week.
CLOCK = r"(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?"
SCHEDULE = re.compile(  # "m(?<![a-z]m)": `\bm` that lets the regex engine skip to an "m"
    r"m(?<![a-z]m)on(?:day)?\.?\s*(?:-|–|to|through|thru)\s*(?:friday|fri)\.?,?\s*(?:from\s+)?"
    rf"{CLOCK}\s*(?:-|–|to|until)\s*{CLOCK}"
)
OPENING_BEFORE = re.compile(
    r"open|opening|office hours|business hours|hours of operation|support|closed|customers"
    r"|clients|reachable|contact"
)


def _clock(hour: str, minute: str | None, half: str | None) -> float:
    value = float(hour) % 12 + (float(minute) / 60 if minute else 0.0)
    return value + 12 if half and half.startswith("p") else value


def _schedule_weekly(text: str) -> Found | None:
    """Five times the day of a "Monday-Friday 9am-5pm" schedule, unless it names opening hours."""
    match = SCHEDULE.search(text)
    if match is None or OPENING_BEFORE.search(text, max(0, match.start() - 40), match.start()):
        return None
    hour1, minute1, half1, hour2, minute2, half2 = match.groups()
    if half2 is None:
        return None  # "9-5" alone may be anything
    start, end = _clock(hour1, minute1, half1), _clock(hour2, minute2, half2)
    if half1 is None and start + 12 < end:
        start += 12  # "1-5pm"
    day = (end - start) % 24
    if not 1 <= day <= 12:
        return None
    return Found(5 * day, 5 * day, *match.span())


# The words the patterns need (see `cues`), by name: "per week" is looked at before anything
# else, as most texts name no week (and every weekly pattern but SCHEDULE does); SCHEDULE
# needs "mon" and "fri", SHIFTS one of SHIFT_WORDS and "hour", FULL_DAYS "day", and WEEKLY
# rather than WEEKLY_FIGURES is needed only with one of BOUND_PARTS.
WEEKLY_CUES = {
    "per week": WEEK_WORDS,
    "fri": ("fri",),
    "mon": ("mon",),
    "shift": SHIFT_WORDS,
    "hour": ("hour",),
    "bound": BOUND_PARTS,
    "day": ("day",),
}


def find_weekly(text: str) -> Found | None:
    """Hours a week stated in `text`, or None."""
    return weekly_in(text, {cue for cue, words in WEEKLY_CUES.items() if holds_any(text, words)})


def weekly_in(text: str, cues: set[str]) -> Found | None:
    """`find_weekly(text)`, where `cues` holds the WEEKLY_CUES of `text` (and may hold other
    names)."""
    if "per week" not in cues:
        return _schedule_weekly(text) if "fri" in cues and "mon" in cues else None
    if not has_digit(text):  # the figure every weekly pattern has (SCHEDULE's clock times too)
        return None
    # "three 12-hour shifts per week" = 36
    match = SHIFTS.search(text) if "shift" in cues and "hour" in cues else None
    if match:
        count = float(match.group(1) or 1)
        weekly = count * float(match.group(2))
        return Found(weekly, weekly, *match.span())
    pattern = WEEKLY if "bound" in cues else WEEKLY_FIGURES
    for match in pattern.finditer(text):
        if _effort_context_ok(text, *match.span()):
            low, high = _pair(*match.groups()[-2:])  # the range, after WEEKLY's BOUND
            most = WEEKLY_MOST_AFTER.match(text, match.end())
            if most and low == high and float(most.group(1)) > high:
                return Found(low, float(most.group(1)), match.start(), most.end())
            return Found(low, high, *match.span())
    match = FULL_DAYS.search(text) if "day" in cues else None
    if match:
        weekly = float(match.group(1)) * FULL_DAY_HOURS
        return Found(weekly, weekly, *match.span())
    return _schedule_weekly(text) if "fri" in cues and "mon" in cues else None
