"""Reading the history the health checks need from `crawl_runs`, and writing their verdicts back
(a run that fails a check becomes `degraded`, with the failed checks in its reason)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlite_utils import Database

from pipeline.health import CheckResult, verdict

HISTORY_LIMIT = 30


def load_history(
    db: Database, runs: Iterable[Mapping[str, Any]], limit: int = HISTORY_LIMIT
) -> dict[str, list[dict[str, Any]]]:
    """Each run's source's earlier runs (not those of the same crawl), newest first."""
    history = {}
    for run in runs:
        history[str(run["source"])] = list(
            db.query(
                "select * from crawl_runs where source = ? and run_id != ? and started_at < ? "
                "order by started_at desc limit ?",
                [run["source"], run["run_id"], run["started_at"], limit],
            )
        )
    return history


def set_run_status(db: Database, row_id: str, status: str, reason: str | None) -> None:
    db.table("crawl_runs").update(row_id, {"status": status, "reason": reason})


def apply_verdicts(
    db: Database,
    runs: Iterable[Mapping[str, Any]],
    results: Mapping[str, Iterable[CheckResult]],
) -> list[dict[str, Any]]:
    """Write each run's verdict to its `crawl_runs` row where it changes the status or reason;
    return the runs as they now stand."""
    updated = []
    for run in runs:
        row = dict(run)
        status, reason = verdict(row, results.get(str(row["source"]), ()))
        if (status, reason) != (row.get("status"), row.get("reason")):
            set_run_status(db, row["id"], status, reason)
            row.update(status=status, reason=reason)
        updated.append(row)
    return updated
