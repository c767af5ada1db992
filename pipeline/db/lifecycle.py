"""Listings over time: changes of tracked fields, and closing what a source no longer lists."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from pipeline.db.derived import write_listings
from pipeline.db.rows import in_chunks, insert_rows

TRACKED_FIELDS = ("title", "hours_min", "hours_max", "hour_range", "pay_text", "deadline", "status")
CLOSE_AFTER_MISSED_RUNS = 2


def tracked_changes(
    before: dict[str, Any], after: dict[str, Any], when: str, run_id: str | None
) -> list[dict[str, Any]]:
    """One `listing_changes` row per tracked field that changed."""
    return [
        {
            "listing_id": after["id"],
            "field": field_name,
            "old_value": None if before.get(field_name) is None else str(before[field_name]),
            "new_value": None if after.get(field_name) is None else str(after[field_name]),
            "changed_at": when,
            "run_id": run_id,
        }
        for field_name in TRACKED_FIELDS
        if before.get(field_name) != after.get(field_name)
    ]


def update_lifecycle(
    db: Database,
    feed: str,
    seen: set[str],
    crawled_at: str,
    run_id: str | None = None,
    close_after: int = CLOSE_AFTER_MISSED_RUNS,
) -> int:
    """After a SUCCESSFUL crawl of `feed` that found the postings `seen` (ids) and started at
    `crawled_at`: count a missed run for each of the feed's open postings it did not find, close
    those missed `close_after` runs in a row, close listings with no open posting left, and
    expire listings past their deadline. Returns how many listings were closed. Never call it
    for a failed or degraded crawl."""
    today = crawled_at[:10]
    with db.atomic():
        missed = [
            row["id"]
            for row in db.query(
                "select id from postings where feed = ? and status = 'open'", [feed]
            )
            if row["id"] not in seen
        ]
        for ids, marks in in_chunks(missed):
            db.execute(
                "update postings set missed_runs = coalesce(missed_runs, 0) + 1 "
                f"where id in ({marks})",
                ids,
            )
        db.execute(
            "update postings set status = 'closed' where feed = ? and status = 'open' "
            "and missed_runs >= ?",
            [feed, close_after],
        )
        candidates = list(
            db.query(
                "select * from listings where status in ('open', 'reopened') and ("
                " id in (select listing_id from postings where feed = ? and status = 'closed')"
                " or (deadline is not null and deadline < ?))",
                [feed, today],
            )
        )
        changes, updated, closed = [], [], 0
        open_postings = _open_postings(db, [listing["id"] for listing in candidates])
        for listing in candidates:
            still_open = open_postings.get(listing["id"], 0)
            expired = listing["deadline"] is not None and listing["deadline"] < today
            status = "expired" if expired else ("closed" if not still_open else listing["status"])
            if status != listing["status"]:
                closed += status == "closed"
                after = {**listing, "status": status}
                changes += tracked_changes(listing, after, crawled_at, run_id)
                updated.append(after)
        write_listings(db, updated, {row["id"]: row for row in candidates})
        if changes:
            insert_rows(db, "listing_changes", changes)
    return closed


def _open_postings(db: Database, listing_ids: list[str]) -> dict[str, int]:
    """How many open postings each of these listings has (none: left out), read in chunks."""
    found: dict[str, int] = {}
    for chunk, marks in in_chunks(listing_ids):
        found.update(
            db.execute(
                "select listing_id, count(*) from postings where status = 'open' and "
                f"listing_id in ({marks}) group by listing_id",
                chunk,
            ).fetchall()
        )
    return found
