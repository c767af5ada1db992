"""Publishing: Datasette's real app over a database of N listings with realistic text.

Usage: python bench/publish_bench.py [N]   (default 1,000,000). The database is built with the
project's own schema (`pipeline.db.ensure_db_shape`), filled in bulk (this measures
publishing, not importing): listings with realistic facet values, descriptions of 100-300 words
drawn from a Zipf-like vocabulary of 5,000 words, one posting per source of a listing. It is
cached under the temp directory, keyed by N, the schema version and the page size, so reruns
start at once.

Each figure is a request to `Datasette(..., metadata=datasette-metadata.json, settings=the
settings of `microintern serve`)`, repeated after a warm-up; the CSV stream reads every row.
Targets: selective search p95 < 50 ms, common-word search p95 < 300 ms, listings page with all
facets p95 < 500 ms, full CSV >= 50,000 rows/s.
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from datasette.app import Datasette  # noqa: E402

from microintern.cli import DEFAULT_METADATA, SERVE_SETTINGS  # noqa: E402
from pipeline.db import LISTING_COLUMNS, NEW_DB_PAGE_SIZE, SCHEMA_VERSION, open_db  # noqa: E402

GENERATOR_VERSION = 1  # bump when the data below changes, so cached databases are rebuilt
BENCH_DIR = Path(tempfile.gettempdir()) / "microintern-bench"
VOCABULARY = 5000
ZIPF_EXPONENT = 1.07
WORDS = (100, 300)  # description length range
CHUNK = 20_000
RUNS = 20
INDUSTRIES = (
    "technology data marketing sales finance consulting design media hr operations healthcare "
    "education legal-policy engineering science arts other"
).split()
KINDS = {
    "micro-internship": 0.45,
    "internship": 0.25,
    "job": 0.12,
    "simulation": 0.08,
    "volunteer": 0.04,
    "fellowship": 0.03,
    "competition": 0.03,
}
STATUSES = {"open": 0.55, "closed": 0.3, "expired": 0.12, "reopened": 0.03}
HOUR_RANGES = {"under-5": 0.1, "5-10": 0.2, "10-20": 0.25, "20-40": 0.15, "over-40": 0.1, None: 0.2}
HOURS = {"under-5": (1, 5), "5-10": (5, 10), "10-20": (10, 20), "20-40": (20, 40)}
SOURCES = "greenhouse lever ashby smartrecruiters workable recruitee jsonld forage".split()
LOCATIONS = ("Remote", "Chicago, IL", "New York, NY", "Austin, TX", "London", "Berlin", None)
TARGETS = {
    "selective search": ("p95", 50),
    "common-word search": ("p95", 300),
    "listings page, all facets": ("p95", 500),
}
CSV_TARGET = 50_000  # rows/s


def vocabulary(size: int = VOCABULARY) -> list[str]:
    """`size` distinct pronounceable words (stable under the porter stemmer: no suffixes)."""
    onsets = "b c d f g h j k l m n p r s t v w z br cr dr fr gr pl st tr".split()
    vowels = "a e i o u ai ou".split()
    rng = np.random.default_rng(11)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        parts = rng.integers(2, 4)
        word = (
            "".join(
                onsets[rng.integers(len(onsets))] + vowels[rng.integers(len(vowels))]
                for _ in range(parts)
            )
            + "x"[: rng.integers(2)]
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def word_weights(size: int = VOCABULARY) -> np.ndarray:
    weights = 1 / np.arange(1, size + 1) ** ZIPF_EXPONENT
    return weights / weights.sum()


def share_of_listings(rank: int) -> float:
    """Expected share of descriptions containing the word of this rank (0-based)."""
    p = word_weights()[rank]
    return sum((1 - (1 - p) ** n) for n in range(WORDS[0], WORDS[1] + 1)) / (
        WORDS[1] - WORDS[0] + 1
    )


def search_words() -> tuple[str, str]:
    """A selective two-word search (both words in about 0.01% of listings) and a common word
    (in about 20% of listings)."""
    words = vocabulary()
    shares = [share_of_listings(rank) for rank in range(VOCABULARY)]
    common = min(range(VOCABULARY), key=lambda r: abs(shares[r] - 0.2))
    rare = min(range(VOCABULARY), key=lambda r: abs(shares[r] - 0.01))
    return f"{words[rare]} {words[rare + 1]}", words[common]


def _pick(rng: np.random.Generator, weights: dict[Any, float], count: int) -> list[Any]:
    keys = list(weights)
    probabilities = np.array(list(weights.values()))
    return [keys[i] for i in rng.choice(len(keys), count, p=probabilities / probabilities.sum())]


def listing_rows(count: int, seed: int = 7) -> Iterator[tuple[list[tuple], list[tuple], list]]:
    """Chunks of (listings rows, listing_texts rows, postings rows) in table column order."""
    rng = np.random.default_rng(seed)
    words = np.array(vocabulary())
    weights = word_weights()
    companies = [
        f"{words[i % VOCABULARY].title()} {words[(i * 7 + 3) % VOCABULARY].title()}"
        for i in range(100, 20_100)
    ]
    company_weights = 1 / np.arange(1, len(companies) + 1) ** 0.8
    company_weights /= company_weights.sum()
    start = np.datetime64("2025-01-01T00:00:00")
    for first in range(0, count, CHUNK):
        n = min(CHUNK, count - first)
        lengths = rng.integers(WORDS[0], WORDS[1] + 1, n)
        tokens = rng.choice(VOCABULARY, int(lengths.sum()), p=weights)
        title_tokens = rng.choice(VOCABULARY, n * 5, p=weights)
        company_ix = rng.choice(len(companies), n, p=company_weights)
        kinds = _pick(rng, KINDS, n)
        industries = _pick(rng, {**dict.fromkeys(INDUSTRIES, 1.0), None: 0.6}, n)
        ranges = _pick(rng, HOUR_RANGES, n)
        statuses = _pick(rng, STATUSES, n)
        remote = _pick(rng, {1: 0.4, 0: 0.3, None: 0.3}, n)
        seen_minutes = rng.integers(0, 2 * 365 * 24 * 60, n)
        ids = rng.integers(0, 2**63, n)
        listings, texts, postings = [], [], []
        offset = 0
        for i in range(n):
            number = first + i
            description = " ".join(words[tokens[offset : offset + lengths[i]]])
            offset += lengths[i]
            title = " ".join(words[title_tokens[i * 5 : i * 5 + 2 + i % 4]]).capitalize()
            company = companies[company_ix[i]]
            key = company.lower().replace(" ", "")
            hour_range = ranges[i]
            low, high = HOURS.get(hour_range, (41, 120)) if hour_range else (None, None)
            hours_max = None if high is None else int(low + (high - low) * ((number % 7) / 6))
            first_seen = start + np.timedelta64(int(seen_minutes[i]), "m")
            first_text = f"{first_seen}Z"
            last_text = f"{first_seen + np.timedelta64(int(number % 30), 'D')}Z"
            spread = 1 + (number % 10 == 0) + (number % 50 == 0)
            sources = sorted({SOURCES[(number // 7 + k * 3) % len(SOURCES)] for k in range(spread)})
            listing_id = f"{int(ids[i]):016x}"
            pay = None if number % 3 else 20 + number % 30
            row = {
                "id": listing_id,
                "title": title,
                "company": company,
                "company_key": key,
                "match_key": key[:4],
                "url": f"https://jobs.example.org/{key}/{number}",
                "location": LOCATIONS[number % len(LOCATIONS)],
                "remote": remote[i],
                "employment_type": ("Contract", "Part-time", "Intern", None)[number % 4],
                "kind": kinds[i],
                "kind_evidence": f"{kinds[i]}: title",
                "is_micro": int(kinds[i] == "micro-internship"),
                "industry": industries[i],
                "industry_alt": INDUSTRIES[(number * 5) % len(INDUSTRIES)],
                "industry_confidence": round(0.4 + (number % 60) / 100, 2),
                "industry_evidence": f"title: {industries[i]}",
                "hour_range": hour_range,
                "hours_evidence": None if hours_max is None else f"about {hours_max} hours",
                "hours_min": low,
                "hours_max": hours_max,
                "hours_per_week_min": None,
                "hours_per_week_max": None,
                "duration_weeks": None,
                "pay_text": None if pay is None else f"${pay}/hr",
                "pay_min": pay,
                "pay_max": pay,
                "pay_currency": None if pay is None else "USD",
                "pay_unit": None if pay is None else "hour",
                "pay_per_hour": None if pay is None else float(pay),
                "unpaid": None if pay is None else 0,
                "posted_at": first_text[:10],
                "deadline": str(first_seen + np.timedelta64(int(20 + number % 40), "D"))[:10]
                if number % 2
                else None,
                "categories": json.dumps([INDUSTRIES[number % len(INDUSTRIES)].title()]),
                "sources": json.dumps(sources),
                "postings_count": len(sources),
                "first_seen": first_text,
                "last_seen": last_text,
                "status": statuses[i],
            }
            listings.append(tuple(row[c] for c in LISTING_COLUMNS))
            paragraphs = description.split(" ")
            middle = len(paragraphs) // 2
            html = f"<p>{' '.join(paragraphs[:middle])}</p><p>{' '.join(paragraphs[middle:])}</p>"
            texts.append((listing_id, description, html))
            for source in sources:
                postings.append(
                    (
                        f"{source}:{number}",
                        listing_id,
                        source,
                        str(number),
                        row["url"],
                        row["url"][8:],
                        title,
                        company,
                        key,
                        "new",
                        None,
                        f"{source}-board",
                        "open",
                        0,
                        f"{number:032x}",
                        first_text,
                        last_text,
                    )
                )
        yield listings, texts, postings


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
