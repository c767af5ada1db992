"""Posting identity and canonical URLs."""

import pytest

from pipeline.dedupe import (
    MIN_TEXT_OVERLAP,
    ListingIndex,
    board_of,
    canonical_url,
    compare_across,
    features,
    listing_id_for,
    same_company,
    similarity,
)

NIGHT = "2026-03-01T02:30:00Z"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://www.example.org/jobs/1/?utm_source=x&utm_medium=y#apply", "example.org/jobs/1"),
        ("http://example.org/jobs/1", "example.org/jobs/1"),
        (
            "https://boards.greenhouse.io/acme/jobs/9?gh_src=abc&gh_jid=9",
            "boards.greenhouse.io/acme/jobs/9?gh_jid=9",  # gh_jid names the job
        ),
        ("https://jobs.lever.co/acme/abc?lever-source=LinkedIn", "jobs.lever.co/acme/abc"),
        ("https://stripe.com/jobs/search?gh_jid=111", "stripe.com/jobs/search?gh_jid=111"),
        ("https://example.org/apply?id=7&ref=mail", "example.org/apply?id=7"),
        ("https://EXAMPLE.org:443/a", "example.org/a"),
        ("http://127.0.0.1:8765/jobs/a.html", "127.0.0.1:8765/jobs/a.html"),
        ("not a url", None),
        ("", None),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_index_matches_by_posting_then_url():
    index = ListingIndex()
    first = {
        "posting_id": "greenhouse:1",
        "source": "greenhouse",
        "source_id": "1",
        "canonical_url": "example.org/jobs/1",
        "seen_at": NIGHT,
    }
    first_id = listing_id_for("greenhouse", "1", NIGHT)
    assert index.resolve(first)[:2] == (first_id, "new")
    assert index.resolve(first)[:2] == (first_id, "posting")
    mirror = {
        "posting_id": "jsonld:x",
        "source": "jsonld",
        "source_id": "x",
        "canonical_url": "example.org/jobs/1",
    }
    assert index.resolve(mirror)[:2] == (first_id, "url")
    other = {**mirror, "posting_id": "jsonld:y", "source_id": "y", "canonical_url": None}
    assert index.resolve(other)[:2] == (listing_id_for("jsonld", "y", None), "new")


def test_listing_ids_sort_in_the_order_listings_were_first_seen():
    nights = ["2026-03-01T02:30:00Z", "2026-03-01T02:30:01Z", "2026-03-02T02:30:00Z"]
    by_night = [sorted(listing_id_for(source, "1", night) for source in "abc") for night in nights]
    ids = [id_ for night in by_night for id_ in night]
    assert sorted(ids) == ids  # each night's ids after the ids of the nights before
    assert len(set(ids)) == len(ids) and {len(i) for i in ids} == {22}
    first = listing_id_for("a", "1", nights[0])
    assert listing_id_for("a", "1", "2026-03-01T03:30:00+01:00") == first  # same instant
    assert listing_id_for("a", "1", "2026-03-01T02:30:00") == first  # no offset: UTC
    assert listing_id_for("a", "1", "ASAP") == listing_id_for("a", "1", None)
    assert listing_id_for("a", "1", None).startswith("0000000")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Acme Corp.", "ACME, Inc.", True),
        ("Sable & Finch", "Sable and Finch Consulting", True),
        ("Northgate CU", "Northgate Credit Union", True),
        ("NimbusPay", "Nimbus Pay", True),
        ("Juniper Lane Hotels", "Juniper Lane Hotel Group", True),
        ("Halcyon Foods", "Prism Point Marketing", False),
        ("Cobalt Ridge Capital", "Heronsgate Capital", False),
    ],
)
def test_same_company(a, b, same):
    assert same_company(a, b) is same


def posting(title, company="Larkspur Mobility", location="Boston, MA", hours=15, text=None):
    text = (
        text or "Count scooters parked on sidewalks near transit stops and map the problem spots."
    )
    return {
        "title": title,
        "company": company,
        "location": location,
        "hours_max": hours,
        "description": text,
    }


