"""Property-based tests: every parser takes arbitrary input without crashing, and its output
keeps its invariants."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.collect.raw import RawItemError, parse_raw_line
from pipeline.dedupe import canonical_url, company_key, parsed_canonical_url
from pipeline.tagging import hours
from pipeline.tagging.dates import deadline_date, posted_date
from pipeline.tagging.hours import HOUR_RANGES, hour_range, parse_hours
from pipeline.tagging.industry import load_taxonomy, tag_industry
from pipeline.tagging.kind import MICRO_MARKERS, PART_TIME_ONGOING, PROJECT, VOLUNTEER
from pipeline.tagging.normalize import normalize_posting, raw_hash
from pipeline.tagging.pay import parse_pay
from pipeline.tagging.remote import REMOTE_NO, REMOTE_YES
from pipeline.tagging.text import html_to_text, sanitize_html, search_word

TEXT = st.text(max_size=400)
EFFORT = st.one_of(
    TEXT,
    st.builds(
        lambda n, m, unit, tail: f"{n}-{m} {unit}{tail}",
        st.integers(0, 5000),
        st.integers(0, 5000),
        st.sampled_from(["hours", "hrs", "h", "hours per week", "minutes"]),
        st.sampled_from(["", " for 6 weeks", " over the summer", " total", " support"]),
    ),
)
SEEN = st.sampled_from([None, "2026-11-20T02:30:00Z", "not a time"])


@settings(max_examples=300, deadline=None)
@given(st.lists(EFFORT, max_size=3))
def test_hours_invariants(texts):
    found = parse_hours(texts)
    if found.total_max is not None:
        assert 0 < found.total_min <= found.total_max <= hours.MAX_TOTAL_HOURS
        assert hour_range(found.total_max) in HOUR_RANGES
    else:
        assert found.total_min is None
    if found.per_week_max is not None:
        assert 0 < found.per_week_min <= found.per_week_max <= 80


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=3), st.one_of(st.none(), st.floats(0.5, 500)))
def test_pay_invariants(texts, hours):
    pay = parse_pay(texts, hours, hours)
    if pay.min is not None:
        assert 0 <= pay.min <= pay.max
        assert pay.unit in {"fixed", "hour", "week", "month", "year", "stipend"}
        assert pay.unpaid is False
    if pay.per_hour is not None:
        assert pay.per_hour > 0


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), TEXT), st.lists(TEXT, max_size=2), SEEN)
def test_dates_never_crash(value, texts, seen):
    for day, failed in (deadline_date(value, texts, seen), posted_date(value, seen)):
        assert day is None or len(day) == 10
        assert isinstance(failed, bool)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_text_helpers_never_crash(text):
    assert isinstance(html_to_text(text), str)
    cleaned = sanitize_html(text)
    assert "<script" not in cleaned.lower()
    assert "javascript:" not in cleaned.lower() or "<a" not in cleaned.lower()
    canonical_url(text)
    company_key(text)
    tag = tag_industry(text, [text], text)
    assert tag.industry is None or tag.industry == "other" or tag.industry in load_taxonomy().labels


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_raw_lines_are_parsed_or_rejected_clearly(line):
    try:
        parse_raw_line(line)
    except RawItemError as exc:
        assert str(exc)


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(min_size=1, max_size=120).filter(str.strip),
    company=st.text(min_size=1, max_size=60).filter(str.strip),
    description=st.text(max_size=600),
    extra=st.fixed_dictionaries(
        {},
        optional={
            "hours_text": EFFORT,
            "pay_text": TEXT,
            "deadline": TEXT,
            "posted_at": TEXT,
            "location": TEXT,
            "employment_type": TEXT,
        },
    ),
)
def test_normalize_posting_never_crashes(title, company, description, extra):
    raw = {
        "source": "greenhouse",
        "source_id": "1",
        "url": "https://example.org/j/1",
        "title": title,
        "company": company,
        "description": description,
        "categories": [],
        "scraped_at": "2026-11-20T02:30:00Z",
        **extra,
    }
    posting = normalize_posting(raw)
    assert posting["hour_range"] == hour_range(posting["hours_max"])
    assert posting["is_micro"] is (posting["kind"] == "micro-internship")
    assert all(isinstance(issue, str) for issue in posting["issues"])


URL_PART = st.text(alphabet="abcXYZ019.-_/?#=&%@:~ \twW", max_size=20)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["http://", "https://", "https://www.", "HTTP://", ""]), URL_PART, URL_PART)
def test_canonical_url_fast_path_agrees_with_the_parser(scheme, host, path):
    url = f"{scheme}{host}/{path}"
    assert canonical_url(url) == parsed_canonical_url(url)


WORDY = st.text(alphabet="microntelsphjbadfuywk/- _éK1\n", max_size=60)
MARKER_PATTERNS = [MICRO_MARKERS, PART_TIME_ONGOING, VOLUNTEER, PROJECT, REMOTE_YES, REMOTE_NO]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(MARKER_PATTERNS), WORDY)
def test_search_word_agrees_with_a_leading_word_boundary(pattern, text):
    bounded = re.compile(rf"\b(?:{pattern.pattern})")
    found, expected = search_word(pattern, text), bounded.search(text)
    assert (found and found.span()) == (expected and expected.span())


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "description", "x"]), st.text(max_size=20)))
def test_raw_hash_takes_any_text(extra):
    raw = {"source": "lever", "source_id": "1", **extra, "note": "\ud800 lone surrogate"}
    assert len(raw_hash(raw)) == 32
