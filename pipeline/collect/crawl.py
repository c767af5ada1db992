"""Running spiders: each in its own subprocess (a Twisted reactor cannot restart), with a
timeout, then importing its raw capture and recording a `crawl_runs` row."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from pipeline.collect.batch import (
    batch_job,
    batches,
    boards_of,
    error_about,
    error_lines,
    source_stats,
)
from pipeline.collect.captures import capture_exists, store_capture, write_run_record
from pipeline.collect.gc_settings import fewer_collections
from pipeline.collect.ingest import import_files, utc_stamp
from pipeline.collect.ledger import seal_run
from pipeline.collect.sources import Source
from pipeline.collect.verdict import judge, run_row
from pipeline.db import CLOSE_AFTER_MISSED_RUNS, open_db, record_crawl_run, update_lifecycle

GRACE_SECONDS = 15
ERROR_LINE = re.compile(r"^\w*(?:Error|Exception)\b.*?:|\] ERROR: ")


@dataclass
class CrawlJob:
    """One spider run: its arguments (`-a key=value`), setting overrides, and the source key
    that names its capture and its `crawl_runs` row (default: the spider name)."""

    spider: str
    args: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    name: str = ""

    @property
    def key(self) -> str:
        return self.name or self.spider

    @classmethod
    def from_source(cls, source: Source) -> CrawlJob:
        return cls(source.spider, dict(source.args), dict(source.settings), source.key)


@dataclass
class SpiderProcess:
    exit_code: int | None
    timed_out: bool
    stats: dict[str, Any]
    error: str  # the last error line printed or logged


def new_run_id() -> str:
    """A sortable id from the UTC time, e.g. `20261125T023000.123Z` (ISO 8601 basic format)."""
    now = datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%S") + f".{now.microsecond // 1000:03d}Z"


def spider_command(
    job: CrawlJob, capture: str, data_dir: Path, settings: dict[str, str] | None = None
) -> list[str]:
    """`scrapy crawl` for one job. Its items go to `<data_dir>/raw/<spider>/<capture>.jsonl`;
    its log and stats to `<data_dir>/logs/<spider>/`; its HTTP cache to `<data_dir>/httpcache`."""
    paths = capture_paths(job, capture, data_dir)
    command = [sys.executable, "-m", "scrapy", "crawl", job.spider, "-a", f"run_id={capture}"]
    for key, value in job.args.items():
        command += ["-a", f"{key}={value}"]
    overrides = {
        "MICROINTERN_RAW_DIR": str(data_dir / "raw"),
        "MICROINTERN_STATS_FILE": str(paths["stats"]),
        "LOG_FILE": str(paths["log"]),
        "HTTPCACHE_DIR": str(data_dir / "httpcache"),
        **(settings or {}),
        **job.settings,
    }
    for key, value in overrides.items():
        command += ["-s", f"{key}={value}"]
    return command


def capture_paths(job: CrawlJob, capture: str, data_dir: Path) -> dict[str, Path]:
    """Where one run of a job keeps its raw items, stats and log."""
    return {
        "raw": data_dir / "raw" / job.spider / f"{capture}.jsonl",
        "stats": data_dir / "logs" / job.spider / f"{capture}.stats.json",
        "log": data_dir / "logs" / job.spider / f"{capture}.log",
    }


def run_spider_process(
    command: list[str], stats_file: Path, timeout: float, log_file: Path | None = None
) -> SpiderProcess:
    """Run one spider; on timeout ask it to stop (SIGINT), then kill it after a grace period."""
    for path in (stats_file, log_file):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings"}
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    timed_out = False
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.send_signal(signal.SIGINT)
        try:
            _, stderr = proc.communicate(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, stderr = proc.communicate()
    stats: dict[str, Any] = {}
    if stats_file.exists():
        try:
            stats = json.loads(stats_file.read_text())
        except ValueError:
            stats = {}
    return SpiderProcess(proc.returncode, timed_out, stats, last_error(stderr or "", log_file))


def last_error(stderr: str, log_file: Path | None) -> str:
    """The last error line the spider printed or logged, for a run's `reason`."""
    lines = stderr.strip().splitlines()
    if log_file is not None and log_file.exists():
        lines += log_file.read_text(errors="replace").splitlines()
    errors = [
        line.strip()
        for line in lines
        if ERROR_LINE.search(line) and not line.lstrip().startswith("File ")
    ]
    return errors[-1] if errors else (lines[-1].strip() if lines else "")


