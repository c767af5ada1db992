"""The cues of a text: which of the words the hours patterns need it holds, found in one pass.

Each finder tries a pattern only where a word that every match of it holds is in the text (its
cue: `totals.TOTAL_CUES`, `weekly.WEEKLY_CUES`, `periods.WEEKS_WORDS`). One automaton pass finds
them all, with the number words `words_to_digits` turns into digits: a substring test costs
several hundred instructions even on a short text, and each text met dozens of them and two
automaton passes.

The pass reads a text before its number words become digits, and finds the cues of the text
after: a cue has no digit, and no cue overlaps a number word but "hr" ("three"). That one is
looked at only to try TOTAL, which finds nothing more where it is not (property tests check
both)."""

from __future__ import annotations

from pipeline.tagging.hours.figures import NUMBER_WORD_PARTS, digits_at
from pipeline.tagging.hours.periods import WEEKS_WORDS
from pipeline.tagging.hours.totals import TOTAL_CUES
from pipeline.tagging.hours.weekly import WEEKLY_CUES
from pipeline.tagging.text import WordFinder


def _cue_words() -> dict[str, list[str]]:
    """Each word of a cue, and the cues it is a word of."""
    cues: dict[str, tuple[str, ...]] = dict(WEEKS_WORDS)
    for cue, words in (*WEEKLY_CUES.items(), *TOTAL_CUES.items()):
        if cues.setdefault(cue, words) != words:
            raise ValueError(f"cue {cue!r} has two sets of words")
    kinds: dict[str, list[str]] = {}
    for cue, words in cues.items():
        for word in words:
            kinds.setdefault(word, []).append(cue)
    return kinds


CUE_WORDS = _cue_words()
if set(NUMBER_WORD_PARTS) & set(CUE_WORDS):
    raise ValueError("a cue word is a number word part")
# The number word parts first, as `NUMBER_WORD_PART_FINDER` has them, then the cues' words.
CUE_FINDER = WordFinder([*NUMBER_WORD_PARTS, *CUE_WORDS])
NUMBER_PARTS = len(NUMBER_WORD_PARTS)
CUES_OF = [()] * NUMBER_PARTS + [tuple(cues) for cues in CUE_WORDS.values()]


def _cues(found: list[tuple[int, int, int]]) -> set[str]:
    """The cues of the words found."""
    cues_of = CUES_OF
    return {cue for index, _, _ in found for cue in cues_of[index]}


def cleaned_with_cues(text: str) -> tuple[str, set[str]]:
    """`words_to_digits(text)`, and the cues of what it gives (see the module docstring)."""
    found = CUE_FINDER.find(text)
    parts = [part for part in found if part[0] < NUMBER_PARTS]
    return (digits_at(text, parts) if parts else text), _cues(found)


def cues_in(text: str) -> set[str]:
    """The cues of `text`."""
    return _cues(CUE_FINDER.find(text))
