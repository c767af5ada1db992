"""Amounts of money in a text: the patterns of currencies and amounts, and searches for them
that skip what cannot hold one (`pipeline.tagging.pay` reads which of them are pay)."""

from __future__ import annotations

import re
from collections.abc import Iterator

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
    "₱": "PHP",
    "₩": "KRW",
    "CN¥": "CNY",
    "JP¥": "JPY",
}
CODES = (
    *("USD", "EUR", "GBP", "CAD", "AUD", "INR", "CHF", "SGD", "NZD", "SAR", "AED", "JPY", "CNY"),
    *("HKD", "SEK", "NOK", "DKK", "PLN", "BRL", "MXN", "ZAR", "PHP", "IDR", "MYR", "THB", "KRW"),
    *("TWD", "ILS", "TRY", "NGN", "KES", "EGP", "PKR", "VND", "CZK", "HUF", "RON", "COP", "ARS"),
)
AMOUNT = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*([kK])?"
# `\bUSD\b` is written `U(?<!\wU)SD\b`: the same test, but every alternative now starts with a
# literal character, so the regex engine only tries a match where one of those characters is.
CURRENCY = (
    r"(US\$|C\$|CA\$|A\$|AU\$|CN¥|JP¥|\$|£|€|₹|₱|₩|"
    + "|".join(rf"{code[0]}(?<!\w{code[0]}){code[1:]}\b" for code in CODES)
    + ")"
)
MONEY = re.compile(
    rf"{CURRENCY}\s*{AMOUNT}(?:\s*(?:-|–|—|to)\s*(?:{CURRENCY}\s*)?{AMOUNT})?"
    rf"(?:\s*({'|'.join(CODES)})\b)?",
)
# AMOUNT where it does not follow a word character, dot or comma: `(?<![\w.,])(\d{1,3}...|\d+)`
# written to start with its first digit, `(\d(?<![\w.,]\d)(?:\d{0,2}...|\d*))`. Same test, same
# order of tries, but the regex engine now only tries a match where a digit is.
FIRST_AMOUNT = r"(\d(?<![\w.,]\d)(?:\d{0,2}(?:,\d{3})+|\d*))(?:\.(\d{1,2}))?\s*([kK])?"
MONEY_AFTER = re.compile(  # "1,200 USD", "450 €"
    rf"{FIRST_AMOUNT}(?:\s*(?:-|–|—|to)\s*{AMOUNT})?\s*(€|£|\b(?:{'|'.join(CODES)})\b)"
)
# Every MONEY or MONEY_AFTER match holds one of these: a cheap test before the costly patterns.
MONEY_HINT = re.compile(rf"\$|£|€|₹|₱|₩|¥|{'|'.join(CODES)}")
# Every MONEY_HINT match is "$", a symbol that is not ASCII or three capital letters (CODES): in
# a text encoded one byte a character ("?" for each one not ASCII) and translated by this table,
# each starts at a "$" (or a "?": a symbol maybe) or at an "AAA".
HINT_CHARS = bytes(
    ord("A") if chr(c).isupper() and c < 128 else ord("$") if chr(c) in "$?" else ord(" ")
    for c in range(256)
)
# A MONEY match starts at most this many characters before the first of them ("US$", "CN¥");
# each currency of a MONEY_AFTER match is one of them.
MONEY_BEFORE_HINT = 2
# Every ASCII character a MONEY_AFTER match can hold before its currency (its amounts, spaces,
# range words): keep in step with AMOUNT, FIRST_AMOUNT and MONEY_AFTER's range separators.
AMOUNT_CHARS = "0123456789,.kK-–—to \t\n\r\f\v"
# The currencies MONEY_AFTER ends with, as there (codes as in CURRENCY).
AFTER_CURRENCY = re.compile(
    "€|£|" + "|".join(rf"{code[0]}(?<!\w{code[0]}){code[1:]}\b" for code in CODES)
)


def money_matches(text: str, after_currency: bool, hint: int) -> Iterator[re.Match[str]]:
    """MONEY and MONEY_AFTER matches in `text`, by start (MONEY_AFTER's only if
    `after_currency`, false when the text holds none of its currencies). MONEY's alone are
    found as they are read: pay stops at the first that is pay, and the rest of the text is
    not searched. `hint`: where MONEY_HINT first matches; the text before it (and
    MONEY_BEFORE_HINT) holds no start of a MONEY match nor a MONEY_AFTER currency, and is
    not searched either (a lookbehind or `\b` still sees it)."""
    after = money_after(text, hint) if after_currency else []
    start = max(0, hint - MONEY_BEFORE_HINT)
    if not after:
        return MONEY.finditer(text, start)
    return iter(sorted([*MONEY.finditer(text, start), *after], key=lambda match: match.start()))


def money_after(text: str, hint: int = 0) -> list[re.Match[str]]:
    """`list(MONEY_AFTER.finditer(text))`, searching only from just before its currencies.

    A match ends with one of its currencies, after an amount's last digit (or "k") and maybe
    spaces, and holds nothing but AMOUNT_CHARS before it. So no match starts before the run of
    those characters that ends at the first such currency at or after where the last match
    ended, and a search from there finds the next match. `hint`: where the first currency
    can be.
    """
    ends = []
    for currency in AFTER_CURRENCY.finditer(text, hint):
        head = text[: currency.start()].rstrip()  # as \s* matches
        if head and (head[-1].isdecimal() or head[-1] in "kK"):  # as \d matches
            ends.append(currency.start())
    matches: list[re.Match[str]] = []
    end = 0
    for at in ends:
        if at < end:
            continue
        start = len(text[:at].rstrip(AMOUNT_CHARS))
        if start and (text[start - 1].isdecimal() or text[start - 1].isspace()):
            start = 0  # a digit or space outside AMOUNT_CHARS: search it all
        match = MONEY_AFTER.search(text, max(start, end))
        if match is None:
            break
        matches.append(match)
        end = match.end()
    return matches


def money_hint(text: str) -> re.Match[str] | None:
    """`MONEY_HINT.search(text)`, searching from the first place where a match can start (see
    HINT_CHARS): the regex engine tries each capital letter on its way, and a title, which
    mostly holds no hint, has many."""
    marks = text.encode("ascii", "replace").translate(HINT_CHARS).decode()
    if "$" in marks:
        start = marks.index("$")
        code = marks.find("AAA", 0, start)  # an "AAA" before the "$" ends before it
        if code != -1:
            start = code
    elif "AAA" in marks:
        start = marks.index("AAA")
    else:
        return None
    return MONEY_HINT.search(text, start)
