"""Estimated effort in hours, from structured data and text.

`parse_hours(texts)` returns an `Hours` estimate: the TOTAL hours for the whole opportunity
(`total_min`/`total_max`), the weekly hours (`per_week_min`/`per_week_max`) and the duration in
weeks where stated. Texts are read in priority order (structured hours first, then the title, then
the description); the first text that states a total wins.

Understood: ranges ("10-15 hours", "8–12 hrs", "10 to 15 hours"), labels ("Estimated hours: 10-15",
"Time commitment: 8 hours"), approximations ("approx. 20 hrs", "~15h", "about 12 hours"), number
words ("fifteen hours", "twenty to thirty hours"), bounds ("up to 30 hours", "no more than 4
hours", "maximum 40 hours/week"), "a 40-hour project", minutes for short tasks ("90 minutes"), and
weekly hours times a period ("2-3 hours per week over 4 weeks" = 8-12; a month is 4.33 weeks, a
semester 15, a summer 10; "full-time" with a period is 40 hours a week). Also "between 10 and 15
hours", sittings counted ("three 2-hour sessions", "two field days of about 5 hours each"), daily
figures over weeks ("30 minutes a day, Monday to Friday, for two weeks") and a period named without
a count ("for a month"). Weekly hours without a period give no total, and so does a permanent job
(a permanent contract, paid time off, a 401(k): the periods it names are not its length). Numbers
that are not effort are ignored: "team of 40", "24-hour support", "$25 per hour", "respond within
48 hours", "9am-5pm", years, ages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from ahocorasick_rs import AhoCorasick

from pipeline.tagging.text import holds_any, merge_spans, search_word, tidy_number, word_char_at

WEEKS_PER = {"month": 4.33, "semester": 15.0, "summer": 10.0, "quarter": 13.0, "week": 1.0}
FULL_TIME_WEEKLY = 40.0
MAX_TOTAL_HOURS = 4500.0  # two years full-time and some
MAX_WEEKLY_HOURS = 80.0


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
NUMBER_WORD_PART_FINDER = AhoCorasick(list(NUMBER_WORD_PARTS))
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
FIGURE = r"(\d(?<![\d.,$£€/*×x]\d)\d{0,3}+(?:\.\d+)?)"
# FIGURE for ASCII texts, where `\d` and `[0-9]` match the same characters: the regex engine
# skips to a `[0-9]` faster than to a `\d` (any Unicode digit).
ASCII_FIGURE = FIGURE.replace(r"(\d", "([0-9]", 1)
FIGURE_RANGE = rf"{FIGURE}{UNIT_BEFORE_DASH}(?:\s*(?:-|–|—|to|or)\s*{NUM})?"  # as RANGE


class FigurePattern:
    """A pattern that starts with FIGURE, compiled twice: as it is, and for ASCII texts with
    ASCII_FIGURE instead, the same there, which the regex engine finds faster."""

    def __init__(self, pattern: str) -> None:
        if not pattern.startswith(FIGURE):
            raise ValueError(f"does not start with FIGURE: {pattern}")
        self.any_text = re.compile(pattern)
        self.ascii_text = re.compile(ASCII_FIGURE + pattern.removeprefix(FIGURE))

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
NOT_EFFORT_AFTER = re.compile(
    r"^\s*-?\s*(?:on-?call|support|service|coverage|access|shifts?|notice|turnaround|"
    r"response|cycle|format|clock|operation|rotation|hackathon|window|days?|overlap|difference|"
    r"time difference|ahead|behind|sla|resolution|"
    r"(?:case |design |coding )?sprint|to (?:submit|respond|reply|turn in|hand in))\b"
)
# Just before a figure, then spaces: `text.rstrip().endswith(NOT_EFFORT_BEFORE)` is a regex search
# of `(?:within|every|...)\s*$` without trying every position (none of these ends with a space).
NOT_EFFORT_BEFORE = (
    *("within", "every", "in under", "in less than", "per", "/", "$", "£", "€"),
    "based on",  # "salary pro rata, based on 40 hours"
    *("+/-", "±", " utc", " gmt", " cet", "timezone", "time zone"),  # an offset of time zones
    *(" have", " has", " given", " get", " gets"),  # "teams have 48 hours to build": a window
    *("<", ">", "≤", "≥", " drive", " drives of", " driving", " commute", " flight"),
)

# Starts with the figure so the regex engine can skip to digits; a "~" before it is added back
# by `_total_start`.
TOTAL = FigurePattern(rf"{FIGURE_RANGE}\s*-?\s*{HOURS}")
TILDE_BEFORE = re.compile(r"(?<![\d.,$£€/])~\s*$")
LABELLED = re.compile(  # "Estimated hours: 10-15", not "5-8 hours: one morning shoot"
    rf"(?<![\d–-]\s)(?<![\d–-])\b(?:estimated|expected|approximate|total)?\s*(?:hours?|"
    rf"time commitment|"
    rf"time required|effort|workload|commitment)\s*(?:needed|required|estimate)?\s*:\s*"
    rf"(?:about |approx\.? |approximately |~\s*|{BOUND}\s*)?{RANGE}\s*(?:{HOURS})?"
)
WEEKLY = re.compile(rf"(?<![\d.,$£€/])({BOUND}\s*)?{RANGE}\s*-?\s*{HOURS}\.?(?:{PER_WEEK})")
# WEEKLY where no BOUND can match: the same matches, from the figure on (see FIGURE).
WEEKLY_FIGURES = FigurePattern(rf"{FIGURE_RANGE}\s*-?\s*{HOURS}\.?(?:{PER_WEEK})")
BOUND_PARTS = ("up to", "more than", "at most", "max")  # one is in every BOUND
SHIFT_WORDS = ("shift", "show", "session", "block", "slot", "visit")  # one is in every SHIFTS
SHIFTS = re.compile(
    rf"(?<![\d.,$£€/])(?:(\d+)|an?)\s+{NUM}[- ]hours?\s+(?:[a-z]+\s+){{0,2}}?(?:shifts?|shows?|"
    r"sessions?|blocks?|slots?|visits?)\s+(?:per|a|each|every)\s+week\b"
)
DAILY = FigurePattern(
    rf"{FIGURE_RANGE}\s*{HOURS}(?:{PER_DAY})\s*(?:for|over)\s+"
    rf"{NUM}\s*days?\b"
)
# "30-45 minutes a day, Monday to Friday, for two weeks" (number words already digits): a daily
# figure, in hours or minutes, times the days of a number of weeks.
DAILY_FOR_WEEKS = FigurePattern(
    rf"{FIGURE_RANGE}\s*(?:{HOURS}|(minutes?|mins?)\b)(?:{PER_DAY})([^.;\n]{{0,40}}?)"
    rf"\b(?:for|over)\s+{NUM}\s*weeks?\b"
)
WEEKDAYS = re.compile(r"monday to friday|mon-fri|weekdays?\b|business days?\b|working days?\b")
MINUTES = re.compile(
    rf"(?:takes?(?: (?:most|many|the average|a typical) [a-z]+)?|about|approximately|approx\.?|"
    rf"around|roughly|only|just|estimated|self[- ]paced|~)"
    rf"\s*{RANGE}\s*(?:-\s*)?(?:minutes|mins?)\b(?!\s+each)|\b{NUM}[- ]minute\s+(?:task|project|"
    r"simulation|module|exercise|activity|assignment|challenge)"
)
# "episodes run about 45 minutes": the length of a recording or a meeting, not the effort.
MEDIA_BEFORE = re.compile(
    r"(?:episodes?|videos?|films?|clips?|recordings?|podcasts?|calls?|meetings?|interviews?|"
    r"presentations?|talks?|pitch(?:es)?)\s+(?:runs?|lasts?|are|is)?\s*$"
)
BARE_MINUTES = re.compile(rf"^\s*{RANGE}\s*(?:minutes|mins?)\b")
# Weeks and months in the languages real boards use, and years of a contract ("a 1-year
# contract"; a year alone is too often an age or experience).
DURATION_UNIT = (
    r"(weeks?|wks?|months?|monate?n?|mois|meses|mesi|miesi[ęe]cy|wochen|semaines|semanas"
    r"|settimane|years?(?=[- ](?:contract(?:or|ual)?|role|position|program(?:me)?|appointment"
    r"|assignment|term|fellowship|internship|placement|engagement)\b))\b"
)
DURATION_RANGE = r"(?:\s*(?:-|–|to|à|bis)\s*"
DURATION_UNIT_WORDS = (
    *("week", "wk", "month", "monat", "mois", "mes", "mesi", "miesi", "wochen", "semaine"),
    *("semana", "settiman", "year"),
)  # one is in every DURATION_UNIT match
DURATION = re.compile(
    rf"(?<![\d.,$£€/]){NUM}{DURATION_RANGE}{NUM})?(?:-|\s*){DURATION_UNIT}"
    r"|\b(?:for|over|during|across|throughout|this|next|one|a|the|of|all)\s+"
    r"(?:(?:fall|spring|winter|summer|academic|full|entire|whole)[\s-]+){0,2}"
    r"(semester|summer|quarter)\b"
    r"|\b(summer|semester)[- ](?:internship|program|programme|placement|fellowship"
    r"|position|role|term|session)\b"
    r"|\b(?:fall|spring|winter|autumn)[- ](semester)\b"  # "spring semester", "spring-semester"
)
# One of these is in every match of DURATION's second and third alternatives...
PERIOD_WORDS = ("semester", "summer", "quarter")
# ... so in a text without them only the first can match, "week" or "month" in it: this pattern
# (see FIGURE).
DURATION_FIGURES = FigurePattern(rf"{FIGURE}{DURATION_RANGE}{NUM})?(?:-|\s*){DURATION_UNIT}")
# "for a month", "over a week": a period named without a count, read when no other is stated.
A_PERIOD = re.compile(  # by `search_word`, which checks the word boundary before it
    r"(?:for|over|across|during|throughout)\s+a\s+(?:full\s+|whole\s+|single\s+)?(month|week)\b"
)
A_PERIOD_WORDS = ("a month", "a week", "a full", "a whole", "a single")  # one is in every match
FOR_BEFORE = re.compile(r"\b(?:for|over)\s*$")  # "for 12 weeks before opening night" is a duration
NOT_DURATION_BEFORE = re.compile(
    r"(?:due|due in|due within|within|in the next|next|every|each|per|last|past|after|first|"
    r"notice of|up to|(?:in|within) (?:just|only|under|less than)|\bquarter)\s*$"
)
NOT_DURATION_AFTER = re.compile(  # a past time, a notice, a term of employment, a rotation
    r"^\s*(?:ago|notice|later|before|after|in advance|of notice|in \d"
    r"|(?:of\s+)?(?:(?:fully|paid|unpaid|parental|maternity|paternity|family|sick|annual|gender"
    r"[- ]neutral|compassionate|bereavement|caregiv(?:er|ing)|primary|secondary)\s+){0,3}"
    r"(?:sabbatical|vacation|holidays?|leave|probation|probationary|trial period|pto"
    r"|paid time off|notice)"
    r"|of\s+(?:fully\s+)?(?:paid|unpaid)\b"  # "6 weeks of paid and 6 of unpaid leave"
    r"|of\s+(?:[a-z-]+\s+){0,2}?(?:data|history|records|logs|footage|experience|training"
    r"|onboarding|transactions)"
    r"|(?:on-?call )?(?:sprints?|rotation(?:s|al)?|cycles?|iterations?))\b"
    r"|^\s*,\s*(?:you|we)\b"  # "one week, you might be preparing reports": a time of the job
)
FULL_TIME = re.compile(  # not "full-time students", nor other people's jobs ("full-time analysts")
    r"(?:(?<![a-z])full[- _]?time(?![a-z])|vollzeit|temps plein|tiempo completo|tempo integral)"
    r"(?!\s+(?:students?|analysts?|employees?|staff|colleagues|hires?|offers?|team\b|education"
    r"|study|studies|degree|enrolment|enrollment|(?:[a-z-]+ )?(?:engineers|developers|designers"
    r"|researchers|scientists|people|workers|members|teammates|professionals|specialists"
    r"|managers|team|employees|staff)\b))"
)
# "3 days per week": a part of the week, so "full-time" does not make it 40 hours (but "3 days a
# week in the office" is where, not how much).
PART_WEEK_DAYS = re.compile(
    r"[1-4](?<![\w.][1-4])(?:\s*(?:-|–|to|or)\s*[1-4])?\s+(?:working\s+|work\s+)?days?\s*(?:a|per|each|/)\s*"
    r"week\b(?!\s*(?:(?:in|at|from)\s+(?:the|our|an?)?\s*(?:office|hq|studio|site|person|home)"
    r"|in-person|on-?site|remote))"
)


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
HINT_FINDER = AhoCorasick([*HINTS, *(f"{digit}h" for digit in "0123456789")])
DIGIT_H = re.compile(r"\dh\b")
DIGIT = re.compile(r"\d")  # "5h" with any Unicode digit, as `\d` matches


def _spans(lower: str, length: int) -> list[list[int]]:
    """The parts of a text of `length` characters within WINDOW characters of a hint or a "5h"
    in `lower`, the text lowercased, as `[start, end]` in order."""
    return merge_spans(_hint_points(lower), WINDOW, length)


def _hint_points(lower: str) -> list[int]:
    r"""Where each hint starts in `lower`, and the digit of each "5h" (`\dh\b`)."""
    found = HINT_FINDER.find_matches_as_indexes(lower, overlapping=True)
    hints = len(HINTS)
    if lower.isascii():  # a "5h" found is one when a word ends there, as `\b` tests
        return [at for hint, at, end in found if hint < hints or not word_char_at(lower, end)]
    # the digits `\d` matches are not only 0-9
    points = [at for hint, at, _ in found if hint < hints]
    return points + [match.start() for match in DIGIT_H.finditer(lower)]


def _focus_lower(text: str) -> str:
    """A long text cut down to the snippets around words of effort and time, joined by " | ",
    lower case (cut from the lowercased text when that is the same: ASCII, which lowercases
    letter by letter)."""
    lower = text.lower()
    if len(text) <= SHORT_TEXT:
        return lower
    spans = _spans(lower, len(text))
    if text.isascii():
        return " | ".join(lower[a:b] for a, b in spans)
    return " | ".join(text[a:b] for a, b in spans).lower()


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
    line ends of a focused text, at most `limit` characters."""
    room = max(0, (limit - (end - start)) // 2)
    left, right = max(0, start - room), min(len(text), end + room)
    bar = text.rfind(" | ", left, start)
    left = max(left, bar + 3 if bar != -1 else 0, text.rfind("\n", left, start) + 1)
    for mark in (" | ", "\n"):
        cut = text.find(mark, end, right)
        right = cut if cut != -1 else right
    words = text[left:right]
    if left > 0 and not text[left - 1].isspace() and " " in words[: start - left]:
        words = words[words.index(" ") + 1 :]  # a word cut at the left
    if right < len(text) and not text[right].isspace() and " " in words[end - left :]:
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
    parts = NUMBER_WORD_PART_FINDER.find_matches_as_indexes(text, overlapping=True)
    if not parts:
        return text
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
    before = text[max(0, start - 16) : start]
    after = text[end : end + 24]
    return not before.rstrip().endswith(NOT_EFFORT_BEFORE) and not NOT_EFFORT_AFTER.match(after)


def _total_start(text: str, start: int) -> int:
    """Where a TOTAL figure starts, counting an "approximately" tilde just before it."""
    if start and "~" in text[max(0, start - 8) : start]:
        tilde = TILDE_BEFORE.search(text, max(0, start - 8), start)
        if tilde:
            return tilde.start()
    return start


# Words around a figure that say it is (or is not) the effort of the whole opportunity.
EFFORT_AFTER = re.compile(
    r"^\s*(?:of (?:work|effort|paid work|writing|research|analysis|design|editing)|in total|total"
    r"|over|spread over|across|to complete|for the (?:whole |entire )?project|of your time|max"
    r"|(?:-|–)?\s*(?:project|engagement|commitment|assignment|micro))"
)
# "between 10 and" just before a figure of hours: the range's lower end.
BETWEEN_BEFORE = re.compile(r"\bbetween\s+(\d{1,4}(?:\.\d+)?)\s+and\s*$")
# Just before the figure, then spaces (as NOT_EFFORT_BEFORE).
EFFORT_BEFORE = (
    "about",
    "around",
    "approx",
    "approx.",
    "approximately",
    "roughly",
    "estimated",
    "up to",
    "no more than",
    "at most",
    "maximum",
    "maximum of",
    "~",
    "take",
    "takes",
    "require",
    "requires",
    "commitment",
    "commitment:",
    "expect",
    "total of",
    "budget",
    "budgeted",
    "budget for",
    "budgeted for",
    "plan on",
    "plan for",
    "allow",
    "allot",
    "estimate",
    "invest",
    "invest roughly",
    "invest about",
    "a",
    "an",
)
OTHER_AFTER = re.compile(
    r"^\s*(?:(?:a|per|each|every)\s+(?:month|year|quarter|semester)|monthly|annually|ago|"
    r"saved|of (?:[a-z]+ )?(?:footage|video|audio|recordings?|interviews?|content|data|calls?|tape|"
    r"music)"
    r"|later|earlier|before|after|in advance"
    r"|of (?:[a-z/-]+ ){0,2}?(?:notice|training|orientation|overlap|travel|driving|leave)"
    r"|[^.;\n]{0,40}?\b(?:annually|per year|a year|each year|every year)"
    r"|(?:time )?differences?)\b"
)
# Parts of the work that are not the whole of it, and the words that may come between one and
# its figure ("the kickoff call is about 1 hour").
SUB_TASKS = (
    *("training", "orientation", "onboarding", "kickoff", "kick-off", "meeting", "call"),
    *("check-in", "session", "webinar", "workshop", "shift", "visit"),
)
SUB_TASK_LINKS = ("of", "takes?", "lasts?", "is", "are", "will take", ":")
SUB_TASK_QUALIFIERS = ("about", "around", "only")
SUB_TASK_BEFORE = re.compile(
    rf"(?:{'|'.join(SUB_TASKS)})s?\s+(?:{'|'.join(SUB_TASK_LINKS)})?\s*"
    rf"(?:{'|'.join(SUB_TASK_QUALIFIERS)})?\s*$"
)
# A text where SUB_TASK_BEFORE matches ends with one of these, then spaces: its last word.
SUB_TASK_BEFORE_ENDS = (
    *SUB_TASKS,
    *(f"{task}s" for task in SUB_TASKS),
    *(link.replace("s?", "") for link in SUB_TASK_LINKS),
    *(link.replace("?", "") for link in SUB_TASK_LINKS if link.endswith("s?")),
    *SUB_TASK_QUALIFIERS,
)
SUB_TASK_AFTER = re.compile(
    r"^\s*-?\s*(?:(?:[a-z]+\s+){0,2}?(?:training|orientation|onboarding|kickoff|kick-off|meeting|"
    r"call|check-in|interview|onsite|session|webinar|workshop|shift|show|visit|mill|facility|hotline|"
    r"store|center|centre|station|clinic|desk|line|drive|flight|trip)s?)\b"
)


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
EACH_AFTER = re.compile(r"\s*each\b")  # "5 hours each": per sitting or item, not the total
RECURRING_AFTER = re.compile(  # used with `match` from a position (where `^` would not match)
    r"[^.;\n]{0,25}?\b(?:(?:per|a|an|each|every)\s+(?:week|month|day|year)|weekly|monthly|daily)\b"
)


# A LABELLED match has a colon that comes after one of LABEL_ENDS and spaces, only letters and
# spaces before it and only LABEL_TAIL characters after it.
LABEL_ENDS = ("hour", "hours", "commitment", "required", "effort", "workload", "needed", "estimate")
LABEL_HEAD_REVERSED = re.compile(r"[a-z\s]*")
LABEL_TAIL = re.compile(r"[\s\d.~a-z–—-]*")


def _label_span(text: str) -> tuple[int, int] | None:
    """The part of `text` where LABELLED can match (as `pos, endpos`), or None: from the letters
    and spaces before the first colon after a label end to the LABEL_TAIL after the last one, and
    the character after that (which a word boundary at the end of a match looks at)."""
    first = last = -1
    at = text.find(":")
    while at != -1:
        if text[:at].rstrip().endswith(LABEL_ENDS):
            first = at if first == -1 else first
            last = at
        at = text.find(":", at + 1)
    if first == -1:
        return None
    start = first - LABEL_HEAD_REVERSED.match(text[first - 1 :: -1]).end()
    return start, min(len(text), LABEL_TAIL.match(text, last + 1).end() + 1)


def _total_candidates(text: str, body: bool) -> list[tuple[int, int, tuple[float, float], int]]:
    """Every figure of hours that may be the total, as `(score, position, (low, high), end)`.
    In a description (`body`), a figure alone in brackets after a name is that thing's length
    ("Cultural fit (1h)", "Critical (48 hours)")."""
    found = []
    span = _label_span(text)
    for match in LABELLED.finditer(text, *span) if span else ():
        start, end = match.span()
        if _effort_context_ok(text, start, end) and not _is_weekly_after(text, end):
            found.append((3, start, _pair(match.group(1), match.group(2)), end))
    for match in TOTAL.finditer(text):
        end = match.end()
        if _is_weekly_after(text, end) or _is_rate_after(text, end):
            continue
        start = _total_start(text, match.start())
        if not _effort_context_ok(text, start, end):
            continue
        after, before = text[end : end + 40], text[max(0, start - 40) : start]
        if OTHER_AFTER.match(after) or (body and _item_length(text, start, end)):
            continue
        if HYPHEN_HOURS.fullmatch(text, start, end) and not EFFORT_NOUN_AFTER.match(after):
            continue  # "24-hour application logs": the length of something else
        stripped = before.rstrip()
        low, high = _pair(match.group(1), match.group(2))
        between = BETWEEN_BEFORE.search(before) if stripped.endswith("and") else None
        if between and match.group(2) is None:  # "between 10 and 15 hours"
            low, high = _pair(between.group(1), match.group(1))
            start = between.start()
            stripped = before[: between.start()].rstrip()
        score = 1 + bool(EFFORT_AFTER.match(after)) + stripped.endswith(EFFORT_BEFORE)
        sub_task_before = stripped.endswith(SUB_TASK_BEFORE_ENDS) and SUB_TASK_BEFORE.search(before)
        if sub_task_before or SUB_TASK_AFTER.match(after) or EACH_AFTER.match(after):
            score -= 2
        found.append((score, start, (low, high), end))
    return found


# "a 40-hour project" is effort; "24-hour application logs", "a 3-hour onsite" are not.
HYPHEN_HOURS = re.compile(r"~?\s*[\d.]+(?:\s*(?:-|–|—|to|or)\s*[\d.]+)?-(?:hour|hr|h)\b")
EFFORT_NOUN_AFTER = re.compile(
    r"\s*(?:[a-z-]+\s+){0,2}?(?:project|task|assignment|engagement|commitment|micro|internship"
    r"|contract|gig|job|role|position|program|programme|placement|week|month|total)"
)
EFFORT_WORD_BEFORE = re.compile(  # "about a day and a half (12 hours)" is the work's length
    r"(?:hours?|commitment|effort|time|total|estimated?|workload|days?|half|weeks?|months?"
    r"|morning|afternoon|evening|weekend|project|task|work|duration|length|scope|estimate)\s*$"
)


# "Operating principles & impact - 1 hour" alone on a line: a list of steps and their lengths.
LIST_ITEM = re.compile(r"[a-z&'’/ ]{2,60}?\s*[-–—:]\s*")
LINE_ENDS = ("\n", " | ")


def _item_length(text: str, start: int, end: int) -> bool:
    """Whether the figure at `text[start:end]` stands alone in brackets after a name that is not
    a word of effort ("Cultural fit (1h)", "Critical (48 hours)"), or ends a line that names
    something else before it ("Technical interview - 1 hour"): the length of a step, a meeting
    or a service level."""
    before = text[max(0, start - 40) : start].rstrip()
    if before.endswith("(") and text[end : end + 3].lstrip().startswith(")"):
        name = before[:-1].rstrip()
        return bool(name) and name[-1].isalpha() and not EFFORT_WORD_BEFORE.search(name)
    line_start = max(text.rfind(mark, 0, start) + len(mark) for mark in LINE_ENDS)
    rest = text[end : end + 4].rstrip(" .")
    if line_start <= 0 or (rest and not rest.startswith(LINE_ENDS[0]) and rest[:3] != " | "):
        return False
    item = LIST_ITEM.fullmatch(text, line_start, start)
    if item is None or len(item.group(0).split()) > 7:
        return False
    return not EFFORT_WORD_BEFORE.search(item.group(0).rstrip(" -–—:"))


def _may_hold_sittings(text: str) -> bool:
    """Whether SITTINGS_EACH may match (" each" is in it), or SITTINGS ("hour" or "minute" and
    one of SITTING_WORDS are)."""
    if " each" in text:
        return True
    return ("hour" in text or "minute" in text) and holds_any(text, SITTING_WORDS)


def _sittings_total(text: str) -> tuple[float, float] | None:
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


def find_total(text: str, body: bool = False) -> Found | None:
    """The total effort stated in `text` (not weekly, not a rate), or None. Of several figures,
    the one worded most like an estimate of the whole work wins; between equals, the first.
    Without one, a count of sittings ("three 2-hour sessions"), then minutes, give the total."""
    if DIGIT.search(text) is None:  # every total has a figure (number words are digits by now)
        return None
    match = DAILY.search(text) if "day" in text else None
    if match:
        low, high = _pair(match.group(1), match.group(2))
        days = float(match.group(3))
        return Found(low * days, high * days, *match.span())
    match = DAILY_FOR_WEEKS.search(text) if "day" in text and "week" in text else None
    if match:
        low, high = _pair(match.group(1), match.group(2))
        per_hour = 60.0 if match.group(3) else 1.0  # minutes
        days = float(match.group(5)) * (5 if WEEKDAYS.search(match.group(4)) else 7)
        return Found(low / per_hour * days, high / per_hour * days, *match.span())
    candidates = _total_candidates(text, body)
    if candidates:
        score, start, (low, high), end = max(candidates, key=lambda c: (c[0], -c[1]))
        if score > 0:
            return Found(low, high, start, end)
    sittings = _sittings_total(text) if _may_hold_sittings(text) else None
    if sittings:
        return sittings
    match = (MINUTES.search(text) or BARE_MINUTES.match(text)) if "min" in text else None
    if (
        match
        and not OTHER_AFTER.match(text[match.end() : match.end() + 40])
        and not MEDIA_BEFORE.search(text, max(0, match.start() - 30), match.start())
    ):
        low, high = match.group(1), match.group(2)
        if low is None:  # "a 30-minute task"
            low = match.group(3)
        low_h, high_h = _pair(low, high)
        return Found(low_h / 60, high_h / 60, *match.span())
    return None


LATER_PER_WEEK = re.compile(r"^[^.;,\n]{0,25}?\b(?:per|a|each|every)\s+(?:week|day)\b")
PER_WEEK_OR_DAY = re.compile(rf"\.?(?:{PER_WEEK}|{PER_DAY})")
RATE_AFTER = re.compile(r"\s*(?:per|an|a|/)\s*hour\b|\s*rate\b")


# One is in every match of the two above.
WEEK_WORDS = ("week", "wk", "woche", "semaine", "semana", "settimana", "tydzie")
WEEK_OR_DAY_WORDS = ("day", "daily", *WEEK_WORDS)


def _is_weekly_after(text: str, end: int) -> bool:
    after = text[end : end + 40]
    if not holds_any(after, WEEK_OR_DAY_WORDS):
        return False
    return bool(PER_WEEK_OR_DAY.match(after) or LATER_PER_WEEK.match(after))


def _is_rate_after(text: str, end: int) -> bool:
    return RATE_AFTER.match(text, end, end + 12) is not None


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


def find_weekly(text: str) -> Found | None:
    if DIGIT.search(text) is None:  # every weekly figure has one
        return None
    if not holds_any(text, WEEK_WORDS):  # every weekly pattern but SCHEDULE names the week
        return _schedule_weekly(text) if "fri" in text and "mon" in text else None
    # "three 12-hour shifts per week" = 36
    match = SHIFTS.search(text) if holds_any(text, SHIFT_WORDS) and "hour" in text else None
    if match:
        count = float(match.group(1) or 1)
        weekly = count * float(match.group(2))
        return Found(weekly, weekly, *match.span())
    pattern = WEEKLY if holds_any(text, BOUND_PARTS) else WEEKLY_FIGURES
    for match in pattern.finditer(text):
        if _effort_context_ok(text, *match.span()):
            low, high = _pair(*match.groups()[-2:])  # the range, after WEEKLY's BOUND
            most = WEEKLY_MOST_AFTER.match(text, match.end())
            if most and low == high and float(most.group(1)) > high:
                return Found(low, float(most.group(1)), match.start(), most.end())
            return Found(low, high, *match.span())
    match = FULL_DAYS.search(text) if "day" in text else None
    if match:
        weekly = float(match.group(1)) * FULL_DAY_HOURS
        return Found(weekly, weekly, *match.span())
    return _schedule_weekly(text) if "fri" in text and "mon" in text else None


MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
MONTH_INDEX = {
    name: i for i, name in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug"))
} | {"sep": 8, "oct": 9, "nov": 10, "dec": 11}
# "January through April", "mid-May to mid-August", "from June - August 2027": months of work.
MONTH_SPAN = re.compile(
    rf"\b((?:mid|early|late)[- ])?({MONTH_NAME})\.?(?:\s+\d{{4}})?\s*(?:through|thru|to|until"
    rf"|till|-|–|—)\s*((?:mid|early|late)[- ])?({MONTH_NAME})\b"
)
# One is in every MONTH_SPAN match ("may" too, but then the other month of the span is named).
MONTH_FULL_NAMES = (
    *("jan", "feb", "march", "april", "june", "july", "aug", "sep", "oct", "nov", "dec"),
    *("mid-may", "early may", "late may"),
)


def _weeks_per(unit: str) -> float:
    """Weeks in one of a DURATION_UNIT."""
    if unit.startswith("year"):
        return 12 * WEEKS_PER["month"]
    if unit.startswith(("w", "s")):  # weeks, wks, wochen, semaines, semanas, settimane
        return 1.0
    return WEEKS_PER["month"]


GRADUATION_BEFORE = re.compile(r"graduat|degree|class of|enrol")


def _month_span(text: str) -> Found | None:
    """The weeks of the first month span that is not a deadline nor a time of study, or None."""
    for match in MONTH_SPAN.finditer(text):
        if NOT_DURATION_BEFORE.search(text[max(0, match.start() - 16) : match.start()]):
            continue
        if GRADUATION_BEFORE.search(text, max(0, match.start() - 60), match.start()):
            continue
        first, last = MONTH_INDEX[match.group(2)[:3]], MONTH_INDEX[match.group(4)[:3]]
        months = (last - first) % 12 + 1 - 0.5 * bool(match.group(1)) - 0.5 * bool(match.group(3))
        if months >= 1:
            weeks = months * WEEKS_PER["month"]
            return Found(weeks, weeks, *match.span())
    return None


# The words one of which is in every match of each duration pattern, by the pattern they open
# the way to: found in one pass over the text (an Aho-Corasick automaton).
WEEKS_WORDS = {
    "period": PERIOD_WORDS,
    "unit": DURATION_UNIT_WORDS,
    "month name": MONTH_FULL_NAMES,
    "a period": A_PERIOD_WORDS,
}
WEEKS_WORD_FINDER = AhoCorasick([word for words in WEEKS_WORDS.values() for word in words])
WEEKS_WORD_KINDS = [kind for kind, words in WEEKS_WORDS.items() for _ in words]


def find_weeks(text: str) -> Found | None:
    """The stated duration in weeks (a range when stated as one), or None. Deadlines ("due in
    2 weeks", "within 3 weeks") are not durations. A count of weeks or months beats a period
    named without one ("our summer internship runs for 12 weeks"), and "for a month" counts
    when no other is stated."""
    found = WEEKS_WORD_FINDER.find_matches_as_indexes(text, overlapping=True)
    kinds = {WEEKS_WORD_KINDS[i] for i, _, _ in found}
    if not kinds:
        return None
    if "period" in kinds:
        duration = DURATION
    elif "unit" in kinds:
        duration = DURATION_FIGURES
    else:
        duration = None
    named = None  # a period named ("a summer internship"), unless a count is stated too
    for match in duration.finditer(text) if duration else ():
        before = text[max(0, match.start() - 16) : match.start()]
        if NOT_DURATION_BEFORE.search(before) or (
            NOT_DURATION_AFTER.match(text[match.end() :]) and not FOR_BEFORE.search(before)
        ):
            continue
        number, upper, unit = match.group(1, 2, 3)
        if number:
            per = _weeks_per(unit)
            low, high = _pair(number, upper)
            return Found(low * per, high * per, *match.span())
        period, program, season = match.group(4, 5, 6)  # DURATION's other alternatives
        weeks = WEEKS_PER[(period or program or season).lower()]
        named = named or Found(weeks, weeks, *match.span())
    span = _month_span(text) if "month name" in kinds else None
    if span or named:
        return span or named
    match = search_word(A_PERIOD, text) if "a period" in kinds else None
    if match:
        weeks = WEEKS_PER[match.group(1)]
        return Found(weeks, weeks, *match.span())
    return None


def _checked(found: Found | None, limit: float) -> Found | None:
    if found is None or found.low <= 0 or found.high > limit:
        return None
    return found


def _first(find: Callable[[str], Found | None], texts: list[str]) -> tuple[Found | None, str]:
    """What `find` finds in the first text where it finds something, and that text."""
    for text in texts:
        found = find(text) if text else None
        if found:
            return found, text
    return None, ""


def _tidy(value: float) -> float | int:
    """`tidy_number(value)`, quicker for a whole number (most are): rounding leaves it as it is."""
    return int(value) if value.is_integer() else tidy_number(value)


# A permanent job: its full-time weeks have no end, whatever periods its text names (the length
# of its projects, sprints, notice or leave).
PERMANENT = re.compile(  # by `search_word`, which checks the word boundary before it
    r"permanent(?:,|\s+(?:position|role|job|contract|post|employment|full|part|hire))|cdi\b"
)
# Benefits of employment: a permanent job's, unless the text says the role has an end.
EMPLOYEE_BENEFITS = re.compile(  # by `search_word`
    r"pto\b|paid time off|401\(k\)|per annum|holiday allowance|annual leave"
    r"|days[’']? (?:of )?(?:holiday|vacation)"
)
BENEFIT_PARTS = ("pto", "paid time", "401", "annum", "holiday", "annual leave", "vacation")
FIXED_TERM = re.compile(  # by `search_word`
    r"(?:seasonal|fixed[- ]term|temporary|contract|contractor|internship|intern|interns"
    r"|placement|stage|praktikum)\b"
)


def _permanent(text: str) -> bool:
    if ("permanent" in text or "cdi" in text) and search_word(PERMANENT, text):
        return True
    if not holds_any(text, BENEFIT_PARTS):
        return False
    return search_word(EMPLOYEE_BENEFITS, text) is not None and not search_word(FIXED_TERM, text)


def parse_hours(
    texts: Iterable[str | None],
    full_time: bool = False,
    body_from: int = 2,
    fixed_term: bool = False,
) -> Hours:
    """Estimate the effort from texts in priority order (see the module docstring).

    `full_time` says the source marks the job full-time, which with a stated period counts as
    40 hours a week. Texts from position `body_from` on are descriptions, where a figure alone
    in brackets after a name is the length of that thing, not the work's. Full-time work has a
    total only over the engagement's own period: one said of an internship, a contract, a
    program ("a 6-month contract"), or any period where the engagement has an end (`fixed_term`:
    the source says so, or the texts before `body_from` name a fixed-term engagement). A
    permanent job ("CDI", "permanent contract") has no total; nor does the description of a job
    the source marks full-time with no end: its figures are of other things (an interview, a
    shift, a take-home task), its periods too unless said of the engagement itself.
    """
    cleaned = [words_to_digits(_focus_lower(t)) if t else "" for t in texts]
    heads = cleaned[:body_from]
    if any(("cdi" in t or "permanent" in t) and search_word(PERMANENT, t) for t in heads):
        return Hours()  # a permanent job: no total, whatever its text says
    bounded = fixed_term or (full_time and any(search_word(FIXED_TERM_HEAD, t) for t in heads if t))
    open_ended = full_time and not bounded
    total, total_text = None, ""
    for at, text in enumerate(cleaned):
        if open_ended and at >= body_from:
            break
        total = _checked(find_total(text, at >= body_from), MAX_TOTAL_HOURS) if text else None
        if total:
            total_text = text
            break
    weekly, weekly_text = _first(find_weekly, cleaned)
    weekly = _checked(weekly, MAX_WEEKLY_HOURS)
    weeks, weeks_text = _first(find_weeks, cleaned)
    if weeks and any(_permanent(t) for t in cleaned):
        weeks = None  # the periods a permanent job names are not its length
    if weeks and open_ended and not _engagement_period(weeks_text, weeks):
        weeks = None
    full_time_evidence = ""
    if (
        weekly is None
        and weeks
        and not any("day" in t and PART_WEEK_DAYS.search(t) for t in cleaned)
    ):
        full_time_evidence = "full-time" if full_time else _full_time_words(cleaned)
        said_with = _period_said_with_full_time(cleaned) if full_time_evidence else None
        if said_with:  # "a 6-month full-time commitment": that period, not another one
            weeks, weeks_text = said_with
        if full_time_evidence and not full_time and not bounded:
            bounded = any(search_word(FIXED_TERM_HEAD, t) for t in heads if t)
        if full_time_evidence and (bounded or _engagement_period(weeks_text, weeks)):
            weekly = Found(FULL_TIME_WEEKLY, FULL_TIME_WEEKLY, 0, 0)
    evidence = None
    if total:
        evidence = snippet(total_text, total.start, total.end)
    elif weekly and weeks:
        total = _checked(
            Found(weekly.low * weeks.low, weekly.high * weeks.high, 0, 0), MAX_TOTAL_HOURS
        )
        per_week = full_time_evidence or snippet(weekly_text, weekly.start, weekly.end, 58)
        evidence = f"{per_week} … {snippet(weeks_text, weeks.start, weeks.end, 58)}"
    return Hours(
        _tidy(total.low) if total else None,
        _tidy(total.high) if total else None,
        _tidy(weekly.low) if weekly else None,
        _tidy(weekly.high) if weekly else None,
        _tidy(weeks.high) if weeks else None,
        evidence[:EVIDENCE_CHARS] if total and evidence else None,
        bool(total and full_time_evidence),
    )


# Words that make a period the length of the engagement itself ("a 6-month contract", "a 3-6
# month internship programme", "duration: 3-6 months"), not of something in a permanent job
# ("deal cycles of 3-6 months", "success in 12 months", "2-week sprints").
ENGAGEMENT_WORDS = re.compile(
    r"\b(?:intern(?:ship)?s?|contract(?:or|ual)?|program(?:me)?|placement|residency|fellowship"
    r"|assignment|appointment|engagement|duration|length|seasonal|fixed[- ]term"
    r"|temporary(?! (?:housing|accommodation|lodging|relocation))"
    r"|stage|praktikum|dauer|dur[ée]e|period of|tenure|commitment|co-?op|summer|semester"
    r"|vollzeitpraktikum|cohort)\b"
)
ENGAGEMENT_REACH = 50  # characters either side of the period
# A title or structured hours that name an engagement with an end.
FIXED_TERM_HEAD = re.compile(  # by `search_word`
    r"(?:intern(?:ship)?s?|contract(?:or|ual)?|temporary|seasonal|fixed[- ]term|fellow(?:ship)?"
    r"|co-?op|placement|residency|program(?:me)?|stage|praktikum|summer|semester|\d+[- ]?months?"
    r"|\d+[- ]?weeks?)\b"
)


def _engagement_period(text: str, weeks: Found) -> bool:
    """Whether the period found is said of the engagement itself: ENGAGEMENT_WORDS near it."""
    start = max(0, weeks.start - ENGAGEMENT_REACH)
    return ENGAGEMENT_WORDS.search(text, start, weeks.end + ENGAGEMENT_REACH) is not None


# Just before "full-time": a job the role may lead to, not the role ("a path to a full-time
# role", "convert into full-time employment", "a return offer for full-time").
FUTURE_JOB_BEFORE = re.compile(
    r"\b(?:convert|conversion|transition|lead|leads|leading|return offer|path|pathway|potential"
    r"|possibility|chance|eligible|considered|consideration|become|becoming)\b[^.;\n]{0,30}$"
)


def _period_said_with_full_time(cleaned: list[str]) -> tuple[Found, str] | None:
    """The period stated next to the role's "full-time" ("work full-time for 6 months"), and the
    words around them, or None."""
    for text in cleaned:
        for match in FULL_TIME.finditer(text):
            if FUTURE_JOB_BEFORE.search(text, max(0, match.start() - 45), match.start()):
                continue
            around = text[max(0, match.start() - 30) : match.end() + 30]
            weeks = find_weeks(around)
            if weeks:
                return weeks, around
    return None


def _full_time_words(cleaned: list[str]) -> str:
    """The words saying the role is full-time in the first text that says it, or ""."""
    for text in cleaned:
        for match in FULL_TIME.finditer(text):
            if not FUTURE_JOB_BEFORE.search(text, max(0, match.start() - 45), match.start()):
                return snippet(text, *match.span(), 40)
    return ""


def hours_in(text: str) -> tuple[float, float] | None:
    """Total hours stated in one text, or None (a shorthand for tests and callers)."""
    found = parse_hours([text])
    return (found.total_min, found.total_max) if found.known else None


def total_hours(texts: Iterable[str | None]) -> tuple[float, float] | None:
    found = parse_hours(texts)
    return (found.total_min, found.total_max) if found.known else None


HOUR_RANGES: tuple[str, ...] = ("under-5", "5-10", "10-20", "20-40", "over-40")


def hour_range(hours_max: float | None) -> str | None:
    """One of HOUR_RANGES for the maximum total hours (upper bounds inclusive), or None."""
    if hours_max is None:
        return None
    if hours_max < 5:
        return "under-5"
    if hours_max <= 10:
        return "5-10"
    if hours_max <= 20:
        return "10-20"
    if hours_max <= 40:
        return "20-40"
    return "over-40"
