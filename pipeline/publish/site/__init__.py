"""The Datasette plugin of the published site (an entry point, so `microintern serve`, the tests
and the benchmarks all load it): the search page at the home page (`search.py`), a page per
listing (`listing.py`), a search's exports (`exports.py`) and feeds (`feeds.py`), friendly values
and links in Datasette's own tables (`render_cell`), facet types (`facets.py`), its templates
and stylesheet, and a page cache for every connection.

Every connection gets a page cache of `CACHE_MIB` (SQLite's default is 2 MB): a search matching
a fifth of a million listings looks up 200,000 rows, which then come from memory once the cache
is warm instead of from the operating system (about a third faster). Datasette keeps one
connection per SQL thread (3), so the worst case is three times `CACHE_MIB` of memory.
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from markupsafe import Markup, escape

from pipeline.publish.filters import SEARCH_WORD
from pipeline.publish.site.exports import export_csv, export_xlsx
from pipeline.publish.site.facets import ArrayGroupedFacet, CountedFacet
from pipeline.publish.site.feeds import atom_feed, deadlines_calendar
from pipeline.publish.site.labels import FILTERS, remote_label
from pipeline.publish.site.listing import listing_page
from pipeline.publish.site.search import search_page

CACHE_MIB = 400


@hookimpl
def register_facet_classes() -> list[type]:
    return [CountedFacet, ArrayGroupedFacet]


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.execute(f"pragma cache_size = -{CACHE_MIB * 1024}")


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/$", search_page),
        (r"^/listing/(?P<id>[^/]+)$", listing_page),
        (r"^/-/export\.csv$", export_csv),
        (r"^/-/export\.xlsx$", export_xlsx),
        (r"^/-/feed\.atom$", atom_feed),
        (r"^/-/deadlines\.ics$", deadlines_calendar),
    ]


@hookimpl
def asgi_wrapper() -> Any:
    return plain_word_search


def plain_word_search(app: Any) -> Any:
    """Datasette's table search (`_search`) with the text cut to its words first: Datasette
    quotes each word for FTS5, but a lone or unbalanced quote still reaches FTS5 as syntax
    and the page fails. Raw mode (`_searchmode=raw`) is left as asked."""

    async def wrapped(scope: dict, receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and b"_search" in scope.get("query_string", b""):
            scope = {**scope, "query_string": _plain_search_query(scope["query_string"])}
        await app(scope, receive, send)

    return wrapped


def _plain_search_query(query_string: bytes) -> bytes:
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    if ("_searchmode", "raw") in pairs:
        return query_string
    plain = [
        (name, " ".join(SEARCH_WORD.findall(value)) if _is_search(name) else value)
        for name, value in pairs
    ]
    # A search of no words is no search (Datasette would hand FTS5 an empty query).
    return urlencode([(n, v) for n, v in plain if v or not _is_search(n)]).encode("latin-1")


def _is_search(name: str) -> bool:
    return name == "_search" or name.startswith("_search_")  # a column's own search too


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    env.filters.update(FILTERS)


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.static_plugins("microintern", "site.css")]


# Columns holding a listing's id, by table (None: a canned query's rows), linked to its page.
LISTING_ID_COLUMNS = {"id": (None, "open_listings"), "listing_id": None}  # None: anywhere
LISTING_TABLES = ("listings", "open_listings")


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str) -> Any:
    """Listing ids, and titles in the listings tables, linked to the listing's page (the
    listings table's own id column links to the raw row); remote and is_micro as words."""
    if database != "listings" or value is None:
        return None
    if column in LISTING_ID_COLUMNS:
        tables = LISTING_ID_COLUMNS[column]
        if tables is None or table in tables:
            return _listing_link(value, value)
    if column == "title" and table in LISTING_TABLES and "id" in row.keys():
        return _listing_link(row["id"], value)
    if column == "remote" and value in (0, 1):
        return remote_label(value)
    if column == "is_micro" and value in (0, 1):
        return "Micro-internship" if value else "No"
    return None


def _listing_link(listing_id: Any, text: Any) -> Markup:
    return Markup(f'<a href="/listing/{escape(listing_id)}">{escape(text)}</a>')
