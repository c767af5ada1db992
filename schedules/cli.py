"""The `schedule` and `runs` commands (registered on the `microintern` group)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from pipeline.db import open_db
from schedules.config import DEFAULT_CONFIG_FILE, ConfigError, NightlyConfig, load_config
from schedules.nightly import run_nightly
from schedules.scheduler import next_fire_times, serve

RUNS_HEADERS = ("started", "source", "status", "items", "new", "errors", "duration", "reason")
NUMERIC_COLUMNS = {3, 4, 5, 6}
REASON_WIDTH = 80
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def load_with_overrides(config_file: Path, **overrides) -> NightlyConfig:
    try:
        return load_config(config_file).with_overrides(**overrides)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command()
@click.option("--once", is_flag=True, help="Run the nightly crawl now and exit with its status.")
@click.option("--dry-run", is_flag=True, help="Print the next ten run times and exit.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_CONFIG_FILE,
    show_default=True,
    help="The nightly configuration (TOML).",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite database file [default: from the config].",
)
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The sources registry (TOML) [default: from the config].",
)
@click.option("--at", "at", metavar="HH:MM", help="Time of day of the run.")
@click.option("--timezone", help="IANA time zone of --at, e.g. Europe/Berlin.")
@click.option("--parallel", type=click.IntRange(min=1), help="Sources crawled at once.")
@click.option("--timeout", type=float, help="Seconds before a source's spider is stopped.")
@click.option("--alert-command", help="Command that gets the JSON summary on stdin.")
@click.option("--webhook-url", help="URL the JSON summary is POSTed to.")
def schedule(
    once: bool,
    dry_run: bool,
    config_file: Path,
    db_path: Path | None,
    sources_file: Path | None,
    at: str | None,
    timezone: str | None,
    parallel: int | None,
    timeout: float | None,
    alert_command: str | None,
    webhook_url: str | None,
) -> None:
    """Run the nightly crawl on its schedule (in the foreground, until stopped), or once now
    with --once. Each run crawls every enabled source under a lock beside the database (a
    second run at the same time exits with status 75 and changes nothing), checks each
    source against its history, marks runs that fail a check degraded, and alerts when any
    source is degraded or failed. --once exits 0 when every source is ok, 1 when some are
    degraded or failed, 2 when nothing worked. Runs missed while the machine was down start
    once when it is back, within the configured grace time.

    Example:

    \b
        microintern schedule --dry-run --at 02:30 --timezone Europe/Berlin
        microintern schedule --once --db data/listings.db
        microintern schedule --config schedules/nightly.toml
    """
    if once and dry_run:
        raise click.UsageError("give --once or --dry-run, not both")
    config = load_with_overrides(
        config_file,
        db=db_path,
        sources=sources_file,
        time=at,
        timezone=timezone,
        parallel=parallel,
        timeout_seconds=timeout,
        alert_command=alert_command,
        webhook_url=webhook_url,
    )
    if dry_run:
        jitter = f", each up to {config.jitter_seconds} s later" if config.jitter_seconds else ""
        click.echo(f"next runs at {config.time} {config.timezone}{jitter}:")
        for fire in next_fire_times(config, 10):
            click.echo(f"  {fire:%Y-%m-%d %H:%M %Z (%z)}")
        return
    if once:
        sys.exit(run_nightly(config, echo=click.echo))
    # The scheduler's own messages go to stderr; a run's go to stdout and its log file.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logging.getLogger("apscheduler").addHandler(handler)
    logging.getLogger("apscheduler").setLevel(logging.INFO)
    sys.exit(serve(config, echo=click.echo))


@click.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("data/listings.db"),
    show_default=True,
    help="SQLite database file.",
)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--source", help="Only this source's runs.")
def runs(db_path: Path, limit: int, source: str | None) -> None:
    """Print the most recent crawl runs, newest first: when, which source, status, items,
    new listings, errors logged, duration and reason.

    Example:

        microintern runs --limit 30 --db data/listings.db
    """
    if not db_path.exists():
        raise click.ClickException(f"no database at {db_path}")
    where, params = ("where source = ?", [source]) if source else ("", [])
    rows = list(
        open_db(db_path).query(
            f"select * from crawl_runs {where} order by started_at desc, id limit ?",
            [*params, limit],
        )
    )
    if not rows:
        click.echo("no crawl runs yet")
        return
    table = [RUNS_HEADERS] + [
        (
            (row["started_at"] or "").replace("T", " "),
            row["source"] or "",
            row["status"] or "",
            str(row["items"] or 0),
            str(row["new_listings"] or 0),
            str(row["errors"] or 0),
            f"{row['duration_s'] or 0:.1f} s",
            _shorten(row["reason"] or ""),
        )
        for row in rows
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(RUNS_HEADERS) - 1)]
    for row in table:
        cells = [
            cell.rjust(width) if i in NUMERIC_COLUMNS else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=False))
        ]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


def _shorten(text: str, width: int = REASON_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
