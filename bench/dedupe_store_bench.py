"""Dedupe + store: normalized postings into a fresh SQLite database, at several sizes.

Usage: python bench/dedupe_store_bench.py [SIZE ...]   (default 10000 100000; add 1000000 for
the full run, a few minutes). Postings are made from a pool of normalized synthetic items
(bench/synthetic.py), about 15% of them re-posts of an earlier item on another source, so the
duplicate layers do real work. Prints postings/s, listings formed and peak RSS per size.
Targets: 1M postings in under 3 minutes, time growing no faster than about 11x per 10x.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import synthetic_items  # noqa: E402
from pipeline.collect.gc_settings import fewer_collections  # noqa: E402
from pipeline.db import import_postings, open_db  # noqa: E402
from pipeline.dedupe import company_key, match_key  # noqa: E402
from pipeline.tagging.normalize import normalize_posting  # noqa: E402

POOL = 5000
REPEATS = 3
# A million postings reach a database through many imports (a capture file per source and
# night, replayed one by one by `rebuild`), each one transaction: here, files of 50,000, each
# seen on a night of its own, from FIRST_NIGHT on.
FILE_POSTINGS = 50_000
FIRST_NIGHT = datetime(2026, 1, 1, 2, 30, tzinfo=UTC)


SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ne",
    "su",
    "ta",
    "ro",
    "vi",
    "de",
    "po",
    "an",
    "el",
    "or",
    "ux",
    "ba",
    "ci",
    "fo",
    "gu",
    "hy",
    "ja",
    "ke",
    "li",
    "mo",
    "nu",
    "pe",
    "qu",
    "ri",
    "sy",
)


def employer(cycle: int, company: str) -> str:
    """A distinct employer name per cycle of the pool, so blocks stay employer-sized."""
    a, b = (SYLLABLES[(cycle // len(SYLLABLES) ** i) % len(SYLLABLES)] for i in range(2))
    return f"{company[:2]}{a}{b}{company[2:]}"  # "Northwind" -> "Nokakarthwind": own block


def night(file: int) -> str:
    """When the `file`-th file of postings was seen (ISO 8601)."""
    return (FIRST_NIGHT + timedelta(days=file)).strftime("%Y-%m-%dT%H:%M:%SZ")


def postings(count: int, pool: list[dict]):
    """`count` distinct postings cycled from the normalized pool, with their own ids, URLs and
    employers (the pool's re-posts stay duplicates of their originals within a cycle), each
    seen on the night of its file (FILE_POSTINGS a night)."""
    for number in range(count):
        base = pool[number % len(pool)]
        cycle = number // len(pool)
        company = employer(cycle, base["company"])
        yield {
            **base,
            "seen_at": night(number // FILE_POSTINGS),
            "posting_id": f"{base['posting_id']}-{cycle}",
            "source_id": f"{base['source_id']}-{cycle}",
            "url": f"{base['url']}-{cycle}",
            "canonical_url": f"{base['canonical_url']}-{cycle}",
            "company": company,
            "company_key": company_key(company),
            "match_key": match_key(company),
        }


def run(count: int, pool: list[dict]) -> dict[str, float]:
    """Dedupe and store `count` postings as imports of FILE_POSTINGS each, one after another
    (`import_postings`, as `microintern import` stores a file: one transaction); making the
    postings is not timed. Sizes under a million run REPEATS times and report the median, as a
    run of a second or two varies by several percent on a shared machine."""
    times = []
    for _ in range(REPEATS if count < 1_000_000 else 1):
        seconds = cpu_seconds = 0.0
        with tempfile.TemporaryDirectory() as tmp:
            db = open_db(Path(tmp) / "bench.db")
            made = postings(count, pool)
            while file := list(islice(made, FILE_POSTINGS)):
                start, cpu_start = time.perf_counter(), time.process_time()
                import_postings(db, file)
                seconds += time.perf_counter() - start
                cpu_seconds += time.process_time() - cpu_start
            listings = db.table("listings").count
            db.close()
        times.append((seconds, cpu_seconds))
    seconds, cpu_seconds = sorted(times)[len(times) // 2]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"dedupe+store {count:>9,} postings: {seconds:7.1f} s = {count / seconds:9,.0f} "
        f"postings/s (CPU {cpu_seconds:.1f} s), {listings:,} listings, peak RSS {peak:,.0f} MB"
    )
    return {
        "postings": count,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "listings": listings,
        "peak_rss_mb": round(peak),
    }


def main(sizes: list[int]) -> list[dict[str, float]]:
    pool = [normalize_posting(item) for item in synthetic_items(POOL, duplicate_rate=0.15)]
    results = [run(size, pool) for size in sizes]
    for small, large in zip(results, results[1:], strict=False):
        growth = large["seconds"] / small["seconds"]
        scale = large["postings"] / small["postings"]
        print(f"time grew {growth:.1f}x for {scale:.0f}x the postings (target <= 11x per 10x)")
    return results


if __name__ == "__main__":
    with fewer_collections():  # as `microintern` runs an import
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
