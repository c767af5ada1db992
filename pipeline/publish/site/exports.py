"""`/-/export.csv`: every listing matching the filters, streamed as CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import pandas as pd
from datasette.utils.asgi import AsgiStream, Response

from pipeline.publish.export import EXPORT_COLUMNS, neutralize, select_columns, whole_number
from pipeline.publish.filters import FilterError, parse_filters, where_for

EXPORT_CHUNK = 5_000
EXPORT_OPTIONS = ("format", "texts")  # beside the filters
EXPORT_FORMATS = ("csv", "excel")


async def export_csv(request: Any, datasette: Any) -> Any:
    """Every listing matching the filters as CSV, in the stable column order of `microintern
    export`, streamed in rowid chunks (each a quick indexed range read), so a million rows come
    at the speed of the csv module rather than Datasette's per-cell table rendering. Whole
    figures are written as `20`, not `20.0`, as `microintern export` writes them.
    `?format=excel` neutralizes formula-like cells and adds a byte-order mark; `?texts=1` adds
    `description_text`."""
    try:
        filters = parse_filters(request.args, also_allowed=EXPORT_OPTIONS)
    except FilterError as error:
        return Response.text(f"{error}\n", status=400)
    if request.args.get("format", "csv") not in EXPORT_FORMATS:
        valid = ", ".join(EXPORT_FORMATS)
        return Response.text(f"format must be one of {valid}\n", status=400)
    if request.args.get("texts", "0") not in ("0", "1"):
        return Response.text("texts must be 1 or 0\n", status=400)
    columns = EXPORT_COLUMNS if request.args.get("texts") == "1" else EXPORT_COLUMNS[:-1]
    excel = request.args.get("format") == "excel"
    where, params = where_for(filters)
    sql = (
        f"select l.rowid, {select_columns(columns)} from listings l "
        "left join listing_texts t on t.id = l.id "
        f"where {' and '.join(['l.rowid > ?', *where])} order by l.rowid limit {EXPORT_CHUNK}"
    )
    database = datasette.get_database()

    async def stream(writer: Any) -> None:
        buffer = io.StringIO()
        out = csv.writer(buffer)
        if excel:
            buffer.write("\ufeff")
        out.writerow(columns)
        after = 0
        while True:
            rows = await database.execute_fn(
                lambda conn, after=after: conn.execute(sql, [after, *params]).fetchall()
            )
            for row in rows:
                cells = [whole_number(v) for v in row[1:]]
                out.writerow([neutralize(v) for v in cells] if excel else cells)
            await writer.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
            if len(rows) < EXPORT_CHUNK:
                return
            after = rows[-1][0]

    return AsgiStream(
        stream,
        headers={"content-disposition": 'attachment; filename="listings.csv"'},
        content_type="text/csv; charset=utf-8",
    )


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_575  # a worksheet's rows, less the header


async def export_xlsx(request: Any, datasette: Any) -> Any:
    """The listings of `/-/export.csv`'s filters as an Excel workbook (pandas with openpyxl):
    numbers stay numbers, text is text (never a formula), dates ISO text."""
    try:
        filters = parse_filters(request.args, also_allowed=("texts",))
    except FilterError as error:
        return Response.text(f"{error}\n", status=400)
    columns = EXPORT_COLUMNS if request.args.get("texts") == "1" else EXPORT_COLUMNS[:-1]
    where, params = where_for(filters)
    clause = f"where {' and '.join(where)}" if where else ""
    sql = (
        f"select {select_columns(columns)} from listings l "
        f"left join listing_texts t on t.id = l.id {clause} order by l.rowid "
        f"limit {XLSX_MAX_ROWS}"
    )
    rows = await datasette.get_database().execute_fn(
        lambda conn: conn.execute(sql, params).fetchall()
    )
    body = await asyncio.get_running_loop().run_in_executor(
        None, workbook_bytes, list(columns), rows
    )
    return Response(
        body,
        content_type=XLSX_TYPE,
        headers={"content-disposition": 'attachment; filename="listings.xlsx"'},
    )


def workbook_bytes(columns: list[str], rows: list[tuple]) -> bytes:
    """An .xlsx of the rows; whole figures as integers, cells that look like formulas kept as
    text (openpyxl writes a string starting with = as a formula)."""
    frame = pd.DataFrame(
        [[neutralize(whole_number(value)) for value in row] for row in rows], columns=columns
    )
    out = io.BytesIO()
    frame.to_excel(out, index=False, sheet_name="listings", engine="openpyxl")
    return out.getvalue()
