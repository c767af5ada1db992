"""Dates read without dateparser agree with dateparser."""

import random

import dateparser
import pytest

from pipeline.tagging import dates

SEEN = "2026-11-25T02:30:00Z"


def _with_dateparser(text: str) -> str | None:
    settings = {**dates.SETTINGS, "RELATIVE_BASE": dates._base(SEEN)}
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date().isoformat() if parsed else None


def _whole_dates(count: int) -> list[str]:
    """Whole dates in every form WHOLE_DATE reads, valid and not, in mixed case."""
    rng = random.Random(4)
    names = [*dates.MONTH_NUMBERS, "Sept.", "MAR.", "December", "Jan"]
    texts = []
    for _ in range(count):
        month, day, year = rng.choice(names), rng.randint(0, 32), rng.choice([2019, 2026, 2099])
        suffix, comma = rng.choice(["", "st", "nd", "rd", "th"]), rng.choice(["", ","])
        texts += [
            f"{month} {day}{suffix}{comma} {year}",
            f"{day}{suffix} {rng.choice(['', 'of '])}{month}{comma} {year}",
            f"{year}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}",
        ]
    return texts


def test_whole_dates_are_read_as_dateparser_reads_them():
    read = [(text, dates._whole_date(text)) for text in _whole_dates(150)]
    assert sum(found is not None for _, found in read) > 300  # most are real dates
    assert [(text, found) for text, found in read if found] == [
        (text, _with_dateparser(text)) for text, found in read if found
    ]


@pytest.mark.parametrize("text", ["March 3", "3/4", "Friday, May 9", "2026-02-30", "ASAP"])
def test_other_dates_go_to_dateparser(text):
    assert dates._whole_date(text) is None
    assert dates.parse_date_text(text, SEEN) == _with_dateparser(text)
