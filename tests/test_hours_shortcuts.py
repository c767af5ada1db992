"""The hours stage's search shortcuts against the plain searches they stand for: a digit test,
spans merged at once, and the cues (`pipeline.tagging.hours.cues`) that decide which patterns
run."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.tagging import text as text_module
from pipeline.tagging.hours import cues, figures, periods, totals, weekly
from pipeline.tagging.text import holds_any
from tests.test_search_shortcuts import joined


@settings(max_examples=500, deadline=None)
@given(joined(["5", "0", "٣", "²", "x", " ", "é", "-", "h"], 8))
def test_digit_test_finds_what_the_digit_pattern_finds(text):
    assert figures.has_digit(text) == (figures.DIGIT.search(text) is not None)


def _merged_one_by_one(points: list[int], radius: int, length: int) -> list[list[int]]:
    spans: list[list[int]] = []
    for at in sorted(points):
        start, end = max(0, at - radius), min(length, at + radius)
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return spans


@settings(max_examples=500, deadline=None)
@given(st.lists(st.integers(0, 400), max_size=6), st.integers(0, 150), st.integers(0, 400))
def test_spans_merged_at_once_are_the_spans_merged_one_by_one(points, radius, length):
    expected = _merged_one_by_one(points, radius, length)
    assert text_module.merge_spans(points, radius, length) == expected


# Text dense in the cues of the hours patterns, number words and the figures they need, in
# pieces and in phrases that state hours.
CUE_SOUP = joined(
    [
        *("three", "thirty-three", "one hundred", "a dozen", "twenty", "5", "12", "٣", " ", "-"),
        *("h", "hr", "hrs", "hour", "hours", "week", "per week", "day", "a day", "each", " each"),
        *("min", "minutes", "session", "sessions", "for", "over", "about", ":", "estimated hours"),
        *("commitment", "up to", "mon-fri", "monday to friday", "9am-5pm", "month", "summer"),
        *("semester", "\xa0", "\n", ".", "(", ")", "x", "é"),
        *("5 hours", "three hours", "10-15 hrs", "2 h", "8h", "٣ h", "5\xa0h", "4 hrs p/w"),
        *(" per week", " a week", " for 3 weeks", " over three months", "estimated hours: 10"),
        *("about 20 hours", "90 minutes", "three 2-hour sessions", "2 hours a day for 5 days"),
        *("30 minutes a day, monday to friday, for two weeks", "up to 40 hours/week"),
        *("3 full days per week", "a summer internship", "january through april", " each"),
    ],
    12,
)


def _cues_by_substring(text: str) -> set[str]:
    tables = [periods.WEEKS_WORDS, weekly.WEEKLY_CUES, totals.TOTAL_CUES]
    return {cue for table in tables for cue, words in table.items() if holds_any(text, words)}


@settings(max_examples=1000, deadline=None)
@given(CUE_SOUP)
def test_cues_found_before_number_words_become_digits_are_those_after(text):
    digits, found = cues.cleaned_with_cues(text)
    assert digits == figures.words_to_digits(text)
    expected = _cues_by_substring(digits)
    assert expected <= found and found - {"hr"} == expected - {"hr"}


ALL_CUES = {cue for table in (weekly.WEEKLY_CUES, totals.TOTAL_CUES) for cue in table}


@settings(max_examples=1000, deadline=None)
@given(CUE_SOUP, st.booleans())
def test_total_is_found_with_cues_as_with_every_pattern_tried(text, body):
    found = totals.total_in(text, body, cues.cues_in(text))
    assert found == totals.total_in(text, body, ALL_CUES)
    assert found == totals.find_total(text, body)


@settings(max_examples=1000, deadline=None)
@given(CUE_SOUP)
def test_weekly_and_weeks_are_found_with_cues_as_without(text):
    found = cues.cues_in(text)
    assert weekly.weekly_in(text, found) == weekly.find_weekly(text)
    assert periods.weeks_in(text, found) == periods.find_weeks(text)


@settings(max_examples=1000, deadline=None)
@given(CUE_SOUP)
def test_every_total_figure_has_a_unit_cue(text):
    if totals.TOTAL.search(text):
        assert "hour" in text or "hr" in text or totals.LONE_H.search(text)
