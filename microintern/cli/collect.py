"""Collection commands: `crawl` the sources, `discover` the boards of a careers page."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from microintern.cli.options import (
    crawl_lock_or_exit,
    db_option,
    parse_pairs,
    read_sources,
    sources_option,
)
from pipeline.collect.crawl import CrawlJob, crawl
from pipeline.collect.discover import DiscoveryError
from pipeline.collect.discover import discover as discover_sources
from pipeline.collect.distributed import crawl_scrapyd
from pipeline.collect.scrapyd_api import Node
from pipeline.collect.sources import SourcesError, append_source, format_source


@click.command(name="crawl")
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
    help="Seconds before a spider is stopped (per source: N times for a process of N sources).",
)
@click.option(
    "--scrapyd",
    metavar="URL[,URL...]",
    default="",
    help="Run the crawl on these Scrapyd nodes (http://user:password@host:6800); the data "
    "folder must be shared with them at the same path.",
)
@click.option(
    "--one-per-source",
    is_flag=True,
    help="One spider process per source, rather than one per host and spider.",
)
@sources_option
@db_option
def crawl_command(
    spiders: tuple[str, ...],
    only: tuple[str, ...],
    spider_args: tuple[str, ...],
    settings: tuple[str, ...],
    timeout: float,
    scrapyd: str,
    one_per_source: bool,
    sources_file: Path,
    db_path: Path,
) -> None:
    """Crawl every enabled source of the sources file (or only --source KEY), or the named
    SPIDERS with -a arguments. Sources of one host and spider that differ only by their boards
    share one process (--one-per-source: each its own); each source's capture is imported and
    a crawl_runs row is recorded per source. With --scrapyd, the processes run on Scrapyd
    nodes. Exits 1 if any source failed.

    Example:

        microintern crawl --source greenhouse-algolia --db data/listings.db
        microintern crawl greenhouse -a board=algolia
        microintern crawl --scrapyd http://crawler:secret@10.0.0.5:6800,http://10.0.0.6:6800
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
    overrides = parse_pairs(settings, "-s")
    with crawl_lock_or_exit(db_path):
        if scrapyd:
            nodes = [Node.parse(url) for url in scrapyd.split(",") if url.strip()]
            rows = crawl_scrapyd(
                jobs, db_path, nodes, settings=overrides, timeout=timeout, echo=click.echo
            )
        else:
            rows = crawl(
                jobs,
                db_path,
                settings=overrides,
                timeout=timeout,
                echo=click.echo,
                batch=not one_per_source,
            )
    if any(row["status"] == "failed" for row in rows):
        sys.exit(1)


@click.command()
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
