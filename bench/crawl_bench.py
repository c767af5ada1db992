"""Crawl throughput: our real spiders against generated fixture sites on 127.0.0.1, beside
`scrapy bench` run in the same benchmark run.

Usage: python bench/crawl_bench.py [API_PAGES] [CAREER_PAGES]   (default 2000 2000).

Writes API_PAGES Greenhouse-style board pages and CAREER_PAGES JSON-LD career pages (plus their
sitemap) into a temporary directory (bench/fixture_sites.py), serves them with
`pipeline.collect.sample_sites` (HTTP/1.1 keep-alive), and crawls them with `scrapy crawl
greenhouse` and `scrapy crawl jsonld` through the nightly path's command builder, with throttling
and delays off for the benchmark only: no AutoThrottle, no download delay, 16 requests at a time
(Scrapy's default total, which `scrapy bench` uses), no HTTP cache, no Crawl-delay extension;
robots.txt is still obeyed. `scrapy bench` runs before and after our crawls (Scrapy's defaults,
outside the project) and its mean pages/s is the reference. Also reported: each spider's median
parse time per page (its callback's own time, by a benchmark-only spider middleware) and the
server's capacity (requests/s to a light asyncio client), so the server is shown not to be the
limit.

Target: each spider >= 70% of `scrapy bench`'s pages/s.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.fixture_sites import Sites, build_sites, serve  # noqa: E402
from pipeline.collect.crawl import CrawlJob, capture_paths, run_spider_process, spider_command  # noqa: E402

TARGET_RATIO = 0.70
CONCURRENCY = 16
# Throttling and delays off for the benchmark only; everything else is the nightly configuration.
BENCH_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": str(CONCURRENCY),
    "CONCURRENT_REQUESTS_PER_DOMAIN": str(CONCURRENCY),
    "HTTPCACHE_ENABLED": "False",
    "EXTENSIONS": json.dumps(
        {"spiders.extensions.StatsFile": 500, "spiders.politeness.CrawlDelay": None}
    ),
    "SPIDER_MIDDLEWARES": json.dumps({"bench.crawl_bench.ParseTimer": 1000}),
}


class ParseTimer:
    """Spider middleware (benchmarks only): the time each callback spends on one response,
    counting only the callback's own work, written as a JSON list to `BENCH_PARSE_TIMES_FILE`.
    A universal spider middleware in Scrapy's sense: the same timing loop once for sync and once
    for async callbacks (a generator and an async generator cannot share one body)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.times: list[float] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> ParseTimer:
        from scrapy import signals

        timer = cls(crawler.settings.get("BENCH_PARSE_TIMES_FILE", ""))
        crawler.signals.connect(timer.spider_closed, signal=signals.spider_closed)
        return timer

    def process_spider_output(self, response: Any, result: Any) -> Iterator[Any]:
        iterator, spent = iter(result), 0.0
        while True:
            start = time.perf_counter()
            try:
                value = next(iterator)
            except StopIteration:
                break
            finally:  # the callback's own time, not the time the consumer holds each value
                spent += time.perf_counter() - start
            yield value
        self.times.append(spent)

    async def process_spider_output_async(
        self, response: Any, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        iterator, spent = aiter(result), 0.0
        while True:
            start = time.perf_counter()
            try:
                value = await anext(iterator)
            except StopAsyncIteration:
                break
            finally:  # the callback's own time, not the time the consumer holds each value
                spent += time.perf_counter() - start
            yield value
        self.times.append(spent)

    def spider_closed(self, spider: Any) -> None:
        if self.path:
            Path(self.path).write_text(json.dumps(self.times))


def scrapy_bench(seconds: int = 10) -> dict[str, Any]:
    """Run the real `scrapy bench` (Scrapy's defaults: run outside the project) and read its
    pages/s from the final stats, and its median per-second rate from the LogStats lines."""
    env = {k: v for k, v in os.environ.items() if k not in ("SCRAPY_SETTINGS_MODULE", "PYTHONPATH")}
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            timeout=seconds + 120,
        )
    log = done.stdout + done.stderr
    pages = re.search(r"'response_received_count': (\d+)", log)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", log)
    if done.returncode != 0 or not pages or not elapsed:
        raise RuntimeError(f"scrapy bench failed (exit {done.returncode}): {log[-2000:]}")
    rates = [int(r) for r in re.findall(r"\(at (\d+) pages/min\)", log) if int(r) > 0]
    return {
        "pages": int(pages.group(1)),
        "seconds": round(float(elapsed.group(1)), 2),
        "pages_per_s": round(int(pages.group(1)) / float(elapsed.group(1)), 1),
        "median_pages_per_min": statistics.median(rates) if rates else 0,
    }


async def _load(host: str, port: int, paths: list[str], seconds: float, workers: int) -> dict:
    """Fetch `paths` round-robin over `workers` keep-alive connections for `seconds`."""
    deadline = time.perf_counter() + seconds
    counts = {"requests": 0, "bytes": 0}

    async def worker(offset: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        number = offset
        while time.perf_counter() < deadline:
            path = paths[number % len(paths)]
            number += workers
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"Content-Length: (\d+)", head)
            body = await reader.readexactly(int(length.group(1))) if length else b""
            counts["requests"] += 1
            counts["bytes"] += len(head) + len(body)
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(workers)))
    spent = time.perf_counter() - start
    return {**counts, "seconds": round(spent, 2)}


