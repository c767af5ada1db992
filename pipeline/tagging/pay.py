"""Pay from a source's pay statement or the posting text.

`parse_pay(texts, hours_min, hours_max)` returns a `Pay`: `min`/`max` amounts, `currency` (ISO
4217 code; a bare `$` is read as USD), `unit` (`fixed`, `hour`, `week`, `month`, `year`,
`stipend`), `unpaid` when the posting says so, and `per_hour`: the hourly rate, stated or derived
from a fixed fee or stipend and the estimated hours. Amounts that are not pay ("raised $10M",
"$2 billion in assets", "a $500 budget for ads") are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from pipeline.tagging.money import (
    CODES,
    MONEY,
    SYMBOLS,
    money_hint,
    money_matches,
)
from pipeline.tagging.text import WordFinder, folds_like_lower, holds_any, merge_spans, tidy_number

# Each unit's phrases, the first found after the amount naming its unit (in this order).
UNIT_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (
        "hour",
        (
            "per[- ]hour",
            "an hour",
            r"/\s*h(?:ou)?r\b",
            "hourly",
            "per-hour-wage",
            r"\bper hr\b",
            r"\bhour\b",
        ),
    ),
    ("week", ("per[- ]week", "a week", r"/\s*w(?:ee)?k\b", "weekly", "per-week")),
    ("month", ("per[- ]month", "a month", r"/\s*mo(?:nth)?\b", "monthly", "per-month")),
    (
        "year",
        (
            "per[- ]year",
            "a year",
            r"/\s*y(?:ea)?r\b",
            "annual(?:ly)?",
            "yearly",
            "per-year",
            "salary",
            r"\bote\b",  # on-target earnings, by the year
            "on[- ]target earnings",
            "per annum",
            r"\bp\.a\.",
            r"\byear\b",
        ),
    ),
    ("stipend", ("stipend",)),
    (
        "fixed",
        (
            "per project",
            "for the project",
            "project fee",
            "flat(?: fee| rate)?",
            "fixed(?: fee)?",
            "one[- ]time",
            "in total",
            "total",
            "upon completion",
            r"\bproject\b",
            "lump sum",
        ),
    ),
]


def _literal_first(phrase: str) -> str:
    r"""`\bword` as `w(?<!\ww)ord`: the same test, starting with a literal character so that the
    regex engine only tries a match where that character is."""
    if phrase.startswith(r"\b") and phrase[2:3].isalpha():
        return rf"{phrase[2]}(?<!\w{phrase[2]}){phrase[3:]}"
    return phrase


UNIT_PATTERNS = [(unit, re.compile(f"(?i){'|'.join(words)}")) for unit, words in UNIT_WORDS]
# The same phrases, case-sensitive, for lower-cased text (see `folds_like_lower`).
LOWER_UNIT_PATTERNS = [
    (unit, re.compile("|".join(map(_literal_first, words)))) for unit, words in UNIT_WORDS
]
# All of them in one: matches where any of them does, so when it finds nothing none of them
# needs trying (the usual case for text after a stipend or a fixed fee).
LOWER_ANY_UNIT = re.compile("|".join(_literal_first(w) for _, words in UNIT_WORDS for w in words))
# The units the words before an amount can name ("Stipend: $750"), with their patterns.
BEFORE_UNITS = ("stipend", "fixed")
UNIT_BEFORE_PATTERNS = [(unit, p) for unit, p in UNIT_PATTERNS if unit in BEFORE_UNITS]
LOWER_UNIT_BEFORE_PATTERNS = [(unit, p) for unit, p in LOWER_UNIT_PATTERNS if unit in BEFORE_UNITS]
NOT_PAY_AFTER = re.compile(
    r"(?i)^\s*(?:[mb]n?\b|million|billion|trillion|in (?:funding|revenue|sales|assets|"
    r"donations|grants?)|budget|ad spend|of (?:revenue|funding|sales))"
)
# Words just before an amount that make it not pay ("raised $2M"); none ends in a space.
NOT_PAY_BEFORE_WORDS = (
    "raised",
    "raising",
    "revenue of",
    "funding of",
    "budget of",
    "worth",
    "valued at",
    "spend",
    "spending",
    "manage",
    "managing",
    "over",
    "grant of",
)
NOT_PAY_BEFORE = re.compile(rf"(?i)(?:{'|'.join(NOT_PAY_BEFORE_WORDS)})\s*$")
UNPAID = re.compile(  # not "unpaid invoices" nor "unpaid leave": other things unpaid
    r"(?i)\bunpaid\b(?!\s+(?:invoices?|bills?|balances?|debts?|accounts?|amounts?|receivables?"
    r"|leave|time off|parental|sabbatical|vacation|breaks?|days?|claims?|premiums?|rent|taxes))"
    r"|\bno (?:pay|compensation|stipend)\b|\bnot paid\b|\bvolunteer (?:role|"
    r"position|opportunity)\b|\bfree (?:job )?simulation\b|\bfor academic credit only\b"
)
PAY_CONTEXT = re.compile(
    r"(?i)\b(?:pay|paid|compensation|stipend|salary|wage|rate|fee|earn|honorarium|budget)\b"
)


# Where pay can be stated: the expensive patterns only run near these.
HINTS = (
    "$",
    "£",
    "€",
    "₹",
    "₱",
    "₩",
    "¥",
    *(code.lower() for code in CODES),
    "unpaid",
    "no pay",
    "no compensation",
    "no stipend",
    "not paid",
    "volunteer",
    "simulation",
    "academic credit",
)
WINDOW_RADIUS = 60
# The hints of MONEY_AFTER's currencies: a text without them holds none of those currencies.
AFTER_CURRENCY_HINTS = ("€", "£", *(code.lower() for code in CODES))
LONG_TEXT = 300  # longer texts are cut to the parts near a hint


# Every place each hint starts, overlapping ones included, in one pass over the text (an
# Aho-Corasick automaton): a third of the time of a substring search per hint.
HINT_FINDER = WordFinder(list(HINTS))
AFTER_CURRENCY_HINT_INDEXES = frozenset(
    i for i, hint in enumerate(HINTS) if hint in AFTER_CURRENCY_HINTS
)

# Every UNPAID match holds one of these (case aside).
UNPAID_WORDS = ("unpaid", "no ", "not paid", "volunteer ", "simulation", "academic credit")


class Pay(NamedTuple):  # made for every posting: twice as fast as a frozen dataclass
    min: float | None = None
    max: float | None = None
    currency: str | None = None
    unit: str | None = None
    unpaid: bool | None = None
    per_hour: float | None = None


NO_PAY = Pay()
UNPAID_PAY = Pay(unpaid=True)
# A pay found in a text: min, max, currency, unit.
Found = tuple[float, float, str | None, str]


def _windows(text: str, lower: str | None = None) -> tuple[str, bool]:
    """The parts of `text` within WINDOW_RADIUS characters of a hint (HINTS), joined by " | "; and
    whether it may hold a currency MONEY_AFTER ends with (not without its hint). `lower`: the
    text lower-cased, where the caller has it."""
    points, after_currency = _hint_points(text.lower() if lower is None else lower)
    spans = merge_spans(points, WINDOW_RADIUS, len(text))
    return " | ".join(text[a:b] for a, b in spans), after_currency


def _hint_points(lower: str) -> tuple[list[int], bool]:
    """Where each hint starts in `lower`, overlapping ones included; and whether one of them is
    one of AFTER_CURRENCY_HINTS."""
    found = HINT_FINDER.find(lower)
    after_currency = not AFTER_CURRENCY_HINT_INDEXES.isdisjoint([hint for hint, _, _ in found])
    return [at for _, at, _ in found], after_currency


def _says_unpaid(text: str) -> bool:
    if folds_like_lower(text) and not holds_any(text.lower(), UNPAID_WORDS):
        return False
    return UNPAID.search(text) is not None


def _amount(whole: str, cents: str | None, thousands: str | None) -> float:
    value = float(whole.replace(",", "") + (f".{cents}" if cents else ""))
    return value * 1000 if thousands else value


def _currency(symbol: str | None, code: str | None) -> str | None:
    if code:
        return code.upper()
    if symbol:
        return SYMBOLS.get(symbol, symbol.upper() if symbol.upper() in CODES else None)
    return None


YEARLY_FROM = 20000  # an amount this large with no unit is a yearly salary


def _unit(after: str, before: str, amount: float, folds: bool) -> str | None:
    if folds:  # the faster, case-sensitive patterns on lower-cased text
        after, patterns = after.lower(), LOWER_UNIT_PATTERNS
        any_unit = LOWER_ANY_UNIT.search(after) is not None
    else:
        patterns, any_unit = UNIT_PATTERNS, True
    for unit, pattern in patterns if any_unit else ():
        if pattern.search(after):
            return unit
    if amount >= YEARLY_FROM:
        return "year"  # "$150K-$190K": salaries are stated by the year
    if folds:  # lower-cased only now: most amounts have their unit after them
        before, patterns = before.lower(), LOWER_UNIT_BEFORE_PATTERNS
    else:
        patterns = UNIT_BEFORE_PATTERNS
    for unit, pattern in patterns:
        if pattern.search(before):
            return unit
    return None


def _not_pay_before(before: str, folds: bool) -> bool:
    if folds:  # NOT_PAY_BEFORE's words, then only spaces to the end
        return before.rstrip().lower().endswith(NOT_PAY_BEFORE_WORDS)
    return NOT_PAY_BEFORE.search(before) is not None


def _find(text: str, after_currency: bool = True) -> Found | None:
    """The first pay amount stated in `text` as (min, max, currency, unit), or None.
    `after_currency`: as for `_money_matches`."""
    hint = money_hint(text)
    if hint is None:
        return None
    folds = folds_like_lower(text)
    for match in money_matches(text, after_currency, hint.start()):
        before = text[max(0, match.start() - 40) : match.start()]
        after = text[match.end() : match.end() + 40]
        if NOT_PAY_AFTER.match(after) or _not_pay_before(before, folds):
            continue
        if match.re is MONEY:
            (sym1, whole1, cents1, k1, sym2, whole2, cents2, k2, code) = match.groups()
        else:
            (whole1, cents1, k1, whole2, cents2, k2, code) = match.groups()
            sym1 = sym2 = None
            if code in SYMBOLS:
                sym1, code = code, None
        low = _amount(whole1, cents1, k1 or k2)
        high = _amount(whole2, cents2, k2) if whole2 else low
        if high < low:
            low, high = high, low
        if high == 0:
            continue
        unit = _unit(after[:30], before, high, folds)
        if unit is None and not PAY_CONTEXT.search(before + after[:20]):
            continue  # an amount with no unit and no word of pay around it
        return low, high, _currency(sym1 or sym2, code), unit or "fixed"
    return None


def parse_pay(
    texts: Iterable[str | None],
    hours_min: float | None = None,
    hours_max: float | None = None,
    lowers: Sequence[str | None] = (),
) -> Pay:
    """Pay from texts in priority order (the source's pay statement first). `lowers`: the texts
    lower-cased where the caller has them, by position (None where not)."""
    searched: list[str] = []
    found = None
    for at, text in enumerate(texts):
        if not text:
            continue
        after_currency = True
        if len(text) > LONG_TEXT:
            text, after_currency = _windows(text, lowers[at] if at < len(lowers) else None)
        searched.append(text)
        if found := _find(text, after_currency):
            break  # later texts are not read (cutting them has no side effect either)
    if found is None:
        return UNPAID_PAY if any(_says_unpaid(t) for t in searched) else NO_PAY
    low, high, currency, unit = found
    per_hour = None
    if unit == "hour":
        per_hour = (low + high) / 2
    elif unit in ("fixed", "stipend") and hours_max:
        per_hour = ((low + high) / 2) / ((hours_min or hours_max) + hours_max) * 2
    if not per_hour:
        per_hour = None
    elif not per_hour.is_integer():  # rounding leaves a whole number as it is (and is slow)
        per_hour = round(per_hour, 2)
    return Pay(_tidy(low), _tidy(high), currency, unit, False, per_hour)


def _tidy(amount: float) -> float | int:
    """`tidy_number(amount)`, quicker for a whole amount (most are): rounding leaves it as it
    is, and takes a tenth of a posting's time in pay."""
    return int(amount) if amount.is_integer() else tidy_number(amount)
