"""The search page (the site's home page): one form, results as cards, the search's URL shareable
and offered as downloads and feeds.

Its filters are those of `pipeline.publish.filters` (the same as `/-/export.csv`, the feeds and
`microintern export`), plus `sort` and `page`. Without a `status` it shows open listings.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from datasette.utils.asgi import Response

from pipeline.publish.filters import (
    KINDS,
    OPEN,
    STATUSES,
    FilterError,
    Filters,
    industries,
    parse_filters,
    where_for,
)
from pipeline.tagging.hours import HOUR_RANGES

PAGE_SIZE = 20
MAX_COUNTED = 1000  # beyond this many matches the page says "1,000+" rather than count them all
SORTS = {
    "newest": "l.first_seen desc, l.id",
    "deadline": "coalesce(l.deadline, '9999') , l.first_seen desc, l.id",
}
PAGE_ARGS = ("sort", "page")
CARD_COLUMNS = (
    "id, title, company, kind, is_micro, industry, hour_range, hours_min, hours_max, "
    "hours_evidence, deadline, pay_text, pay_min, pay_max, pay_currency, pay_unit, remote, "
    "location, first_seen, status, url"
)


def search_args(args: Any) -> dict[str, str]:
    """The query arguments that define the search (not its sort or page), non-empty only."""
    return {name: args.get(name) for name in args.keys() if args.get(name) and name != "page"}


def with_open_default(args: dict[str, str]) -> dict[str, str]:
    """Open listings unless the search says which statuses."""
    return args if "status" in args else {**args, "status": ",".join(OPEN)}


async def search_page(request: Any, datasette: Any) -> Response:
    args = search_args(request.args)
    error, filters, results, more, total = None, Filters(), [], False, 0
    sort = args.get("sort", "newest")
    page = request.args.get("page", "1")
    try:
        if sort not in SORTS:
            raise FilterError(f"sort must be one of {', '.join(SORTS)}; not {sort!r}")
        if not page.isdigit() or int(page) < 1:
            raise FilterError(f"page must be a whole number from 1; not {page!r}")
        filters = parse_filters(with_open_default(args), also_allowed=PAGE_ARGS)
        results, more, total = await _results(datasette, filters, sort, int(page))
    except FilterError as problem:
        error = str(problem)
    context = {
        "metadata": datasette.metadata(),
        "args": args,
        "filters": filters,
        "error": error,
        "results": results,
        "more": more,
        "total": total,
        "max_counted": MAX_COUNTED,
        "page": int(page) if page.isdigit() else 1,
        "next_url": "/?" + urlencode({**args, "page": int(page) + 1}) if more else None,
        "downloads": downloads(args),
        "industries": industries(),
        "hour_ranges": HOUR_RANGES,
        "kinds": KINDS,
        "statuses": STATUSES,
        "sorts": tuple(SORTS),
    }
    html = await datasette.render_template("search.html", context, request=request)
    return Response.html(html, status=400 if error else 200)


async def _results(
    datasette: Any, filters: Filters, sort: str, page: int
) -> tuple[list[dict[str, Any]], bool, int]:
    """One page of matching listings as card rows, whether more follow, and how many match (at
    most MAX_COUNTED + 1)."""
    where, params = where_for(filters)
    clause = f"where {' and '.join(where)}" if where else ""
    database = datasette.get_database("listings")
    offset = (page - 1) * PAGE_SIZE
    rows = await database.execute(
        f"select {CARD_COLUMNS} from listings l {clause} order by {SORTS[sort]} "
        f"limit {PAGE_SIZE + 1} offset {offset}",
        params,
    )
    counted = await database.execute(
        f"select count(*) from (select 1 from listings l {clause} limit {MAX_COUNTED + 1})",
        params,
    )
    cards = [dict(row) for row in rows.rows[:PAGE_SIZE]]
    return cards, len(rows.rows) > PAGE_SIZE, counted.first()[0]


def downloads(args: dict[str, str]) -> list[tuple[str, str]]:
    """The same search as files and feeds: (label, URL)."""
    search = with_open_default({k: v for k, v in args.items() if k not in PAGE_ARGS})
    query = urlencode(search)
    return [
        ("CSV", f"/-/export.csv?{query}"),
        ("Excel-safe CSV", f"/-/export.csv?{urlencode({**search, 'format': 'excel'})}"),
        ("Excel workbook", f"/-/export.xlsx?{query}"),
        ("Atom feed", f"/-/feed.atom?{query}"),
        ("Deadlines calendar", f"/-/deadlines.ics?{query}"),
    ]
