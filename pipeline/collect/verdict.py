"""How a spider run went, from its stats: what went wrong (`problems_in`), its status and reason
(`judge`), and its `crawl_runs` row (`run_row`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.collect.captures import capture_exists
from pipeline.collect.ingest import utc_stamp

if TYPE_CHECKING:
    from pipeline.collect.record import SpiderProcess


def _error_statuses(stats: dict[str, Any], prefix: str) -> int:
    return sum(
        int(v) for k, v in stats.items() if k.startswith(prefix) and k[len(prefix) :][:1] in "45"
    )


def http_errors(stats: dict[str, Any]) -> int:
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


def run_row(
    job: Any,
    run_id: str,
    paths: dict[str, Path],
    process: Any,
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
        "http_errors": http_errors(stats),
        "retries": int(stats.get("retry/count", 0)),
        "response_bytes": int(stats.get("downloader/response_bytes", 0)),
        "cached": int(stats.get("httpcache/hit", 0)),
        "raw_file": str(raw_file) if capture_exists(raw_file) else None,
        "log_file": str(log_file) if log_file.exists() else None,
    }
