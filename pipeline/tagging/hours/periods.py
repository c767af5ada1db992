"""The duration of the work, in weeks: a count of weeks, months or years of a contract ("4
weeks", "3-6 months", "a 1-year contract"), in the languages real boards use; a named period ("a
summer internship", "the spring semester": a month is 4.33 weeks, a semester 15, a summer 10); a
span of months ("January through April"); a period named without a count ("for a month"). Not a
duration: a deadline ("due in 2 weeks"), notice, leave, a sprint, a time of study."""

from __future__ import annotations

import re

from pipeline.tagging.hours.figures import FIGURE, NUM, FigurePattern, Found, _pair
from pipeline.tagging.text import WordFinder, search_word

WEEKS_PER = {"month": 4.33, "semester": 15.0, "summer": 10.0, "quarter": 13.0, "week": 1.0}


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
DURATION_FIGURES = FigurePattern(
    rf"{FIGURE}{DURATION_RANGE}{NUM})?(?:-|\s*){DURATION_UNIT}",
    "-–tàbwmsy",  # a range's dash, "to", "à" or "bis", or the first letter of a DURATION_UNIT
)
# After a number of months: the upper end of the range in years ("6 months to 1 year").
YEARS_AFTER = re.compile(r"\s*(?:-|–|to)\s*(\d{1,2}|a|one)\s*years?\b")
# "for a month", "over a week": a period named without a count, read when no other is stated.
A_PERIOD = re.compile(  # by `search_word`, which checks the word boundary before it
    r"(?:for|over|across|during|throughout)\s+a\s+(?:full\s+|whole\s+|single\s+)?(month|week)\b"
)
A_PERIOD_WORDS = ("a month", "a week", "a full", "a whole", "a single")  # one is in every match
FOR_BEFORE = re.compile(r"\b(?:for|over)\s*$")  # "for 12 weeks before opening night" is a duration
NOT_DURATION_BEFORE = re.compile(
    r"(?:(?:launch|launches|launching|start|starts|starting|begin|begins|beginning|open|opens"
    r"|opening|live|expire|expires|graduating|graduate) in|valid for"  # when, not how long
    r"|due|due in|due within|within|in the next|next|every|each|per|last|past|after|first|"
    r"notice of|up to|(?:in|within) (?:just|only|under|less than)|\bquarter)\s*$"
)
NOT_DURATION_AFTER = re.compile(  # a past time, a notice, a term of employment, a rotation
    r"^['’]?[\s-]*(?:ago|notice|later|before|after|in advance|of notice|in \d"
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

# The length of something other than the work, even after "for": experience asked for, an age, a
# visa's validity, an allowance per year, a trial, a course, housing ("for 3 months of housing").
OTHER_THING_AFTER = re.compile(
    r"^['’]?[\s-]*(?:(?:a|per|each|every)\s+year|old|remaining|left on"
    r"|(?:\s*(?:-|–|to)\s*\d+\+?\s*(?:years?|months?))?\s*(?:of\s+)?(?:[a-z-]+\s+){0,2}?experience"
    r"|(?:of\s+)?(?:paid\s+|unpaid\s+)?trial|into\b"
    r"|(?:of\s+)?(?:full-time\s+|part-time\s+)?(?:study|studies|master|masters|mba|msc|ma|bachelor"
    r"|degree|phd|doctorate|coursework)"
    r"|(?:of\s+)?(?:paid\s+|intensive\s+|initial\s+)?(?:training|bootcamp|boot camp|course"
    r"|onboarding|orientation|induction|workshop)"
    r"|of\s+(?:temporary\s+|free\s+)?(?:housing|accommodation|lodging|rent|runway|severance"
    r"|coverage))\b"
)


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
WEEKS_WORD_FINDER = WordFinder([word for words in WEEKS_WORDS.values() for word in words])
WEEKS_WORD_KINDS = [kind for kind, words in WEEKS_WORDS.items() for _ in words]


def find_weeks(text: str) -> Found | None:
    """The stated duration in weeks (a range when stated as one), or None. Deadlines ("due in
    2 weeks", "within 3 weeks") are not durations. A count of weeks or months beats a period
    named without one ("our summer internship runs for 12 weeks"), and "for a month" counts
    when no other is stated."""
    return weeks_in(text, {WEEKS_WORD_KINDS[i] for i, _, _ in WEEKS_WORD_FINDER.find(text)})


def weeks_in(text: str, kinds: set[str]) -> Found | None:
    """`find_weeks(text)`, where `kinds` holds the WEEKS_WORDS kinds of the words in `text` (and
    may hold other names)."""
    if "period" in kinds:
        duration = DURATION
    elif "unit" in kinds:
        duration = DURATION_FIGURES
    else:
        duration = None
    named = None  # a period named ("a summer internship"), unless a count is stated too
    for match in duration.finditer(text) if duration else ():
        at = match.start()
        before = text[at - 16 if at > 16 else 0 : at]
        after = text[match.end() :]
        if (
            NOT_DURATION_BEFORE.search(before)
            or OTHER_THING_AFTER.match(after)
            or (NOT_DURATION_AFTER.match(after) and not FOR_BEFORE.search(before))
        ):
            continue
        number, upper, unit = match.group(1, 2, 3)
        if number:
            per = _weeks_per(unit)
            low, high = _pair(number, upper)
            years = YEARS_AFTER.match(text, match.end()) if upper is None else None
            if years and per == WEEKS_PER["month"]:  # "6 months to 1 year": each end its unit
                count = years.group(1)
                months = 12 * (1.0 if count in ("a", "one") else float(count))
                if months > low:
                    return Found(low * per, months * per, match.start(), years.end())
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
