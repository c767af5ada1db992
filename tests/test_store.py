"""The SQLite store: shape, idempotent imports, FTS, listings across postings."""

import json

import pytest

from pipeline.collect.ingest import import_files
from pipeline.db import (
    ensure_db_shape,
    import_postings,
    open_db,
    rebuild_facet_counts,
    search_listings,
)
from pipeline.tagging.normalize import normalize_posting


def raw(source_id, **changes):
    item = {
        "source": "greenhouse",
        "source_id": source_id,
        "url": f"https://job-boards.greenhouse.io/acme/jobs/{source_id}",
        "title": "Micro-internship: Market Research",
        "company": "Acme",
        "description": "<p>Research five competitors. About 10 hours.</p>",
        "location": "Remote",
        "remote": None,
        "employment_type": None,
        "posted_at": None,
        "deadline": "2026-12-31",
        "pay_text": None,
        "hours_text": None,
        "categories": [],
        "scraped_at": "2026-11-20T02:30:00Z",
    }
    return {**item, **changes}


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "listings.db")


def snapshot(db):
    return {
        name: list(db.query(f"select * from {name} order by id"))
        for name in ("listings", "postings")
    }


def test_shape_is_idempotent(db):
    ensure_db_shape(db)
    ensure_db_shape(db)
    assert {"listings", "postings", "crawl_runs", "listings_fts"} <= set(db.table_names())
    assert "open_listings" in db.view_names()
    assert db.journal_mode == "wal"
    assert db.table("postings").foreign_keys[0].other_table == "listings"


def test_import_twice_changes_nothing(db, tmp_path):
    path = tmp_path / "raw.jsonl"
    projects = [
        ("Market research", "Research five competitors."),
        ("Logo design", "Draw a logo."),
        ("Budget review", "Check a budget model in Excel."),
    ]
    items = [raw(str(n), title=t, description=d) for n, (t, d) in enumerate(projects)]
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n")
    first, _ = import_files(db, [path])
    before = snapshot(db)
    second, _ = import_files(db, [path])
    assert (first.new_listings, first.postings) == (3, 3)
    assert (second.new_listings, second.updated_listings, second.unchanged) == (0, 0, 3)
    assert snapshot(db) == before


def test_fts_finds_a_word(db):
    import_postings(
        db,
        [
            normalize_posting(raw("1")),
            normalize_posting(raw("2", title="Logo design sprint", description="Draw a logo.")),
        ],
    )
    rows = search_listings(db, "competitors")
    assert [row["title"] for row in rows] == ["Micro-internship: Market Research"]


def test_later_crawl_updates_and_earlier_capture_does_not_overwrite(db):
    import_postings(db, [normalize_posting(raw("1"))])
    newer = raw("1", title="Market Research (extended)", scraped_at="2026-11-22T02:30:00Z")
    result = import_postings(db, [normalize_posting(newer)])
    assert result.updated_listings == 1
    older = raw("1", title="Old title", scraped_at="2026-11-18T02:30:00Z")
    import_postings(db, [normalize_posting(older)])
    listing = next(iter(db.query("select * from listings")))
    assert listing["title"] == "Market Research (extended)"
    assert (listing["first_seen"], listing["last_seen"]) == (
        "2026-11-18T02:30:00Z",
        "2026-11-22T02:30:00Z",
    )


def test_seen_again_only_moves_last_seen(db):
    import_postings(db, [normalize_posting(raw("1"))])
    result = import_postings(db, [normalize_posting(raw("1", scraped_at="2026-11-21T02:30:00Z"))])
    assert (result.seen_again, result.updated_listings) == (1, 0)
    listing = next(iter(db.query("select first_seen, last_seen from listings")))
    assert listing == {"first_seen": "2026-11-20T02:30:00Z", "last_seen": "2026-11-21T02:30:00Z"}


def test_same_url_on_two_sources_is_one_listing(db):
    url = "https://acme.example/careers/market-research"
    import_postings(
        db,
        [
            normalize_posting(raw("1", url=url + "?utm_source=greenhouse")),
            normalize_posting(raw("jobs/market-research", source="jsonld", url=url + "/")),
        ],
    )
    listing = next(iter(db.query("select * from listings")))
    assert db.table("listings").count == 1
    assert json.loads(listing["sources"]) == ["greenhouse", "jsonld"]
    assert listing["postings_count"] == 2
    matched = {r["source"]: r["matched_by"] for r in db.query("select * from postings")}
    assert matched == {"greenhouse": "new", "jsonld": "url"}


def test_status_expired_after_deadline(db):
    import_postings(db, [normalize_posting(raw("1", deadline="2026-11-01"))])
    assert next(iter(db.query("select status from listings")))["status"] == "expired"


