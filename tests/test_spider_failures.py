"""Every spider on a hostile web: each failure is recorded on its own source's run, with how it
failed, and the other sources of the same crawl still run. Real crawls on 127.0.0.1."""

import time
from urllib.parse import urlsplit

import pytest

from pipeline.collect.crawl import CrawlJob, crawl
from pipeline.collect.sample_sites import SampleSites
from pipeline.demo import LOCAL_SETTINGS
from spiders.base import BoardSpider
from tests.test_spider_guard import spider_classes

BOARD_SPIDERS = sorted(n for n, c in spider_classes().items() if issubclass(c, BoardSpider))
PAGE_SPIDERS = sorted(n for n, c in spider_classes().items() if not issubclass(c, BoardSpider))
FAST = {**LOCAL_SETTINGS, "RETRY_TIMES": "0", "DOWNLOAD_TIMEOUT": "1"}
HTML = ("<html><body><h1>Careers</h1></body></html>", {"Content-Type": "text/html"})


def slow():
    time.sleep(3)
    return 200, "{}"


# scenario -> (route answer or None for "no such page", per-job settings, expected reason part)
SCENARIOS = {
    "unknown": (None, {}, "HTTP 404 x1"),
    "error500": ((500, '{"error": "internal"}'), {}, "HTTP 500 x1"),
    "timeout": (slow, {}, "TimeoutError x1"),
    "truncated": ((200, '{"jobs": [{"id": 1, "title": "Proj'), {}, "errors logged"),
    "html": ((200, *HTML), {}, "errors logged"),
    "oversize": ((200, "[" + "0," * 40_000 + "0]"), {"DOWNLOAD_MAXSIZE": "10000"}, "x1"),
}


def board_path(spider: str, base_url: str, board: str) -> str:
    url = spider_classes()[spider](board=board, base_url=base_url).board_url(board)
    return urlsplit(url).path


@pytest.mark.parametrize("spider", BOARD_SPIDERS)
def test_board_spider_failures_are_recorded_per_source(spider, tmp_path):
    with SampleSites(tmp_path / "empty") as sites:
        jobs = []
        for scenario, (answer, settings, _) in SCENARIOS.items():
            if answer is not None:
                sites.routes[board_path(spider, sites.base_url, scenario)] = answer
            jobs.append(
                CrawlJob(
                    spider,
                    {"base_url": sites.base_url, "board": scenario},
                    settings,
                    f"{spider}-{scenario}",
                )
            )
        rows = crawl(
            jobs, tmp_path / "listings.db", settings=FAST, timeout=60, echo=lambda *_: None
        )
    assert [row["source"] for row in rows] == [job.key for job in jobs]
    for row, (scenario, (_, _, expected)) in zip(rows, SCENARIOS.items(), strict=True):
        assert row["status"] == "failed", (scenario, row)
        assert row["items"] == 0
        assert expected in row["reason"], (scenario, row["reason"])


@pytest.mark.parametrize("spider", BOARD_SPIDERS + PAGE_SPIDERS)
def test_robots_txt_disallowing_the_path_is_a_failure(spider, tmp_path):
    robots = (200, "User-agent: *\nDisallow: /\n", {"Content-Type": "text/plain"})
    with SampleSites(tmp_path / "empty", routes={"/robots.txt": robots}) as sites:
        target = {"board": "acme"} if spider in BOARD_SPIDERS else {"url": f"{sites.base_url}/x"}
        [row] = crawl(
            [CrawlJob(spider, {"base_url": sites.base_url, **target})],
            tmp_path / "listings.db",
            settings=FAST,
            echo=lambda *_: None,
        )
        assert sites.requests == ["/robots.txt"]
    assert row["status"] == "failed"
    assert "robots.txt forbids 1 requests" in row["reason"]


@pytest.mark.parametrize("spider", PAGE_SPIDERS)
def test_page_spider_failures_are_recorded(spider, tmp_path):
    with SampleSites(tmp_path / "empty", routes={"/boom": (500, "oops"), "/slow": slow}) as sites:
        jobs = [
            CrawlJob(
                spider,
                {"base_url": sites.base_url, "url": f"{sites.base_url}/{page}"},
                {},
                f"{spider}-{page}",
            )
            for page in ("missing", "boom", "slow")
        ]
        rows = crawl(jobs, tmp_path / "listings.db", settings=FAST, echo=lambda *_: None)
    reasons = [row["reason"] for row in rows]
    assert [row["status"] for row in rows] == ["failed"] * 3, reasons
    assert "HTTP 404 x1" in reasons[0]
    assert "HTTP 500 x1" in reasons[1]
    assert "TimeoutError x1" in reasons[2]
