"""Health checks: each source's latest run against its history, table-driven."""

import pytest

from pipeline.db import open_db, record_crawl_run
from schedules.health import (
    CheckResult,
    Thresholds,
    baseline,
    check_runs,
    check_source,
    checks_failed,
    describe,
)
from schedules.health_store import health_checks, load_history

RULES = Thresholds(
    max_drop=0.5, baseline_runs=7, min_baseline_runs=3, max_invalid_share=0.1, max_errors=5
)


def run(items=10, status="ok", day=20, **changes):
    row = {
        "id": f"2026-11-{day:02d}:acme",
        "run_id": f"2026-11-{day:02d}",
        "source": "greenhouse-acme",
        "started_at": f"2026-11-{day:02d}T02:30:00Z",
        "status": status,
        "reason": None,
        "items": items,
        "bad_lines": 0,
        "errors": 0,
    }
    return {**row, **changes}


def history(*items, status="ok"):
    """Earlier runs, one a day before the 20th, oldest first."""
    return [run(n, status=status, day=10 + i) for i, n in enumerate(items)]


CASES = [
    # (name, latest run, history, checks expected to fail)
    ("steady", run(10), history(10, 11, 9), set()),
    ("first run ever", run(3), [], set()),
    ("no items, had some", run(0), history(8), {"items_present"}),
    ("no items, never had any", run(0), history(0, 0, 0), set()),
    ("drop beyond the share", run(4), history(10, 10, 10), {"item_drop"}),
    ("drop exactly at the share", run(5), history(10, 10, 10), set()),
    ("drop with too little history", run(1), history(10, 10), set()),
    ("median ignores one outlier", run(9), history(10, 10, 300, 10, 10), set()),
    # only the last 7 successful runs count: the old 100s are out of the window
    ("baseline window", run(10), history(100, 100, 100, 10, 10, 10, 10, 10, 10, 10), set()),
    ("failed runs are not a baseline", run(4), history(10, 10, 10, 0, 0, status="failed"), set()),
    ("growth is fine", run(50), history(10, 10, 10), set()),
    ("invalid lines above the share", run(8, bad_lines=2), history(10, 10, 10), {"validation"}),
    ("invalid lines within the share", run(9, bad_lines=1), history(10, 10, 10), set()),
    ("nothing but invalid lines", run(0, bad_lines=5), [], {"validation"}),
    ("spider errors above the limit", run(10, errors=6), history(10, 10, 10), {"spider_errors"}),
    ("spider errors at the limit", run(10, errors=5), history(10, 10, 10), set()),
    (
        "several at once",
        run(2, bad_lines=3, errors=9),
        history(10, 10, 10),
        {"item_drop", "validation", "spider_errors"},
    ),
    ("failed run", run(0, status="failed", reason="timed out"), history(10, 10, 10), {"completed"}),
    ("degraded run is checked", run(3, status="degraded"), history(10, 10, 10), {"item_drop"}),
]


@pytest.mark.parametrize(
    ("latest", "previous", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_checks(latest, previous, expected):
    results = check_source(latest, previous, RULES)
    assert {r.check for r in results if not r.passed} == expected
    assert all(r.source == "greenhouse-acme" for r in results)


def test_describe_lists_only_failed_checks():
    results = [
        CheckResult("s", "item_drop", False, "2 items"),
        CheckResult("s", "validation", True, "fine"),
        CheckResult("s", "spider_errors", False, "9 errors"),
    ]
    assert describe(results) == ["item_drop: 2 items", "spider_errors: 9 errors"]


def test_failed_run_skips_the_other_checks():
    [result] = check_source(run(0, status="failed", reason="timed out after 1800 s"), [], RULES)
    assert (result.check, result.passed) == ("completed", False)
    assert result.detail == "run failed: timed out after 1800 s"


def test_details_say_what_was_measured():
    results = check_source(run(2, bad_lines=1), history(10, 12, 8), RULES)
    details = {r.check: r.detail for r in results}
    assert details["item_drop"] == "2 items, 80% below the median 10 of recent runs"
    assert details["validation"].startswith("1 of 3 lines invalid")
    assert check_source(run(0), history(7), RULES)[1].detail == "no items (had 7 on 2026-11-10)"


def test_history_order_and_the_run_itself_do_not_matter():
    latest = run(4)
    previous = history(10, 10, 10)
    shuffled = [previous[1], latest, previous[2], previous[0]]
    assert check_source(latest, shuffled, RULES) == check_source(latest, previous, RULES)


@pytest.mark.parametrize(
    ("items", "expected"),
    [((), None), ((4, 6), None), ((4, 6, 100), 6.0), ((1, 2, 3, 4, 5, 6, 7, 80, 90), 4.0)],
)
def test_baseline_is_the_median_of_recent_successful_runs(items, expected):
    newest_first = [run(n, day=28 - i) for i, n in enumerate(items)]
    assert baseline(newest_first, RULES) == expected


def test_checks_failed_names_failed_and_flagged_sources():
    runs = [
        run(10, source="a", id="r:a"),
        run(1, source="b", id="r:b"),
        run(0, source="c", id="r:c", status="failed"),
    ]
    past = {s: [run(10, source=s, day=d) for d in (10, 11, 12)] for s in "abc"}
    results = check_runs(runs, past, RULES)
    assert set(results) == {"a", "b", "c"}
    assert checks_failed(results) == {"b", "c"}


def test_history_is_loaded_newest_first_without_the_same_crawl(tmp_path):
    db = open_db(tmp_path / "listings.db")
    for day, items in [(10, 10), (11, 12), (12, 9), (13, 11)]:
        record_crawl_run(db, run(items, day=day))
    record_crawl_run(db, run(10, day=12, source="other", id="2026-11-12:other"))
    latest = run(3, day=20)
    record_crawl_run(db, run(3, day=20, source="third", id="2026-11-20:third"))  # same crawl
    record_crawl_run(db, latest)
    past = load_history(db, [latest])
    assert [r["items"] for r in past["greenhouse-acme"]] == [11, 9, 12, 10]


def test_the_crawl_hook_names_failed_checks_and_reports_all(tmp_path):
    db = open_db(tmp_path / "listings.db")
    for day, items in [(10, 10), (11, 12), (12, 9), (13, 11)]:
        record_crawl_run(db, run(items, day=day))
    reported = []
    checks = health_checks(RULES, lambda source, results: reported.append((source, results)))
    assert checks(db, run(3, day=20, errors=7)) == [
        "item_drop: 3 items, 71% below the median 10.5 of recent runs",
        "spider_errors: 7 errors logged by the spider",
    ]
    assert checks(db, run(10, day=20)) == []
    assert [(source, len(results)) for source, results in reported] == [
        ("greenhouse-acme", 5),
        ("greenhouse-acme", 5),
    ]
