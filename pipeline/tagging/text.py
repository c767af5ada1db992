"""Text helpers: description HTML to plain text, whitespace, dates."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime

import nh3
from ahocorasick_rs import AhoCorasick, BytesAhoCorasick

TAG = re.compile(r"</?[a-zA-Z!][^>]*>")
# A tag that starts or ends a block: a line break in the text. The closing tags share their "/",
# so that the regex engine tries one alternative at a "</" rather than each closing tag's.
BLOCK = (
    r"<\s*(?:/(?:p|li|h[1-6]|div|tr|ul|ol|table)\s*|br\s*/?\s*|"
    r"(?:p|li|h[1-6]|div|tr|ul|ol|table)\b[^>]*)>"
)
# A block tag as BLOCK matches it, the commonest ("</p>", "<li>") tried first as written, in
# lower case and without attributes: each alternative starts with a character, which the regex
# engine checks before it tries the rest, and only a tag none of them is gets the slower (?i)
# pattern. Where one of them matches, BLOCK matches the same characters.
BLOCK_TAG = rf"<(?:/(?:p|li|ul|ol|div)>|p>|li>|ul>|(?i:{BLOCK[1:]}))"
# A run of block tags and the spaces between them ("</p>\n<ul><li>"): one line break. Each tag
# alone would end a line, and the spaces between them would make lines of spaces, dropped: the
# same text, with one match and one line for a run rather than for each of its tags.
BLOCKS = re.compile(rf"{BLOCK_TAG}(?:\s*{BLOCK_TAG})*")
# Where a job title's parts split: "Senior Product Manager, Compliance (6 months contract)".
TITLE_PARTS = re.compile(r"\s+[-–—|/]\s+|[,(\[:|]")
ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


# Runs of spaces and tabs to squash, less a lone plain space (nothing to replace): matching
# every single space made the substitution a third slower on prose.
EXTRA_SPACES = re.compile(r"[\t\r\f\v\u00a0][ \t\r\f\v\u00a0]*| [ \t\r\f\v\u00a0]+")


def squash(text: str | None) -> str | None:
    """Collapse runs of spaces; None for empty."""
    if text is None:
        return None
    # Only single plain spaces (`isprintable()` is false for every other space): nothing to
    # squash, which is most titles, locations and names.
    if "  " in text or not text.isprintable():
        text = EXTRA_SPACES.sub(" ", text)
    return text.strip() or None


SCRIPT_OR_STYLE = re.compile(r"(?is)<(script|style)\b.*?(?:</\1\s*>|$)")
COMMENT = re.compile(r"(?s)<!--.*?(?:-->|$)")
SCRIPT_OR_STYLE_OPENING = re.compile(r"<(?i:script|style)")


def html_to_text(markup: str) -> str:
    """Plain text from an HTML fragment, one line per block; plain text passes through.

    Regular expressions rather than a parser: as robust on broken HTML, and about 5x faster
    than lxml and 20x faster than BeautifulSoup on job descriptions (bench/normalize_bench.py).
    """
    if not TAG.search(markup):
        lines = [squash(line) for line in markup.splitlines()]
        return "\n".join(line for line in lines if line)
    text = COMMENT.sub(" ", markup) if "<!--" in markup else markup
    if _holds_script_or_style(text):
        text = SCRIPT_OR_STYLE.sub(" ", text)
    text = BLOCKS.sub("\n", text)
    if "<" in text:  # tags that are not blocks' ("<b>"): none in many texts
        text = TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    # Each line's words joined by one space, lines without words dropped: where no line has
    # two spaces in a row or another space than " ", that is each line stripped, with no Python
    # call a line.
    lines = [*filter(None, map(str.strip, text.split("\n")))]
    joined = "\n".join(lines)
    if "  " not in joined and _no_other_spaces(joined, lines):
        return joined
    return "\n".join(filter(None, map(_one_line, lines)))


def _holds_script_or_style(text: str) -> bool:
    """Whether `"<script"` or `"<style"` is in `text.lower()`.

    Only "S" and "s" lower to "s", so such a text holds "<s" or "<S": two quick searches rule
    out most texts. Then the regex: it finds every "<script" or "<style" the lower-cased text
    has (and a few odd-case others), in half the time of lower-casing the text.
    """
    if "<s" not in text and "<S" not in text:
        return False
    if not SCRIPT_OR_STYLE_OPENING.search(text):
        return False
    lower = text.lower()
    return "<script" in lower or "<style" in lower


# The ASCII spaces (`str.isspace()`) other than " " and the line break.
OTHER_ASCII_SPACES = ("\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def _no_other_spaces(joined: str, lines: list[str]) -> bool:
    """Whether the `lines` (`joined`: joined by line breaks) hold no space but " ".

    `isprintable()` is false for every other space, but looks each character up in Unicode's
    tables: an ASCII text is rather searched for each of its few other spaces.
    """
    if joined.isascii():
        return not holds_any(joined, OTHER_ASCII_SPACES)
    return all(map(str.isprintable, lines))


def _one_line(line: str) -> str:
    """`" ".join(line.split())`, without splitting a line whose only spaces are single ASCII
    spaces between words (most lines): `isprintable()` is false for every other space."""
    stripped = line.strip()
    if "  " in stripped or not stripped.isprintable():
        return " ".join(stripped.split())
    return stripped


def iso_date(value: str | None) -> str | None:
    """`YYYY-MM-DD` from an ISO 8601 date or datetime (in its own offset); None otherwise."""
    if not value:
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    match = ISO_DATE.match(text)
    if match:
        try:
            return date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            return None
    return None


# Built once: `nh3.clean` would build the same rules on every call (a third of its time).
CLEANER = nh3.Cleaner(link_rel="noopener noreferrer nofollow")


def sanitize_html(markup: str) -> str:
    """Description HTML that is safe to show: nh3 drops scripts, event handlers and
    `javascript:` links; plain text becomes escaped paragraphs."""
    if not markup or markup.isspace():  # as `not markup.strip()`, without the copy
        return ""
    if not TAG.search(markup):
        lines = [html.escape(line) for line in (squash(x) for x in markup.splitlines()) if line]
        return "".join(f"<p>{line}</p>" for line in lines)
    return CLEANER.clean(markup).strip()


# (?i) also matches "ı" and "İ" to "i" and "ſ" to "s"; str.lower() does not ("İ" even becomes two
# characters).
FOLD_ODDITIES = ("ı", "İ", "ſ")


def folds_like_lower(text: str) -> bool:
    """Whether lower-cased `text` and lower-case patterns find exactly what (?i) patterns of ASCII
    letters find in `text`: every other character lowers to one character of the same class
    (word, space or neither), so that plain substring tests on the lower-cased text can also
    rule such a pattern out."""
    return text.isascii() or not any(char in text for char in FOLD_ODDITIES)


def word_char_at(text: str, at: int) -> bool:
    r"""Whether a word character (as `\w` matches) is at `at` (False past either end)."""
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] == "_")


def first_match_at(
    pattern: re.Pattern[str], text: str, starts: Iterable[int]
) -> re.Match[str] | None:
    """The match of `pattern` at the first of `starts` where it matches: `pattern.search(text)`
    when every match can only start at one of `starts`, without trying every position."""
    for at in sorted(starts):
        match = pattern.match(text, at)  # a `\b` or lookbehind sees the text before `at`
        if match:
            return match
    return None


def search_word(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """`pattern.search(text)` for a match that starts a word, as a leading `\\b` would ask.

    Written without the `\\b`, a pattern lets the regex engine skip ahead to its first letters,
    several times faster on long text; a match inside a word is skipped by searching on from
    the next character, so the result is the one the `\\b` pattern gives.
    """
    match = pattern.search(text)
    while match is not None:
        start = match.start()
        if not word_char_at(text, start - 1):
            return match
        match = pattern.search(text, start + 1)
    return None


def words_found(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Every match of `pattern` in `text` that starts a word, in order: what `search_word`
    gives first, then the next ones (searched on from the end of each)."""
    match = pattern.search(text)
    while match is not None:
        start, end = match.span()
        if word_char_at(text, start - 1):  # inside a word: on from the next character
            match = pattern.search(text, start + 1)
            continue
        yield match
        match = pattern.search(text, max(end, start + 1))


