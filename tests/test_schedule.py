"""The nightly scheduler: fire times, misfires after downtime, the crawl lock, and whole runs
with real spiders against fixture servers on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import pickle
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import pytest
from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from click.testing import CliRunner

from pipeline.collect.crawl import CrawlJob, crawl
from pipeline.db import open_db, record_crawl_run
from pipeline.demo import LOCAL_SETTINGS
from schedules.cli import runs, schedule
from schedules.config import DEFAULT_CONFIG_FILE, ConfigError, NightlyConfig, load_config
from schedules.health import Thresholds, check_runs, checks_failed
from schedules.health_store import load_history
from schedules.nightly import EXIT_BUSY, EXIT_DEGRADED, EXIT_FAILED, EXIT_OK, run_nightly
from schedules.scheduler import (
    JOB_ID,
    build_scheduler,
    build_trigger,
    next_fire_times,
    stored_next_run_time,
)
from tests.conftest import FIXTURES, greenhouse_answer
from tests.test_alerts import Receiver, stdin_to_file

FAST = {**LOCAL_SETTINGS, "RETRY_TIMES": "1"}
BOARD_JOB = json.loads(
    (FIXTURES / "greenhouse" / "v1" / "boards" / "algolia" / "jobs.json").read_text()
)["jobs"][0]
EMPTY_BOARD = '{"jobs": [], "meta": {"total": 0}}'


# -- fire times ------------------------------------------------------------------------------


def fires(zone: str, start: str, count: int = 4, at: str = "02:30") -> list[str]:
    config = NightlyConfig(time=at, timezone=zone)
    now = datetime.fromisoformat(start).replace(tzinfo=ZoneInfo(zone))
    return [t.isoformat() for t in next_fire_times(config, count, now=now)]


def test_fire_times_follow_the_time_zone():
    assert fires("Europe/Berlin", "2026-11-25T18:00", 3) == [
        "2026-11-26T02:30:00+01:00",
        "2026-11-27T02:30:00+01:00",
        "2026-11-28T02:30:00+01:00",
    ]
    # before today's time: today's run is next
    assert fires("America/New_York", "2026-07-01T01:00", 1) == ["2026-07-01T02:30:00-04:00"]
    assert fires("UTC", "2026-12-31T23:00", 2, at="23:59") == [
        "2026-12-31T23:59:00+00:00",
        "2027-01-01T23:59:00+00:00",
    ]


def test_clocks_going_back_do_not_run_it_twice():
    # 02:30 happens twice in Berlin on 2026-10-25; plain cron fires at both
    assert fires("Europe/Berlin", "2026-10-23T12:00") == [
        "2026-10-24T02:30:00+02:00",
        "2026-10-25T02:30:00+02:00",
        "2026-10-26T02:30:00+01:00",
        "2026-10-27T02:30:00+01:00",
    ]


def test_clocks_going_forward_still_run_that_night():
    # 02:30 does not exist in Berlin on 2026-03-29: the run happens at 03:30 summer time
    times = fires("Europe/Berlin", "2026-03-27T12:00")
    instants = [datetime.fromisoformat(t).astimezone(UTC).isoformat() for t in times]
    assert instants == [
        "2026-03-28T01:30:00+00:00",
        "2026-03-29T01:30:00+00:00",  # 03:30 CEST
        "2026-03-30T00:30:00+00:00",
        "2026-03-31T00:30:00+00:00",
    ]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Sydney"])
def test_one_run_a_day_all_year(zone):
    times = next_fire_times(
        NightlyConfig(timezone=zone), 366, now=datetime(2026, 1, 1, tzinfo=ZoneInfo(zone))
    )
    days = [t.date() for t in times]
    assert days == sorted(set(days)) and len(days) == 366
    assert all(timedelta(hours=22) <= b - a <= timedelta(hours=26) for a, b in pairwise(times))


def test_dry_run_prints_the_next_ten_times():
    result = CliRunner().invoke(
        schedule, ["--dry-run", "--at", "04:15", "--timezone", "Europe/Berlin"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "next runs at 04:15 Europe/Berlin, each up to 600 s later:"
    assert len(lines) == 11
    assert all(" 04:15 CE" in line for line in lines[1:])


# -- the scheduler: job store, misfires ------------------------------------------------------

SEEN: list[datetime] = []
RAN = threading.Event()


def record_run(config: dict) -> None:
    """A stand-in nightly job (module level, so the job store can keep a reference to it)."""
    SEEN.append(datetime.now(UTC))
    RAN.set()


def start_in_thread(scheduler, **options) -> threading.Thread:
    thread = threading.Thread(target=scheduler.start, kwargs=options, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not scheduler.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert scheduler.running
    return thread


def stop(scheduler, thread: threading.Thread) -> None:
    scheduler.shutdown()
    thread.join(10)


def scheduler_config(tmp_path: Path, due: datetime, grace_hours: float) -> NightlyConfig:
    return NightlyConfig(
        time=f"{due:%H:%M}",
        timezone="UTC",
        jitter_seconds=0,
        misfire_grace_hours=grace_hours,
        jobstore=tmp_path / "scheduler.db",
        db=tmp_path / "listings.db",
    )


def went_down_before(config: NightlyConfig, last_due: datetime) -> None:
    """What the job store holds when the machine went down before the run due at `last_due`:
    a scheduler stored the job, stopped, and the job's next run time is now long past."""
    scheduler = build_scheduler(config, job=record_run)
    stop(scheduler, start_in_thread(scheduler))
    store = SQLAlchemyJobStore(url=f"sqlite:///{config.jobstore}")
    job = store.lookup_job(JOB_ID)
    job.next_run_time = last_due
    store.update_job(job)


