"""Politeness that Scrapy does not provide by default.

- `CrawlDelay` (extension): honours robots.txt `Crawl-delay` (scrapy#892) as a floor under the
  download delay of that site's slot, re-applied after AutoThrottle adjusts the delay.
- `RetryAfterMiddleware` (downloader middleware, replaces Scrapy's RetryMiddleware): on a 429 or
  503 with `Retry-After` (scrapy#3849), slows the site's slot to at least that many seconds before
  the retry goes out; a wait longer than `RETRY_AFTER_MAX` gives up on the request.
- `RobotsTxtForEveryRequest` (downloader middleware, replaces Scrapy's RobotsTxtMiddleware):
  Scrapy 2.19 hands a site's parsed robots.txt to the first request that waited for it to load
  and None (allow everything) to the others, as each waiter awaits the same Deferred and the
  first one consumes its result. A spider asking for three or more pages of one site at once
  would fetch the later ones unchecked; here every waiter reads the parser once it is stored.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from spiders.boards import board_of


def parse_retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delay-seconds or HTTP-date), or None."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _slot_for(crawler: Crawler, request: Request) -> tuple[str, Any]:
    downloader = crawler.engine.downloader
    return downloader._get_slot(request)  # creates the slot when it does not exist yet


class CrawlDelay:
    def __init__(self, crawler: Crawler, maximum: float) -> None:
        self.crawler = crawler
        self.maximum = maximum
        self.floors: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelay:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.getfloat("CRAWL_DELAY_MAX", 60))
        crawler.signals.connect(ext.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        return ext

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        delay = robotparser.crawl_delay(self.crawler.settings.get("USER_AGENT") or "*")
        if not delay:
            return
        key, slot = _slot_for(self.crawler, request)
        self.floors[key] = min(float(delay), self.maximum)
        self._apply(slot, self.floors[key])
        self.crawler.stats.set_value(f"microintern/crawl_delay/{key}", self.floors[key])

    def response_downloaded(self, response: Response, request: Request, spider: Any) -> None:
        key = request.meta.get("download_slot")
        if key in self.floors:
            slot = self.crawler.engine.downloader.slots.get(key)
            if slot is not None:
                self._apply(slot, self.floors[key])

    @staticmethod
    def _apply(slot: Any, floor: float) -> None:
        slot.delay = max(slot.delay, floor)
        slot.jitter = 0  # a random jitter would dip below the floor


class RetryAfterMiddleware(RetryMiddleware):
    RETRY_AFTER_STATUSES = (429, 503)

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if response.status in self.RETRY_AFTER_STATUSES and not request.meta.get("dont_retry"):
            wait = parse_retry_after(response.headers.get(b"Retry-After"))
            if wait is not None:
                stats = self.crawler.stats
                maximum = self.crawler.settings.getfloat("RETRY_AFTER_MAX", 300)
                if wait > maximum:
                    self.crawler.spider.logger.error(
                        "Gave up on %s: Retry-After %.0f s exceeds RETRY_AFTER_MAX %.0f s",
                        request.url,
                        wait,
                        maximum,
                        extra={"board": board_of(request)},
                    )
                    stats.inc_value("microintern/retry_after_too_long")
                    return response
                _, slot = _slot_for(self.crawler, request)
                slot.delay = max(slot.delay, wait)
                slot.jitter = 0  # a random jitter would shorten the wait
                slot.lastseen = time.monotonic()  # the wait counts from this answer
                stats.inc_value("microintern/retry_after")
        return super().process_response(request, response)


class RobotsTxtForEveryRequest(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with the parser given to every request that waited for
    it (see the module docstring)."""

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        loading = self._parsers.get(netloc)
        if not isinstance(loading, Deferred):
            return await super().robot_parser(request)
        loaded: Deferred[None] = Deferred()

        def pass_on(result: Any) -> Any:
            loaded.callback(None)
            return result  # the next waiter gets it too

        loading.addBoth(pass_on)
        await maybe_deferred_to_future(loaded)
        return self._parsers[netloc]  # stored before the Deferred fired; None on an error
