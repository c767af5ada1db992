"""Posting identity and canonical URLs."""

import pytest

from pipeline.dedupe import ListingIndex, canonical_url, listing_id_for


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
    assert index.resolve(first) == (listing_id_for("greenhouse", "1"), "new")
    assert index.resolve(first) == (listing_id_for("greenhouse", "1"), "posting")
    mirror = {
        "posting_id": "jsonld:x",
        "source": "jsonld",
        "source_id": "x",
        "canonical_url": "example.org/jobs/1",
    }
    assert index.resolve(mirror) == (listing_id_for("greenhouse", "1"), "url")
    other = {**mirror, "posting_id": "jsonld:y", "source_id": "y", "canonical_url": None}
    assert index.resolve(other) == (listing_id_for("jsonld", "y"), "new")
