"""Older layouts brought up to date (run by `ensure_db_shape`)."""

from __future__ import annotations

from sqlite_utils import Database

from pipeline.db.derived import drop_search
from pipeline.db.schema import TEXT_FIELDS


def rename_old_columns(db: Database) -> None:
    """Migrate databases built before `description` became `description_text`."""
    listings = db.table("listings")
    if listings.exists() and "description" in listings.columns_dict:
        if db.table("listings_fts").exists():
            listings.disable_fts()
        listings.transform(rename={"description": "description_text"})


def move_texts_out(db: Database) -> None:
    """Migrate databases that kept the descriptions in `listings`: copy them to `listing_texts`
    and drop the columns (rowids are kept, so the search index can be rebuilt on them)."""
    listings = db.table("listings")
    old = [c for c in TEXT_FIELDS if c in listings.columns_dict]
    if not old:
        return
    drop_search(db)  # the old triggers read the columns about to go
    values = ", ".join(old)
    db.execute(
        f"insert or replace into listing_texts (id, {values}) select id, {values} from listings"
    )
    for column in old:
        db.execute(f"alter table listings drop column [{column}]")
