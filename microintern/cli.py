"""The `microintern` command line: import, crawl, serve, demo. Logic lives in the modules."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click

from pipeline import PROJECT_ROOT
from pipeline.collect.crawl import CrawlJob, crawl
from pipeline.collect.discover import DiscoveryError
from pipeline.collect.discover import discover as discover_sources
from pipeline.collect.ingest import import_files
from pipeline.collect.lock import EXIT_BUSY, Busy, holding_crawl_lock
from pipeline.collect.rebuild import keep_import
from pipeline.collect.rebuild import rebuild as rebuild_database
from pipeline.collect.sources import (
    DEFAULT_SOURCES_FILE,
    Source,
    SourcesError,
    append_source,
    format_source,
    load_sources,
)
from pipeline.db import CLOSE_AFTER_MISSED_RUNS, ImportResult, open_db
from pipeline.demo import build_demo
from pipeline.measure.dedupe_accuracy import (
    DEDUPE_DEVSET,
    DEDUPE_HARD_NEGATIVES,
    REAL_DEDUPE_PAIRS,
    evaluate_dedupe,
    evaluate_real_dedupe,
    format_dedupe_report,
    format_merges,
    import_captures,
    merges_joining_titles,
    real_merges,
)
from pipeline.measure.micro_audit import audit_micro, format_audit
from pipeline.measure.realset import REAL_LABELS, realdata_root
from pipeline.measure.scores import load_labelled, share_or_na
from pipeline.measure.tagging_accuracy import (
    TAGGING_DEVSET,
    evaluate_real,
    evaluate_tagging,
    format_report,
)
from pipeline.publish.export import FORMATS, export_listings
from pipeline.publish.filters import Filters
from pipeline.tagging.hours import HOUR_RANGES
from pipeline.tagging.industry import load_taxonomy
from schedules.cli import runs as runs_command
from schedules.cli import schedule as schedule_command

DEFAULT_DB = Path("data/listings.db")
DEFAULT_METADATA = PROJECT_ROOT / "datasette-metadata.json"
SOURCE_HEADERS = ("key", "name", "spider", "board or url", "")


def db_option(command):
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_DB,
        show_default=True,
        help="SQLite database file.",
    )(command)


def parse_pairs(pairs: tuple[str, ...], flag: str) -> dict[str, str]:
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint=flag)
        result[key] = value
    return result


@click.group()
@click.version_option(package_name="microintern")
def cli() -> None:
    """Collect public micro-internships and publish them with Datasette."""


@cli.command(name="import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--source", help="Source name for records that have none (e.g. parkerdewey).")
@db_option
def import_command(files: tuple[Path, ...], source: str | None, db_path: Path) -> None:
    """Run the pipeline on raw FILES (JSON lines, or CSV by the .csv suffix) and upsert them
    into the database.

    Each JSON line is one raw item (see docs/data-model.md); a CSV has the contract's field
    names or common export headers as columns (docs/operations.md, "CSV import"). Bad lines are
    reported with their line number and skipped; the good ones still land. A copy of each file
    is kept under raw/import/ beside the database, so `rebuild` can replay it.

    Example:

        microintern import parkerdewey-export.csv --source parkerdewey --db data/listings.db
    """
    result, reports = ImportResult(), []
    with _holding_crawl_lock(db_path):
        db = open_db(db_path)
        kept = [keep_import(path, db_path.parent, source) for path in files]
        for (copy, run_id, seen_at), original in zip(kept, files, strict=True):
            one, [report] = import_files(db, [copy], seen_at=seen_at, source=source, run_id=run_id)
            report.path = original
            reports.append(report)
            result.merge(one)
    bad_total = empty = 0
    for report in reports:
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


def sources_option(command):
    return click.option(
        "--sources",
        "sources_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_SOURCES_FILE,
        show_default=True,
        help="The sources registry (TOML).",
    )(command)


def read_sources(sources_file: Path) -> list[Source]:
    try:
        return load_sources(sources_file)
    except (OSError, SourcesError) as exc:
        raise click.ClickException(str(exc)) from exc


@cli.command(name="crawl")
@click.argument("spiders", nargs=-1)
@click.option(
    "--source",
    "only",
    multiple=True,
    metavar="KEY",
    help="Crawl only this source of the sources file (repeatable).",
)
@click.option(
    "-a",
    "spider_args",
    multiple=True,
    metavar="KEY=VALUE",
    help="Spider argument for named SPIDERS (repeatable).",
)
@click.option(
    "-s",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="Scrapy setting override (repeatable).",
)
@click.option(
    "--timeout",
    type=float,
    default=1800,
    show_default=True,
    help="Seconds before a spider is stopped.",
)
@sources_option
@db_option
def crawl_command(
    spiders: tuple[str, ...],
    only: tuple[str, ...],
    spider_args: tuple[str, ...],
    settings: tuple[str, ...],
    timeout: float,
    sources_file: Path,
    db_path: Path,
) -> None:
    """Crawl every enabled source of the sources file (or only --source KEY), or the named
    SPIDERS with -a arguments. Each runs in its own process; what it captured is imported and
    a crawl_runs row is recorded per source. Exits 1 if any source failed.

    Example:

        microintern crawl --source greenhouse-algolia --db data/listings.db
        microintern crawl greenhouse -a board=algolia
    """
    if spiders:
        if only:
            raise click.UsageError("give SPIDERS or --source, not both")
        args = parse_pairs(spider_args, "-a")
        jobs = [CrawlJob(name, dict(args)) for name in spiders]
    else:
        sources = [s for s in read_sources(sources_file) if s.enabled]
        unknown = set(only) - {s.key for s in sources}
        if unknown:
            raise click.BadParameter(
                f"no enabled source {', '.join(sorted(unknown))} in "
                f"{sources_file} (see `microintern sources`)",
                param_hint="--source",
            )
        jobs = [CrawlJob.from_source(s) for s in sources if not only or s.key in only]
    with _holding_crawl_lock(db_path):
        rows = crawl(
            jobs, db_path, settings=parse_pairs(settings, "-s"), timeout=timeout, echo=click.echo
        )
    if any(row["status"] == "failed" for row in rows):
        sys.exit(1)


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="csv",
    show_default=True,
    help="csv, jsonl, or excel (CSV that spreadsheets open safely).",
)
@click.option(
    "--industry",
    type=click.Choice(sorted(load_taxonomy().labels), case_sensitive=False),
    help="One industry slug, in any case (Marketing is marketing).",
)
@click.option("--hour-range", type=click.Choice(HOUR_RANGES))
@click.option("--max-hours", type=float, help="At most this many estimated total hours.")
@click.option("--remote/--not-remote", default=None)
@click.option("--status", type=click.Choice(["open", "closed", "expired", "reopened"]))
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="First seen on or after this date.",
)
@click.option("--source", help="Seen on this source, e.g. greenhouse.")
@db_option
def export(
    out: Path,
    fmt: str,
    industry: str | None,
    hour_range: str | None,
    max_hours: float | None,
    remote: bool | None,
    status: str | None,
    since: datetime | None,
    source: str | None,
    db_path: Path,
) -> None:
    """Write listings to OUT for analysts, with the same filters as the Datasette facets, in a
    stable column order. The excel format neutralizes cells a spreadsheet would run as formulas.

    Example:

        microintern export micro.csv --format excel --industry marketing --max-hours 20
    """
    day = since.date().isoformat() if since else None
    filters = Filters(
        industry=industry,
        hour_range=hour_range,
        max_hours=max_hours,
        remote=remote,
        status=(status,) if status else (),
        since=day,
        source=source,
    )
    out.parent.mkdir(parents=True, exist_ok=True)  # a folder of the analyst's choosing
    count = export_listings(db_path, out, fmt, filters)
    click.echo(f"{count} listings written to {out}")


@cli.command()
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
    with _holding_crawl_lock(db_path):  # a crawl meanwhile would write to the file replaced
        count = rebuild_database(db_path, close_after=close_after)
    db = open_db(db_path)
    click.echo(
        f"replayed {count} captures: {db.table('listings').count} listings, "
        f"{db.table('postings').count} postings"
    )


@cli.command()
@click.argument("url")
@click.option("--add", is_flag=True, help="Append the boards found to the sources file.")
@sources_option
def discover(url: str, add: bool, sources_file: Path) -> None:
    """Find the job boards a careers page embeds or links to (Greenhouse, Lever, Ashby,
    SmartRecruiters, Workable, Recruitee, or JobPosting data on the page itself) and print the
    sources-file entries to add; --add appends them.

    Example:

        microintern discover https://www.example.com/careers --add
    """
    try:
        entries = discover_sources(url)
    except DiscoveryError as exc:
        raise click.ClickException(str(exc)) from exc
    if not entries:
        click.echo(f"no job boards found on {url}")
        return
    for number, entry in enumerate(entries):
        target = entry.get("board") or entry.get("url")
        if not add:
            click.echo(("\n" if number else "") + format_source(entry), nl=False)
            continue
        try:
            added = append_source(sources_file, entry)
        except SourcesError as exc:
            raise click.ClickException(str(exc)) from exc
        if added:
            click.echo(f"added {entry['spider']} {target} to {sources_file}")
        else:
            click.echo(f"already in {sources_file}: {entry['spider']} {target}")


@cli.command()
@click.argument(
    "labelled", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--dedupe", is_flag=True, help="Measure duplicate detection instead of tagging.")
@click.option(
    "--hard-negatives",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With --dedupe: pairs that must stay apart (default: the dev set's).",
)
@click.option(
    "--show", "show_misses", type=int, default=0, metavar="N", help="Also print N mistakes."
)
@click.option(
    "--real",
    is_flag=True,
    help="Measure on the real labelled set (tests/realset), its dev and frozen test parts apart.",
)
@click.option(
    "--audit",
    is_flag=True,
    help="With --real: list every posting of the captures flagged is_micro, with its evidence.",
)
@click.option(
    "--realdata",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The capture folder (default: $MICROINTERN_REALDATA or ../shared/realdata).",
)
def evaluate(
    labelled: Path | None,
    dedupe: bool,
    hard_negatives: Path | None,
    show_misses: int,
    real: bool,
    audit: bool,
    realdata: Path | None,
) -> None:
    """Measure the tagging against a labelled set (default: the dev set under tests/devset):
    hour-range accuracy, exact hours, industry accuracy, is_micro precision/recall/F1, kind,
    and the most frequent confusions. With --dedupe, measure duplicate detection: pairwise
    precision, recall and F1 of the listings formed against labelled clusters.

    Example:

        microintern evaluate --show 10
        microintern evaluate --real --audit
        microintern evaluate --dedupe --real --audit
        microintern evaluate --dedupe tests/devset/dedupe.jsonl
    """
    if dedupe and real:
        root = realdata_root(realdata)
        if not (root / "ashby").is_dir() and not (root / "nights").is_dir():
            raise click.ClickException(
                f"no captures in {root}: pass --realdata or set MICROINTERN_REALDATA"
            )
        imported = import_captures(root)
        pairs = load_labelled(labelled or REAL_DEDUPE_PAIRS)
        try:
            report = evaluate_real_dedupe(pairs, root, imported)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"real pairs of one board: {len(pairs)} labelled")
        click.echo(
            f"pairwise precision {share_or_na(report.true_positives, report.false_positives)}, "
            f"recall {share_or_na(report.true_positives, report.false_negatives)} "
            f"(tp {report.true_positives}, fp {report.false_positives}, "
            f"fn {report.false_negatives}, kept apart {report.hard_negatives})"
        )
        for a, b in report.wrong_merges[:show_misses]:
            click.echo(f"  wrongly merged: {a} + {b}")
        for a, b in report.missed[:show_misses]:
            click.echo(f"  missed: {a} + {b}")
        merges = real_merges(root, imported)
        if audit:
            click.echo(format_merges(merges))
        else:
            wrong = merges_joining_titles(merges)
            click.echo(
                f"listings of several postings: {len(merges)}; joining different titles on "
                f"one board: {len(wrong)}"
            )
        return
    if real or audit:
        _evaluate_real(labelled, show_misses, audit, realdata)
        return
    if dedupe:
        negatives_file = hard_negatives or (None if labelled else DEDUPE_HARD_NEGATIVES)
        negatives = load_labelled(negatives_file) if negatives_file else []
        report = evaluate_dedupe(load_labelled(labelled or DEDUPE_DEVSET), negatives)
        click.echo(format_dedupe_report(report, show_misses))
        return
    report = evaluate_tagging(load_labelled(labelled or TAGGING_DEVSET))
    click.echo(format_report(report, show_misses))


@contextmanager
def _holding_crawl_lock(db_path: Path) -> Iterator[None]:
    """The crawl lock of `db_path` for the block; if another holds it, say so and exit
    `EXIT_BUSY` with nothing done."""
    try:
        with holding_crawl_lock(db_path):
            yield
    except Busy as busy:
        click.echo(str(busy), err=True)
        sys.exit(EXIT_BUSY)


def _evaluate_real(
    labelled: Path | None, show_misses: int, audit: bool, realdata: Path | None
) -> None:
    root = realdata_root(realdata)
    if not (root / "ashby").is_dir() and not (root / "nights").is_dir():
        raise click.ClickException(
            f"no captures in {root}: pass --realdata or set MICROINTERN_REALDATA"
        )
    try:
        dev, test = evaluate_real(load_labelled(labelled or REAL_LABELS), root)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("real set, dev part")
    click.echo(format_report(dev, show_misses))
    click.echo("\nreal set, frozen test part (never used to make rules)")
    click.echo(format_report(test, show_misses))
    if audit:
        click.echo("\nis_micro flags over every capture")
        click.echo(format_audit(*audit_micro(root)))


@cli.command(name="sources")
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


@cli.command()
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


@cli.command()
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


cli.add_command(schedule_command)
cli.add_command(runs_command)


def main() -> None:
    """The `microintern` program."""
    cli(prog_name="microintern")
