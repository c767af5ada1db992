"""Datasette, built from our metadata, serving the demo database plus a few listings imported
through the real pipeline: every canned query, facet, feed, chart and CSV export."""

from __future__ import annotations

import csv as csv_module
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import ics
import pytest
from datasette.app import Datasette
from markupsafe import escape

from microintern.cli.publish import SERVE_SETTINGS
from pipeline.collect.ingest import import_files
from pipeline.db import open_db, update_lifecycle
from tests.conftest import copy_database

METADATA = json.loads((Path(__file__).parent.parent / "datasette-metadata.json").read_text())
DB_META = METADATA["databases"]["listings"]
TABLES = DB_META["tables"]
QUERIES = DB_META["queries"]
VISIBLE = sorted(name for name, spec in TABLES.items() if not spec.get("hidden"))
HIDDEN = sorted(name for name, spec in TABLES.items() if spec.get("hidden"))
FACETS = [  # (table, column, is an array facet); {"type": "column"} facets are our own types
    (
        table,
        next(iter(facet.values())) if isinstance(facet, dict) else facet,
        isinstance(facet, dict) and "array" in next(iter(facet)),
    )
    for table, spec in TABLES.items()
    for facet in spec.get("facets", [])
]
BUCKETS = ["under-5", "5-10", "10-20", "20-40", "over-40", "(unknown)"]
OPEN = ("open", "reopened")
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_TITLE = "<script>alert(1)</script> Survey Coding Micro-Internship"


def stamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_items(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items))
    return path


@pytest.fixture(scope="module")
def site_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database plus imported listings that the demo lacks: one seen on two sources,
    one over 40 hours, one closing in 3 days that changed since, one expired, one whose title
    holds markup."""
    tmp = tmp_path_factory.mktemp("site")
    path = copy_database(demo_db, tmp / "listings.db")
    db = open_db(path)
    now = datetime.now(UTC)
    today = now.date()
    demo_url = db.execute(
        "select url from listings where sources = '[\"greenhouse\"]' order by id limit 1"
    ).fetchone()[0]
    base = {"source": "parkerdewey-export", "company": "Quarry Lane Labs", "remote": True}
    soon = {
        **base,
        "source_id": "soon-1",
        "url": "https://example.org/p/soon-1",
        "title": "Micro-internship: Survey Translation Review",
        "description": "<p>Review translated survey questions. About 8 hours in total.</p>",
        "hours_text": "8 hours total",
        "pay_text": "USD 200 fixed",
        "deadline": (today + timedelta(days=3)).isoformat(),
        "categories": ["Research"],
    }
    items = [
        {
            **base,
            "source_id": "dup-1",
            "url": demo_url + "?utm_source=newsletter",
            "title": "Duplicate of a demo listing",
            "company": "Northwind Analytics",
            "description": "<p>The same opportunity, exported from another platform.</p>",
        },
        {
            **base,
            "source_id": "long-1",
            "url": "https://example.org/p/long-1",
            "title": "Micro-internship: Archive Cataloguing Project",
            "description": "<p>Catalogue the photo archive over several weeks.</p>",
            "hours_text": "60 hours total",
        },
        soon,
        {
            **base,
            "source_id": "past-1",
            "url": "https://example.org/p/past-1",
            "title": "Micro-internship: Expired Market Scan",
            "description": "<p>A market scan of local bakeries, about 10 hours.</p>",
            "deadline": (today - timedelta(days=2)).isoformat(),
        },
        {
            **base,
            "source_id": "xss-1",
            "url": "https://example.org/p/xss-1",
            "title": HOSTILE_TITLE,
            "description": '<p>Code survey answers.<img src="x" onerror="alert(1)"></p>'
            "<script>alert(2)</script>",
            "hours_text": "12 hours",
            "deadline": (today + timedelta(days=20)).isoformat(),
        },
    ]
    earlier, later = stamp(now - timedelta(hours=2)), stamp(now)
    result, _ = import_files(db, [write_items(tmp / "first.jsonl", items)], seen_at=earlier)
    update_lifecycle(db, "parkerdewey-export", result.posting_ids, earlier)
    changed = {**soon, "hours_text": "6 hours total"}
    import_files(db, [write_items(tmp / "second.jsonl", [changed])], seen_at=later)
    return path


@pytest.fixture
def datasette(site_db: Path) -> Datasette:
    return Datasette([str(site_db)], metadata=METADATA, settings=SERVE_SETTINGS)


@pytest.fixture(scope="module")
def sql(site_db: Path) -> Callable[..., list[dict[str, Any]]]:
    """Rows of a query run directly on the database, as dicts."""

    def run(query: str, params: tuple = ()) -> list[dict[str, Any]]:
        conn = sqlite3.connect(site_db)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in conn.execute(query, params)]
        finally:
            conn.close()

    return run


@pytest.fixture(scope="module")
def listings(sql) -> list[dict[str, Any]]:
    return sql("select * from listings")


async def get_json(ds: Datasette, path: str) -> Any:
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def local(url: str) -> str:
    """Path and query of an absolute URL Datasette made."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


