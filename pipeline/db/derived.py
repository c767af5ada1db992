"""What the store keeps in step with the listings it writes: the search index and the facet counts.

`write_listings` upserts listing rows and updates both set-wise, with one statement per batch,
not by per-row triggers.
"""

from __future__ import annotations

from collections import Counter
from itertools import repeat
from typing import Any

from sqlite_utils import Database

from pipeline.db.rows import rowids_of, upsert_rows
from pipeline.db.schema import TEXT_FIELDS

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
# index in step itself (`write_listings`), with one statement per batch. Triggers would do it a
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
# listings (`write_listings`): the unfiltered page reads them instead of scanning an index per
# facet (pipeline/publish/site/).
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


def drop_listing_triggers(db: Database) -> None:
    """Drop the triggers older layouts kept the search index and the counts with (sqlite-utils'
    FTS triggers, or ours): the store now keeps both itself."""
    triggers = db.execute(
        "select name from sqlite_master where type = 'trigger' and tbl_name in "
        "('listings', 'listing_texts')"
    ).fetchall()
    for (name,) in triggers:
        db.execute(f"drop trigger if exists [{name}]")


def drop_search(db: Database) -> None:
    """Drop the search index and the triggers that maintained it in older layouts."""
    drop_listing_triggers(db)
    db.execute("drop table if exists listings_fts")


def rebuild_search(db: Database) -> None:
    """(Re)create `listings_fts` and index every listing; run it after anything that may
    renumber listings rowids (e.g. VACUUM)."""
    drop_search(db)
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


def write_listings(
    db: Database, rows: list[dict[str, Any]], before: dict[str, dict[str, Any] | None]
) -> None:
    """Upsert listing rows (and their texts where they changed), and keep the search index and
    the facet counts in step, set-wise. `before` holds each row as stored (with its texts when
    the row carries texts), or None for a new listing. Call inside a transaction."""
    if not rows:
        return
    texts, searched, counts = _what_changes(rows, before)
    if texts:
        upsert_rows(db, "listing_texts", texts, before)
    upsert_rows(db, "listings", rows, before)
    if searched:
        rowids = rowids_of(db, "listings", [row["id"] for row in searched])
        stale = [(rowids[row["id"]], before[row["id"]]) for row in searched if before[row["id"]]]
        db.conn.executemany(
            FTS_DELETE_SQL,
            [(rowid, *(old.get(c) for c in FTS_COLUMNS)) for rowid, old in stale],
        )
        db.conn.executemany(
            FTS_INSERT_SQL,
            [(rowids[row["id"]], *map(row.get, FTS_COLUMNS)) for row in searched],
        )
    changed = [(column, value, n) for (column, value), n in counts.items() if n]
    if changed:
        db.conn.executemany(FACET_COUNT_CHANGE_SQL, changed)
        db.execute("delete from listings_facet_counts where listings <= 0")


def _what_changes(
    rows: list[dict[str, Any]], before: dict[str, dict[str, Any] | None]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Counter[tuple[str, Any]]]:
    """In one pass over `rows`: those whose texts change, those whose searched columns change,
    and the change of each facet count (column, value)."""
    texts, searched, new = [], [], []
    counts: Counter[tuple[str, Any]] = Counter()
    for row in rows:
        old = before.get(row["id"])
        if old is None:  # a new listing: everything it holds is new
            if "description_text" in row:
                texts.append(row)
            searched.append(row)
            new.append(row)
            continue
        if "description_text" in row and any(row.get(c) != old.get(c) for c in TEXT_FIELDS):
            texts.append(row)
        if any(row.get(c) != old.get(c) for c in FTS_COLUMNS):
            searched.append(row)
        for column in FACET_COUNT_COLUMNS:
            if (was := old.get(column)) != (value := row.get(column)):
                if was is not None:
                    counts[(column, was)] -= 1
                if value is not None:
                    counts[(column, value)] += 1
    for column in FACET_COUNT_COLUMNS:  # new listings counted a column at a time, in C
        for value, n in Counter(map(dict.get, new, repeat(column))).items():
            if value is not None:
                counts[(column, value)] += n
    return texts, searched, counts


def search_listings(db: Database, query: str) -> list[dict[str, Any]]:
    """Listings matching an FTS5 `query`, best first (as Datasette's search joins them)."""
    return list(
        db.query(
            "select l.* from listings_fts f join listings l on l.rowid = f.rowid "
            "where listings_fts match ? order by f.rank",
            [query],
        )
    )
