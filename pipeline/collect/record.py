"""Recording what a spider process captured, source by source: its capture kept small, its items
imported, its run judged and checked, what it no longer lists closed, its `crawl_runs` row and
run record written (`Recorder`).

A process crawling many sources' boards (pipeline.collect.batch) reports each board it is done
with (spiders.boards.BoardProgress: a line of its progress file with the board's stats), so
`GroupWatch.poll` records a source as soon as all its boards are done, while the process still
crawls the others; `GroupWatch.finish` records the rest with the process's outcome once it has
ended. Sources are recorded a chunk at a time, each chunk one transaction under the database
lock, so parallel hosts' imports take turns.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from pipeline.collect.batch import boards_of, error_about, error_lines, source_stats
from pipeline.collect.captures import capture_exists, store_capture, write_run_record
from pipeline.collect.gc_settings import fewer_collections
from pipeline.collect.ingest import import_files
from pipeline.collect.verdict import judge, run_row
from pipeline.db import record_crawl_run, update_lifecycle

if TYPE_CHECKING:
    from pipeline.collect.crawl import CrawlJob, PlannedGroup

ERROR_LINE = re.compile(r"^\w*(?:Error|Exception)\b.*?:|\] ERROR: ")
CHUNK = 25  # sources recorded in one transaction
Checks = Callable[[Database, dict[str, Any]], list[str]]


@dataclass
class SpiderProcess:
    exit_code: int | None
    timed_out: bool
    stats: dict[str, Any]
    error: str  # the last error line printed or logged


@dataclass
class Recorder:
    """One crawl's database (`opener()` opens it at the first transaction, so the spiders start
    meanwhile), run id, closing rule and health checks; `guard` (e.g. a lock shared by parallel
    hosts) is held around every transaction. From the first transaction until `close()`, the
    garbage collector runs as during an import (pipeline.collect.gc_settings): its full
    collection is paid once, not once a transaction."""

    opener: Callable[[], Database]
    run_id: str
    close_after: int
    checks: Checks | None = None
    guard: AbstractContextManager = field(default_factory=nullcontext)
    db: Database | None = None
    held: ExitStack = field(default_factory=ExitStack)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.guard:
            if self.db is None:
                self.db = self.opener()
                self.held.enter_context(fewer_collections())
            with self.db.atomic():
                yield

    def close(self) -> None:
        self.held.close()

    def record(
        self,
        job: CrawlJob,
        *,
        paths: dict[str, Path],
        process: SpiderProcess,
        started: str,
        duration: float,
        timeout: float,
    ) -> dict[str, Any]:
        """Import what one job captured, judge its run, close what its source no longer lists
        (only after an `ok` run), and record its `crawl_runs` row; return the row. Call it
        inside `transaction()`."""
        raw_file = paths["raw"]
        result, reports = (None, [])
        if capture_exists(raw_file):
            result, reports = import_files(self.db, [raw_file], feed=job.key, run_id=self.run_id)
        items = reports[0].items if reports else 0
        bad = len(reports[0].bad_lines) if reports else 0
        status, reason = judge(process, items, bad, timeout)
        row = run_row(
            job,
            self.run_id,
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
        if self.checks is not None and status == "ok":
            failed = self.checks(self.db, row)
            if failed:
                status, reason = "degraded", "; ".join(failed)
                row.update(status=status, reason=reason)
        # Only a fully successful crawl may close what the source no longer lists.
        seen = result.posting_ids if result else set()
        row["closed"] = (
            update_lifecycle(self.db, job.key, seen, started, self.run_id, self.close_after)
            if status == "ok"
            else 0
        )
        record_crawl_run(self.db, row)
        if capture_exists(raw_file):  # kept in the night's ledger, so `rebuild` can replay it
            write_run_record(raw_file, row)
        return row


@dataclass
class GroupWatch:
    """The sources of one spider process, recorded as its boards are reported done
    (`poll`) and when it has ended (`finish`); `rows` maps a job's key to its row."""

    planned: PlannedGroup
    recorder: Recorder
    started: str = ""
    clock: float = 0.0
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    notices: dict[str, dict[str, Any]] = field(default_factory=dict)  # board -> its line
    offset: int = 0  # bytes of the progress file read

    def poll(self) -> list[tuple[CrawlJob, dict[str, Any]]]:
        """Record the sources whose boards have all been reported done since the last call."""
        self._read()
        ready = [
            job
            for job in self.planned.jobs
            if job.key not in self.rows
            and boards_of(job)
            and all(board in self.notices for board in boards_of(job))
        ]
        duration = round(time.monotonic() - self.clock, 2) if self.clock else 0.0
        return self._record(ready, self._reported, duration)

    def finish(
        self, process: SpiderProcess, duration: float
    ) -> list[tuple[CrawlJob, dict[str, Any]]]:
        """After the process: the sources it reported done, then the others, judged by its
        outcome (alone, a source's stats are the process's; in a batch, its boards' share of
        them and the last error about its boards)."""
        done = self.poll()
        jobs = self.planned.jobs
        errors = error_lines(self.planned.paths["log"], ERROR_LINE) if len(jobs) > 1 else []

        def outcome(job: CrawlJob) -> SpiderProcess:
            if len(jobs) == 1:
                return process
            boards = boards_of(job)
            stats = source_stats(process.stats, boards)
            return dataclasses.replace(process, stats=stats, error=error_about(errors, boards))

        rest = [job for job in jobs if job.key not in self.rows]
        return done + self._record(rest, outcome, duration)

    def restart(self, planned: PlannedGroup) -> None:
        """The group is crawled again (planned for the sources not yet recorded)."""
        self.planned, self.notices, self.offset = planned, {}, 0

    def _reported(self, job: CrawlJob) -> SpiderProcess:
        """A source whose boards are all done, as a finished process of its own: their stats,
        the errors logged about no board so far, the last error about its boards."""
        boards = boards_of(job)
        lines = [self.notices[board] for board in boards]
        stats: dict[str, Any] = {"finish_reason": "finished"}
        for line in lines:
            stats.update(line["stats"])
        attributed = sum(int(v) for k, v in stats.items() if k.endswith("/log_count/ERROR"))
        stray = max(int(line.get("stray_errors", 0)) for line in lines)
        stats["log_count/ERROR"] = attributed + stray
        error = ""
        if attributed:
            error = error_about(error_lines(self.planned.paths["log"], ERROR_LINE), boards)
        return SpiderProcess(0, False, source_stats(stats, boards), error)

    def _read(self) -> None:
        path = self.planned.paths.get("progress")
        if path is None or not path.exists():
            return
        with open(path, "rb") as handle:
            handle.seek(self.offset)
            data = handle.read()
        complete = data[: data.rfind(b"\n") + 1]  # a line still being written waits
        self.offset += len(complete)
        for line in complete.splitlines():
            if line.strip():
                notice = json.loads(line)
                self.notices[notice["board"]] = notice

    def _record(
        self, jobs: list[CrawlJob], outcome: Callable[[CrawlJob], SpiderProcess], duration: float
    ) -> list[tuple[CrawlJob, dict[str, Any]]]:
        done = []
        planned = self.planned
        for start in range(0, len(jobs), CHUNK):
            chunk = jobs[start : start + CHUNK]
            # gzip, or a reference to the unchanged items of an earlier night
            raws = {job.key: store_capture(planned.captures[job.key]) for job in chunk}
            with self.recorder.transaction():
                for job in chunk:
                    self.rows[job.key] = self.recorder.record(
                        job,
                        paths={**planned.paths, "raw": raws[job.key]},
                        process=outcome(job),
                        started=self.started,
                        duration=duration,
                        timeout=planned.timeout,
                    )
                    done.append((job, self.rows[job.key]))
        return done


Done = list[tuple["CrawlJob", dict[str, Any]]]  # recorded sources: each job and its row


def reporter(rows: dict[int, dict[str, Any]], echo: Callable[[str], Any]) -> Callable[[Done], None]:
    """`say(done)`: keep each recorded source's `crawl_runs` row by its job (`id(job)`), and
    echo a line on it: its status, items, listings and the reason of a run not `ok`."""

    def say(done: Done) -> None:
        for job, row in done:
            rows[id(job)] = row
            echo(
                f"  {row['source']} {row['status']}: {row['items']} items, "
                f"{row['new_listings']} new and {row['updated_listings']} updated listings, "
                f"{row['seen_again']} seen again" + (f" ({row['reason']})" if row["reason"] else "")
            )

    return say
