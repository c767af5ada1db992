"""The one module that writes SQLite.

`open_db` opens (and shapes) the database in WAL mode so Datasette can read while a crawl writes.
`import_postings` upserts normalized postings and the listings they belong to; it writes only rows
that change, so importing the same data twice changes nothing. `record_crawl_run` stores one
spider run.

The layout is made for publishing a million listings: `listings` stays narrow (the descriptions
live in `listing_texts`, one row per listing), every facet and the default sort have an index,
and `listings_fts` is a contentless FTS5 index whose rowid is the listings rowid, kept in step
with both tables by `_write_listings` (set-wise, not by per-row triggers).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from pipeline.dedupe import ListingIndex

LISTING_COLUMNS: dict[str, type] = {
    "id": str,
    "title": str,
    "company": str,
    "company_key": str,
    "match_key": str,
    "url": str,
    "location": str,
    "remote": int,
    "employment_type": str,
    "kind": str,
    "kind_evidence": str,  # the words or field the kind came from (as the three below)
    "is_micro": int,
    "industry": str,
    "industry_alt": str,
    "industry_confidence": float,
    "industry_evidence": str,
    "hour_range": str,
    "hours_evidence": str,
    # INTEGER affinity stores whole hours as integers (10, not 10.0) and keeps 2.5 as a real.
    "hours_min": int,
    "hours_max": int,
    "hours_per_week_min": int,
    "hours_per_week_max": int,
    "duration_weeks": int,
    "pay_text": str,
    "pay_min": int,
    "pay_max": int,
    "pay_currency": str,
    "pay_unit": str,
    "pay_per_hour": float,
    "unpaid": int,
    "posted_at": str,
    "deadline": str,
    "categories": str,
    "sources": str,
    "postings_count": int,
    "first_seen": str,
    "last_seen": str,
    "status": str,
}
# The long texts of a listing, apart so that listings rows stay small (pages, facets, counts and
# CSV read far less). `id` is the listing id and references listings.id.
LISTING_TEXT_COLUMNS: dict[str, type] = {
    "id": str,
    "description_text": str,
    "description_html": str,
}
TEXT_FIELDS = ("description_text", "description_html")
POSTING_COLUMNS: dict[str, type] = {
    "id": str,
    "listing_id": str,
    "source": str,
    "source_id": str,
    "url": str,
    "canonical_url": str,
    "title": str,
    "company": str,
    "company_key": str,
    "matched_by": str,
    "match_score": float,
    "feed": str,
    "status": str,
    "missed_runs": int,
    "raw_hash": str,
    "first_seen": str,
    "last_seen": str,
}
CRAWL_RUN_COLUMNS: dict[str, type] = {
    "id": str,
    "run_id": str,
    "source": str,
    "spider": str,
    "args": str,
    "started_at": str,
    "finished_at": str,
    "duration_s": float,
    "status": str,
    "reason": str,
    "exit_code": int,
    "finish_reason": str,
    "items": int,
    "bad_lines": int,
    "normalize_issues": str,
    "new_listings": int,
    "updated_listings": int,
    "seen_again": int,
    "errors": int,
    "parse_errors": int,
    "requests": int,
    "http_errors": int,
    "retries": int,
    "response_bytes": int,
    "cached": int,
    "closed": int,
    "raw_file": str,
    "log_file": str,
}
# Listing column <- normalized posting field: what a listing takes from its latest posting.
LISTING_CHANGE_COLUMNS: dict[str, type] = {
    "id": int,
    "listing_id": str,
    "field": str,
    "old_value": str,
    "new_value": str,
    "changed_at": str,
    "run_id": str,
}
TRACKED_FIELDS = ("title", "hours_min", "hours_max", "hour_range", "pay_text", "deadline", "status")
CLOSE_AFTER_MISSED_RUNS = 2
LISTING_FIELDS_FROM_POSTING = {
    **{
        name: name
        for name in {**LISTING_COLUMNS, **LISTING_TEXT_COLUMNS}
        if name
        not in (
            "id",
            "description_text",
            "categories",
            "sources",
            "postings_count",
            "first_seen",
            "last_seen",
            "status",
        )
    },
    "description_text": "description",
}
# Bumped when the layout changes in a way `ensure_db_shape` must migrate (PRAGMA user_version).
SCHEMA_VERSION = 4
FTS_COLUMNS = ["title", "company", "description_text"]
# Contentless: the text is stored once (listing_texts); the index holds only the terms. Its rowid
# is the listings rowid, as Datasette's table search expects
# (`rowid in (select rowid from listings_fts where listings_fts match :search)`).
FTS_TABLE_SQL = (
    "create virtual table listings_fts using fts5("
    "title, company, description_text, content='', tokenize='porter')"
)
# FTS5 writes its pending terms out as a new segment whenever they pass `hashsize` bytes (1 MB
# by default) and merges segments as they pile up, work that grows with the index. With 64 MB an
# import batch writes far fewer segments: at 100,000 postings, indexing fell from 9.9 to 6.9 µs
# a listing (bench/dedupe_store_bench.py).
FTS_OPTIONS = {"hashsize": 64 * 1024 * 1024}
# A contentless FTS5 row is removed with the exact values it was indexed with: the store keeps the
# index in step itself (`_write_listings`), with one statement per batch. Triggers would do it a
# row at a time, and FTS5 flushes its pending terms at every statement: about six times slower.
FTS_DELETE_SQL = (
    "insert into listings_fts(listings_fts, rowid, title, company, description_text) "
    "values ('delete', ?, ?, ?, ?)"
)
FTS_INSERT_SQL = (
    "insert into listings_fts(rowid, title, company, description_text) values (?, ?, ?, ?)"
)
# Facets of the listings page whose counts over the whole table `listings_facet_counts` keeps
# (one row per column and value, NULLs left out), kept in step by the store with every write of
# listings (`_write_listings`): the unfiltered page reads them instead of scanning an index per
# facet (pipeline/publish/datasette_plugin.py).
FACET_COUNT_COLUMNS = (
    "kind",
    "industry",
    "hour_range",
    "is_micro",
    "remote",
    "status",
    "company",
    "sources",
)
FACET_COUNTS_TABLE_SQL = (
    "create table listings_facet_counts (facet text not null, value not null, "
    "listings integer not null, primary key (facet, value)) without rowid"
)
FACET_COUNT_CHANGE_SQL = (
    "insert into listings_facet_counts (facet, value, listings) values (?, ?, ?) "
    "on conflict (facet, value) do update set listings = listings + excluded.listings"
)
INDEXES: dict[str, list[list[str]]] = {
    # One index per facet: Datasette counts each facet over the whole table with a covering
    # index scan instead of reading the rows.
    "listings": [
        ["status"],
        ["kind"],
        ["industry"],
        ["hour_range"],
        ["company"],
        ["is_micro"],
        ["remote"],
        ["sources"],  # the sources facet groups by whole arrays first
        ["match_key"],
        ["deadline"],
        ["last_seen"],
        ["status", "industry", "hour_range"],  # counts by industry and hour range
    ],
    "postings": [
        ["listing_id"],
        ["canonical_url"],
        ["source"],
        ["feed", "status"],
        ["matched_by"],  # its facets and default sort
        ["last_seen"],
    ],
    "listing_changes": [["listing_id"], ["changed_at"]],
    "crawl_runs": [["source", "started_at"], ["spider", "started_at"]],
}
# Indexes sqlite-utils cannot declare (sort directions, expressions).
RAW_INDEXES = {
    # The default sort (newest first) and Datasette's next-page order (first_seen desc, id).
    "idx_listings_first_seen_desc_id": "listings(first_seen desc, id)",
    # The micro_internships canned query: its filter and its order, so it stops at the page.
    # (open and reopened both count as open, so status is checked row by row in this order)
    "idx_listings_micro_deadline": (
        "listings(is_micro, coalesce(deadline, '9999'), first_seen desc)"
    ),
    # The open_listings view: open listings, newest first.
    "idx_listings_open_order": "listings(status, coalesce(posted_at, first_seen) desc)",
}
VIEWS = {
    "crawl_health": """
        select c.source, c.spider, c.started_at, c.status, c.reason, c.items, c.new_listings,
               c.closed, c.errors, c.http_errors, c.duration_s,
               (select group_concat(items, ' ') from (
                   select items from crawl_runs d where d.source = c.source
                   order by d.run_id desc limit 7)) as items_last_7_runs
        from crawl_runs c
        where c.id = (select id from crawl_runs d where d.source = c.source
                      order by d.run_id desc limit 1)
        order by c.status = 'ok', c.source
    """,
    "changes_this_week": """
        select c.changed_at, c.listing_id, l.title, l.company, c.field, c.old_value, c.new_value
        from listing_changes c join listings l on l.id = c.listing_id
        where c.changed_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-7 days')
        order by c.changed_at desc
    """,
    "merges": """
        select p.id as posting, p.source, p.url, p.matched_by, p.match_score, p.first_seen,
               p.title as posting_title, p.company as posting_company,
               p.listing_id, l.title as listing_title, l.company as listing_company
        from postings p join listings l on l.id = p.listing_id
        where p.matched_by != 'new'
        order by p.first_seen desc
    """,
    "open_listings": """
        select id, title, company, kind, kind_evidence, industry, industry_evidence, hour_range,
               hours_min, hours_max, hours_evidence, is_micro, remote, location, pay_text,
               pay_per_hour, deadline, posted_at, url, sources, first_seen, last_seen
        from listings where status in ('open', 'reopened')
        order by coalesce(posted_at, first_seen) desc
    """,
}


LISTINGS_WITH_TEXTS = (  # {marks}: one "?" per id
    "select l.*, t.description_text, t.description_html from listings l "
    "left join listing_texts t on t.id = l.id where l.id in ({marks})"
)


WRITER_CACHE_MIB = 256
# Postings deduped and stored at a time: memory follows the batch, not the input (a normalized
# posting with its texts is about 12 KB), and the whole input is still one transaction.
IMPORT_BATCH = 20_000
# Page size of a new database file. A million listings make B-trees of tens of thousands of
# 4 KB pages; 16 KB pages make a quarter as many: a million postings took 129
# CPU seconds instead of 144 in paired runs of bench/dedupe_store_bench.py, and the Datasette
# figures held or improved. An existing file keeps its page size (`rebuild` writes a new one).
NEW_DB_PAGE_SIZE = 16384


def open_db(path: str | Path) -> Database:
    """The database at `path`, created if needed, in WAL mode and with its full shape."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    # Only takes effect while the file is empty, so before WAL mode writes the first page.
    db.execute(f"pragma page_size = {NEW_DB_PAGE_SIZE}")
    db.enable_wal()
    # The listings indexes of a million rows outgrow SQLite's default 2 MB page cache, and each
    # batch then rereads their pages: the writer keeps up to WRITER_CACHE_MIB of them instead.
    db.execute(f"pragma cache_size = -{WRITER_CACHE_MIB * 1024}")
    ensure_db_shape(db)
    return db


