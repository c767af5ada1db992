"""Property tests of the search shortcuts: each pass that looks for a pattern only where its
words are (one automaton pass, a cheap substring test first) finds what the plain search finds."""

import re

from ahocorasick_rs import AhoCorasick
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.dedupe.comparison import SEASON_OR_YEAR, _title_seasons
from pipeline.tagging import chunks, dates, kind, money, pay
from pipeline.tagging import remote as remote_module
from pipeline.tagging import text as text_module
from pipeline.tagging.hours import figures, focus, totals
from pipeline.tagging.industry import load_taxonomy
from pipeline.tagging.remote import NOT_REMOTE_TEXT
from pipeline.tagging.text import folds_like_lower, html_to_text, search_word


def joined(pieces: list[str], max_size: int) -> st.SearchStrategy[str]:
    """Texts made of up to `max_size` of `pieces`, in any order and number."""
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


# Text dense in the hints, number words and markers the one-pass searches look for, with the
# characters that fold unlike str.lower() and a non-ASCII digit.
HINTY = joined(
    [
        *("hour", "hrs", "hr.", "hr ", "h", "5", "٣", "5h", "٣h", "week", "wk", " day"),
        *("full-time",),
        *("min", "summer", "$", "usd", "aud", "no pay", "no ", "not paid", "volunteer", "€"),
        *("eleven", "twenty", "one", "hundred", "half a dozen", "micro-internship"),
        *("a dozen", "a hundred", "often", "someone", "-five"),
        *("project-based internship", "paid short project", "short-term project"),
        *("freelance project", "mini internship", "micro", "project", " ", "-", "_", "x"),
        *("é", "İ", "ı", "ſ"),
    ],
    30,
)


def _every_start(text: str, needles) -> set[int]:
    return {at for needle in needles for at in range(len(text)) if text.startswith(needle, at)}


@settings(max_examples=500, deadline=None)
@given(HINTY)
def test_hour_hints_are_found_where_each_one_starts(text):
    lower = text.lower()
    fives = {match.start() for match in re.finditer(r"\dh\b", lower)}
    assert set(focus._hint_points(lower)) == _every_start(lower, focus.HINTS) | fives


@settings(max_examples=500, deadline=None)
@given(HINTY)
def test_number_words_become_digits_wherever_they_are(text):
    lower = text.lower()
    assert figures.words_to_digits(lower) == figures.WORD_NUMBER.sub(figures._number, lower)


@settings(max_examples=500, deadline=None)
@given(HINTY)
def test_pay_hints_are_found_where_each_one_starts(text):
    lower = text.lower()
    after = any(hint in lower for hint in pay.AFTER_CURRENCY_HINTS)
    points, after_currency = pay._hint_points(lower)
    assert (set(points), after_currency) == (_every_start(lower, pay.HINTS), after)


@settings(max_examples=500, deadline=None)
@given(HINTY)
def test_micro_markers_are_tried_where_their_first_words_start(text):
    lower = text.lower()
    expected = any(
        not text_module.word_char_at(lower, match.start() - 1)
        and not kind._denied(lower, match.start())
        for at in range(len(lower))
        if (match := kind.MICRO_MARKERS.match(lower, at))
    )
    assert (kind._micro_marker(lower, kind._starts(lower)[0]) is not None) == expected


REGULAR_SOUP = joined(
    [
        *("open", "open-ended", "ended", "contract", "health", "care", "insurance", "401", "(k)"),
        *("k", "per", "annum", "salary", "range", "base", "annual", "equity", "stake", "cdi"),
        *("contrat", "à", "durée", "indéterminée", "medical,", "dental", "stock", "options"),
        *("benefits", "package", "permanent", "role", "x", "_", "é", " ", "  ", "-", "\n"),
    ],
    30,
)


@settings(max_examples=500, deadline=None)
@given(REGULAR_SOUP)
def test_regular_text_is_tried_where_its_starts_start(text):
    lower = text.lower()
    expected = next(
        (
            match.span()
            for at in range(len(lower))
            if not text_module.word_char_at(lower, at - 1)
            and (match := kind.REGULAR_TEXT.match(lower, at))
        ),
        None,
    )
    found = text_module.first_match_at(kind.REGULAR_TEXT, lower, kind._starts(lower)[1])
    assert (found and found.span()) == expected


GUARDED = [
    (kind.SIMULATION, kind.SIMULATION_WORDS),
    (kind.COMPETITION, kind.COMPETITION_WORDS),
    (kind.FELLOWSHIP, kind.FELLOWSHIP_WORDS),
    (kind.FULL_TIME_JOB, kind.FULL_TIME_WORDS),
]
KIND_WORDS = joined(
    [
        *("Simulation", "virtual work experience program", "Case Competition", "HACKATHON"),
        *("challenge", "Fellows", "full time", "Full-Time", "permanent", "Intern", "co-op"),
        *("coop", "ſ", "İ", "ı", "K", " ", "-", "_", "x", "é"),
    ],
    6,
)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(GUARDED), KIND_WORDS)
def test_each_kind_pattern_needs_one_of_its_words(guarded, text):
    pattern, words = guarded
    if pattern.search(text) and folds_like_lower(text):
        assert any(word in text.lower() for word in words)


