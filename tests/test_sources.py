"""The sources registry: parsing, keys, appending, and the bundled starter list."""

import pytest

from pipeline.collect.sources import (
    DEFAULT_SOURCES_FILE,
    SourcesError,
    append_source,
    format_source,
    load_sources,
)
from spiders.base import BaseSpider
from tests.test_spider_guard import spider_classes


def test_starter_list_is_valid_and_uses_real_spiders():
    sources = load_sources(DEFAULT_SOURCES_FILE)
    assert len(sources) >= 8
    spiders = spider_classes()
    for source in sources:
        assert source.spider in spiders, source
        assert issubclass(spiders[source.spider], BaseSpider)
    assert sources[0].key == "greenhouse-algolia"


def test_entry_fields(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[sources]]\nname = "Acme EU"\nspider = "lever"\nboard = "acme"\n'
        'base_url = "https://api.eu.lever.co"\nsettings = { DOWNLOAD_DELAY = 5 }\n'
        '\n[[sources]]\nspider = "jsonld"\nurl = "https://www.example.org/careers/"\n'
        "enabled = false\n"
    )
    lever, page = load_sources(path)
    assert lever.key == "lever-acme"
    assert lever.args == {"board": "acme", "base_url": "https://api.eu.lever.co"}
    assert lever.settings == {"DOWNLOAD_DELAY": "5"}
    assert (page.key, page.name, page.enabled) == (
        "jsonld-example-org-careers",
        "https://www.example.org/careers/",
        False,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[sources]]\nboard = "x"\n', "'spider' is required"),
        ('[[sources]]\nspider = "greenhouse"\n', "give 'board'"),
        (
            '[[sources]]\nspider = "greenhouse"\nboard = "x"\nsettings = 3\n',
            "'settings' must be a table",
        ),
        (
            '[[sources]]\nspider = "greenhouse"\nboard = "x"\n[[sources]]\nspider = "greenhouse"\nboard = "x"\n',
            "duplicate sources greenhouse-x",
        ),
        ("sources = 3\n", "must be an array of tables"),
        ("[[sources]\n", "Expected"),
    ],
)
def test_malformed_files_say_where(tmp_path, text, message):
    path = tmp_path / "sources.toml"
    path.write_text(text)
    with pytest.raises(SourcesError, match=message):
        load_sources(path)


def test_append_source_is_idempotent_and_keeps_comments(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text("# our boards\n")
    entry = {"name": 'Acme "Labs"', "spider": "greenhouse", "board": "acme"}
    assert append_source(path, entry) is True
    assert append_source(path, entry) is False
    text = path.read_text()
    assert text.startswith("# our boards\n")
    assert text.count("[[sources]]") == 1
    [source] = load_sources(path)
    assert source.name == 'Acme "Labs"'
    assert format_source(entry) == (
        '[[sources]]\nname = "Acme \\"Labs\\""\nspider = "greenhouse"\nboard = "acme"\n'
    )
