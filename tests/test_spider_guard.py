"""Every spider has fixtures, a test file with one real crawl, and obeys the shared contract."""

import importlib
import inspect
import sys
from pathlib import Path

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from spiders.base import BaseSpider

TESTS = Path(__file__).parent


def spider_classes():
    loader = SpiderLoader.from_settings(get_project_settings())
    return {name: loader.load(name) for name in loader.list()}


def test_spiders_are_registered():
    assert {"greenhouse", "jsonld"} <= set(spider_classes())


def test_every_spider_has_fixtures_and_a_test():
    for name, cls in spider_classes().items():
        assert issubclass(cls, BaseSpider), name
        fixtures = TESTS / "fixtures" / name
        assert fixtures.is_dir() and any(fixtures.rglob("*")), f"no fixtures for {name}"
        assert (TESTS / f"test_spider_{name}.py").exists(), f"no test for {name}"
        assert sys.modules[cls.__module__].__doc__, f"{name} module has no docstring"


def crawl_tests(module):
    """The tests of `module` marked `@pytest.mark.crawl` (a real crawl, see conftest.py)."""
    return {
        name: function
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if name.startswith("test_")
        and any(mark.name == "crawl" for mark in getattr(function, "pytestmark", []))
    }


def test_every_spider_has_exactly_one_end_to_end_crawl():
    """Fields are tested in process; one test per spider, marked `crawl`, runs the real thing."""
    for name in spider_classes():
        tests = crawl_tests(importlib.import_module(f"tests.test_spider_{name}"))
        assert len(tests) == 1, f"test_spider_{name}.py needs one @pytest.mark.crawl test: {tests}"
        [test] = tests.values()
        assert "run_spider" in inspect.signature(test).parameters, f"{name}: no real crawl"


def test_polite_settings():
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert "+http" in settings.get("USER_AGENT")
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")
    assert settings.getint("DOWNLOAD_MAXSIZE") <= 32 * 1024 * 1024
    assert settings.getint("DOWNLOAD_TIMEOUT") <= 60
