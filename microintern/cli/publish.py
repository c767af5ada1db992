"""Publishing commands: `serve` the database with Datasette, and the `demo`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from microintern.cli.options import DEFAULT_METADATA, db_option
from pipeline.db import open_db
from pipeline.demo import build_demo

# Datasette settings of the published site (bench/publish_bench.py measures with the same).
SERVE_SETTINGS: dict[str, int | bool] = {
    "sql_time_limit_ms": 3000,
    # Facets are counted with index scans; on a million listings one takes up to ~150 ms on a
    # busy machine, over Datasette's default limit of 200 ms for all of them together.
    "facet_time_limit_ms": 1000,
    # Suggesting facets counts distinct values of every column on every page: off.
    "suggest_facets": False,
    # A CSV download streams every row (Datasette cuts at 100 MB by default).
    "max_csv_mb": 0,
}


def serve_command(db_path: Path, metadata: Path, host: str, port: int) -> list[str]:
    """The `datasette serve` command line of the published site."""
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(db_path),
        "--metadata",
        str(metadata),
        "--host",
        host,
        "--port",
        str(port),
    ]
    for name, value in SERVE_SETTINGS.items():
        shown = ("on" if value else "off") if isinstance(value, bool) else str(value)
        command += ["--setting", name, shown]
    return command


def serve_database(db_path: Path, metadata: Path, host: str, port: int) -> None:
    """Run Datasette on the database (blocks until stopped)."""
    open_db(db_path)  # make sure it exists and has its views and FTS
    command = serve_command(db_path, metadata, host, port)
    try:
        subprocess.run(command, check=False, env=os.environ.copy())
    except KeyboardInterrupt:
        pass


@click.command()
@db_option
@click.option(
    "--metadata",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_METADATA,
    show_default=True,
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; give 0.0.0.0 only to publish deliberately.",
)
@click.option("--port", type=int, default=8001, show_default=True)
def serve(db_path: Path, metadata: Path, host: str, port: int) -> None:
    """Publish the database with Datasette and datasette-metadata.json.

    Example:

        microintern serve --db data/listings.db --port 8001
    """
    serve_database(db_path, metadata, host, port)


@click.command()
@db_option
@click.option("--build-only", is_flag=True, help="Build the database, do not serve it.")
@click.option("--port", type=int, default=8001, show_default=True)
def demo(db_path: Path, build_only: bool, port: int) -> None:
    """Crawl the bundled sample sites with the real spiders, build the database, and serve it.

    Example:

        microintern demo --build-only --db /tmp/demo/listings.db
    """
    summary = build_demo(db_path, echo=click.echo)
    click.echo(f"\nsources crawled: {len(summary['runs'])}")
    for run in summary["runs"]:
        click.echo(f"  {run['source']}: {run['status']}, {run['items']} items")
    click.echo(f"items: {summary['items']}")
    click.echo(f"listings: {summary['listings']} ({summary['micro']} micro-internships)")
    for source, count in sorted(summary["listings_by_source"].items()):
        click.echo(f"  from {source}: {count}")
    click.echo(f"database: {db_path}")
    if any(run["status"] == "failed" for run in summary["runs"]):
        sys.exit(1)
    if not build_only:
        click.echo(f"serving on http://127.0.0.1:{port}/ (Ctrl+C to stop)")
        serve_database(db_path, DEFAULT_METADATA, "127.0.0.1", port)
