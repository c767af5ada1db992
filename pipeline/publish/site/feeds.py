"""A search as a feed: `/-/feed.atom` (RFC 4287) of its newest listings and `/-/deadlines.ics`
(RFC 5545) of its deadlines, with the filters of the search page. A saved search is its URL and
these two feeds.

Deadlines are all-day events (`DTSTART;VALUE=DATE`), so they show on their own day in every time
zone, not on the evening before in the Americas as midnight-UTC timed events would.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from datasette.utils.asgi import Response

from pipeline.publish.filters import FilterError, Filters, parse_filters, where_for
from pipeline.publish.site.labels import hours_label, kind_label, pay_label
from pipeline.publish.site.search import with_open_default

FEED_SIZE = 50
FEED_AUTHOR = "microintern"
FEED_COLUMNS = (
    "l.id, l.title, l.company, l.kind, l.industry, l.hours_min, l.hours_max, l.pay_text, "
    "l.pay_min, l.pay_max, l.pay_currency, l.pay_unit, l.deadline, l.url, l.first_seen, "
    "l.last_seen"
)


async def _rows(datasette: Any, filters: Filters, extra: str, order: str, limit: str) -> list:
    where, params = where_for(filters)
    if extra:
        where.append(extra)
    clause = f"where {' and '.join(where)}" if where else ""
    result = await datasette.get_database("listings").execute(
        f"select {FEED_COLUMNS} from listings l {clause} order by {order} {limit}", params
    )
    return [dict(row) for row in result.rows]


def _filters(request: Any) -> Filters:
    args = {name: request.args.get(name) for name in request.args.keys()}
    return parse_filters(with_open_default({k: v for k, v in args.items() if v}))


def summary(listing: dict[str, Any]) -> str:
    parts = [kind_label(listing["kind"]), listing["industry"] or "field unknown"]
    parts += [hours_label(listing), pay_label(listing)]
    if listing["deadline"]:
        parts.append(f"apply by {listing['deadline']}")
    return ", ".join(parts)


async def atom_feed(request: Any, datasette: Any) -> Response:
    try:
        filters = _filters(request)
    except FilterError as error:
        return Response.text(f"{error}\n", status=400)
    rows = await _rows(datasette, filters, "", "l.first_seen desc, l.id", f"limit {FEED_SIZE}")
    self_url = datasette.absolute_url(request, request.full_path)
    updated = max((row["last_seen"] for row in rows), default="1970-01-01T00:00:00Z")
    entries = "".join(_atom_entry(datasette, request, row) for row in rows)
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(self_url)}</id><title>microintern: new listings</title>"
        f"<updated>{escape(updated)}</updated>"
        f"<author><name>{FEED_AUTHOR}</name></author>"
        f'<link rel="self" href="{escape(self_url, {chr(34): "&quot;"})}"/>'
        f"{entries}</feed>"
    )
    return Response(body, content_type="application/atom+xml; charset=utf-8")


def _atom_entry(datasette: Any, request: Any, row: dict[str, Any]) -> str:
    page = datasette.absolute_url(request, f"/listing/{row['id']}")
    quote = {'"': "&quot;"}
    return (
        f"<entry><id>urn:microintern:listing:{escape(row['id'])}</id>"
        f"<title>{escape(row['title'])} ({escape(row['company'] or '')})</title>"
        f"<updated>{escape(row['first_seen'])}</updated>"
        f'<link rel="alternate" href="{escape(page, quote)}"/>'
        f'<link rel="related" href="{escape(row["url"] or page, quote)}"/>'
        f"<summary>{escape(summary(row))}</summary></entry>"
    )


async def deadlines_calendar(request: Any, datasette: Any) -> Response:
    try:
        filters = _filters(request)
    except FilterError as error:
        return Response.text(f"{error}\n", status=400)
    today = date.today().isoformat()
    rows = await _rows(
        datasette, filters, f"l.deadline >= '{today}'", "l.deadline, l.id", "limit 5000"
    )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//microintern//deadlines//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:microintern: application deadlines",
    ]
    for row in rows:
        day = date.fromisoformat(row["deadline"])
        page = datasette.absolute_url(request, f"/listing/{row['id']}")
        title = f"Deadline: {row['title']} ({row['company'] or ''})"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{row['id']}@microintern",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(title)}",
            f"DESCRIPTION:{_ics_text(summary(row) + chr(10) + (row['url'] or page))}",
            f"URL:{page}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    body = "".join(_folded(line) + "\r\n" for line in lines)
    return Response(body, content_type="text/calendar; charset=utf-8")


def _ics_text(value: str) -> str:
    """A TEXT value of RFC 5545 (section 3.3.11): backslashes, semicolons, commas and newlines
    escaped."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _folded(line: str, limit: int = 75) -> str:
    """A content line folded at `limit` octets (RFC 5545, section 3.1), never inside a
    character."""
    parts, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (limit if not parts else limit - 1):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)
