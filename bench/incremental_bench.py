"""Incremental night: the same fixture sites crawled twice through the nightly path, HTTP cache on.

Usage: python bench/incremental_bench.py [API_PAGES] [CAREER_PAGES]   (default 2000 2000).

Serves the generated sites of bench/fixture_sites.py (ETag and Last-Modified on every answer,
`304 Not Modified` to a matching `If-None-Match`) and runs `pipeline.collect.crawl.crawl` twice
into one database with one data directory, as two nights would: the real spiders, the real HTTP
cache (RFC 2616 policy, `<data>/httpcache`), import and `crawl_runs` rows. Only delays are off
(AutoThrottle, download delay; 16 requests at a time). Bytes are counted by the server on the
wire, headers included; Scrapy's `downloader/response_bytes` is shown too, but it counts a
revalidated response at the size of the cached body. After each night every table is
snapshotted without its `last_seen` columns (FTS index tables and `crawl_runs` aside).

Targets: the second night downloads at least 10x fewer bytes than the first, and writes nothing
but `last_seen` and its `crawl_runs` rows (no listing, posting or listing_changes row differs).
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fixture_sites import build_sites, serve  # noqa: E402
from pipeline.collect.crawl import CrawlJob, crawl  # noqa: E402

TARGET_BYTES_RATIO = 10.0
NIGHT_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}
FTS_SHADOWS = ("_data", "_idx", "_docsize", "_config", "_content", "_segments", "_segdir", "_stat")


def snapshot(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of every table except `crawl_runs`, without `last_seen` columns, sorted."""
    con = sqlite3.connect(db_path)
    try:
        tables = [
            name
            for (name,) in con.execute(
                "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
            )
        ]
        fts = {t for t in tables if t.endswith("_fts")}
        shadows = {t for t in tables for f in fts if t.startswith(f) and t.endswith(FTS_SHADOWS)}
        result = {}
        for table in sorted(set(tables) - shadows - {"crawl_runs"}):
            columns = [row[1] for row in con.execute(f"pragma table_info([{table}])")]
            kept = ", ".join(f"[{c}]" for c in columns if c != "last_seen")
            try:
                rows = con.execute(f"select rowid, {kept} from [{table}]").fetchall()
            except sqlite3.OperationalError:  # a WITHOUT ROWID table (listings_facet_counts)
                rows = con.execute(f"select {kept} from [{table}]").fetchall()
            result[table] = sorted(rows, key=repr)
        return result
    finally:
        con.close()


def count(db_path: Path, sql: str) -> int:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def night(jobs: list[CrawlJob], db: Path, data_dir: Path, sites: Any) -> dict[str, Any]:
    """One nightly crawl of every job; what the server sent and what the runs recorded."""
    sites.reset_counts()
    rows = crawl(jobs, db, data_dir=data_dir, settings=NIGHT_SETTINGS, echo=lambda *_: None)
    return {
        "requests": len(sites.requests),
        "statuses": {str(k): v for k, v in sorted(sites.statuses.items())},
        "wire_bytes": sites.wire_bytes,
        "body_bytes": sites.bytes_sent,
        "scrapy_response_bytes": sum(r["response_bytes"] for r in rows),
        "items": sum(r["items"] for r in rows),
        "status": sorted({r["status"] for r in rows}),
        "new_listings": sum(r["new_listings"] for r in rows),
        "updated_listings": sum(r["updated_listings"] for r in rows),
        "seen_again": sum(r["seen_again"] for r in rows),
        "cached": sum(r["cached"] for r in rows),
    }


def main(api_pages: int = 2000, career_pages: int = 2000) -> dict[str, Any]:
    """Two nights over the same sites; bytes per night and what the second night changed."""
    with tempfile.TemporaryDirectory() as tmp:
        root, data_dir = Path(tmp) / "sites", Path(tmp) / "data"
        db = data_dir / "listings.db"
        built = build_sites(root, api_pages, career_pages)
        with serve(root) as sites:
            jobs = [
                CrawlJob("greenhouse", {"board": ",".join(built.boards)}, name="gh-bench"),
                CrawlJob("jsonld", {"url": sites.base_url + built.sitemap}, name="jsonld-bench"),
            ]
            for job in jobs:
                job.args["base_url"] = sites.base_url
            first = night(jobs, db, data_dir, sites)
            before = snapshot(db)
            changes_before = count(db, "select count(*) from listing_changes")
            second = night(jobs, db, data_dir, sites)
            after = snapshot(db)
        changed = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
        result = {
            "api_pages": api_pages,
            "career_pages": career_pages,
            "first": first,
            "second": second,
            "bytes_ratio": round(first["wire_bytes"] / max(second["wire_bytes"], 1), 1),
            "tables_changed": changed,
            "new_listing_changes": count(db, "select count(*) from listing_changes")
            - changes_before,
            "crawl_runs": count(db, "select count(*) from crawl_runs"),
            "postings": count(db, "select count(*) from postings"),
            "last_seen_moved": count(
                db, "select count(*) from postings where last_seen > first_seen"
            ),
        }
    for name in ("first", "second"):
        run = result[name]
        print(
            f"night {name:>6}: {run['requests']:,} requests {run['statuses']}, "
            f"{run['wire_bytes'] / 1e6:,.2f} MB on the wire ({run['body_bytes'] / 1e6:,.2f} MB "
            f"bodies, Scrapy counts {run['scrapy_response_bytes'] / 1e6:,.2f} MB), "
            f"{run['items']:,} items, {run['new_listings']:,} new listings, "
            f"{run['updated_listings']:,} updated, {run['seen_again']:,} seen again"
        )
    print(
        f"second night: {result['bytes_ratio']}x fewer bytes (target >= 10x); tables changed "
        f"besides last_seen and crawl_runs: {changed or 'none'}; "
        f"{result['new_listing_changes']} new listing_changes rows; last_seen moved on "
        f"{result['last_seen_moved']:,} of {result['postings']:,} postings"
    )
    return result


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