@pytest.fixture
def fresh_runs():
    SEEN.clear()
    RAN.clear()
    yield SEEN
    SEEN.clear()


def test_job_is_stored_with_the_grace_time_and_one_instance(tmp_path, fresh_runs):
    config = scheduler_config(tmp_path, datetime(2026, 1, 1, 2, 30, tzinfo=UTC), 6)
    scheduler = build_scheduler(config, job=record_run)
    thread = start_in_thread(scheduler, paused=True)
    job = scheduler.get_job(JOB_ID)
    stop(scheduler, thread)
    assert (job.misfire_grace_time, job.coalesce, job.max_instances) == (21600, True, 1)
    assert job.func_ref == "tests.test_schedule:record_run"
    assert job.kwargs["config"]["db"] == str(tmp_path / "listings.db")
    assert (tmp_path / "scheduler.db").exists()


def test_a_run_missed_while_down_runs_once_when_back(tmp_path, fresh_runs):
    due = (datetime.now(UTC) - timedelta(minutes=2)).replace(second=0, microsecond=0)
    config = scheduler_config(tmp_path, due, grace_hours=1)
    went_down_before(config, due - timedelta(days=3))  # four runs missed, the last 2 min ago

    scheduler = build_scheduler(config, job=record_run)
    thread = start_in_thread(scheduler)
    assert RAN.wait(10)
    time.sleep(0.5)  # room for a second run, if one were coming
    job = scheduler.get_job(JOB_ID)
    stop(scheduler, thread)
    assert len(fresh_runs) == 1
    assert job.next_run_time == due + timedelta(days=1)


def test_a_run_missed_beyond_the_grace_time_is_skipped(tmp_path, fresh_runs):
    due = (datetime.now(UTC) - timedelta(hours=2)).replace(second=0, microsecond=0)
    config = scheduler_config(tmp_path, due, grace_hours=1)
    went_down_before(config, due - timedelta(days=1))

    scheduler = build_scheduler(config, job=record_run)
    missed = threading.Event()
    scheduler.add_listener(lambda event: missed.set(), EVENT_JOB_MISSED)
    thread = start_in_thread(scheduler)
    assert missed.wait(10)
    job = scheduler.get_job(JOB_ID)
    stop(scheduler, thread)
    assert fresh_runs == []
    assert job.next_run_time == due + timedelta(days=1)


def test_a_changed_time_does_not_keep_the_stored_run(tmp_path, fresh_runs):
    due = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)
    config = scheduler_config(tmp_path, due, grace_hours=6)
    went_down_before(config, due)
    store = SQLAlchemyJobStore(url=f"sqlite:///{tmp_path / 'scheduler.db'}")
    assert stored_next_run_time(store, record_run, build_trigger(config)) == due
    moved = config.with_overrides(time="03:00")
    assert stored_next_run_time(store, record_run, build_trigger(moved)) is None
    assert stored_next_run_time(store, run_nightly, build_trigger(config)) is None
    empty = SQLAlchemyJobStore(url=f"sqlite:///{tmp_path / 'none.db'}")
    assert stored_next_run_time(empty, record_run, build_trigger(config)) is None