# --- metadata -------------------------------------------------------------------------------


def test_metadata_names_only_real_tables_and_columns(sql):
    for table, spec in TABLES.items():
        columns = {row["name"] for row in sql(f"pragma table_info([{table}])")}
        assert columns, f"{table} does not exist"
        assert set(spec.get("columns", {})) <= columns, table
        for _, name, _ in [f for f in FACETS if f[0] == table]:
            assert name in columns, (table, name)
        for key in ("label_column", "sort_desc"):
            if key in spec:
                assert spec[key] in columns, (table, key)


def test_every_visible_table_and_column_is_described(sql):
    names = {
        row["name"]
        for row in sql("select name from sqlite_master where type in ('table', 'view')")
        if not row["name"].startswith("sqlite_")
    }
    assert set(TABLES) == names, "every table and view is described or hidden"
    for name in VISIBLE:
        assert TABLES[name].get("description") or TABLES[name].get("description_html"), name
        columns = {row["name"] for row in sql(f"pragma table_info([{name}])")}
        assert set(TABLES[name].get("columns", {})) == columns, name


async def test_internal_tables_are_hidden(datasette):
    database = await get_json(datasette, "/listings.json")
    hidden = {t["name"] for t in database["tables"] if t["hidden"]}
    assert {name for name in HIDDEN if name.startswith("listings_fts")} <= hidden
    assert set(HIDDEN) <= hidden
    assert not set(VISIBLE) & hidden
    page = await datasette.client.get("/listings")
    assert "listings_fts_data" not in page.text.split("hidden tables")[0]


async def test_home_is_the_search_and_the_database_page_leads_to_open_listings(datasette):
    listings = await datasette.client.get("/listings")
    assert listings.status_code == 200 and 'href="/listings/open_listings"' in listings.text
    home = (await datasette.client.get("/")).text
    assert '<form class="mi-search"' in home and 'class="mi-card"' in home
    for key in ("license", "source"):
        assert escape(METADATA[key]) in home, key
    for href in ("/-/dashboards/listings", "/-/feed.atom?", "/-/deadlines.ics?", "/listings"):
        assert f'href="{href}' in home, href


async def test_open_listings_are_exactly_the_open_ones(datasette, listings):
    rows = await get_json(datasette, "/listings/open_listings.json?_shape=array&_size=max")
    assert {r["id"] for r in rows} == {r["id"] for r in listings if r["status"] in OPEN}
    assert any(r["status"] == "expired" for r in listings)
    newest = [r["posted_at"] or r["first_seen"] for r in rows]
    assert newest == sorted(newest, reverse=True)


