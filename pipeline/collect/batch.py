"""Many sources in one spider process: the sources of one host and spider that differ only by
their boards run as one `scrapy crawl SPIDER -a board=a,b,c`, and everything stays per source.

Starting a Scrapy process costs about 0.85 s and 0.7 CPU-seconds; with a thousand boards on one
host that is most of a night. The spider attributes every request, response, error and item to
its board (spiders/boards.py): each source gets its own capture (`MICROINTERN_BOARD_CAPTURES`)
and its own stats (`source_stats`), so its `crawl_runs` row, health checks and closing are the
same as when it runs alone. The process's timeout is the per-source timeout times the sources.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from spiders.base import split_arg
from spiders.boards import PREFIX, board_captures_setting

if TYPE_CHECKING:
    from pipeline.collect.crawl import CrawlJob

# Stats about the whole process that every source of a batch shares.
SHARED_STATS = ("finish_reason", "start_time", "finish_time", "elapsed_time_seconds")
UNATTRIBUTED = "microintern/errors_not_about_a_board"


def host_of(job: CrawlJob) -> str:
    """The host a job crawls: its `base_url` or `url`, else its spider's API host."""
    url = job.args.get("base_url") or job.args.get("url")
    return (urlsplit(url).netloc.lower() or url) if url else f"{job.spider} default host"


def boards_of(job: CrawlJob) -> list[str]:
    return split_arg(job.args.get("board"))


def _batch_key(job: CrawlJob) -> tuple | None:
    """Jobs with the same key can share a process: same spider, host, other arguments and
    settings. None for a job without boards (a page spider's URLs are not attributed)."""
    if not boards_of(job):
        return None
    others = sorted((k, v) for k, v in job.args.items() if k != "board")
    return (job.spider, host_of(job), tuple(others), tuple(sorted(job.settings.items())))


def batches(jobs: Iterable[CrawlJob], size: int = 0) -> list[list[CrawlJob]]:
    """The jobs in groups that can share one process (in the jobs' order; at most `size` per
    group when given). A job whose board another job of its group already has goes alone."""
    groups: list[list[CrawlJob]] = []
    open_groups: dict[tuple, tuple[list[CrawlJob], set[str]]] = {}
    for job in jobs:
        key, boards = _batch_key(job), set(boards_of(job))
        found = open_groups.get(key) if key is not None else None
        if found is None or found[1] & boards or (size and len(found[0]) >= size):
            groups.append([job])
            if key is not None and (found is None or not found[1] & boards):
                open_groups[key] = (groups[-1], boards)
            continue
        found[0].append(job)
        found[1].update(boards)
    return groups


def batch_job(group: list[CrawlJob], captures: dict[str, Path]) -> CrawlJob:
    """The one job that crawls a group: every board, each written to its source's capture."""
    boards = [board for job in group for board in boards_of(job)]
    settings = {
        **group[0].settings,
        "MICROINTERN_BOARD_CAPTURES": board_captures_setting(captures),
        "FEEDS": "{}",  # the captures replace the one feed
    }
    name = f"{group[0].key}-and-{len(group) - 1}-more"
    args = {**group[0].args, "board": ",".join(boards)}
    return dataclasses.replace(group[0], args=args, settings=settings, name=name)


def source_stats(stats: dict[str, Any], boards: list[str]) -> dict[str, Any]:
    """One source's share of a batch's stats: its boards' counters under Scrapy's names, the
    process's finish reason, and the errors logged about no board at all (they may be its)."""
    if not stats:
        return {}
    own: dict[str, Any] = {k: stats[k] for k in SHARED_STATS if k in stats}
    for board in boards:
        prefix = f"{PREFIX}{board}/"
        for key, value in stats.items():
            if key.startswith(prefix):
                name = key[len(prefix) :]
                own[name] = own.get(name, 0) + value
    attributed = sum(
        int(v) for k, v in stats.items() if k.startswith(PREFIX) and k.endswith("/log_count/ERROR")
    )
    stray = int(stats.get("log_count/ERROR", 0)) - attributed
    if stray > 0:
        own[UNATTRIBUTED] = stray
        own["log_count/ERROR"] = own.get("log_count/ERROR", 0) + stray
    return own


def error_lines(log_file: Path | None, error_line) -> list[str]:
    """The error lines of a batch's log, read once for all its sources."""
    if log_file is None or not log_file.exists():
        return []
    text = log_file.read_text(errors="replace")
    return [line.strip() for line in text.splitlines() if error_line.search(line)]


def error_about(errors: list[str], boards: list[str]) -> str:
    """The last of a batch's error lines that names one of `boards` (in a URL path)."""
    marks = [f"/{board}" for board in boards]
    about = [line for line in errors if any(mark in line for mark in marks)]
    return about[-1] if about else ""
