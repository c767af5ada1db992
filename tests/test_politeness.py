"""Crawl-delay and Retry-After, honoured in real crawls against a local server."""

from datetime import UTC, datetime

import pytest

from spiders.politeness import parse_retry_after
from tests.conftest import FIXTURES

BOARD = FIXTURES / "greenhouse" / "v1" / "boards" / "fieldnotes"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"3", 3.0),
        ("120", 120.0),
        ("Wed, 25 Nov 2026 02:30:10 GMT", 10.0),
        ("Wed, 25 Nov 2026 02:29:00 GMT", 0.0),  # already past
        ("soon", None),
        (None, None),
    ],
)
def test_parse_retry_after(value, expected):
    now = datetime(2026, 11, 25, 2, 30, 0, tzinfo=UTC)
    assert parse_retry_after(value, now) == expected


def gaps(sites, prefix):
    times = [t for t, path in sites.request_times if path.startswith(prefix)]
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def test_robots_crawl_delay_spaces_requests(serve_fixtures, run_spider):
    robots = "User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n"
    sites = serve_fixtures(
        "jsonld", routes={"/robots.txt": (200, robots, {"Content-Type": "text/plain"})}
    )
    items = run_spider("jsonld", url=f"{sites.base_url}/sitemap.xml")
    assert len(items) == 2
    spacing = gaps(sites, "/")[1:]  # from robots.txt on: sitemap index, sitemap, two pages
    assert len(spacing) >= 3
    assert min(spacing) >= 0.9, spacing
    assert run_spider.stats["microintern/crawl_delay/127.0.0.1"] == 1.0


def test_retry_after_is_waited_for(serve_fixtures, run_spider):
    answers = iter([(503, "busy", {"Retry-After": "2"})])

    def flaky():
        return next(answers, None) or (200, (BOARD / "jobs.json").read_text())

    sites = serve_fixtures("greenhouse", routes={"/v1/boards/fieldnotes/jobs": flaky})
    items = run_spider("greenhouse", base_url=sites.base_url, board="fieldnotes")
    assert [item["source_id"] for item in items] == ["4410932007"]
    [wait] = gaps(sites, "/v1/boards/fieldnotes/jobs")
    assert wait >= 1.9, wait
    assert run_spider.stats["microintern/retry_after"] == 1


def test_retry_after_too_long_gives_up(serve_fixtures, run_spider):
    sites = serve_fixtures(
        "greenhouse",
        routes={"/v1/boards/fieldnotes/jobs": (429, "slow down", {"Retry-After": "86400"})},
    )
    assert run_spider("greenhouse", base_url=sites.base_url, board="fieldnotes") == []
    assert run_spider.stats["microintern/retry_after_too_long"] == 1
    assert len(sites.requests) == 2  # robots.txt and one request: no retry storm
