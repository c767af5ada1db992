"""Totals stated as a count of sittings of a stated length ("three 2-hour sessions", "two field
days of about 5 hours each"), when nothing recurs."""

from __future__ import annotations

import re

from pipeline.tagging.hours.figures import FIGURE, NUM, FigurePattern, Found, _effort_context_ok

# "three 2-hour working sessions" (after `words_to_digits`: "3 2-hour ..."), "two 90-minute
# workshops": a count of sittings of a stated length, the whole work when nothing recurs.
SITTING_WORDS = ("session", "workshop", "visit", "shift", "class", "lesson", "block")
SITTING = rf"(?:{'|'.join(SITTING_WORDS)})(?:e?s)?\b"  # one of them, or its plural
SITTINGS = FigurePattern(  # the count is FIGURE (see there), a whole number below 100
    rf"{FIGURE}\s+{NUM}[- ](hour|minute)s?\s+(?:[a-z]+\s+){{0,2}}?{SITTING}"
)
# "two field days of about 5 hours each": a count of sittings, and the length of each.
SITTINGS_EACH = FigurePattern(
    rf"{FIGURE}\s+(?:[a-z]+\s+){{0,2}}?(?:days?\b|{SITTING})\s+of\s+"
    rf"(?:about\s+|around\s+|roughly\s+|approx\.?\s+|approximately\s+)?"
    rf"{NUM}[- ]?(hour|hr|minute|min)s?\s+each\b"
)
RECURRING_AFTER = re.compile(  # used with `match` from a position (where `^` would not match)
    r"[^.;\n]{0,25}?\b(?:(?:per|a|an|each|every)\s+(?:week|month|day|year)|weekly|monthly|daily)\b"
)


def sittings_total(text: str) -> Found | None:
    """The total of the first SITTINGS match that does not recur ("per week"), or None."""
    matches = list(SITTINGS.finditer(text))
    if " each" in text:
        matches = sorted([*matches, *SITTINGS_EACH.finditer(text)], key=lambda m: m.start())
    for match in matches:
        if RECURRING_AFTER.match(text, match.end()) or not _effort_context_ok(text, *match.span()):
            continue
        count, length, unit = float(match.group(1)), float(match.group(2)), match.group(3)
        if 0 < count < 100 and count.is_integer():
            total = count * (length if unit in ("hour", "hr") else length / 60)
            return Found(total, total, *match.span())
    return None
