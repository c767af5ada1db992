"""Normalization + tagging throughput: raw items to normalized postings, in one process.

Usage: python bench/normalize_bench.py [COUNT]   (default 100000). Prints items/s by the wall
clock and per CPU second (the figure for one core when the machine is busy), and peak RSS.
Target: >= 10,000 items/s on one core.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import synthetic_items  # noqa: E402
from pipeline.hugepages import reexec_with_huge_pages  # noqa: E402
from pipeline.normalize import normalize_posting  # noqa: E402


def main(count: int = 100_000) -> dict[str, float]:
    items = list(synthetic_items(count))
    normalize_posting(items[0])  # warm caches (taxonomy, regexes) outside the timing
    start, cpu_start = time.perf_counter(), time.process_time()
    for item in items:
        normalize_posting(item)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "items": count,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "items_per_s": round(count / seconds),
        "items_per_cpu_s": round(count / cpu_seconds),
        "peak_rss_mb": round(peak_mb),
    }
    print(
        f"normalize+tag: {count} items in {seconds:.2f} s = {count / seconds:,.0f} items/s "
        f"({count / cpu_seconds:,.0f} per CPU second), peak RSS {peak_mb:,.0f} MB "
        "(target >= 10,000 items/s)"
    )
    return result


if __name__ == "__main__":
    reexec_with_huge_pages()  # as the microintern command runs
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
