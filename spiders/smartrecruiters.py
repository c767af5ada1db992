"""SmartRecruiters Posting API: every public posting of one or more companies.

GET {base_url}/v1/companies/{companyIdentifier}/postings?offset=N&limit=N lists postings as
`{"offset", "limit", "totalFound", "content": [...]}`; pages are walked by offset until
`totalFound` is reached (`-a limit=` sets the page size, at most 100, the API's maximum). List
entries carry no ad text, so each posting's details are fetched from
GET {base_url}/v1/companies/{companyIdentifier}/postings/{postingId}, whose
`jobAd.sections` (`companyDescription`, `jobDescription`, `qualifications`,
`additionalInformation`, each `{"title", "text"}` with HTML) make the description and whose
`postingUrl` is the page a student reads. Structured signals kept: `typeOfEmployment.label`,
`department`/`function`/`industry` labels, `location` (`fullLocation`, `remote`),
`releasedDate`, `company.name` and the pay: the details' `compensation` (`min`, `max`,
`currency`, `period` such as `HOURLY` or `YEARLY`; on a minority of postings), else a
`customField` entry (`fieldId`, `fieldLabel`, `valueId`, `valueLabel`) labelled "Salary Range".
Docs: SmartRecruiters Posting API ("/postings" and
"/postings/{postingId}", https://developers.smartrecruiters.com/docs/posting-api).

A details request that fails (HTTP error, robots.txt, invalid JSON) does not lose the posting:
it is yielded from the list entry with an empty description and the public job page
`https://jobs.smartrecruiters.com/{companyIdentifier}/{postingId}` as its URL (the list's `ref`
is an API address, not a page), and `microintern/detail_failures` is counted. An unknown company
is answered like a company without postings (200, `totalFound` 0), so an empty board is logged
as a warning, not an error.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from spiders.base import BoardSpider
from spiders.fields import (
    amount_text,
    html_description,
    place_or_none,
    plain_text,
    text_or_none,
)
from spiders.items import RawListing

MAX_LIMIT = 100  # the Posting API's largest page
JOB_PAGE = "https://jobs.smartrecruiters.com/{company}/{posting_id}"
SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")
CATEGORY_FIELDS = ("department", "function", "industry")
PAY_PERIODS = {
    "hour": "hour",
    "hourly": "hour",
    "day": "day",
    "daily": "day",
    "week": "week",
    "weekly": "week",
    "month": "month",
    "monthly": "month",
    "year": "year",
    "yearly": "year",
    "annual": "year",
    "annually": "year",
}
SALARY_FIELD_LABELS = frozenset({"salary range", "salary", "pay range", "compensation"})


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _label(value: Any) -> str | None:
    """The `label` of an `{id, label}` object, or None."""
    return text_or_none(_obj(value).get("label"))


class SmartRecruitersSpider(BoardSpider):
    name = "smartrecruiters"
    default_base_url = "https://api.smartrecruiters.com"

    def __init__(self, *args: Any, limit: str | int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = self._parse_limit(limit)

    def board_url(self, board: str, offset: int = 0) -> str:
        return f"{self.base_url}/v1/companies/{board}/postings?offset={offset}&limit={self.limit}"

    def posting_url(self, board: str, posting_id: str) -> str:
        return f"{self.base_url}/v1/companies/{board}/postings/{quote(posting_id, safe='')}"

    def parse(self, response: Response, board: str, offset: int = 0) -> Iterator[scrapy.Request]:
        content = self.load_json_list(response, "content")
        if content is None:
            return
        data = response.json()
        for entry in content:
            posting_id = self._parse_source_id(entry)
            if posting_id is None:
                self.parse_failed(response, "a posting without an id")
                continue
            yield scrapy.Request(
                self.posting_url(board, posting_id),
                callback=self.parse_posting,
                errback=self.posting_failed,
                cb_kwargs={"board": board, "entry": entry},
            )
        total = data.get("totalFound")
        next_offset = offset + len(content)
        if content and isinstance(total, int) and next_offset < total:
            yield scrapy.Request(
                self.board_url(board, next_offset),
                cb_kwargs={"board": board, "offset": next_offset},
            )
        elif offset == 0 and not content:
            self.logger.warning("Board %r lists no public postings (or does not exist)", board)

    def parse_posting(
        self, response: Response, board: str, entry: dict[str, Any]
    ) -> Iterator[RawListing]:
        details = self.load_json(response)
        if details is not None and not isinstance(details, dict):
            self.parse_failed(response, "expected a posting object")
            details = None
        if details is None:
            self._count_detail_failure(response.url, "its details could not be parsed", board)
        item = self._make_posting(entry, details, board)
        if item is not None:
            yield item

    def posting_failed(self, failure: Failure) -> Iterator[RawListing]:
        request = failure.request
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        self._count_detail_failure(request.url, reason, request.cb_kwargs["board"])
        item = self._make_posting(request.cb_kwargs["entry"], None, request.cb_kwargs["board"])
        if item is not None:
            yield item

    def _count_detail_failure(self, url: str, reason: str, board: str) -> None:
        self.logger.warning("Posting details %s failed (%s): kept from the list", url, reason)
        self.count("microintern/detail_failures", board)

    def _make_posting(
        self, entry: dict[str, Any], details: dict[str, Any] | None, board: str
    ) -> RawListing | None:
        source_id = self._parse_source_id(entry) or ""
        posting = {**entry, **(details or {})}  # details are the full object; the list may omit
        title = plain_text(posting.get("name"))
        if not title:
            self.logger.error("Skipped posting %s of board %r: it has no name", source_id, board)
            self.crawler.stats.inc_value("microintern/parse_errors")
            return None
        location = _obj(posting.get("location"))
        return self.make_item(
            source_id=source_id,
            url=self._parse_url(posting, source_id, board),
            title=title,
            company=self._parse_company(posting, board),
            description=self._parse_description(posting),
            location=self._parse_location(location),
            remote=location.get("remote") if isinstance(location.get("remote"), bool) else None,
            employment_type=self._parse_employment_type(posting),
            posted_at=text_or_none(posting.get("releasedDate")),
            pay_text=self._parse_pay_text(posting),
            categories=self._parse_categories(posting),
        )

    def _parse_limit(self, limit: str | int | None) -> int:
        if limit is None:
            return MAX_LIMIT
        try:
            value = int(limit)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= MAX_LIMIT:
            raise ValueError(
                f"spider {self.name!r}: -a limit must be 1 to {MAX_LIMIT}, got {limit!r}"
            )
        return value

    def _parse_source_id(self, entry: Any) -> str | None:
        posting_id = _obj(entry).get("id")
        if isinstance(posting_id, int) and not isinstance(posting_id, bool):
            posting_id = str(posting_id)
        return text_or_none(posting_id)

    def _parse_url(self, posting: dict[str, Any], source_id: str, board: str) -> str:
        url = text_or_none(posting.get("postingUrl")) or text_or_none(posting.get("applyUrl"))
        if url:
            return url
        company = text_or_none(_obj(posting.get("company")).get("identifier")) or board
        return JOB_PAGE.format(
            company=quote(company, safe=""), posting_id=quote(source_id, safe="")
        )

    def _parse_company(self, posting: dict[str, Any], board: str) -> str:
        return text_or_none(_obj(posting.get("company")).get("name")) or board

    def _parse_description(self, posting: dict[str, Any]) -> str:
        sections = _obj(_obj(posting.get("jobAd")).get("sections"))
        parts = []
        for key in SECTIONS:
            section = _obj(sections.get(key))
            text = html_description(text_or_none(section.get("text")))
            if text:
                heading = plain_text(section.get("title"))
                parts.append(f"<h3>{html.escape(heading)}</h3>{text}" if heading else text)
        return "".join(parts)

    def _parse_location(self, location: dict[str, Any]) -> str | None:
        """`fullLocation`, else city, region and country (a code); empty and placeholder parts
        ("Singapore, , Singapore", "N/A") are dropped."""
        full = text_or_none(location.get("fullLocation"))
        if full:
            parts = [place_or_none(part) for part in full.split(",")]
        else:
            parts = [place_or_none(location.get(key)) for key in ("city", "region")]
            parts.append(place_or_none(location.get("country"), country_code=True))
        return ", ".join(part for part in parts if part) or None

    def _parse_employment_type(self, posting: dict[str, Any]) -> str | None:
        kind = _obj(posting.get("typeOfEmployment"))
        return text_or_none(kind.get("label")) or text_or_none(kind.get("id"))

    def _parse_pay_text(self, posting: dict[str, Any]) -> str | None:
        """`"USD 20-25 per hour"` from `compensation` (`"up to ..."` or `"from ..."` with one
        bound); without an amount there, the value of a "Salary Range" custom field."""
        compensation = _obj(posting.get("compensation"))
        low, high = amount_text(compensation.get("min")), amount_text(compensation.get("max"))
        if low or high:
            amount = f"{low}-{high}" if low and high and low != high else low or high
            bound = "" if low and high else "from " if low else "up to "
            currency = (text_or_none(compensation.get("currency")) or "").upper()
            money = f"{bound}{currency} {amount}" if currency else f"{bound}{amount}"
            period = text_or_none(compensation.get("period") or compensation.get("interval"))
            if not period:
                return money
            unit = PAY_PERIODS.get("".join(c for c in period.lower() if c.isalpha()))
            return f"{money} per {unit}" if unit else f"{money} {period.lower()}"
        fields = posting.get("customField")
        for field in fields if isinstance(fields, list) else []:
            label = text_or_none(_obj(field).get("fieldLabel"))
            if label and label.lower() in SALARY_FIELD_LABELS:
                value = plain_text(field.get("valueLabel"))
                if value:
                    return value
        return None

    def _parse_categories(self, posting: dict[str, Any]) -> list[str]:
        labels = [_label(posting.get(field)) for field in CATEGORY_FIELDS]
        return list(dict.fromkeys(label for label in labels if label))
