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
key), so the cost grows about linearly. A listing's id is made from when it was first seen and
the first posting that created it (`listing_id_for`), so rebuilding from the same captures in the
same order gives the same ids.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property, lru_cache
from itertools import combinations
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from rapidfuzz import fuzz

from pipeline.tagging.text import TITLE_PARTS

# Parameters that say where a visitor came from, not which job: dropped. Those that name the job
# (`gh_jid` on a company's own Greenhouse page, `jobId`, `id`, `job`) are kept.
TRACKING_PARAMS = {
    "gh_src",
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


def posting_id(source: str, source_id: str) -> str:
    return f"{source}:{source_id}"


# A listing id is the second it was first seen, in Crockford's base 32 (digits and lower-case
# letters, in ASCII order), then a hash of its first posting in hex: ids sort in the order
# listings were first seen. So an import adds its new listings at the end of every index on the
# listing id (the listings' and texts' keys, the postings' `listing_id`, the `first_seen, id`
# order) rather than on pages all over them, and its commit writes pages in proportion to the
# import rather than to the database (bench/dedupe_store_bench.py).
ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
ID_TIME_DIGITS = 7  # seconds since 1970, up to the year 3058
ID_HASH_DIGITS = 15  # 60 bits of the SHA-1 of the posting id, in hex


def listing_id_for(source: str, source_id: str, seen_at: str | None) -> str:
    """The stable id of a listing first seen at `seen_at` (ISO 8601; None or unreadable counts
    as 1970) as this posting: 22 characters, e.g. `1ngf6d8` + `3f2a9c1b5e6d7a8`."""
    digest = hashlib.sha1(posting_id(source, source_id).encode()).hexdigest()
    return _time_digits(seen_at) + digest[:ID_HASH_DIGITS]


@lru_cache(maxsize=1024)  # an import's postings share a few crawl times
def _time_digits(seen_at: str | None) -> str:
    """Whole seconds since 1970 at `seen_at` (UTC; a time without an offset counts as UTC; 0 if
    unknown), in ID_TIME_DIGITS digits of ID_ALPHABET."""
    try:
        moment = datetime.fromisoformat((seen_at or "").replace("Z", "+00:00"))
    except ValueError:
        return ID_ALPHABET[0] * ID_TIME_DIGITS
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = max(0, min(int(moment.timestamp()), 32**ID_TIME_DIGITS - 1))
    digits = []
    for _ in range(ID_TIME_DIGITS):
        seconds, digit = divmod(seconds, 32)
        digits.append(ID_ALPHABET[digit])
    return "".join(reversed(digits))


# A URL with a plain host and no query, fragment, port or user: no parsing needed.
SIMPLE_URL = re.compile(r"https?://([A-Za-z0-9.-]+)(/[^?#\s\\]*)?")


def canonical_url(url: str) -> str | None:
    """The URL without scheme, `www.`, tracking parameters, fragment or trailing slash."""
    if not url or not url.strip():
        return None
    simple = SIMPLE_URL.fullmatch(url.strip())
    if simple:
        host = simple.group(1).lower().removeprefix("www.")
        return f"{host}{(simple.group(2) or '').rstrip('/')}".lstrip("/")
    return parsed_canonical_url(url)


def parsed_canonical_url(url: str) -> str | None:
    """`canonical_url` through the URL parser, for any URL."""
    if not url or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # "http://[::1" or a port that is not a number: not a usable URL
        return None
    if not parts.netloc:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    if port and port not in (80, 443):
        host = f"{host}:{port}"
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
LONG_WORD = re.compile(r"[a-z0-9]{3,}")  # the WORDs of three characters or more
COHORT = re.compile(
    r"\b(spring|summer|fall|autumn|winter)\b(?=[^.\n]{0,20}\bcohort)|\bcohort\b[^.\n]{0,12}"
    r"\b(spring|summer|fall|autumn|winter|[ivx]+|\d)\b"
)
SEASON_OR_YEAR = re.compile(r"\b(spring|summer|fall|autumn|winter|20\d\d)\b")
MIN_TEXT_OVERLAP = 0.78
SAME_SOURCE_TEXT_OVERLAP = 0.95  # one source's two postings of one opportunity: a repost
# The label a repost may add to its title ("Micro-Internship: Freight Rate Data Cleanup").
LABEL_WORDS = {"micro", "internship", "microinternship"}
# Words of a title that make another job of the same template: level and employment type.
LEVEL = re.compile(
    r"\b(junior|jr|senior|sr|lead|principal|staff|head|chief|intern|part[- ]?time|full[- ]?time"
    r"|contract|contractor|temporary|temp|freelance|[ivx]{1,3}|l\d{1,2}|level \d{1,2})\b"
)
LEVEL_NAMES = {"jr": "junior", "sr": "senior", "contractor": "contract", "temp": "temporary"}


def title_levels(title: str) -> frozenset[str]:
    """The level and employment-type words of a title: {"senior"}, {"part-time"}, {"ii"}."""
    return frozenset(
        LEVEL_NAMES.get(word, word).replace(" ", "-").replace("parttime", "part-time")
        for word in LEVEL.findall(title.lower())
    )


MAX_SUBSET_WORDS = 6  # up to this many title words, candidates are found by their word sets
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


# Cities that boards and career pages name in two languages: the local name -> the English one.
CITY_EXONYMS = {
    "munchen": "munich", "koln": "cologne", "wien": "vienna", "lisboa": "lisbon",
    "praha": "prague", "roma": "rome", "milano": "milan", "napoli": "naples", "torino": "turin",
    "firenze": "florence", "warszawa": "warsaw", "krakow": "cracow", "bruxelles": "brussels",
    "brussel": "brussels", "den haag": "the hague", "geneve": "geneva", "kobenhavn": "copenhagen",
    "goteborg": "gothenburg", "sevilla": "seville", "athina": "athens", "bucuresti": "bucharest",
    "ciudad de mexico": "mexico city", "sao paulo": "sao paulo", "zurich": "zurich",
}  # fmt: skip


def _folded(text: str) -> str:
    """Lower case, accents dropped ("München" -> "munchen")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _city(location: str | None) -> str | None:
    if not location or "remote" in location.lower():
        return None
    first = " ".join(WORD.findall(_folded(location.split(",")[0].split("(")[0])))
    return CITY_EXONYMS.get(first, first) or None


# Words of a title that repeat where or how the work is done: no part of its identity.
WORKPLACE_WORDS = {"remote", "hybrid", "onsite", "site", "office"}


def _place_words(location: str | None) -> set[str]:
    """The words of a location, accents folded, with the English names of its cities."""
    words = set(WORD.findall(_folded(location or "")))
    return words | {CITY_EXONYMS[w] for w in words if w in CITY_EXONYMS}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


@dataclass(frozen=True)
class Features:
    """What layer 3 compares, computed once per posting or listing."""

    company_compact: str
    company_words: tuple[str, ...]
    titles: frozenset[str]  # without the words of its location and workplace
    qualifiers: frozenset[str]  # the title's words outside its main part
    title_numbers: frozenset[str]
    title_seasons: frozenset[str]
    levels: frozenset[str]
    cohorts: frozenset[tuple[str, str]]
    title: str  # its words, lower case, without LABEL_WORDS
    place: str  # the location's words, lower case
    city: str | None
    hours: float | None
    pay: tuple[float, float, str] | None  # min, max, unit
    deadline: str | None
    text: str  # title and description, lower case

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
    return Features(
        company_compact=company_compact,
        company_words=company_words,
        titles=frozenset(title_words(_folded(title)) - _place_words(location) - WORKPLACE_WORDS),
        qualifiers=frozenset(_qualifier_words(title)),
        title_numbers=frozenset(_title_numbers(title)),
        title_seasons=frozenset(SEASON_OR_YEAR.findall(title.lower())),
        levels=title_levels(title),
        title=" ".join(w for w in WORD.findall(title.lower()) if w not in LABEL_WORDS),
        cohorts=frozenset(COHORT.findall(text)) if "cohort" in text else frozenset(),
        city=_city(location),
        place=" ".join(WORD.findall((location or "").lower())),
        hours=item.get("hours_max"),
        pay=_pay(item),
        deadline=item.get("deadline"),
        text=text,
    )


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


def _qualifier_words(title: str) -> set[str]:
    """The distinctive words of a title outside its main part (the part with the most of
    them): "Performance Marketing Manager – DACH" -> {"dach"}."""
    parts = [title_words(_folded(part)) for part in TITLE_PARTS.split(title)]
    main = max(parts, key=len, default=set())
    return set().union(*(part for part in parts if part is not main)) - main


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


def board_of(source: str, url: str | None) -> str:
    """Where a posting is listed: its source and the canonical URL up to its last segment
    (`job-boards.greenhouse.io/impact/jobs`, `jobs.lever.co/binance`, a career site's jobs
    folder). Two postings of one board are that board's postings; two of one source's boards
    or career sites are not."""
    folder = (url or "").split("?", 1)[0].rsplit("/", 1)[0]
    return f"{source} {folder}"


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


class ListingIndex:
    """Which listing a posting belongs to: by posting id, canonical URL, then similarity.

    `by_key` maps a block (`match_key`) to the listings in it; `block(key)` returns what layer 3
    compares (id, title, company, description, location, hours_max) for the stored listings of
    a block. Within a block, candidates must share a title word.
    """

    def __init__(
        self,
        by_posting: dict[str, str] | None = None,
        by_url: dict[str, str] | None = None,
        by_key: dict[str, list[str]] | None = None,
        block: Callable[[str], Iterable[dict]] | None = None,
        url_sources: dict[str, set[str]] | None = None,
    ) -> None:
        self.by_posting = dict(by_posting or {})
        self.by_url = dict(by_url or {})
        # canonical URL -> the sources whose postings have it: a URL one source gives two of its
        # postings is a list page, not a job's identity
        self.url_sources = {url: set(found) for url, found in (url_sources or {}).items()}
        self.listing_sources: dict[str, set[str]] = {}  # listings made or met in this batch
        self.stored_sources: dict[str, set[str]] = {}  # the stored listings' `sources`
        self.by_key = {k: list(v) for k, v in (by_key or {}).items()}
        self.block = block or (lambda _: ())
        self.features: dict[str, Features] = {}  # listings first seen in this batch
        self.title_index: dict[str, dict[str, set[str]]] = {}  # block -> title word -> listings
        self.title_sets: dict[str, dict[frozenset[str], set[str]]] = {}  # block -> words -> ...

    def resolve(self, posting: dict) -> tuple[str, str, float | None]:
        """`(listing_id, how, score)` for a normalized posting; `how` is the layer that matched
        (`posting`, `url`, `similar`) or `new`. Records the posting so later ones match it."""
        pid, url = posting["posting_id"], posting.get("canonical_url")
        key = posting.get("match_key")
        score = None
        found = None
        source = board_of(posting["source"], url)
        if pid in self.by_posting:
            listing, how = self.by_posting[pid], "posting"
        elif url and url in self.by_url and source not in self.url_sources.get(url, ()):
            listing, how = self.by_url[url], "url"
        else:
            found = features(posting)
            match, score = self._similar(found, key, source)
            how = "similar" if match else "new"
            listing = match or listing_id_for(
                posting["source"], posting["source_id"], posting.get("seen_at")
            )
        self.by_posting[pid] = listing
        self.listing_sources.setdefault(listing, set()).add(source)
        if url:
            self.by_url.setdefault(url, listing)
            self.url_sources.setdefault(url, set()).add(source)
        if key and listing not in self.by_key.setdefault(key, []):
            self.by_key[key].append(listing)
            if listing not in self.features:
                self._remember(key, listing, found or features(posting))
        return listing, how, score

    def _sources_of(self, listing: str) -> set[str]:
        """The boards of a listing's postings (as stored, with this batch's): see `board_of`."""
        return self.listing_sources.get(listing, set()) | self.stored_sources.get(listing, set())

    def _remember(self, key: str, listing: str, found: Features) -> None:
        self.features[listing] = found
        if key in self.title_index:
            self._index_titles(key, listing, found.titles)

    def _index_titles(self, key: str, listing: str, titles: frozenset[str]) -> None:
        for word in titles:
            self.title_index[key].setdefault(word, set()).add(listing)
        self.title_sets[key].setdefault(titles, set()).add(listing)

    def _candidates(self, key: str, titles: frozenset[str]) -> set[str]:
        if key not in self.title_index:
            for row in self.block(key):
                self.features.setdefault(row["id"], features(row))
                if row.get("posting_urls"):
                    self.stored_sources[row["id"]] = {
                        board_of(*line.split(" ", 1)) for line in row["posting_urls"].split("\n")
                    }
            self.title_index[key], self.title_sets[key] = {}, {}
            for listing in self.by_key.get(key, []):
                if listing in self.features:
                    self._index_titles(key, listing, self.features[listing].titles)
        index = self.title_index[key]
        if not titles:
            return set()
        # A match has all the posting's title words, or only words the posting has: a replaced
        # word means another project (see `compare`).
        groups = [index.get(word, set()) for word in titles]
        having_all = set.intersection(*groups)
        if len(titles) > MAX_SUBSET_WORDS:
            within = {c for c in set().union(*groups) if self.features[c].titles <= titles}
            return having_all | within
        by_set = self.title_sets[key]
        words = sorted(titles)
        # `compare` wants two shared words when the posting has two: smaller sets never match.
        for size in range(min(2, len(words)), len(words) + 1):
            for subset in combinations(words, size):
                having_all |= by_set.get(frozenset(subset), set())
        return having_all

    def _similar(
        self, found: Features, key: str | None, source: str = ""
    ) -> tuple[str | None, float | None]:
        """The listing most like `found`, and the score. A listing that already has a posting
        of the same source (another source id) is that source's other posting: it is the same
        opportunity only when its title and text are the same."""
        best, best_score = None, MIN_TEXT_OVERLAP
        for listing in sorted(self._candidates(key, found.titles)) if key else []:
            known = self.features[listing]
            if source in self._sources_of(listing) and not _same_posting_again(found, known):
                continue
            score = compare(found, known)
            if score is not None and score >= best_score:
                best, best_score = listing, score
        if best is None and key:  # another source may word the same opportunity otherwise
            for listing in sorted(self._sharing_a_title_word(key, found.titles)):
                if source in self._sources_of(listing):
                    continue
                score = compare_across(found, self.features[listing])
                if score is not None and score >= best_score:
                    best, best_score = listing, score
        return best, (round(best_score, 3) if best else None)

    def _sharing_a_title_word(self, key: str, titles: frozenset[str]) -> set[str]:
        """The listings of a block that share at least half the words of `titles`, and two
        when it has two (after `_candidates` has indexed the block): a reworded title keeps
        most of its words."""
        index = self.title_index.get(key, {})
        shared = Counter(listing for word in titles for listing in index.get(word, ()))
        least = max(min(2, len(titles)), (len(titles) + 1) // 2)
        return {listing for listing, count in shared.items() if count >= least}