@pytest.mark.parametrize(
    ("b", "same"),
    [
        (posting("Parking Audit (Micro-internship)"), True),  # generic words dropped
        (posting("Scooter Parking Audit"), True),  # a word added
        (posting("Micro-Internship: Parking Audit — Chicago", location="Chicago, IL"), False),
        (posting("Micro-Internship: Parking Audit", hours=40), False),  # another size
        (posting("Micro-Internship: Parking Survey"), False),  # a word replaced
        (posting("Micro-Internship: Parking Audit 2027"), False),  # a year added
        (posting("Micro-Internship: Parking Audit", company="Kinfolk Grocers"), False),
        (posting("Micro-Internship: Parking Audit", text="Design a logo for our new app."), False),
    ],
)
def test_similarity(b, same):
    a = posting("Micro-Internship: Parking Audit")
    score = similarity(a, b)
    assert (score is not None and score >= MIN_TEXT_OVERLAP) is same


def test_index_matches_similar_postings_in_a_block():
    index = ListingIndex()
    first = {
        "posting_id": "greenhouse:1",
        "source": "greenhouse",
        "source_id": "1",
        "canonical_url": "a.example/1",
        "match_key": "larks",
        **posting("Micro-Internship: Parking Audit"),
    }
    mirror = {
        **first,
        "posting_id": "jsonld:x",
        "source": "jsonld",
        "source_id": "x",
        "canonical_url": "b.example/x",
        "title": "Parking Audit (Micro-Internship)",
    }
    listing, how, _ = index.resolve(first)
    assert how == "new"
    assert index.resolve(mirror)[:2] == (listing, "similar")


def test_a_reworded_title_on_another_source_is_one_listing():
    career_page = {
        "company": "Hollis and Grant Architects, Inc.",
        "title": "Zoning Research Brief (Cambridge, MA) - Micro-Internship",
        "description": "Summarize the zoning code for three lots and map the setbacks. "
        "About 20 hours over two weeks, paid $25 an hour, remote.",
        "location": None,
        "hours_max": 20,
    }
    board = {
        **career_page,
        "company": "Hollis & Grant Architects",
        "title": "Zoning Code Research Brief: Cambridge",
    }
    other_project = {**board, "title": "Zoning Code Research Brief: Somerville"}
    assert similarity(career_page, board) is None  # a word replaced: not by exact title words
    assert compare_across(features(career_page), features(board)) >= 0.9
    assert compare_across(features(board), features(other_project)) is None


def test_a_board_is_where_its_postings_live():
    assert board_of("greenhouse", "job-boards.greenhouse.io/impact/jobs/1") == board_of(
        "greenhouse", "job-boards.greenhouse.io/impact/jobs/2"
    )
    assert board_of("greenhouse", "job-boards.greenhouse.io/impact/jobs/1") != board_of(
        "greenhouse", "job-boards.greenhouse.io/takealot/jobs/1"
    )
    assert board_of("jsonld", "careers.a.edu/jobs/1") != board_of("jsonld", "b.com/careers/1")


def test_other_pay_or_a_deadline_weeks_apart_tells_two_jobs_across_sources():
    page = {
        "company": "Kelpie Logistics B.V.",
        "title": "Pricing Data Analyst (Senior) - Rotterdam",
        "description": "Own the pricing models of our road freight lanes, build the dashboards "
        "our sales team quotes from, and run the yearly tender analysis with finance.",
        "location": "Rotterdam, NL",
        "pay_min": 60000,
        "pay_max": 70000,
        "pay_unit": "year",
        "deadline": "2026-12-15",
    }
    board = {**page, "company": "Kelpie Logistics", "title": "Senior Data Analyst, Pricing"}
    assert compare_across(features(page), features(board)) is not None
    other_pay = {**board, "pay_min": 90000, "pay_max": 100000}
    assert compare_across(features(page), features(other_pay)) is None
    later = {**board, "deadline": "2027-02-01"}
    assert compare_across(features(page), features(later)) is None
    assert compare_across(features(page), features({**board, "deadline": None})) is not None