def test_a_trigger_stored_while_it_was_in_schedules_nightly_still_loads():
    trigger = build_trigger(NightlyConfig(jitter_seconds=0))
    stored = pickle.dumps(trigger, protocol=0)
    assert b"schedules.scheduler" in stored
    old = stored.replace(b"schedules.scheduler", b"schedules.nightly")
    assert repr(pickle.loads(old)) == repr(trigger)


# -- configuration ---------------------------------------------------------------------------


def test_shipped_config_is_the_documented_default():
    config = load_config(DEFAULT_CONFIG_FILE)
    assert config == NightlyConfig()
    assert config.misfire_grace_seconds == 6 * 3600
    assert config.lock_file == Path("data/listings.db.lock")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[schedule]\ntme = '02:30'\n", "unknown key 'tme' in [schedule]"),
        ("[crawling]\nparallel = 2\n", "unknown section [crawling]"),
        ("[schedule]\ntime = '2:3'\n", "time: expected HH:MM"),
        ("[schedule]\ntimezone = 'Mars/Olympus'\n", "unknown time zone 'Mars/Olympus'"),
        ("[crawl]\nparallel = 0\n", "parallel: expected 1 or more"),
        ("[crawl]\nparallel = 'many'\n", "parallel: expected int"),
        ("[health]\nmax_dorp = 0.3\n", "unknown key 'max_dorp' in [health]"),
        ("[schedule\n", "Expected ']'"),
    ],
)
def test_config_errors_say_where(tmp_path, text, message):
    path = tmp_path / "nightly.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_config_round_trips_through_the_job_store_form(tmp_path):
    path = tmp_path / "nightly.toml"
    path.write_text(
        "[schedule]\ntime = '01:05'\ntimezone = 'Europe/Berlin'\n"
        "[crawl]\nparallel = 3\nsettings = { DOWNLOAD_DELAY = 2 }\n"
        "[health]\nmax_drop = 0.3\n[alerts]\nwebhook_url = 'http://127.0.0.1:9/hook'\n"
        "[paths]\ndb = 'x/listings.db'\ndata = 'x'\n"
    )
    config = load_config(path).with_overrides(parallel=None, timeout_seconds=60)
    assert (config.hour, config.minute, config.parallel) == (1, 5, 3)
    assert config.settings == {"DOWNLOAD_DELAY": "2"}
    assert config.health.max_drop == 0.3 and config.timeout_seconds == 60
    assert config.data_dir == Path("x")
    stored = json.loads(json.dumps(config.to_dict()))
    assert NightlyConfig.from_dict(stored) == config


# -- the crawl lock --------------------------------------------------------------------------


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_a_second_run_is_refused_and_changes_nothing(tmp_path):
    data = tmp_path / "data"
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sources]]\nspider = "greenhouse"\nboard = "acme"\n')
    config = NightlyConfig(
        db=data / "listings.db", sources=sources, log_dir=data / "logs", jobstore=data / "s.db"
    )
    db = open_db(config.db)
    record_crawl_run(db, {"id": "r0:x", "run_id": "r0", "source": "x"})
    db.close()  # our own connection closes now, not at some later garbage collection
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from filelock import FileLock; lock = FileLock(sys.argv[1]); "
            "lock.acquire(); print('held', flush=True); sys.stdin.read()",
            str(config.lock_file),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        before = tree_digest(tmp_path)
        lines: list[str] = []
        assert run_nightly(config, echo=lines.append) == EXIT_BUSY
        assert tree_digest(tmp_path) == before
        assert lines == [f"another crawl holds {config.lock_file}: not starting, nothing changed"]
        result = CliRunner().invoke(schedule, ["--once", "--db", str(config.db)])
        assert result.exit_code == EXIT_BUSY
    finally:
        holder.stdin.close()
        holder.wait(10)
    # released: the next run starts (and fails fast here, the sources file being empty)
    sources.write_text("")
    assert run_nightly(config, echo=lines.append) == EXIT_FAILED
    assert f"failed: no enabled sources in {sources}" in lines[-2]
    assert lines[-1].startswith("log: ")


# -- whole runs against fixture servers ------------------------------------------------------


def write_sources(path: Path, boards: list[tuple[str, str]]) -> Path:
    path.write_text(
        "".join(
            f'[[sources]]\nspider = "greenhouse"\nboard = "{board}"\nbase_url = "{base}"\n\n'
            for board, base in boards
        )
    )
    return path


