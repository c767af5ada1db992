"""Whether a posting is remote: from its location, its title, the source's flag and the role's
own words (a role that says it is hybrid or on-site is not remote, whatever the flag says)."""

from __future__ import annotations

import re
from typing import Any

from pipeline.tagging.text import holds_any, merge_spans, search_word, word_char_at

REMOTE_YES = re.compile(  # lower case, by `search_word`
    r"remote\b(?![- ]first)|telecommute\b|work from (?:home|anywhere)\b|fully remote\b"
)
REMOTE_NO = re.compile(  # lower case, by `search_word`
    r"(?:on[- ]?site|in[- ]person|in office|hybrid)\b(?! or remote)(?!/remote)"
)
# Every REMOTE_YES match holds one of these, every REMOTE_NO match one of those.
REMOTE_YES_WORDS = ("remote", "telecommute", "work from")
REMOTE_NO_WORDS = ("site", "person", "office", "hybrid")


# A role whose own words say it is hybrid or office-based is not remote, whatever a source's
# remote flag says (boards set it for "remote-friendly" hybrid roles). Every alternative starts
# with a letter or a digit, not a group: the regex engine then skips to the characters one can
# start with, rather than trying each alternative at every position of a long role text (twice
# as fast on real ones; the same matches, tried in the same order).
NOT_REMOTE_TEXT = re.compile(  # lower case, by `search_word`
    r"hybrid (?:role|position|job|work|working|schedule|model|setup|set-up|arrangement|policy"
    r"|environment|opportunity|basis)\b|role is hybrid\b|position is hybrid\b|job is hybrid\b"
    r"|work hybrid\b|working hybrid\b"
    r"|\d days? (?:a|per|each) week (?:in|at|from) (?:the|our) office\b"
    r"|in[- ]office (?:\d|two|three|four) days\b"
    r"|fully on[- ]?site (?:role|position|job)\b|100% on[- ]?site (?:role|position|job)\b"
    r"|on[- ]?site (?:role|position|job)\b"
)


# One of these is in every NOT_REMOTE_TEXT match, but for a word in capitals ("HYBRID").
NOT_REMOTE_HINTS = ("ybrid", "ffice", "site", "Site")
# One of these is in every NOT_REMOTE_TEXT match (lower case), within its longest (32
# characters): a match is in the text within NOT_REMOTE_REACH characters of one.
NOT_REMOTE_WORDS = ("hybrid", "office", "site")
NOT_REMOTE_REACH = 48


def _says_not_remote(lower: str) -> bool:
    """Whether `search_word(NOT_REMOTE_TEXT, lower)` finds a match, searching only the parts of
    `lower` near NOT_REMOTE_WORDS. A part ends past the end of any match in it: a word boundary
    at the end of one sees the text's next character."""
    points = []
    for word in NOT_REMOTE_WORDS:
        at = lower.find(word)
        while at != -1:
            points.append(at)
            at = lower.find(word, at + 1)
    for start, end in merge_spans(points, NOT_REMOTE_REACH, len(lower)):
        match = NOT_REMOTE_TEXT.search(lower, start, end)
        while match is not None and word_char_at(lower, match.start() - 1):
            match = NOT_REMOTE_TEXT.search(lower, match.start() + 1, end)
        if match is not None:
            return True
    return False


def is_remote(
    stated: Any,
    location: str | None,
    title: str,
    location_says: bool | None,
    role_text: str = "",
    role_lower: str | None = None,
) -> bool | None:
    """Remote or not: hybrid or on-site where the location, the title or the role's own text
    says so (`location_says`, from `location_remote`); else as the source states it; else
    remote where the location or the title says it. `role_lower`: the role's text lower-cased,
    where the caller has it."""
    title_lower = title.lower()
    if location_says is False or _says(REMOTE_NO, REMOTE_NO_WORDS, title_lower):
        return False
    if stated and any(map(role_text.__contains__, NOT_REMOTE_HINTS)):
        if _says_not_remote(role_text.lower() if role_lower is None else role_lower):
            return False
    if stated is not None:
        return bool(stated)
    if location_says or _says(REMOTE_YES, REMOTE_YES_WORDS, title_lower):
        return True
    return location_says


def _says(pattern: re.Pattern[str], words: tuple[str, ...], lower: str) -> bool:
    """Whether `search_word(pattern, lower)` finds a match, where every match holds one of
    `words`: a text without them (most titles) is not searched, which would try the pattern
    at every one of its first letters."""
    return holds_any(lower, words) and search_word(pattern, lower) is not None


def location_remote(location: str | None) -> bool | None:
    """True where the location says remote, False where it says on-site or hybrid."""
    if not location:
        return None
    lower = location.lower()
    if _says(REMOTE_YES, REMOTE_YES_WORDS, lower):
        return True
    return False if _says(REMOTE_NO, REMOTE_NO_WORDS, lower) else None