def crawl(
    jobs: list[CrawlJob],
    db_path: Path,
    *,
    data_dir: Path | None = None,
    settings: dict[str, str] | None = None,
    timeout: float = 1800,
    run_id: str | None = None,
    close_after: int = CLOSE_AFTER_MISSED_RUNS,
    checks: Callable[[Database, dict[str, Any]], list[str]] | None = None,
    db_lock: AbstractContextManager | None = None,
    echo=print,
    batch: bool = True,
    batch_size: int = 0,
) -> list[dict[str, Any]]:
    """Run each job, import what it captured, and return the `crawl_runs` rows written.

    Raw captures go to `<data_dir>/raw/<spider>/<run_id>_<source>.jsonl` with the run's record
    in the night's ledger, logs to `<data_dir>/logs/<spider>/` (data_dir defaults to the
    database's folder). One failing source never stops the others. `checks(db, row)` may name
    failed health checks, which make the run `degraded`; only an `ok` run closes listings its
    source no longer shows (after `close_after` such runs in a row). `db_lock` (e.g. a
    `threading.Lock` shared by parallel calls) is held around all database work and released
    while the spider runs, so spiders overlap and imports take turns.

    With `batch` (the default), jobs of one spider and host that differ only by their boards
    run in one process (up to `batch_size` of them; pipeline.collect.batch), each still with
    its own capture and row; the process's timeout is `timeout` times its jobs.
    """
    db_path = Path(db_path)
    data_dir = Path(data_dir or db_path.parent)
    run_id = run_id or new_run_id()
    guard = db_lock if db_lock is not None else nullcontext()
    with guard:
        db = open_db(db_path)
    record = recorder(db, run_id, close_after, checks, guard)
    groups = batches(jobs, batch_size) if batch else [[job] for job in jobs]
    rows: dict[int, dict[str, Any]] = {}
    number = 0
    for group in groups:
        for job in group:
            number += 1
            echo(
                f"[{number}/{len(jobs)}] crawling {job.key} "
                f"({job.spider} {' '.join(f'{k}={v}' for k, v in job.args.items())})"
            )
        planned = plan_group(group, run_id, data_dir, settings, timeout)
        started, clock = utc_stamp(), time.monotonic()
        process = run_spider_process(
            planned.command, planned.paths["stats"], planned.timeout, planned.paths["log"]
        )
        duration = round(time.monotonic() - clock, 2)
        done = settle_group(planned, process, record, started=started, duration=duration)
        for job, row in zip(group, done, strict=True):
            rows[id(job)] = row
            echo(
                f"  {row['source']} {row['status']}: {row['items']} items, "
                f"{row['new_listings']} new and {row['updated_listings']} updated listings, "
                f"{row['seen_again']} seen again" + (f" ({row['reason']})" if row["reason"] else "")
            )
    seal_run(data_dir / "raw", run_id)
    return [rows[id(job)] for job in jobs]


@dataclass
class PlannedGroup:
    """One spider process for a group of jobs: its command, where its stats and log go, its
    timeout, and each job's capture."""

    jobs: list[CrawlJob]
    command: list[str]
    paths: dict[str, Path]
    timeout: float
    captures: dict[str, Path]


