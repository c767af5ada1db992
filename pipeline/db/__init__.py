"""The only code that writes SQLite.

`open_db` opens (and shapes) the database in WAL mode so Datasette can read while a crawl writes
(`shape.py`, with the layout in `schema.py` and older layouts migrated by `migrations.py`).
`import_postings` upserts normalized postings and the listings they belong to, writing only rows
that change, so importing the same data twice changes nothing (`upserts.py`); the search index
and facet counts follow every write of listings (`derived.py`). `update_lifecycle` closes what a
source no longer lists (`lifecycle.py`); `record_crawl_run` stores one spider run.
"""

from pipeline.db.derived import (
    FACET_COUNT_COLUMNS,
    FTS_OPTIONS,
    rebuild_facet_counts,
    rebuild_search,
    search_listings,
)
from pipeline.db.lifecycle import CLOSE_AFTER_MISSED_RUNS, TRACKED_FIELDS, update_lifecycle
from pipeline.db.schema import (
    CRAWL_RUN_COLUMNS,
    LISTING_COLUMNS,
    LISTING_TEXT_COLUMNS,
    NEW_DB_PAGE_SIZE,
    POSTING_COLUMNS,
    SCHEMA_VERSION,
    TEXT_FIELDS,
)
from pipeline.db.shape import ensure_db_shape, open_db
from pipeline.db.upserts import IMPORT_BATCH, ImportResult, import_postings, record_crawl_run

__all__ = [
    "CLOSE_AFTER_MISSED_RUNS",
    "CRAWL_RUN_COLUMNS",
    "FACET_COUNT_COLUMNS",
    "FTS_OPTIONS",
    "IMPORT_BATCH",
    "LISTING_COLUMNS",
    "LISTING_TEXT_COLUMNS",
    "NEW_DB_PAGE_SIZE",
    "POSTING_COLUMNS",
    "SCHEMA_VERSION",
    "TEXT_FIELDS",
    "TRACKED_FIELDS",
    "ImportResult",
    "ensure_db_shape",
    "import_postings",
    "open_db",
    "rebuild_facet_counts",
    "rebuild_search",
    "record_crawl_run",
    "search_listings",
    "update_lifecycle",
]
