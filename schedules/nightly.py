"""The nightly crawl: its configuration, its APScheduler 3 wiring, and one run of it.

`build_scheduler` makes a blocking scheduler with one cron job, kept in a SQLite job store so a
run missed while the machine was down still happens (once) when it comes back, within the
configured grace time. `run_nightly` is what the job does: under a lock beside the database,
crawl every enabled source (`pipeline.collect.crawl.crawl`), with the health checks as its
`checks` hook (`schedules.health`: a run that fails one is `degraded` and closes no listings),
then send an alert when any source is degraded or failed (`schedules.alerts`). It logs to
`<logs>/nightly/<run_id>.log` and prints its progress.

Exit statuses of a run: 0 every source ok, 1 some degraded or failed, 2 nothing worked (or the
sources file is unreadable), 75 another run holds the lock (nothing was done).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timedelta
from functools import partial
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    EVENT_SCHEDULER_STARTED,
    SchedulerEvent,
)
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from filelock import FileLock, Timeout

from pipeline.collect.crawl import CrawlJob, crawl, new_run_id, utc_stamp
from pipeline.collect.lock import EXIT_BUSY, Busy, crawl_lock_file, holding_crawl_lock
from pipeline.collect.sources import DEFAULT_SOURCES_FILE, SourcesError, load_sources
from pipeline.db import open_db, record_crawl_run
from schedules.alerts import send_alert, summarize, summary_headline
from schedules.health import DEFAULT_THRESHOLDS, CheckResult, Thresholds, failures
from schedules.health_store import Checks, health_checks

JOB_ID = "microintern-nightly"
DEFAULT_CONFIG_FILE = Path(__file__).resolve().parent / "nightly.toml"
EXIT_OK, EXIT_DEGRADED, EXIT_FAILED = 0, 1, 2
EXIT_STATUS = {"ok": EXIT_OK, "degraded": EXIT_DEGRADED, "failed": EXIT_FAILED}
LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 3
MAX_JITTER = 3600
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

logger = logging.getLogger("microintern.nightly")


class ConfigError(ValueError):
    """The nightly configuration is invalid; the message says where."""


@dataclass(frozen=True)
class NightlyConfig:
    """Everything a nightly run needs. Relative paths are taken from the working directory."""

    time: str = "02:30"
    timezone: str = "UTC"
    jitter_seconds: int = 600
    misfire_grace_hours: float = 6.0
    parallel: int = 1
    timeout_seconds: float = 1800.0
    settings: Mapping[str, str] = field(default_factory=dict)
    health: Thresholds = DEFAULT_THRESHOLDS
    alert_command: str = ""
    webhook_url: str = ""
    alert_timeout_seconds: float = 10.0
    db: Path = Path("data/listings.db")
    sources: Path = DEFAULT_SOURCES_FILE
    data_dir: Path | None = None
    jobstore: Path = Path("data/scheduler.db")
    log_dir: Path = Path("data/logs")

    def __post_init__(self) -> None:
        def coerce(name: str, kind: type) -> None:
            try:
                object.__setattr__(self, name, kind(getattr(self, name)))
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{name}: expected {kind.__name__}, got {exc}") from exc

        for name in ("jitter_seconds", "parallel"):
            coerce(name, int)
        for name in ("misfire_grace_hours", "timeout_seconds", "alert_timeout_seconds"):
            coerce(name, float)
        for name in ("db", "sources", "jobstore", "log_dir"):
            coerce(name, Path)
        if self.data_dir is not None:
            coerce("data_dir", Path)
        object.__setattr__(self, "settings", {str(k): str(v) for k, v in self.settings.items()})
        if not TIME.match(str(self.time)):
            raise ConfigError(f"time: expected HH:MM, got {self.time!r}")
        try:
            ZoneInfo(str(self.timezone))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"timezone: unknown time zone {self.timezone!r}") from exc
        if not 0 <= self.jitter_seconds <= MAX_JITTER:
            raise ConfigError(f"jitter_seconds: expected 0 to {MAX_JITTER}")
        if self.parallel < 1:
            raise ConfigError("parallel: expected 1 or more")
        for name in ("misfire_grace_hours", "timeout_seconds", "alert_timeout_seconds"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name}: expected a positive number")

    @property
    def hour(self) -> int:
        return int(self.time.split(":")[0])

    @property
    def minute(self) -> int:
        return int(self.time.split(":")[1])

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def misfire_grace_seconds(self) -> int:
        return round(self.misfire_grace_hours * 3600)

    @property
    def lock_file(self) -> Path:
        """Beside the database: every run on that database takes it."""
        return crawl_lock_file(self.db)

    def with_overrides(self, **values: Any) -> NightlyConfig:
        """A copy with the values that are not None replaced (command-line flags)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        """Plain values only: what the job store keeps as the job's argument."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["health"] = asdict(self.health)
        data["settings"] = dict(self.settings)
        for name in ("db", "sources", "data_dir", "jobstore", "log_dir"):
            data[name] = None if data[name] is None else str(data[name])
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NightlyConfig:
        values = dict(data)
        values["health"] = Thresholds(**values.get("health", {}))
        return cls(**values)


# TOML section -> {key: NightlyConfig field}; [health] keys are the Thresholds fields.
SECTIONS: dict[str, dict[str, str]] = {
    "schedule": {k: k for k in ("time", "timezone", "jitter_seconds", "misfire_grace_hours")},
    "crawl": {k: k for k in ("parallel", "timeout_seconds", "settings")},
    "health": {f.name: f.name for f in fields(Thresholds)},
    "alerts": {
        "command": "alert_command",
        "webhook_url": "webhook_url",
        "timeout_seconds": "alert_timeout_seconds",
    },
    "paths": {
        "db": "db",
        "sources": "sources",
        "data": "data_dir",
        "jobstore": "jobstore",
        "logs": "log_dir",
    },
}


def load_config(path: Path = DEFAULT_CONFIG_FILE) -> NightlyConfig:
    """The configuration in a TOML file (see schedules/nightly.toml); unknown keys are errors."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    values: dict[str, Any] = {}
    health: dict[str, Any] = {}
    for section, table in data.items():
        if section not in SECTIONS or not isinstance(table, dict):
            raise ConfigError(f"{path}: unknown section [{section}]")
        for key, value in table.items():
            if key not in SECTIONS[section]:
                raise ConfigError(f"{path}: unknown key {key!r} in [{section}]")
            target = health if section == "health" else values
            target[SECTIONS[section][key]] = value
    try:
        return NightlyConfig(**values, health=Thresholds(**health))
    except (ConfigError, TypeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


# -- scheduling ----------------------------------------------------------------------------


class NightlyTrigger(CronTrigger):
    """A daily cron trigger that fires once a day even on the night clocks go back: plain cron
    fires twice when the wall time repeats (02:30 in Europe on the last Sunday of October). On
    the night clocks go forward a time that does not exist (02:30) fires an hour later."""

    def get_next_fire_time(self, previous_fire_time, now):
        fire = super().get_next_fire_time(previous_fire_time, now)
        if (
            fire is not None
            and previous_fire_time is not None
            and fire - previous_fire_time < timedelta(hours=12)
        ):
            fire = super().get_next_fire_time(fire, fire)
        return fire


def build_trigger(config: NightlyConfig, jitter: bool = True) -> NightlyTrigger:
    return NightlyTrigger(
        hour=config.hour,
        minute=config.minute,
        timezone=config.tz,
        jitter=(config.jitter_seconds or None) if jitter else None,
    )


def next_fire_times(
    config: NightlyConfig, count: int = 10, now: datetime | None = None
) -> list[datetime]:
    """The next `count` run times after `now` (default: the current time), without jitter."""
    if now is None:
        now = datetime.now(config.tz)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=config.tz)
    trigger = build_trigger(config, jitter=False)
    times: list[datetime] = []
    previous = None
    while len(times) < count:
        fire = trigger.get_next_fire_time(previous, previous or now)
        if fire is None:
            break
        times.append(fire.astimezone(config.tz))
        previous = fire
    return times