def ensure_db_shape(db: Database) -> None:
    """Create tables, missing columns, FTS, indexes and views, and migrate older layouts; safe
    to run any number of times."""
    tables = {
        "listings": (LISTING_COLUMNS, None),
        "listing_texts": (LISTING_TEXT_COLUMNS, [("id", "listings", "id")]),
        "postings": (POSTING_COLUMNS, [("listing_id", "listings", "id")]),
        "crawl_runs": (CRAWL_RUN_COLUMNS, None),
        "listing_changes": (LISTING_CHANGE_COLUMNS, [("listing_id", "listings", "id")]),
    }
    _rename_old_columns(db)
    for name, (columns, foreign_keys) in tables.items():
        table = db.table(name)
        if not table.exists():
            table.create(columns, pk="id", foreign_keys=foreign_keys, not_null={"id"})
        else:
            for column, kind in columns.items():
                if column not in table.columns_dict:
                    table.add_column(column, kind)
    version = db.execute("pragma user_version").fetchone()[0]
    if version < SCHEMA_VERSION or not db.table("listings_fts").exists():
        with db.atomic():
            _move_texts_out(db)
            rebuild_search(db)  # also drops the triggers older layouts kept it with
            rebuild_facet_counts(db)
            db.execute(f"pragma user_version = {SCHEMA_VERSION}")
    else:
        with db.atomic():
            configure_search(db)
    for name, indexes in INDEXES.items():
        for columns in indexes:
            db.table(name).create_index(columns, if_not_exists=True)
    db.execute("drop index if exists idx_listings_micro_order")  # replaced by ..._micro_deadline
    for name, target in RAW_INDEXES.items():
        db.execute(f"create index if not exists [{name}] on {target}")
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)


