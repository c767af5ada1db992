"""Comparison of two postings or listings (layer 3): what is compared (`Features`), and
`compare` within a source, `compare_across` two sources."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache

from rapidfuzz import fuzz

from pipeline.dedupe.keys import (
    WORD,
    _title_numbers,
    _words,
    company_key,
    title_levels,
    title_words,
)
from pipeline.dedupe.places import WORKPLACE_WORDS, _city, _folded, _place_words
from pipeline.tagging.text import TITLE_PARTS

LONG_WORD = re.compile(r"[a-z0-9]{3,}")  # the WORDs of three characters or more
COHORT = re.compile(
    r"\b(spring|summer|fall|autumn|winter)\b(?=[^.\n]{0,20}\bcohort)|\bcohort\b[^.\n]{0,12}"
    r"\b(spring|summer|fall|autumn|winter|[ivx]+|\d)\b"
)
SEASON_OR_YEAR = re.compile(r"\b(spring|summer|fall|autumn|winter|20\d\d)\b")
SEASON_CUES = ("20", "spring", "summer", "fall", "autumn", "winter")  # one in every match
MIN_TEXT_OVERLAP = 0.78
SAME_SOURCE_TEXT_OVERLAP = 0.95  # one source's two postings of one opportunity: a repost
# The label a repost may add to its title ("Micro-Internship: Freight Rate Data Cleanup").
LABEL_WORDS = {"micro", "internship", "microinternship"}
MIN_TITLE_OVERLAP = 0.75


# What two postings of one opportunity have alike, or neither `compare` nor `compare_across`
# joins them: the title's numbers, seasons and years, and levels, and the cohorts named.
Marks = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[tuple[str, str]]]


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


@dataclass  # not frozen: a frozen one sets each field through `object.__setattr__` (one a posting)
class Features:
    """What layer 3 compares, computed once per posting or listing: what the listing index
    files it under at once, what only a candidate pair reads when first asked."""

    company_compact: str
    company_words: tuple[str, ...]
    titles: frozenset[str]  # without the words of its location and workplace
    qualifiers: frozenset[str]  # the title's words outside its main part
    title_numbers: frozenset[str]
    title_seasons: frozenset[str]
    levels: frozenset[str]
    cohorts: frozenset[tuple[str, str]]
    given_title: str
    location: str | None
    hours: float | None
    pay: tuple[float, float, str] | None  # min, max, unit
    deadline: str | None
    text: str  # title and description, lower case
    # What must be equal for a match (see `Marks`): the key the listing index files under. It
    # is asked of every posting, so it is made with the rest (a cached property's first read
    # costs more than the tuple).
    marks: Marks

    @cached_property
    def title(self) -> str:
        """The title's words, lower case, without LABEL_WORDS."""
        return " ".join(w for w in WORD.findall(self.given_title.lower()) if w not in LABEL_WORDS)

    @cached_property
    def place(self) -> str:
        """The location's words, lower case."""
        return " ".join(WORD.findall((self.location or "").lower()))

    @cached_property
    def city(self) -> str | None:
        return _city(self.location)

    @cached_property
    def words(self) -> frozenset[str]:
        """The text's longer words: read only for the few pairs that pass every other test."""
        return frozenset(LONG_WORD.findall(self.text))


@lru_cache(maxsize=16_384)
def _company_features(key: str) -> tuple[str, tuple[str, ...]]:
    return key.replace(" ", ""), tuple(_words(key))


def features(item: dict) -> Features:
    key = company_key(item.get("company")) or ""
    title = item.get("title") or ""
    location = item.get("location")
    text = f"{title} {item.get('description') or ''}".lower()
    company_compact, company_words = _company_features(key)
    words, qualifiers = _title_words_and_qualifiers(title)
    numbers = _title_numbers(title)
    seasons = _title_seasons(title.lower())
    levels = title_levels(title)
    cohorts = frozenset(COHORT.findall(text)) if "cohort" in text else frozenset()
    return Features(
        company_compact=company_compact,
        company_words=company_words,
        titles=words - _not_title_words(location),
        qualifiers=qualifiers,
        title_numbers=numbers,
        title_seasons=seasons,
        levels=levels,
        cohorts=cohorts,
        given_title=title,
        location=location,
        hours=item.get("hours_max"),
        pay=_pay(item),
        deadline=item.get("deadline"),
        text=text,
        marks=(numbers, seasons, levels, cohorts),
    )


def _title_seasons(lowered: str) -> frozenset[str]:
    """The seasons and years a lower-cased title names (SEASON_OR_YEAR). Every match holds one
    of SEASON_CUES, so a title without them names none (most do not: no search to run)."""
    if not (
        "20" in lowered
        or "spring" in lowered
        or "summer" in lowered
        or "fall" in lowered
        or "autumn" in lowered
        or "winter" in lowered
    ):
        return frozenset()
    return frozenset(SEASON_OR_YEAR.findall(lowered))


@lru_cache(maxsize=4096)  # a night's postings share a few hundred locations
def _not_title_words(location: str | None) -> frozenset[str]:
    """The words a title shares with its location or workplace and that are left out of its
    distinctive words: the location's words (`_place_words`) and WORKPLACE_WORDS."""
    return frozenset(_place_words(location) | WORKPLACE_WORDS)


def _pay(item: dict) -> tuple[float, float, str] | None:
    low, high, unit = item.get("pay_min"), item.get("pay_max"), item.get("pay_unit")
    if low is None or high is None or not unit:
        return None
    return float(low), float(high), unit