def server_capacity(base_url: str, paths: list[str], seconds: float = 3.0) -> dict[str, Any]:
    """Requests/s the fixture server answers to a light client in another process (a lower
    bound of its capacity: the client has one core too)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"base_url": base_url, "paths": paths, "seconds": seconds}, handle)
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--load", handle.name],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )
    finally:
        os.unlink(handle.name)
    result = json.loads(done.stdout)
    result["requests_per_s"] = round(result["requests"] / result["seconds"], 1)
    return result


def crawl_once(
    job: CrawlJob, data_dir: Path, sites: Any, settings: dict[str, str], timeout: float
) -> dict[str, Any]:
    """Crawl with one real spider in its own process; pages, time, items and parse times."""
    paths = capture_paths(job, "bench", data_dir)
    times_file = data_dir / f"{job.spider}.parse-times.json"
    overrides = {**settings, "BENCH_PARSE_TIMES_FILE": str(times_file)}
    sites.reset_counts()
    process = run_spider_process(
        spider_command(job, "bench", data_dir, overrides), paths["stats"], timeout, paths["log"]
    )
    stats = process.stats
    if process.exit_code != 0 or stats.get("finish_reason") != "finished":
        raise RuntimeError(f"{job.spider} crawl failed: {process.error}")
    pages = int(stats.get("response_received_count", 0))
    seconds = float(stats["elapsed_time_seconds"])
    times = json.loads(times_file.read_text()) if times_file.exists() else []
    raw = paths["raw"]
    items = sum(1 for _ in raw.open()) if raw.exists() else 0
    return {
        "pages": pages,
        "served": len(sites.requests),
        "items": items,
        "errors": int(stats.get("log_count/ERROR", 0)),
        "seconds": round(seconds, 2),
        "pages_per_s": round(pages / seconds, 1),
        "response_mb": round(int(stats.get("downloader/response_bytes", 0)) / 1e6, 1),
        "parse_ms_median": round(statistics.median(times) * 1000, 3) if times else None,
        "parsed_pages": len(times),
    }


def main(
    api_pages: int = 2000,
    career_pages: int = 2000,
    bench_seconds: int = 10,
    load_seconds: float = 3.0,
    bench_runs: int = 2,
    timeout: float = 900,
) -> dict[str, Any]:
    """Build and serve the sites, run scrapy bench, our two spiders, then scrapy bench again
    (`bench_runs` 2: the reference is the mean of a run before and a run after ours)."""
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(  # the crawl processes load bench.crawl_bench
        filter(None, [str(PROJECT_ROOT), saved])
    )
    try:
        return _main(api_pages, career_pages, bench_seconds, load_seconds, bench_runs, timeout)
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def _main(
    api_pages: int,
    career_pages: int,
    bench_seconds: int,
    load_seconds: float,
    bench_runs: int,
    timeout: float,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        root, data_dir = Path(tmp) / "sites", Path(tmp) / "data"
        built: Sites = build_sites(root, api_pages, career_pages)
        with serve(root) as sites:
            base = sites.base_url
            sample = [f"/v1/boards/{b}/jobs?content=true" for b in built.boards[:200]]
            sample += built.pages[:200]
            capacity = server_capacity(base, sample, load_seconds)
            references = [scrapy_bench(bench_seconds)]
            jobs = {
                "greenhouse": CrawlJob("greenhouse", {"board": ",".join(built.boards)}),
                "jsonld": CrawlJob("jsonld", {"url": f"{base}{built.sitemap}"}),
            }
            runs = {}
            for name, job in jobs.items():
                job.args["base_url"] = base
                runs[name] = crawl_once(job, data_dir, sites, BENCH_SETTINGS, timeout)
            references += [scrapy_bench(bench_seconds) for _ in range(bench_runs - 1)]
    reference = round(statistics.mean(r["pages_per_s"] for r in references), 1)
    pages = sum(r["pages"] for r in runs.values())
    seconds = sum(r["seconds"] for r in runs.values())
    result = {
        "api_pages": api_pages,
        "career_pages": career_pages,
        "scrapy_bench": {"pages_per_s": reference, "runs": references},
        "server": capacity,
        **runs,
        "combined_pages_per_s": round(pages / seconds, 1),
    }
    print(
        f"scrapy bench: {', '.join(str(r['pages_per_s']) for r in references)} pages/s "
        f"(mean {reference}); fixture server: {capacity['requests_per_s']:,.0f} requests/s"
    )
    for name, run in runs.items():
        print(
            f"{name:>10}: {run['pages']:,} pages ({run['served']:,} served), {run['items']:,} "
            f"items in {run['seconds']} s = {run['pages_per_s']} pages/s "
            f"({run['pages_per_s'] / reference:.0%} of scrapy bench, target >= 70%), "
            f"median parse {run['parse_ms_median']} ms/page"
        )
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--load"]:
        spec = json.loads(Path(sys.argv[2]).read_text())
        host_port = spec["base_url"].removeprefix("http://")
        host, port = host_port.rsplit(":", 1)
        print(json.dumps(asyncio.run(_load(host, int(port), spec["paths"], spec["seconds"], 16))))
    else:
        main(*(int(a) for a in sys.argv[1:3]))
