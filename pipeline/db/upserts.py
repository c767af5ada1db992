"""Normalized postings into the database: each joined to its listing (dedupe), only changed rows
written, so importing the same data twice changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from typing import Any

from sqlite_utils import Database

from pipeline.db.derived import write_listings
from pipeline.db.lifecycle import tracked_changes
from pipeline.db.rows import (
    in_chunks,
    insert_rows,
    listings_with_texts,
    rows_where_in,
    upsert_rows,
)
from pipeline.db.schema import LISTING_FIELDS_FROM_POSTING
from pipeline.dedupe import ListingIndex

# Postings deduped and stored at a time: memory follows the batch, not the input (a normalized
# posting with its texts is about 12 KB), and the whole input is still one transaction.
IMPORT_BATCH = 20_000


@dataclass
class ImportResult:
    postings: int = 0
    new_listings: int = 0
    updated_listings: int = 0
    new_postings: int = 0
    seen_again: int = 0  # only last_seen moved
    unchanged: int = 0
    listing_ids: set[str] = field(default_factory=set)
    posting_ids: set[str] = field(default_factory=set)
    issues: Counter[str] = field(default_factory=Counter)  # what normalization could not read

    def merge(self, other: ImportResult) -> None:
        for name in (
            "postings",
            "new_listings",
            "updated_listings",
            "new_postings",
            "seen_again",
            "unchanged",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.listing_ids |= other.listing_ids
        self.posting_ids |= other.posting_ids
        self.issues.update(other.issues)


def import_postings(
    db: Database,
    postings: Iterable[dict[str, Any]],
    feed: str | None = None,
    run_id: str | None = None,
) -> ImportResult:
    """Upsert normalized postings (from `pipeline.tagging.normalize`) and their listings, all in one
    transaction (a killed import leaves the old state, never half of the new one), and record
    every change of a tracked field in `listing_changes`. They are read IMPORT_BATCH at a time,
    so memory follows the batch, not the input.

    `feed` names the crawl source the postings came from (e.g. `greenhouse-algolia`), so a later
    successful crawl of that source can close what it no longer lists.
    """
    result = ImportResult()
    made = iter(postings)
    with db.atomic():
        while batch := list(islice(made, IMPORT_BATCH)):
            result.merge(_import_batch(db, batch, feed, run_id))
    return result


def _import_batch(
    db: Database, batch: list[dict[str, Any]], feed: str | None, run_id: str | None
) -> ImportResult:
    """`import_postings` for one batch (inside its transaction)."""
    result = ImportResult()
    # Only the stored rows this batch can meet are read: the cost follows the batch, not the
    # size of the database.
    existing_postings = {
        row["id"]: row
        for row in rows_where_in(db, "postings", "id", {p["posting_id"] for p in batch})
    }
    index = _listing_index(db, batch, existing_postings)
    changed_postings, resolved, stored = _resolve(batch, index, existing_postings, feed, result)
    # The stored listings, read in id order in chunks (not one look-up per posting).
    original_listings: dict[str, dict[str, Any] | None] = {
        row["id"]: row for row in listings_with_texts(db, stored)
    }
    listings: dict[str, dict[str, Any]] = {}
    for posting, listing_id in resolved:
        current = listings.get(listing_id)
        if current is None:  # `_merge_listing` copies: the stored row stays as it was
            current = original_listings.setdefault(listing_id, None) or {}
        listings[listing_id] = _merge_listing(current, posting, listing_id, posting["seen_at"])
    result.new_postings = sum(1 for pid in changed_postings if pid not in existing_postings)
    in_db = [lid for lid in listings if original_listings[lid] is not None]
    _refresh_postings_count(db, listings, in_db, existing_postings, changed_postings)
    changed_listings, changes = _changed_listings(listings, original_listings, run_id, result)
    with db.atomic():
        write_listings(db, changed_listings, original_listings)
        if changed_postings:
            upsert_rows(db, "postings", list(changed_postings.values()), existing_postings)
        if changes:
            insert_rows(db, "listing_changes", changes)
    return result


def _listing_index(
    db: Database, batch: list[dict[str, Any]], existing_postings: dict[str, dict[str, Any]]
) -> ListingIndex:
    """The stored postings, URLs and match keys this batch can meet, for dedupe."""
    urls = {p["canonical_url"] for p in batch if p.get("canonical_url")}
    by_url: dict[str, str] = {}
    url_sources: dict[str, set[str]] = {}
    found = rows_where_in(db, "postings", "canonical_url", urls, "rowid", _URL_COLUMNS)
    for row in found:
        by_url.setdefault(row["canonical_url"], row["listing_id"])
        url_sources.setdefault(row["canonical_url"], set()).add(row["source"])
    by_key: dict[str, list[str]] = {}
    keys = {p["match_key"] for p in batch if p.get("match_key")}
    for row in rows_where_in(db, "listings", "match_key", keys, "rowid", "id, match_key"):
        by_key.setdefault(row["match_key"], []).append(row["id"])
    return ListingIndex(
        by_posting={pid: row["listing_id"] for pid, row in existing_postings.items()},
        by_url=by_url,
        by_key=by_key,
        block=lambda key: _block_details(db, key),
        url_sources=url_sources,
    )


def _resolve(
    batch: list[dict[str, Any]],
    index: ListingIndex,
    existing_postings: dict[str, dict[str, Any]],
    feed: str | None,
    result: ImportResult,
) -> tuple[dict[str, dict[str, Any]], list[tuple[dict[str, Any], str]], set[str]]:
    """Each posting's listing: the posting rows that change, `(posting, listing id)` pairs in
    order, and the listings that may be stored already. Counts go to `result`."""
    changed_postings: dict[str, dict[str, Any]] = {}
    resolved: list[tuple[dict[str, Any], str]] = []
    stored: set[str] = set()  # listings this batch may find in the database
    for posting in batch:
        result.postings += 1
        if issues := posting.get("issues"):  # most have none: skip Counter.update's cost
            result.issues.update(issues)
        result.posting_ids.add(posting["posting_id"])
        listing_id, how, score = index.resolve(posting)
        result.listing_ids.add(listing_id)
        resolved.append((posting, listing_id))
        if how != "new":  # a listing made by a new posting cannot be stored yet
            stored.add(listing_id)
        seen = posting["seen_at"]
        old_posting = changed_postings.get(posting["posting_id"]) or existing_postings.get(
            posting["posting_id"]
        )
        new_posting = _merge_posting(old_posting, posting, listing_id, how, score, seen, feed)
        if new_posting != old_posting:
            changed_postings[new_posting["id"]] = new_posting
    return changed_postings, resolved, stored


def _changed_listings(
    listings: dict[str, dict[str, Any]],
    original_listings: dict[str, dict[str, Any] | None],
    run_id: str | None,
    result: ImportResult,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The listing rows to write and the `listing_changes` rows of their tracked fields;
    counts of new, updated, seen-again and unchanged listings go to `result`."""
    changed_listings, changes = [], []
    for listing_id, row in listings.items():
        before = original_listings[listing_id]
        if before is None:
            result.new_listings += 1
        elif row == before:
            result.unchanged += 1
            continue
        elif {k for k in row if row[k] != before.get(k)} <= {"last_seen"}:
            result.seen_again += 1
        else:
            result.updated_listings += 1
            changes += tracked_changes(before, row, row["last_seen"], run_id)
        changed_listings.append(row)
    return changed_listings, changes


