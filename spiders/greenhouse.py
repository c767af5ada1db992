"""Greenhouse Job Board API: every published job of one or more boards.

GET {base_url}/v1/boards/{token}/jobs?content=true returns `{"jobs": [...], "meta": {"total": N}}`.
`content` is the job description as HTML whose entities are escaped once more (twice on some
boards: then it is unescaped twice); `metadata` is null or a list of custom fields (`name`,
`value`, `value_type`), one of which often holds the employment type. Docs: Greenhouse Job Board
API, "List Jobs".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from spiders.base import BoardSpider
from spiders.fields import html_description, place_or_none, plain_text
from spiders.items import RawListing

# Custom field names that hold the employment type, compared by `_field_key`.
EMPLOYMENT_TYPE_FIELDS = frozenset(
    {
        "employment type",
        "type of employment",
        "contract type",
        "type of contract",
        "contract",
        "job type",
        "position type",
        "work type",
        "commitment",
        "type",
    }
)
NOT_LETTERS = re.compile(r"[\W_]+")


def _field_key(name: Any) -> str:
    """`"Contract_Type:"` -> `"contract type"`: lower case, words split by single spaces."""
    return NOT_LETTERS.sub(" ", name).strip().lower() if isinstance(name, str) else ""


class GreenhouseSpider(BoardSpider):
    name = "greenhouse"
    default_base_url = "https://boards-api.greenhouse.io"

    def board_url(self, board: str) -> str:
        return f"{self.base_url}/v1/boards/{board}/jobs?content=true"

    def parse(self, response: Response, board: str) -> Iterator[RawListing]:
        jobs = self.load_json_list(response, "jobs")
        for job in jobs or []:
            yield self.make_item(
                source_id=str(job["id"]),
                url=job.get("absolute_url") or "",
                title=plain_text(job.get("title")) or "",
                company=self._parse_company(job, board),
                description=self._parse_description(job),
                location=self._parse_location(job),
                employment_type=self._parse_employment_type(job),
                posted_at=job.get("first_published") or job.get("updated_at"),
                deadline=job.get("application_deadline"),
                categories=self._parse_categories(job),
            )

    def _parse_company(self, job: dict[str, Any], board: str) -> str:
        return (job.get("company_name") or board).strip()

    def _parse_description(self, job: dict[str, Any]) -> str:
        """`content` unescaped once, as it is sent; twice when it was escaped twice."""
        return html_description(job.get("content"), escaped=True)

    def _parse_location(self, job: dict[str, Any]) -> str | None:
        return place_or_none((job.get("location") or {}).get("name"))

    def _parse_employment_type(self, job: dict[str, Any]) -> str | None:
        """The first custom field named for the employment type ("Employment Type", "Contract
        Type", "Job Type", ...; any case) that has a text value (a multi-select's values joined)."""
        for entry in job.get("metadata") or []:
            name = entry.get("name") if isinstance(entry, dict) else None
            if _field_key(name) not in EMPLOYMENT_TYPE_FIELDS:
                continue
            value = entry.get("value")
            if isinstance(value, list):
                value = ", ".join(v.strip() for v in value if isinstance(v, str) and v.strip())
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    def _parse_categories(self, job: dict[str, Any]) -> list[str]:
        return [d["name"] for d in job.get("departments") or [] if d.get("name")]
