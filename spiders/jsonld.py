"""Career pages that publish schema.org `JobPosting` data as JSON-LD or microdata.

`-a url=START[,START...]` takes career pages or XML sitemaps, absolute or relative to
`-a base_url=`. A sitemap's `<loc>` pages are fetched; on an HTML start page, postings on the page
are read and links to other pages of the same site are followed one level deep. Fields follow
schema.org JobPosting and Google's job-posting structured-data guide. A page's only microdata
JobPosting without a `title` (its heading sits outside the item) takes the page's `og:title`,
else its `<h1>`, else its `<title>`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response
from scrapy.selector import Selector
from scrapy.utils.sitemap import Sitemap

from spiders import structured_data as sd
from spiders.base import BaseSpider, split_arg
from spiders.fields import html_description, html_page, plain_text
from spiders.items import RawListing


class JsonLdSpider(BaseSpider):
    name = "jsonld"

    def __init__(self, *args: Any, url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pages = split_arg(url)  # relative pages are resolved against -a base_url
        self.start_pages = [urljoin(f"{self.base_url}/", p) if self.base_url else p for p in pages]
        if not self.start_pages:
            raise ValueError("spider 'jsonld' needs -a url=CAREER_PAGE_OR_SITEMAP[,...]")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for page in self.start_pages:
            yield scrapy.Request(page, callback=self.parse_start)

    def parse_start(self, response: Response) -> Iterator[Any]:
        if self._is_sitemap(response):
            yield from self._follow_sitemap(response)
            return
        page = html_page(response, only_html=True)
        if page is None:
            self.parse_failed(response, "the start page is neither HTML nor a sitemap")
            return
        yield from self.parse_page(response)
        host = urlsplit(response.url).netloc
        for href in page.css("a::attr(href)").getall():
            link = response.urljoin(href)
            if urlsplit(link).netloc == host and urlsplit(link).scheme in ("http", "https"):
                yield scrapy.Request(link, callback=self.parse_page)

    def parse_page(self, response: Response) -> Iterator[RawListing]:
        page = html_page(response, only_html=True)
        if page is None:  # a PDF or image linked from a careers page: nothing to read
            return
        found = False
        for item in self._json_ld_postings(page, response):
            found = True
            yield item
        if not found:  # microdata only where the page has no JSON-LD posting (no doubles)
            postings = [obj for obj in sd.microdata_objects(page.root) if sd.is_job_posting(obj)]
            # The page's own title names the posting only when the page holds just one.
            page_title = _page_title(page) if len(postings) == 1 else None
            for obj in postings:
                item = self._parse_posting(obj, response, microdata=True, page_title=page_title)
                if item is not None:
                    yield item

    def _json_ld_postings(self, page: Selector, response: Response) -> Iterator[RawListing]:
        for number, block in enumerate(
            page.xpath('//script[@type="application/ld+json"]/text()').getall(), 1
        ):
            try:
                document = sd.parse_block(block)
            except sd.BlockError as exc:
                reason = f"JSON-LD block {number} is malformed: {exc}"
                if "JobPosting" in block:  # a posting was lost: that is a failure of the run
                    self.parse_failed(response, reason)
                else:  # a broken breadcrumb or organization block costs us nothing
                    self.logger.warning("Skipped on %s: %s", response.url, reason)
                    self.crawler.stats.inc_value("microintern/skipped_blocks")
                continue
            for obj in sd.iter_objects(document):
                if sd.is_job_posting(obj):
                    item = self._parse_posting(obj, response)
                    if item is not None:
                        yield item

    def _is_sitemap(self, response: Response) -> bool:
        head = response.body[:512].lstrip().lower()
        return b"<urlset" in head or b"<sitemapindex" in head

    def _follow_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # lxml raises several types for broken XML
            self.parse_failed(response, f"sitemap is malformed: {exc}")
            return
        callback = self.parse_start if sitemap.type == "sitemapindex" else self.parse_page
        for entry in sitemap:
            yield scrapy.Request(response.urljoin(entry["loc"]), callback=callback)

    def _parse_posting(
        self,
        obj: dict[str, Any],
        response: Response,
        microdata: bool = False,
        page_title: str | None = None,
    ) -> RawListing | None:
        """One JobPosting as a raw item, or None after counting a parse failure. Microdata
        values are page text, decoded by the HTML parser; JSON-LD strings are raw JSON, so their
        title's entities are decoded here, once. `page_title` stands in for a missing title."""
        title = sd.text_of(obj.get("title"))
        title = (title if microdata else plain_text(title)) or page_title
        company = self._parse_company(obj)
        if not title or not company:
            self.parse_failed(response, "JobPosting without title or hiringOrganization name")
            return None
        url = response.urljoin(sd.text_of(obj.get("url")) or response.url)
        return self.make_item(
            source_id=self._parse_source_id(obj, url),
            url=url,
            title=title,
            company=company,
            description=html_description(sd.text_of(obj.get("description"))),
            location=sd.place_text(obj.get("jobLocation")),
            remote=self._parse_remote(obj),
            employment_type=sd.text_of(obj.get("employmentType")),
            posted_at=sd.text_of(obj.get("datePosted")),
            deadline=sd.text_of(obj.get("validThrough")),
            pay_text=sd.salary_text(obj.get("baseSalary")),
            hours_text=sd.text_of(obj.get("workHours")),
            categories=self._parse_categories(obj),
        )

    def _parse_company(self, obj: dict[str, Any]) -> str | None:
        return sd.text_of(obj.get("hiringOrganization"))

    def _parse_source_id(self, obj: dict[str, Any], url: str) -> str:
        identifier = obj.get("identifier")
        if isinstance(identifier, dict):  # PropertyValue: `name` is the issuer, `value` the id
            identifier = identifier.get("value")
        identifier = sd.text_of(identifier)
        if identifier:
            return f"{urlsplit(url).hostname}:{identifier}"
        return url

    def _parse_remote(self, obj: dict[str, Any]) -> bool | None:
        location_type = sd.text_of(obj.get("jobLocationType")) or ""
        return True if "TELECOMMUTE" in location_type.upper() else None

    def _parse_categories(self, obj: dict[str, Any]) -> list[str]:
        found: list[str] = []
        for key in ("industry", "occupationalCategory"):
            value = obj.get(key)
            for v in value if isinstance(value, list) else [value]:
                text = sd.text_of(v)
                if text and text not in found:
                    found.append(text)
        return found


def _page_title(page: Selector) -> str | None:
    """The page's `og:title`, else its first `<h1>`, else its `<title>`: text as shown."""
    candidates = (
        page.xpath('//meta[@property="og:title"]/@content').get(),
        " ".join(page.xpath("(//h1)[1]//text()").getall()),
        page.xpath("//title/text()").get(),
    )
    for text in candidates:
        words = " ".join((text or "").split())
        if words:
            return words
    return None