def _rename_old_columns(db: Database) -> None:
    """Migrate databases built before `description` became `description_text`."""
    listings = db.table("listings")
    if listings.exists() and "description" in listings.columns_dict:
        if db.table("listings_fts").exists():
            listings.disable_fts()
        listings.transform(rename={"description": "description_text"})


def _move_texts_out(db: Database) -> None:
    """Migrate databases that kept the descriptions in `listings`: copy them to `listing_texts`
    and drop the columns (rowids are kept, so the search index can be rebuilt on them)."""
    listings = db.table("listings")
    old = [c for c in TEXT_FIELDS if c in listings.columns_dict]
    if not old:
        return
    _drop_search(db)  # the old triggers read the columns about to go
    values = ", ".join(old)
    db.execute(
        f"insert or replace into listing_texts (id, {values}) select id, {values} from listings"
    )
    for column in old:
        db.execute(f"alter table listings drop column [{column}]")


def _drop_listing_triggers(db: Database) -> None:
    """Drop the triggers older layouts kept the search index and the counts with (sqlite-utils'
    FTS triggers, or ours): the store now keeps both itself."""
    triggers = db.execute(
        "select name from sqlite_master where type = 'trigger' and tbl_name in "
        "('listings', 'listing_texts')"
    ).fetchall()
    for (name,) in triggers:
        db.execute(f"drop trigger if exists [{name}]")


