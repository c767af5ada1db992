"""The health checks against the database: reading a source's earlier runs from `crawl_runs`,
and the `checks(db, row)` hook `pipeline.collect.crawl.crawl` calls for each `ok` run before it
records the run and reconciles the source's listings (a failing check makes the run `degraded`, so a
source that suddenly lists less closes nothing)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlite_utils import Database

from schedules.health import DEFAULT_THRESHOLDS, CheckResult, Thresholds, check_source, describe

HISTORY_LIMIT = 30
Checks = Callable[[Database, dict[str, Any]], list[str]]


def load_history(
    db: Database, runs: Iterable[Mapping[str, Any]], limit: int = HISTORY_LIMIT
) -> dict[str, list[dict[str, Any]]]:
    """Each run's source's earlier runs (not those of the same crawl), newest first."""
    history = {}
    for run in runs:
        history[str(run["source"])] = list(
            db.query(
                # started_at has whole seconds: ties are told apart by the sortable run id
                "select * from crawl_runs where source = ? and run_id != ? and started_at <= ? "
                "order by started_at desc, run_id desc limit ?",
                [run["source"], run["run_id"], run["started_at"], limit],
            )
        )
    return history


def health_checks(
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    report: Callable[[str, list[CheckResult]], None] | None = None,
) -> Checks:
    """The `checks` argument of `crawl()`: checks a run against its source's history and
    returns the failed checks as reasons (empty when healthy). `report(source, results)` is
    called with every result, e.g. to log them."""

    def checks(db: Database, row: dict[str, Any]) -> list[str]:
        history = load_history(db, [row])[str(row["source"])]
        results = check_source(row, history, thresholds)
        if report is not None:
            report(str(row["source"]), results)
        return describe(results)

    return checks
