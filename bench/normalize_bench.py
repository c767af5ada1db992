"""Normalization + tagging throughput: raw items to normalized postings, in one process.

Usage: python bench/normalize_bench.py [COUNT]   (default 100000). Normalizes the items in
batches of NORMALIZE_BATCH, as an import does. Prints items/s by the wall
clock and per CPU second (the figure for one core when the machine is busy), and peak RSS; then
the CPU time per item of each stage, each timed over all items on its own with the inputs
`normalize_posting` gives it, and what the rest of `normalize_posting` takes.
Target: >= 10,000 items/s on one core.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import synthetic_items  # noqa: E402
from pipeline.gc_settings import tune_gc  # noqa: E402
from pipeline.hours import parse_hours  # noqa: E402
from pipeline.hugepages import reexec_with_huge_pages  # noqa: E402
from pipeline.industry import tag_industry  # noqa: E402
from pipeline.normalize import (  # noqa: E402
    FULL_TIME,
    NORMALIZE_BATCH,
    decide_kind,
    normalize_posting,
    normalize_postings,
    raw_hash,
)
from pipeline.pay import parse_pay  # noqa: E402
from pipeline.text import html_to_text, sanitize_html, squash  # noqa: E402

# The rules: what tags a posting, as opposed to cleaning its fields.
RULE_STAGES = ("hours", "pay", "industry", "kind")


def stage_calls(raw: dict[str, Any], posting: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """Each stage of `normalize_posting(raw)` as a call with the arguments it gets there."""
    title, text, markup = posting["title"], posting["description"], raw.get("description") or ""
    employment = posting["employment_type"]
    hours_text, pay_text = squash(raw.get("hours_text")), raw.get("pay_text")
    full_time = bool(FULL_TIME.search(employment or ""))
    week = posting["hours_per_week_max"] is not None
    hours = posting["hours_min"], posting["hours_max"]
    return {
        "html to text": lambda: html_to_text(markup),
        "sanitize html": lambda: sanitize_html(markup),
        "hours": lambda: parse_hours([hours_text, title, text], full_time=full_time),
        "pay": lambda: parse_pay([pay_text, title, text], *hours),
        "industry": lambda: tag_industry(title, posting["categories"], text),
        "kind": lambda: decide_kind(
            title, text, employment, posting["hours_max"], week, posting["unpaid"], raw["source"]
        ),
        "raw hash": lambda: raw_hash(raw),
    }


def stage_times(items: list[dict[str, Any]], total_cpu_s: float) -> dict[str, float]:
    """CPU microseconds per item of each stage, and of the rest of `normalize_posting`."""
    calls = [stage_calls(raw, normalize_posting(raw)) for raw in items]
    micros: dict[str, float] = {}
    for stage in calls[0]:
        start = time.process_time()
        for call in calls:
            call[stage]()
        micros[stage] = (time.process_time() - start) / len(items) * 1e6
    micros["rest"] = max(0.0, total_cpu_s / len(items) * 1e6 - sum(micros.values()))
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
    }
    print(
        f"normalize+tag: {count} items in {seconds:.2f} s = {count / seconds:,.0f} items/s "
        f"({count / cpu_seconds:,.0f} per CPU second), peak RSS {peak_mb:,.0f} MB "
        "(target >= 10,000 items/s)"
    )
    stages = stage_times(items, cpu_seconds)
    rules = sum(stages[s] for s in RULE_STAGES)
    result["stage_us"] = stages
    print(
        "  CPU us per item: "
        + ", ".join(f"{stage} {us:.1f}" for stage, us in stages.items())
        + f"; the rules ({', '.join(RULE_STAGES)}) {rules:.1f} of {sum(stages.values()):.1f}"
    )
    return result


if __name__ == "__main__":
    reexec_with_huge_pages()  # as the microintern command runs
    tune_gc()
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
