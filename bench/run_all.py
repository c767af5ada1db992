"""Every benchmark under bench/, one table: figure, ours, the reference measured in the same run,
the ratio, the target and whether it is met; one JSON line per run appended to
bench/results.jsonl with the commit and the machine, so a regression shows.

Usage: python bench/run_all.py [--only NAME[,NAME...]] [--quick] [--results FILE]
       [--crawl-pages N] [--incremental-pages N] [--pipeline-sizes N,N,...] [--normalize N]
       [--dedupe-sizes N,N,...] [--publish N] [--bench-seconds S] [--memory-cap-mb MB]

`make bench` runs it with the full sizes (10-30 minutes on a 2-core machine). `--quick` uses tiny
sizes (the smoke test). Names: crawl, incremental, pipeline, normalize, dedupe, publish. Each
benchmark runs in its own process (its peak RSS is its own; a Twisted reactor starts once per
process) and is also runnable alone: `python bench/<name>_bench.py --help` says how.
bench/publish_bench.py (Datasette figures, `main(n) -> dict`) is used when it exists; otherwise
its row says "not available".

Targets: crawl >= 70% of `scrapy bench`'s pages/s; second night >= 10x fewer bytes and no rows
written but last_seen and crawl_runs; pipeline >= 4,000 items/s at 1M, under 3 GB, <= 11x time
per 10x data; normalize + tag >= 10,000 items/s; dedupe + store 1M postings in under 3 minutes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from pipeline.collect.gc_settings import fewer_collections  # noqa: E402

RESULTS = PROJECT_ROOT / "bench" / "results.jsonl"
NAMES = ("crawl", "incremental", "pipeline", "normalize", "dedupe", "publish")
# Benchmarks of parts of an import called outside `import_files`: run with the garbage collector
# settings an import has (pipeline/collect/gc_settings.py).
IMPORT_PART_MODULES = ("bench.normalize_bench", "bench.dedupe_store_bench")
MODULES = {
    "crawl": "bench.crawl_bench",
    "incremental": "bench.incremental_bench",
    "pipeline": "bench.pipeline_bench",
    "normalize": "bench.normalize_bench",
    "dedupe": "bench.dedupe_store_bench",
    "publish": "bench.publish_bench",
}
CRAWL_RATIO = 0.70
SERVER_HEADROOM = 2.0  # the fixture server must answer at least twice as fast as any crawl
BYTES_RATIO = 10.0
PIPELINE_ITEMS_PER_S = 4000
RSS_MB = 3000
GROWTH_PER_10X = 11.0
NORMALIZE_ITEMS_PER_S = 10_000
DEDUPE_POSTINGS_PER_S = 1_000_000 / 180  # 1M postings in under 3 minutes
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
    "export_csv.rows_per_s": (
        "publish: full CSV stream (/-/export.csv), rows/s",
        ">= 50,000",
        lambda v: v >= 50_000,
    ),
    "csv.rows_per_s": ("publish: listings table CSV link (_stream=on), rows/s", "—", None),
}


@dataclass
class Sizes:
    crawl_pages: int = 2000  # API pages, and as many career pages
    bench_seconds: int = 10  # each `scrapy bench` run
    incremental_pages: int = 2000
    pipeline: list[int] = field(default_factory=lambda: [10_000, 100_000, 1_000_000])
    normalize: int = 100_000
    dedupe: list[int] = field(default_factory=lambda: [10_000, 100_000, 1_000_000])
    publish: int = 1_000_000
    memory_cap_mb: int = 4096

    @classmethod
    def quick(cls) -> Sizes:
        return cls(20, 2, 5, [100, 200], 300, [500, 1000], 200)


@dataclass
class Row:
    figure: str
    ours: str
    reference: str = "—"
    ratio: str = ""
    target: str = "—"
    met: bool | None = None


def calls(sizes: Sizes) -> dict[str, list[Any]]:
    """Positional arguments of each benchmark's `main`."""
    crawl, inc = sizes.crawl_pages, sizes.incremental_pages
    return {
        "crawl": [crawl, crawl, sizes.bench_seconds, min(3.0, sizes.bench_seconds)],
        "incremental": [inc, inc],
        "pipeline": [sizes.pipeline, sizes.memory_cap_mb],
        "normalize": [sizes.normalize],
        "dedupe": [sizes.dedupe],
        "publish": [sizes.publish],
    }