def _block_details(db: Database, key: str) -> Iterable[dict[str, Any]]:
    """What layer-3 matching compares, for the stored listings of one block, with the source
    and canonical URL of each of their postings (`posting_urls`, one per line)."""
    urls: dict[str, list[str]] = {}
    for row in db.query(
        "select p.listing_id, p.source, p.canonical_url from listings l "
        "join postings p on p.listing_id = l.id where l.match_key = ?",
        [key],
    ):
        urls.setdefault(row["listing_id"], []).append(
            f"{row['source']} {row['canonical_url'] or ''}"
        )
    rows = db.query(
        "select l.id, l.title, l.company, t.description_text as description, l.location, "
        "l.hours_max, l.pay_min, l.pay_max, l.pay_unit, l.deadline "
        "from listings l left join listing_texts t on t.id = l.id "
        "where l.match_key = ?",
        [key],
    )
    return [{**row, "posting_urls": "\n".join(urls.get(row["id"], ()))} for row in rows]


def _merge_posting(
    old: dict[str, Any] | None,
    posting: dict[str, Any],
    listing_id: str,
    how: str,
    score: float | None,
    seen: str,
    feed: str | None = None,
) -> dict[str, Any]:
    if old is None:
        return {
            "id": posting["posting_id"],
            "listing_id": listing_id,
            "source": posting["source"],
            "source_id": posting["source_id"],
            "url": posting["url"],
            "canonical_url": posting["canonical_url"],
            "title": posting["title"],
            "company": posting["company"],
            "company_key": posting.get("company_key"),
            "matched_by": how,
            "match_score": score,
            "feed": feed,
            "status": "open",
            "missed_runs": 0,
            "raw_hash": posting["raw_hash"],
            "first_seen": seen,
            "last_seen": seen,
        }
    row = dict(old)
    if seen >= old["last_seen"]:
        for key in ("url", "canonical_url", "title", "company", "company_key", "raw_hash"):
            row[key] = posting.get(key)
        row.update(status="open", missed_runs=0, feed=feed or old.get("feed"))
    row["first_seen"] = min(old["first_seen"], seen)
    row["last_seen"] = max(old["last_seen"], seen)
    return row


