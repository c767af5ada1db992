"""The words of a lower-cased text as the industry taxonomy (`pipeline.tagging.industry`) reads
them: the WORD pattern's matches, found with bytes operations, several times faster than the
pattern on long descriptions.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[a-z0-9&+#]+(?:[-'./][a-z0-9&+#]+)*")
WORD_BYTES = re.compile(WORD.pattern.encode())
# WORD's characters (all ASCII); its connectors, which join two runs of them into one word
# ("front-end", "24/7") but are not part of a word elsewhere ("data." is "data"); every other
# character separates words and becomes a space (lower-cased text is made ASCII with "?" for
# the rest). Both taken from WORD itself.
WORD_CHARS = bytes(c for c in range(128) if WORD.fullmatch(chr(c)))
CONNECTORS = bytes(c for c in range(128) if c not in WORD_CHARS and WORD.fullmatch(f"a{chr(c)}a"))
SEPARATE = bytes(c if c in WORD_CHARS or c in CONNECTORS else ord(" ") for c in range(256))
CONNECTOR_AS_DOT = bytes(ord(".") if c in CONNECTORS else c for c in range(256))


def chunks_of(lower: str) -> list[bytes]:
    """The text's space-separated chunks: when no two connectors touch, each chunk is one
    WORD match at most, with at most one connector before and after it ("data." is b"data.").
    Otherwise (rare: "...", "--") the WORD matches themselves."""
    data = separated(lower)
    if connectors_touch(data):
        return WORD_BYTES.findall(data)
    return data.split()


def separated(lower: str) -> bytes:
    """The lower-cased text as ASCII, every character but WORD's and connectors a space."""
    return lower.encode("ascii", "replace").translate(SEPARATE)


def connectors_touch(data: bytes) -> bool:
    return b".." in data.translate(CONNECTOR_AS_DOT)


def decorated(word: str) -> list[bytes]:
    """The chunks that hold `word` and nothing else (see `chunks_of`)."""
    ends = [b"", *(bytes([c]) for c in CONNECTORS)]
    return [before + word.encode() + after for before in ends for after in ends]
