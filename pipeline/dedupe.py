"""Identity of postings and listings.

A posting is one source's record (`source` + `source_id`). A listing is one opportunity; its
postings are matched in layers:

1. `posting`: the same source and source id again;
2. `url`: the same canonical URL (no scheme, `www.`, tracking parameters, fragment or slash);
3. `similar`: the same employer (company names compared word by word, abbreviations expanded),
   the same title words, or one title with a word added (generic words such as
   "micro-internship" dropped; a replaced word or number means another project), descriptions
   that share most of their words, and nothing that tells them apart: another city, another
   season, cohort or year, other hours.

Layer 3 looks only at listings in the same block (`match_key`: the first letters of the company
key), so the cost grows about linearly. Listing ids are derived from the first posting that
created them, so rebuilding from the same captures in the same order gives the same ids.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = {
    "gh_src",
    "gh_jid",
    "lever-source",
    "lever-origin",
    "ref",
    "source",
    "src",
    "fbclid",
    "gclid",
    "mc_cid",
    "mc_eid",
    "trk",
    "trackingid",
}


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


def company_key(name: str | None) -> str | None:
    """A company name for matching: "Acme Corp." and "ACME, Inc." -> "acme"."""
    if not name:
        return None
    words = re.findall(r"[a-z0-9]+", name.lower().replace("&", " and "))
    while len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
        words.pop()
    while len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words) or None


def posting_id(source: str, source_id: str) -> str:
    return f"{source}:{source_id}"


def listing_id_for(source: str, source_id: str) -> str:
    """A short stable id for a listing first seen as this posting."""
    return hashlib.sha1(posting_id(source, source_id).encode()).hexdigest()[:16]


def canonical_url(url: str) -> str | None:
    """The URL without scheme, `www.`, tracking parameters, fragment or trailing slash."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if not parts.netloc:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    ]
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("", host, path, urlencode(sorted(query)), "")).lstrip("/")


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
COHORT = re.compile(
    r"\b(spring|summer|fall|autumn|winter)\b(?=[^.\n]{0,20}\bcohort)|\bcohort\b[^.\n]{0,12}"
    r"\b(spring|summer|fall|autumn|winter|[ivx]+|\d)\b"
)
SEASON_OR_YEAR = re.compile(r"\b(spring|summer|fall|autumn|winter|20\d\d)\b")
MIN_TEXT_OVERLAP = 0.78
MIN_TITLE_OVERLAP = 0.75
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


def _title_numbers(title: str) -> set[str]:
    """Numbers in a title that are not hours ("Wave 3", "Cohort 2")."""
    return set(TITLE_NUMBER.findall(title.lower()))


def _city(location: str | None) -> str | None:
    if not location or "remote" in location.lower():
        return None
    first = WORD.findall(location.split(",")[0].split("(")[0].lower())
    return " ".join(first) or None


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def similarity(a: dict, b: dict) -> float | None:
    """How much two postings say the same thing (0-1), or None when they are not the same
    opportunity: another employer, another project title, another city, season, cohort or year,
    other hours."""
    if not same_company(a.get("company"), b.get("company")):
        return None
    titles_a, titles_b = title_words(a.get("title", "")), title_words(b.get("title", ""))
    shared = titles_a & titles_b
    if _overlap(titles_a, titles_b) < MIN_TITLE_OVERLAP or len(shared) < min(2, len(titles_a)):
        return None
    if (titles_a - titles_b and titles_b - titles_a) or _title_numbers(
        a.get("title", "")
    ) != _title_numbers(b.get("title", "")):
        return None  # a word or number replaced: one template for two places, languages, waves
    city_a, city_b = _city(a.get("location")), _city(b.get("location"))
    if city_a and city_b and city_a != city_b:
        return None
    title_a, title_b = a.get("title", "").lower(), b.get("title", "").lower()
    if set(SEASON_OR_YEAR.findall(title_a)) != set(SEASON_OR_YEAR.findall(title_b)):
        return None
    text_a = f"{title_a} {a.get('description', '')}".lower()
    text_b = f"{title_b} {b.get('description', '')}".lower()
    if set(COHORT.findall(text_a)) != set(COHORT.findall(text_b)):
        return None
    hours_a, hours_b = a.get("hours_max"), b.get("hours_max")
    if hours_a and hours_b and abs(hours_a - hours_b) > 0.2 * max(hours_a, hours_b):
        return None
    words_a = {w for w in WORD.findall(text_a) if len(w) > 2}
    words_b = {w for w in WORD.findall(text_b) if len(w) > 2}
    if not words_a or not words_b:
        return 1.0 if not words_a and not words_b else 0.0
    return _overlap(words_a, words_b)


class ListingIndex:
    """Which listing a posting belongs to: by posting id, canonical URL, then similarity.

    `by_key` maps a match key to the listings that have it; `details(listing_id)` returns what
    layer 3 compares (title, description, location, hours) for a listing already stored.
    """

    def __init__(
        self,
        by_posting: dict[str, str] | None = None,
        by_url: dict[str, str] | None = None,
        by_key: dict[str, list[str]] | None = None,
        details: Callable[[str], dict | None] | None = None,
    ) -> None:
        self.by_posting = dict(by_posting or {})
        self.by_url = dict(by_url or {})
        self.by_key = {k: list(v) for k, v in (by_key or {}).items()}
        self.details = details or (lambda _: None)
        self.pending: dict[str, dict] = {}  # listings first seen in this batch

    def resolve(self, posting: dict) -> tuple[str, str, float | None]:
        """`(listing_id, how, score)` for a normalized posting; `how` is the layer that matched
        (`posting`, `url`, `similar`) or `new`. Records the posting so later ones match it."""
        pid, url = posting["posting_id"], posting.get("canonical_url")
        key = posting.get("match_key")
        score = None
        if pid in self.by_posting:
            listing, how = self.by_posting[pid], "posting"
        elif url and url in self.by_url:
            listing, how = self.by_url[url], "url"
        else:
            listing, score = self._similar(posting, key)
            how = "similar" if listing else "new"
            listing = listing or listing_id_for(posting["source"], posting["source_id"])
        self.by_posting[pid] = listing
        if url:
            self.by_url.setdefault(url, listing)
        if key and listing not in self.by_key.setdefault(key, []):
            self.by_key[key].append(listing)
        self.pending.setdefault(listing, posting)
        return listing, how, score

    def _similar(self, posting: dict, key: str | None) -> tuple[str | None, float | None]:
        best, best_score = None, MIN_TEXT_OVERLAP
        for listing in self.by_key.get(key, []) if key else []:
            other = self.pending.get(listing) or self.details(listing)
            if other is None:
                continue
            score = similarity(posting, other)
            if score is not None and score >= best_score:
                best, best_score = listing, score
        return best, (round(best_score, 3) if best else None)
