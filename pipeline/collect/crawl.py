"""Running spiders: each in its own subprocess (a Twisted reactor cannot restart), with a
timeout, its sources recorded (raw capture imported, `crawl_runs` row written) as it reports
them done and once it has ended (pipeline.collect.record)."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from pipeline.collect.batch import batch_job, batches, boards_of
from pipeline.collect.ingest import utc_stamp
from pipeline.collect.ledger import seal_run
from pipeline.collect.record import (
    ERROR_LINE,
    Checks,
    GroupWatch,
    Recorder,
    SpiderProcess,
    reporter,
)
from pipeline.collect.sources import Source
from pipeline.db import CLOSE_AFTER_MISSED_RUNS, open_db

GRACE_SECONDS = 15
POLL_SECONDS = 0.2  # how often a running process's finished sources are looked for


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
        "progress": data_dir / "logs" / job.spider / f"{capture}.progress.jsonl",
    }


def run_spider_process(
    command: list[str],
    stats_file: Path,
    timeout: float,
    log_file: Path | None = None,
    watch: Callable[[], Any] | None = None,
) -> SpiderProcess:
    """Run one spider, calling `watch()` every POLL_SECONDS while it runs; on timeout ask it to
    stop (SIGINT), then kill it after a grace period."""
    for path in (stats_file, log_file):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings"}
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errors:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        try:
            timed_out = _wait(proc, timeout, watch)
        except BaseException:  # watch() failed: no spider left running behind
            proc.kill()
            proc.wait()
            raise
        errors.seek(0)
        stderr = errors.read()
    stats: dict[str, Any] = {}
    if stats_file.exists():
        try:
            stats = json.loads(stats_file.read_text())
        except ValueError:
            stats = {}
    return SpiderProcess(proc.returncode, timed_out, stats, last_error(stderr, log_file))


def _wait(proc: subprocess.Popen, timeout: float, watch: Callable[[], Any] | None) -> bool:
    """Wait for the process, watching it; True when it had to be stopped for its timeout."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            proc.wait(timeout=min(POLL_SECONDS, left) if watch else left)
            return False
        except subprocess.TimeoutExpired:
            if watch is not None:
                watch()
    if proc.poll() is not None:  # it ended while being watched
        return False
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return True


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
    checks: Checks | None = None,
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
    its own capture and row; the process's timeout is `timeout` times its jobs. A source is
    recorded as soon as the process reports its boards done (pipeline.collect.record), while
    the process crawls the others.
    """
    db_path = Path(db_path)
    data_dir = Path(data_dir or db_path.parent)
    run_id = run_id or new_run_id()
    guard = db_lock if db_lock is not None else nullcontext()
    recorder = Recorder(partial(open_db, db_path), run_id, close_after, checks, guard)
    groups = batches(jobs, batch_size) if batch else [[job] for job in jobs]
    rows: dict[int, dict[str, Any]] = {}
    say = reporter(rows, echo)

    number = 0
    try:
        for group in groups:
            for job in group:
                number += 1
                echo(
                    f"[{number}/{len(jobs)}] crawling {job.key} "
                    f"({job.spider} {' '.join(f'{k}={v}' for k, v in job.args.items())})"
                )
            planned = plan_group(group, run_id, data_dir, settings, timeout)
            say(_run_group(planned, recorder, say))
    finally:
        recorder.close()
        seal_run(data_dir / "raw", run_id)
    return [rows[id(job)] for job in jobs]


def _run_group(
    planned: PlannedGroup, recorder: Recorder, say: Callable[[list], None]
) -> list[tuple[CrawlJob, dict[str, Any]]]:
    """Run one group's process, recording (and `say`ing) its sources as it reports them done;
    returns the others, recorded once it has ended."""
    watch = GroupWatch(planned, recorder, utc_stamp(), time.monotonic())
    process = run_spider_process(
        planned.command,
        planned.paths["stats"],
        planned.timeout,
        planned.paths["log"],
        watch=(lambda: say(watch.poll())) if len(planned.jobs) > 1 else None,
    )
    return watch.finish(process, round(time.monotonic() - watch.clock, 2))


@dataclass
class PlannedGroup:
    """One spider process for a group of jobs: its command, where its stats, log and progress
    go, its timeout, each job's capture, and how it was planned (`replan`)."""

    jobs: list[CrawlJob]
    command: list[str]
    paths: dict[str, Path]
    timeout: float
    captures: dict[str, Path]
    plan: tuple[str, Path, dict[str, str] | None, float] = ("", Path(), None, 0.0)

    def replan(self, jobs: list[CrawlJob]) -> PlannedGroup:
        """The same plan for some of its jobs (those still to crawl)."""
        return plan_group(jobs, *self.plan)


def plan_group(
    group: list[CrawlJob],
    run_id: str,
    data_dir: Path,
    settings: dict[str, str] | None,
    timeout: float,
) -> PlannedGroup:
    """The process for one job, or for jobs that differ only by their boards (one process
    writing each job's capture and reporting each board done; pipeline.collect.batch). The
    timeout scales with the group."""
    captures = {
        job.key: capture_paths(job, f"{run_id}_{job.key}", data_dir)["raw"] for job in group
    }
    whole = group[0]
    if len(group) > 1:
        whole = batch_job(group, {b: captures[job.key] for job in group for b in boards_of(job)})
    paths = capture_paths(whole, f"{run_id}_{whole.key}", data_dir)
    paths["stats"].unlink(missing_ok=True)
    paths["progress"].unlink(missing_ok=True)
    if len(group) > 1:
        progress = {"MICROINTERN_BOARD_PROGRESS": str(paths["progress"])}
        whole = dataclasses.replace(whole, settings={**whole.settings, **progress})
    command = spider_command(whole, f"{run_id}_{whole.key}", data_dir, settings)
    plan = (run_id, data_dir, settings, timeout)
    return PlannedGroup(group, command, paths, timeout * len(group), captures, plan)