def _drop_search(db: Database) -> None:
    """Drop the search index and the triggers that maintained it in older layouts."""
    _drop_listing_triggers(db)
    db.execute("drop table if exists listings_fts")


def rebuild_search(db: Database) -> None:
    """(Re)create `listings_fts` and index every listing; run it after anything that may
    renumber listings rowids (e.g. VACUUM)."""
    _drop_search(db)
    db.execute(FTS_TABLE_SQL)
    configure_search(db)
    db.execute(
        "insert into listings_fts(rowid, title, company, description_text) "
        "select l.rowid, l.title, l.company, t.description_text "
        "from listings l left join listing_texts t on t.id = l.id"
    )


def configure_search(db: Database) -> None:
    """Set the search index's options (kept in `listings_fts_config`) where they differ."""
    stored = dict(db.execute("select k, v from listings_fts_config").fetchall())
    for option, value in FTS_OPTIONS.items():
        if stored.get(option) != value:
            db.execute(
                "insert into listings_fts(listings_fts, rank) values (?, ?)", [option, value]
            )


def rebuild_facet_counts(db: Database) -> None:
    """(Re)create `listings_facet_counts` from the listings as they are."""
    db.execute("drop table if exists listings_facet_counts")
    db.execute(FACET_COUNTS_TABLE_SQL)
    for column in FACET_COUNT_COLUMNS:
        db.execute(
            "insert into listings_facet_counts (facet, value, listings) "
            f"select '{column}', [{column}], count(*) from listings "
            f"where [{column}] is not null group by [{column}]"
        )


