"""Options and helpers the command modules share: the database and sources files, KEY=VALUE
pairs, the crawl lock."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from pipeline import PROJECT_ROOT
from pipeline.collect.lock import EXIT_BUSY, Busy, holding_crawl_lock
from pipeline.collect.sources import DEFAULT_SOURCES_FILE, Source, SourcesError, load_sources

DEFAULT_DB = Path("data/listings.db")
DEFAULT_METADATA = PROJECT_ROOT / "datasette-metadata.json"


def db_option(command):
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_DB,
        show_default=True,
        help="SQLite database file.",
    )(command)


def sources_option(command):
    return click.option(
        "--sources",
        "sources_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_SOURCES_FILE,
        show_default=True,
        help="The sources registry (TOML).",
    )(command)


def parse_pairs(pairs: tuple[str, ...], flag: str) -> dict[str, str]:
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint=flag)
        result[key] = value
    return result


def read_sources(sources_file: Path) -> list[Source]:
    try:
        return load_sources(sources_file)
    except (OSError, SourcesError) as exc:
        raise click.ClickException(str(exc)) from exc


@contextmanager
def crawl_lock_or_exit(db_path: Path) -> Iterator[None]:
    """The crawl lock of `db_path` for the block; if another holds it, say so and exit
    `EXIT_BUSY` with nothing done."""
    try:
        with holding_crawl_lock(db_path):
            yield
    except Busy as busy:
        click.echo(str(busy), err=True)
        sys.exit(EXIT_BUSY)
