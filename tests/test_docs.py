"""The README documents every command and spider; the docs every table column and raw item
field."""

from pathlib import Path

import click

from microintern.cli import cli
from pipeline.db import (
    CRAWL_RUN_COLUMNS,
    LISTING_COLUMNS,
    LISTING_TEXT_COLUMNS,
    POSTING_COLUMNS,
)
from spiders.items import RAW_FIELDS
from tests.test_spider_guard import spider_classes

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
DOCS = README + "".join(path.read_text() for path in sorted((ROOT / "docs").glob("*.md")))


def test_readme_shows_the_two_commands():
    assert "make demo" in README and "make test" in README


def test_every_command_is_documented():
    for name in cli.list_commands(click.Context(cli)):
        assert f"microintern {name}" in README, name


def test_every_spider_is_documented():
    for name in spider_classes():
        assert f"| `{name}` |" in README, name


def test_every_column_and_raw_field_is_documented():
    for column in [
        *LISTING_COLUMNS,
        *LISTING_TEXT_COLUMNS,
        *POSTING_COLUMNS,
        *CRAWL_RUN_COLUMNS,
        *RAW_FIELDS,
    ]:
        assert f"`{column}`" in DOCS, column


def test_the_readme_stays_short():
    assert len(README.splitlines()) <= 200  # depth goes to docs/
