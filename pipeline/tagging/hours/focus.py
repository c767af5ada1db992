"""A long text cut down to the parts near words of effort and time, where the expensive
patterns then run."""

from __future__ import annotations

import re

from pipeline.tagging.text import WordFinder, merge_spans, word_char_at

# Where effort can be stated: the expensive patterns only run near these words.
HINTS = (
    "hour",
    "hrs",
    "hr ",
    "hr.",
    "minute",
    "mins",
    "week",
    "wk",
    "month",
    "semester",
    "summer",
    "quarter",
    "full-time",
    "full time",
    "fulltime",
    " day",
    # other languages
    *("monat", "mois", "meses", "woche", "semaine", "semana", "vollzeit", "temps plein"),
)
WINDOW = 120
SHORT_TEXT = 300


# Where the hints start, and every digit followed by "h" (the "5h" of a figure of hours): one
# pass over the text finds them all, overlapping ones included (an Aho-Corasick automaton), in
# half the time of a pattern per first letter and a substring search per other hint.
HINT_FINDER = WordFinder([*HINTS, *(f"{digit}h" for digit in "0123456789")])
# "5h" with any Unicode digit, as `\dh\b` matches, the digit just before the match: written to
# start with the "h" (then the lookbehind checks the digit), the regex engine skips from "h" to
# "h" rather than testing every character for a digit.
DIGIT_H = re.compile(r"h(?<=\dh)\b")


def _spans(lower: str, length: int) -> list[list[int]]:
    """The parts of a text of `length` characters within WINDOW characters of a hint or a "5h"
    in `lower`, the text lowercased, as `[start, end]` in order."""
    return merge_spans(_hint_points(lower), WINDOW, length)


def _hint_points(lower: str) -> list[int]:
    r"""Where each hint starts in `lower`, and the digit of each "5h" (`\dh\b`)."""
    found = HINT_FINDER.find(lower)
    hints = len(HINTS)
    if lower.isascii():  # a "5h" found is one when a word ends there, as `\b` tests
        return [at for hint, at, end in found if hint < hints or not word_char_at(lower, end)]
    # the digits `\d` matches are not only 0-9
    points = [at for hint, at, _ in found if hint < hints]
    return points + [match.start() - 1 for match in DIGIT_H.finditer(lower)]


def _focus_lower(text: str, lower: str | None = None) -> str:
    """A long text cut down to the snippets around words of effort and time, joined by " | ",
    lower case (cut from the lowercased text when that is the same: ASCII, which lowercases
    letter by letter). `lower`: the text lower-cased, where the caller has it."""
    lower = text.lower() if lower is None else lower
    if len(text) <= SHORT_TEXT:
        return lower
    spans = _spans(lower, len(text))
    if len(spans) == 1:  # most texts: the part itself, as the join of one part
        start, end = spans[0]
        return lower[start:end] if text.isascii() else text[start:end].lower()
    if text.isascii():
        return " | ".join(lower[a:b] for a, b in spans)
    return " | ".join(text[a:b] for a, b in spans).lower()
