"""`microintern sources`: list the sources file. Kept apart from the crawl commands so that it
loads only the sources file's code."""

from __future__ import annotations

from pathlib import Path

import click

from microintern.cli.options import read_sources, sources_option

SOURCE_HEADERS = ("key", "name", "spider", "board or url", "")


@click.command(name="sources")
@sources_option
def sources_command(sources_file: Path) -> None:
    """List the sources the nightly crawl follows.

    Example:

        microintern sources --sources sources.toml
    """
    sources = read_sources(sources_file)
    rows = [
        (
            s.key,
            s.name,
            s.spider,
            s.args.get("board") or s.args.get("url", ""),
            "" if s.enabled else "disabled",
        )
        for s in sources
    ]
    widths = [max([len(r[i]) for r in rows] + [len(h)]) for i, h in enumerate(SOURCE_HEADERS)]
    for row in [SOURCE_HEADERS, *rows]:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        click.echo("  ".join(cells).rstrip())
    click.echo(
        f"{len(sources)} sources ({sum(s.enabled for s in sources)} enabled) in {sources_file}"
    )
