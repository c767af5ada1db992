"""Publishing: Datasette's real app over a database of N listings with realistic text.

Usage: python bench/publish_bench.py [N]   (default 1,000,000). The database is built with the
project's own schema (`pipeline.db.ensure_db_shape`), filled in bulk (this measures
publishing, not importing) with bench/publish_data.py: listings with realistic facet values,
descriptions of 100-300 words drawn from a Zipf-like vocabulary of 5,000 words, one posting per
source of a listing. It is cached under the temp directory, keyed by N, the schema version and
the page size, so reruns start at once.

Each figure is a request to `Datasette(..., metadata=datasette-metadata.json, settings=the
settings of `microintern serve`)`, repeated after a warm-up; the CSV stream reads every row.
Targets: selective search p95 < 50 ms, common-word search p95 < 300 ms, listings page with all
facets p95 < 500 ms, the search page with filters p95 < 300 ms, a listing's page p95 < 50 ms,
full CSV >= 50,000 rows/s.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from datasette.app import Datasette  # noqa: E402

from bench.publish_data import GENERATOR_VERSION, listing_rows, search_words  # noqa: E402
from microintern.cli.options import DEFAULT_METADATA  # noqa: E402
from microintern.cli.publish import SERVE_SETTINGS  # noqa: E402
from pipeline.db import LISTING_COLUMNS, NEW_DB_PAGE_SIZE, SCHEMA_VERSION, open_db  # noqa: E402

BENCH_DIR = Path(tempfile.gettempdir()) / "microintern-bench"
RUNS = 20
TARGETS = {
    "selective search": ("p95", 50),
    "common-word search": ("p95", 300),
    "listings page, all facets": ("p95", 500),
    "search page, filters": ("p95", 300),
    "listing page": ("p95", 50),
}
CSV_TARGET = 50_000  # rows/s


def database(count: int) -> Path:
    """The cached benchmark database of `count` listings, built if missing."""
    # Named listings.db: Datasette names the database after the file, as the metadata expects.
    folder = (
        BENCH_DIR / f"publish-{count}-schema{SCHEMA_VERSION}-data{GENERATOR_VERSION}"
        f"-page{NEW_DB_PAGE_SIZE}"
    )
    path = folder / "listings.db"
    if path.exists():
        open_db(path).close()  # as `microintern serve` does: indexes added since are created
        return path
    folder.mkdir(parents=True, exist_ok=True)
    building = path.with_name("building.db")
    for leftover in folder.glob("building.db*"):
        leftover.unlink()
    start = time.perf_counter()
    db = open_db(building)
    conn = db.conn
    # Bulk fill: without the search triggers and secondary indexes, which ensure_db_shape then
    # builds once over all rows (as a migration would).
    for kind, name in conn.execute(
        "select type, name from sqlite_master where (type = 'trigger' or "
        "(type = 'index' and sql is not null)) and tbl_name in ('listings', 'listing_texts', "
        "'postings')"
    ).fetchall():
        conn.execute(f"drop {kind} [{name}]")
    conn.execute("drop table listings_fts")
    conn.execute("pragma user_version = 0")
    columns = {
        "listings": len(LISTING_COLUMNS),
        "listing_texts": 3,
        "postings": len(db.table("postings").columns),
    }
    with conn:
        for listings, texts, postings in listing_rows(count):
            for table, rows in (
                ("listings", listings),
                ("listing_texts", texts),
                ("postings", postings),
            ):
                marks = ", ".join("?" * columns[table])
                conn.executemany(f"insert into [{table}] values ({marks})", rows)
    db.close()
    db = open_db(building)  # the project's own shaping: search index, indexes, views
    db.execute("analyze")
    db.close()  # the last connection to close checkpoints the write-ahead log into the file
    os.replace(building, path)
    seconds = time.perf_counter() - start
    size = path.stat().st_size / 2**20
    print(f"built {count:,} listings in {seconds:.0f} s: {path} ({size:,.0f} MB)")
    return path


async def _timings(ds: Datasette, path: str, runs: int) -> list[float]:
    await ds.client.get(path)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = await ds.client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


async def match_count(ds: Datasette, query: str, tries: int = 2) -> int:
    """How many listings a search matches. The first broad search on a database the operating
    system has not cached (the benchmarks before this one write gigabytes) can pass the 3 s SQL
    limit: it is asked again once the pages are read, and a second failure says what came back."""
    for _ in range(tries):
        response = await ds.client.get(f"/listings/listings.json?_search={query}")
        data = response.json()
        if response.status_code == 200 and "filtered_table_rows_count" in data:
            return data["filtered_table_rows_count"]
    raise RuntimeError(f"search {query!r}: {response.status_code} {response.text[:300]}")


async def measure(path: Path, count: int, runs: int = RUNS) -> dict[str, Any]:
    ds = Datasette(
        [str(path)], metadata=json.loads(DEFAULT_METADATA.read_text()), settings=SERVE_SETTINGS
    )
    selective, common = search_words()
    checks = {}
    for name, query in (("selective", selective), ("common", common)):
        checks[name] = await match_count(ds, query)
    page = (await ds.client.get("/listings/listings.json")).json()
    assert len(page["facet_results"]) == 8, sorted(page["facet_results"])
    assert checks["common"] > count / 10, checks
    selective_arg, common_arg = selective.replace(" ", "+"), common
    figures = {
        # The search itself, as the JSON API answers it: the first page of rows (newest first)
        # and the total count.
        "selective search": f"/listings/listings.json?_search={selective_arg}&_nofacet=1",
        "common-word search": f"/listings/listings.json?_search={common_arg}&_nofacet=1",
        # The page a visitor opens: HTML, 100 rows, the count and all eight facets.
        "listings page, all facets": "/listings/listings",
        "canned query (micro_internships)": "/listings/micro_internships?industry=&max_hours=20",
        # The same searches as pages: HTML with the eight facets counted over the matches.
        "selective search page, facets": f"/listings/listings?_search={selective_arg}",
        "common-word search page, facets": f"/listings/listings?_search={common_arg}",
        # The site's own pages: the home page's search with the filters staff use most, a
        # common word with them, and one listing's page.
        "search page, filters": "/?industry=marketing&max_hours=10&is_micro=1",
        "search page, common word and filters": f"/?q={common_arg}&industry=marketing",
        "listing page": f"/listing/{page['rows'][len(page['rows']) // 2][0]}",
    }
    results: dict[str, Any] = {
        "listings": count,
        "selective_matches": checks["selective"],
        "common_matches": checks["common"],
    }
    for name, url in figures.items():
        times = await _timings(ds, url, runs)
        results[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
        }
    # The CSV link of the listings page (newest first), and the same rows in id order.
    for key, url in (
        # The site's whole-table download (every listing, the columns of `microintern export`).
        ("export_csv", "/-/export.csv"),
        ("csv", "/listings/listings.csv?_stream=on&_size=max"),
        ("csv_id_order", "/listings/listings.csv?_stream=on&_size=max&_sort=id"),
    ):
        start = time.perf_counter()
        response = await ds.client.get(url)
        seconds = time.perf_counter() - start
        rows = sum(1 for _ in csv.reader(io.StringIO(response.text))) - 1
        assert rows == count, f"CSV stream gave {rows} rows of {count}"
        results[key] = {
            "rows": rows,
            "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds),
        }
    return results


def report(results: dict[str, Any]) -> None:
    print(f"{'figure':36} {'p50':>9} {'p95':>9} {'target':>14}  met?")
    for name, value in results.items():
        if not isinstance(value, dict) or "p50_ms" not in value:
            continue
        kind, limit = TARGETS.get(name, (None, None))
        target = f"{kind} < {limit} ms" if kind else "-"
        met = "-" if kind is None else ("yes" if value[kind + "_ms"] < limit else "NO")
        print(f"{name:36} {value['p50_ms']:7.1f}ms {value['p95_ms']:7.1f}ms {target:>14}  {met}")
    for key, name in (
        ("export_csv", "full CSV stream (/-/export.csv)"),
        ("csv", "table CSV link, newest first"),
        ("csv_id_order", "table CSV link, id order"),
    ):
        stream = results[key]
        target = f"(target >= {CSV_TARGET:,})" if key == "export_csv" else "(for information)"
        met = ("yes" if stream["rows_per_s"] >= CSV_TARGET else "NO") if key == "export_csv" else ""
        print(
            f"{name:36} {stream['rows']:,} rows in {stream['seconds']} s = "
            f"{stream['rows_per_s']:,} rows/s {target}  {met}"
        )
    print(
        f"searches match {results['selective_matches']:,} and {results['common_matches']:,} "
        f"of {results['listings']:,} listings"
    )


def main(count: int = 1_000_000, runs: int = RUNS) -> dict[str, Any]:
    path = database(count)
    results = asyncio.run(measure(path, count, runs))
    results["db_mb"] = round(path.stat().st_size / 2**20)
    report(results)
    return results


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