def _merge_listing(
    current: dict[str, Any], posting: dict[str, Any], listing_id: str, seen: str
) -> dict[str, Any]:
    row = dict(current)
    is_latest = not row or seen >= row["last_seen"]
    if is_latest:
        try:
            row.update(zip(_LISTING_COLUMNS, _POSTING_VALUES(posting), strict=True))
        except KeyError:  # a posting made by hand, without every field
            row.update((column, posting.get(key)) for column, key in _FIELDS_FROM_POSTING)
        for column in _FLAG_COLUMNS:  # True/False from normalization, stored as 1/0
            if isinstance(row[column], bool):
                row[column] = int(row[column])
        row["categories"] = _json_list(tuple(posting["categories"]))
        came_back = current.get("status") in ("closed", "reopened")
        row["status"] = (
            "expired" if posting.get("expired") else ("reopened" if came_back else "open")
        )
    sources = row.get("sources")
    if sources is None:
        sources = _json_list((posting["source"],))
    elif posting["source"] not in (known := json.loads(sources)):
        sources = _json_list(tuple(sorted({*known, posting["source"]})))
    row.update(
        id=listing_id,
        sources=sources,
        first_seen=min(row.get("first_seen") or seen, seen),
        last_seen=max(row.get("last_seen") or seen, seen),
    )
    return row


_URL_COLUMNS = "canonical_url, listing_id, source"
_FIELDS_FROM_POSTING = tuple(LISTING_FIELDS_FROM_POSTING.items())
_LISTING_COLUMNS = tuple(LISTING_FIELDS_FROM_POSTING)
_POSTING_VALUES = itemgetter(*LISTING_FIELDS_FROM_POSTING.values())
_FLAG_COLUMNS = ("remote", "is_micro", "unpaid")


@lru_cache(maxsize=4096)  # categories and sources lists repeat across a night's postings
def _json_list(values: tuple[str, ...]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _refresh_postings_count(
    db: Database,
    listings: dict[str, dict[str, Any]],
    ids: list[str],
    existing: dict[str, dict[str, Any]],
    changed: dict[str, dict[str, Any]],
) -> None:
    """Set `postings_count` of every listing in hand: its stored postings (counted only for
    `ids`, the listings stored already: a new one has none) plus those new in this batch."""
    counts: dict[str, int] = dict.fromkeys(listings, 0)
    for chunk, marks in in_chunks(ids):
        rows = db.execute(
            f"select listing_id, count(*) from postings where listing_id in ({marks}) "
            "group by listing_id",
            chunk,
        ).fetchall()
        for listing_id, count in rows:
            counts[listing_id] = count
    for posting_id, row in changed.items():  # postings new in this batch (they never move)
        if posting_id not in existing and row["listing_id"] in counts:
            counts[row["listing_id"]] += 1
    for listing_id, row in listings.items():
        row["postings_count"] = counts[listing_id]


def record_crawl_run(db: Database, run: dict[str, Any]) -> None:
    db.table("crawl_runs").upsert(run, pk="id")
