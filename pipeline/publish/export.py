"""Exports of listings for analysts: CSV, JSON lines, or Excel-friendly CSV.

`export_listings` selects listings with the same filters as the Datasette facets, in a stable
column order, with nullable integers kept as integers and ISO dates. The Excel-friendly format
neutralizes cells a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
carriage return) by prefixing an apostrophe, and adds a byte-order mark so Excel reads UTF-8.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

from pipeline.db import TEXT_FIELDS
from pipeline.publish.filters import Filters, where_for

EXPORT_COLUMNS = (
    "id",
    "title",
    "company",
    "kind",
    "is_micro",
    "industry",
    "industry_alt",
    "hour_range",
    "hours_min",
    "hours_max",
    "hours_per_week_min",
    "hours_per_week_max",
    "duration_weeks",
    "remote",
    "location",
    "employment_type",
    "pay_text",
    "pay_min",
    "pay_max",
    "pay_currency",
    "pay_unit",
    "pay_per_hour",
    "unpaid",
    "posted_at",
    "deadline",
    "status",
    "sources",
    "postings_count",
    "first_seen",
    "last_seen",
    "url",
    "description_text",
)
FORMATS = ("csv", "jsonl", "excel")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def select_columns(columns: tuple[str, ...] = EXPORT_COLUMNS) -> str:
    return ", ".join(f"t.[{c}]" if c in TEXT_FIELDS else f"l.[{c}]" for c in columns)


def query_for(filters: Filters) -> tuple[str, list]:
    """The SQL and parameters selecting the filtered listings, oldest first."""
    where, params = where_for(filters)
    columns = select_columns()
    clause = f" where {' and '.join(where)}" if where else ""
    return (
        f"select {columns} from listings l left join listing_texts t on t.id = l.id"
        f"{clause} order by l.first_seen, l.id",
        params,
    )


def neutralize(value: object) -> object:
    """`'=SUM(A1)` for a cell a spreadsheet would run as a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def whole_number(value: object) -> object:
    """20 rather than 20.0 for a whole figure; None for a missing one; other values unchanged."""
    if value is pd.NA or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def export_listings(
    db_path: Path, out: Path, fmt: str = "csv", filters: Filters | None = None
) -> int:
    """Write the filtered listings to `out` in `fmt`; returns the number of rows."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    sql, params = query_for(filters or Filters())
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        frame = pd.read_sql_query(sql, conn, params=params, dtype_backend="numpy_nullable")
    for column in frame.select_dtypes(include=["Float64"]).columns:  # 20, not 20.0
        frame[column] = frame[column].astype(object).map(whole_number)
    if fmt == "jsonl":
        frame.to_json(out, orient="records", lines=True, force_ascii=False)
    elif fmt == "excel":
        text = frame.select_dtypes(include=["object", "string"]).columns
        frame[text] = frame[text].map(neutralize)
        frame.to_csv(out, index=False, encoding="utf-8-sig")
    else:
        frame.to_csv(out, index=False)
    return len(frame)
