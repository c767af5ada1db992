"""The filters of a search of listings, one set for the search page, `/-/export.csv`, the feeds
and `microintern export`.

`parse_filters` reads them from query arguments (or the command line's options) and rejects
what it cannot use with a `FilterError` that says which values are valid: an unknown argument,
an industry or kind that does not exist (industries in any case), a status list with an unknown
status, a date that is not ISO 8601, a number that is not one. `where_for` turns them into SQL
conditions on `listings l`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from functools import cache

from pipeline.tagging.hours import HOUR_RANGES
from pipeline.tagging.industry import load_taxonomy
from pipeline.tagging.kind import KINDS

STATUSES = ("open", "reopened", "closed", "expired")
OPEN = ("open", "reopened")
YES = ("1", "yes", "true", "on")
NO = ("0", "no", "false", "off")
# Words of a search, for FTS5: runs of letters, digits and the characters inside words.
SEARCH_WORD = re.compile(r"[\w'’.+#-]+")


class FilterError(ValueError):
    """An argument of a search that cannot be used, and what would be valid."""


@dataclass(frozen=True)
class Filters:
    q: str | None = None  # words to find in the title, company or description
    industry: str | None = None
    hour_range: str | None = None
    max_hours: float | None = None  # at most this many hours (listings that state them)
    kind: str | None = None
    is_micro: bool = False
    remote: bool | None = None
    status: tuple[str, ...] = ()  # any of these; () is any status
    since: str | None = None  # first seen on or after this date (YYYY-MM-DD)
    deadline_within: int | None = None  # a deadline from today to this many days ahead
    source: str | None = None


FILTER_NAMES = tuple(field.name for field in fields(Filters))


@cache
def industries() -> tuple[str, ...]:
    return tuple(sorted({*load_taxonomy().labels, "other"}))


def parse_filters(args: Mapping[str, str], also_allowed: tuple[str, ...] = ()) -> Filters:
    """Filters from query arguments (empty values mean "any"). Arguments outside FILTER_NAMES
    and `also_allowed` are an error, so a misspelt filter never silently returns everything."""
    unknown = sorted(set(args) - {*FILTER_NAMES, *also_allowed})
    if unknown:
        valid = ", ".join((*FILTER_NAMES, *also_allowed))
        raise FilterError(f"unknown argument {', '.join(unknown)}; valid arguments: {valid}")
    value = {name: (args.get(name) or "").strip() for name in FILTER_NAMES}
    return Filters(
        q=value["q"] or None,
        industry=_one_of("industry", value["industry"].lower(), industries()),
        hour_range=_one_of("hour_range", value["hour_range"], HOUR_RANGES),
        max_hours=_number("max_hours", value["max_hours"]),
        kind=_one_of("kind", value["kind"].lower(), KINDS),
        is_micro=bool(_yes_no("is_micro", value["is_micro"])),
        remote=_yes_no("remote", value["remote"]),
        status=tuple(
            _one_of("status", status.strip().lower(), STATUSES)
            for status in value["status"].split(",")
            if status.strip()
        ),
        since=_iso_date("since", value["since"]),
        deadline_within=_whole_number("deadline_within", value["deadline_within"]),
        source=value["source"] or None,
    )


def _one_of(name: str, value: str, valid: tuple[str, ...]) -> str | None:
    if not value:
        return None
    if value not in valid:
        raise FilterError(f"{name} must be one of {', '.join(valid)}; not {value!r}")
    return value


def _yes_no(name: str, value: str) -> bool | None:
    if not value:
        return None
    if value.lower() in YES:
        return True
    if value.lower() in NO:
        return False
    raise FilterError(f"{name} must be 1 or 0 (yes or no); not {value!r}")


def _number(name: str, value: str) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise FilterError(f"{name} must be a number of hours; not {value!r}") from None
    if number < 0 or number != number:
        raise FilterError(f"{name} must be 0 or more; not {value!r}")
    return number


def _whole_number(name: str, value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise FilterError(f"{name} must be a whole number of days; not {value!r}")
    return int(value)


def _iso_date(name: str, value: str) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise FilterError(f"{name} must be a date as YYYY-MM-DD; not {value!r}") from None


def fts_query(text: str) -> str | None:
    """The words of `text` as an FTS5 query of quoted terms (all of them must match), so that
    quotes, brackets and operators typed by a person are searched as words, never parsed."""
    words = SEARCH_WORD.findall(text)
    return " ".join('"{}"'.format(word.replace('"', '""')) for word in words) or None


def where_for(filters: Filters, today: date | None = None) -> tuple[list[str], list]:
    """The conditions (on `listings l`) and parameters of the filters."""
    where, params = [], []
    for column in ("industry", "hour_range", "kind"):
        value = getattr(filters, column)
        if value:
            where.append(f"l.[{column}] = ?")
            params.append(value)
    if filters.status:
        where.append(f"l.status in ({', '.join('?' * len(filters.status))})")
        params.extend(filters.status)
    if filters.is_micro:
        where.append("l.is_micro = 1")
    if filters.max_hours is not None:
        where.append("l.hours_max <= ?")
        params.append(filters.max_hours)
    if filters.remote is not None:
        where.append("l.remote = ?")
        params.append(int(filters.remote))
    if filters.since:
        where.append("l.first_seen >= ?")
        params.append(filters.since)
    if filters.deadline_within is not None:
        start = today or date.today()
        where.append("l.deadline between ? and ?")
        params += [start.isoformat(), (start + timedelta(days=filters.deadline_within)).isoformat()]
    if filters.source:
        where.append("exists (select 1 from json_each(l.sources) where value = ?)")
        params.append(filters.source)
    query = fts_query(filters.q or "")
    if query:
        where.append("l.rowid in (select rowid from listings_fts where listings_fts match ?)")
        params.append(query)
    return where, params