def scheduled_run(config: dict[str, Any]) -> int:
    """The job the scheduler runs (module level: the job store pickles a reference to it)."""
    return run_nightly(NightlyConfig.from_dict(config), echo=partial(print, flush=True))


def build_scheduler(
    config: NightlyConfig, *, job: Callable[..., Any] = scheduled_run
) -> BlockingScheduler:
    """A scheduler running `job(config=...)` on the configured cron, with a persistent job store.

    The job is re-added on every start (fixed id, replace_existing), which would reset its next
    run time to the next future one and drop a run missed while the machine was down; so a
    stored next run time is kept when the stored job has the same function and trigger.
    """
    config.jobstore.parent.mkdir(parents=True, exist_ok=True)
    store = SQLAlchemyJobStore(url=f"sqlite:///{config.jobstore.resolve()}")
    trigger = build_trigger(config)
    scheduler = BlockingScheduler(
        jobstores={"default": store},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": config.misfire_grace_seconds,
        },
        timezone=config.tz,
    )
    kept = stored_next_run_time(store, job, trigger)
    scheduler.add_job(
        job,
        trigger,
        id=JOB_ID,
        name="nightly crawl",
        kwargs={"config": config.to_dict()},
        replace_existing=True,
        **({"next_run_time": kept} if kept else {}),
    )
    return scheduler