async def test_tables_sort_newest_first(datasette, sql):
    for table, spec in TABLES.items():
        if "sort_desc" not in spec:
            continue
        column = spec["sort_desc"]
        rows = await get_json(datasette, f"/listings/{table}.json?_shape=array&_size=max")
        values = [r[column] for r in rows if r[column] is not None]
        assert values == sorted(values, reverse=True), table
        assert len(rows) == sql(f"select count(*) n from [{table}]")[0]["n"]


# --- pages and search -----------------------------------------------------------------------


async def test_listing_page_links_apply_urls_postings_and_history(datasette, sql):
    listing = sql("select * from listings where postings_count > 1")[0]
    page = await datasette.client.get(f"/listings/listings/{listing['id']}")
    assert page.status_code == 200
    assert f'href="{escape(listing["url"])}"' in page.text
    assert f"/listings/postings?listing_id={listing['id']}" in page.text
    postings = await datasette.client.get(f"/listings/postings?listing_id={listing['id']}")
    urls = [
        r["url"] for r in sql("select url from postings where listing_id = ?", (listing["id"],))
    ]
    assert len(set(urls)) == listing["postings_count"] > 1
    for url in urls:
        assert f'href="{escape(url)}"' in postings.text


async def test_history_is_linked_from_a_changed_listing(datasette, sql):
    change = sql("select * from listing_changes order by id desc limit 1")[0]
    listing_page = await datasette.client.get(f"/listings/listings/{change['listing_id']}")
    assert f"/listings/listing_changes?listing_id={change['listing_id']}" in listing_page.text
    page = await datasette.client.get(
        f"/listings/listing_changes?listing_id={change['listing_id']}"
    )
    assert page.status_code == 200
    assert escape(change["new_value"]) in page.text


async def test_markup_in_listings_is_shown_escaped(datasette, sql):
    listing = sql("select * from listings where title = ?", (HOSTILE_TITLE,))[0]
    for path in (f"/listings/listings/{listing['id']}", "/listings/open_listings?_size=max"):
        page = (await datasette.client.get(path)).text
        assert "<script>alert" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
    [texts] = sql("select * from listing_texts where id = ?", (listing["id"],))
    assert "<script" not in texts["description_html"]
    assert "onerror" not in texts["description_html"]
    page = (await datasette.client.get(f"/listings/listing_texts/{listing['id']}")).text
    assert "<script>alert" not in page and 'onerror="' not in page


async def test_full_text_search(datasette, sql):
    rows = await get_json(datasette, "/listings/listings.json?_search=illustration&_shape=array")
    expected = sql(
        "select title from listings where rowid in "
        "(select rowid from listings_fts where listings_fts match 'illustration')"
    )
    assert [r["title"] for r in rows] == [r["title"] for r in expected]
    assert rows
    translation = await get_json(
        datasette, "/listings/listings.json?_search=translation&_shape=array"
    )
    assert [r["title"] for r in translation] == ["Micro-internship: Survey Translation Review"]


# --- facets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "array"), FACETS, ids=[f"{t}-{c}" for t, c, _ in FACETS]
)
async def test_every_facet_counts_and_filters(datasette, sql, table, column, array):
    data = await get_json(datasette, f"/listings/{table}.json?_size=1")
    facet = data["facet_results"][column]
    if array:
        query = f"select j.value v, count(*) n from [{table}], json_each([{table}].[{column}]) j group by j.value"
    else:
        query = f"select [{column}] v, count(*) n from [{table}] where [{column}] is not null group by 1"
    expected = {row["v"]: row["n"] for row in sql(query)}
    assert expected, (table, column)
    shown = {r["value"]: r["count"] for r in facet["results"]}
    if facet["truncated"]:
        assert shown.items() <= expected.items()
    else:
        assert shown == expected
    if column == "hour_range":  # in bucket order (see test_hour_range_facet_and_bucket_order)
        assert [r["value"] for r in facet["results"]] == [b for b in BUCKETS if b in shown]
    else:
        counts = [r["count"] for r in facet["results"]]
        assert counts == sorted(counts, reverse=True)
    first = facet["results"][0]
    filtered = await get_json(datasette, local(first["toggle_url"]))
    assert filtered["filtered_table_rows_count"] == first["count"]