def test_one_sources_list_page_url_never_merges_its_postings(db):
    """A URL one source gives two of its postings (a list page, a board's search page) is not
    a job's identity: two different jobs stay two listings."""
    page = "https://example.com/jobs/search"
    import_postings(
        db,
        [
            normalize_posting(raw("111", url=f"{page}?gh_jid=111", title="Data Analyst")),
            normalize_posting(raw("222", url=page, title="Brand Designer")),
            normalize_posting(raw("333", url=page, title="Payroll Specialist")),
        ],
    )
    titles = {row["title"] for row in db.query("select title from listings")}
    assert titles == {"Data Analyst", "Brand Designer", "Payroll Specialist"}


def test_one_sources_variants_of_a_template_stay_apart(db):
    junior = raw("1", title="Junior Backend Engineer", description="<p>Build our APIs.</p>")
    senior = raw("2", title="Senior Backend Engineer", description="<p>Build our APIs.</p>")
    part_time = raw("3", title="Backend Engineer (Part-time)", description="<p>Build our APIs.</p>")
    full_time = raw("4", title="Backend Engineer", description="<p>Build our APIs.</p>")
    import_postings(
        db, [normalize_posting(item) for item in (junior, senior, part_time, full_time)]
    )
    assert db.table("listings").count == 4


def test_repost_under_a_new_id_joins_its_listing(db):
    import_postings(db, [normalize_posting(raw("1"))])
    repost = raw("2", scraped_at="2026-12-01T02:30:00Z", deadline="2027-01-15")
    result = import_postings(db, [normalize_posting(repost)])
    assert (result.new_listings, result.updated_listings) == (0, 1)
    [merge] = list(db.query("select * from merges"))
    assert (merge["posting"], merge["matched_by"]) == ("greenhouse:2", "similar")
    assert merge["match_score"] == 1.0
    listing = next(iter(db.query("select * from listings")))
    assert (listing["postings_count"], listing["deadline"]) == (2, "2027-01-15")


def test_a_file_imported_in_batches_is_one_transaction(db, tmp_path, monkeypatch):
    """Big files are stored a batch at a time (bounded memory) yet stay all-or-nothing: the
    duplicates across batch boundaries still join their listings."""
    from pipeline.collect import ingest
    from pipeline.db import upserts

    items = [
        raw(str(n), title=f"Project {n} research", description=f"Study {n}.") for n in range(7)
    ]
    # the same jobs listed by another source: one listing each across the batch boundaries
    items += [
        raw(f"repost-{n}", source="jsonld", url=items[n]["url"] + "?gh_src=x") for n in range(3)
    ]
    path = tmp_path / "raw.jsonl"
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n")
    monkeypatch.setattr(upserts, "IMPORT_BATCH", 3)
    result, _ = import_files(db, [path])
    assert (result.postings, db.table("listings").count, db.table("postings").count) == (10, 7, 10)

    def failing_postings():
        yield from (normalize_posting(raw(f"new-{n}")) for n in range(4))
        raise RuntimeError("the capture ends mid-way")

    monkeypatch.setattr(ingest, "normalize_postings", lambda items, seen_at: items)
    monkeypatch.setattr(ingest, "NORMALIZE_BATCH", 2)  # a batch of 3 is stored before the end
    before = snapshot(db)
    path.write_text("")
    monkeypatch.setattr(ingest, "iter_raw_file", lambda *_: enumerate(failing_postings()))
    with pytest.raises(RuntimeError):
        import_files(db, [path])
    assert snapshot(db) == before


def fts_ids(db, query):
    return [row["id"] for row in search_listings(db, query)]


def test_search_follows_new_titles_and_texts(db):
    import_postings(db, [normalize_posting(raw("1"))])
    changed = raw(
        "1",
        title="Logo design sprint",
        description="<p>Draw a mascot. About 10 hours.</p>",
        scraped_at="2026-11-22T02:30:00Z",
    )
    import_postings(db, [normalize_posting(changed)])
    [listing_id] = [row["id"] for row in db.query("select id from listings")]
    assert fts_ids(db, "mascot") == fts_ids(db, "logo") == [listing_id]
    assert fts_ids(db, "competitors") == fts_ids(db, "research") == []
    text = db.execute("select description_text from listing_texts").fetchone()[0]
    assert text == "Draw a mascot. About 10 hours."
    db.execute("insert into listings_fts(listings_fts) values ('integrity-check')")


def test_listings_stay_narrow(db):
    import_postings(db, [normalize_posting(raw("1"))])
    assert not {"description_text", "description_html"} & set(db.table("listings").columns_dict)
    [texts] = list(db.query("select * from listing_texts"))
    assert texts["description_html"] == "<p>Research five competitors. About 10 hours.</p>"
    assert db.table("listing_texts").foreign_keys[0].other_table == "listings"


