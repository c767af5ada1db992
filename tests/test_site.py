"""The site for people, through Datasette's real app on the demo database: the search page, a
listing's page, a search's exports and feeds, and the one filter set they share."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import ics
import openpyxl
import pytest
from datasette.app import Datasette

from microintern.cli.publish import SERVE_SETTINGS
from pipeline.publish.filters import FilterError, Filters, fts_query, parse_filters

METADATA = json.loads((Path(__file__).parent.parent / "datasette-metadata.json").read_text())
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def datasette(demo_db):
    return Datasette([str(demo_db)], metadata=METADATA, settings=SERVE_SETTINGS)


def rows(demo_db: Path, sql: str, params=()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(demo_db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def card_ids(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('<h2><a href="/listing/')[1:]]


# --- the filters ---------------------------------------------------------------------------


def test_filters_read_every_argument_and_say_what_is_valid():
    filters = parse_filters(
        {
            "industry": "Marketing",
            "max_hours": "10",
            "kind": "Micro-Internship",
            "is_micro": "1",
            "remote": "yes",
            "status": "open,reopened",
            "since": "2026-11-01",
            "deadline_within": "14",
            "q": 'survey "data',
        }
    )
    assert filters == Filters(
        q='survey "data',
        industry="marketing",
        max_hours=10.0,
        kind="micro-internship",
        is_micro=True,
        remote=True,
        status=("open", "reopened"),
        since="2026-11-01",
        deadline_within=14,
    )
    for args, words in [
        ({"industri": "marketing"}, "unknown argument industri; valid arguments: q, industry"),
        ({"industry": "marketting"}, "industry must be one of arts, consulting"),
        ({"status": "open,live"}, "status must be one of open, reopened, closed, expired"),
        ({"since": "last-week"}, "since must be a date as YYYY-MM-DD"),
        ({"max_hours": "ten"}, "max_hours must be a number"),
        ({"remote": "maybe"}, "remote must be 1 or 0"),
        ({"kind": "gig"}, "kind must be one of micro-internship"),
        ({"deadline_within": "-3"}, "deadline_within must be a whole number"),
    ]:
        with pytest.raises(FilterError, match=words.replace("(", r"\(")):
            parse_filters(args)


def test_search_words_never_reach_fts5_as_syntax():
    assert fts_query('"') is None
    assert fts_query('survey AND (data OR "excel') == '"survey" "AND" "data" "OR" "excel"'
    assert fts_query("C++ résumé") == '"C++" "résumé"'


# --- the search page -----------------------------------------------------------------------


async def test_the_home_page_finds_micro_internships_of_one_industry_and_hours(datasette, demo_db):
    micro = rows(
        demo_db,
        "select industry, count(*) as n from listings where is_micro = 1 and hours_max <= 10 "
        "and status in ('open', 'reopened') group by industry order by n desc limit 1",
    )[0]
    page = await datasette.client.get(
        f"/?industry={micro['industry'].upper()}&max_hours=10&is_micro=1"
    )
    assert page.status_code == 200
    ids = card_ids(page.text)
    assert len(ids) == micro["n"]
    for listing in rows(
        demo_db, f"select * from listings where id in ({','.join('?' * len(ids))})", ids
    ):
        assert listing["is_micro"] == 1 and listing["hours_max"] <= 10
        assert listing["industry"] == micro["industry"]
        assert listing["status"] in ("open", "reopened")
    assert "<title>Find micro-internships - microintern</title>" in page.text
    assert 'name="is_micro" value="1" checked' in page.text


async def test_a_search_with_a_bad_argument_says_why(datasette):
    page = await datasette.client.get("/?industry=Underwater")
    assert page.status_code == 400
    assert "industry must be one of" in page.text and 'class="mi-card"' not in page.text


async def test_any_typed_text_is_searched_as_words(datasette):
    for text in ('"', "survey AND (", "NEAR(", "*"):
        page = await datasette.client.get("/", params={"q": text})
        assert page.status_code == 200, text
    found = await datasette.client.get("/", params={"q": "survey"})
    assert card_ids(found.text)


async def test_results_are_paged_and_sorted(datasette, demo_db):
    total = rows(demo_db, "select count(*) from listings where status in ('open', 'reopened')")[0][
        0
    ]
    first = card_ids((await datasette.client.get("/")).text)
    assert len(first) == min(total, 20)
    if total > 20:
        second = card_ids((await datasette.client.get("/?page=2")).text)
        assert second and not set(first) & set(second)
    soonest = card_ids((await datasette.client.get("/?sort=deadline")).text)
    deadlines = [
        rows(demo_db, "select deadline from listings where id = ?", [i])[0][0] or "9999"
        for i in soonest
    ]
    assert deadlines == sorted(deadlines)
    assert (await datasette.client.get("/?page=0")).status_code == 400


# --- a listing's page ----------------------------------------------------------------------


async def test_a_listing_page_shows_what_staff_need(datasette, demo_db):
    listing = rows(
        demo_db,
        "select * from listings where is_micro = 1 and deadline is not null "
        "and hours_max is not null order by id limit 1",
    )[0]
    page = await datasette.client.get(f"/listing/{listing['id']}")
    assert page.status_code == 200
    html = page.text
    assert f"<h1>{listing['title']}</h1>" in html
    assert f'class="mi-apply" href="{listing["url"]}"' in html
    assert f"Apply by {listing['deadline']}" in html
    assert "Micro-internship" in html and " hours</li>" in html
    assert f'href="/listings/listings/{listing["id"]}"' in html  # the raw row
    assert html.count('<li><a href="') >= listing["postings_count"]
    assert (await datasette.client.get("/listing/no-such-id")).status_code == 404


async def test_ids_in_canned_queries_and_views_link_to_the_listing_page(datasette):
    for path in ("/listings/micro_internships", "/listings/open_listings"):
        page = await datasette.client.get(path)
        assert '<a href="/listing/' in page.text, path


# --- exports and feeds of a search ---------------------------------------------------------


async def test_export_rejects_unknown_arguments_and_keeps_micro_only(datasette, demo_db):
    for query in ("nope=1", "since=last-week", "format=xlsx", "remote=maybe", "status=live"):
        response = await datasette.client.get(f"/-/export.csv?{query}")
        assert response.status_code == 400, query
    response = await datasette.client.get("/-/export.csv?is_micro=1&status=open,reopened")
    records = list(csv.DictReader(io.StringIO(response.text)))
    expected = rows(
        demo_db,
        "select count(*) from listings where is_micro = 1 and status in ('open', 'reopened')",
    )[0][0]
    assert len(records) == expected > 0
    assert {record["is_micro"] for record in records} == {"1"}


async def test_xlsx_export_is_a_real_workbook(datasette, demo_db):
    response = await datasette.client.get("/-/export.xlsx?is_micro=1")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *body = list(sheet.values)
    assert header[:3] == ("id", "title", "company")
    expected = rows(demo_db, "select count(*) from listings where is_micro = 1")[0][0]
    assert len(body) == expected
    hours = [row[header.index("hours_max")] for row in body if row[header.index("hours_max")]]
    assert hours and all(isinstance(value, int | float) for value in hours)
    assert all(not str(cell).startswith("=") for row in body for cell in row if cell)


async def test_atom_feed_of_a_search_has_an_author_and_its_listings(datasette):
    response = await datasette.client.get("/-/feed.atom?is_micro=1")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "microintern"
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith("urn:microintern:listing:")
        assert "/listing/" in entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        assert entry.find(f"{ATOM}updated").text


async def test_deadlines_calendar_has_all_day_events(datasette, demo_db):
    response = await datasette.client.get("/-/deadlines.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    text = response.text
    calendar = ics.Calendar(text)
    future = rows(
        demo_db,
        "select count(*) from listings where deadline >= date('now') "
        "and status in ('open', 'reopened')",
    )[0][0]
    assert len(calendar.events) == future
    assert text.count("DTSTART;VALUE=DATE:") == future and text.count("DTSTAMP:") == future
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert (await datasette.client.get("/-/deadlines.ics?industry=nope")).status_code == 400


async def test_datasette_pages_put_the_data_first(datasette):
    """Column descriptions fold away, canned queries hide their SQL behind a toggle and their
    tab reads their title, values read as words."""
    table = (await datasette.client.get("/listings/open_listings")).text
    assert '<details class="mi-columns">' in table and "<summary>What the" in table
    assert ">Remote<" in table or ">On-site or hybrid<" in table or "Remote: unknown" in table
    for name, spec in METADATA["databases"]["listings"]["queries"].items():
        page = (await datasette.client.get(f"/listings/{name}")).text
        title = page[page.index("<title>") + 7 : page.index("</title>")]
        assert title == f"{spec['title']} - microintern".replace("&", "&amp;"), name
        assert 'class="show-hide-sql"' in page and 'id="sql-editor"' not in page, name


async def test_table_search_of_any_typed_text_answers(datasette):
    """Datasette's own table search: a lone quote or brackets are searched as words."""
    found = await datasette.client.get("/listings/listings.json?_search=survey&_shape=array")
    assert found.status_code == 200 and found.json()
    for text in ('"', 'survey"', "survey AND (", "NEAR("):
        page = await datasette.client.get("/listings/listings", params={"_search": text})
        assert page.status_code == 200, text
    same = await datasette.client.get(
        "/listings/listings.json", params={"_search": 'survey"', "_shape": "array"}
    )
    assert same.json() == found.json()


def test_every_kind_has_a_label_for_people():
    from pipeline.publish.site.labels import KIND_LABELS
    from pipeline.tagging.kind import KINDS

    assert set(KIND_LABELS) == set(KINDS)
