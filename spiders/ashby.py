"""Ashby Job Postings API: every published job of one or more Ashby job boards.

GET {base_url}/posting-api/job-board/{board}?includeCompensation=true returns
`{"apiVersion": "1", "jobs": [...]}` in one response. Each job has `id`, `title`, `department`,
`team`, `employmentType` (`FullTime`, `PartTime`, `Intern`, `Contract` or `Temporary`), `location`,
`secondaryLocations` (`{location, address}`), `publishedAt`, `isListed`, `isRemote` (true, false or
null), `address`, `jobUrl`, `applyUrl`, `descriptionHtml`, `descriptionPlain`,
`shouldDisplayCompensationOnJobPostings` and, with `includeCompensation=true`, `compensation`
(`compensationTierSummary` such as "$45.00 – $50.00 per hour",
`scrapeableCompensationSalarySummary`, `compensationTiers`, `summaryComponents`). Jobs with
`isListed: false` are skipped. The response names no organization: the company is the board name
unless `-a company=NAME` is given (applied to every board of the run). Docs:
developers.ashbyhq.com/docs/public-job-posting-api ("Job Postings API").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from scrapy.http import Response

from spiders.base import BoardSpider
from spiders.fields import (
    html_description,
    place_or_none,
    remote_from_workplace,
    text_or_none,
)
from spiders.items import RawListing

# A job's id, title and URL (jobUrl, else applyUrl): without them it is no listing.
JOB_KEYS = ("id", "title", ("jobUrl", "applyUrl"))


class AshbySpider(BoardSpider):
    name = "ashby"
    default_base_url = "https://api.ashbyhq.com"

    def __init__(self, *args: Any, company: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = text_or_none(company)

    def board_url(self, board: str) -> str:
        name = quote(board, safe="")
        return f"{self.base_url}/posting-api/job-board/{name}?includeCompensation=true"

    def parse(self, response: Response, board: str) -> Iterator[RawListing]:
        jobs = self.load_json_list(response, "jobs")
        if jobs is None:
            return
        if not jobs:
            self.logger.warning(
                "Ashby job board %r has no published jobs (the board name may be unknown): %s",
                board,
                response.url,
            )
            self.crawler.stats.inc_value("microintern/empty_boards")
            return
        for number, job in enumerate(jobs, 1):
            if isinstance(job, dict) and job.get("isListed") is False:
                self.crawler.stats.inc_value("microintern/unlisted_skipped")
                continue
            item = self._parse_job(response, board, number, job)
            if item is not None:
                yield item

    def _parse_job(
        self, response: Response, board: str, number: int, job: Any
    ) -> RawListing | None:
        """One job as a raw item, or None after counting a parse failure."""
        required = self.required_fields(response, f"job {number}", job, JOB_KEYS)
        if required is None:
            return None
        source_id, title, url = required
        return self.make_item(
            source_id=source_id,
            url=url,
            title=title,
            company=self.company or board,
            description=self._parse_description(job),
            location=self._parse_location(job),
            remote=self._parse_remote(job),
            employment_type=text_or_none(job.get("employmentType")),
            posted_at=text_or_none(job.get("publishedAt")),
            pay_text=self._parse_pay_text(job),
            categories=self._parse_categories(job),
        )

    def _parse_description(self, job: dict[str, Any]) -> str:
        html = text_or_none(job.get("descriptionHtml"))
        return html_description(html or text_or_none(job.get("descriptionPlain")))

    def _parse_location(self, job: dict[str, Any]) -> str | None:
        names = [place_or_none(job.get("location"))]
        secondary = job.get("secondaryLocations")
        for entry in secondary if isinstance(secondary, list) else []:
            if isinstance(entry, dict):
                names.append(place_or_none(entry.get("location")))
        return "; ".join(dict.fromkeys(name for name in names if name)) or None

    def _parse_remote(self, job: dict[str, Any]) -> bool | None:
        """False for a `workplaceType` of `Hybrid` or `OnSite`, whatever `isRemote` says (boards
        flag hybrid jobs remote); else `isRemote` as given; when it is null, True for a
        `workplaceType` of `Remote`; else None."""
        workplace = remote_from_workplace(job.get("workplaceType"))
        if workplace is False:
            return False
        if isinstance(job.get("isRemote"), bool):
            return job["isRemote"]
        return workplace

    def _parse_pay_text(self, job: dict[str, Any]) -> str | None:
        """The compensation summary, unless the employer chose not to show pay on the posting."""
        if job.get("shouldDisplayCompensationOnJobPostings") is False:
            return None
        compensation = job.get("compensation")
        if not isinstance(compensation, dict):
            return None
        return text_or_none(compensation.get("compensationTierSummary")) or text_or_none(
            compensation.get("scrapeableCompensationSalarySummary")
        )

    def _parse_categories(self, job: dict[str, Any]) -> list[str]:
        names = (text_or_none(job.get(key)) for key in ("department", "team"))
        return list(dict.fromkeys(name for name in names if name))