def _write_listings(
    db: Database, rows: list[dict[str, Any]], before: dict[str, dict[str, Any] | None]
) -> None:
    """Upsert listing rows (and their texts where they changed), and keep the search index and
    the facet counts in step, set-wise. `before` holds each row as stored (with its texts when
    the row carries texts), or None for a new listing. Call inside a transaction."""
    if not rows:
        return

    def differs(row: dict[str, Any], columns: Iterable[str]) -> bool:
        old = before.get(row["id"])
        return old is None or any(row.get(c) != old.get(c) for c in columns)

    texts = [row for row in rows if "description_text" in row and differs(row, TEXT_FIELDS)]
    if texts:
        _upsert(db, "listing_texts", texts)
    _upsert(db, "listings", rows)
    searched = [row for row in rows if differs(row, FTS_COLUMNS)]
    if searched:
        ids = {row["id"] for row in searched}
        rowids = {
            r["id"]: r["rid"]
            for r in _rows_where_in(db, "listings", "id", ids, "rowid", "id, rowid as rid")
        }
        stale = [(rowids[row["id"]], before[row["id"]]) for row in searched if before[row["id"]]]
        db.conn.executemany(
            FTS_DELETE_SQL,
            [(rowid, *(old.get(c) for c in FTS_COLUMNS)) for rowid, old in stale],
        )
        db.conn.executemany(
            FTS_INSERT_SQL,
            [(rowids[row["id"]], *(row.get(c) for c in FTS_COLUMNS)) for row in searched],
        )
    counts: Counter[tuple[str, Any]] = Counter()
    for row in rows:
        old = before.get(row["id"]) or {}
        for column in FACET_COUNT_COLUMNS:
            if old.get(column) != row.get(column):
                if old.get(column) is not None:
                    counts[(column, old[column])] -= 1
                if row.get(column) is not None:
                    counts[(column, row[column])] += 1
    changed = [(column, value, n) for (column, value), n in counts.items() if n]
    if changed:
        db.conn.executemany(FACET_COUNT_CHANGE_SQL, changed)
        db.execute("delete from listings_facet_counts where listings <= 0")


def search_listings(db: Database, query: str) -> list[dict[str, Any]]:
    """Listings matching an FTS5 `query`, best first (as Datasette's search joins them)."""
    return list(
        db.query(
            "select l.* from listings_fts f join listings l on l.rowid = f.rowid "
            "where listings_fts match ? order by f.rank",
            [query],
        )
    )


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
        for row in _rows_where_in(db, "postings", "id", {p["posting_id"] for p in batch})
    }
    urls = {p["canonical_url"] for p in batch if p.get("canonical_url")}
    by_url: dict[str, str] = {}
    url_sources: dict[str, set[str]] = {}
    for row in _rows_where_in(db, "postings", "canonical_url", urls, "rowid"):
        by_url.setdefault(row["canonical_url"], row["listing_id"])
        url_sources.setdefault(row["canonical_url"], set()).add(row["source"])
    by_key: dict[str, list[str]] = {}
    keys = {p["match_key"] for p in batch if p.get("match_key")}
    for row in _rows_where_in(db, "listings", "match_key", keys, "rowid", "id, match_key"):
        by_key.setdefault(row["match_key"], []).append(row["id"])
    index = ListingIndex(
        by_posting={pid: row["listing_id"] for pid, row in existing_postings.items()},
        by_url=by_url,
        by_key=by_key,
        block=lambda key: _block_details(db, key),
        url_sources=url_sources,
    )
    changed_postings: dict[str, dict[str, Any]] = {}
    resolved: list[tuple[dict[str, Any], str]] = []
    stored: set[str] = set()  # listings this batch may find in the database
    for posting in batch:
        result.postings += 1
        result.issues.update(posting.get("issues", ()))
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

    # The stored listings, read in id order in chunks (not one look-up per posting).
    original_listings: dict[str, dict[str, Any] | None] = {
        row["id"]: row for row in _listings_with_texts(db, stored)
    }
    listings: dict[str, dict[str, Any]] = {}
    for posting, listing_id in resolved:
        if listing_id not in listings:
            original_listings.setdefault(listing_id, None)
            listings[listing_id] = dict(original_listings[listing_id] or {})
        listings[listing_id] = _merge_listing(
            listings[listing_id], posting, listing_id, posting["seen_at"]
        )

    result.new_postings = sum(1 for pid in changed_postings if pid not in existing_postings)
    _refresh_postings_count(db, listings, existing_postings, changed_postings)
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
            changes += _changes(before, row, row["last_seen"], run_id)
        changed_listings.append(row)
    with db.atomic():
        _write_listings(db, changed_listings, original_listings)
        if changed_postings:
            _upsert(db, "postings", list(changed_postings.values()))
        if changes:
            db.table("listing_changes").insert_all(changes)
    return result


