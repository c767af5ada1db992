"""Normalization of raw items: pure, and honest about what is unknown."""

import copy
import html
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.tagging import remote as remote_module
from pipeline.tagging import text as text_module
from pipeline.tagging.kind import decide_kind
from pipeline.tagging.normalize import normalize_posting, normalize_postings
from pipeline.tagging.remote import REMOTE_NO, REMOTE_NO_WORDS, REMOTE_YES, REMOTE_YES_WORDS
from pipeline.tagging.text import html_to_text, iso_date, search_word

RAW = {
    "source": "greenhouse",
    "source_id": "42",
    "title": "  Micro-Internship:  Budget Review ",
    "company": "BrightPath Financial",
    "url": "https://job-boards.greenhouse.io/bp/jobs/42?gh_src=x",
    "description": "<p>Review a budget in Excel.</p><ul><li>8–12 hours</li></ul><script>x()</script>",
    "location": "Remote - US",
    "remote": None,
    "employment_type": "Contract",
    "posted_at": "2026-11-05T09:30:00-05:00",
    "deadline": "2026-12-01",
    "pay_text": None,
    "hours_text": None,
    "categories": ["Finance"],
    "scraped_at": "2026-11-25T02:30:00Z",
}


def test_normalize_posting_fields():
    posting = normalize_posting(RAW)
    assert posting == {
        "posting_id": "greenhouse:42",
        "source": "greenhouse",
        "source_id": "42",
        "url": "https://job-boards.greenhouse.io/bp/jobs/42?gh_src=x",
        "canonical_url": "job-boards.greenhouse.io/bp/jobs/42",
        "title": "Micro-Internship: Budget Review",
        "company": "BrightPath Financial",
        "company_key": "brightpath financial",
        "match_key": "brigh",
        "description": "Review a budget in Excel.\n8–12 hours",
        "description_html": "<p>Review a budget in Excel.</p><ul><li>8–12 hours</li></ul>",
        "location": "Remote - US",
        "remote": True,
        "employment_type": "Contract",
        "categories": ["Finance"],
        "industry": "finance",
        "industry_alt": "data",
        "industry_confidence": 0.93,
        "industry_evidence": "title: budget; category: finance; text: budget",
        "hours_min": 8,
        "hours_max": 12,
        "hours_evidence": "8–12 hours",
        "hour_range": "10-20",
        "hours_per_week_min": None,
        "hours_per_week_max": None,
        "duration_weeks": None,
        "kind": "micro-internship",
        "kind_evidence": "micro-internship: Micro-Internship: Budget Review",
        "is_micro": True,
        "pay_text": None,
        "pay_min": None,
        "pay_max": None,
        "pay_currency": None,
        "pay_unit": None,
        "pay_per_hour": None,
        "unpaid": None,
        "posted_at": "2026-11-05",
        "deadline": "2026-12-01",
        "expired": False,
        "seen_at": "2026-11-25T02:30:00Z",
        "raw_hash": posting["raw_hash"],
        "issues": [],
    }
    assert len(posting["raw_hash"]) == 32


def test_pay_dates_and_issues():
    posting = normalize_posting(
        {
            **RAW,
            "pay_text": "$300 for the project",
            "deadline": "ASAP",
            "description": "<p>About 10 hours. Apply by December 12.</p>",
        }
    )
    assert (posting["pay_min"], posting["pay_unit"], posting["pay_per_hour"]) == (
        300,
        "fixed",
        30.0,
    )
    assert posting["deadline"] == "2026-12-12"
    assert posting["issues"] == []
    unreadable = normalize_posting({**RAW, "deadline": "31/02/2026", "description": "x"})
    assert unreadable["deadline"] is None
    assert unreadable["issues"] == ["deadline_unreadable"]


def test_kinds():
    base = {**RAW, "title": "Analyst", "description": "Help our team.", "employment_type": None}
    cases = {
        "simulation": {"source": "forage", "title": "Data analytics job simulation"},
        "internship": {
            "title": "Summer Intern, Finance",
            "description": "A 10-week full-time summer internship.",
        },
        "job": {"title": "Staff Accountant", "employment_type": "Full-time"},
        "volunteer": {"title": "Volunteer tutor", "description": "An unpaid volunteer role."},
        "competition": {"title": "Fall case competition"},
        "micro-internship": {"title": "Survey cleanup", "description": "A paid 12-hour project."},
    }
    for kind, change in cases.items():
        posting = normalize_posting({**base, **change})
        assert posting["kind"] == kind, (kind, posting["kind"])
        assert posting["is_micro"] is (kind == "micro-internship")


def test_normalize_does_not_mutate_and_hash_ignores_scrape_time():
    raw = copy.deepcopy(RAW)
    first = normalize_posting(raw)
    assert raw == RAW
    later = normalize_posting({**RAW, "scraped_at": "2026-11-26T02:30:00Z"})
    assert later["raw_hash"] == first["raw_hash"]
    edited = normalize_posting({**RAW, "title": "Budget Review (paid)"})
    assert edited["raw_hash"] != first["raw_hash"]


def test_unknowns_stay_null():
    posting = normalize_posting(
        {
            **RAW,
            "description": "Help us.",
            "title": "Helper",
            "location": "Springfield",
            "employment_type": None,
            "categories": [],
            "deadline": "ASAP",
            "posted_at": None,
        }
    )
    for field in (
        "industry",
        "hours_min",
        "hours_max",
        "hour_range",
        "remote",
        "deadline",
        "posted_at",
        "pay_min",
        "unpaid",
    ):
        assert posting[field] is None, field


