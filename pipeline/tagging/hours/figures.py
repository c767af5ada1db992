"""Figures of effort: number words as digits, the patterns of a figure or a range of hours,
what a figure found is (`Found`) and the estimate made of them (`Hours`), and the words around a
figure that say it is not effort.

Number words are read as digits ("fifteen hours", "twenty to thirty hours"). Numbers that are not
effort are ignored: "team of 40", "24-hour support", "respond within 48 hours", time zones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from pipeline.tagging.text import WordFinder, word_char_at


class Endings:
    """Words one of which a text may end with: `end(text)` is `text.endswith(words)`, trying only
    the words that end with the text's last character (`endswith` tries a tuple word by word)."""

    def __init__(self, words: tuple[str, ...]) -> None:
        by_last: dict[str, list[str]] = {}
        for word in words:
            by_last.setdefault(word[-1], []).append(word)
        self.by_last = {last: tuple(ending) for last, ending in by_last.items()}

    def end(self, text: str) -> bool:
        return text.endswith(self.by_last.get(text[-1:], ()))


_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORDS = (
    {word: n for n, word in enumerate(_UNITS)}
    | {word: 20 + 10 * i for i, word in enumerate(_TENS)}
    | {"a dozen": 12, "half a dozen": 6, "a hundred": 100, "one hundred": 100}
)
WORD_NUMBER = re.compile(
    r"\b(half a dozen|a dozen|a hundred|one hundred|(?:"
    + "|".join(_TENS)
    + r")(?:[- ](?:"
    + "|".join(_UNITS[1:10])
    + r"))?|"
    + "|".join(_UNITS)
    + r")\b"
)
# Every WORD_NUMBER match starts with one of these, or with "a " or "half a " before "dozen" or
# "hundred": found in one pass (an Aho-Corasick automaton, overlapping ones too), they give every
# place where WORD_NUMBER can match, and it is tried only there.
NUMBER_WORD_PARTS = (*_UNITS[:13], "thirt", "fift", "twent", "forty", "dozen", "hundred")
NUMBER_WORD_PART_FINDER = WordFinder(list(NUMBER_WORD_PARTS))
# How far before a part its number word can start: "half a dozen", "a dozen", "a hundred".
NUMBER_WORD_LEAD_INS = {
    NUMBER_WORD_PARTS.index("dozen"): (0, 2, 7),
    NUMBER_WORD_PARTS.index("hundred"): (0, 2),
}

NUM = r"(\d{1,4}(?:\.\d+)?)"
# "8h–12h", "8 hrs - 12 hrs": a unit may follow the first figure where a dash follows it.
UNIT_BEFORE_DASH = r"(?:\s*(?:hours?|hrs?|h)(?=\s*[-–—]))?"
RANGE = rf"{NUM}{UNIT_BEFORE_DASH}(?:\s*(?:-|–|—|to|or)\s*{NUM})?"
# `(?<![\d.,$£€/])NUM`, a figure not glued to another figure or a price, written to start with the
# digit (the lookbehind then checks the character before it): a pattern that starts with `\d`
# lets the regex engine skip from digit to digit, one that starts with a lookbehind is tried at
# every position. The other digits are possessive (`+`): giving one back cannot lead to a match,
# as what follows FIGURE in every pattern does not start with a digit.
FIGURE_START = r"(\d(?<![\d.,$£€/*×x]\d)"  # its first digit, and the lookbehind
FIGURE = rf"{FIGURE_START}\d{{0,3}}+(?:\.\d+)?)"
# FIGURE_START for ASCII texts, where `\d` and `[0-9]` match the same characters: the regex
# engine skips to a `[0-9]` faster than to a `\d` (any Unicode digit).
ASCII_FIGURE_START = FIGURE_START.replace(r"(\d", "([0-9]", 1)
FIGURE_RANGE = rf"{FIGURE}{UNIT_BEFORE_DASH}(?:\s*(?:-|–|—|to|or)\s*{NUM})?"  # as RANGE
# What comes after the first figure of a FIGURE_RANGE and spaces where hours follow it: the "h"
# of the unit, a dash or the "to" or "or" of a range (FigurePattern's `next_chars`).
HOURS_RANGE_NEXT = "-–—hto"


