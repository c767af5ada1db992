"""The Forage: public pages of free, self-paced virtual job simulations. Not paid work.

A simulation page lives at https://www.theforage.com/simulations/{company}/{slug} (the slug ends
in a short id, e.g. `/simulations/tata/data-analytics-t3zr`); the catalogue is
https://www.theforage.com/simulations. `-a url=PAGE_OR_LISTING[,...]` takes simulation pages or
listing pages, absolute or relative to `base_url` (default https://www.theforage.com); on a listing
page, links to simulation pages of the same site are followed.

What a page carries that a crawler can read: the site is rendered with Next.js's app router, so
its data travels in React Server Component script chunks (`self.__next_f.push(...)`, program
objects with `publicId`, `title`, `company`, `timeGuidance`, `difficulty`), an internal,
numbered format with no stable contract. No public source shows these pages publishing JSON-LD
(Course, Event or JobPosting) or a `__NEXT_DATA__` blob. So this spider reads the standard HTML
meta tags: `og:title` (else `<title>`, without a " | Forage" suffix), `og:description` (else
`description`) and the canonical link; plus the duration the page states next to "Self-paced"
(its feature list reads e.g. "Self-paced 3-4 hours"), else a duration stated in the description.
The company is the one the overview names in the platform's standard wording ("A risk-free way
to experience work on the job with us at {Company}."), else the `{company}` URL segment.

Every item is marked as an unpaid simulation: employment type "Simulation (unpaid)", pay
"Unpaid (free simulation)", category "simulation"; `hours_text` is the stated total duration.
`source_id` is "{company}/{slug}" from the URL.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.selector import Selector

from spiders.base import BaseSpider, split_arg
from spiders.fields import html_page
from spiders.items import RawListing

SIMULATION_PATH = re.compile(r"^/simulations/([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)/?$")
DURATION = (
    r"\d{1,3}(?:\.\d+)?(?:\s*(?:-|–|—|to)\s*\d{1,3}(?:\.\d+)?)?\s*"
    r"(?:hours?|hrs?|minutes|mins?)\b"
)
SELF_PACED_DURATION = re.compile(rf"(?i)\bself[- ]paced\b\W{{0,3}}({DURATION})")
ANY_DURATION = re.compile(rf"(?i)(?<![\d$£€.,])({DURATION})")
COMPANY_IN_OVERVIEW = re.compile(r"\bwith us at ([^.!?]{2,80}?)[.!?](?:\s|$)")
VISIBLE_TEXT = "//body//text()[not(ancestor::script) and not(ancestor::style)]"

EMPLOYMENT_TYPE = "Simulation (unpaid)"
PAY_TEXT = "Unpaid (free simulation)"
CATEGORY = "simulation"


class ForageSpider(BaseSpider):
    name = "forage"
    default_base_url = "https://www.theforage.com"

    def __init__(self, *args: Any, url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.start_pages = [urljoin(f"{self.base_url}/", page) for page in split_arg(url)]
        if not self.start_pages:
            raise ValueError("spider 'forage' needs -a url=SIMULATION_OR_LISTING_PAGE[,...]")
        for page in self.start_pages:
            if urlsplit(page).scheme not in ("http", "https"):
                raise ValueError(f"spider 'forage': {page!r} is not an http(s) URL")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for page in self.start_pages:
            if SIMULATION_PATH.match(urlsplit(page).path):
                yield scrapy.Request(page, callback=self.parse_simulation)
            else:
                yield scrapy.Request(page, callback=self.parse_listing)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        page = html_page(response)
        if page is None:
            self.parse_failed(response, "listing page is not text")
            return
        host = urlsplit(response.url).netloc
        found: list[str] = []
        for href in page.css("a::attr(href)").getall():
            link = response.urljoin(href.strip()).split("#", 1)[0]
            parts = urlsplit(link)
            if parts.netloc == host and SIMULATION_PATH.match(parts.path) and link not in found:
                found.append(link)
        if not found:
            self.parse_failed(response, "no links to /simulations/{company}/{slug} pages")
        for link in found:
            yield scrapy.Request(link, callback=self.parse_simulation)

    def parse_simulation(self, response: Response) -> Iterator[RawListing]:
        page = html_page(response)
        if page is None:
            self.parse_failed(response, "simulation page is not text")
            return
        url = self._parse_url(page, response)
        match = SIMULATION_PATH.match(urlsplit(url).path) or SIMULATION_PATH.match(
            urlsplit(response.url).path
        )
        title = self._parse_title(page)
        if not match or not title:
            self.parse_failed(response, "simulation page without a title or a simulation URL")
            return
        company_segment, slug = match.groups()
        description = self._meta(page, "og:description") or self._meta(page, "description")
        yield self.make_item(
            source_id=f"{company_segment}/{slug}",
            url=url,
            title=title,
            company=self._parse_company(description, company_segment),
            description=description or "",
            employment_type=EMPLOYMENT_TYPE,
            pay_text=PAY_TEXT,
            hours_text=self._parse_duration(page, description),
            categories=[CATEGORY],
        )

    def _meta(self, page: Selector, name: str) -> str | None:
        for selector in (
            f'meta[property="{name}"]::attr(content)',
            f'meta[name="{name}"]::attr(content)',
        ):
            value = _squash(page.css(selector).get())
            if value:
                return value
        return None

    def _parse_url(self, page: Selector, response: TextResponse) -> str:
        canonical = page.css('link[rel="canonical"]::attr(href)').get()
        if canonical:
            link = response.urljoin(canonical.strip())
            if urlsplit(link).scheme in ("http", "https"):
                return link
        return response.url

    def _parse_title(self, page: Selector) -> str | None:
        title = self._meta(page, "og:title") or _squash(page.css("title::text").get())
        if not title:
            return None
        site = self._meta(page, "og:site_name") or "Forage"
        for separator in (" | ", " - ", " – ", " — "):
            suffix = f"{separator}{site}"
            if title.endswith(suffix) and len(title) > len(suffix):
                return title[: -len(suffix)].strip()
        return title

    def _parse_company(self, description: str | None, segment: str) -> str:
        match = COMPANY_IN_OVERVIEW.search(description or "")
        if match:
            return match.group(1).strip()
        words = [w for w in re.split(r"[-_]+", segment) if w]
        return " ".join(w[:1].upper() + w[1:] for w in words) or segment

    def _parse_duration(self, page: Selector, description: str | None) -> str | None:
        """The duration stated next to "Self-paced" on the page, else one in the description."""
        text = _squash(" ".join(page.xpath(VISIBLE_TEXT).getall())) or ""
        match = SELF_PACED_DURATION.search(text) or ANY_DURATION.search(description or "")
        return _squash(match.group(1)) if match else None


def _squash(value: str | None) -> str | None:
    if not value:
        return None
    return re.sub(r"\s+", " ", value).strip() or None