def test_seen_at_falls_back_for_exports():
    posting = normalize_posting({**RAW, "scraped_at": None}, seen_at="2026-01-01T00:00:00Z")
    assert posting["seen_at"] == "2026-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("title", "description", "employment_type", "hours_max", "expected"),
    [
        ("Micro-internship: Budget Review", "", None, None, True),
        ("Research project", "A 30-hour project.", None, 30, True),
        ("Data project", "", "Contract", 60, False),
        ("Senior Engineer", "", "Full-time", None, False),
        ("Operations Coordinator", "", "fulltime_permanent", None, False),
        ("Market sizing simulation", "Self-paced 4-5 hours", "Simulation (unpaid)", 5, False),
        ("Audit Virtual Work Experience", "Self-paced, about 3 hours.", None, 3, False),
        (
            "Design Intern",
            "This is not a micro-internship: a full semester.",
            "Intern",
            None,
            False,
        ),
        ("Coordinator", "Full-time position with benefits.", None, None, False),
        ("Helper", "Help us.", None, None, False),
    ],
)
def test_decide_is_micro(title, description, employment_type, hours_max, expected):
    kind = decide_kind(title, description, employment_type, hours_max, False, None)
    assert (kind.kind == "micro-internship") is expected


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>One</p><p>Two &amp; three</p>", "One\nTwo & three"),
        ("Plain   text\n\nlines", "Plain text\nlines"),
        ("<div><b>broken <i>html</div>", "broken html"),
        ("", ""),
    ],
)
def test_html_to_text(markup, text):
    assert html_to_text(markup) == text


ONE_BLOCK = re.compile(  # BLOCK as first written, each of its tags whole
    r"(?i)<\s*(?:(?:br\s*/?|/p|/li|/h[1-6]|/div|/tr|/ul|/ol|/table)\s*|"
    r"(?:p|li|h[1-6]|div|tr|ul|ol|table)\b[^>]*)>"
)
MARKUP_PIECES = ["<p>", "</P >", "<p class='x'>", "<br/>", "< br >", "<li>", "</li>", "<b>"]
MARKUP_PIECES += ["<BR / >", "</ p>", "< /div>", "<h2 id=x>", "<table>", "<pre>", "<Tr>"]
MARKUP_PIECES += ["</b>", "<a href='</p>'>", "&amp;", "&amp", "&#10;", "<", ">", "/", "p", "x"]
MARKUP_PIECES += [" ", "  ", "\n", "\t", "\r", "\x1c", "\xa0", "\u200b", "é"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(MARKUP_PIECES), max_size=16).map("".join))
def test_html_lines_are_as_with_a_line_break_for_each_block_tag(markup):
    text = text_module.TAG.sub(" ", ONE_BLOCK.sub("\n", f"<b>{markup}"))
    text = html.unescape(text)
    expected = "\n".join(filter(None, (" ".join(line.split()) for line in text.split("\n"))))
    assert html_to_text(f"<b>{markup}") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-05T09:30:00-05:00", "2026-11-05"),
        ("2026-12-20T23:59", "2026-12-20"),
        ("2026-11-25T02:30:00Z", "2026-11-25"),
        ("2026-02-31", None),
        ("ASAP", None),
        (None, None),
    ],
)
def test_iso_date(value, expected):
    assert iso_date(value) == expected


def test_a_batch_normalizes_as_its_items_do_one_at_a_time():
    """`normalize_postings` runs stage by stage over the batch: the same postings, in order."""
    devset = Path(__file__).parent / "devset"
    raws = [json.loads(line)["raw"] for line in (devset / "tagging.jsonl").open()]
    raws += [json.loads(line)["raw"] for line in (devset / "dedupe.jsonl").open()]
    raws.append({**RAW, "description": "x" * 1_000_001, "deadline": "ASAP"})
    raws.append({key: value for key, value in RAW.items() if key != "scraped_at"})
    assert len(raws) > 250
    before = copy.deepcopy(raws)
    batch = normalize_postings(raws, seen_at="2026-11-20T00:00:00Z")
    assert raws == before  # pure: the input is untouched
    one_by_one = [normalize_posting(raw, seen_at="2026-11-20T00:00:00Z") for raw in raws]
    assert batch == one_by_one
    assert batch[-1]["seen_at"] == "2026-11-20T00:00:00Z"
    assert batch[-2]["issues"] == ["description_truncated", "deadline_unreadable"]
    assert len({posting["posting_id"] for posting in batch}) > 200
    assert normalize_postings([]) == []


REMOTE_PIECES = ["on-site", "onsite", "on site", "in person", "in-person", "in office", "hybrid"]
REMOTE_PIECES += ["remote", "telecommute", "work from home", "work from anywhere", "fully remote"]
REMOTE_PIECES += [" or remote", "/remote", "-first", " first", "s", "x", " ", "-", "/", "İ"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(REMOTE_PIECES), max_size=8).map("".join))
def test_remote_words_are_in_every_match_of_their_pattern(text):
    for pattern, words in ((REMOTE_YES, REMOTE_YES_WORDS), (REMOTE_NO, REMOTE_NO_WORDS)):
        found = search_word(pattern, text) is not None
        assert remote_module._says(pattern, words, text) == found
