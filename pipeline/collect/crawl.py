"""Running spiders: each in its own subprocess (a Twisted reactor cannot restart), with a
timeout, then importing its raw capture and recording a `crawl_runs` row."""

from __future__ import annotations

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
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from pipeline.collect.captures import store_capture, write_run_record
from pipeline.collect.ingest import import_files, utc_stamp
from pipeline.collect.sources import Source
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


def _error_statuses(stats: dict[str, Any], prefix: str) -> int:
    return sum(
        int(v) for k, v in stats.items() if k.startswith(prefix) and k[len(prefix) :][:1] in "45"
    )


def _http_errors(stats: dict[str, Any]) -> int:
    """4xx/5xx responses and download exceptions, not counting a missing robots.txt."""
    return (
        _error_statuses(stats, "downloader/response_status_count/")
        - _error_statuses(stats, "robotstxt/response_status_count/")
        + int(stats.get("downloader/exception_count", 0))
    )


def _counts(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: int(v) for k, v in stats.items() if k.startswith(prefix)}


def problems_in(stats: dict[str, Any]) -> tuple[int, list[str]]:
    """How many things went wrong in a spider run, and their description, from its stats:
    responses given up on (e.g. an unknown board's 404), download errors, requests refused by
    robots.txt, and errors logged (parse errors, retries given up)."""
    ignored = _counts(stats, "httperror/response_ignored_status_count/")
    exceptions = _counts(stats, "downloader/exception_type_count/")
    forbidden = int(stats.get("robotstxt/forbidden", 0))
    errors = int(stats.get("log_count/ERROR", 0))
    details = int(stats.get("microintern/detail_failures", 0))  # posting kept, its text lost
    parts = [f"HTTP {code} x{n}" for code, n in sorted(ignored.items())]
    parts += [f"{name.rsplit('.', 1)[-1]} x{n}" for name, n in sorted(exceptions.items())]
    if forbidden:
        parts.append(f"robots.txt forbids {forbidden} requests")
    if details:
        parts.append(f"{details} postings without their details")
    if errors:
        parts.append(f"{errors} errors logged")
    return errors + sum(ignored.values()) + forbidden + details, parts


def judge(process: SpiderProcess, items: int, bad_lines: int, timeout: float) -> tuple[str, str]:
    """`(status, reason)`: `failed` when the spider did not finish or collected nothing through
    errors, `degraded` when it finished with errors, `ok` otherwise."""
    stats = process.stats
    if process.timed_out:
        return "failed", f"timed out after {timeout:g} s"
    if process.exit_code != 0:
        detail = process.error or "no output"
        return "failed", f"spider exited with code {process.exit_code}: {detail}"
    if not stats:
        return "failed", "spider wrote no stats"
    if stats.get("finish_reason") != "finished":
        return "failed", f"spider closed with reason {stats.get('finish_reason')!r}"
    count, parts = problems_in(stats)
    if bad_lines:
        parts.append(f"{bad_lines} bad raw lines")
    reason = "; ".join(parts)
    if items == 0 and count:
        last = f" (last error: {process.error})" if process.error else ""
        return "failed", f"no items: {reason}{last}"[:500]
    if count or bad_lines:
        return "degraded", reason
    return "ok", ""


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
) -> list[dict[str, Any]]:
    """Run each job, import what it captured, and return the `crawl_runs` rows written.

    Raw captures go to `<data_dir>/raw/<spider>/<run_id>_<source>.jsonl` with the run's record
    beside them (`.run.json.gz`), logs to `<data_dir>/logs/<spider>/` (data_dir defaults to the
    database's folder). One failing source never stops the others. `checks(db, row)` may name
    failed health checks, which make the run `degraded`; only an `ok` run closes listings its
    source no longer shows (after `close_after` such runs in a row). `db_lock` (e.g. a
    `threading.Lock` shared by parallel calls) is held around all database work and released
    while the spider runs, so spiders overlap and imports take turns.
    """
    db_path = Path(db_path)
    data_dir = Path(data_dir or db_path.parent)
    run_id = run_id or new_run_id()
    guard = db_lock if db_lock is not None else nullcontext()
    with guard:
        db = open_db(db_path)
    rows = []
    for number, job in enumerate(jobs, 1):
        capture = f"{run_id}_{job.key}"
        paths = capture_paths(job, capture, data_dir)
        paths["stats"].unlink(missing_ok=True)
        echo(
            f"[{number}/{len(jobs)}] crawling {job.key} "
            f"({job.spider} {' '.join(f'{k}={v}' for k, v in job.args.items())})"
        )
        started, clock = utc_stamp(), time.monotonic()
        command = spider_command(job, capture, data_dir, settings)
        process = run_spider_process(command, paths["stats"], timeout, paths["log"])
        duration = round(time.monotonic() - clock, 2)
        paths["raw"] = store_capture(paths["raw"])  # gzip, or a reference to unchanged items
        with guard:  # the database, one crawl at a time when several run in parallel
            row = _record_run(
                db, job, run_id, paths, process, started, duration, timeout, close_after, checks
            )
        rows.append(row)
        echo(
            f"  {row['status']}: {row['items']} items, {row['new_listings']} new and "
            f"{row['updated_listings']} updated listings, {row['seen_again']} seen again"
            + (f" ({row['reason']})" if row["reason"] else "")
        )
    return rows


