"""Shared fixtures: local fixture servers, real spider runs, a built demo database."""

from __future__ import annotations

import asyncio
import json
import mimetypes
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from itemadapter import ItemAdapter
from scrapy import Request, Spider
from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.utils.request import fingerprint

from pipeline.collect.crawl import CrawlJob, capture_paths, run_spider_process, spider_command
from pipeline.collect.sample_sites import TEXT_TYPES, SampleSites
from pipeline.demo import LOCAL_SETTINGS

FIXTURES = Path(__file__).parent / "fixtures"
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "spiders.settings")
# The host of in-process responses: nothing listens there, no request is ever sent.
OFFLINE_BASE_URL = "http://127.0.0.1:8080"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "crawl: a real `scrapy crawl` subprocess against a fixture server on 127.0.0.1 (slow); "
        "each spider's test file has exactly one (tests/test_spider_guard.py checks)",
    )


def serve(root: Path, routes: dict | None = None) -> SampleSites:
    """SampleSites serving `root` (and `routes`), started; stop it with `close()`. It polls for
    shutdown every 50 ms rather than SampleSites' 0.5 s, which every test would wait for."""
    sites = SampleSites(root, routes=routes)
    report = sites.httpd.handle_error

    def handle_error(request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # not a client that gave up
            report(request, client_address)

    # A stalled answer outlives its test's timeout, and its broken pipe would be printed in the
    # middle of a later test's output.
    sites.httpd.handle_error = handle_error
    threading.Thread(target=sites.httpd.serve_forever, args=(0.05,), daemon=True).start()
    return sites


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers a core (16 at most). Most tests spend much of their time waiting
    for a crawl, a server or a subprocess, and one worker a core left the cores idle meanwhile."""
    return min(2 * (os.cpu_count() or 1), 16)


@pytest.fixture
def serve_fixtures(tmp_path: Path) -> Iterator[Callable[..., SampleSites]]:
    """Start a server on 127.0.0.1 for `tests/fixtures/<name>/` (optionally with extra routes;
    with `name` None, only the routes)."""
    started: list[SampleSites] = []

    def start(name: str | None, routes: dict | None = None) -> SampleSites:
        sites = serve(FIXTURES / name if name else tmp_path / "no-files", routes)
        started.append(sites)
        return sites

    yield start
    for sites in started:
        sites.close()


@pytest.fixture
def run_spider(tmp_path: Path) -> Callable[..., list[dict[str, Any]]]:
    """Crawl with a real Scrapy process; return the raw items it captured (without scraped_at)."""

    def run(spider: str, **args: str) -> list[dict[str, Any]]:
        job = CrawlJob(spider, args)
        paths = capture_paths(job, "testrun", tmp_path)
        command = spider_command(job, "testrun", tmp_path, LOCAL_SETTINGS)
        process = run_spider_process(command, paths["stats"], 120, paths["log"])
        out = paths["raw"]
        assert process.exit_code == 0, process.error
        items = [json.loads(line) for line in out.read_text().splitlines()]
        for item in items:
            assert item.pop("scraped_at").endswith("Z")
        run.stats = process.stats
        return items

    return run


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`microintern demo --build-only`, run once for the session as a person runs it: the
    database it built from the bundled sample sites, and what it printed. With pytest-xdist,
    the first worker to ask builds it in the run's shared folder and the others read it."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return build_demo(tmp_path_factory.mktemp("demo"))
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent / "demo"  # beside the workers' folders
    shared.mkdir(exist_ok=True)
    with FileLock(shared.with_suffix(".lock")):
        printed = shared / "printed.txt"
        if not printed.exists():
            path, output = build_demo(shared)
            printed.write_text(output)
        return shared / "listings.db", printed.read_text()


def build_demo(folder: Path) -> tuple[Path, str]:
    path = folder / "listings.db"
    result = subprocess.run(
        [sys.executable, "-m", "microintern", "demo", "--build-only", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return path, result.stdout


@pytest.fixture(scope="session")
def demo_db(demo_build: tuple[Path, str]) -> Path:
    """A database built by the demo from the bundled sample sites (tests copy it before they
    change it)."""
    return demo_build[0]


def offline_spider(spider_class: type, **arguments: str) -> Any:
    """A spider bound to a crawler (for its stats) that does not crawl: its `parse` methods are
    called in process on responses a test builds."""
    from scrapy.utils.test import get_crawler

    return spider_class.from_crawler(get_crawler(spider_class), **arguments)


def json_response(url: str, data: Any) -> TextResponse:
    """A JSON API response for `url` whose body is `data`."""
    return TextResponse(url=url, body=json.dumps(data).encode(), encoding="utf-8")


def served_response(
    url: str,
    body: bytes | str,
    content_type: str = "application/json",
    status: int = 200,
    request: Request | None = None,
) -> Response:
    """`body` as the fixture server sends it for `url` (`content_type` with a UTF-8 charset, the
    default of its extra routes), as the Response class Scrapy picks for those headers."""
    data = body.encode() if isinstance(body, str) else body
    headers = Headers({"Content-Type": f"{content_type}; charset=utf-8"})
    cls = responsetypes.from_args(headers=headers, url=url, body=data)
    return cls(url=url, status=status, headers=headers, body=data, request=request)


def fixture_response(site: str, url: str, request: Request | None = None) -> Response:
    """The fixture server's answer to `url` from `tests/fixtures/<site>/`, built in process: the
    same file (SampleSites.resolve, which reads only `root`), Content-Type and `{{base_url}}`
    filled in with the URL's own origin."""
    parts = urlsplit(url)
    root = SimpleNamespace(root=(FIXTURES / site).resolve())
    target = SampleSites.resolve(root, parts.path, parts.query)
    if target is None:
        raise FileNotFoundError(f"no file in tests/fixtures/{site}/ answers {url}")
    content_type = mimetypes.guess_type(target.name)[0] or "application/json"
    body = target.read_bytes()
    if content_type in TEXT_TYPES:
        body = body.replace(b"{{base_url}}", f"{parts.scheme}://{parts.netloc}".encode())
    return served_response(url, body, content_type, request=request)


def exported(item: Any) -> dict[str, Any]:
    """An item as the crawl's feed writes it (through ItemAdapter), without `scraped_at`: what
    `run_spider` returns for it."""
    fields = ItemAdapter(item).asdict()
    assert fields.pop("scraped_at").endswith("Z")
    return fields


@dataclass
class OfflineCrawl:
    """What `crawl_offline` saw: the items, and the URLs requested (breadth first)."""

    items: list[Any] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        """The requested URLs as the fixture server logs them: path and query."""
        return [urlsplit(url)._replace(scheme="", netloc="").geturl() for url in self.urls]

    def exported(self) -> list[dict[str, Any]]:
        """The items as `run_spider` returns them (see `exported`)."""
        return [exported(item) for item in self.items]


def crawl_offline(spider: Spider, routes: dict[str, Any] | None = None) -> OfflineCrawl:
    """Drive `spider` in process, as Scrapy's engine would on the fixture server: its start
    requests, then every request its callbacks yield (duplicates dropped, as by Scrapy's
    duplicate filter), each answered by `routes[path]` (`(status, body)`,
    `(status, body, headers)` or a callable returning one, as SampleSites takes them) or else by
    the fixture file of `tests/fixtures/<spider name>/`. No robots.txt, delays, retries or HTTP
    error handling: an answer other than 200 fails the test, since those belong to real crawls."""

    async def start() -> list[Request]:
        return [request async for request in spider.start()]

    seen: set[bytes] = set()
    queue = asyncio.run(start())
    crawl = OfflineCrawl()
    while queue:
        request = queue.pop(0)
        key = fingerprint(request)
        if key in seen and not request.dont_filter:
            continue
        seen.add(key)
        crawl.urls.append(request.url)
        path = urlsplit(request.url).path
        if routes and path in routes:
            answer = routes[path]
            status, body, *extra = answer() if callable(answer) else answer
            content_type = (extra[0] if extra else {}).get("Content-Type", "application/json")
            response = served_response(request.url, body, content_type, status, request)
        else:
            response = fixture_response(spider.name, request.url, request)
        assert response.status == 200, f"{request.url} answered {response.status} in process"
        callback = request.callback or spider.parse
        for result in callback(response, **request.cb_kwargs) or []:
            if isinstance(result, Request):
                queue.append(result)
            else:
                crawl.items.append(result)
    return crawl


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite database (WAL included), through SQLite's backup API."""
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


GREENHOUSE_BOARD_PATH = "/v1/boards/algolia/jobs"
GREENHOUSE_JOBS = FIXTURES / "greenhouse" / "v1" / "boards" / "algolia" / "jobs.json"


@pytest.fixture
def board(serve_fixtures):
    """A Greenhouse board whose answer each test sets: a list of jobs, or a status code."""
    state = {"answer": json.loads(GREENHOUSE_JOBS.read_text())["jobs"]}

    def answer():
        if isinstance(state["answer"], int):
            return state["answer"], "{}"
        return 200, json.dumps({"jobs": state["answer"], "meta": {"total": len(state["answer"])}})

    sites = serve_fixtures("greenhouse", routes={GREENHOUSE_BOARD_PATH: answer})
    state["job"] = CrawlJob(
        "greenhouse",
        {"base_url": sites.base_url, "board": "algolia"},
        {"HTTPCACHE_ENABLED": "False", "RETRY_TIMES": "0"},
        "greenhouse-algolia",
    )
    return state


def greenhouse_answer(name: str, base: int, count: int = 3, delay: float = 0.0):
    """A fixture-server route answering a Greenhouse board `name` of `count` jobs (ids from
    `base`), after `delay` seconds."""
    first = json.loads(GREENHOUSE_JOBS.read_text())["jobs"][0]

    def answer():
        time.sleep(delay)
        jobs = [
            dict(
                first,
                id=base + i,
                company_name=name.title(),
                absolute_url=f"https://job-boards.greenhouse.io/{name}/jobs/{base + i}",
                title=f"{name} project {i}",
            )
            for i in range(count)
        ]
        return 200, json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}})

    return answer
