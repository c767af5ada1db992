"""The demo: serve the bundled sample sites on 127.0.0.1, crawl them with the real spiders and
build the database."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

from pipeline import PROJECT_ROOT
from pipeline.collect.crawl import CrawlJob, crawl
from pipeline.collect.sample_sites import SampleSites
from pipeline.collect.sources import load_sources
from pipeline.db import open_db

SAMPLES_DIR = PROJECT_ROOT / "data" / "samples"
SAMPLES_PORT = 8765  # fixed, so sample page URLs (and the ids made from them) stay the same
SAMPLE_SOURCES = SAMPLES_DIR / "sources.toml"

# Our own server on loopback: no need to wait between requests.
LOCAL_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False"}


def demo_jobs(base_url: str, sources_file: Path = SAMPLE_SOURCES) -> list[CrawlJob]:
    """One job per sample source, pointed at the sample server."""
    jobs = []
    for source in load_sources(sources_file):
        job = CrawlJob.from_source(source)
        job.args = {k: v.replace("{{base_url}}", base_url) for k, v in job.args.items()}
        jobs.append(job)
    return jobs


def start_sample_sites(root: Path = SAMPLES_DIR, port: int = SAMPLES_PORT) -> SampleSites:
    try:
        return SampleSites(root, port=port)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        return SampleSites(root, port=0)


def build_demo(
    db_path: Path, echo=print, timeout: float = 300, sites: SampleSites | None = None
) -> dict[str, Any]:
    """Crawl the sample sites into `db_path`; return a summary of what was built. `sites`, when
    given, is a running sample server that outlives the build (the demo keeps it up while it
    serves, so the apply links of sample pages answer); else one is run for the build."""
    if sites is None:
        with start_sample_sites() as own:
            return build_demo(db_path, echo, timeout, own)
    echo(f"sample sites: {sites.base_url} (from {SAMPLES_DIR})")
    runs = crawl(
        demo_jobs(sites.base_url), db_path, settings=LOCAL_SETTINGS, timeout=timeout, echo=echo
    )
    db = open_db(db_path)
    by_source = {
        row["source"]: row["n"]
        for row in db.query("select source, count(distinct listing_id) n from postings group by 1")
    }
    return {
        "runs": runs,
        "items": sum(run["items"] for run in runs),
        "listings": db.table("listings").count,
        "micro": db.execute("select count(*) from listings where is_micro = 1").fetchone()[0],
        "listings_by_source": by_source,
    }
