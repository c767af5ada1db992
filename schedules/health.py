"""Health checks of a crawl, Spidermon-style: each source's latest run against its own history.

Pure functions: `crawl_runs` rows come in, check results go out; nothing is read or written
(`schedules.health_store` loads the history and makes the `checks` hook of `crawl()`). The
checks, per source:

- `completed`: the run did not fail (timed out, crashed, collected nothing through errors).
  When it failed, the other checks are not run: its counts mean nothing.
- `items_present`: a source that had items before returns none.
- `item_drop`: items fell by more than `max_drop` against the median of the source's last
  `baseline_runs` successful (`ok` or `degraded`) runs, needing `min_baseline_runs` of them.
  Runs flagged by this check count too, so a lasting change becomes the new normal once it
  fills half the window (4 nights of 7), while a one-night dip leaves the median alone.
- `validation`: more than `max_invalid_share` of the captured lines were invalid (a missing
  title, url or company, or broken JSON: the run's `bad_lines`).
- `spider_errors`: the spider logged more than `max_errors` errors.

Through the hook a failing check makes an `ok` run `degraded` before its listings are reconciled,
so a source that suddenly lists less closes nothing; `checks_failed` names the sources whose data
should not be trusted, for any other step that must leave them alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

Run = Mapping[str, Any]
SUCCESSFUL = ("ok", "degraded")


@dataclass(frozen=True)
class Thresholds:
    max_drop: float = 0.5  # share of items lost against the baseline median
    baseline_runs: int = 7  # successful runs the median is taken over
    min_baseline_runs: int = 3  # fewer successful runs than this: no drop check yet
    max_invalid_share: float = 0.05  # bad lines / (items + bad lines)
    max_errors: int = 10  # errors the spider logged


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class CheckResult:
    source: str
    check: str
    passed: bool
    detail: str = ""


def _count(run: Run, column: str) -> int:
    return int(run.get(column) or 0)


def _previous(run: Run, history: Iterable[Run]) -> list[Run]:
    """Earlier runs of the source, newest first (the run itself and its own nightly left out)."""
    rows = [
        row
        for row in history
        if row.get("id") != run.get("id")
        and (row.get("run_id") is None or row.get("run_id") != run.get("run_id"))
    ]
    return sorted(
        rows, key=lambda row: (row.get("started_at") or "", row.get("run_id") or ""), reverse=True
    )


def baseline(history: Sequence[Run], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> float | None:
    """Median items of the last `baseline_runs` successful runs (history newest first), or None
    when there are fewer than `min_baseline_runs` of them."""
    successful = [_count(row, "items") for row in history if row.get("status") in SUCCESSFUL]
    recent = successful[: thresholds.baseline_runs]
    if len(recent) < max(thresholds.min_baseline_runs, 1):
        return None
    return float(median(recent))


def check_source(
    run: Run, history: Iterable[Run], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[CheckResult]:
    """Every check for one source's latest `run`, given its earlier runs (in any order)."""
    source = str(run.get("source"))

    def result(check: str, passed: bool, detail: str = "") -> CheckResult:
        return CheckResult(source, check, passed, detail)

    if run.get("status") not in SUCCESSFUL:
        reason = run.get("reason") or f"status {run.get('status')!r}"
        return [result("completed", False, f"run failed: {reason}")]
    previous = _previous(run, history)
    items, bad = _count(run, "items"), _count(run, "bad_lines")
    results = [result("completed", True)]

    had_items = next((row for row in previous if _count(row, "items") > 0), None)
    if items == 0 and had_items is not None:
        when = str(had_items.get("started_at") or "")[:10]
        detail = f"no items (had {_count(had_items, 'items')} on {when})"
        results.append(result("items_present", False, detail))
    else:
        results.append(result("items_present", True))

    median_items = baseline(previous, thresholds)
    if median_items is None:
        results.append(result("item_drop", True, "not enough history"))
    elif items == 0 or median_items == 0:
        results.append(result("item_drop", True))  # nothing to compare; see items_present
    else:
        drop = 1 - items / median_items
        detail = f"{items} items, {drop:.0%} below the median {median_items:g} of recent runs"
        results.append(result("item_drop", drop <= thresholds.max_drop, detail))

    lines = items + bad
    share = bad / lines if lines else 0.0
    detail = f"{bad} of {lines} lines invalid (missing title, url or company, or not JSON)"
    results.append(result("validation", share <= thresholds.max_invalid_share, detail))

    errors = _count(run, "errors")
    passed = errors <= thresholds.max_errors
    results.append(result("spider_errors", passed, f"{errors} errors logged by the spider"))
    return results


def check_runs(
    runs: Iterable[Run],
    history: Mapping[str, Iterable[Run]],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> dict[str, list[CheckResult]]:
    """Check results per source for a crawl's runs; `history` maps a source to its earlier runs."""
    return {
        str(run["source"]): check_source(run, history.get(str(run["source"]), ()), thresholds)
        for run in runs
    }


def failures(results: Iterable[CheckResult]) -> list[CheckResult]:
    return [r for r in results if not r.passed]


def describe(results: Iterable[CheckResult]) -> list[str]:
    """The failed checks as reasons, e.g. `item_drop: 2 items, 81% below the median 10.5 of
    recent runs`."""
    return [f"{r.check}: {r.detail}" for r in failures(results)]


def checks_failed(results: Mapping[str, Iterable[CheckResult]]) -> set[str]:
    """Sources whose latest run failed or failed a check: their data is incomplete, so a step
    that closes listings no longer seen must leave theirs alone."""
    return {source for source, checks in results.items() if failures(checks)}
