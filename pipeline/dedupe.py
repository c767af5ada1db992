"""Identity of postings and listings.

A posting is one source's record (`source` + `source_id`). A listing is one opportunity; its
postings are matched in layers: the same posting id again, then the same canonical URL. Listing
ids are derived from the first posting that created them, so rebuilding from the same captures
in the same order gives the same ids.
"""

from __future__ import annotations

import hashlib
import re
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


class ListingIndex:
    """Which listing a posting belongs to, by posting id and by canonical URL."""

    def __init__(
        self,
        by_posting: dict[str, str] | None = None,
        by_url: dict[str, str] | None = None,
    ) -> None:
        self.by_posting = dict(by_posting or {})
        self.by_url = dict(by_url or {})

    def resolve(self, posting: dict) -> tuple[str, str]:
        """`(listing_id, how)` for a normalized posting; `how` is the layer that matched
        (`posting`, `url`) or `new`. Records the posting so later ones in a batch match it."""
        pid, url = posting["posting_id"], posting.get("canonical_url")
        if pid in self.by_posting:
            listing, how = self.by_posting[pid], "posting"
        elif url and url in self.by_url:
            listing, how = self.by_url[url], "url"
        else:
            listing, how = listing_id_for(posting["source"], posting["source_id"]), "new"
        self.by_posting[pid] = listing
        if url:
            self.by_url.setdefault(url, listing)
        return listing, how