WORD_SOUP = joined(
    [
        *("data", "design", "sql", "front-end", "c++", "c#", "r&d", "p&l", "24/7", "ux"),
        *("marketing", "social media", "it", "qa", "fp&a", "proofreading", "analysis"),
        *("data analysis", "market research", "go-to-market strategy", "prospecting"),
        *("copyediting", "power bi", "grant writing", "résumé", "p&l"),
        *(" ", "  ", ".", "..", "-", "--", "'", "/", ",", "\n", "_", "é", "İ", "x", "7"),
    ],
    80,
)


@settings(max_examples=500, deadline=None)
@given(WORD_SOUP)
def test_automaton_finds_the_chunks_a_split_finds(text):
    taxonomy = load_taxonomy()
    lower = text.lower()
    keys = taxonomy.chunk_keys.intersection(chunks.chunks_of(lower))
    expected = set(map(taxonomy.chunk_words.__getitem__, keys))
    scanned = taxonomy._scan(lower)
    assert (scanned is None) == chunks.connectors_touch(chunks.separated(lower))
    if scanned is not None:
        assert scanned & set(taxonomy.chunk_words.values()) == expected
        assert taxonomy._found_by_scan(lower, scanned) == taxonomy._found_by_split(lower)


@settings(max_examples=200, deadline=None)
@given(WORD_SOUP)
def test_remembered_phrases_are_the_phrases(text):
    taxonomy = load_taxonomy()
    assert set(taxonomy.found_in_repeated(text)) == taxonomy.found_in(text)
    assert set(taxonomy.found_in_repeated(text)) == taxonomy.found_in(text)  # from memory


DEADLINE_TEXT = joined(
    [
        *("Apply by March 3", "applications close on 2026-04-01", "Deadline: 12/05"),
        *("closing date is 1st of May", "submit your application by june 2"),
        *("accepting applications until Friday, May 9, 2026", "open until 3/4", "xapply"),
        *("application", "APPLY BEFORE", " ", "\n", "-", "_", "x", "ſ", "İ", "ı", "é", "9"),
    ],
    12,
)


@settings(max_examples=500, deadline=None)
@given(DEADLINE_TEXT)
def test_deadline_is_searched_where_its_words_start(text):
    found = dates._search_deadline(text, text.lower())
    expected = dates.DEADLINE.search(text)
    assert (found and found.span()) == (expected and expected.span())


@settings(max_examples=500, deadline=None)
@given(joined(["<", "S", "s", "C", "cript", "RIPT", "tyle", "TYLE", "İ", "ſ", "K", " "], 10))
def test_script_check_finds_what_the_lower_cased_check_finds(text):
    lower = text.lower()
    if "<script" in lower or "<style" in lower:
        assert text_module.SCRIPT_OR_STYLE_OPENING.search(text)
    assert text_module._holds_script_or_style(text) == ("<script" in lower or "<style" in lower)


# Spaces of every kind, and characters that are not spaces, printable or not.
SPACEY = joined(
    [" ", "  ", "\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2003"]
    + ["\u3000", "\u2028", "\u200b", "a", "b", "é"],
    30,
)


@settings(max_examples=500, deadline=None)
@given(SPACEY)
def test_a_line_is_its_words_joined_by_single_spaces(line):
    assert text_module._one_line(line) == " ".join(line.split())


# NOT_REMOTE_TEXT as written with its alternatives grouped, before each was made to start with a
# character the regex engine can skip to.
GROUPED_NOT_REMOTE_TEXT = re.compile(
    r"hybrid (?:role|position|job|work|working|schedule|model|setup|set-up|arrangement|policy"
    r"|environment|opportunity|basis)\b|(?:role|position|job) is hybrid\b"
    r"|(?:work|working) hybrid\b|\d days? (?:a|per|each) week (?:in|at|from) (?:the|our) office\b"
    r"|in[- ]office (?:\d|two|three|four) days\b"
    r"|(?:fully |100% )?on[- ]?site (?:role|position|job)\b"
)


@settings(max_examples=500, deadline=None)
@given(
    joined(
        [
            *("hybrid ", "role", "job is hybrid", "position is hybrid", "role is hybrid"),
            *("work hybrid", "working hybrid", "fully on-site role", "100% onsite job"),
            *("on site position", "in-office 3 days", "2 days per week in the office"),
            *(" ", "x", ".", "\n", "١", "-", "in office two days"),
        ],
        8,
    )
)
def test_not_remote_text_matches_as_grouped(text):
    for at in (0, 1, 3):
        found, grouped = NOT_REMOTE_TEXT.search(text, at), GROUPED_NOT_REMOTE_TEXT.search(text, at)
        assert (found and found.span()) == (grouped and grouped.span())


