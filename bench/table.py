"""The table of bench/run_all.py: each benchmark's result as rows (figure, ours, the reference
measured in the same run, the ratio, the target and whether it is met) and the Markdown table
they make."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

CRAWL_RATIO = 0.70
SCALE_RATIO = 0.80  # crawl at scale: time within 1 / 0.8 of the politeness limit
SERVER_HEADROOM = 2.0  # the fixture server must answer at least twice as fast as any crawl
BYTES_RATIO = 10.0
PIPELINE_ITEMS_PER_S = 4000
RSS_MB = 3000
GROWTH_PER_10X = 11.0
NORMALIZE_ITEMS_PER_S = 10_000
DEDUPE_POSTINGS_PER_S = 1_000_000 / 180  # 1M postings in under 3 minutes
SOURCES_SECONDS = 0.8  # `microintern sources`, a new process, wall clock
# publish_bench's result keys -> (figure, target text, test of the value); keys not listed here
# are shown without a target.
PUBLISH_TARGETS: dict[str, tuple[str, str, Any]] = {
    "selective search.p95_ms": (
        "publish: selective two-word search, p95 ms",
        "< 50",
        lambda v: v < 50,
    ),
    "common-word search.p95_ms": (
        "publish: common-word search, p95 ms",
        "< 300",
        lambda v: v < 300,
    ),
    "listings page, all facets.p95_ms": (
        "publish: listings page with all facets, p95 ms",
        "< 500",
        lambda v: v < 500,
    ),
    "search page, filters.p95_ms": (
        "publish: search page with filters, p95 ms",
        "< 300",
        lambda v: v < 300,
    ),
    "listing page.p95_ms": ("publish: a listing's page, p95 ms", "< 50", lambda v: v < 50),
    "export_csv.rows_per_s": (
        "publish: full CSV stream (/-/export.csv), rows/s",
        ">= 50,000",
        lambda v: v >= 50_000,
    ),
    "csv.rows_per_s": ("publish: listings table CSV link (_stream=on), rows/s", "—", None),
}


@dataclass
class Row:
    figure: str
    ours: str
    reference: str = "—"
    ratio: str = ""
    target: str = "—"
    met: bool | None = None


def num(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def per_cpu(rate: float | None) -> str:
    """` (N per CPU s)`: the one-core figure when the shared machine is busy; targets are
    judged on the wall clock."""
    return f" ({num(rate)} per CPU s)" if rate else ""


def size_label(count: int) -> str:
    for unit, scale in (("M", 1_000_000), ("k", 1000)):
        if count >= scale and count % scale == 0:
            return f"{count // scale}{unit}"
    return str(count)


def per_10x(factor: float, scale: float) -> float:
    """Time growth normalized to a 10x step of data."""
    return factor ** (1 / math.log10(scale)) if scale > 1 else float("nan")


def growth_rows(name: str, runs: list[dict[str, Any]], count_key: str) -> list[Row]:
    rows = []
    for small, large in zip(runs, runs[1:], strict=False):
        scale = large[count_key] / small[count_key]
        factor = large["seconds"] / small["seconds"]
        step = per_10x(factor, scale)
        rows.append(
            Row(
                f"{name}: time growth {size_label(small[count_key])} -> "
                f"{size_label(large[count_key])}",
                f"{factor:.1f}x",
                f"{scale:g}x data",
                f"{step:.1f}x per 10x",
                f"<= {GROWTH_PER_10X:g}x per 10x",
                step <= GROWTH_PER_10X,
            )
        )
    return rows


def crawl_rows(r: dict[str, Any]) -> list[Row]:
    ref = r["scrapy_bench"]["pages_per_s"]
    runs = r["scrapy_bench"]["runs"]
    each = ", ".join(str(run["pages_per_s"]) for run in runs)
    reference = f"{num(ref, 1)} (scrapy bench: {each})"
    rows = []
    labels = {
        "greenhouse": f"{r['api_pages']:,} API pages",
        "jsonld": f"{r['career_pages']:,} career pages",
    }
    for spider, label in labels.items():
        run = r[spider]
        ratio = run["pages_per_s"] / ref
        rows.append(
            Row(
                f"crawl: {spider}, {label}, pages/s",
                num(run["pages_per_s"], 1),
                reference,
                f"{ratio:.0%}",
                f">= {CRAWL_RATIO:.0%} of scrapy bench",
                ratio >= CRAWL_RATIO,
            )
        )
    rows.append(
        Row(
            "crawl: both spiders, pages/s",
            num(r["combined_pages_per_s"], 1),
            num(ref, 1),
            f"{r['combined_pages_per_s'] / ref:.0%}",
            f">= {CRAWL_RATIO:.0%} of scrapy bench",
            r["combined_pages_per_s"] / ref >= CRAWL_RATIO,
        )
    )
    for spider in labels:
        rows.append(
            Row(
                f"crawl: {spider} parse time per page (median)",
                f"{r[spider]['parse_ms_median']} ms",
            )
        )
    fastest = max(r[s]["pages_per_s"] for s in labels)
    capacity = r["server"]["requests_per_s"]
    rows.append(
        Row(
            "crawl: fixture server capacity, requests/s",
            num(capacity),
            f"{num(fastest, 1)} (fastest crawl)",
            f"{capacity / fastest:.1f}x",
            f">= {SERVER_HEADROOM:g}x the crawl (not the limit)",
            capacity >= SERVER_HEADROOM * fastest,
        )
    )
    return rows


def scale_rows(r: dict[str, Any]) -> list[Row]:
    """Crawl at scale: the time against the politeness limit, locally and through Scrapyd."""
    label = f"{r['boards']:,} boards, {r['hosts']} hosts, {r['delay_s']:g} s delay"
    rows = []
    for key, how in (("local", "one machine"), ("scrapyd", "2 Scrapyd nodes")):
        run = r[key]
        rows.append(
            Row(
                f"scale: {label}, {how}, s",
                num(run["seconds"], 1),
                f"{num(run['limit_s'], 1)} (busiest host's requests x delay)",
                f"{run['of_limit']:.0%}",
                f">= {SCALE_RATIO:.0%} of the limit, all ok",
                run["of_limit"] >= SCALE_RATIO and run["ok"] == run["sources"],
            )
        )
    each, one = r["per_source"]["one_process_per_source"], r["per_source"]["one_process"]
    rows.append(
        Row(
            f"scale: {r['per_source']['sources']} sources of one host, delays off, s",
            f"{num(one['seconds'], 1)} (one process)",
            f"{num(each['seconds'], 1)} (a process each)",
            f"{each['seconds'] / one['seconds']:.1f}x",
        )
    )
    return rows


def incremental_rows(r: dict[str, Any]) -> list[Row]:
    first, second = r["first"], r["second"]
    ratio = first["wire_bytes"] / max(second["wire_bytes"], 1)
    not_modified = second["statuses"].get("304", 0)
    unchanged = not r["tables_changed"] and r["new_listing_changes"] == 0
    return [
        Row(
            "incremental: bytes downloaded, night 2 (night 1 as reference)",
            f"{second['wire_bytes'] / 1e6:,.2f} MB",
            f"{first['wire_bytes'] / 1e6:,.2f} MB",
            f"{ratio:,.1f}x fewer",
            f">= {BYTES_RATIO:g}x fewer",
            ratio >= BYTES_RATIO,
        ),
        Row(
            "incremental: night 2 answers 304 Not Modified",
            f"{not_modified:,} of {second['requests']:,}",
        ),
        Row(
            "incremental: night 2 rows written besides last_seen, crawl_runs",
            f"{len(r['tables_changed'])} tables, {r['new_listing_changes']} changes",
            f"{first['new_listings']:,} new listings on night 1",
            "",
            "none",
            unchanged,
        ),
    ]


def pipeline_rows(r: dict[str, Any], cap_mb: int) -> list[Row]:
    rows = []
    runs = r["sizes"]
    largest = runs[-1]["items"]
    for run in runs:
        label = size_label(run["items"])
        read, insert = run["floor_read_items_per_s"], run["floor_insert_items_per_s"]
        floor = 1 / (1 / read + 1 / insert)
        reference = f"{num(floor)} (read+json {num(read)}, executemany {num(insert)})"
        target = f">= {PIPELINE_ITEMS_PER_S:,}" if run["items"] == largest else "—"
        if "items_per_s" in run:
            rate = run["items_per_s"]
            rows.append(
                Row(
                    f"pipeline {label}: raw items to database, items/s",
                    num(rate) + per_cpu(run.get("items_per_cpu_s")),
                    reference,
                    f"{rate / floor:.1%}",
                    target,
                    rate >= PIPELINE_ITEMS_PER_S if run["items"] == largest else None,
                )
            )
        else:
            rows.append(
                Row(
                    f"pipeline {label}: raw items to database, items/s",
                    f"stopped after {run['seconds']:,.0f} s: {run['error']}",
                    reference,
                    "",
                    target,
                    False if run["items"] == largest else None,
                )
            )
        over_cap = "error" in run
        rows.append(
            Row(
                f"pipeline {label}: peak RSS",
                f"{'> ' if over_cap else ''}{num(run['peak_rss_mb'])} MB",
                target=f"< {RSS_MB:,} MB",
                met=not over_cap and run["peak_rss_mb"] < RSS_MB,
            )
        )
    finished = [run for run in runs if "items_per_s" in run]
    return rows + growth_rows("pipeline", finished, "items")


def normalize_rows(r: dict[str, Any]) -> list[Row]:
    return [
        Row(
            f"normalize + tag {size_label(r['items'])}: items/s",
            num(r["items_per_s"]) + per_cpu(r.get("items_per_cpu_s")),
            target=f">= {NORMALIZE_ITEMS_PER_S:,}",
            met=r["items_per_s"] >= NORMALIZE_ITEMS_PER_S,
        )
    ]


def dedupe_rows(r: list[dict[str, Any]]) -> list[Row]:
    rows = []
    for run in r:
        rate = run["postings"] / run["seconds"]
        largest = run is r[-1]
        cpu = run.get("cpu_seconds")
        rows.append(
            Row(
                f"dedupe + store {size_label(run['postings'])}: postings/s",
                f"{num(rate)} ({run['seconds']:,.1f} s"
                + (f", CPU {cpu:,.1f} s" if cpu else "")
                + f", peak {num(run['peak_rss_mb'])} MB)",
                target=f">= {num(DEDUPE_POSTINGS_PER_S)} (1M in 3 min)" if largest else "—",
                met=rate >= DEDUPE_POSTINGS_PER_S if largest else None,
            )
        )
    return rows + growth_rows("dedupe + store", r, "postings")


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        found: dict[str, Any] = {}
        for key, value in data.items():
            found.update(flatten(value, f"{prefix}{key}."))
        return found
    return {prefix.rstrip("."): data}


def publish_rows(r: dict[str, Any]) -> list[Row]:
    rows = []
    for key, value in flatten(r).items():
        figure, target, test = PUBLISH_TARGETS.get(key, (f"publish: {key}", "—", None))
        shown = num(value, 2 if isinstance(value, float) else 0) if _is_number(value) else value
        met = bool(test(value)) if test is not None else None
        rows.append(Row(figure, str(shown), target=target, met=met))
    return rows


def startup_rows(r: dict[str, Any]) -> list[Row]:
    rows = []
    for name in ("sources", "help"):
        t = r[name]
        target = name == "sources"
        rows.append(
            Row(
                f"start-up: `{t['command']}`, median s",
                f"{t['median_s']:.3f} ({t['min_s']:.3f}-{t['max_s']:.3f}, {r['runs']} runs)",
                target=f"<= {SOURCES_SECONDS}" if target else "—",
                met=t["median_s"] <= SOURCES_SECONDS if target else None,
            )
        )
    return rows


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def format_table(rows: list[Row]) -> str:
    """A Markdown table (it pastes into the README as it is)."""
    header = ("figure", "ours", "reference (same run)", "ratio", "target", "met")
    cells = [
        (
            r.figure,
            r.ours,
            r.reference,
            r.ratio,
            r.target,
            "" if r.met is None else "yes" if r.met else "NO",
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]

    def line(values: tuple[str, ...]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(c) for c in cells)])