def write_config(path: Path, tmp_path: Path, sources: Path, **crawl) -> Path:
    settings = ", ".join(f'{k} = "{v}"' for k, v in FAST.items())
    crawl_lines = "".join(f"{k} = {v}\n" for k, v in crawl.items())
    path.write_text(
        f"[crawl]\n{crawl_lines}settings = {{ {settings} }}\n"
        f"[paths]\ndb = '{tmp_path / 'listings.db'}'\nsources = '{sources}'\n"
        f"jobstore = '{tmp_path / 'scheduler.db'}'\nlogs = '{tmp_path / 'logs'}'\n"
    )
    return path


def test_schedule_once_lands_what_works_and_fails_what_does_not(serve_fixtures, tmp_path):
    def stalled():
        time.sleep(6)
        return 200, EMPTY_BOARD

    boards = serve_fixtures("greenhouse", routes={"/v1/boards/down/jobs": (500, "{}")})
    slow = serve_fixtures("greenhouse", routes={"/v1/boards/slow/jobs": stalled})
    sources = write_sources(
        tmp_path / "sources.toml",
        [
            ("fieldnotes", boards.base_url),
            ("down", boards.base_url),
            ("algolia", boards.base_url),
            ("slow", slow.base_url),
        ],
    )
    config = write_config(
        tmp_path / "nightly.toml", tmp_path, sources, parallel=2, timeout_seconds=4
    )
    clock = time.monotonic()
    result = CliRunner().invoke(schedule, ["--once", "--config", str(config)])
    elapsed = time.monotonic() - clock
    assert result.exit_code == EXIT_DEGRADED, result.output

    db = open_db(tmp_path / "listings.db")
    rows = {r["source"]: r for r in db.query("select * from crawl_runs")}
    assert {k: r["status"] for k, r in rows.items()} == {
        "greenhouse-fieldnotes": "ok",
        "greenhouse-algolia": "ok",
        "greenhouse-down": "failed",
        "greenhouse-slow": "failed",
    }
    assert len({r["run_id"] for r in rows.values()}) == 1
    assert rows["greenhouse-down"]["reason"].startswith("no items: HTTP 500")
    assert rows["greenhouse-down"]["http_errors"] == 2  # the 500 and its retry
    assert rows["greenhouse-slow"]["reason"] == "timed out after 4 s"
    assert db.table("listings").count == 3  # fieldnotes' one and algolia's two
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    # the slow host was crawled alongside the other one
    assert elapsed < sum(r["duration_s"] for r in rows.values())

    output = result.output
    assert "4 sources from" in output and "2 at a time" in output
    assert "[4/4] " in output and "so far 3 items, 2 failed" in output
    assert "degraded, 4 sources (2 ok, 0 degraded, 2 failed), 3 items, 3 new listings" in output
    assert "  failed greenhouse-slow: timed out after 4 s" in output
    [log] = (tmp_path / "logs" / "nightly").glob("*.log")
    text = log.read_text()
    host = boards.base_url.removeprefix("http://")
    assert "[4/4] " in text and f"{host}: [2/3] crawling greenhouse-down" in text
    # one spider process for the three sources of the first host, each with its own capture
    assert (
        len({rows[f"greenhouse-{b}"]["log_file"] for b in ("fieldnotes", "down", "algolia")}) == 1
    )
    assert rows["greenhouse-fieldnotes"]["raw_file"] != rows["greenhouse-algolia"]["raw_file"]
    assert rows["greenhouse-down"]["raw_file"]  # empty, as a feed: `rebuild` replays the run


@pytest.fixture
def hook():
    """A webhook receiver on 127.0.0.1."""
    server = Receiver()
    yield server
    server.close()


