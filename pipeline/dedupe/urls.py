"""Canonical URLs (layer 2), and the board a posting is listed on."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


def board_of(source: str, url: str | None) -> str:
    """Where a posting is listed: its source and the canonical URL up to its last segment
    (`job-boards.greenhouse.io/impact/jobs`, `jobs.lever.co/binance`, a career site's jobs
    folder). Two postings of one board are that board's postings; two of one source's boards
    or career sites are not."""
    folder = (url or "").split("?", 1)[0].rsplit("/", 1)[0]
    return f"{source} {folder}"
