"""Facet types of the published site.

`counted` facets (`{"counted": "kind"}` in the metadata) are Datasette's column facets, except
that on the unfiltered table page they read the counts the store keeps in
`<table>_facet_counts` instead of scanning an index of every row (tens of milliseconds each on a
million listings); filtered pages, searches and tables without counts are counted as usual.

Their values are listed by count, except where `VALUE_ORDERS` gives an order: the hour ranges
read under-5, 5-10, 10-20, 20-40, over-40 (counted facets fetch every value of a column with
few values, so the order is applied to all of them).

`array_grouped` facets count a JSON-array column like Datasette's `array` facet (rows containing
each value), but group the rows by their whole array first. Datasette's own array facet
de-duplicates (value, entire row) pairs, which sorts every row of the table in a temporary index:
seconds on a million listings. Grouping first reads only the column (through its index) and
expands the few distinct arrays: the same counts in tens of milliseconds, or from the kept counts
on the unfiltered page. Selecting a value filters with `__arraycontains`.
"""

from __future__ import annotations

from typing import Any

from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from pipeline.tagging.hours import HOUR_RANGES

# Facets listed in their own order rather than by count: hour ranges from short to long.
VALUE_ORDERS: dict[str, tuple[str, ...]] = {"hour_range": HOUR_RANGES}
COLUMN_SQL = """
    select {col} as value, count(*) as count from ({sql})
    where {col} is not null
    group by {col} order by count desc, value limit {limit}
"""
GROUPED_SQL = """
    select value, sum(rows) as count from (
        select distinct arrays.rows, arrays.array, j.value
        from (
            select {col} as array, count(*) as rows from ({sql})
            where {col} is not null group by {col}
        ) arrays
        join json_each(arrays.array) j
    )
    group by value
    order by count desc, value limit {limit}
"""
KEPT_SQL = """
    select value, listings as count from {counts} where facet = :facet
    order by count desc, value limit {limit}
"""
KEPT_GROUPED_SQL = """
    select value, sum(rows) as count from (
        select distinct c.listings as rows, c.value as array, j.value
        from {counts} c join json_each(c.value) j where c.facet = :facet
    )
    group by value
    order by count desc, value limit {limit}
"""


async def _facet_rows(
    facet: ColumnFacet, column: str, sql: str, kept_sql: str, size: int
) -> list[Any]:
    """The facet's (value, count) rows: from the kept counts when the page is the whole table
    and the database keeps them, else counted over the page's rows."""
    if facet.table and facet.sql.rstrip().endswith(f"from {escape_sqlite(facet.table)}"):
        counts_table = f"{facet.table}_facet_counts"
        # Only tables keep counts (not views such as open_listings): asking a database for a
        # table it lacks would log an error on every page.
        if await facet.ds.get_database(facet.database).table_exists(counts_table):
            kept = await facet.ds.execute(
                facet.database,
                kept_sql.format(counts=escape_sqlite(counts_table), limit=size + 1),
                {"facet": column},
            )
            if kept.rows:
                return kept.rows
    query = sql.format(col=escape_sqlite(column), sql=facet.sql, limit=size + 1)
    results = await facet.ds.execute(
        facet.database,
        query,
        facet.params,
        truncate=False,
        custom_time_limit=facet.ds.setting("facet_time_limit_ms"),
    )
    return results.rows


class CountedFacet(ColumnFacet):
    """Datasette's column facet, read from the kept counts on the unfiltered page."""

    type = "counted"
    count_sql = COLUMN_SQL
    kept_sql = KEPT_SQL
    shown_type = "column"
    filter_suffix = ""

    async def suggest(self) -> list[dict[str, Any]]:
        return []  # Datasette's column facet already suggests columns

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            try:
                rows = await _facet_rows(self, column, self.count_sql, self.kept_sql, size)
            except QueryInterrupted:
                timed_out.append(column)
                continue
            key = f"{column}{self.filter_suffix}"
            if not self.filter_suffix and column.startswith("_"):
                key = f"{column}__exact"
            values = []
            for row in rows[:size]:
                value = row["value"] if not self.filter_suffix else str(row["value"])
                selected = (key, str(value)) in pairs
                if selected:
                    toggle = path_with_removed_args(self.request, {key: str(value)})
                else:
                    toggle = path_with_added_args(self.request, {key: value})
                values.append(
                    {
                        "value": value,
                        "label": value,
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                        "selected": selected,
                    }
                )
            if column in VALUE_ORDERS:
                rank = {v: i for i, v in enumerate(VALUE_ORDERS[column])}
                values.sort(key=lambda r: (rank.get(r["value"], len(rank)), -r["count"]))
            results.append(
                {
                    "name": column,
                    "type": self.shown_type,
                    "hideable": source_and_config["source"] != "metadata",
                    "toggle_url": self.ds.urls.path(
                        path_with_removed_args(self.request, {f"_facet_{self.type}": column})
                    ),
                    "results": values,
                    "truncated": len(rows) > size,
                }
            )
        return results, timed_out


class ArrayGroupedFacet(CountedFacet):
    """Datasette's array facet, counted over the distinct arrays of the column."""

    type = "array_grouped"
    count_sql = GROUPED_SQL
    kept_sql = KEPT_GROUPED_SQL
    shown_type = "array"
    filter_suffix = "__arraycontains"
