"""The listing index finds what its definitions say: the shortcuts of `ListingIndex` and
`features` agree with the plain rules they stand for."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.dedupe import ListingIndex, features, title_words
from pipeline.dedupe.comparison import _title_words_and_qualifiers
from pipeline.dedupe.index import MAX_SUBSET_WORDS
from pipeline.dedupe.places import _folded
from pipeline.tagging.text import TITLE_PARTS

# Distinctive title words (none generic, none ending in "s"), and marks: a number, a level.
WORDS = ["alpha", "bravo", "delta", "echo", "golf", "hotel", "india", "kilo", "lima"]
MARKS = ["", " 3", " 7", " senior"]
TITLE = st.tuples(st.lists(st.sampled_from(WORDS), max_size=len(WORDS)), st.sampled_from(MARKS))


def _listing(title: tuple[list[str], str]) -> dict:
    return {"title": " ".join(title[0]) + title[1], "company": "Acme", "description": "x"}


def _index(titles: list[tuple[list[str], str]]) -> ListingIndex:
    ids = [f"l{i:03d}" for i in range(len(titles))]
    index = ListingIndex(by_key={"acme": ids})
    index.features = {i: features(_listing(t)) for i, t in zip(ids, titles, strict=True)}
    return index


@settings(max_examples=300, deadline=None)
@given(st.lists(TITLE, max_size=40), TITLE)
def test_candidates_are_the_listings_compare_may_match(stored, title):
    index, found = _index(stored), features(_listing(title))
    words, least = found.titles, 1 if len(found.titles) > MAX_SUBSET_WORDS else 2
    expected = {
        listing
        for listing, known in index.features.items()
        if words
        and known.marks == found.marks
        and (
            words <= known.titles
            or (known.titles <= words and len(known.titles) >= min(least, len(words)))
        )
    }
    assert index._candidates("acme", found) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(TITLE, max_size=40), TITLE)
def test_cross_source_candidates_share_half_the_title_and_its_marks(stored, title):
    index, found = _index(stored), features(_listing(title))
    index._candidates("acme", found)  # indexes the block
    words = found.titles
    least = max(min(2, len(words)), (len(words) + 1) // 2)
    expected = {
        listing
        for listing, known in index.features.items()
        if known.marks == found.marks and len(known.titles & words) >= max(least, 1)
    }
    assert index._sharing_a_title_word("acme", found) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_a_titles_words_are_its_parts_words(title):
    words, qualifiers = _title_words_and_qualifiers(title)
    assert words == title_words(_folded(title))
    parts = [title_words(_folded(part)) for part in TITLE_PARTS.split(title)]
    assert qualifiers <= words and (not parts or not qualifiers & max(parts, key=len))


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_folding_ascii_is_lower_casing(text):
    decomposed = unicodedata.normalize("NFKD", text.lower())
    assert _folded(text) == "".join(c for c in decomposed if not unicodedata.combining(c))