async def test_array_facet_counts_a_listing_under_each_of_its_sources(datasette, listings):
    several = [r for r in listings if len(json.loads(r["sources"])) > 1]
    assert several
    data = await get_json(datasette, "/listings/listings.json?_size=1")
    counts = {r["value"]: r["count"] for r in data["facet_results"]["sources"]["results"]}
    for source in json.loads(several[0]["sources"]):
        assert counts[source] == sum(source in json.loads(r["sources"]) for r in listings)


async def test_hour_range_facet_and_bucket_order(datasette, listings):
    data = await get_json(datasette, "/listings/listings.json?_size=1")
    values = [r["value"] for r in data["facet_results"]["hour_range"]["results"]]
    assert set(values) == {r["hour_range"] for r in listings if r["hour_range"]}
    assert "over-40" in values
    assert values == [bucket for bucket in BUCKETS if bucket in values]  # not by count
    counts = [r["count"] for r in data["facet_results"]["hour_range"]["results"]]
    assert counts != sorted(counts, reverse=True), "the site data should tell the orders apart"
    filtered = await get_json(datasette, "/listings/listings.json?_size=1&status=open")
    values = [r["value"] for r in filtered["facet_results"]["hour_range"]["results"]]
    assert values == [bucket for bucket in BUCKETS if bucket in values]


# --- canned queries -------------------------------------------------------------------------


def _open(listings):
    return [r for r in listings if r["status"] in OPEN]


EXPECTATIONS: dict[str, Callable[..., tuple[str, Any, Callable[[list[dict]], Any]]]] = {}


def expect(name: str):
    def register(function):
        EXPECTATIONS[name] = function
        return function

    return register


def ids(rows: list[dict[str, Any]]) -> set[str]:
    return {r["id"] for r in rows}


@expect("micro_internships")
def _micro(listings, sql, today):
    top = Counter(r["industry"] for r in _open(listings) if r["is_micro"]).most_common(1)[0][0]
    want = {
        r["id"]
        for r in _open(listings)
        if r["is_micro"] and r["industry"] == top and (r["hours_max"] or 999) <= 20
    }
    return f"industry={top}&max_hours=20", want, ids


@expect("closing_soon")
def _closing(listings, sql, today):
    end = (today + timedelta(days=7)).isoformat()
    want = {
        r["id"]
        for r in _open(listings)
        if r["deadline"] and today.isoformat() <= r["deadline"] <= end
    }
    return "days=7", want, ids


@expect("new_since")
def _new_since(listings, sql, today):
    since = today.isoformat()
    return f"since={since}", {r["id"] for r in _open(listings) if r["first_seen"] >= since}, ids


@expect("remote_under_10_hours")
def _remote(listings, sql, today):
    want = {
        r["id"]
        for r in _open(listings)
        if r["remote"] == 1 and r["hour_range"] in ("under-5", "5-10")
    }
    return "industry=", want, ids


@expect("counts_by_industry_and_hours")
def _counts(listings, sql, today):
    want = Counter(
        (r["industry"] or "(unknown)", r["hour_range"] or "(unknown)")
        for r in _open(listings)
        if r["is_micro"] == 1
    )

    def got(rows):
        keys = [(r["industry"], r["hour_range"]) for r in rows]
        assert keys == sorted(keys, key=lambda k: (k[0], BUCKETS.index(k[1])))
        return Counter({(r["industry"], r["hour_range"]): r["listings"] for r in rows})

    return "micro_only=1", want, got


