"""`/-/export.csv`: every listing matching the filters, streamed as CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import pandas as pd
from datasette.utils.asgi import AsgiStream, Response

from pipeline.publish.export import (
    EXPORT_CHUNK,
    EXPORT_COLUMNS,
    ExportError,
    cells,
    chunk_query,
    csv_cells,
    iter_rows,
    write_xlsx,
)
from pipeline.publish.filters import FilterError, parse_filters

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
    sql, params = chunk_query(filters, columns)
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
            out.writerows(csv_cells(cells(row), excel) for row in rows)
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


async def export_xlsx(request: Any, datasette: Any) -> Any:
    """The listings of `/-/export.csv`'s filters as an Excel workbook, written as `microintern
    export` writes one (numbers as numbers, every text as text, never a formula)."""
    try:
        filters = parse_filters(request.args, also_allowed=("texts",))
    except FilterError as error:
        return Response.text(f"{error}\n", status=400)
    columns = EXPORT_COLUMNS if request.args.get("texts") == "1" else EXPORT_COLUMNS[:-1]
    rows = await datasette.get_database().execute_fn(
        lambda conn: list(iter_rows(conn, filters, columns))
    )
    frame = pd.DataFrame(rows, columns=list(columns))
    out = io.BytesIO()
    try:
        await asyncio.get_running_loop().run_in_executor(None, write_xlsx, frame, out)
    except ExportError as error:
        return Response.text(f"{error}\n", status=400)
    return Response(
        out.getvalue(),
        content_type=XLSX_TYPE,
        headers={"content-disposition": 'attachment; filename="listings.xlsx"'},
    )
