"""Publishing commands: `serve` the database with Datasette, and the `demo`."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from microintern.cli.options import DEFAULT_METADATA, db_option
from pipeline.db import open_db
from pipeline.demo import build_demo, start_sample_sites

STOP_SECONDS = 5  # Datasette's time to stop when asked, before it is killed

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


def check_port(host: str, port: int) -> None:
    """ClickException (one line) if Datasette could not listen on `port` of `host`, e.g.
    because another program listens there: said before Datasette starts and fails."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise click.ClickException(f"cannot serve on {host}: {exc.strerror}") from exc
    family, kind, proto, _, address = found[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                message = (
                    f"port {port} on {host} is already in use: stop what serves there "
                    "or pass another --port"
                )
            else:
                message = f"cannot serve on {host}:{port}: {exc.strerror or exc}"
            raise click.ClickException(message) from exc


class Stopped(Exception):
    """SIGTERM or SIGHUP arrived while Datasette was serving."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise `Stopped` in the block (as SIGINT raises KeyboardInterrupt), so
    the code around can stop its child processes instead of dying without a word to them."""

    def stop(signum: int, frame: object) -> None:
        raise Stopped(signum)

    previous = {}
    if threading.current_thread() is threading.main_thread():  # the only place signals land
        for signum in (signal.SIGTERM, signal.SIGHUP):
            previous[signum] = signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stop_child(child: subprocess.Popen) -> None:
    """Terminate `child` and wait for it; kill it if it has not ended within STOP_SECONDS."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(STOP_SECONDS)
    except (subprocess.TimeoutExpired, KeyboardInterrupt, Stopped):  # or asked again
        child.kill()
        child.wait()


def serve_database(db_path: Path, metadata: Path, host: str, port: int) -> None:
    """Run Datasette on the database (blocks until stopped). Datasette runs as a child process
    that ends with this one: on Ctrl+C, SIGTERM or SIGHUP it is terminated before this process
    exits. A port in use, or Datasette failing, is a ClickException."""
    check_port(host, port)
    open_db(db_path)  # make sure it exists and has its views and FTS
    command = serve_command(db_path, metadata, host, port)
    with stopped_by_signals():
        child = subprocess.Popen(command, env=os.environ.copy())
        try:
            code = child.wait()
        except KeyboardInterrupt:
            code = 0  # Ctrl+C is how serving stops
        except Stopped as stopped:
            sys.exit(128 + stopped.signum)  # as a shell reports a process ended by a signal
        finally:
            stop_child(child)
    if code:
        raise click.ClickException(f"Datasette exited with status {code}")


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
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
def serve(db_path: Path, metadata: Path, host: str, port: int) -> None:
    """Publish the database with Datasette and datasette-metadata.json.

    Example:

        microintern serve --db data/listings.db --port 8001
    """
    serve_database(db_path, metadata, host, port)


@click.command()
@db_option
@click.option("--build-only", is_flag=True, help="Build the database, do not serve it.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
def demo(db_path: Path, build_only: bool, port: int) -> None:
    """Crawl the bundled sample sites with the real spiders, build the database, and serve it.

    Example:

        microintern demo --build-only --db /tmp/demo/listings.db
    """
    if not build_only:
        check_port("127.0.0.1", port)  # before the build, not after it
    # The sample server stays up while the demo serves: the apply links of its pages answer.
    with start_sample_sites() as sites:
        summary = build_demo(db_path, echo=click.echo, sites=sites)
        _report(summary, db_path)
        if any(run["status"] == "failed" for run in summary["runs"]):
            sys.exit(1)
        if not build_only:
            click.echo(f"serving on http://127.0.0.1:{port}/ (Ctrl+C to stop)")
            serve_database(db_path, DEFAULT_METADATA, "127.0.0.1", port)


def _report(summary: dict, db_path: Path) -> None:
    click.echo(f"\nsources crawled: {len(summary['runs'])}")
    for run in summary["runs"]:
        click.echo(f"  {run['source']}: {run['status']}, {run['items']} items")
    click.echo(f"items: {summary['items']}")
    click.echo(f"listings: {summary['listings']} ({summary['micro']} micro-internships)")
    for source, count in sorted(summary["listings_by_source"].items()):
        click.echo(f"  from {source}: {count}")
    click.echo(f"database: {db_path}")
