"""Find the job boards a careers page links to or embeds, as entries for the sources file.

`detect_sources(html, page_url)` reads a page without any I/O: every URL in an attribute (links,
iframes, script `src`, `data-*`), in inline scripts (`Grnhse.Settings`, `var ashbyBaseUrl`, JSON
with `\\/` escapes) and in text is matched against the hosts of the ATSs we have spiders for.
HTML comments are skipped, so a commented-out old embed is not reported. A page that carries a
schema.org `JobPosting` in JSON-LD is itself a `jsonld` source. Entries come back de-duplicated
(per spider and board, ignoring case), in the order first seen; the page URL itself is checked
first, so discovering `https://jobs.lever.co/acme` gives that board.

Names: an ATS entry is named after its token made readable (`acme-robotics` -> "Acme Robotics"),
unless the page's `og:site_name`, a part of its `<title>` (split at `|`, ` - ` and the like) or a
posting's `hiringOrganization` equals the token once case, spaces and punctuation are ignored
("Acme Robotics" for `acmerobotics`); then that spelling is used. A `jsonld` entry is named after
the first posting's `hiringOrganization`, else `og:site_name`, else the page's host.

`fetch_page(url)` downloads one page politely (our User-Agent, robots.txt, a timeout and a size
cap) and `discover(url)` fetches and detects.
"""

from __future__ import annotations

import codecs
import http.client
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, unquote, urldefrag, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import lxml.html
from lxml import etree

from spiders import structured_data as sd
from spiders.settings import USER_AGENT

MAX_PAGE_BYTES = 5 * 1024 * 1024  # a careers page larger than this is refused
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB
HTML_TYPES = {"text/html", "application/xhtml+xml"}
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"

LEVER_EU_API = "https://api.eu.lever.co"
GREENHOUSE_BOARD_HOSTS = {
    "boards.greenhouse.io",
    "job-boards.greenhouse.io",
    "boards.eu.greenhouse.io",
    "job-boards.eu.greenhouse.io",
}
# Path segments and subdomains that are parts of an ATS's own site, never a company's board.
NON_TOKENS = {
    "",
    "api",
    "app",
    "apply",
    "assets",
    "blog",
    "careers",
    "cdn",
    "docs",
    "embed",
    "help",
    "j",
    "job",
    "job_app",
    "job_board",
    "jobs",
    "login",
    "o",
    "oneclick-ui",
    "posting-api",
    "search",
    "signin",
    "static",
    "status",
    "support",
    "v0",
    "v1",
    "v2",
    "v3",
    "widget",
    "www",
}
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
URL_IN_TEXT = re.compile(r"(?:https?:)?//[^\s\"'`<>\\]+", re.IGNORECASE)
LINK_ATTRIBUTES = {"href", "src", "action", "data-src", "data-href", "data-url"}
TITLE_SEPARATORS = re.compile(r"\s+[-–—|·:]\s+|\s*[|·]\s*")


class DiscoveryError(Exception):
    """A page could not be fetched for discovery; the message says why."""


# --- detection ------------------------------------------------------------------------------


