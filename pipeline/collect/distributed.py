"""Crawling through Scrapyd nodes, when one machine is not enough: `crawl(..., scrapyd=...)`.

The coordinator (this process) deploys the spiders to every node (`addversion.json`), plans
the same groups as a local crawl (one process per host and spider, pipeline.collect.batch) and
schedules them (`schedule.json`), never one host on two nodes at once, at most `slots` jobs a
node. Each job writes its captures, stats and log under the data folder, which the nodes see at
the same path (a shared folder); when `listjobs.json` says a job finished, the coordinator reads
its stats and imports its captures exactly as after a local process. The database is written by
the coordinator alone.

A node that stops answering has its unfinished groups scheduled on another node; their sources
end `degraded` (closing nothing) with the reason. A job past its timeout is cancelled
(`cancel.json`: SIGINT, then SIGKILL after a grace period). With no node left, what is not done
fails.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.collect.batch import batches, host_of
from pipeline.collect.crawl import (
    GRACE_SECONDS,
    CrawlJob,
    PlannedGroup,
    SpiderProcess,
    last_error,
    new_run_id,
    plan_group,
)
from pipeline.collect.gc_settings import fewer_collections
from pipeline.collect.ingest import utc_stamp
from pipeline.collect.ledger import seal_run
from pipeline.collect.record import GroupWatch, Recorder, reporter
from pipeline.collect.scrapyd_api import Node, NodeDown, ScrapydError, build_egg, schedule_parts
from pipeline.db import CLOSE_AFTER_MISSED_RUNS, open_db


@dataclass
class Task:
    watch: GroupWatch  # its sources, recorded as they are done
    host: str
    node: Node | None = None
    job: str = ""
    cancelled: float = 0.0  # when the timeout's SIGINT was sent
    timed_out: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def planned(self) -> PlannedGroup:
        return self.watch.planned


def crawl_scrapyd(
    jobs: list[CrawlJob],
    db_path: Path,
    nodes: list[Node],
    *,
    data_dir: Path | None = None,
    settings: dict[str, str] | None = None,
    timeout: float = 1800,
    run_id: str | None = None,
    close_after: int = CLOSE_AFTER_MISSED_RUNS,
    checks: Callable[[Any, dict[str, Any]], list[str]] | None = None,
    slots: int = 2,
    poll: float = 0.5,
    echo=print,
) -> list[dict[str, Any]]:
    """Like `pipeline.collect.crawl.crawl`, each group of jobs run as a Scrapyd job on one of
    `nodes`; returns the `crawl_runs` rows in the jobs' order."""
    db_path = Path(db_path)
    data_dir = Path(data_dir or db_path.parent)
    run_id = run_id or new_run_id()
    db = open_db(db_path)
    tasks = []
    for group in batches(jobs):
        notes: list[str] = []

        def noted(db_, row, notes=notes):  # a moved group's sources are degraded: close nothing
            return notes + (checks(db_, row) if checks else [])

        planned = plan_group(group, run_id, data_dir, settings, timeout)
        watch = GroupWatch(planned, Recorder(lambda: db, run_id, close_after, noted, db=db))
        tasks.append(Task(watch, host_of(group[0]), notes=notes))
    version = _deploy(nodes, echo)
    rows: dict[int, dict[str, Any]] = {}
    say = reporter(rows, echo)

    def finish(task: Task, process: SpiderProcess | None) -> None:
        """Record what a running task reported done (no process), or all of a finished one."""
        watch = task.watch
        if process is None:
            say(watch.poll())
            return
        watch.started = watch.started or utc_stamp()
        duration = round(time.monotonic() - watch.clock, 2) if watch.clock else 0.0
        say(watch.finish(process, duration))

    with fewer_collections():  # once for the crawl, not once a transaction
        _run(tasks, nodes, version, slots, poll, finish, echo)
    seal_run(data_dir / "raw", run_id)
    return [rows[id(job)] for job in jobs]


