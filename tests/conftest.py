"""Shared fixtures: local fixture servers, real spider runs, a built demo database."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import TextResponse

from pipeline.collect.crawl import CrawlJob, capture_paths, run_spider_process, spider_command
from pipeline.collect.sample_sites import SampleSites
from pipeline.demo import LOCAL_SETTINGS, build_demo

FIXTURES = Path(__file__).parent / "fixtures"
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "spiders.settings")


@pytest.fixture
def serve_fixtures() -> Iterator[Callable[..., SampleSites]]:
    """Start a server on 127.0.0.1 for `tests/fixtures/<name>/` (optionally with extra routes)."""
    started: list[SampleSites] = []

    def start(name: str, routes: dict | None = None) -> SampleSites:
        sites = SampleSites(FIXTURES / name, routes=routes).__enter__()
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
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built by the demo from the bundled sample sites."""
    path = tmp_path_factory.mktemp("demo") / "listings.db"
    build_demo(path, echo=lambda *_: None)
    return path


def offline_spider(spider_class: type, **arguments: str) -> Any:
    """A spider bound to a crawler (for its stats) that does not crawl: its `parse` methods are
    called in process on responses a test builds."""
    from scrapy.utils.test import get_crawler

    return spider_class.from_crawler(get_crawler(spider_class), **arguments)


def json_response(url: str, data: Any) -> TextResponse:
    """A JSON API response for `url` whose body is `data`."""
    return TextResponse(url=url, body=json.dumps(data).encode(), encoding="utf-8")


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite database (WAL included), through SQLite's backup API."""
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target
