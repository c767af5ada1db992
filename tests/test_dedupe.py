"""Posting identity and canonical URLs."""

import pytest

from pipeline.dedupe import (
    MIN_TEXT_OVERLAP,
    ListingIndex,
    canonical_url,
    listing_id_for,
    same_company,
    similarity,
)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://www.example.org/jobs/1/?utm_source=x&utm_medium=y#apply", "example.org/jobs/1"),
        ("http://example.org/jobs/1", "example.org/jobs/1"),
        (
            "https://boards.greenhouse.io/acme/jobs/9?gh_src=abc&gh_jid=9",
            "boards.greenhouse.io/acme/jobs/9",
        ),
        ("https://jobs.lever.co/acme/abc?lever-source=LinkedIn", "jobs.lever.co/acme/abc"),
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
    }
    assert index.resolve(first)[:2] == (listing_id_for("greenhouse", "1"), "new")
    assert index.resolve(first)[:2] == (listing_id_for("greenhouse", "1"), "posting")
    mirror = {
        "posting_id": "jsonld:x",
        "source": "jsonld",
        "source_id": "x",
        "canonical_url": "example.org/jobs/1",
    }
    assert index.resolve(mirror)[:2] == (listing_id_for("greenhouse", "1"), "url")
    other = {**mirror, "posting_id": "jsonld:y", "source_id": "y", "canonical_url": None}
    assert index.resolve(other)[:2] == (listing_id_for("jsonld", "y"), "new")


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
