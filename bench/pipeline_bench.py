"""Pipeline end to end: a raw JSON-lines capture into a fresh database (read, validate,
normalize, tag, dedupe, store: `pipeline.collect.ingest.import_files`, what `microintern import`
runs),
at several sizes, beside two floors measured in the same run on the same file.

Usage: python bench/pipeline_bench.py [SIZE ...] [--memory-cap-mb MB]
(default sizes 10000 100000 1000000; the 1M size takes several minutes).

The capture holds synthetic raw items (bench/synthetic.py) with 15% re-posts of an earlier item
on another source, and a distinct employer for every 5,000 items so duplicate blocks stay
employer-sized, as on real boards. Each size runs in a fresh process, so its peak RSS is its
own. Floors: reading the file and `json.loads` of every line; a plain `executemany` of the same
rows (one column per raw field) into a plain SQLite table, 50,000 rows per transaction (rows
parsed outside the timing).

Targets: >= 4,000 items/s end to end at 1M on one core, peak RSS under 3 GB, time growing no
faster than about 11x per 10x of data. Each size's process may use at most 4 GB of address
space (`--memory-cap-mb`), so a run over the target stops with a MemoryError, reported as such,
instead of pushing a shared machine out of memory.
"""

from __future__ import annotations

import json
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import synthetic_items  # noqa: E402

DUPLICATE_RATE = 0.15
EMPLOYER_CYCLE = 5000
CHUNK = 50_000
TARGET_ITEMS_PER_S = 4000
TARGET_RSS_MB = 3000
TARGET_GROWTH = 11.0
MEMORY_CAP_MB = 4096  # address-space cap of each size's process: the machine is shared
NUMBER = re.compile(r"/(\d+)(?=$|[/?#])")
SYLLABLES = ("ka", "lo", "mi", "ne", "su", "ta", "ro", "vi", "de", "po", "an", "el", "or", "ux")


