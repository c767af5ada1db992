"""Opening the database: WAL mode, a page cache for the writer, and its full shape."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from pipeline.db.derived import configure_search, rebuild_facet_counts, rebuild_search
from pipeline.db.migrations import move_texts_out, rename_old_columns
from pipeline.db.schema import (
    CRAWL_RUN_COLUMNS,
    INDEXES,
    LISTING_CHANGE_COLUMNS,
    LISTING_COLUMNS,
    LISTING_TEXT_COLUMNS,
    NEW_DB_PAGE_SIZE,
    POSTING_COLUMNS,
    RAW_INDEXES,
    SCHEMA_VERSION,
    VIEWS,
    WRITER_CACHE_MIB,
)


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
    rename_old_columns(db)
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
            move_texts_out(db)
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