@expect("counts_by_hour_range")
def _by_hour(listings, sql, today):
    counts = Counter(r["hour_range"] or "(unknown)" for r in _open(listings))
    return (
        "",
        [(b, counts[b]) for b in BUCKETS],
        lambda rows: [(r["hour_range"], r["listings"]) for r in rows],
    )


@expect("changes_this_week")
def _changes(listings, sql, today):
    since = (datetime.now(UTC) - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    want = {
        (r["listing_id"], r["field"], r["new_value"])
        for r in sql("select * from listing_changes")
        if r["changed_at"] >= since
    }
    assert any(field == "hours_max" for _, field, _ in want)
    return (
        "field=",
        want,
        lambda rows: {(r["listing_id"], r["field"], r["new_value"]) for r in rows},
    )


@expect("crawl_health")
def _health(listings, sql, today):
    want = {r["source"] for r in sql("select distinct source from crawl_runs")}
    return "status=", want, lambda rows: {r["source"] for r in rows}


@pytest.mark.parametrize("name", sorted(QUERIES))
async def test_every_canned_query(datasette, listings, sql, name):
    spec = QUERIES[name]
    assert spec["title"] and spec["description"], name
    assert name in EXPECTATIONS, f"no expectation for canned query {name}"
    params, want, got = EXPECTATIONS[name](listings, sql, date.today())
    rows = await get_json(datasette, f"/listings/{name}.json?_shape=array&_size=max&{params}")
    assert want, name
    assert got(rows) == want
    page = await datasette.client.get(f"/listings/{name}")
    assert page.status_code == 200
    assert escape(spec["title"]) in page.text
    for param in spec.get("params", []):
        assert f'name="{param}"' in page.text, (name, param)


async def test_canned_queries_run_without_parameters(datasette):
    for name in QUERIES:
        response = await datasette.client.get(f"/listings/{name}.json")
        assert response.status_code == 200, (name, response.text[:300])


# --- feeds ----------------------------------------------------------------------------------


async def test_atom_feed_of_new_listings(datasette, listings):
    response = await datasette.client.get("/-/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "microintern"  # RFC 4287 asks for one
    entries = feed.findall(f"{ATOM}entry")
    by_id = {r["id"]: r for r in _open(listings)}
    assert len(entries) == min(50, len(by_id))
    for entry in entries:
        listing = by_id[entry.findtext(f"{ATOM}id").rsplit(":", 1)[1]]
        assert entry.findtext(f"{ATOM}title") == f"{listing['title']} ({listing['company']})"
        assert entry.find(f"{ATOM}link[@rel='related']").get("href") == listing["url"]
        assert (
            entry.find(f"{ATOM}link[@rel='alternate']")
            .get("href")
            .endswith(f"/listing/{listing['id']}")
        )
    hostile = [e for e in entries if e.findtext(f"{ATOM}title").startswith("<script>")]
    assert hostile, "the listing with markup in its title is in the feed, as text"
    assert b"<script>" not in response.content


async def test_atom_feed_narrowed_to_an_industry(datasette, listings):
    industry = next(r["industry"] for r in _open(listings) if r["industry"])
    response = await datasette.client.get(f"/-/feed.atom?industry={industry.upper()}")
    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
    got = {e.findtext(f"{ATOM}id").rsplit(":", 1)[1] for e in entries}
    assert got == {r["id"] for r in _open(listings) if r["industry"] == industry}


async def test_icalendar_feed_of_deadlines(datasette, listings):
    response = await datasette.client.get("/-/deadlines.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = ics.Calendar(response.text)
    today = date.today().isoformat()
    due = {r["id"]: r for r in _open(listings) if r["deadline"] and r["deadline"] >= today}
    events = {event.uid.split("@")[0]: event for event in calendar.events}
    assert set(events) == set(due)
    for listing_id, event in events.items():
        listing = due[listing_id]
        assert event.all_day and event.begin.date().isoformat() == listing["deadline"]
        assert event.name == f"Deadline: {listing['title']} ({listing['company']})"
        assert listing["url"] in event.description


# --- charts, robots, CSV, safety ------------------------------------------------------------


async def test_dashboard_page_and_its_charts(datasette):
    dashboards = METADATA["plugins"]["datasette-dashboards"]
    assert (await datasette.client.get("/-/dashboards")).status_code == 200
    for slug, dashboard in dashboards.items():
        page = await datasette.client.get(f"/-/dashboards/{slug}")
        assert page.status_code == 200
        for chart_slug, chart in dashboard["charts"].items():
            assert f'id="chart-{chart_slug}"' in page.text
            # the page's script fetches each chart's data this way
            rows = await get_json(
                datasette, f"/{chart['db']}.json?_shape=array&" + _qs(sql=chart["query"])
            )
            assert rows, chart_slug
    hours = dashboards["listings"]["charts"]["by-hour-range"]
    rows = await get_json(datasette, "/listings.json?_shape=array&" + _qs(sql=hours["query"]))
    order = [r["hour_range"] for r in rows]
    assert order == [b for b in hours["display"]["encoding"]["x"]["sort"] if b in order]
    counts = [  # a count axis ticks whole numbers: no "0.5 listings" on a small dashboard
        channel
        for chart in dashboards["listings"]["charts"].values()
        for channel in chart.get("display", {}).get("encoding", {}).values()
        if channel.get("type") == "quantitative"
    ]
    assert len(counts) == 3
    assert all(channel["axis"] == {"format": "d", "tickMinStep": 1} for channel in counts)


def _qs(**params: str) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


async def test_robots_are_disallowed(datasette):
    response = await datasette.client.get("/robots.txt")
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert "User-agent: *" in lines and "Disallow: /" in lines


@pytest.mark.parametrize("table", VISIBLE)
async def test_every_table_streams_as_csv_with_all_rows(datasette, sql, table):
    response = await datasette.client.get(f"/listings/{table}.csv?_stream=on&_size=max")
    assert response.status_code == 200
    assert (
        response.headers["content-type"].startswith("text/plain")
        or "csv" in response.headers["content-type"]
    )
    records = list(csv_module.DictReader(io.StringIO(response.text)))
    expected = sql(f"select * from [{table}]")
    assert len(records) == len(expected) > 0, table
    assert list(records[0]) == list(expected[0])
    key = next(iter(expected[0]))
    assert Counter(r[key] for r in records) == Counter(
        "" if r[key] is None else str(r[key]) for r in expected
    )


async def test_datasette_cannot_write_the_database(datasette, sql):
    before = sql("select count(*) n from listings")[0]["n"]
    database = datasette.get_database("listings")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await database.execute_fn(lambda conn: conn.execute("delete from listings"))
    response = await datasette.client.get("/listings.json?sql=delete+from+listings")
    assert response.status_code == 400
    assert sql("select count(*) n from listings")[0]["n"] == before


async def test_every_tag_shows_its_evidence_beside_it(datasette, listings):
    rows = await get_json(datasette, "/listings/open_listings.json?_shape=array&_size=max")
    columns = list(rows[0])
    for tag, evidence in (
        ("kind", "kind_evidence"),
        ("industry", "industry_evidence"),
        ("hours_max", "hours_evidence"),
    ):
        assert columns.index(evidence) == columns.index(tag) + 1
    for row in rows:
        assert (row["hours_evidence"] is None) == (row["hours_max"] is None), row["id"]
        assert (row["industry_evidence"] is None) == (row["industry"] is None), row["id"]
        for evidence in ("kind_evidence", "industry_evidence", "hours_evidence"):
            assert row[evidence] is None or 0 < len(row[evidence]) <= 120
    hours = next(row for row in rows if row["hours_evidence"])
    page = await datasette.client.get(f"/listings/listings/{hours['id']}")
    assert escape(hours["hours_evidence"]) in page.text