@settings(max_examples=500, deadline=None)
@given(
    joined(
        [
            *("hybrid ", "role", "hybrid role", "job is hybrid", "work hybrid", "site", "office"),
            *("fully on-site role", "onsite job", "2 days per week in the office", "x" * 30),
            *(" ", "x", ".", "\n", "١", "-", "in office two days", "remote "),
        ],
        12,
    )
)
def test_not_remote_is_found_near_its_words_as_anywhere(text):
    expected = search_word(NOT_REMOTE_TEXT, text) is not None
    assert remote_module._says_not_remote(text) == expected


@settings(max_examples=500, deadline=None)
@given(joined(["data analysis", "big data analysis", "data analysist", "&", "x", " ", "\n"], 8))
def test_industry_phrase_pattern_matches_as_written_with_a_lookbehind(text):
    ((pattern, phrase),) = [m for m in load_taxonomy().multi["data"] if m[1] == "data analysis"]
    written = re.compile(rf"(?<![\w&]){re.escape(phrase)}(?![\w&])")
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in written.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(SPACEY)
def test_html_lines_are_their_words_joined_by_single_spaces(text):
    expected = "\n".join(filter(None, (" ".join(line.split()) for line in text.split("\n"))))
    assert html_to_text(f"<p>{text}</p>") == expected


@settings(max_examples=500, deadline=None)
@given(SPACEY)
def test_squash_replaces_what_its_pattern_matches(text):
    assert text_module.squash(text) == (text_module.EXTRA_SPACES.sub(" ", text).strip() or None)


@settings(max_examples=500, deadline=None)
@given(
    joined(
        [*totals.SUB_TASKS, *totals.SUB_TASK_QUALIFIERS, "s", " ", "of", "takes", "lasts", "is"]
        + ["are", "will take", ":", "x", "-"],
        12,
    )
)
def test_sub_task_guard_holds_the_last_word_of_every_match(text):
    if totals.SUB_TASK_BEFORE.search(text):
        assert text.rstrip().endswith(totals.SUB_TASK_BEFORE_ENDS)


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from([["hour", "week", "5h"], ["$", "€", "usd", "£"], ["cdi", "stage", "é"]]),
    joined(["hour", "week", "5h", "$", "€", "usd", "cdi", "é", "ß", "İ", "?", " ", "x"], 12),
)
def test_word_finder_finds_what_a_search_of_the_text_finds(words, text):
    expected = AhoCorasick(words).find_matches_as_indexes(text, overlapping=True)
    assert sorted(text_module.WordFinder(words).find(text)) == sorted(expected)


MONEY_HINTY = joined(
    [
        *("$", "US$", "CN¥", "¥", "€", "£", "₹", "USD", "EUR", "SEK", "US", "SD", "U", "S", "D"),
        *("usd", "Senior ", "EMEA", "AI", "?", "é", "İ", "ſ", "٣", "5", " ", "x"),
    ],
    20,
)


@settings(max_examples=1000, deadline=None)
@given(MONEY_HINTY)
def test_money_hint_is_searched_from_where_one_can_start(text):
    expected = money.MONEY_HINT.search(text)
    found = money.money_hint(text)
    assert (found and found.span()) == (expected and expected.span())


# BLOCKS as first written, each tag by the (?i) pattern alone
BLOCKS_AS_WRITTEN = re.compile(rf"(?i){text_module.BLOCK}(?:\s*{text_module.BLOCK})*")
TAGGY = joined(
    [
        *("<p>", "</p>", "<li>", "</li>", "<ul>", "</ul>", "<ol>", "</ol>", "<div>", "</div>"),
        *("<P>", "</Li >", "<p class='x'>", "<pre>", "<li", "<br/>", "<b>", "</ul", "<div id=1>"),
        *("<", ">", "/", "p", "li", "ul", " ", "\n", "x", "é", "ı", "<h2>", "< p>", "<table>"),
    ],
    16,
)


@settings(max_examples=1000, deadline=None)
@given(TAGGY)
def test_block_runs_are_matched_as_by_the_case_blind_pattern(markup):
    found = [m.span() for m in text_module.BLOCKS.finditer(markup)]
    assert found == [m.span() for m in BLOCKS_AS_WRITTEN.finditer(markup)]


@settings(max_examples=500, deadline=None)
@given(
    joined(
        ["20", "2026", "202", "spring", "summer", "fall", "autumn", "winter", "sum", "x", " "],
        12,
    )
)
def test_title_seasons_are_those_the_plain_search_finds(title):
    assert _title_seasons(title) == frozenset(SEASON_OR_YEAR.findall(title))
