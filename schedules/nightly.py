"""One nightly crawl run, the job the scheduler runs (schedules/scheduler.py) with the
configuration of schedules/config.py.

`run_nightly` is what the job does: under a lock beside the database, crawl every enabled
source (`pipeline.collect.crawl.crawl`), with the health checks as its `checks` hook
(`schedules.health`: a run that fails one is `degraded` and closes no listings), prune the
captures of nights older than `[retention] keep_nights` (`pipeline.collect.retention`), then
send an alert when any source is degraded or failed (`schedules.alerts`). It logs to
`<logs>/nightly/<run_id>.log` and prints its progress.

Exit statuses of a run: 0 every source ok, 1 some degraded or failed, 2 nothing worked (or the
sources file is unreadable), 75 another run holds the lock (nothing was done).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from pipeline.collect.batch import host_of
from pipeline.collect.crawl import CrawlJob, crawl, new_run_id
from pipeline.collect.distributed import crawl_scrapyd
from pipeline.collect.ingest import utc_stamp
from pipeline.collect.lock import EXIT_BUSY, Busy, holding_crawl_lock
from pipeline.collect.retention import prune
from pipeline.collect.retention import summary as prune_summary
from pipeline.collect.scrapyd_api import Node
from pipeline.collect.sources import SourcesError, load_sources
from pipeline.db import open_db, record_crawl_run
from schedules.alerts import send_alert, summarize, summary_headline
from schedules.config import NightlyConfig
from schedules.health import CheckResult, failures
from schedules.health_store import Checks, health_checks

EXIT_OK, EXIT_DEGRADED, EXIT_FAILED = 0, 1, 2
EXIT_STATUS = {"ok": EXIT_OK, "degraded": EXIT_DEGRADED, "failed": EXIT_FAILED}
LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 3

logger = logging.getLogger("microintern.nightly")


# Here rather than beside the scheduler: job stores already written hold the job as
# `schedules.nightly:scheduled_run`, and a job whose reference changed starts afresh
# (`stored_next_run_time`), dropping a run missed while the machine was down.
def scheduled_run(config: dict[str, Any]) -> int:
    """The job the scheduler runs (module level: the job store pickles a reference to it)."""
    return run_nightly(NightlyConfig.from_dict(config), echo=partial(print, flush=True))


def __getattr__(name: str) -> Any:
    """`NightlyTrigger`, now in schedules.scheduler: job stores written while it was here pickled
    the job's trigger as `schedules.nightly.NightlyTrigger`; without it they could not be read,
    and the scheduler would drop a run missed while the machine was down."""
    if name == "NightlyTrigger":
        from schedules.scheduler import NightlyTrigger

        return NightlyTrigger
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Progress:
    """Progress lines for a person and the run log; safe to call from worker threads."""

    def __init__(self, echo: Callable[[str], None], total: int) -> None:
        self.echo, self.total = echo, total
        self.done = self.items = self.failed = 0
        self.lock = threading.Lock()

    def say(self, message: str, level: int = logging.INFO) -> None:
        with self.lock:
            logger.log(level, message)
            self.echo(message)

    def finished(self, row: Mapping[str, Any]) -> None:
        with self.lock:
            self.done += 1
            self.items += int(row.get("items") or 0)
            self.failed += row.get("status") == "failed"
            reason = f" - {row['reason']}" if row.get("reason") else ""
            message = (
                f"[{self.done}/{self.total}] {row['source']}: {row['status']}, "
                f"{row.get('items') or 0} items, {row.get('new_listings') or 0} new "
                f"({row.get('duration_s') or 0:g} s){reason} | so far {self.items} items, "
                f"{self.failed} failed"
            )
            logger.info(message)
            self.echo(message)


def run_nightly(config: NightlyConfig, *, echo: Callable[[str], None] = print) -> int:
    """One nightly run (see the module docstring); returns its exit status."""
    try:
        with holding_crawl_lock(config.db):
            run_id = new_run_id()
            with run_log(config, run_id) as log_path:
                return _run_locked(config, run_id, log_path, echo)
    except Busy:
        echo(f"another crawl holds {config.lock_file}: not starting, nothing changed")
        return EXIT_BUSY


@contextmanager
def run_log(config: NightlyConfig, run_id: str) -> Iterator[Path]:
    """Log everything under `microintern` to `<logs>/nightly/<run_id>.log` during the run."""
    path = config.log_dir / "nightly" / f"{run_id}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(
        path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    parent = logging.getLogger("microintern")
    level = parent.level
    parent.addHandler(handler)
    if parent.getEffectiveLevel() > logging.INFO:
        parent.setLevel(logging.INFO)
    try:
        yield path
    finally:
        parent.removeHandler(handler)
        parent.setLevel(level)
        handler.close()


def _run_locked(
    config: NightlyConfig, run_id: str, log_path: Path, echo: Callable[[str], None]
) -> int:
    clock = time.monotonic()
    try:
        sources = [s for s in load_sources(config.sources) if s.enabled]
    except (OSError, SourcesError) as exc:
        return _finish(config, summarize(run_id, [], error=str(exc)), log_path, echo, clock)
    if not sources:
        error = f"no enabled sources in {config.sources}"
        return _finish(config, summarize(run_id, [], error=error), log_path, echo, clock)
    jobs = [CrawlJob.from_source(s) for s in sources]
    progress = Progress(echo, len(jobs))
    progress.say(
        f"nightly {run_id}: {len(jobs)} sources from {config.sources} into {config.db}, "
        f"{config.parallel} at a time"
    )

    def report(source: str, results: list[CheckResult]) -> None:
        for failed in failures(results):
            progress.say(f"check failed: {source} {failed.check}: {failed.detail}")

    checks = health_checks(config.health, report)
    try:
        runs = crawl_all(jobs, config, run_id, progress, checks)
    except Exception as exc:  # report it: an unattended run must not fail silently
        logger.exception("nightly %s stopped", run_id)
        error = f"stopped by {type(exc).__name__}: {exc}"
        return _finish(config, summarize(run_id, [], error=error), log_path, echo, clock)
    if config.keep_nights:
        _prune(config, progress)
    return _finish(config, summarize(run_id, runs), log_path, echo, clock)


def _prune(config: NightlyConfig, progress: Progress) -> None:
    """Retention after the crawl (`[retention]`); a failure is reported, not fatal."""
    try:
        report = prune(config.data_dir or config.db.parent, config.keep_nights)
    except Exception as exc:
        logger.exception("pruning the captures failed")
        progress.say(f"prune failed: {type(exc).__name__}: {exc}", logging.ERROR)
        return
    progress.say(prune_summary(report))


def _finish(
    config: NightlyConfig,
    summary: dict[str, Any],
    log_path: Path,
    echo: Callable[[str], None],
    clock: float,
) -> int:
    summary["log"] = str(log_path)
    lines = [f"{summary_headline(summary)} in {time.monotonic() - clock:.1f} s"]
    lines += [f"  {p['status']} {p['source']}: {p['reason']}" for p in summary["problems"]]
    if summary["status"] != "ok":
        problems = send_alert(
            summary,
            command=config.alert_command or None,
            webhook_url=config.webhook_url or None,
            timeout=config.alert_timeout_seconds,
        )
        if config.alert_command or config.webhook_url:
            lines.append("alert: " + ("; ".join(problems) if problems else "sent"))
    lines.append(f"log: {log_path}")
    for line in lines:
        logger.info(line)
        echo(line)
    return EXIT_STATUS[summary["status"]]


def crawl_all(
    jobs: list[CrawlJob],
    config: NightlyConfig,
    run_id: str,
    progress: Progress,
    checks: Checks | None = None,
) -> list[dict[str, Any]]:
    """Crawl every job with one run id; return their `crawl_runs` rows in the jobs' order.

    Jobs are grouped by host: each host's jobs go to one `crawl()` call, which runs the ones
    that differ only by their boards in one spider process (pipeline.collect.batch), so the
    host's politeness is kept by one Scrapy process. Up to `parallel` hosts are crawled at
    once. Only the spider processes overlap: the `crawl()` calls share one lock around their
    database work (`db_lock`), since two imports at once make SQLite answer "database is locked".
    """
    if config.scrapyd:
        return _crawl_on_scrapyd(jobs, config, run_id, progress, checks)
    groups: dict[str, list[tuple[int, CrawlJob]]] = {}
    for number, job in enumerate(jobs):
        groups.setdefault(host_of(job), []).append((number, job))
    rows: dict[int, dict[str, Any]] = {}
    database = threading.Lock()

    def crawl_group(host: str, group: list[tuple[int, CrawlJob]]) -> None:
        found = _crawl_host(
            host, [job for _, job in group], config, run_id, progress, checks, database
        )
        rows.update(zip([number for number, _ in group], found, strict=True))

    workers = min(config.parallel, len(groups))
    with ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="crawl") as pool:
        for future in [pool.submit(crawl_group, h, g) for h, g in groups.items()]:
            future.result()
    return [rows[number] for number in range(len(jobs))]


def _crawl_host(
    host: str,
    jobs: list[CrawlJob],
    config: NightlyConfig,
    run_id: str,
    progress: Progress,
    checks: Checks | None,
    database: threading.Lock,
) -> list[dict[str, Any]]:
    progress.say(f"crawling {host}: {', '.join(job.key for job in jobs)}")
    try:
        found = crawl(
            jobs,
            config.db,
            data_dir=config.data_dir,
            settings=dict(config.settings),
            timeout=config.timeout_seconds,
            run_id=run_id,
            checks=checks,
            db_lock=database,
            echo=lambda line: logger.info("%s: %s", host, line.strip()),
        )
    except Exception as exc:  # one host's trouble must not stop the others
        logger.exception("crawling %s raised", host)
        found = [_failed_row(j, run_id, f"crawl raised {type(exc).__name__}: {exc}") for j in jobs]
        try:
            with database:
                for row in found:
                    record_crawl_run(open_db(config.db), row)
        except Exception:
            logger.exception("could not record the failed runs of %s", host)
    for row in found:
        progress.finished(row)
    return found


def _crawl_on_scrapyd(
    jobs: list[CrawlJob],
    config: NightlyConfig,
    run_id: str,
    progress: Progress,
    checks: Checks | None,
) -> list[dict[str, Any]]:
    """The same groups on the configured Scrapyd nodes (pipeline.collect.distributed)."""
    nodes = [Node.parse(url) for url in config.scrapyd.split(",") if url.strip()]
    progress.say(f"crawling on {len(nodes)} Scrapyd nodes: {', '.join(n.url for n in nodes)}")
    rows = crawl_scrapyd(
        jobs,
        config.db,
        nodes,
        data_dir=config.data_dir,
        settings=dict(config.settings),
        timeout=config.timeout_seconds,
        run_id=run_id,
        checks=checks,
        slots=config.scrapyd_slots,
        echo=lambda line: logger.info("scrapyd: %s", line.strip()),
    )
    for row in rows:
        progress.finished(row)
    return rows


def _failed_row(job: CrawlJob, run_id: str, reason: str) -> dict[str, Any]:
    stamp = utc_stamp()
    return {
        "id": f"{run_id}:{job.key}",
        "run_id": run_id,
        "source": job.key,
        "spider": job.spider,
        "started_at": stamp,
        "finished_at": stamp,
        "status": "failed",
        "reason": reason[:500],
        "items": 0,
        "bad_lines": 0,
        "new_listings": 0,
        "updated_listings": 0,
        "seen_again": 0,
        "errors": 0,
    }
