"""Estimated effort in hours, from structured data and text.

`parse_hours(texts)` returns an `Hours` estimate: the TOTAL hours for the whole opportunity
(`total_min`/`total_max`), the weekly hours (`per_week_min`/`per_week_max`) and the duration in
weeks where stated. Texts are read in priority order (structured hours first, then the title, then
the description); the first text that states a total wins.

Where no text states a total, weekly hours times a period give it ("2-3 hours per week over 4
weeks" = 8-12; "full-time" with a period is 40 hours a week). Weekly hours without a period give
no total, and so does a permanent job. Numbers that are not effort are ignored: "team of 40",
"24-hour support", "$25 per hour", "respond within 48 hours", "9am-5pm", years, ages.

Every form understood, by module: `figures` (number words, figures, what is not effort),
`totals` (stated totals), `sittings` (a count of sittings), `other_lengths` (figures of hours
that are not the work's), `weekly` (hours a week), `periods` (durations), `engagement`
(full-time, permanent and fixed-term work); `focus` cuts a long text to the parts that may state
effort, and `cues` finds the words the patterns need in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from pipeline.tagging.hours.cues import cleaned_with_cues
from pipeline.tagging.hours.engagement import (
    PART_WEEK_DAYS,
    PERMANENT,
    _engagement_period,
    _full_time_words,
    _part_time,
    _period_of_weekly,
    _period_said_with_full_time,
    _permanent,
    _said_permanent,
    names_fixed_term,
)
from pipeline.tagging.hours.figures import (
    EVIDENCE_CHARS,
    Found,
    Hours,
    snippet,
    words_to_digits,
)
from pipeline.tagging.hours.focus import _focus_lower
from pipeline.tagging.hours.periods import find_weeks, weeks_in
from pipeline.tagging.hours.totals import find_total, total_in
from pipeline.tagging.hours.weekly import find_weekly, weekly_in
from pipeline.tagging.text import search_word, tidy_number

__all__ = [
    "HOUR_RANGES",
    "Found",
    "Hours",
    "find_total",
    "find_weekly",
    "find_weeks",
    "hour_range",
    "hours_in",
    "parse_hours",
    "snippet",
    "total_hours",
    "words_to_digits",
]

FULL_TIME_WEEKLY = 40.0
MAX_TOTAL_HOURS = 4500.0  # two years full-time and some
MAX_WEEKLY_HOURS = 80.0


def _checked(found: Found | None, limit: float) -> Found | None:
    if found is None or found.low <= 0 or found.high > limit:
        return None
    return found


def _first(
    find: Callable[[str, set[str]], Found | None], texts: list[str], cues: list[set[str]]
) -> tuple[Found | None, str]:
    """What `find` finds in the first text where it finds something (given the text's cues),
    and that text."""
    for text, its_cues in zip(texts, cues, strict=True):
        found = find(text, its_cues) if text else None
        if found:
            return found, text
    return None, ""


def _first_total(
    texts: list[str], cues: list[set[str]], body_from: int
) -> tuple[Found | None, str]:
    """The total the first text that states one states (`total_in`, within MAX_TOTAL_HOURS),
    and that text. Texts from position `body_from` on are descriptions."""
    for at, text in enumerate(texts):
        total = total_in(text, at >= body_from, cues[at]) if text else None
        if total := _checked(total, MAX_TOTAL_HOURS):
            return total, text
    return None, ""


def _cleaned(
    texts: Iterable[str | None], lowers: Sequence[str | None]
) -> tuple[list[str], list[set[str]]]:
    """Each text focused (`_focus_lower`) with its number words as digits, "" for none; and the
    cues of each (`cues.cleaned_with_cues`)."""
    texts = list(texts)
    known = lowers or [None] * len(texts)
    cleaned, cues = [], []
    for text, lower in zip(texts, known, strict=True):
        words, its_cues = cleaned_with_cues(_focus_lower(text, lower)) if text else ("", set())
        cleaned.append(words)
        cues.append(its_cues)
    return cleaned, cues


def _names_permanent(heads: list[str]) -> bool:
    """Whether a title or structured hours name a permanent job (PERMANENT): a loop, quicker
    than any() over a generator for a few texts."""
    for text in heads:
        if ("cdi" in text or "permanent" in text) and search_word(PERMANENT, text):
            return True
    return False


def _tidy(value: float) -> float | int:
    """`tidy_number(value)`, quicker for a whole number (most are): rounding leaves it as it is."""
    return int(value) if value.is_integer() else tidy_number(value)


def parse_hours(
    texts: Iterable[str | None],
    full_time: bool = False,
    body_from: int = 2,
    fixed_term: bool = False,
    lowers: Sequence[str | None] = (),
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
    shift, a take-home task), its periods too unless said of the engagement itself. `lowers`: the
    texts lower-cased where the caller has them, by position (None where not)."""
    cleaned, cues = _cleaned(texts, lowers)
    heads = cleaned[:body_from]
    if _names_permanent(heads):
        return Hours()  # a permanent job: no total, whatever its text says
    bounded = fixed_term or (full_time and any(names_fixed_term(t) for t in heads if t))
    open_ended = full_time and not bounded
    total, total_text = None, ""
    # "This is a permanent position.": no total, but its weekly hours are still its own
    if not any(map(_said_permanent, cleaned[body_from:])):
        searched = cleaned[:body_from] if open_ended else cleaned
        total, total_text = _first_total(searched, cues, body_from)
    weekly, weekly_text = _first(weekly_in, cleaned, cues)
    weekly = _checked(weekly, MAX_WEEKLY_HOURS)
    weeks, weeks_text = _first(weeks_in, cleaned, cues)
    if weeks and any(map(_permanent, cleaned)):
        weeks = None  # the periods a permanent job names are not its length
    if weeks and open_ended and not _engagement_period(weeks_text, weeks, open_ended):
        weeks = None
    full_time_evidence = ""
    if (
        weekly is None
        and weeks
        and not any("day" in t and PART_WEEK_DAYS.search(t) for t in cleaned)
        and not _part_time(cleaned)
    ):
        full_time_evidence = "full-time" if full_time else _full_time_words(cleaned)
        said_with = _period_said_with_full_time(cleaned) if full_time_evidence else None
        if said_with:  # "a 6-month full-time commitment": that period, not another one
            weeks, weeks_text = said_with
        if full_time_evidence and not full_time and not bounded:
            bounded = any(names_fixed_term(t) for t in heads if t)
        if full_time_evidence and (
            (said_with and bounded) or _engagement_period(weeks_text, weeks, open_ended, bounded)
        ):
            weekly = Found(FULL_TIME_WEEKLY, FULL_TIME_WEEKLY, 0, 0)
    if weekly and weeks and not full_time_evidence and not total:
        weeks, weeks_text = _period_of_weekly(
            weekly_text, weekly, weeks_text, weeks, heads, bounded
        )
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