class FigurePattern:
    """A pattern that starts with FIGURE, compiled twice: as it is, and for ASCII texts with
    ASCII_FIGURE_START instead of FIGURE_START, the same there, which the regex engine finds
    faster.

    `next_chars`: where every match goes on after the figure's digits (and point) and any
    spaces with one of these characters, a lookahead after the first digit says so. That is
    a condition every match meets, so the matches are the same; but the engine tries the
    pattern at every figure of a text ("2012", "24/7", "9am"), and this turns most of them
    down in a few steps rather than after trying each alternative the pattern has."""

    def __init__(self, pattern: str, next_chars: str = "") -> None:
        if not pattern.startswith(FIGURE):
            raise ValueError(f"does not start with FIGURE: {pattern}")
        # possessive: digits and points, spaces and `next_chars` have no character in common
        ahead = rf"(?=[\d.]*+\s*+[{next_chars}])" if next_chars else ""
        rest = pattern.removeprefix(FIGURE_START)
        self.any_text = re.compile(FIGURE_START + ahead + rest)
        self.ascii_text = re.compile(ASCII_FIGURE_START + ahead + rest)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return (self.ascii_text if text.isascii() else self.any_text).finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        return (self.ascii_text if text.isascii() else self.any_text).search(text)


HOURS = r"(?:hours?|hrs?\.?|h)\b"
PER_WEEK = (
    r"\s*(?:per|a|/|each|every|an?)\s*(?:week|wk)\b|\s*weekly\b|\s*(?:hrs?|hours)?/wk\b"
    r"|\s*p/?w\b"  # "4 hrs p/w"
    r"|\s*(?:pro woche|par semaine|por semana|a la semana|per settimana|per tydzień)"
    r"|\s*(?:work(?:ing)?\s*)?week\b"  # "a 40-hour week", "a 36-hour working week"
)
PER_DAY = r"\s*(?:per|a|/|each|every)\s*day\b|\s*daily\b"
BOUND = r"(?:up to|no more than|not more than|at most|maximum(?: of)?|max\.?|a maximum of)"
# Matched from the end of a figure (with `match`, where `^` would not match), up to 24 characters
# on. The spaces are possessive: no alternative starts with a space or a dash.
NOT_EFFORT_AFTER = re.compile(
    r"\s*+-?\s*+(?:on-?call|support|service|coverage|access|shifts?|notice|turnaround|"
    r"response|cycle|format|clock|operation|rotation|hackathon|window|days?|overlap|difference|"
    r"time difference|ahead|behind|sla|resolution|"
    r"(?:case |design |coding )?sprint|to (?:submit|respond|reply|turn in|hand in)"
    r"|[ap]\.?m|:\d\d)\b"  # a time of day: "hours: 9am-5pm"
)
# Just before a figure, then spaces: `text.rstrip().endswith(NOT_EFFORT_BEFORE)` is a regex search
# of `(?:within|every|...)\s*$` without trying every position (none of these ends with a space).
NOT_EFFORT_BEFORE = (
    *("within", "every", "in under", "in less than", "per", "/", "$", "£", "€"),
    "based on",  # "salary pro rata, based on 40 hours"
    *("+/-", "±", " utc", " gmt", " cet", "timezone", "time zone"),  # an offset of time zones
    *(" have", " has", " given", " get", " gets"),  # "teams have 48 hours to build": a window
    *("<", ">", "≤", "≥", " drive", " drives of", " driving", " commute", " flight"),
    # hours worked, logged or earned before: a threshold, a record or an accrual, not the work
    *(" after", " completed", " logged", " accrue", " accrues", " accrued", " earn", " earns"),
    # "saves teams 10 hours", "from 48 hours to 2": a time saved or cut, not the work
    *(" save", " saves", " saved", " from", " hours to", " hrs to", " days to"),
)
NOT_EFFORT_BEFORE_ENDINGS = Endings(NOT_EFFORT_BEFORE)
DIGIT = re.compile(r"\d")  # any digit, as `\d` matches: every figure has one
ASCII_DIGITS = "0123456789"


