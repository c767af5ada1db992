"""The nightly crawl's APScheduler 3 wiring: its trigger, its next fire times, and the
scheduler that runs it.

`build_scheduler` makes a blocking scheduler with one cron job, kept in a SQLite job store so a
run missed while the machine was down still happens (once) when it comes back, within the
configured grace time. The job is `schedules.nightly.scheduled_run`, one run of the crawl.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

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

from pipeline.collect.lock import EXIT_BUSY
from schedules.config import NightlyConfig
from schedules.nightly import EXIT_OK, scheduled_run

JOB_ID = "microintern-nightly"


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
