"""Workable careers widget API: every published job of one or more Workable accounts.

GET {base_url}/api/v1/widget/accounts/{slug}?details=true returns
`{"name": <company>, "description": <company blurb or null>, "jobs": [...]}` with all published
jobs in one response (no paging). Each job has `title`, `shortcode` (the stable id), `code`,
`employment_type`, `telecommuting`, `department`, `url`, `shortlink`, `application_url`,
`published_on`, `created_at` (dates `YYYY-MM-DD`), `country`, `city`, `state`, `education`,
`experience`, `function`, `industry`, `locations` (`country`, `countryCode`, `city`, `region`,
`hidden`) and, only with `details=true`, `description` (HTML). Empty values are `""` or null.
The slug is the path segment of the account's page, `https://apply.workable.com/{slug}/`; an
unknown slug answers 404. This is the public endpoint behind Workable's embeddable careers
widget; Workable's documented API (https://workable.readme.io/reference/jobs) needs a token.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from spiders.base import BoardSpider
from spiders.fields import html_description, place_or_none, plain_text, text_or_none
from spiders.items import RawListing

CATEGORY_FIELDS = ("department", "function", "industry")


def _place(*parts: Any) -> str | None:
    texts = [text for text in map(place_or_none, parts) if text]
    return ", ".join(dict.fromkeys(texts)) or None


class WorkableSpider(BoardSpider):
    name = "workable"
    default_base_url = "https://apply.workable.com"

    def board_url(self, board: str) -> str:
        return f"{self.base_url}/api/v1/widget/accounts/{board}?details=true"

    def parse(self, response: Response, board: str) -> Iterator[RawListing]:
        jobs = self.load_json_list(response, "jobs")
        if jobs is None:
            return
        company = self._parse_company(response.json(), board)
        for job in jobs:
            if not isinstance(job, dict):
                self.parse_failed(response, "a job that is not an object")
                continue
            shortcode, title = text_or_none(job.get("shortcode")), plain_text(job.get("title"))
            url = self._parse_url(job)
            if not (shortcode and title and url):
                self.parse_failed(response, f"job {shortcode!r} lacks a shortcode, title or url")
                continue
            yield self.make_item(
                source_id=shortcode,
                url=url,
                title=title,
                company=company,
                description=self._parse_description(job),
                location=self._parse_location(job),
                remote=job["telecommuting"] if isinstance(job.get("telecommuting"), bool) else None,
                employment_type=text_or_none(job.get("employment_type")),
                posted_at=text_or_none(job.get("published_on"))
                or text_or_none(job.get("created_at")),
                categories=self._parse_categories(job),
            )

    def _parse_company(self, data: dict[str, Any], board: str) -> str:
        return text_or_none(data.get("name")) or board

    def _parse_url(self, job: dict[str, Any]) -> str | None:
        for key in ("url", "shortlink", "application_url"):
            if text_or_none(job.get(key)):
                return text_or_none(job.get(key))
        return None

    def _parse_description(self, job: dict[str, Any]) -> str:
        return html_description(text_or_none(job.get("description")))

    def _parse_location(self, job: dict[str, Any]) -> str | None:
        """The job's main place; else its visible `locations`, joined with "; "."""
        main = _place(job.get("city"), job.get("state"), job.get("country"))
        if main:
            return main
        locations = job.get("locations")
        places = [
            _place(loc.get("city"), loc.get("region"), loc.get("country"))
            for loc in (locations if isinstance(locations, list) else [])
            if isinstance(loc, dict) and not loc.get("hidden")
        ]
        return "; ".join(dict.fromkeys(place for place in places if place)) or None

    def _parse_categories(self, job: dict[str, Any]) -> list[str]:
        labels: list[str] = []
        for field in CATEGORY_FIELDS:
            value = job.get(field)
            for label in value if isinstance(value, list) else [value]:
                text = text_or_none(label)
                if text:
                    labels.append(text)
        return list(dict.fromkeys(labels))
