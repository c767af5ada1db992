"""The life of a listing across real crawls: closed after 2 successful crawls miss it, never by a
failed crawl, reopened when it comes back, every change recorded; and `rebuild` replays the kept
captures into the same listings, ids and history."""

import json

import pytest
from click.testing import CliRunner

from microintern.cli import cli
from pipeline.collect.crawl import crawl
from pipeline.collect.rebuild import rebuild
from pipeline.db import open_db
from pipeline.demo import LOCAL_SETTINGS
from tests.conftest import FIXTURES

BOARD = json.loads(
    (FIXTURES / "greenhouse" / "v1" / "boards" / "algolia" / "jobs.json").read_text()
)
PATH = "/v1/boards/algolia/jobs"


def night(board, db_path):
    [row] = crawl([board["job"]], db_path, settings=LOCAL_SETTINGS, echo=lambda *_: None)
    return row


def statuses(db):
    return {r["title"].strip(): r["status"] for r in db.query("select title, status from listings")}


def test_closed_after_two_successful_misses_never_by_a_failure_and_reopened(board, tmp_path):
    db_path = tmp_path / "listings.db"
    first, second = BOARD["jobs"]
    night(board, db_path)
    board["answer"] = [first]  # the second job disappears from the board
    assert night(board, db_path)["closed"] == 0  # one miss is not enough
    board["answer"] = 500  # the board is down: a failed crawl closes nothing
    failed = night(board, db_path)
    assert (failed["status"], failed["closed"]) == ("failed", 0)
    db = open_db(db_path)
    assert set(statuses(db).values()) == {"open"}
    board["answer"] = [first]
    assert night(board, db_path)["closed"] == 1
    closed_title = second["title"].strip()
    assert statuses(db)[closed_title] == "closed"
    board["answer"] = [first, second]  # it comes back
    night(board, db_path)
    assert statuses(db)[closed_title] == "reopened"
    changes = [
        (r["field"], r["old_value"], r["new_value"])
        for r in db.query("select * from listing_changes order by id")
    ]
    assert changes == [("status", "open", "closed"), ("status", "closed", "reopened")]


def test_tracked_field_changes_are_recorded(board, tmp_path):
    db_path = tmp_path / "listings.db"
    night(board, db_path)
    edited = dict(
        BOARD["jobs"][0],
        title="Account Manager (Dutch speaking)",
        application_deadline="2026-12-31",
    )
    board["answer"] = [edited, BOARD["jobs"][1]]
    night(board, db_path)
    db = open_db(db_path)
    changes = {
        r["field"]: (r["old_value"], r["new_value"])
        for r in db.query("select * from listing_changes")
    }
    assert changes == {
        "title": ("Account Manager - Dutch speaking", "Account Manager (Dutch speaking)"),
        "deadline": (None, "2026-12-31"),
    }
    [run] = {r["run_id"] for r in db.query("select run_id from listing_changes")}
    assert run == list(db.query("select run_id from crawl_runs order by run_id desc"))[0]["run_id"]


def snapshot(db):
    tables = {
        "listings": "select * from listings order by id",
        "postings": "select * from postings order by id",
        "listing_changes": "select listing_id, field, old_value, new_value, changed_at, run_id "
        "from listing_changes order by listing_id, changed_at, field",
        "crawl_runs": "select * from crawl_runs order by id",
    }
    return {name: list(db.query(sql)) for name, sql in tables.items()}