def run_child(name: str, args: list[Any]) -> dict[str, Any]:
    """Run one benchmark's `main(*args)` in its own process; its result, or `error`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, __file__, "--child", MODULES[name], json.dumps(args), str(out)]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
        seconds = round(time.perf_counter() - start, 1)
        if done.returncode != 0 or not out.exists():
            lines = (done.stderr or "").strip().splitlines()
            return {"error": lines[-1] if lines else f"exit {done.returncode}", "wall_s": seconds}
        return {"result": json.loads(out.read_text()), "wall_s": seconds}


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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def rows_for(name: str, outcome: dict[str, Any], sizes: Sizes) -> list[Row]:
    """The table rows of one benchmark's outcome (a failure is one row saying so)."""
    if "error" in outcome:
        return [Row(f"{name}: failed", outcome["error"][:90], met=False)]
    r = outcome["result"]
    builders = {
        "crawl": crawl_rows,
        "incremental": incremental_rows,
        "pipeline": lambda r: pipeline_rows(r, sizes.memory_cap_mb),
        "normalize": normalize_rows,
        "dedupe": dedupe_rows,
        "publish": publish_rows,
    }
    return builders[name](r)


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


def machine() -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for text in cpuinfo.read_text().splitlines():
            if text.startswith("model name"):
                model = text.split(":", 1)[1].strip()
                break
    memory_mb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        memory_mb = int(meminfo.read_text().split()[1]) // 1024
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_mb": memory_mb,
        "python": platform.python_version(),
        "interpreter": os.path.realpath(sys.executable),  # which build of that version
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def git_commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def publish_available() -> bool:
    return importlib.util.find_spec(MODULES["publish"]) is not None


def run(names: list[str], sizes: Sizes, results_file: Path | None = RESULTS) -> dict[str, Any]:
    """Run the named benchmarks, print the table, append the run to `results_file`."""
    started = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    record: dict[str, Any] = {
        "timestamp": started,
        **git_commit(),
        "machine": machine(),
        "sizes": asdict(sizes),
        "results": {},
    }
    rows: list[Row] = []
    for name in names:
        if name == "publish" and not publish_available():
            record["results"][name] = {"error": "not available"}
            rows.append(Row("publish: Datasette figures", "not available (bench/publish_bench.py)"))
            continue
        print(f"== {name}", flush=True)
        outcome = run_child(name, calls(sizes)[name])
        record["results"][name] = outcome
        try:
            rows += rows_for(name, outcome, sizes)
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
            rows.append(Row(f"{name}: unexpected result", repr(exc)[:90], met=False))
    record["rows"] = [asdict(r) for r in rows]
    table = format_table(rows)
    info = record["machine"]
    print(f"\nPython {info['python']} ({info['interpreter']}), SQLite {info['sqlite']}")
    print(table)
    if results_file is not None:
        results_file.parent.mkdir(parents=True, exist_ok=True)
        with results_file.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, sort_keys=True) + "\n")
        print(f"\nappended to {results_file}")
    record["table"] = table
    return record


def child(module: str, args_json: str, out: str) -> None:
    """Run `module.main(*args)` and write its result as JSON (called by `run_child`)."""
    result = importlib.import_module(module).main(*json.loads(args_json))
    Path(out).write_text(json.dumps(result, default=str))


def ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", type=lambda s: s.split(","), default=list(NAMES))
    parser.add_argument("--quick", action="store_true", help="tiny sizes (the smoke test)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--crawl-pages", type=int)
    parser.add_argument("--bench-seconds", type=int)
    parser.add_argument("--incremental-pages", type=int)
    parser.add_argument("--pipeline-sizes", type=ints)
    parser.add_argument("--normalize", type=int)
    parser.add_argument("--dedupe-sizes", type=ints)
    parser.add_argument("--publish", type=int)
    parser.add_argument("--memory-cap-mb", type=int)
    opts = parser.parse_args(argv)
    unknown = set(opts.only) - set(NAMES)
    if unknown:
        parser.error(f"unknown benchmarks {sorted(unknown)}; choose from {', '.join(NAMES)}")
    sizes = Sizes.quick() if opts.quick else Sizes()
    overrides = {
        "crawl_pages": opts.crawl_pages,
        "bench_seconds": opts.bench_seconds,
        "incremental_pages": opts.incremental_pages,
        "pipeline": opts.pipeline_sizes,
        "normalize": opts.normalize,
        "dedupe": opts.dedupe_sizes,
        "publish": opts.publish,
        "memory_cap_mb": opts.memory_cap_mb,
    }
    for key, value in overrides.items():
        if value is not None:
            setattr(sizes, key, value)
    return run([n for n in NAMES if n in opts.only], sizes, opts.results)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        if sys.argv[2] in IMPORT_PART_MODULES:
            with fewer_collections():  # as `microintern` runs an import
                child(*sys.argv[2:5])
        else:
            child(*sys.argv[2:5])
    else:
        main()
