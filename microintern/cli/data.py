"""Data commands: `import` raw files, `export` listings for analysts, `rebuild` from captures,
`prune` the captures kept."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from microintern.cli.options import crawl_lock_or_exit, db_option
from pipeline.collect.captures import capture_exists
from pipeline.collect.ingest import import_files
from pipeline.collect.raw import csv_columns
from pipeline.collect.rebuild import captures, keep_import
from pipeline.collect.rebuild import rebuild as rebuild_database
from pipeline.collect.retention import DEFAULT_KEEP_NIGHTS, summary
from pipeline.collect.retention import prune as prune_captures
from pipeline.db import CLOSE_AFTER_MISSED_RUNS, ImportResult, open_db
from pipeline.publish.export import FORMATS, ExportError, export_listings, format_for
from pipeline.publish.filters import FilterError, parse_filters
from pipeline.tagging.hours import HOUR_RANGES
from pipeline.tagging.kind import KINDS


def kept_files(ctx: click.Context, param: click.Parameter, files: tuple[Path, ...]):
    """FILES as given, each a file or a night's reference kept in its ledger (`crawl_runs.raw_file`
    names one as `<run_id>_<source>.ref.json`)."""
    for path in files:
        if path.is_dir() or not capture_exists(path):
            raise click.BadParameter(f"File '{path}' does not exist.", ctx, param)
    return files


@click.command(name="import")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    callback=kept_files,
)
@click.option("--source", help="Source name for records that have none (e.g. parkerdewey).")
@db_option
def import_command(files: tuple[Path, ...], source: str | None, db_path: Path) -> None:
    """Run the pipeline on raw FILES (JSON lines, or CSV by the .csv suffix) and upsert them
    into the database.

    Each JSON line is one raw item (see docs/data-model.md); a CSV (comma, semicolon or tab
    separated) has the contract's field names or common export headers as columns
    (docs/operations.md, "CSV import"); other columns are named and ignored. Bad lines are
    reported with their line number and skipped; the good ones still land. A copy of each file
    is kept under raw/import/ beside the database, so `rebuild` can replay it.

    Example:

        microintern import parkerdewey-export.csv --source parkerdewey --db data/listings.db
    """
    result, reports = ImportResult(), []
    with crawl_lock_or_exit(db_path):
        db = open_db(db_path)
        kept = [keep_import(path, db_path.parent, source) for path in files]
        for (copy, run_id, seen_at), original in zip(kept, files, strict=True):
            one, [report] = import_files(db, [copy], seen_at=seen_at, source=source, run_id=run_id)
            report.path = original
            reports.append(report)
            result.merge(one)
    bad_total = empty = 0
    for report in reports:
        warn_of_ignored_columns(report.path)
        for number, message in report.bad_lines:
            click.echo(f"{report.path}:{number}: skipped: {message}", err=True)
        bad_total += len(report.bad_lines)
        click.echo(f"{report.path}: {report.items} items, {len(report.bad_lines)} bad lines")
        if (
            source is None
            and report.bad_lines
            and all("'source'" in message for _, message in report.bad_lines)
        ):
            click.echo(
                f"{report.path}: its records name no source: pass --source NAME "
                "(e.g. --source parkerdewey)",
                err=True,
            )
        if not report.items and not report.bad_lines:
            click.echo(f"{report.path}: no records in it; nothing imported", err=True)
            empty += 1
    click.echo(
        f"{result.postings} postings: {result.new_listings} new listings, "
        f"{result.updated_listings} updated, {result.seen_again} seen again, "
        f"{result.unchanged} unchanged"
    )
    if result.issues:
        counts = ", ".join(f"{name} x{n}" for name, n in sorted(result.issues.items()))
        click.echo(f"fields left empty because they could not be read: {counts}")
    if bad_total or empty:
        sys.exit(1)


def warn_of_ignored_columns(path: Path) -> None:
    """One line on stderr naming the columns of a CSV file the import did not read, if any."""
    if not path.name.lower().removesuffix(".gz").endswith(".csv"):
        return
    read, ignored = csv_columns(path)
    if ignored:
        click.echo(
            f"{path}: ignored columns: {', '.join(ignored)} (read: {', '.join(read) or 'none'}; "
            'accepted headers: docs/operations.md, "CSV import")',
            err=True,
        )


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="csv, jsonl, xlsx (an Excel workbook), or excel (CSV that spreadsheets open safely). "
    "Default: by OUT's suffix (.csv, .jsonl, .xlsx), else csv.",
)
@click.option("--search", "q", help="Words to find in the title, company or description.")
@click.option("--industry", help="One industry slug, in any case (Marketing is marketing).")
@click.option("--hour-range", help=f"One of {', '.join(HOUR_RANGES)}.")
@click.option("--max-hours", help="At most this many estimated total hours.")
@click.option("--kind", help=f"One of {', '.join(KINDS)}.")
@click.option("--micro-only", "is_micro", is_flag=True, help="Micro-internships only.")
@click.option("--remote/--not-remote", default=None)
@click.option("--status", help="One status or several with commas, e.g. open,reopened.")
@click.option("--since", metavar="YYYY-MM-DD", help="First seen on or after this date.")
@click.option("--deadline-within", metavar="DAYS", help="A deadline within this many days.")
@click.option("--source", help="Seen on this source, e.g. greenhouse.")
@db_option
def export(
    out: Path,
    fmt: str | None,
    db_path: Path,
    remote: bool | None,
    is_micro: bool,
    **given: str | None,
) -> None:
    """Write listings to OUT for analysts, with the filters of the site's search page, in a
    stable column order. The format follows OUT's suffix unless --format names one; xlsx is a
    real workbook, and the excel format (a CSV) neutralizes cells a spreadsheet would run as
    formulas.

    Example:

        microintern export micro.xlsx --industry marketing --max-hours 20
    """
    try:
        fmt = format_for(out, fmt)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    if not db_path.is_file():
        raise click.ClickException(f"no database at {db_path} (see --db)")
    args = {name: value for name, value in given.items() if value}
    if remote is not None:
        args["remote"] = "1" if remote else "0"
    if is_micro:
        args["is_micro"] = "1"
    try:
        filters = parse_filters(args)  # the filters of the site's search and /-/export.csv
    except FilterError as exc:
        raise click.UsageError(str(exc)) from None
    out.parent.mkdir(parents=True, exist_ok=True)  # a folder of the analyst's choosing
    try:
        count = export_listings(db_path, out, fmt, filters)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{count} listings written to {out}")


@click.command()
@db_option
@click.option(
    "--close-after",
    type=int,
    default=CLOSE_AFTER_MISSED_RUNS,
    show_default=True,
    help="Successful crawls in a row that must miss a posting before it closes.",
)
def rebuild(db_path: Path, close_after: int) -> None:
    """Rebuild the database from the raw captures kept beside it (raw/), replaying every crawl
    and import in capture order: the same listings, ids and history. Restart a running Datasette
    afterwards.

    Example:

        microintern rebuild --db data/listings.db
    """
    if not captures(db_path.parent):  # a database of nothing would replace the one there
        raise click.ClickException(
            f"no raw captures under {db_path.parent / 'raw'}: nothing to rebuild {db_path} from"
        )
    with crawl_lock_or_exit(db_path):  # a crawl meanwhile would write to the file replaced
        count = rebuild_database(db_path, close_after=close_after)
    db = open_db(db_path)
    click.echo(
        f"replayed {count} captures: {db.table('listings').count} listings, "
        f"{db.table('postings').count} postings"
    )


@click.command()
@db_option
@click.option(
    "--keep-nights",
    type=click.IntRange(min=0),
    default=DEFAULT_KEEP_NIGHTS,
    show_default=True,
    help="The last crawl nights left as they are (captures, spider logs and stats).",
)
def prune(db_path: Path, keep_nights: int) -> None:
    """Make the raw captures beside the database (raw/) smaller without changing what `rebuild`
    gives: in crawl nights older than the last --keep-nights, compress plain captures, turn a
    copy of items an earlier capture of the same source holds into a reference to it, and
    delete the spider logs and stats. Every night's record and items stay readable
    (docs/operations.md, "Raw captures and retention").

    Example:

        microintern prune --keep-nights 30 --db data/listings.db
    """
    with crawl_lock_or_exit(db_path):  # a crawl meanwhile may be storing a capture
        report = prune_captures(db_path.parent, keep_nights)
    click.echo(summary(report))