def old_layout(path):
    """A database as the layout before listing_texts built it: descriptions in listings,
    sqlite-utils' FTS with its triggers."""
    from sqlite_utils import Database

    from pipeline.db import LISTING_COLUMNS

    old = Database(path)
    columns = dict(LISTING_COLUMNS)
    columns = {
        **{k: v for k, v in columns.items() if k != "location"},
        "description_text": str,
        "description_html": str,
    }
    old["listings"].create(columns, pk="id", not_null={"id"})
    old["listings"].enable_fts(
        ["title", "company", "description_text"], create_triggers=True, tokenize="porter"
    )
    for number, words in enumerate(["budget spreadsheet", "logo mascot", "survey dashboard"]):
        old["listings"].insert(
            {
                "id": f"old{number}",
                "title": f"Project {number}",
                "company": "Acme",
                "description_text": f"Help with a {words}.",
                "description_html": f"<p>Help with a {words}.</p>",
                "status": "open",
                "first_seen": f"2026-11-0{number + 1}T00:00:00Z",
                "last_seen": f"2026-11-0{number + 1}T00:00:00Z",
            }
        )
    old.conn.commit()
    rowids = dict(old.execute("select id, rowid from listings").fetchall())
    old.close()
    return rowids


def test_older_database_is_reshaped(tmp_path):
    path = tmp_path / "listings.db"
    rowids = old_layout(path)
    db = open_db(path)
    assert not {"description_text", "description_html"} & set(db.table("listings").columns_dict)
    assert "location" in db.table("listings").columns_dict
    assert dict(db.execute("select id, rowid from listings").fetchall()) == rowids
    texts = dict(db.execute("select id, description_html from listing_texts").fetchall())
    assert texts["old1"] == "<p>Help with a logo mascot.</p>"
    assert fts_ids(db, "mascot") == ["old1"]
    assert sorted(fts_ids(db, "acme")) == ["old0", "old1", "old2"]
    assert db.execute("pragma user_version").fetchone()[0] >= 2
    triggers = {r[0] for r in db.execute("select name from sqlite_master where type='trigger'")}
    assert not triggers & {"listings_ai", "listings_ad", "listings_au"}
    assert kept_counts(db) == fresh_counts(db) and kept_counts(db)[("company", "Acme")] == 3
    ensure_db_shape(db)  # a second run changes nothing
    assert fts_ids(db, "dashboard") == ["old2"]
    db.execute("insert into listings_fts(listings_fts) values ('integrity-check')")


def kept_counts(db):
    return {
        (row["facet"], row["value"]): row["listings"]
        for row in db.query("select * from listings_facet_counts")
    }


def fresh_counts(db):
    from pipeline.db import FACET_COUNT_COLUMNS

    counts = {}
    for column in FACET_COUNT_COLUMNS:
        for value, count in db.execute(
            f"select [{column}], count(*) from listings where [{column}] is not null "
            f"group by [{column}]"
        ).fetchall():
            counts[(column, value)] = count
    return counts


def test_facet_counts_follow_imports_and_closing(db):
    from pipeline.db import update_lifecycle

    import_postings(
        db,
        [
            normalize_posting(raw("1")),
            normalize_posting(raw("2", title="Logo design", description="Draw a logo.")),
        ],
        feed="greenhouse-acme",
    )
    assert kept_counts(db) == fresh_counts(db) and kept_counts(db)[("status", "open")] == 2
    moved = raw(
        "2",
        title="Logo design",
        description="Draw a logo.",
        source="lever",
        scraped_at="2026-11-22T02:30:00Z",
    )
    import_postings(db, [normalize_posting(moved)], feed="lever-acme")
    for _ in range(2):
        update_lifecycle(db, "greenhouse-acme", set(), "2026-11-23T02:30:00Z")
    assert kept_counts(db) == fresh_counts(db)
    assert kept_counts(db)[("status", "closed")] == 1
    assert kept_counts(db)[("sources", '["greenhouse", "lever"]')] == 1
    db.execute("delete from listings")  # a write outside the store: rebuild repairs the counts
    rebuild_facet_counts(db)
    assert kept_counts(db) == {}


def test_search_index_and_counts_stay_in_step_over_many_changes(db):
    """Titles, texts, companies and statuses changing over several imports and closings: the
    search index answers like one rebuilt from scratch, and the kept counts like a fresh count."""
    from pipeline.db import rebuild_search, update_lifecycle

    words = ["audit", "survey", "mascot", "budget", "podcast"]
    for night in range(4):
        stamp = f"2026-11-2{night}T02:30:00Z"
        items = [
            raw(
                str(n),
                title=f"{words[(n + night) % 5].title()} project {n}",
                description=f"<p>A {words[(n * night) % 5]} task. About {5 + n} hours.</p>",
                company="Acme" if (n + night) % 3 else "Borealis",
                scraped_at=stamp,
            )
            for n in range(night, night + 6)
        ]
        import_postings(db, [normalize_posting(item) for item in items], feed="greenhouse-acme")
        update_lifecycle(
            db,
            "greenhouse-acme",
            {f"greenhouse:{i['source_id']}" for i in items},
            stamp,
            close_after=1,
        )
        db.execute("insert into listings_fts(listings_fts) values ('integrity-check')")
        assert kept_counts(db) == fresh_counts(db)
        found = {w: fts_ids(db, w) for w in [*words, "acme", "borealis", "project"]}
        rebuild_search(db)
        assert {w: fts_ids(db, w) for w in found} == found
    assert db.execute("select count(*) from listings where status = 'closed'").fetchone()[0]
