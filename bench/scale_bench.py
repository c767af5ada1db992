"""Crawl at scale: BOARDS Greenhouse boards spread over HOSTS fixture servers on 127.0.0.1, crawled
the nightly way with a short polite delay, against the politeness limit.

Usage: python bench/scale_bench.py [BOARDS] [HOSTS] [DELAY]   (default 1000 4 0.05).

With one request at a time per host and DELAY seconds between them, a night cannot take less
than the busiest host's requests times DELAY (the limit). The nightly path (`crawl_all`: one
Scrapy process per host and spider, hosts in parallel) should reach >= 80% of it: limit / time.
The same run goes through two local Scrapyd nodes (pipeline.collect.distributed). Beside it,
the cost of a process per source: SAMPLE sources of one host, delays off, crawled one process
per source and in one process.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.scrapyd_nodes import ScrapydNode  # noqa: E402
from pipeline.collect.crawl import CrawlJob, crawl  # noqa: E402
from pipeline.collect.distributed import crawl_scrapyd  # noqa: E402
from pipeline.collect.sample_sites import SampleSites  # noqa: E402
from pipeline.collect.scrapyd_api import Node  # noqa: E402
from schedules.config import NightlyConfig  # noqa: E402
from schedules.nightly import Progress, crawl_all  # noqa: E402

TARGET = 0.80
JOBS_PER_BOARD = 5
SAMPLE = 40


def settings(delay: float) -> dict[str, str]:
    """The nightly settings with a shorter delay (AutoThrottle still on, starting there)."""
    return {
        "DOWNLOAD_DELAY": str(delay),
        "AUTOTHROTTLE_START_DELAY": str(delay),
        "HTTPCACHE_ENABLED": "False",  # a first night: every board downloaded
        "LOG_LEVEL": "INFO",
    }


def board_page(board: str, base: int) -> str:
    jobs = [
        {
            "id": base + i,
            "title": f"{board} project {i}",
            "absolute_url": f"https://job-boards.greenhouse.io/{board}/jobs/{base + i}",
            "company_name": board.title(),
            "location": {"name": "Remote"},
            "content": "&lt;p&gt;A short project.&lt;/p&gt;",
            "updated_at": "2026-11-20T10:00:00Z",
        }
        for i in range(JOBS_PER_BOARD)
    ]
    return json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}})


def serve_boards(root: Path, names: list[str], first_id: int) -> SampleSites:
    routes = {
        f"/v1/boards/{name}/jobs": (200, board_page(name, first_id + 100 * n))
        for n, name in enumerate(names)
    }
    root.mkdir(parents=True, exist_ok=True)
    sites = SampleSites(root, routes=routes)
    threading.Thread(target=sites.httpd.serve_forever, args=(0.05,), daemon=True).start()
    return sites


def hosts_of_boards(tmp: Path, boards: int, hosts: int) -> tuple[list[SampleSites], list[CrawlJob]]:
    servers, jobs = [], []
    for h in range(hosts):
        names = [f"h{h}b{b}" for b in range(h, boards, hosts)]
        sites = serve_boards(tmp / f"host{h}", names, 1_000_000 * (h + 1))
        servers.append(sites)
        jobs += [
            CrawlJob("greenhouse", {"base_url": sites.base_url, "board": n}, name=f"gh-{n}")
            for n in names
        ]
    return servers, jobs


def measure(run, servers: list[SampleSites], delay: float) -> dict[str, Any]:
    before = [len(s.requests) for s in servers]
    start = time.perf_counter()
    rows = run()
    seconds = time.perf_counter() - start
    requests = [len(s.requests) - b for s, b in zip(servers, before, strict=True)]
    limit = max(requests) * delay
    return {
        "seconds": round(seconds, 2),
        "limit_s": round(limit, 2),
        "of_limit": round(limit / seconds, 3),
        "requests": requests,
        "sources": len(rows),
        "ok": sum(row["status"] == "ok" for row in rows),
        "items": sum(row["items"] for row in rows),
    }


def per_source_cost(tmp: Path, count: int) -> dict[str, Any]:
    """`count` sources of one host, delays off: a process each against one process."""
    names = [f"s{n}" for n in range(count)]
    sites = serve_boards(tmp / "sample", names, 9_000_000)
    jobs = [
        CrawlJob("greenhouse", {"base_url": sites.base_url, "board": n}, name=f"gh-{n}")
        for n in names
    ]
    fast = {**settings(0), "AUTOTHROTTLE_ENABLED": "False"}
    out: dict[str, Any] = {"sources": count}
    try:
        for label, batch in (("one_process_per_source", False), ("one_process", True)):
            start = time.perf_counter()
            rows = crawl(
                jobs, tmp / label / "listings.db", settings=fast, batch=batch, echo=lambda _: None
            )
            out[label] = {
                "seconds": round(time.perf_counter() - start, 2),
                "ok": sum(row["status"] == "ok" for row in rows),
            }
    finally:
        sites.close()
    return out


def main(boards: int = 1000, hosts: int = 4, delay: float = 0.05, sample: int = SAMPLE) -> dict:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        servers, jobs = hosts_of_boards(tmp, boards, hosts)
        result: dict[str, Any] = {"boards": boards, "hosts": hosts, "delay_s": delay}
        try:
            config = NightlyConfig(
                db=tmp / "local" / "listings.db",
                parallel=hosts,
                timeout_seconds=600,
                settings=settings(delay),
            )
            progress = Progress(lambda _: None, len(jobs))
            result["local"] = measure(
                lambda: crawl_all(jobs, config, "bench", progress), servers, delay
            )
            nodes = [ScrapydNode(tmp / f"scrapyd{n}") for n in range(2)]
            try:
                result["scrapyd"] = measure(
                    lambda: crawl_scrapyd(
                        jobs,
                        tmp / "scrapyd" / "listings.db",
                        [Node.parse(node.url) for node in nodes],
                        settings=settings(delay),
                        timeout=600,
                        slots=2,
                        poll=0.2,
                        echo=lambda _: None,
                    ),
                    servers,
                    delay,
                )
            finally:
                for node in nodes:
                    node.stop()
        finally:
            for sites in servers:
                sites.close()
        result["per_source"] = per_source_cost(tmp, min(sample, boards))
    return result


if __name__ == "__main__":
    numbers = [float(a) for a in sys.argv[1:]]
    kinds = (int, int, float, int)
    print(json.dumps(main(*(k(n) for k, n in zip(kinds, numbers, strict=False))), indent=1))