def seed_history(db_path: Path, source: str, items: list[int]) -> None:
    db = open_db(db_path)
    now = datetime.now(UTC)
    for days, count in enumerate(items, 1):
        started = (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        run_id = f"past{days}"
        record_crawl_run(
            db,
            {
                "id": f"{run_id}:{source}",
                "run_id": run_id,
                "source": source,
                "spider": "greenhouse",
                "started_at": started,
                "status": "ok",
                "items": count,
                "bad_lines": 0,
                "errors": 0,
                "new_listings": 0,
                "duration_s": 1.5,
            },
        )


def nightly_config(tmp_path: Path, sources: Path, **values) -> NightlyConfig:
    return NightlyConfig(
        db=tmp_path / "listings.db",
        sources=sources,
        log_dir=tmp_path / "logs",
        jobstore=tmp_path / "scheduler.db",
        settings=FAST,
        timeout_seconds=60,
        **values,
    )


def test_an_item_drop_marks_the_run_degraded_and_alerts(serve_fixtures, hook, tmp_path):
    sites = serve_fixtures("greenhouse")
    # two sources of one host: crawled in one process, checked one by one
    sources = write_sources(
        tmp_path / "sources.toml", [("algolia", sites.base_url), ("fieldnotes", sites.base_url)]
    )
    seed_history(tmp_path / "listings.db", "greenhouse-algolia", [10, 12, 9, 11])
    received = tmp_path / "alert.json"
    config = nightly_config(
        tmp_path, sources, alert_command=stdin_to_file(received), webhook_url=hook.url
    )
    lines: list[str] = []
    assert run_nightly(config, echo=lines.append) == EXIT_DEGRADED

    db = open_db(config.db)
    [row, other] = db.query(
        "select * from crawl_runs where run_id not like 'past%' order by source"
    )
    assert other["source"] == "greenhouse-fieldnotes" and other["status"] == "ok"
    assert other["log_file"] == row["log_file"]  # the same process
    assert row["status"] == "degraded"
    assert row["reason"] == "item_drop: 2 items, 81% below the median 10.5 of recent runs"
    assert row["closed"] == 0  # a degraded run closes nothing
    assert "check failed: greenhouse-algolia item_drop: 2 items, 81% below" in "\n".join(lines)
    assert "alert: sent" in lines

    [alert] = hook.received
    assert alert["status"] == "degraded" and alert["run_id"] == row["run_id"]
    assert alert["problems"] == [
        {"source": "greenhouse-algolia", "status": "degraded", "reason": row["reason"]}
    ]
    assert (alert["items"], alert["new_listings"]) == (3, 3)
    assert json.loads(received.read_text()) == alert

    # a later step that closes listings no longer seen leaves this source's alone
    results = check_runs([row], load_history(db, [row]), config.health)
    assert checks_failed(results) == {"greenhouse-algolia"}


def test_a_source_that_suddenly_lists_less_closes_nothing(serve_fixtures, tmp_path):
    board = json.loads((FIXTURES / "greenhouse/v1/boards/algolia/jobs.json").read_text())
    listed = [board]

    def shrinking():
        return 200, json.dumps(listed[0])

    sites = serve_fixtures("greenhouse", routes={"/v1/boards/algolia/jobs": shrinking})
    sources = write_sources(
        tmp_path / "sources.toml", [("fieldnotes", sites.base_url), ("algolia", sites.base_url)]
    )
    closed = {}
    for guarded, max_drop in [(True, 0.4), (False, 1.0)]:
        listed[0] = board
        folder = tmp_path / ("guarded" if guarded else "unguarded")
        config = nightly_config(folder, sources, health=Thresholds(max_drop=max_drop))
        seed_history(config.db, "greenhouse-algolia", [2, 2, 2])
        statuses = [run_nightly(config, echo=lambda _: None)]
        listed[0] = {**board, "jobs": board["jobs"][:1]}  # one of the two is gone
        statuses += [run_nightly(config, echo=lambda _: None) for _ in range(2)]
        db = open_db(config.db)
        closed[guarded] = db.execute(
            "select count(*) from listings where status = 'closed'"
        ).fetchone()[0]
        expected = [EXIT_OK, EXIT_DEGRADED, EXIT_DEGRADED] if guarded else [EXIT_OK] * 3
        assert statuses == expected
    # two successful runs without it close a listing; runs that fail the drop check do not
    assert closed == {True: 0, False: 1}


def test_a_healthy_run_exits_zero_and_sends_nothing(serve_fixtures, hook, tmp_path):
    sites = serve_fixtures("greenhouse")
    sources = write_sources(
        tmp_path / "sources.toml", [("fieldnotes", sites.base_url), ("algolia", sites.base_url)]
    )
    seed_history(tmp_path / "listings.db", "greenhouse-fieldnotes", [1, 1, 1])
    config = nightly_config(tmp_path, sources, webhook_url=hook.url)
    lines: list[str] = []
    assert run_nightly(config, echo=lines.append) == EXIT_OK
    assert hook.received == []
    assert any(line.startswith("[1/2] greenhouse-fieldnotes: ok, 1 items, 1 new") for line in lines)
    assert any(line.startswith("[2/2] greenhouse-algolia: ok, 2 items, 2 new") for line in lines)


def test_runs_lists_recent_runs(tmp_path):
    db_path = tmp_path / "listings.db"
    seed_history(db_path, "greenhouse-acme", [10, 12])
    record_crawl_run(
        open_db(db_path),
        {
            "id": "now:lever-beta",
            "run_id": "now",
            "source": "lever-beta",
            "started_at": "2099-01-01T02:30:00Z",
            "status": "failed",
            "reason": "timed out after 1800 s " + "x" * 100,
            "items": 0,
            "new_listings": 0,
            "errors": 3,
            "duration_s": 1815.25,
        },
    )
    result = CliRunner().invoke(runs, ["--db", str(db_path), "--limit", "2"])
    assert result.exit_code == 0, result.output
    header, first, second = result.output.splitlines()
    assert header.split() == [
        "started",
        "source",
        "status",
        "items",
        "new",
        "errors",
        "duration",
        "reason",
    ]
    assert first.split()[:9] == [
        "2099-01-01",
        "02:30:00Z",
        "lever-beta",
        "failed",
        "0",
        "0",
        "3",
        "1815.2",
        "s",
    ]
    assert first.endswith("...") and len(first.split("  ")[-1]) <= 80
    assert "greenhouse-acme" in second and " ok " in second and " 10 " in second
    missing = CliRunner().invoke(runs, ["--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "no database at" in missing.output


def test_commands_have_help_with_an_example():
    group = click.Group(commands=[schedule, runs])
    for name in group.commands:
        result = CliRunner().invoke(group, [name, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, name


# -- parallel crawls and the database --------------------------------------------------------


def test_parallel_crawls_overlap_spiders_and_take_turns_in_the_database(serve_fixtures, tmp_path):
    sites = serve_fixtures(
        "greenhouse",
        routes={
            f"/v1/boards/{name}/jobs": greenhouse_answer(
                name, 1000 if name == "acme" else 2000, count=50, delay=1
            )
            for name in ("acme", "beta")
        },
    )
    db_path = tmp_path / "listings.db"
    lock = threading.Lock()
    rows, errors = [], []

    def work(name):
        job = CrawlJob(
            "greenhouse",
            {"base_url": sites.base_url, "board": name},
            {"HTTPCACHE_ENABLED": "False"},
            f"greenhouse-{name}",
        )
        try:
            rows.extend(
                crawl([job], db_path, settings=LOCAL_SETTINGS, db_lock=lock, echo=lambda *_: None)
            )
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    clock = time.monotonic()
    threads = [threading.Thread(target=work, args=(name,)) for name in ("acme", "beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    spent = time.monotonic() - clock
    assert errors == []
    statuses = sorted(row["status"] for row in rows)
    assert statuses == ["ok", "ok"], [(row["source"], row["reason"]) for row in rows]
    assert open_db(db_path).table("postings").count == 100  # no import was lost
    solo = next(row["duration_s"] for row in rows)
    assert spent < 2 * solo + 1  # the two slow spiders overlapped


def test_a_run_killed_midway_leaves_a_consistent_database_and_the_next_completes(
    serve_fixtures, tmp_path
):
    def stalled():
        time.sleep(2)  # long enough to be killed in: the request is logged before it sleeps
        return 200, EMPTY_BOARD

    boards = serve_fixtures("greenhouse")
    slow = serve_fixtures("greenhouse", routes={"/v1/boards/slow/jobs": stalled})
    sources = write_sources(
        tmp_path / "sources.toml",
        [("fieldnotes", boards.base_url), ("slow", slow.base_url), ("algolia", boards.base_url)],
    )
    config = write_config(tmp_path / "nightly.toml", tmp_path, sources, timeout_seconds=30)
    command = [sys.executable, "-m", "microintern", "schedule", "--once", "--config", str(config)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any("slow" in path for path in slow.requests) and time.monotonic() < deadline:
        time.sleep(0.1)  # the first host's two sources are in, the second host is being crawled
    process.kill()
    process.wait(timeout=30)
    db = open_db(tmp_path / "listings.db")
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert db.table("listings").count in (0, 1, 3)  # whole sources: nothing half-written

    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr  # the lock did not outlive it
    db = open_db(tmp_path / "listings.db")
    assert db.table("listings").count == 3
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