def merge_spans(points: Iterable[int], radius: int, length: int) -> list[list[int]]:
    """The `[start, end]` parts of a text of `length` characters within `radius` characters of
    the `points`, overlapping parts merged, in order: where costly patterns need to look.

    Points within `2 * radius` of each other in all (most texts' few hints) make one part: each
    window then starts at or before the end of the one before, as the loop would find. Bounds
    are clamped by comparisons, several times quicker than calls of `max` and `min`."""
    ordered = sorted(points)
    if not ordered:
        return []
    first, last = ordered[0], ordered[-1]
    if last - first <= 2 * radius and last < length:
        end = last + radius
        return [[first - radius if first > radius else 0, end if end < length else length]]
    spans: list[list[int]] = []
    for at in ordered:
        start, end = at - radius if at > radius else 0, at + radius
        if end > length:
            end = length
        if spans and start <= spans[-1][1]:
            if end > spans[-1][1]:
                spans[-1][1] = end
        else:
            spans.append([start, end])
    return spans


def tidy_number(value: float | None) -> float | int | None:
    """A figure as people write it: 12 rather than 12.0, 2.5, 43.3 (two decimals at most)."""
    if value is None:
        return None
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


def holds_any(text: str, words: Iterable[str]) -> bool:
    """Whether one of `words` is in `text`: a loop, quicker than any() over a generator for a
    few words."""
    for word in words:
        if word in text:
            return True
    return False


class WordFinder:
    """Every place where one of `words` is in a text, overlapping ones too, as `(index of the
    word, start, end)`: one pass of an Aho-Corasick automaton.

    The text is searched as bytes, encoded one byte a character with "?" for each non-ASCII
    one, where that finds what a search of the str finds: an ASCII text, or any text where
    every word is ASCII without "?". That is a third quicker than a search of the str, whose
    offsets are converted from the UTF-8 the automaton reads."""

    def __init__(self, words: list[str]) -> None:
        self.as_bytes = BytesAhoCorasick([word.encode() for word in words])
        ascii_words = all(word.isascii() and "?" not in word for word in words)
        self.as_str = None if ascii_words else AhoCorasick(words)  # for other texts

    def find(self, text: str) -> list[tuple[int, int, int]]:
        if self.as_str is None or text.isascii():
            data = text.encode("ascii", "replace")
            return self.as_bytes.find_matches_as_indexes(data, overlapping=True)
        return self.as_str.find_matches_as_indexes(text, overlapping=True)