def test_rebuild_gives_the_same_listings_ids_and_history(board, tmp_path):
    db_path = tmp_path / "listings.db"
    first, second = BOARD["jobs"]
    night(board, db_path)
    export = tmp_path / "export.csv"
    export.write_text(
        "Project ID,Project Title,Company Name,Project URL,Description\n"
        "9,Market research sprint,Acme,https://example.org/p/9,About 10 hours.\n"
    )
    assert (
        CliRunner()
        .invoke(cli, ["import", str(export), "--source", "parkerdewey", "--db", str(db_path)])
        .exit_code
        == 0
    )
    board["answer"] = [dict(first, title="Account Manager, Dutch")]
    night(board, db_path)
    board["answer"] = 500
    night(board, db_path)
    board["answer"] = [dict(first, title="Account Manager, Dutch")]
    night(board, db_path)
    before = snapshot(open_db(db_path))
    assert any(r["status"] == "closed" for r in before["listings"])
    assert len(before["listing_changes"]) >= 2

    replayed = rebuild(db_path)
    assert replayed == 5  # 4 crawls and 1 import
    assert snapshot(open_db(db_path)) == before
    result = CliRunner().invoke(cli, ["rebuild", "--db", str(db_path)])
    assert result.exit_code == 0 and "replayed 5 captures" in result.output
    assert snapshot(open_db(db_path)) == before

    # A crawl holds the lock: a rebuild would swap the file under it and lose its writes.
    from pipeline.collect.lock import EXIT_BUSY, holding_crawl_lock

    kept_before = sorted((db_path.parent / "raw").rglob("*"))
    export = tmp_path / "late.jsonl"
    export.write_text('{"source": "x", "source_id": "1", "title": "t", "url": "https://x/1"}\n')
    with holding_crawl_lock(db_path):
        held = CliRunner().invoke(cli, ["rebuild", "--db", str(db_path)])
        crawling = CliRunner().invoke(cli, ["crawl", "--db", str(db_path)])
        importing = CliRunner().invoke(cli, ["import", str(export), "--db", str(db_path)])
    assert held.exit_code == crawling.exit_code == importing.exit_code == EXIT_BUSY
    assert "another crawl, import or rebuild" in held.output
    assert sorted((db_path.parent / "raw").rglob("*")) == kept_before  # no capture kept either
    assert snapshot(open_db(db_path)) == before


def test_real_boards_replayed_night_after_night(tmp_path):
    """The four captured nights of each real board, imported in order at each night's time as
    the nightly crawl stores them (feed, run, then the lifecycle of a successful crawl): every
    posting keeps its listing, the open postings are those the lifecycle rule leaves open, ones
    gone for two runs close and those that come back reopen, and title changes are recorded."""
    from collections import defaultdict

    from pipeline.collect.raw import validate_item
    from pipeline.db import CLOSE_AFTER_MISSED_RUNS, import_postings, update_lifecycle
    from pipeline.measure.dedupe_accuracy import night_time
    from pipeline.measure.realset import real_items, realdata_root
    from pipeline.tagging.normalize import normalize_postings

    if not (realdata_root() / "nights").is_dir():
        pytest.skip("no real captures")
    captured: dict[str, dict[str, dict[str, dict]]] = defaultdict(dict)
    for entry in real_items():
        if entry["night"]:
            feed = f"{entry['spider']}-{entry['board']}"
            captured[feed].setdefault(entry["night"], {})[entry["raw"]["source_id"]] = entry["raw"]
    assert len(captured) == 5 and all(len(nights) == 4 for nights in captured.values())
    db = open_db(tmp_path / "listings.db")
    listing_of: dict[str, str] = {}
    reopened = title_changes = 0
    for feed, nights in sorted(captured.items()):
        source = feed.split("-", 1)[0]
        missed: dict[str, int] = {}  # what the rule leaves: open postings and their misses
        closed: set[str] = set()
        last_title: dict[str, str] = {}
        for night in sorted(nights):
            at = night_time(night)
            raws = [validate_item({**raw, "scraped_at": at}) for raw in nights[night].values()]
            import_postings(db, normalize_postings(raws), feed=feed, run_id=night)
            seen = {f"{source}:{sid}" for sid in nights[night]}
            update_lifecycle(db, feed, seen, at, run_id=night)
            reopened += len(seen & closed)
            closed -= seen
            for pid in seen:
                missed[pid] = 0
            for pid in set(missed) - seen:
                missed[pid] += 1
                if missed[pid] >= CLOSE_AFTER_MISSED_RUNS:
                    del missed[pid]
                    closed.add(pid)
            rows = {
                row["id"]: row for row in db.query("select * from postings where feed = ?", [feed])
            }
            assert {pid for pid, row in rows.items() if row["status"] == "open"} == set(missed)
            assert {pid for pid, row in rows.items() if row["status"] == "closed"} == closed
            for pid in seen:  # every posting keeps the listing it was first given
                assert (
                    listing_of.setdefault(pid, rows[pid]["listing_id"]) == rows[pid]["listing_id"]
                )
            for sid, raw in nights[night].items():
                title = " ".join(raw["title"].split())
                title_changes += sid in last_title and last_title[sid] != title
                last_title[sid] = title
    assert reopened >= 3  # postings closed, then back on a later night
    recorded = db.execute("select count(*) from listing_changes where field = 'title'").fetchone()[
        0
    ]
    assert title_changes >= 20 and recorded >= title_changes - 5  # merged listings keep one title
    reopened_listings = db.execute(
        "select count(*) from listing_changes where field = 'status' and new_value = 'reopened'"
    ).fetchone()[0]
    assert reopened_listings >= 1
