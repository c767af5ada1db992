"""Exports of listings for analysts: CSV, JSON lines, an Excel workbook, or Excel-friendly CSV.

`export_listings` selects listings with the same filters as the Datasette facets, in a stable
column order, with nullable integers kept as integers and ISO dates. The Excel-friendly CSV
neutralizes cells a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
carriage return) by prefixing an apostrophe, and adds a byte-order mark so Excel reads UTF-8.
The workbook (xlsx) stores every text as text, never as a formula. `format_for` picks the
format from the file's suffix, or checks that a format asked for matches it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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
FORMATS = ("csv", "jsonl", "xlsx", "excel")
# The formats a file of each suffix can hold, the first when no format is asked for.
SUFFIX_FORMATS = {".csv": ("csv", "excel"), ".jsonl": ("jsonl",), ".xlsx": ("xlsx",)}
# Excel's limits: rows of a sheet (the header takes one), characters in a cell.
XLSX_MAX_ROWS = 1_048_575
XLSX_MAX_CELL = 32_767
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    """An export that cannot be written as asked; the message says why."""


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


def format_for(out: Path, fmt: str | None) -> str:
    """The format to write `out` in: `fmt`, or the one its suffix names (csv when the suffix
    names none). ExportError when `fmt` contradicts the suffix (csv bytes in a .xlsx file)."""
    suffix = out.suffix.lower()
    formats = SUFFIX_FORMATS.get(suffix)
    if fmt is None:
        return formats[0] if formats else "csv"
    if formats and fmt not in formats:
        raise ExportError(
            f"--format {fmt} does not fit {out.name}: a {suffix} file takes --format "
            f"{' or '.join(formats)} (or leave --format out)"
        )
    return fmt


def write_xlsx(frame: pd.DataFrame, out: Path) -> None:
    """`frame` as the sheet "listings" of an Excel workbook: numbers as numbers, every text as
    text (a title starting with "=" stays a title, not a formula)."""
    if len(frame) > XLSX_MAX_ROWS:
        raise ExportError(
            f"{len(frame)} listings are more than an Excel sheet holds ({XLSX_MAX_ROWS}): "
            "narrow the filters or export csv"
        )
    text = frame.select_dtypes(include=["object", "string"]).columns
    frame[text] = frame[text].map(_cell_text)
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="listings")
        sheet = writer.sheets["listings"]
        for column in text:  # openpyxl stores a text starting with "=" as a formula
            number = frame.columns.get_loc(column) + 1
            starts = frame[column].map(lambda v: isinstance(v, str) and v.startswith("="))
            for row in starts.to_numpy().nonzero()[0]:
                sheet.cell(row=int(row) + 2, column=number).data_type = "s"


def _cell_text(value: object) -> object:
    """A text without the control characters a workbook cannot hold, cut to Excel's cell limit;
    other values unchanged."""
    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_CELL]


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
    elif fmt == "xlsx":
        write_xlsx(frame, out)
    elif fmt == "excel":
        text = frame.select_dtypes(include=["object", "string"]).columns
        frame[text] = frame[text].map(neutralize)
        frame.to_csv(out, index=False, encoding="utf-8-sig")
    else:
        frame.to_csv(out, index=False)
    return len(frame)