def employer(cycle: int, company: str) -> str:
    """A distinct employer name per cycle: "Northwind Analytics" -> "Nokalothwind Analytics"."""
    a, b = (SYLLABLES[(cycle // len(SYLLABLES) ** i) % len(SYLLABLES)] for i in range(2))
    return f"{company[:2]}{a}{b}{company[2:]}"


def raw_items(count: int) -> Iterator[dict[str, Any]]:
    """`count` raw items; a re-post keeps the employer of its original (found by URL number)."""
    for item in synthetic_items(count, duplicate_rate=DUPLICATE_RATE):
        original = int(NUMBER.search(item["url"]).group(1))
        yield {**item, "company": employer(original // EMPLOYER_CYCLE, item["company"])}


def write_capture(path: Path, count: int) -> Path:
    """Write `count` raw items as JSON lines to `path`."""
    with path.open("w", encoding="utf-8") as out:
        for item in raw_items(count):
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    return path


def peak_rss_mb() -> float:
    """This process's peak RSS. Linux's `VmHWM` first: `ru_maxrss` survives exec, so a process
    started from a big parent would report the parent's size."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor_read(path: Path) -> float:
    """Seconds to read the file and parse every line."""
    start = time.perf_counter()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            json.loads(line)
    return time.perf_counter() - start


def floor_insert(path: Path, db_path: Path) -> float:
    """Seconds of plain `executemany` inserts of the file's rows into a plain table."""
    from pipeline.collect.raw import RAW_FIELDS

    con = sqlite3.connect(db_path)
    con.execute(f"create table raw ({', '.join(RAW_FIELDS)})")
    spent = 0.0
    with path.open(encoding="utf-8") as lines:
        while chunk := list(islice(lines, CHUNK)):
            rows = []
            for line in chunk:
                item = json.loads(line)
                item["categories"] = json.dumps(item.get("categories") or [])
                rows.append(tuple(item.get(name) for name in RAW_FIELDS))
            start = time.perf_counter()
            with con:
                con.executemany(
                    f"insert into raw values ({', '.join('?' * len(RAW_FIELDS))})", rows
                )
            spent += time.perf_counter() - start
    con.close()
    return spent


def measure(path: Path, count: int, cap_mb: int = MEMORY_CAP_MB) -> dict[str, Any]:
    """One size, in this process: our import path first (its peak RSS), then the floors."""
    from pipeline.collect.ingest import import_files
    from pipeline.db import open_db

    found: dict[str, Any] = {"items": count, "file_mb": round(path.stat().st_size / 1e6, 1)}
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "listings.db")
        start, cpu_start = time.perf_counter(), time.process_time()
        try:
            _, reports = import_files(db, [path])
        except MemoryError:
            reports = []
            found["error"] = f"MemoryError at the {cap_mb:,} MB cap"
        seconds = time.perf_counter() - start
        found["peak_rss_mb"] = round(peak_rss_mb())
        found["seconds"] = round(seconds, 2)
        found["cpu_seconds"] = round(time.process_time() - cpu_start, 2)
        if reports:
            found["imported"] = reports[0].items
            found["bad_lines"] = len(reports[0].bad_lines)
            found["listings"] = db.table("listings").count
            found["items_per_s"] = round(count / seconds)
            found["items_per_cpu_s"] = round(count / found["cpu_seconds"])
        db.close()
        found["floor_read_items_per_s"] = round(count / floor_read(path))
        found["floor_insert_items_per_s"] = round(count / floor_insert(path, Path(tmp) / "p.db"))
    return found


def run_size(path: Path, count: int, cap_mb: int = MEMORY_CAP_MB) -> dict[str, Any]:
    """`measure` in a fresh process, so the peak RSS is this size's."""
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(path), str(count), str(cap_mb)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pipeline bench at {count:,} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(sizes: list[int], cap_mb: int = MEMORY_CAP_MB) -> dict[str, Any]:
    """Every size from one capture (each size a prefix of the largest), smallest first."""
    sizes = sorted(sizes)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        full = write_capture(Path(tmp) / f"raw-{sizes[-1]}.jsonl", sizes[-1])
        for size in sizes:
            path = Path(tmp) / f"raw-{size}.jsonl"
            if size != sizes[-1]:
                with full.open(encoding="utf-8") as lines, path.open("w") as out:
                    out.writelines(islice(lines, size))
            results.append(run_size(path, size, cap_mb))
            if path != full:
                path.unlink()
            r = results[-1]
            done = (
                f"{r['items_per_s']:7,} items/s ({r['items_per_cpu_s']:,} per CPU second), "
                f"{r['listings']:,} listings"
                if "items_per_s" in r
                else f"stopped: {r['error']}"
            )
            print(
                f"pipeline {size:>9,} items: {r['seconds']:8.1f} s, {done}, peak RSS "
                f"{r['peak_rss_mb']:,} MB; floors: read+json {r['floor_read_items_per_s']:,}/s, "
                f"executemany {r['floor_insert_items_per_s']:,}/s"
            )
    growth = []
    finished = [r for r in results if "items_per_s" in r]
    for small, large in zip(finished, finished[1:], strict=False):
        scale = large["items"] / small["items"]
        factor = large["seconds"] / small["seconds"]
        growth.append({"from": small["items"], "to": large["items"], "time_factor": factor})
        print(
            f"time grew {factor:.1f}x for {scale:.0f}x the items "
            f"(target <= {TARGET_GROWTH:g}x per 10x)"
        )
    return {"sizes": results, "growth": growth}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        cap_mb = int(sys.argv[4])
        resource.setrlimit(resource.RLIMIT_AS, (cap_mb * 1024 * 1024,) * 2)
        print(json.dumps(measure(Path(sys.argv[2]), int(sys.argv[3]), cap_mb)))
    else:
        args = sys.argv[1:]
        cap_mb = MEMORY_CAP_MB
        if "--memory-cap-mb" in args:
            at = args.index("--memory-cap-mb")
            cap_mb = int(args[at + 1])
            del args[at : at + 2]
        main([int(a) for a in args] or [10_000, 100_000, 1_000_000], cap_mb)