def has_digit(text: str) -> bool:
    """Whether `text` holds a digit (`DIGIT.search(text)`): a substring test for each of 0-9
    costs about one instruction a character where the regex costs dozens, and a digit other
    than 0-9 (which `\\d` matches too) can only be in a text that is not ASCII."""
    for digit in ASCII_DIGITS:
        if digit in text:
            return True
    return not text.isascii() and DIGIT.search(text) is not None


class Hours(NamedTuple):
    total_min: float | None = None
    total_max: float | None = None
    per_week_min: float | None = None
    per_week_max: float | None = None
    duration_weeks: float | None = None
    evidence: str | None = None  # the words the total came from (EVIDENCE_CHARS at most)
    full_time_total: bool = False  # the total is "full-time" (40 hours a week) over a period

    @property
    def known(self) -> bool:
        return self.total_max is not None


class Found(NamedTuple):
    """A figure found in a text: its range, and where its words are."""

    low: float
    high: float
    start: int
    end: int


EVIDENCE_CHARS = 120


def snippet(text: str, start: int, end: int, limit: int = EVIDENCE_CHARS) -> str:
    """The words of `text[start:end]` with some context, cut at the snippet joins (" | ") and
    line ends of a focused text, at most `limit` characters. (Bounds are clamped by comparisons:
    a call of `max` or `min` costs several times as much, and this runs for every estimate.)"""
    room = (limit - (end - start)) // 2
    if room < 0:
        room = 0
    length = len(text)
    left = start - room if start > room else 0
    right = end + room if end + room < length else length
    bar = text.rfind(" | ", left, start)  # at or after `left`, if found
    line = text.rfind("\n", left, start) + 1
    if bar != -1:
        left = bar + 3
    if line > left:
        left = line
    for mark in (" | ", "\n"):
        cut = text.find(mark, end, right)
        right = cut if cut != -1 else right
    words = text[left:right]
    if left > 0 and not text[left - 1].isspace() and " " in words[: start - left]:
        words = words[words.index(" ") + 1 :]  # a word cut at the left
    if right < length and not text[right].isspace() and " " in words[end - left :]:
        words = words[: words.rindex(" ")]
    if "\n" in words or "  " in words or "\t" in words:
        words = " ".join(words.split())
    return words.strip()[:limit]


def _number(match: re.Match[str]) -> str:
    words = match.group(0).lower().replace("-", " ").split()
    key = " ".join(words)
    if key in NUMBER_WORDS:
        return str(NUMBER_WORDS[key])
    return str(sum(NUMBER_WORDS[w] for w in words))


def words_to_digits(text: str) -> str:
    """ "fifteen hours" -> "15 hours", "twenty-five" -> "25": `WORD_NUMBER.sub(_number, text)`,
    trying WORD_NUMBER only where a number word can start."""
    parts = NUMBER_WORD_PART_FINDER.find(text)
    return digits_at(text, parts) if parts else text


def digits_at(text: str, parts: list[tuple[int, int, int]]) -> str:
    """`words_to_digits(text)`, from the NUMBER_WORD_PARTS found in `text` (as `(index of the
    part, start, end)`, as NUMBER_WORD_PART_FINDER finds them)."""
    lead_ins = NUMBER_WORD_LEAD_INS
    starts = sorted(
        {at - back for part, at, _ in parts for back in lead_ins.get(part, (0,)) if at >= back}
    )
    pieces = []
    last = 0
    for at in starts:
        if at < last or word_char_at(text, at - 1):  # inside the last one, or mid-word
            continue
        match = WORD_NUMBER.match(text, at)
        if match:
            pieces += (text[last:at], _number(match))
            last = match.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _pair(low: str, high: str | None) -> tuple[float, float]:
    a = float(low)
    b = float(high) if high else a
    return (a, b) if a <= b else (b, a)


def _effort_context_ok(text: str, start: int, end: int) -> bool:
    before = text[start - 16 if start > 16 else 0 : start].rstrip()
    return not NOT_EFFORT_BEFORE_ENDINGS.end(before) and not NOT_EFFORT_AFTER.match(
        text, end, end + 24
    )
