"""A listing's page for people (`/listing/<id>`): the title as heading, the company, an Apply
button, badges for hours (with their evidence), deadline, pay, remote and kind, the description,
its postings per source and its history. The raw row stays one click away."""

from __future__ import annotations

from typing import Any

from datasette.utils.asgi import NotFound, Response

LISTING_SQL = (
    "select l.*, t.description_html from listings l "
    "left join listing_texts t on t.id = l.id where l.id = :id"
)
POSTINGS_SQL = (
    "select source, url, title, company, status, first_seen, last_seen, matched_by "
    "from postings where listing_id = :id order by first_seen, id"
)
CHANGES_SQL = (
    "select changed_at, field, old_value, new_value from listing_changes "
    "where listing_id = :id order by changed_at desc, id desc limit 50"
)


async def listing_page(request: Any, datasette: Any) -> Response:
    listing_id = request.url_vars["id"]
    database = datasette.get_database("listings")
    found = await database.execute(LISTING_SQL, {"id": listing_id})
    row = found.first()
    if row is None:
        raise NotFound(f"No listing {listing_id}")
    postings = await database.execute(POSTINGS_SQL, {"id": listing_id})
    changes = await database.execute(CHANGES_SQL, {"id": listing_id})
    context = {
        "metadata": datasette.metadata(),
        "listing": dict(row),
        "postings": [dict(posting) for posting in postings.rows],
        "changes": [dict(change) for change in changes.rows],
    }
    html = await datasette.render_template("listing.html", context, request=request)
    return Response.html(html)
