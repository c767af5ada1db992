"""Company and title keys: company names and titles reduced to the words that identify an
employer or a job, and the block (`match_key`) layer 3 searches."""

from __future__ import annotations

import re
from functools import lru_cache

COMPANY_SUFFIXES = {
    "inc",
    "incorporated",
    "llc",
    "l.l.c",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "bv",
    "nv",
    "plc",
    "pty",
    "pllc",
    "lp",
    "llp",
    "the",
}


COMPANY_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=16_384)  # a night's postings come from a few thousand employers
def company_key(name: str | None) -> str | None:
    """A company name for matching: "Acme Corp." and "ACME, Inc." -> "acme"."""
    if not name:
        return None
    words = COMPANY_WORD.findall(name.lower().replace("&", " and "))
    while len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
        words.pop()
    while len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words) or None


GENERIC_TITLE_WORDS = {
    "micro",
    "internship",
    "internships",
    "intern",
    "micro-internship",
    "microinternship",
    "project",
    "projects",
    "based",
    "project-based",
    "short",
    "term",
    "short-term",
    "paid",
    "remote",
    "part",
    "time",
    "part-time",
    "freelance",
    "contract",
    "opportunity",
    "the",
    "a",
    "an",
    "for",
    "and",
    "of",
    "to",
    "with",
    "in",
    "on",
    "new",
    "hr",
    "hrs",
    "hour",
    "hours",
}
ABBREVIATIONS = {
    "sr": "senior",
    "jr": "junior",
    "mgr": "manager",
    "mktg": "marketing",
    "dev": "developer",
    "eng": "engineer",
    "asst": "assistant",
    "cu": "credit union",
    "mfg": "manufacturing",
    "ops": "operations",
    "tech": "technologies",
    "intl": "international",
    "assoc": "association",
    "svcs": "services",
    "co-op": "cooperative",
    "coop": "cooperative",
    "dept": "department",
    "univ": "university",
    "natl": "national",
    "mgmt": "management",
}
WORD = re.compile(r"[a-z0-9]+")


# Words of a title that make another job of the same template: level and employment type.
LEVEL = re.compile(
    r"\b(junior|jr|senior|sr|lead|principal|staff|head|chief|intern|part[- ]?time|full[- ]?time"
    r"|contract|contractor|temporary|temp|freelance|[ivx]{1,3}|l\d{1,2}|level \d{1,2})\b"
)
LEVEL_NAMES = {"jr": "junior", "sr": "senior", "contractor": "contract", "temp": "temporary"}


def title_levels(title: str) -> frozenset[str]:
    """The level and employment-type words of a title: {"senior"}, {"part-time"}, {"ii"}."""
    found = LEVEL.findall(title.lower())
    if not found:  # most titles: no set to build from a generator
        return frozenset()
    return frozenset(
        LEVEL_NAMES.get(word, word).replace(" ", "-").replace("parttime", "part-time")
        for word in found
    )


BLOCK_CHARS = 5


def _words(text: str) -> list[str]:
    words = []
    for word in WORD.findall(text.lower().replace("&", " and ")):
        words.extend(ABBREVIATIONS.get(word, word).split())
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]


def title_words(title: str) -> set[str]:
    """The title's distinctive words: "Micro-Internship: Social Media Audit" and "Social Media
    Audit (Micro-internship)" both give {"social", "media", "audit"}."""
    return {w for w in _words(title) if w not in GENERIC_TITLE_WORDS and not w.isdigit()}


def match_key(company: str | None, title: str = "") -> str | None:
    """The block layer 3 searches: the first letters of the company key without spaces, so
    "Nimbus Pay" and "NimbusPay" meet."""
    key = company_key(company)
    return key.replace(" ", "")[:BLOCK_CHARS] if key else None


def same_company(a: str | None, b: str | None) -> bool:
    """Two company names for one employer: "Sable & Finch" and "Sable and Finch Consulting",
    "Northgate CU" and "Northgate Credit Union", "NimbusPay" and "Nimbus Pay"."""
    key_a, key_b = company_key(a), company_key(b)
    if not key_a or not key_b:
        return False
    if key_a.replace(" ", "") == key_b.replace(" ", ""):
        return True
    words_a, words_b = _words(key_a), _words(key_b)
    shorter, longer = sorted((words_a, words_b), key=len)
    if set(shorter) <= set(longer) and (len(shorter) >= 2 or shorter[0] == longer[0]):
        return True
    return len(shorter) >= 2 and shorter[:2] == longer[:2]


TITLE_NUMBER = re.compile(r"\b(\d+)\b(?!\s*-?\s*(?:h|hrs?|hours?)\b)")


def _title_numbers(title: str) -> frozenset[str]:
    """Numbers in a title that are not hours ("Wave 3", "Cohort 2")."""
    return frozenset(TITLE_NUMBER.findall(title.lower()))
