"""Ids of postings and listings: a posting's `source:source_id`, and a listing's stable id made
from when it was first seen and the first posting that created it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import lru_cache


def posting_id(source: str, source_id: str) -> str:
    return f"{source}:{source_id}"


# A listing id is the second it was first seen, in Crockford's base 32 (digits and lower-case
# letters, in ASCII order), then a hash of its first posting in hex: ids sort in the order
# listings were first seen. So an import adds its new listings at the end of every index on the
# listing id (the listings' and texts' keys, the postings' `listing_id`, the `first_seen, id`
# order) rather than on pages all over them, and its commit writes pages in proportion to the
# import rather than to the database (bench/dedupe_store_bench.py).
ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
ID_TIME_DIGITS = 7  # seconds since 1970, up to the year 3058
ID_HASH_DIGITS = 15  # 60 bits of the SHA-1 of the posting id, in hex


def listing_id_for(source: str, source_id: str, seen_at: str | None) -> str:
    """The stable id of a listing first seen at `seen_at` (ISO 8601; None or unreadable counts
    as 1970) as this posting: 22 characters, e.g. `1ngf6d8` + `3f2a9c1b5e6d7a8`."""
    digest = hashlib.sha1(posting_id(source, source_id).encode()).hexdigest()
    return _time_digits(seen_at) + digest[:ID_HASH_DIGITS]


@lru_cache(maxsize=1024)  # an import's postings share a few crawl times
def _time_digits(seen_at: str | None) -> str:
    """Whole seconds since 1970 at `seen_at` (UTC; a time without an offset counts as UTC; 0 if
    unknown), in ID_TIME_DIGITS digits of ID_ALPHABET."""
    try:
        moment = datetime.fromisoformat((seen_at or "").replace("Z", "+00:00"))
    except ValueError:
        return ID_ALPHABET[0] * ID_TIME_DIGITS
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = max(0, min(int(moment.timestamp()), 32**ID_TIME_DIGITS - 1))
    digits = []
    for _ in range(ID_TIME_DIGITS):
        seconds, digit = divmod(seconds, 32)
        digits.append(ID_ALPHABET[digit])
    return "".join(reversed(digits))
