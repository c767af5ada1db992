"""The database's layout: tables and their columns, indexes and views (declarations only).

The layout is made for publishing a million listings: `listings` stays narrow (the descriptions
live in `listing_texts`, one row per listing), every facet and the default sort have an index,
and `listings_fts` is a contentless FTS5 index whose rowid is the listings rowid (see
`pipeline/db/derived.py`).
"""

from __future__ import annotations

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
WRITER_CACHE_MIB = 256
# Page size of a new database file. A million listings make B-trees of tens of thousands of
# 4 KB pages; 16 KB pages make a quarter as many: a million postings took 129
# CPU seconds instead of 144 in paired runs of bench/dedupe_store_bench.py, and the Datasette
# figures held or improved. An existing file keeps its page size (`rebuild` writes a new one).
NEW_DB_PAGE_SIZE = 16384