def stored_next_run_time(
    store: SQLAlchemyJobStore, job: Callable[..., Any], trigger: CronTrigger
) -> datetime | None:
    """The next run time the store holds for the nightly job, if it is the same job."""
    try:
        stored = store.lookup_job(JOB_ID)
    except Exception:  # no table yet, or a job pickled by an older version: start afresh
        return None
    if stored is None or repr(stored.trigger) != repr(trigger):
        return None
    if stored.func_ref != f"{job.__module__}:{job.__qualname__}":
        return None
    return stored.next_run_time


def serve(config: NightlyConfig, *, echo: Callable[[str], None] = print) -> int:
    """Run the scheduler in the foreground until interrupted. One scheduler per job store."""
    lock = FileLock(f"{config.jobstore}.lock")
    try:
        config.jobstore.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=0)
    except Timeout:
        echo(f"another scheduler is using {config.jobstore}; not starting")
        return EXIT_BUSY
    scheduler = None
    try:
        scheduler = build_scheduler(config)

        def announce(event: SchedulerEvent) -> None:
            if event.code == EVENT_JOB_MISSED:
                echo(
                    f"run due at {event.scheduled_run_time:%Y-%m-%d %H:%M %Z} skipped: more than "
                    f"{config.misfire_grace_hours:g} h late"
                )
            job = scheduler.get_job(JOB_ID)
            if job is not None and job.next_run_time is not None:
                due = job.next_run_time
                overdue = due <= datetime.now(due.tzinfo)
                late = " (missed while down: starting now)" if overdue else ""
                echo(f"next nightly run: {due:%Y-%m-%d %H:%M:%S %Z}{late}")

        scheduler.add_listener(
            announce,
            EVENT_SCHEDULER_STARTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED,
        )
        echo(
            f"nightly crawl at {config.time} {config.timezone}, job store {config.jobstore}; "
            "Ctrl+C to stop"
        )
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)  # a run in progress still finishes
    finally:
        lock.release()
    return EXIT_OK


# -- one run ---------------------------------------------------------------------------------


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
    return _finish(config, summarize(run_id, runs), log_path, echo, clock)


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


def host_of(job: CrawlJob) -> str:
    """The host a job crawls: its `base_url` or `url`, else its spider's API host."""
    url = job.args.get("base_url") or job.args.get("url")
    return (urlsplit(url).netloc.lower() or url) if url else f"{job.spider} default host"


def crawl_all(
    jobs: list[CrawlJob],
    config: NightlyConfig,
    run_id: str,
    progress: Progress,
    checks: Checks | None = None,
) -> list[dict[str, Any]]:
    """Crawl every job with one run id; return their `crawl_runs` rows in the jobs' order.

    Up to `parallel` spiders run at once, but never two on the same host (they would share its
    politeness budget and its HTTP cache entries): jobs are grouped by host, groups run in
    parallel, a group's jobs one after another. Only the spider processes overlap: the `crawl()`
    calls share one lock around their database work (`db_lock`), since two imports at once make
    SQLite answer "database is locked".
    """
    groups: dict[str, list[tuple[int, CrawlJob]]] = {}
    for number, job in enumerate(jobs):
        groups.setdefault(host_of(job), []).append((number, job))
    workers = min(config.parallel, len(groups))
    if workers <= 1:
        alone = threading.Lock()
        return [_crawl_one(job, config, run_id, progress, checks, alone) for job in jobs]
    rows: dict[int, dict[str, Any]] = {}

    def crawl_group(group: list[tuple[int, CrawlJob]]) -> None:
        for number, job in group:
            rows[number] = _crawl_one(job, config, run_id, progress, checks, database)

    database = threading.Lock()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl") as pool:
        for future in [pool.submit(crawl_group, group) for group in groups.values()]:
            future.result()
    return [rows[number] for number in range(len(jobs))]


def _crawl_one(
    job: CrawlJob,
    config: NightlyConfig,
    run_id: str,
    progress: Progress,
    checks: Checks | None,
    database: threading.Lock,
) -> dict[str, Any]:
    progress.say(f"crawling {job.key}")
    try:
        [row] = crawl(
            [job],
            config.db,
            data_dir=config.data_dir,
            settings=dict(config.settings),
            timeout=config.timeout_seconds,
            run_id=run_id,
            checks=checks,
            db_lock=database,
            echo=lambda line: logger.info("%s: %s", job.key, line.strip()),
        )
    except Exception as exc:  # one source's trouble must not stop the others
        logger.exception("crawling %s raised", job.key)
        row = _failed_row(job, run_id, f"crawl raised {type(exc).__name__}: {exc}")
        try:
            with database:
                record_crawl_run(open_db(config.db), row)
        except Exception:
            logger.exception("could not record the failed run of %s", job.key)
    progress.finished(row)
    return row


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
