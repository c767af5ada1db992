"""Pay from a source's pay statement or the posting text.

`parse_pay(texts, hours_min, hours_max)` returns a `Pay`: `min`/`max` amounts, `currency` (ISO
4217 code; a bare `$` is read as USD), `unit` (`fixed`, `hour`, `week`, `month`, `year`,
`stipend`), `unpaid` when the posting says so, and `per_hour`: the hourly rate, stated or derived
from a fixed fee or stipend and the estimated hours. Amounts that are not pay ("raised $10M",
"$2 billion in assets", "a $500 budget for ads") are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.text import tidy_number, windows

SYMBOLS = {
    "$": "USD",
    "US$": "USD",
    "£": "GBP",
    "€": "EUR",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "₹": "INR",
}
CODES = ("USD", "EUR", "GBP", "CAD", "AUD", "INR", "CHF", "SGD", "NZD")
AMOUNT = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*([kK])?"
CURRENCY = r"(US\$|C\$|CA\$|A\$|AU\$|\$|£|€|₹|\b(?:" + "|".join(CODES) + r")\b)"
MONEY = re.compile(
    rf"{CURRENCY}\s*{AMOUNT}(?:\s*(?:-|–|—|to)\s*(?:{CURRENCY}\s*)?{AMOUNT})?"
    rf"(?:\s*({'|'.join(CODES)})\b)?",
)
MONEY_AFTER = re.compile(  # "1,200 USD", "450 €"
    rf"(?<![\w.,]){AMOUNT}(?:\s*(?:-|–|—|to)\s*{AMOUNT})?\s*(€|£|\b(?:{'|'.join(CODES)})\b)"
)
# Every MONEY or MONEY_AFTER match holds one of these: a cheap test before the costly patterns.
MONEY_HINT = re.compile(rf"[$£€₹]|{'|'.join(CODES)}")
MONEY_AFTER_HINT = re.compile(rf"[£€]|{'|'.join(CODES)}")  # the same for MONEY_AFTER
UNIT_WORDS = [
    ("hour", r"per[- ]hour|an hour|/\s*h(?:ou)?r\b|hourly|per-hour-wage|\bper hr\b|\bHOUR\b"),
    ("week", r"per[- ]week|a week|/\s*w(?:ee)?k\b|weekly|per-week"),
    ("month", r"per[- ]month|a month|/\s*mo(?:nth)?\b|monthly|per-month"),
    ("year", r"per[- ]year|a year|/\s*y(?:ea)?r\b|annual(?:ly)?|yearly|per-year|salary|\bYEAR\b"),
    ("stipend", r"stipend"),
    (
        "fixed",
        r"per project|for the project|project fee|flat(?: fee| rate)?|fixed(?: fee)?|"
        r"one[- ]time|in total|total|upon completion|\bPROJECT\b|lump sum",
    ),
]
UNIT_PATTERNS = [(unit, re.compile(rf"(?i){words}")) for unit, words in UNIT_WORDS]
NOT_PAY_AFTER = re.compile(
    r"(?i)^\s*(?:[mb]n?\b|million|billion|trillion|in (?:funding|revenue|sales|assets|"
    r"donations|grants?)|budget|ad spend|of (?:revenue|funding|sales))"
)
NOT_PAY_BEFORE = re.compile(
    r"(?i)(?:raised|raising|revenue of|funding of|budget of|worth|"
    r"valued at|spend(?:ing)?|manage|managing|over|grant of)\s*$"
)
UNPAID = re.compile(
    r"(?i)\bunpaid\b|\bno (?:pay|compensation|stipend)\b|\bnot paid\b|\bvolunteer (?:role|"
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


@dataclass(frozen=True)
class Pay:
    min: float | None = None
    max: float | None = None
    currency: str | None = None
    unit: str | None = None
    unpaid: bool | None = None
    per_hour: float | None = None


def _amount(whole: str, cents: str | None, thousands: str | None) -> float:
    value = float(whole.replace(",", "") + (f".{cents}" if cents else ""))
    return value * 1000 if thousands else value


def _currency(symbol: str | None, code: str | None) -> str | None:
    if code:
        return code.upper()
    if symbol:
        return SYMBOLS.get(symbol, symbol.upper() if symbol.upper() in CODES else None)
    return None


def _unit(after: str, before: str, amount: float) -> str | None:
    for unit, pattern in UNIT_PATTERNS:
        if pattern.search(after):
            return unit
    for unit, pattern in UNIT_PATTERNS:
        if unit in ("stipend", "fixed") and pattern.search(before):
            return unit
    return "year" if amount >= 20000 else None


def find_pay(text: str) -> Pay | None:
    """The first pay amount stated in `text`, or None."""
    if not MONEY_HINT.search(text):
        return None
    after = MONEY_AFTER.finditer(text) if MONEY_AFTER_HINT.search(text) else ()
    matches = sorted([*MONEY.finditer(text), *after], key=lambda m: m.start())
    for match in matches:
        before = text[max(0, match.start() - 40) : match.start()]
        after = text[match.end() : match.end() + 40]
        if NOT_PAY_AFTER.match(after) or NOT_PAY_BEFORE.search(before):
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
        unit = _unit(after[:30], before, high)
        if unit is None and not PAY_CONTEXT.search(before + after[:20]):
            continue  # an amount with no unit and no word of pay around it
        currency = _currency(sym1 or sym2, code)
        return Pay(min=low, max=high, currency=currency, unit=unit or "fixed")
    return None


def parse_pay(
    texts: Iterable[str | None], hours_min: float | None = None, hours_max: float | None = None
) -> Pay:
    """Pay from texts in priority order (the source's pay statement first)."""
    texts = [t if len(t) <= 300 else windows(t, HINTS, 60) for t in texts if t]
    found = next((pay for t in texts if (pay := find_pay(t))), None)
    if found is None:
        unpaid = True if any(UNPAID.search(t) for t in texts) else None
        return Pay(unpaid=unpaid)
    per_hour = None
    if found.unit == "hour":
        per_hour = (found.min + found.max) / 2
    elif found.unit in ("fixed", "stipend") and hours_max:
        per_hour = ((found.min + found.max) / 2) / ((hours_min or hours_max) + hours_max) * 2
    return Pay(
        min=tidy_number(found.min),
        max=tidy_number(found.max),
        currency=found.currency,
        unit=found.unit,
        unpaid=False,
        per_hour=round(per_hour, 2) if per_hour else None,
    )
