"""Lever Postings API: every published posting of one or more Lever sites.

GET {base_url}/v0/postings/{site}?mode=json&skip=N&limit=N returns a JSON array of postings, a page
at a time: the spider asks for `limit` postings (`-a limit=`, default 100) and asks for the next
page while a page comes back full. Each posting has `id`, `text` (the title), `categories`
(`commitment`, `location`, `allLocations`, `team`, `department`), `createdAt` (epoch milliseconds),
`description` (opening and body, HTML), `lists` (`{text, content}`, content being `<li>` items),
`additional` (closing HTML), `hostedUrl`, `applyUrl`, `workplaceType` (`unspecified`, `on-site`,
`remote` or `hybrid`) and an optional `salaryRange` (`currency`, `interval` such as
`per-hour-wage` or `one-time`, `min`, `max`). Lever has no company name field: the company is the
site name unless `-a company=NAME` is given (applied to every site of the run). EU sites live on
`-a base_url=https://api.eu.lever.co`. An unknown site answers `200 []` or
`404 {"ok": false, "error": "Document not found"}`. Docs: github.com/lever/postings-api (README,
"Get a list of job postings").
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response

from spiders.base import BoardSpider
from spiders.fields import (
    amount_text,
    html_description,
    place_or_none,
    plain_text,
    remote_from_workplace,
    text_or_none,
)
from spiders.items import RawListing

DEFAULT_PAGE_SIZE = 100
# A posting's id, title (`text`) and URL (hostedUrl, else applyUrl): without them it is no listing.
POSTING_KEYS = ("id", "text", ("hostedUrl", "applyUrl"))


class LeverSpider(BoardSpider):
    name = "lever"
    default_base_url = "https://api.lever.co"

    def __init__(
        self,
        *args: Any,
        limit: int | str = DEFAULT_PAGE_SIZE,
        company: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        try:
            self.limit = int(limit)
        except (TypeError, ValueError):
            self.limit = 0
        if self.limit < 1:
            raise ValueError(f"spider 'lever' needs -a limit=N with N >= 1, got {limit!r}")
        self.company = text_or_none(company)
        self.seen_ids: dict[str, set[str]] = {}

    def board_url(self, board: str, skip: int = 0) -> str:
        site = quote(board, safe="")
        return f"{self.base_url}/v0/postings/{site}?mode=json&skip={skip}&limit={self.limit}"

    def parse(self, response: Response, board: str, skip: int = 0) -> Iterator[Any]:
        data = self.load_json_list(response)
        if data is None:
            return
        if not data:
            if skip == 0:
                self.logger.warning(
                    "Lever site %r has no published postings (the site name may be unknown): %s",
                    board,
                    response.url,
                )
                self.crawler.stats.inc_value("microintern/empty_boards")
            return
        seen = self.seen_ids.setdefault(board, set())
        new_ids = 0
        for number, posting in enumerate(data, 1):
            item = self._parse_posting(response, board, number, posting)
            if item is None or item.source_id in seen:
                continue
            seen.add(item.source_id)
            new_ids += 1
            yield item
        if len(data) < self.limit:
            return
        if new_ids == 0:  # a server that ignores skip would otherwise be paged forever
            self.logger.warning("Lever site %r repeated a page; stopping: %s", board, response.url)
            return
        next_skip = skip + self.limit
        yield scrapy.Request(
            self.board_url(board, next_skip), cb_kwargs={"board": board, "skip": next_skip}
        )

    def _parse_posting(
        self, response: Response, board: str, number: int, posting: Any
    ) -> RawListing | None:
        """One posting as a raw item, or None after counting a parse failure."""
        required = self.required_fields(response, f"posting {number}", posting, POSTING_KEYS)
        if required is None:
            return None
        source_id, title, url = required
        categories = posting.get("categories")
        categories = categories if isinstance(categories, dict) else {}
        return self.make_item(
            source_id=source_id,
            url=url,
            title=title,
            company=self.company or board,
            description=self._parse_description(posting),
            location=self._parse_location(categories),
            remote=self._parse_remote(posting),
            employment_type=text_or_none(categories.get("commitment")),
            posted_at=self._parse_posted_at(posting),
            pay_text=self._parse_pay_text(posting),
            categories=self._parse_categories(categories),
        )

    def _parse_description(self, posting: dict[str, Any]) -> str:
        """`description` (opening and body), then each list as a heading and its items, then
        `additional`: what Lever's hosted posting page shows."""
        opening = text_or_none(posting.get("description"))
        parts = [html_description(opening or text_or_none(posting.get("descriptionPlain")))]
        lists = posting.get("lists")
        for entry in lists if isinstance(lists, list) else []:
            if not isinstance(entry, dict):
                continue
            heading, content = plain_text(entry.get("text")), text_or_none(entry.get("content"))
            if heading:
                parts.append(f"<h3>{html.escape(heading, quote=False)}</h3>")
            if content:
                parts.append(f"<ul>{html_description(content)}</ul>")
        parts.append(html_description(text_or_none(posting.get("additional"))))
        return "\n".join(part for part in parts if part)

    def _parse_location(self, categories: dict[str, Any]) -> str | None:
        primary = place_or_none(categories.get("location"))
        others = categories.get("allLocations")
        names = [primary]
        if isinstance(others, list):
            names += [place_or_none(name) for name in others]
        unique = list(dict.fromkeys(name for name in names if name))
        return "; ".join(unique) or None

    def _parse_remote(self, posting: dict[str, Any]) -> bool | None:
        """True for `remote`, False for `on-site` and `hybrid`, None when unspecified."""
        return remote_from_workplace(posting.get("workplaceType"))

    def _parse_posted_at(self, posting: dict[str, Any]) -> str | None:
        created = posting.get("createdAt")
        if isinstance(created, bool) or not isinstance(created, int | float):
            return None
        try:
            moment = datetime.fromtimestamp(created / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return moment.isoformat(timespec="seconds").replace("+00:00", "Z")

    def _parse_pay_text(self, posting: dict[str, Any]) -> str | None:
        """`"USD 20-25 per-hour-wage"` from `salaryRange`, keeping Lever's interval wording
        (`"up to USD 25 ..."` when only the maximum is above 0); else the plain salary
        description. A range whose min and max are 0 or missing names no pay."""
        salary = posting.get("salaryRange")
        if isinstance(salary, dict):
            low, high = amount_text(salary.get("min")), amount_text(salary.get("max"))
            amount = f"{low}-{high}" if low and high and low != high else low or high
            if amount:
                parts = [
                    None if low else "up to",
                    text_or_none(salary.get("currency")),
                    amount,
                    text_or_none(salary.get("interval")),
                ]
                return " ".join(part for part in parts if part)
        return text_or_none(posting.get("salaryDescriptionPlain"))

    def _parse_categories(self, categories: dict[str, Any]) -> list[str]:
        names = (text_or_none(categories.get(key)) for key in ("department", "team"))
        return list(dict.fromkeys(name for name in names if name))
