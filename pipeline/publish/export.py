"""Exports of listings for analysts: CSV, JSON lines, an Excel workbook, or Excel-friendly CSV.

`export_listings` selects listings with the same filters as the Datasette facets, in a stable
column order, with nullable integers kept as integers and ISO dates. The Excel-friendly CSV
neutralizes cells a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
carriage return) by prefixing an apostrophe, and adds a byte-order mark so Excel reads UTF-8.
The workbook (xlsx) stores every text as text, never as a formula. `format_for` picks the
format from the file's suffix, or checks that a format asked for matches it.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
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
EXPORT_CHUNK = 5_000  # listings read at a time
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


def chunk_query(filters: Filters, columns: tuple[str, ...] = EXPORT_COLUMNS) -> tuple[str, list]:
    """The SQL of one chunk of the filtered listings, in rowid order: `rowid, *columns` of the
    EXPORT_CHUNK listings after the rowid given as the first parameter (each chunk a quick
    indexed range read, so a million rows stream at the speed of the writer)."""
    where, params = where_for(filters)
    return (
        f"select l.rowid, {select_columns(columns)} from listings l "
        "left join listing_texts t on t.id = l.id "
        f"where {' and '.join(['l.rowid > ?', *where])} order by l.rowid limit {EXPORT_CHUNK}",
        params,
    )


def cells(row: tuple) -> list:
    """An exported row's cells from a `chunk_query` row: its rowid dropped, whole figures as
    integers."""
    return [whole_number(value) for value in row[1:]]


def iter_rows(
    conn: sqlite3.Connection, filters: Filters, columns: tuple[str, ...] = EXPORT_COLUMNS
) -> Iterator[list]:
    """Every filtered listing's cells, a chunk at a time."""
    sql, params = chunk_query(filters, columns)
    after = 0
    while True:
        chunk = conn.execute(sql, [after, *params]).fetchall()
        yield from map(cells, chunk)
        if len(chunk) < EXPORT_CHUNK:
            return
        after = chunk[-1][0]


def csv_cells(row: list, excel: bool) -> list:
    """A row as written to CSV: for `excel`, formula-like cells neutralized."""
    return [neutralize(value) for value in row] if excel else row


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
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        rows = iter_rows(conn, filters or Filters())
        if fmt == "xlsx":
            frame = pd.DataFrame(list(rows), columns=list(EXPORT_COLUMNS))
            write_xlsx(frame, out)
            return len(frame)
        if fmt == "jsonl":
            return _write_jsonl(rows, out)
        return _write_csv(rows, out, excel=fmt == "excel")


def _write_jsonl(rows: Iterator[list], out: Path) -> int:
    count = 0
    with open(out, "w", encoding="utf-8") as handle:
        for row in rows:
            record = dict(zip(EXPORT_COLUMNS, row, strict=True))
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def _write_csv(rows: Iterator[list], out: Path, excel: bool) -> int:
    """CSV as `/-/export.csv` streams it; `excel` adds a byte-order mark (Excel then reads
    UTF-8) and neutralizes formula-like cells."""
    count = 0
    with open(out, "w", encoding="utf-8-sig" if excel else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow(csv_cells(row, excel))
            count += 1
    return count
