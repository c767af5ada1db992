"""Every spider on a hostile web: each failure is recorded on its own source's run, with how it
failed, and the other sources of the same crawl still run.

Real crawls on 127.0.0.1, since HTTP errors, timeouts, size limits and robots.txt are Scrapy's
engine at work: one crawl per spider that asks for every failing page at once, with no retries and
a short download timeout.
"""

import time
from urllib.parse import urlsplit

import pytest

from pipeline.collect.crawl import CrawlJob, crawl
from pipeline.demo import LOCAL_SETTINGS
from spiders.base import BoardSpider
from tests.test_spider_guard import spider_classes

BOARD_SPIDERS = sorted(n for n, c in spider_classes().items() if issubclass(c, BoardSpider))
PAGE_SPIDERS = sorted(n for n, c in spider_classes().items() if not issubclass(c, BoardSpider))
FAST = {**LOCAL_SETTINGS, "RETRY_TIMES": "0", "DOWNLOAD_TIMEOUT": "0.25"}


def slow():
    time.sleep(2)  # the client has given up: the answer's broken pipe is ignored, see quiet()
    return 200, "{}"


def quiet(sites):
    """`sites`, not printing the errors of answers whose client gave up waiting (timeouts)."""
    sites.httpd.handle_error = lambda request, client_address: None
    return sites


def html():
    # A fresh headers dict each time: SampleSites pops the Content-Type out of it.
    return 200, "<html><body><h1>Careers</h1></body></html>", {"Content-Type": "text/html"}


# Each board spider's job asks for all these boards, each page spider's for all these pages:
# name -> (route answer or None for "no such page", the part of the run's reason it causes).
# Every request made while robots.txt loads is checked against it, not only the first
# (spiders.politeness.RobotsTxtForEveryRequest; test_robots_txt_is_applied_to_requests_...).
BOARDS = {
    "forbidden": (None, "robots.txt forbids 1 requests"),
    "unknown": (None, "HTTP 404 x1"),
    "error500": ((500, '{"error": "internal"}'), "HTTP 500 x1"),
    "timeout": (slow, "TimeoutError x1"),
    "truncated": ((200, '{"jobs": [{"id": 1, "title": "Proj'), "errors logged"),
    "html": (html, "errors logged"),
    "oversize": ((200, "[" + "0," * 40_000 + "0]"), "CancelledError x1"),
}
BOARD_SETTINGS = {"DOWNLOAD_MAXSIZE": "10000"}  # for "oversize"
PAGES = {
    "forbidden": (None, "robots.txt forbids 1 requests"),
    "missing": (None, "HTTP 404 x1"),
    "boom": ((500, "oops"), "HTTP 500 x1"),
    "slow": (slow, "TimeoutError x1"),
}


def robots_txt(paths):
    """A route answering robots.txt that disallows `paths`."""
    text = "User-agent: *\n" + "".join(f"Disallow: {path}\n" for path in sorted(paths))
    return lambda: (200, text, {"Content-Type": "text/plain"})


def board_url(spider: str, base_url: str, board: str) -> str:
    return spider_classes()[spider](board=board, base_url=base_url).board_url(board)


def failing_pages(base_url):
    """spider -> {case: (URL, route answer, expected part of the run's reason)}."""
    cases = {}
    for spider in BOARD_SPIDERS:
        cases[spider] = {
            name: (board_url(spider, base_url, name), answer, expected)
            for name, (answer, expected) in BOARDS.items()
        }
    for spider in PAGE_SPIDERS:
        cases[spider] = {
            name: (f"{base_url}/{name}", answer, expected)
            for name, (answer, expected) in PAGES.items()
        }
    return cases


@pytest.mark.crawl
def test_failures_are_recorded_per_source(serve_fixtures, tmp_path):
    sites = quiet(serve_fixtures(None))
    cases = failing_pages(sites.base_url)
    for spider_cases in cases.values():
        for url, answer, _ in spider_cases.values():
            if answer is not None:
                sites.routes[urlsplit(url).path] = answer
    forbidden = {urlsplit(spider_cases["forbidden"][0]).path for spider_cases in cases.values()}
    sites.routes["/robots.txt"] = robots_txt(forbidden)
    base = {"base_url": sites.base_url}
    jobs = [CrawlJob(s, {**base, "board": ",".join(BOARDS)}, BOARD_SETTINGS) for s in BOARD_SPIDERS]
    jobs += [
        CrawlJob(s, {**base, "url": ",".join(url for url, _, _ in cases[s].values())})
        for s in PAGE_SPIDERS
    ]
    rows = crawl(jobs, tmp_path / "listings.db", settings=FAST, echo=lambda *_: None)

    assert [row["source"] for row in rows] == [job.key for job in jobs]
    requested = {urlsplit(path).path for path in sites.requests}
    for row in rows:
        spider, reason = row["source"], row["reason"]
        assert row["status"] == "failed", row
        assert row["items"] == 0, row
        for name, (_, _, expected) in cases[spider].items():
            assert expected in reason, (spider, name, reason)
        assert urlsplit(cases[spider]["forbidden"][0]).path not in requested
        if spider in BOARD_SPIDERS:  # each malformed body is the error logged for its board
            [log] = (tmp_path / "logs" / spider).glob(f"*_{spider}.log")
            for name in ("truncated", "html"):
                url = cases[spider][name][0]
                assert f"[{spider}] ERROR: Could not parse {url}: " in log.read_text()


@pytest.mark.crawl
def test_robots_txt_is_applied_to_requests_made_while_it_loads(serve_fixtures, tmp_path):
    answer = robots_txt(["/v1/boards/forbidden/jobs"])

    def robots():
        time.sleep(0.2)  # every start request is made before it arrives
        return answer()

    sites = serve_fixtures(None, routes={"/robots.txt": robots})
    job = CrawlJob("greenhouse", {"base_url": sites.base_url, "board": "a,b,c,forbidden"})
    [row] = crawl([job], tmp_path / "listings.db", settings=LOCAL_SETTINGS, echo=lambda *_: None)
    assert "/v1/boards/forbidden/jobs?content=true" not in sites.requests
    assert "robots.txt forbids 1 requests" in row["reason"]