def _agree(a: Features, b: Features) -> bool:
    """Pay in one unit whose ranges meet (within a tenth), and deadlines within two weeks,
    where both say: supporting evidence of one opportunity, or against it."""
    if a.pay and b.pay and a.pay[2] == b.pay[2]:
        if a.pay[0] > b.pay[1] * 1.1 or b.pay[0] > a.pay[1] * 1.1:
            return False
    if a.deadline and b.deadline and a.deadline[:10] != b.deadline[:10]:
        try:
            gap = abs(
                (date.fromisoformat(a.deadline[:10]) - date.fromisoformat(b.deadline[:10])).days
            )
        except ValueError:
            return True
        return gap <= DEADLINE_DAYS_APART
    return True


DEADLINE_DAYS_APART = 14


def _same_company_features(a: Features, b: Features) -> bool:
    if not a.company_compact or not b.company_compact:
        return False
    if a.company_compact == b.company_compact:
        return True
    shorter, longer = sorted((a.company_words, b.company_words), key=len)
    if not shorter:
        return False
    if set(shorter) <= set(longer) and (len(shorter) >= 2 or shorter[0] == longer[0]):
        return True
    if len(shorter) >= 2 and shorter[:2] == longer[:2]:
        return True
    # "Ferncliff Bio" and "Ferncliff Biosciences": the first word, then words cut short
    return (
        len(shorter) == len(longer) >= 2
        and shorter[0] == longer[0]
        and all(long.startswith(short) for short, long in zip(shorter, longer, strict=True))
    )


def compare(a: Features, b: Features) -> float | None:
    """How much two postings say the same thing (0-1), or None when they are not the same
    opportunity: another employer, another project title, another city, season, cohort or year,
    other hours."""
    if not _same_company_features(a, b):
        return None
    shared = a.titles & b.titles
    if _overlap(a.titles, b.titles) < MIN_TITLE_OVERLAP or len(shared) < min(2, len(a.titles)):
        return None
    if (a.titles - b.titles and b.titles - a.titles) or a.title_numbers != b.title_numbers:
        return None  # a word or number replaced: one template for two places, languages, waves
    if a.city and b.city and a.city != b.city:
        return None
    if a.title_seasons != b.title_seasons or a.cohorts != b.cohorts or a.levels != b.levels:
        return None
    if a.hours and b.hours and abs(a.hours - b.hours) > 0.2 * max(a.hours, b.hours):
        return None
    if not a.words or not b.words:
        return 1.0 if not a.words and not b.words else 0.0
    return _overlap(a.words, b.words)


def _title_words_and_qualifiers(title: str) -> tuple[frozenset[str], frozenset[str]]:
    """The distinctive words of a title (`title_words`, accents folded), and those outside its
    main part (the part with the most of them): "Performance Marketing Manager – DACH" ->
    {"performance", "marketing", "manager", "dach"}, {"dach"}. The parts split where no word
    is, so the title's words are those of its parts."""
    parts = [_part_words(part) for part in TITLE_PARTS.split(title)]
    words = frozenset().union(*parts)
    return words, words - max(parts, key=len)


@lru_cache(maxsize=16_384)  # boards repeat the parts of their titles: labels, teams, seasons
def _part_words(part: str) -> frozenset[str]:
    """The distinctive words of one part of a title (`title_words`, accents folded)."""
    return frozenset(title_words(_folded(part)))


def _same_posting_again(a: Features, b: Features) -> bool:
    """Two postings of one source that are one opportunity posted twice: the same title (but
    for case, spacing, punctuation and a "Micro-Internship:" label) and (nearly) the same text,
    as a repost with a new id and a sentence edited. One source's postings with other titles
    are other jobs, however alike their text: Junior and Senior, part-time and full-time, remote
    and on-site, two teams or cities of one template."""
    if a.title != b.title:  # the same title, but for case, spacing and a micro-internship label
        return False
    if a.place and b.place and a.place != b.place:  # "Remote in Denver" and "Toronto"
        return False
    return (
        _overlap(a.words, b.words) >= SAME_SOURCE_TEXT_OVERLAP
        if a.words and b.words
        else (not a.words and not b.words)
    )


# Across sources, one opportunity may be worded twice: "Zoning Research Brief (Cambridge, MA)"
# on a career page, "Zoning Code Research Brief: Cambridge" on a board. Titles whose distinctive
# words agree this much (rapidfuzz's token-set ratio, 0-100) and texts that share this share of
# their words, with everything `compare` checks besides the exact title words, are one.
ACROSS_TITLE_MIN = 90.0
ACROSS_TEXT_MIN = 0.8


def compare_across(a: Features, b: Features) -> float | None:
    """`compare` for postings of two sources, tolerating a reworded title: the score (0-1), the
    mean of the title and text similarities, or None."""
    if not _same_company_features(a, b) or not a.titles or not b.titles:
        return None
    if a.title_numbers != b.title_numbers or a.levels != b.levels:
        return None
    if a.city and b.city and a.city != b.city:
        return None
    if a.title_seasons != b.title_seasons or a.cohorts != b.cohorts:
        return None
    if a.hours and b.hours and abs(a.hours - b.hours) > 0.2 * max(a.hours, b.hours):
        return None
    if not _agree(a, b):  # other pay, or deadlines weeks apart
        return None
    only_a, only_b = a.titles - b.titles, b.titles - a.titles
    if only_a and only_b and only_a <= a.qualifiers and only_b <= b.qualifiers:
        return None  # "Manager – DACH" and "Manager – Benelux": two markets, teams or products
    title = fuzz.token_set_ratio(" ".join(sorted(a.titles)), " ".join(sorted(b.titles)))
    if title < ACROSS_TITLE_MIN or not a.words or not b.words:
        return None
    text = _overlap(a.words, b.words)
    if text < ACROSS_TEXT_MIN:
        return None
    return (title / 100 + text) / 2


def similarity(a: dict, b: dict) -> float | None:
    """`compare` for two postings or listings given as dicts."""
    return compare(features(a), features(b))