def plan_group(
    group: list[CrawlJob],
    run_id: str,
    data_dir: Path,
    settings: dict[str, str] | None,
    timeout: float,
) -> PlannedGroup:
    """The process for one job, or for jobs that differ only by their boards (one process
    writing each job's capture; pipeline.collect.batch). The timeout scales with the group."""
    captures = {
        job.key: capture_paths(job, f"{run_id}_{job.key}", data_dir)["raw"] for job in group
    }
    whole = group[0]
    if len(group) > 1:
        whole = batch_job(group, {b: captures[job.key] for job in group for b in boards_of(job)})
    paths = capture_paths(whole, f"{run_id}_{whole.key}", data_dir)
    paths["stats"].unlink(missing_ok=True)
    command = spider_command(whole, f"{run_id}_{whole.key}", data_dir, settings)
    return PlannedGroup(group, command, paths, timeout * len(group), captures)


def settle_group(
    planned: PlannedGroup, process: SpiderProcess, record, *, started: str, duration: float
) -> list[dict[str, Any]]:
    """Record each job of a finished process: alone, its stats are the process's; in a
    batch, its boards' share of them and the last error about its boards."""
    errors = error_lines(planned.paths["log"], ERROR_LINE) if len(planned.jobs) > 1 else []
    rows = []
    with fewer_collections():  # once for the group, not once a source
        for job in planned.jobs:
            # gzip, or a reference to the unchanged items of an earlier night
            own, raw = process, store_capture(planned.captures[job.key])
            if len(planned.jobs) > 1:
                boards = boards_of(job)
                stats, error = source_stats(process.stats, boards), error_about(errors, boards)
                own = dataclasses.replace(process, stats=stats, error=error)
            paths = {**planned.paths, "raw": raw}
            timeout = planned.timeout
            rows.append(
                record(
                    job,
                    paths=paths,
                    process=own,
                    started=started,
                    duration=duration,
                    timeout=timeout,
                )
            )
    return rows


def recorder(db: Database, run_id: str, close_after: int, checks, guard) -> Callable[..., Any]:
    """`record(job, paths=, process=, started=, duration=, timeout=)`: `_record_run` for one
    crawl's database, run id, closing rule and checks."""
    return partial(
        _record_run, db, run_id=run_id, close_after=close_after, checks=checks, guard=guard
    )


def _record_run(
    db: Database,
    job: CrawlJob,
    *,
    run_id: str,
    paths: dict[str, Path],
    process: SpiderProcess,
    started: str,
    duration: float,
    timeout: float,
    close_after: int,
    checks: Callable[[Database, dict[str, Any]], list[str]] | None,
    guard: AbstractContextManager,
) -> dict[str, Any]:
    """Import what one job captured, judge its run, close what its source no longer lists
    (only after an `ok` run), and record its `crawl_runs` row; return the row."""
    with guard:  # the database, one crawl at a time when several run in parallel
        return _record_locked(
            db, job, run_id, paths, process, started, duration, timeout, close_after, checks
        )


def _record_locked(
    db, job, run_id, paths, process, started, duration, timeout, close_after, checks
) -> dict[str, Any]:
    raw_file = paths["raw"]
    result, reports = (None, [])
    if capture_exists(raw_file):
        result, reports = import_files(db, [raw_file], feed=job.key, run_id=run_id)
    items = reports[0].items if reports else 0
    bad = len(reports[0].bad_lines) if reports else 0
    status, reason = judge(process, items, bad, timeout)
    row = run_row(
        job,
        run_id,
        paths,
        process,
        result,
        started=started,
        duration=duration,
        status=status,
        reason=reason,
        items=items,
        bad=bad,
    )
    if checks is not None and status == "ok":
        failed = checks(db, row)
        if failed:
            status, reason = "degraded", "; ".join(failed)
            row.update(status=status, reason=reason)
    # Only a fully successful crawl may close what the source no longer lists.
    seen = result.posting_ids if result else set()
    row["closed"] = (
        update_lifecycle(db, job.key, seen, started, run_id, close_after) if status == "ok" else 0
    )
    record_crawl_run(db, row)
    if capture_exists(raw_file):  # kept in the night's ledger, so `rebuild` can replay it
        write_run_record(raw_file, row)
    return row
