"""Totals stated in a text: the effort of the whole work.

Understood: ranges ("10-15 hours", "8–12 hrs", "10 to 15 hours"), labels ("Estimated hours: 10-15",
"Time commitment: 8 hours"), approximations ("approx. 20 hrs", "~15h", "about 12 hours"), bounds
("up to 30 hours", "no more than 4 hours"), "a 40-hour project", minutes for short tasks ("90
minutes"), "between 10 and 15 hours", sittings counted ("three 2-hour sessions", "two field days
of about 5 hours each") and daily figures over days or weeks ("30 minutes a day, Monday to Friday,
for two weeks"). Not a total: a weekly figure, a rate ("$25 per hour"), the length of a step or
a meeting ("Technical interview - 1 hour"), of a part of the work ("the kickoff call is about 1
hour") or of something else ("24-hour application logs").
"""

from __future__ import annotations

import re

from pipeline.tagging.hours.figures import (
    BOUND,
    FIGURE_RANGE,
    HOURS,
    HOURS_RANGE_NEXT,
    NUM,
    PER_DAY,
    RANGE,
    Endings,
    FigurePattern,
    Found,
    _effort_context_ok,
    _pair,
    has_digit,
)
from pipeline.tagging.hours.other_lengths import HIRING_PARTS, _item_length, _step_or_shift
from pipeline.tagging.hours.sittings import SITTING_WORDS, sittings_total
from pipeline.tagging.hours.weekly import WEEK_WORDS, _is_weekly_after
from pipeline.tagging.text import holds_any

