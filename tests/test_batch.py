"""Many sources in one spider process (pipeline.collect.batch): everything stays per source."""

import gzip
import json
import sqlite3
import threading
import time

from pipeline.collect.batch import batches, source_stats
from pipeline.collect.captures import read_run_record
from pipeline.collect.crawl import CrawlJob, crawl
from pipeline.db import open_db
from pipeline.demo import LOCAL_SETTINGS
from tests.conftest import FIXTURES
from tests.test_spider_failures import quiet, robots_txt

FAST = {**LOCAL_SETTINGS, "RETRY_TIMES": "1"}


def job(board, base_url, spider="greenhouse", **args):
    return CrawlJob(spider, {"base_url": base_url, "board": board, **args}, name=f"gh-{board}")


def test_sources_of_one_host_share_a_process_and_nothing_else(serve_fixtures, tmp_path):
    sites = quiet(
        serve_fixtures(
            "greenhouse",
            routes={
                "/v1/boards/down/jobs": (500, "{}"),
                "/v1/boards/truncated/jobs": (200, '{"jobs": [{"id": 1, "title": "Proj'),
            },
        )
    )
    sites.routes["/robots.txt"] = robots_txt({"/v1/boards/forbidden/"})
    names = ["fieldnotes", "down", "unknown", "truncated", "forbidden", "algolia"]
    jobs = [job(name, sites.base_url) for name in names]
    rows = crawl(
        jobs, tmp_path / "listings.db", settings=FAST, run_id="20261125T023000Z", echo=print
    )
    by = {row["source"].removeprefix("gh-"): row for row in rows}
    assert [row["source"] for row in rows] == [j.key for j in jobs]
    assert len({row["log_file"] for row in rows}) == 1  # one process
    assert {k: r["status"] for k, r in by.items()} == {
        "fieldnotes": "ok",
        "down": "failed",
        "unknown": "failed",
        "truncated": "failed",
        "forbidden": "failed",
        "algolia": "ok",
    }
    assert (by["fieldnotes"]["items"], by["algolia"]["items"]) == (1, 2)
    assert by["fieldnotes"]["requests"] == 1 and by["fieldnotes"]["http_errors"] == 0
    assert by["down"]["reason"].startswith("no items: HTTP 500 x1; 1 errors logged")
    assert "/boards/down/" in by["down"]["reason"]  # its own last error, not another's
    assert (by["down"]["http_errors"], by["down"]["retries"]) == (2, 1)
    assert by["unknown"]["reason"] == "no items: HTTP 404 x1"
    assert by["truncated"]["parse_errors"] == 1 and "errors logged" in by["truncated"]["reason"]
    assert "robots.txt forbids 1 requests" in by["forbidden"]["reason"]
    raw = tmp_path / "raw" / "greenhouse"
    assert sorted(p.name for p in raw.glob("*_gh-*.jsonl.gz")) == [  # one per source, as feeds
        f"20261125T023000Z_gh-{name}.jsonl.gz" for name in sorted(names)
    ]
    assert gzip.decompress((raw / "20261125T023000Z_gh-down.jsonl.gz").read_bytes()) == b""
    record = read_run_record(raw / "20261125T023000Z_gh-algolia.jsonl.gz")
    assert [p.name for p in raw.glob("*.ledger.*")] == ["20261125T023000Z.ledger.jsonl.gz"]
    assert record["items"] == 2 and record["status"] == "ok"
    db = open_db(tmp_path / "listings.db")
    assert db.table("listings").count == 3


def test_groups_are_one_spider_and_host_with_the_same_arguments():
    a, b = "http://a.test", "http://b.test"
    jobs = [
        job("x", a),
        job("y", a),
        job("z", b),
        job("w", a, spider="lever"),
        job("v", a, limit="5"),
        CrawlJob("jsonld", {"url": f"{a}/page"}),
        job("x", a),  # the same board twice: its own process
        job("u", a),
    ]
    groups = [
        [j.args["board"] if "board" in j.args else j.spider for j in g] for g in batches(jobs)
    ]
    assert groups == [["x", "y", "u"], ["z"], ["w"], ["v"], ["jsonld"], ["x"]]
    assert [len(g) for g in batches([job(str(n), a) for n in range(5)], size=2)] == [2, 2, 1]


