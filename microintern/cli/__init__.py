"""The `microintern` command line: the click group and its commands, one module per group of
commands (`data`: import, export, rebuild, prune; `collect`: crawl, sources, discover; `publish`:
serve, demo; `measure`: evaluate; shared options in `options`). Logic lives in the pipeline."""

from __future__ import annotations

import click

from microintern.cli.collect import crawl_command, discover, sources_command
from microintern.cli.data import export, import_command, prune, rebuild
from microintern.cli.measure import evaluate
from microintern.cli.options import DEFAULT_DB, DEFAULT_METADATA
from microintern.cli.publish import SERVE_SETTINGS, demo, serve, serve_command
from schedules.cli import runs as runs_command
from schedules.cli import schedule as schedule_command

__all__ = ["DEFAULT_DB", "DEFAULT_METADATA", "SERVE_SETTINGS", "cli", "main", "serve_command"]


@click.group()
@click.version_option(package_name="microintern")
def cli() -> None:
    """Collect public micro-internships and publish them with Datasette."""


for command in (
    import_command,
    crawl_command,
    export,
    rebuild,
    prune,
    discover,
    evaluate,
    sources_command,
    serve,
    demo,
    schedule_command,
    runs_command,
):
    cli.add_command(command)


def main() -> None:
    """The `microintern` program."""
    cli(prog_name="microintern")