# Starts with the figure so the regex engine can skip to digits; a "~" before it is added back
# by `_total_start`.
TOTAL = FigurePattern(rf"{FIGURE_RANGE}\s*-?\s*{HOURS}", HOURS_RANGE_NEXT)
TILDE_BEFORE = re.compile(r"(?<![\d.,$£€/])~\s*$")
LABELLED = re.compile(  # "Estimated hours: 10-15", not "5-8 hours: one morning shoot"
    rf"(?<![\d–-]\s)(?<![\d–-])\b(?:estimated|expected|approximate|total)?\s*(?:hours?|"
    rf"time commitment|"
    rf"time required|effort|workload|commitment)\s*(?:needed|required|estimate)?\s*:\s*"
    rf"(?:about |approx\.? |approximately |~\s*|{BOUND}\s*)?{RANGE}\s*(?:{HOURS})?"
)
DAILY = FigurePattern(
    rf"{FIGURE_RANGE}\s*{HOURS}(?:{PER_DAY})\s*(?:for|over)\s+"
    rf"{NUM}\s*days?\b",
    HOURS_RANGE_NEXT,
)
# "30-45 minutes a day, Monday to Friday, for two weeks" (number words already digits): a daily
# figure, in hours or minutes, times the days of a number of weeks.
DAILY_FOR_WEEKS = FigurePattern(
    rf"{FIGURE_RANGE}\s*(?:{HOURS}|(minutes?|mins?)\b)(?:{PER_DAY})([^.;\n]{{0,40}}?)"
    rf"\b(?:for|over)\s+{NUM}\s*weeks?\b",
    HOURS_RANGE_NEXT + "m",  # or minutes
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


def _total_start(text: str, start: int) -> int:
    """Where a TOTAL figure starts, counting an "approximately" tilde just before it."""
    if start and "~" in text[start - 8 if start > 8 else 0 : start]:
        tilde = TILDE_BEFORE.search(text, start - 8 if start > 8 else 0, start)
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
EFFORT_BEFORE_ENDINGS = Endings(EFFORT_BEFORE)
# The spaces are possessive: no alternative starts with a space but `[^.;\n]{0,40}?`, which
# reaches as far when it starts after them.
OTHER_AFTER = re.compile(
    r"^\s*+(?:(?:a|per|each|every)\s+(?:month|year|quarter|semester)|monthly|annually|ago|"
    r"saved|of (?:[a-z]+ )?(?:footage|video|audio|recordings?|interviews?|content|data|calls?|tape|"
    r"music)"
    r"|later|earlier|before|after|in advance"
    r"|of (?:[a-z/-]+ ){0,2}?(?:notice|training|orientation|overlap|travel|driving|leave|pto"
    r"|sick|time off|vacation|holiday|education|coursework|certification|cpd|service"
    r"|professional development|experience|flight|flying|supervised|clinical)"
    r"|worked|logged|(?:of\s+)?credit"
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
SUB_TASK_BEFORE_ENDINGS = Endings(SUB_TASK_BEFORE_ENDS)
# Possessive: a word passed over ends at the spaces after it, which end at the next word (no
# alternative starts with a space or a dash).
SUB_TASK_AFTER = re.compile(
    r"^\s*+-?\s*+(?:(?:[a-z]++\s++){0,2}?(?:training|orientation|onboarding|kickoff|kick-off|meeting|"
    r"call|check-in|interview|onsite|session|webinar|workshop|shift|show|visit|mill|facility|hotline|"
    r"take-home|"
    r"store|center|centre|station|clinic|desk|line|drive|flight|trip)s?)\b"
)


EACH_AFTER = re.compile(r"\s*each\b")  # "5 hours each": per sitting or item, not the total


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


def _total_candidates(
    text: str, body: bool, cues: set[str], units: bool
) -> list[tuple[int, int, tuple[float, float], int]]:
    """Every figure of hours that may be the total, as `(score, position, (low, high), end)`.
    In a description (`body`), a figure alone in brackets after a name is that thing's length
    ("Cultural fit (1h)", "Critical (48 hours)"). `cues`: as for `total_in`; TOTAL is tried if
    `units` (a unit it needs is in the text)."""
    found = []
    weekly = not WEEKLY_AFTER_CUES.isdisjoint(cues)  # or `_is_weekly_after` finds nothing
    span = _label_span(text) if "label" in cues else None
    for match in LABELLED.finditer(text, *span) if span else ():
        start, end = match.span()
        if _effort_context_ok(text, start, end) and not (weekly and _is_weekly_after(text, end)):
            found.append((3, start, _pair(match.group(1), match.group(2)), end))
    tilde, others = "tilde" in cues, "shift before" in cues or "hiring" in cues
    for match in TOTAL.finditer(text) if units else ():
        end = match.end()
        if (weekly and _is_weekly_after(text, end)) or _is_rate_after(text, end):
            continue
        start = _total_start(text, match.start()) if tilde else match.start()
        if not _effort_context_ok(text, start, end):
            continue
        after, before = text[end : end + 40], text[start - 40 if start > 40 else 0 : start]
        if OTHER_AFTER.match(after) or (body and _item_length(text, start, end)):
            continue
        if HYPHEN_HOURS.fullmatch(text, start, end) and not EFFORT_NOUN_AFTER.match(after):
            continue  # "24-hour application logs": the length of something else
        if others and _step_or_shift(text, start, end):
            continue
        stripped = before.rstrip()
        low, high = _pair(match.group(1), match.group(2))
        between = BETWEEN_BEFORE.search(before) if stripped.endswith("and") else None
        if between and match.group(2) is None:  # "between 10 and 15 hours"
            low, high = _pair(between.group(1), match.group(1))
            start = between.start()
            stripped = before[: between.start()].rstrip()
        score = 1 + bool(EFFORT_AFTER.match(after)) + EFFORT_BEFORE_ENDINGS.end(stripped)
        sub_task_before = SUB_TASK_BEFORE_ENDINGS.end(stripped) and SUB_TASK_BEFORE.search(before)
        each_after = "each" in after and EACH_AFTER.match(after)
        if sub_task_before or SUB_TASK_AFTER.match(after) or each_after:
            score -= 2
        found.append((score, start, (low, high), end))
    return found


# "a 40-hour project" is effort; "24-hour application logs", "a 3-hour onsite" are not.
HYPHEN_HOURS = re.compile(r"~?\s*[\d.]+(?:\s*(?:-|–|—|to|or)\s*[\d.]+)?-(?:hour|hr|h)\b")
EFFORT_NOUN_AFTER = re.compile(
    r"\s*(?:[a-z-]+\s+){0,2}?(?:project|task|assignment|engagement|commitment|micro|internship"
    r"|contract|gig|job|role|position|program|programme|placement|week|month|total)"
)


# The words the patterns need (see `cues`), by name.
TOTAL_CUES = {
    "day": ("day",),  # DAILY, DAILY_FOR_WEEKS
    "week": ("week",),  # DAILY_FOR_WEEKS
    "hour": ("hour",),  # TOTAL (or "hr" or LONE_H), SITTINGS (or "minute", with "sitting")
    "hr": ("hr",),
    "label": tuple(word for word in LABEL_ENDS if word != "hours"),  # LABELLED ("hour" in it)
    "each": (" each",),  # SITTINGS_EACH
    "minute": ("minute",),
    "sitting": SITTING_WORDS,
    "min": ("min",),  # MINUTES, BARE_MINUTES ("minute" in it too)
    # what a figure of TOTAL is tested for
    "per week": WEEK_WORDS,  # `_is_weekly_after`, with "day" and "daily"
    "daily": ("daily",),
    "tilde": ("~",),  # `_total_start`
    "shift before": ("shift",),  # SHIFT_BEFORE
    "hiring": HIRING_PARTS,  # HIRING_STEP
}
# The unit of a TOTAL match that has neither "hour" nor "hr" is an "h" alone, after a digit,
# spaces or a hyphen (FIGURE_RANGE ends with a digit, or with a unit before spaces or a dash;
# then `\s*-?\s*` and HOURS). Written to start with the "h", which the regex engine skips to.
LONE_H = re.compile(r"h(?<=[\d\s-]h)\b")
# Without a TOTAL unit, a text has a total only with one of these (DAILY needs one too).
OTHER_TOTAL_CUES = frozenset(("day", "label", "each", "min"))
# `_is_weekly_after` finds nothing in a text without one of these.
WEEKLY_AFTER_CUES = frozenset(("per week", "day", "daily"))


def _rank(candidate: tuple[int, int, tuple[float, float], int]) -> tuple[int, int]:
    """How a candidate of `_total_candidates` ranks: by score, then the first."""
    return candidate[0], -candidate[1]


def find_total(text: str, body: bool = False) -> Found | None:
    """The total effort stated in `text` (not weekly, not a rate), or None. Of several figures,
    the one worded most like an estimate of the whole work wins; between equals, the first.
    Without one, a count of sittings ("three 2-hour sessions"), then minutes, give the total."""
    cues = {cue for cue, words in TOTAL_CUES.items() if holds_any(text, words)}
    return total_in(text, body, cues)


def total_in(text: str, body: bool, cues: set[str]) -> Found | None:
    """`find_total(text, body)`, where `cues` holds the TOTAL_CUES of `text` (and may hold other
    names)."""
    units = "hour" in cues or "hr" in cues or LONE_H.search(text) is not None
    if not units and OTHER_TOTAL_CUES.isdisjoint(cues):
        return None
    if not has_digit(text):  # every total has a figure (number words are digits by now)
        return None
    daily = "day" in cues
    match = DAILY.search(text) if daily else None
    if match:
        low, high = _pair(match.group(1), match.group(2))
        days = float(match.group(3))
        return Found(low * days, high * days, *match.span())
    match = DAILY_FOR_WEEKS.search(text) if daily and "week" in cues else None
    if match:
        low, high = _pair(match.group(1), match.group(2))
        per_hour = 60.0 if match.group(3) else 1.0  # minutes
        days = float(match.group(5)) * (5 if WEEKDAYS.search(match.group(4)) else 7)
        return Found(low / per_hour * days, high / per_hour * days, *match.span())
    candidates = _total_candidates(text, body, cues, units)
    if candidates:
        best = candidates[0] if len(candidates) == 1 else max(candidates, key=_rank)
        score, start, (low, high), end = best
        if score > 0:
            return Found(low, high, start, end)
    sittings = None
    if "each" in cues or ("sitting" in cues and ("hour" in cues or "minute" in cues)):
        sittings = sittings_total(text)
    if sittings:
        return sittings
    match = (MINUTES.search(text) or BARE_MINUTES.match(text)) if "min" in cues else None
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


RATE_AFTER = re.compile(r"\s*(?:per|an|a|/)\s*hour\b|\s*rate\b")


def _is_rate_after(text: str, end: int) -> bool:
    return RATE_AFTER.match(text, end, end + 12) is not None
