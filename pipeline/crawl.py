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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.ingest import import_files
from pipeline.store import open_db, record_crawl_run

GRACE_SECONDS = 15
ERROR_LINE = re.compile(r"^\w*(?:Error|Exception)\b.*?:|\] ERROR: ")


@dataclass
class CrawlJob:
    """One spider and its arguments (`-a key=value`)."""

    spider: str
    args: dict[str, str] = field(default_factory=dict)


@dataclass
class SpiderProcess:
    exit_code: int | None
    timed_out: bool
    stats: dict[str, Any]
    error: str  # the last error line printed or logged


def utc_stamp() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def spider_command(
    job: CrawlJob, run_id: str, raw_dir: Path, stats_file: Path, log_file: Path,
    settings: dict[str, str],
) -> list[str]:
    """`scrapy crawl` for one job; its items go to `raw_dir/<spider>/<run_id>.jsonl`."""
    command = [sys.executable, "-m", "scrapy", "crawl", job.spider, "-a", f"run_id={run_id}"]
    for key, value in job.args.items():
        command += ["-a", f"{key}={value}"]
    command += ["-s", f"MICROINTERN_RAW_DIR={raw_dir}",
                "-s", f"MICROINTERN_STATS_FILE={stats_file}", "-s", f"LOG_FILE={log_file}"]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    return command


def run_spider_process(
    command: list[str], stats_file: Path, timeout: float, log_file: Path | None = None
) -> SpiderProcess:
    """Run one spider; on timeout ask it to stop (SIGINT), then kill it after a grace period."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings"}
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
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
    errors = [line.strip() for line in lines
              if ERROR_LINE.search(line) and not line.lstrip().startswith("File ")]
    return errors[-1] if errors else (lines[-1].strip() if lines else "")


def _error_statuses(stats: dict[str, Any], prefix: str) -> int:
    return sum(
        int(v) for k, v in stats.items() if k.startswith(prefix) and k[len(prefix):][:1] in "45"
    )


def _http_errors(stats: dict[str, Any]) -> int:
    """4xx/5xx responses and download exceptions, not counting a missing robots.txt."""
    return (
        _error_statuses(stats, "downloader/response_status_count/")
        - _error_statuses(stats, "robotstxt/response_status_count/")
        + int(stats.get("downloader/exception_count", 0))
    )


def judge(process: SpiderProcess, items: int, bad_lines: int, timeout: float) -> tuple[str, str]:
    """`(status, reason)`: `failed` when the spider did not finish or collected nothing through
    errors, `degraded` when it finished with errors, `ok` otherwise."""
    stats = process.stats
    errors = int(stats.get("log_count/ERROR", 0))
    if process.timed_out:
        return "failed", f"timed out after {timeout:g} s"
    if process.exit_code != 0:
        detail = process.error or "no output"
        return "failed", f"spider exited with code {process.exit_code}: {detail}"
    if not stats:
        return "failed", "spider wrote no stats"
    if stats.get("finish_reason") != "finished":
        return "failed", f"spider closed with reason {stats.get('finish_reason')!r}"
    if items == 0 and errors:
        return "failed", f"no items and {errors} errors logged"
    if errors or bad_lines:
        parts = [f"{errors} errors logged"] if errors else []
        parts += [f"{bad_lines} bad raw lines"] if bad_lines else []
        return "degraded", ", ".join(parts)
    return "ok", ""


def crawl(
    jobs: list[CrawlJob],
    db_path: Path,
    *,
    raw_dir: Path | None = None,
    log_dir: Path | None = None,
    settings: dict[str, str] | None = None,
    timeout: float = 1800,
    run_id: str | None = None,
    echo=print,
) -> list[dict[str, Any]]:
    """Run each job, import what it captured, and return the `crawl_runs` rows written.

    Raw captures go to `raw_dir/<spider>/<run_id>.jsonl` and logs to `log_dir/<spider>/` (by
    default `raw/` and `logs/` beside the database). One failing spider never stops the others.
    """
    db_path = Path(db_path)
    raw_dir = Path(raw_dir or db_path.parent / "raw")
    log_dir = Path(log_dir or db_path.parent / "logs")
    run_id = run_id or new_run_id()
    db = open_db(db_path)
    rows = []
    for job in jobs:
        raw_file = raw_dir / job.spider / f"{run_id}.jsonl"
        stats_file = log_dir / job.spider / f"{run_id}.stats.json"
        log_file = log_dir / job.spider / f"{run_id}.log"
        for path in (raw_file, stats_file):
            path.parent.mkdir(parents=True, exist_ok=True)
        stats_file.unlink(missing_ok=True)
        echo(f"crawling {job.spider} {' '.join(f'{k}={v}' for k, v in job.args.items())}")
        started, clock = utc_stamp(), time.monotonic()
        command = spider_command(job, run_id, raw_dir, stats_file, log_file, settings or {})
        process = run_spider_process(command, stats_file, timeout, log_file)
        duration = round(time.monotonic() - clock, 2)
        result, reports = (None, [])
        if raw_file.exists():
            result, reports = import_files(db, [raw_file])
        items = reports[0].items if reports else 0
        bad = len(reports[0].bad_lines) if reports else 0
        status, reason = judge(process, items, bad, timeout)
        stats = process.stats
        row = {
            "id": f"{run_id}:{job.spider}",
            "run_id": run_id,
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
            "new_listings": result.new_listings if result else 0,
            "updated_listings": result.updated_listings if result else 0,
            "seen_again": result.seen_again if result else 0,
            "errors": int(stats.get("log_count/ERROR", 0)),
            "parse_errors": int(stats.get("microintern/parse_errors", 0)),
            "requests": int(stats.get("downloader/request_count", 0)),
            "http_errors": _http_errors(stats),
            "retries": int(stats.get("retry/count", 0)),
            "response_bytes": int(stats.get("downloader/response_bytes", 0)),
            "raw_file": str(raw_file) if raw_file.exists() else None,
            "log_file": str(log_file) if log_file.exists() else None,
        }
        record_crawl_run(db, row)
        rows.append(row)
        echo(f"  {status}: {items} items, {row['new_listings']} new and "
             f"{row['updated_listings']} updated listings, {row['seen_again']} seen again"
             + (f" ({reason})" if reason else ""))
    return rows