def _deploy(nodes: list[Node], echo) -> str:
    """Deploy the spiders to every node at once (each node checks the egg in a process of its
    own, about a second); a node that cannot take it is not used. Returns the version."""
    egg, version = build_egg()

    def deploy(node: Node) -> None:
        try:
            node.deploy(egg, version)
            echo(f"deployed {version} to {node.url}")
        except (NodeDown, ScrapydError) as exc:
            node.alive = False
            echo(f"not using {node.url}: {exc}")

    with ThreadPoolExecutor(max_workers=max(len(nodes), 1)) as pool:
        list(pool.map(deploy, nodes))
    return version


def _run(tasks, nodes, version, slots, poll, finish, echo) -> None:
    """Schedule, watch and finish every task; move a lost node's tasks to another node."""
    waiting = list(tasks)
    while waiting or any(node.running for node in nodes):
        alive = [node for node in nodes if node.alive]
        if not alive:
            for task in waiting:
                reason = "; ".join(task.notes + ["no Scrapyd node answers"])
                finish(task, SpiderProcess(1, False, {}, reason))
            return
        busy = {task.host for node in nodes for task in node.running.values()}
        for node in alive:
            _fill(node, waiting, busy, slots, version, echo)
        time.sleep(poll)
        for node in alive:
            if node.running:
                _check(node, waiting, finish, echo)


def _fill(node: Node, waiting: list[Task], busy: set[str], slots: int, version: str, echo):
    """Schedule waiting tasks of hosts no node is crawling on `node`, up to its slots."""
    for task in list(waiting):
        if not node.alive or len(node.running) >= slots:
            return
        if task.host in busy:
            continue
        spider, args, settings = schedule_parts(task.planned.command)
        for path in task.planned.paths.values():  # the shared folder, seen by every node
            path.parent.mkdir(parents=True, exist_ok=True)
        task.planned.paths["stats"].unlink(missing_ok=True)
        try:
            task.job = node.schedule(spider, args, settings, version)
        except (NodeDown, ScrapydError) as exc:
            _lose(node, waiting, f"{node.url} could not schedule: {exc}", echo)
            return
        waiting.remove(task)
        busy.add(task.host)
        task.node, task.watch.started, task.watch.clock = node, utc_stamp(), time.monotonic()
        node.running[task.job] = task
        echo(f"scheduled {', '.join(j.key for j in task.planned.jobs)} on {node.url}")


def _check(node: Node, waiting: list[Task], finish, echo) -> None:
    """Finish the node's finished jobs; cancel those past their timeout."""
    try:
        states = node.jobs()
    except (NodeDown, ScrapydError) as exc:
        _lose(node, waiting, str(exc), echo)
        return
    for job, task in list(node.running.items()):
        if job in states["finished"] or not any(job in ids for ids in states.values()):
            del node.running[job]
            finish(task, _outcome(task))
            continue
        finish(task, None)  # its sources done so far
        elapsed = time.monotonic() - task.watch.clock
        try:
            if not task.cancelled and elapsed > task.planned.timeout:
                task.timed_out, task.cancelled = True, time.monotonic()
                node.cancel(job)
            elif task.cancelled and time.monotonic() - task.cancelled > GRACE_SECONDS:
                node.cancel(job, "KILL")
        except (NodeDown, ScrapydError) as exc:
            echo(f"could not cancel {job} on {node.url}: {exc}")


def _outcome(task: Task) -> SpiderProcess:
    """A finished job as a local process's outcome: Scrapyd keeps no exit code, so a job
    without its stats file is judged by that ("spider wrote no stats")."""
    stats_file, log_file = task.planned.paths["stats"], task.planned.paths["log"]
    try:
        stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    except ValueError:
        stats = {}
    return SpiderProcess(0, task.timed_out, stats, last_error("", log_file))


def _lose(node: Node, waiting: list[Task], reason: str, echo) -> None:
    """A node stopped answering: its unfinished tasks go back to the front of the queue."""
    node.alive = False
    echo(f"lost {node.url}: {reason}")
    moved = list(node.running.values())
    node.running.clear()
    again = []
    for task in moved:
        task.notes.append(f"Scrapyd node {node.url} stopped answering; crawled again")
        task.timed_out, task.cancelled = False, 0.0
        # The sources recorded before the node went away are complete: the rest again.
        left = [job for job in task.planned.jobs if job.key not in task.watch.rows]
        if left:
            task.watch.restart(task.planned.replan(left))
            again.append(task)
    waiting[:0] = again
