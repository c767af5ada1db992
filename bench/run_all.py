"""Every benchmark under bench/, one table: figure, ours, the reference measured in the same run,
the ratio, the target and whether it is met; one JSON line per run appended to
bench/results.jsonl with the commit and the machine, so a regression shows.

Usage: python bench/run_all.py [--only NAME[,NAME...]] [--quick] [--results FILE]
       [--crawl-pages N] [--incremental-pages N] [--pipeline-sizes N,N,...] [--normalize N]
       [--dedupe-sizes N,N,...] [--publish N] [--captures-boards N] [--bench-seconds S]
       [--memory-cap-mb MB] [--startup-runs N]

`make bench` runs it with the full sizes (10-30 minutes on a 2-core machine). `--quick` uses tiny
sizes (the smoke test). Names: crawl, scale, incremental, pipeline, normalize, dedupe, publish,
captures, startup. Each benchmark runs in its own process (its peak RSS is its own; a Twisted
reactor starts once per process) and is also runnable alone: `python bench/<name>_bench.py
--help` says how.
bench/publish_bench.py (Datasette figures, `main(n) -> dict`) is used when it exists; otherwise
its row says "not available".

Targets: crawl >= 70% of `scrapy bench`'s pages/s; second night >= 10x fewer bytes and no rows
written but last_seen and crawl_runs; pipeline >= 4,000 items/s at 1M, under 3 GB, <= 11x time
per 10x data; normalize + tag >= 10,000 items/s; dedupe + store 1M postings in under 3 minutes;
an unchanged night's captures add <= 5% of the first night's capture bytes; `microintern sources`
starts and ends in <= 0.8 s.
The rows of each benchmark, their targets and the table are in bench/table.py.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
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

from bench.captures_table import captures_rows  # noqa: E402
from bench.table import (  # noqa: E402
    Row,
    crawl_rows,
    dedupe_rows,
    format_table,
    incremental_rows,
    normalize_rows,
    pipeline_rows,
    publish_rows,
    scale_rows,
    startup_rows,
)
from pipeline.collect.gc_settings import fewer_collections  # noqa: E402

RESULTS = PROJECT_ROOT / "bench" / "results.jsonl"
NAMES = (
    "crawl",
    "scale",
    "incremental",
    "pipeline",
    "normalize",
    "dedupe",
    "publish",
    "captures",
    "startup",
)
# Benchmarks of parts of an import called outside `import_files`: run with the garbage collector
# settings an import has (pipeline/collect/gc_settings.py).
IMPORT_PART_MODULES = ("bench.normalize_bench", "bench.dedupe_store_bench")
MODULES = {
    "crawl": "bench.crawl_bench",
    "scale": "bench.scale_bench",
    "incremental": "bench.incremental_bench",
    "pipeline": "bench.pipeline_bench",
    "normalize": "bench.normalize_bench",
    "dedupe": "bench.dedupe_store_bench",
    "publish": "bench.publish_bench",
    "captures": "bench.captures_bench",
    "startup": "bench.startup_bench",
}


@dataclass
class Sizes:
    crawl_pages: int = 2000  # API pages, and as many career pages
    bench_seconds: int = 10  # each `scrapy bench` run
    scale_boards: int = 1000  # over 4 hosts, 0.05 s polite delay
    incremental_pages: int = 2000
    pipeline: list[int] = field(default_factory=lambda: [10_000, 100_000, 1_000_000])
    normalize: int = 100_000
    dedupe: list[int] = field(default_factory=lambda: [10_000, 100_000, 1_000_000])
    publish: int = 1_000_000
    memory_cap_mb: int = 4096
    captures_boards: int = 0  # every real board
    startup_runs: int = 10  # runs of each command

    @classmethod
    def quick(cls) -> Sizes:
        return cls(
            20, 2, 12, 5, [100, 200], 300, [500, 1000], 200, captures_boards=20, startup_runs=2
        )


def calls(sizes: Sizes) -> dict[str, list[Any]]:
    """Positional arguments of each benchmark's `main`."""
    crawl, inc = sizes.crawl_pages, sizes.incremental_pages
    return {
        "crawl": [crawl, crawl, sizes.bench_seconds, min(3.0, sizes.bench_seconds)],
        "scale": [sizes.scale_boards, 4, 0.05, min(40, sizes.scale_boards)],
        "incremental": [inc, inc],
        "pipeline": [sizes.pipeline, sizes.memory_cap_mb],
        "normalize": [sizes.normalize],
        "dedupe": [sizes.dedupe],
        "publish": [sizes.publish],
        "captures": [sizes.captures_boards],
        "startup": [sizes.startup_runs],
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


def rows_for(name: str, outcome: dict[str, Any], sizes: Sizes) -> list[Row]:
    """The table rows of one benchmark's outcome (a failure is one row saying so)."""
    if "error" in outcome:
        return [Row(f"{name}: failed", outcome["error"][:90], met=False)]
    r = outcome["result"]
    builders = {
        "crawl": crawl_rows,
        "scale": scale_rows,
        "incremental": incremental_rows,
        "pipeline": lambda r: pipeline_rows(r, sizes.memory_cap_mb),
        "normalize": normalize_rows,
        "dedupe": dedupe_rows,
        "publish": publish_rows,
        "captures": captures_rows,
        "startup": startup_rows,
    }
    return builders[name](r)


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
        # The optional huge-pages line of the systemd unit (docs/operations.md), when set.
        "glibc_tunables": os.environ.get("GLIBC_TUNABLES", ""),
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
    parser.add_argument("--scale-boards", type=int)
    parser.add_argument("--incremental-pages", type=int)
    parser.add_argument("--pipeline-sizes", type=ints)
    parser.add_argument("--normalize", type=int)
    parser.add_argument("--dedupe-sizes", type=ints)
    parser.add_argument("--publish", type=int)
    parser.add_argument("--memory-cap-mb", type=int)
    parser.add_argument("--captures-boards", type=int)
    parser.add_argument("--startup-runs", type=int)
    opts = parser.parse_args(argv)
    unknown = set(opts.only) - set(NAMES)
    if unknown:
        parser.error(f"unknown benchmarks {sorted(unknown)}; choose from {', '.join(NAMES)}")
    sizes = Sizes.quick() if opts.quick else Sizes()
    overrides = {
        "crawl_pages": opts.crawl_pages,
        "bench_seconds": opts.bench_seconds,
        "scale_boards": opts.scale_boards,
        "incremental_pages": opts.incremental_pages,
        "pipeline": opts.pipeline_sizes,
        "normalize": opts.normalize,
        "dedupe": opts.dedupe_sizes,
        "publish": opts.publish,
        "memory_cap_mb": opts.memory_cap_mb,
        "captures_boards": opts.captures_boards,
        "startup_runs": opts.startup_runs,
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
