"""`crawl`: real spider processes against fixture servers, with failures recorded, not fatal."""

import time

from pipeline.collect.crawl import CrawlJob, crawl
from pipeline.db import open_db
from pipeline.demo import LOCAL_SETTINGS

FAST_FAIL = {**LOCAL_SETTINGS, "RETRY_TIMES": "1"}


def test_crawl_imports_captures_and_records_runs(serve_fixtures, tmp_path):
    sites = serve_fixtures("greenhouse", routes={"/v1/boards/down/jobs": (500, "{}")})
    db_path = tmp_path / "listings.db"
    rows = crawl(
        [
            CrawlJob("greenhouse", {"base_url": sites.base_url, "board": "fieldnotes,down"}),
            CrawlJob("jsonld", {}),
        ],  # missing its required url argument
        db_path,
        settings=FAST_FAIL,
        timeout=120,
        run_id="20261125T023000Z",
        echo=lambda *_: None,
    )
    greenhouse, jsonld = rows
    assert greenhouse["status"] == "degraded"
    assert greenhouse["items"] == 1 and greenhouse["new_listings"] == 1
    assert greenhouse["http_errors"] == 2  # the 500 and its retry
    assert greenhouse["retries"] == 1
    assert "errors logged" in greenhouse["reason"]
    kept = tmp_path / "raw" / "greenhouse" / "20261125T023000Z_greenhouse.jsonl.gz"
    assert greenhouse["raw_file"] == str(kept) and kept.exists()  # compressed, the plain gone
    assert not kept.with_suffix("").exists()
    assert jsonld["status"] == "failed"
    assert "needs -a url=" in jsonld["reason"]

    db = open_db(db_path)
    assert db.table("listings").count == 1
    assert [r["status"] for r in db.query("select status from crawl_runs order by spider")] == [
        "degraded",
        "failed",
    ]


def test_timeout_fails_the_run_and_keeps_stored_listings(serve_fixtures, tmp_path):
    def slow():
        time.sleep(4)
        return 200, '{"jobs": [], "meta": {"total": 0}}'

    sites = serve_fixtures("greenhouse", routes={"/v1/boards/slow/jobs": slow})
    db_path = tmp_path / "listings.db"
    crawl(
        [CrawlJob("greenhouse", {"base_url": sites.base_url, "board": "fieldnotes"})],
        db_path,
        settings=LOCAL_SETTINGS,
        timeout=120,
        echo=lambda *_: None,
    )
    [row] = crawl(
        [CrawlJob("greenhouse", {"base_url": sites.base_url, "board": "slow"})],
        db_path,
        settings=LOCAL_SETTINGS,
        timeout=1.5,
        echo=lambda *_: None,
    )
    assert row["status"] == "failed"
    assert row["reason"] == "timed out after 1.5 s"
    db = open_db(db_path)
    assert db.table("listings").count == 1
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_second_crawl_revalidates_from_the_http_cache(serve_fixtures, tmp_path):
    sites = serve_fixtures("greenhouse")
    job = CrawlJob("greenhouse", {"base_url": sites.base_url, "board": "fieldnotes"})
    db_path = tmp_path / "listings.db"
    runs, sent = [], []
    for _ in range(2):
        before = sites.bytes_sent
        runs += crawl([job], db_path, settings=LOCAL_SETTINGS, echo=lambda *_: None)
        sent.append(sites.bytes_sent - before)
    first, second = runs
    assert first["run_id"] != second["run_id"]
    assert first["cached"] == 0 and first["new_listings"] == 1
    assert second["status"] == "ok"
    assert second["cached"] >= 1  # revalidated with a 304, or still fresh
    assert sent[1] < sent[0] / 10, sent
    assert (second["new_listings"], second["updated_listings"]) == (0, 0)  # at most last_seen
