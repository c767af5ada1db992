"""Every spider has fixtures and a test file, and obeys the shared contract."""

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