def test_a_source_gets_its_boards_stats_and_errors_about_no_board():
    stats = {
        "finish_reason": "finished",
        "log_count/ERROR": 3,
        "downloader/request_count": 9,
        "board/a/downloader/request_count": 2,
        "board/b/downloader/request_count": 3,
        "board/b/log_count/ERROR": 2,
        "board/c/downloader/request_count": 4,
    }
    assert source_stats(stats, ["a", "c"]) == {
        "finish_reason": "finished",
        "downloader/request_count": 6,
        "log_count/ERROR": 1,
        "microintern/errors_not_about_a_board": 1,
    }


def test_rebuild_replays_batched_nights_exactly(serve_fixtures, tmp_path):
    from pipeline.collect.rebuild import rebuild
    from tests.test_lifecycle import snapshot

    board = json.loads((FIXTURES / "greenhouse/v1/boards/algolia/jobs.json").read_text())
    listed = [board]
    sites = serve_fixtures(
        "greenhouse", routes={"/v1/boards/algolia/jobs": lambda: (200, json.dumps(listed[0]))}
    )
    jobs = [job(name, sites.base_url) for name in ("fieldnotes", "algolia", "down")]
    db_path = tmp_path / "listings.db"
    nights = [board, {**board, "jobs": board["jobs"][:1]}, {**board, "jobs": board["jobs"][:1]}]
    for answer in nights:
        listed[0] = answer
        rows = crawl(jobs, db_path, settings=FAST, echo=lambda *_: None)
        assert len({row["log_file"] for row in rows}) == 1
    before = snapshot(open_db(db_path))
    assert any(r["status"] == "closed" for r in before["listings"])  # closed by batched runs
    assert rebuild(db_path) == 9  # every source's capture, failed ones too, as a local crawl
    assert snapshot(open_db(db_path)) == before


def test_each_source_is_recorded_while_the_process_crawls_the_others(serve_fixtures, tmp_path):
    """The server answers a board only once every board answered before it has its
    `crawl_runs` row: a source is recorded as soon as its boards are done, not after the
    process (pipeline.collect.record)."""
    db_path = tmp_path / "listings.db"
    body = (FIXTURES / "greenhouse/v1/boards/algolia/jobs.json").read_text()
    answered, late = [], []
    one_at_a_time = threading.Lock()  # a host answering one request after another, whatever
    # the client sends at once (with no delay, Scrapy may send a slot's requests together)

    def recorded() -> int:
        try:
            with sqlite3.connect(db_path) as conn:
                return conn.execute("select count(*) from crawl_runs").fetchone()[0]
        except sqlite3.OperationalError:  # no table yet
            return 0

    def answer(name):
        def route():
            with one_at_a_time:
                deadline = time.monotonic() + 10
                while recorded() < len(answered) and time.monotonic() < deadline:
                    time.sleep(0.02)
                late.extend([name] if recorded() < len(answered) else [])
                answered.append(name)
                return 200, body.replace('"id": ', f'"id": 9{len(answered)}')

        return route

    names = ["first", "second", "third"]
    sites = serve_fixtures(None, routes={f"/v1/boards/{n}/jobs": answer(n) for n in names})
    rows = crawl([job(n, sites.base_url) for n in names], db_path, settings=FAST, echo=print)
    assert late == [] and sorted(answered) == sorted(names)
    assert [row["status"] for row in rows] == ["ok"] * 3
    assert len({row["log_file"] for row in rows}) == 1  # one process
    assert [row["items"] for row in rows] == [2, 2, 2] and rows[0]["requests"] == 1
    (progress,) = (tmp_path / "logs" / "greenhouse").glob("*.progress.jsonl")
    lines = [json.loads(line) for line in progress.read_text().splitlines()]
    # every board but the last: the process may end before reporting it (recorded after it)
    assert {line["board"] for line in lines} >= set(answered[:-1])
    assert all(line["stats"][f"board/{line['board']}/item_scraped_count"] == 2 for line in lines)