def _changes(
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
        for chunk in range(0, len(missed), 500):
            ids = missed[chunk : chunk + 500]
            db.execute(
                "update postings set missed_runs = coalesce(missed_runs, 0) + 1 "
                f"where id in ({', '.join('?' * len(ids))})",
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
        for listing in candidates:
            still_open = db.execute(
                "select count(*) from postings where listing_id = ? and status = 'open'",
                [listing["id"]],
            ).fetchone()[0]
            expired = listing["deadline"] is not None and listing["deadline"] < today
            status = "expired" if expired else ("closed" if not still_open else listing["status"])
            if status != listing["status"]:
                closed += status == "closed"
                after = {**listing, "status": status}
                changes += _changes(listing, after, crawled_at, run_id)
                updated.append(after)
        _write_listings(db, updated, {row["id"]: row for row in candidates})
        if changes:
            db.table("listing_changes").insert_all(changes)
    return closed


def _listings_with_texts(db: Database, ids: set[str]) -> list[dict[str, Any]]:
    """The stored listings with these ids, with their texts."""
    found: list[dict[str, Any]] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found.extend(db.query(LISTINGS_WITH_TEXTS.format(marks=", ".join("?" * len(chunk))), chunk))
    return found


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
    existing: dict[str, dict[str, Any]],
    changed: dict[str, dict[str, Any]],
) -> None:
    counts: dict[str, int] = dict.fromkeys(listings, 0)
    ids = list(listings)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = db.execute(
            "select listing_id, count(*) from postings where listing_id in "
            f"({', '.join('?' * len(chunk))}) group by listing_id",
            chunk,
        ).fetchall()
        for listing_id, count in rows:
            counts[listing_id] = count
    for posting_id, row in changed.items():  # postings new in this batch (they never move)
        if posting_id not in existing and row["listing_id"] in counts:
            counts[row["listing_id"]] += 1
    for listing_id, row in listings.items():
        row["postings_count"] = counts[listing_id]


def _rows_where_in(
    db: Database,
    table: str,
    column: str,
    values: set[Any],
    order: str = "rowid",
    select: str = "*",
) -> list[dict[str, Any]]:
    """Rows of `table` whose `column` is one of `values` (read in chunks), in `order`."""
    found: list[dict[str, Any]] = []
    items = sorted(values)
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        sql = (
            f"select {select}, rowid as _rowid from [{table}] where [{column}] in "
            f"({', '.join('?' * len(chunk))})"
        )
        found.extend(db.query(sql, chunk))
    found.sort(key=lambda row: row.pop("_rowid"))
    return found


def _upsert(db: Database, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert or update whole rows by `id` with one prepared statement (sqlite-utils'
    `upsert_all` inspects every value, which costs more than the matching itself here)."""
    columns = list(db.table(table).columns_dict)
    names = ", ".join(f"[{c}]" for c in columns)
    updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c != "id")
    sql = (
        f"insert into [{table}] ({names}) values ({', '.join('?' * len(columns))}) "
        f"on conflict(id) do update set {updates}"
    )
    whole_row = itemgetter(*columns)

    def values(row: dict[str, Any]) -> Any:
        try:
            return whole_row(row)  # every column present: one C call
        except KeyError:
            return [row.get(c) for c in columns]

    db.conn.executemany(sql, map(values, rows))


def record_crawl_run(db: Database, run: dict[str, Any]) -> None:
    db.table("crawl_runs").upsert(run, pk="id")