def _record_run(
    db: Database,
    job: CrawlJob,
    run_id: str,
    paths: dict[str, Path],
    process: SpiderProcess,
    started: str,
    duration: float,
    timeout: float,
    close_after: int,
    checks: Callable[[Database, dict[str, Any]], list[str]] | None,
) -> dict[str, Any]:
    """Import what one job captured, judge its run, close what its source no longer lists
    (only after an `ok` run), and record its `crawl_runs` row; return the row."""
    raw_file = paths["raw"]
    result, reports = (None, [])
    if raw_file.exists():
        result, reports = import_files(db, [raw_file], feed=job.key, run_id=run_id)
    items = reports[0].items if reports else 0
    bad = len(reports[0].bad_lines) if reports else 0
    status, reason = judge(process, items, bad, timeout)
    row = _run_row(
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
    if raw_file.exists():  # kept beside the capture, so `rebuild` can replay the run
        write_run_record(raw_file, row)
    return row


def _run_row(
    job: CrawlJob,
    run_id: str,
    paths: dict[str, Path],
    process: SpiderProcess,
    result: Any,
    *,
    started: str,
    duration: float,
    status: str,
    reason: str,
    items: int,
    bad: int,
) -> dict[str, Any]:
    """The `crawl_runs` row of one job's run, before the health checks and the lifecycle."""
    raw_file, log_file = paths["raw"], paths["log"]
    stats = process.stats
    return {
        "id": f"{run_id}:{job.key}",
        "run_id": run_id,
        "source": job.key,
        "spider": job.spider,
        "args": json.dumps(job.args, sort_keys=True),
        "started_at": started,
        "finished_at": utc_stamp(),
        "duration_s": duration,
        "status": status,
        "reason": reason or None,
        "exit_code": process.exit_code,
        "finish_reason": stats.get("finish_reason"),
        "items": items,
        "bad_lines": bad,
        "normalize_issues": json.dumps(dict(sorted(result.issues.items()))) if result else None,
        "new_listings": result.new_listings if result else 0,
        "updated_listings": result.updated_listings if result else 0,
        "seen_again": result.seen_again if result else 0,
        "errors": int(stats.get("log_count/ERROR", 0)),
        "parse_errors": int(stats.get("microintern/parse_errors", 0)),
        "requests": int(stats.get("downloader/request_count", 0)),
        "http_errors": _http_errors(stats),
        "retries": int(stats.get("retry/count", 0)),
        "response_bytes": int(stats.get("downloader/response_bytes", 0)),
        "cached": int(stats.get("httpcache/hit", 0)),
        "raw_file": str(raw_file) if raw_file.exists() else None,
        "log_file": str(log_file) if log_file.exists() else None,
    }