def board_from_url(url: str) -> tuple[str, str, str | None] | None:
    """`(spider, board, base_url or None)` when `url` points at a known ATS board, else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", ""):
        return None
    host = (parts.hostname or "").lower()
    segments = [unquote(s) for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)

    def seg(i: int) -> str:
        return segments[i] if len(segments) > i else ""

    spider, token, base_url = "", "", None
    if host in GREENHOUSE_BOARD_HOSTS:
        # /embed/job_board?for=T, /embed/job_board/js?for=T, /embed/job_app?for=T&token=JOB
        spider = "greenhouse"
        token = query.get("for", [""])[0] if seg(0) == "embed" else seg(0)
    elif host in ("boards-api.greenhouse.io", "api.greenhouse.io") and segments[:2] == [
        "v1",
        "boards",
    ]:
        spider, token = "greenhouse", seg(2)
    elif host in ("jobs.lever.co", "jobs.eu.lever.co"):
        spider, token = "lever", seg(0)
        base_url = LEVER_EU_API if ".eu." in host else None
    elif host in ("api.lever.co", "api.eu.lever.co") and segments[:2] == ["v0", "postings"]:
        spider, token = "lever", seg(2)
        base_url = LEVER_EU_API if ".eu." in host else None
    elif host == "jobs.ashbyhq.com":
        spider, token = "ashby", seg(0)
    elif host == "api.ashbyhq.com" and segments[:2] == ["posting-api", "job-board"]:
        spider, token = "ashby", seg(2)
    elif host == "careers.smartrecruiters.com":
        spider, token = "smartrecruiters", seg(0)
    elif host == "jobs.smartrecruiters.com":
        oneclick = segments[:2] == ["oneclick-ui", "company"]
        spider, token = "smartrecruiters", seg(2) if oneclick else seg(0)
    elif host == "api.smartrecruiters.com" and segments[:2] == ["v1", "companies"]:
        spider, token = "smartrecruiters", seg(2)
    elif host == "apply.workable.com":
        spider = "workable"
        if segments[:4] == ["api", "v1", "widget", "accounts"]:
            token = seg(4)
        elif seg(0) == "api" and seg(2) == "accounts":  # /api/v2|v3/accounts/SLUG/...
            token = seg(3)
        else:
            token = seg(0)  # /SLUG/, /SLUG/j/CODE/; /j/CODE alone names no board
    elif re.fullmatch(r"[^.]+\.workable\.com", host):
        spider, token = "workable", host.split(".")[0]
    elif re.fullmatch(r"[^.]+\.recruitee\.com", host):
        spider, token = "recruitee", host.split(".")[0]
    if not spider or token.lower() in NON_TOKENS or not TOKEN.fullmatch(token):
        return None
    return spider, token, base_url


def readable(token: str) -> str:
    """`acme-robotics` -> "Acme Robotics"; inner capitals are kept (`BoschGroup`)."""
    return " ".join(w[:1].upper() + w[1:] for w in re.split(r"[-_]+", token) if w)


def _letters_only(text: str) -> str:
    """Letters and digits, lower-cased: `Acme-Robotics!` -> `acmerobotics`."""
    return re.sub(r"[\W_]+", "", text).lower()


def _parse_html(html: str) -> Any:
    if not html.strip():
        return None
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return None


def _is_jsonld(element: Any) -> bool:
    return element.tag == "script" and (
        (element.get("type") or "").strip().lower() == "application/ld+json"
    )


def _postings(script_text: str) -> list[dict[str, Any]]:
    try:
        document = sd.parse_block(script_text)
    except sd.BlockError:
        return []
    return [obj for obj in sd.iter_objects(document) if sd.is_job_posting(obj)]


def _findings(root: Any, page_url: str) -> Iterator[tuple[str, str]]:
    """`("url", ...)` for every URL on the page and `("jsonld", "")` for a JobPosting block."""
    yield "url", page_url
    for element in root.iter():
        if isinstance(element.tag, str):  # not a comment or processing instruction
            for name, value in element.attrib.items():
                if name in LINK_ATTRIBUTES:
                    yield "url", urljoin(page_url, value.strip())
                yield from (("url", u) for u in _urls_in(value))
            if _is_jsonld(element) and _postings(element.text or ""):
                yield "jsonld", ""
            yield from (("url", u) for u in _urls_in(element.text or ""))
        yield from (("url", u) for u in _urls_in(element.tail or ""))


def _urls_in(text: str) -> Iterator[str]:
    text = text.replace("\\/", "/")  # JSON may escape slashes: https:\/\/jobs.lever.co\/acme
    if "//" not in text:
        return
    for match in URL_IN_TEXT.finditer(text):
        url = match.group().rstrip(".,;:!?)]}")
        yield "https:" + url if url.startswith("//") else url


def _page_names(root: Any) -> tuple[list[str], str | None]:
    """Names the page gives itself, and the name for a `jsonld` entry if there is one."""
    site_names = [
        m.get("content", "").strip()
        for m in root.iter("meta")
        if m.get("property") == "og:site_name"
    ]
    titles = [t.text_content() for t in root.iter("title")][:1]
    title_parts = [p.strip() for t in titles for p in TITLE_SEPARATORS.split(t)]
    organizations = [
        sd.text_of(posting.get("hiringOrganization")) or ""
        for script in root.iter("script")
        if _is_jsonld(script)
        for posting in _postings(script.text or "")
    ]
    candidates = [n for n in [*site_names, *title_parts, *organizations] if n]
    jsonld_name = next((n for n in [*organizations, *site_names] if n), None)
    return candidates, jsonld_name


def detect_sources(html: str, page_url: str) -> list[dict[str, str]]:
    """Sources-file entries for every job board the page links to or embeds (see module doc)."""
    root = _parse_html(html)
    if root is None:
        return []
    page_url = urldefrag(page_url).url
    candidates, jsonld_name = _page_names(root)
    found: dict[tuple[str, str], dict[str, str]] = {}
    for kind, url in _findings(root, page_url):
        if kind == "jsonld":
            host = (urlsplit(page_url).hostname or page_url).removeprefix("www.")
            entry = {"name": jsonld_name or host, "spider": "jsonld", "url": page_url}
            found.setdefault(("jsonld", page_url.lower()), entry)
            continue
        board = board_from_url(url)
        if board is None:
            continue
        spider, token, base_url = board
        name = next(
            (c for c in candidates if _letters_only(c) == _letters_only(token)), readable(token)
        )
        entry = {"name": name, "spider": spider, "board": token}
        if base_url:
            entry["base_url"] = base_url
        found.setdefault((spider, token.lower()), entry)
    return list(found.values())


# --- fetching -------------------------------------------------------------------------------


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DiscoveryError(f"{url!r} is not an http(s) URL")


class _Robots:
    """robots.txt rules for each site a fetch touches, each read once (RFC 9309)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.parsers: dict[str, RobotFileParser] = {}

    def check(self, url: str) -> None:
        """Raise DiscoveryError unless robots.txt lets our user agent fetch `url`."""
        parts = urlsplit(url)
        robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
        if robots_url not in self.parsers:
            self.parsers[robots_url] = self._read(robots_url)
        if not self.parsers[robots_url].can_fetch(USER_AGENT, url):
            raise DiscoveryError(f"{robots_url} disallows fetching {url}")

    def _read(self, robots_url: str) -> RobotFileParser:
        parser = RobotFileParser(robots_url)
        request = urllib.request.Request(robots_url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(MAX_ROBOTS_BYTES)
        except urllib.error.HTTPError as exc:
            exc.close()
            if 400 <= exc.code < 500:  # no robots.txt: no rules
                parser.parse([])
                return parser
            raise DiscoveryError(
                f"{robots_url} answered HTTP {exc.code}; the site is treated as disallowed"
            ) from exc
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DiscoveryError(
                f"could not read {robots_url} ({reason}); the site is treated as disallowed"
            ) from exc
        parser.parse(body.decode("utf-8", "replace").splitlines())
        return parser


class _RobotsRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an http(s) URL that robots.txt allows."""

    def __init__(self, robots: _Robots) -> None:
        self.robots = robots

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        try:
            _check_url(newurl)
            self.robots.check(newurl)
        except DiscoveryError:
            fp.close()
            raise
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _charset(declared: str | None, body: bytes) -> str:
    meta = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", body[:4096], re.IGNORECASE)
    for name in (declared, meta and meta.group(1).decode("ascii")):
        if name:
            try:
                return codecs.lookup(name).name
            except LookupError:
                continue
    return "utf-8"


def fetch_page(url: str, timeout: float = 20) -> tuple[str, str]:
    """`(final_url, text)` of an HTML page; raises DiscoveryError when it cannot be had.

    Sends our User-Agent, obeys robots.txt (for the URL and every redirect), follows redirects,
    gives up after `timeout` seconds without an answer and refuses bodies over MAX_PAGE_BYTES
    and responses that are not HTML.
    """
    _check_url(url)
    robots = _Robots(timeout)
    robots.check(url)
    opener = urllib.request.build_opener(_RobotsRedirects(robots))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": ACCEPT})
    try:
        with opener.open(request, timeout=timeout) as response:
            final_url = response.geturl()
            headers = response.headers
            ctype = headers.get_content_type() if headers.get("Content-Type") else "text/html"
            if ctype not in HTML_TYPES:
                raise DiscoveryError(f"{final_url} is {ctype}, not an HTML page")
            length = headers.get("Content-Length", "")
            if length.isdigit() and int(length) > MAX_PAGE_BYTES:
                raise DiscoveryError(f"{final_url} is larger than {MAX_PAGE_BYTES} bytes")
            body = response.read(MAX_PAGE_BYTES + 1)
            if len(body) > MAX_PAGE_BYTES:
                raise DiscoveryError(f"{final_url} is larger than {MAX_PAGE_BYTES} bytes")
            charset = _charset(headers.get_content_charset(), body)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise DiscoveryError(f"{exc.url or url} answered HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise DiscoveryError(f"{url}: no answer within {timeout:g} s") from exc
        raise DiscoveryError(f"{url}: could not connect ({exc.reason})") from exc
    except TimeoutError as exc:
        raise DiscoveryError(f"{url}: no answer within {timeout:g} s") from exc
    except (http.client.HTTPException, OSError, ValueError) as exc:
        raise DiscoveryError(f"{url}: the request failed ({exc})") from exc
    return final_url, body.decode(charset, "replace")


def discover(url: str) -> list[dict[str, str]]:
    """Fetch a careers page and return the sources-file entries it points to."""
    final_url, html = fetch_page(url)
    return detect_sources(html, final_url)
