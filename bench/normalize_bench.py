"""Normalization + tagging throughput: raw items to normalized postings, in one process.

Usage: python bench/normalize_bench.py [COUNT]   (default 100000). Normalizes the items in
batches of NORMALIZE_BATCH, as an import does. Prints items/s by the wall
clock and per CPU second (the figure for one core when the machine is busy), and peak RSS; then
the time per item of each stage, from a second pass with each stage's function timed where
`normalize_postings` calls it, and what the rest of `normalize_postings` takes.
Target: >= 10,000 items/s on one core.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import synthetic_items  # noqa: E402
from pipeline.collect.gc_settings import fewer_collections  # noqa: E402
from pipeline.tagging import normalize  # noqa: E402
from pipeline.tagging.normalize import NORMALIZE_BATCH, normalize_posting, normalize_postings  # noqa: E402

# Each stage: the function `normalize_postings` calls for it (a name in pipeline.tagging.normalize).
STAGES = {
    "html to text": "html_to_text",
    "sanitize html": "sanitize_html",
    "hours": "parse_hours",
    "pay": "parse_pay",
    "industry": "tag_industry",
    "kind": "decide_kind",
    "raw hash": "raw_hash",
}
# The rules: what tags a posting, as opposed to cleaning its fields.
RULE_STAGES = ("hours", "pay", "industry", "kind")


def stage_times(items: list[dict[str, Any]]) -> dict[str, float]:
    """Microseconds per item of each stage, and of the rest of `normalize_postings`: the items
    normalized again in batches, each stage's function timed where `normalize_postings` calls it."""
    spent = dict.fromkeys(STAGES, 0.0)

    def timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - start

        return call

    originals = {stage: getattr(normalize, name) for stage, name in STAGES.items()}
    for stage, name in STAGES.items():
        setattr(normalize, name, timed(stage, originals[stage]))
    try:
        start = time.perf_counter()
        for at in range(0, len(items), NORMALIZE_BATCH):
            normalize.normalize_postings(items[at : at + NORMALIZE_BATCH])
        total = time.perf_counter() - start
    finally:
        for stage, name in STAGES.items():
            setattr(normalize, name, originals[stage])
    micros = {stage: seconds / len(items) * 1e6 for stage, seconds in spent.items()}
    micros["rest"] = max(0.0, total / len(items) * 1e6 - sum(micros.values()))
    return {stage: round(us, 1) for stage, us in micros.items()}


def main(count: int = 100_000) -> dict[str, Any]:
    items = list(synthetic_items(count))
    normalize_posting(items[0])  # warm caches (taxonomy, regexes) outside the timing
    start, cpu_start = time.perf_counter(), time.process_time()
    for at in range(0, count, NORMALIZE_BATCH):  # as `microintern import` reads a file
        normalize_postings(items[at : at + NORMALIZE_BATCH])
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result: dict[str, Any] = {
        "items": count,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "items_per_s": round(count / seconds),
        "items_per_cpu_s": round(count / cpu_seconds),
        "peak_rss_mb": round(peak_mb),
        "python": f"{platform.python_version()} ({os.path.realpath(sys.executable)})",
    }
    print(
        f"normalize+tag: {count} items in {seconds:.2f} s = {count / seconds:,.0f} items/s "
        f"({count / cpu_seconds:,.0f} per CPU second), peak RSS {peak_mb:,.0f} MB "
        f"(target >= 10,000 items/s), Python {result['python']}"
    )
    stages = stage_times(items)
    rules = sum(stages[s] for s in RULE_STAGES)
    result["stage_us"] = stages
    print(
        "  us per item: "
        + ", ".join(f"{stage} {us:.1f}" for stage, us in stages.items())
        + f"; the rules ({', '.join(RULE_STAGES)}) {rules:.1f} of {sum(stages.values()):.1f}"
    )
    return result


if __name__ == "__main__":
    with fewer_collections():  # as `microintern` runs an import
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
