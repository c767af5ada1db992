"""Reading and writing rows in bulk: chunked look-ups, whole-row upserts of new rows and
updates of the changed columns of stored ones."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import compress
from operator import itemgetter, ne
from typing import Any

from sqlite_utils import Database

IN_CHUNK = 500  # values per `in (...)` list, well under SQLite's limit of bound parameters
LISTINGS_WITH_TEXTS = (  # {marks}: one "?" per id
    "select l.*, t.description_text, t.description_html from listings l "
    "left join listing_texts t on t.id = l.id where l.id in ({marks})"
)


def in_chunks(values: Sequence[Any]) -> Iterator[tuple[Sequence[Any], str]]:
    """`values` in chunks of IN_CHUNK, each with its marks for an `in (...)` list ("?, ?")."""
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start : start + IN_CHUNK]
        yield chunk, ", ".join("?" * len(chunk))


def listings_with_texts(db: Database, ids: set[str]) -> list[dict[str, Any]]:
    """The stored listings with these ids, with their texts."""
    found: list[dict[str, Any]] = []
    for chunk, marks in in_chunks(sorted(ids)):
        found.extend(db.query(LISTINGS_WITH_TEXTS.format(marks=marks), chunk))
    return found


def rows_where_in(
    db: Database,
    table: str,
    column: str,
    values: set[Any],
    order: str = "rowid",
    select: str = "*",
) -> list[dict[str, Any]]:
    """Rows of `table` whose `column` is one of `values` (read in chunks), in `order`."""
    found: list[dict[str, Any]] = []
    for chunk, marks in in_chunks(sorted(values)):
        sql = f"select {select}, rowid as _rowid from [{table}] where [{column}] in ({marks})"
        found.extend(db.query(sql, chunk))
    found.sort(key=lambda row: row.pop("_rowid"))
    return found


def rowids_of(db: Database, table: str, ids: list[str]) -> dict[str, int]:
    """The rowid of each stored row of `table` with one of these ids (read in chunks)."""
    found: dict[str, int] = {}
    for chunk, marks in in_chunks(ids):
        sql = f"select id, rowid from [{table}] where id in ({marks})"
        found.update(db.execute(sql, chunk).fetchall())
    return found


def insert_rows(db: Database, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys with one prepared statement."""
    columns = list(rows[0])
    sql = (
        f"insert into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
        f"values ({', '.join('?' * len(columns))})"
    )
    db.conn.executemany(sql, map(itemgetter(*columns), rows))


def upsert_rows(
    db: Database,
    table: str,
    rows: list[dict[str, Any]],
    before: Mapping[str, dict[str, Any] | None] | None = None,
) -> None:
    """Insert or update whole rows by `id`. A row whose stored version `before` holds is written
    as an UPDATE of the columns that differ from it: SQLite rewrites the index entries of every
    column an UPDATE sets, changed or not (16 indexes on listings). Other rows go in with one
    prepared upsert (sqlite-utils' `upsert_all` inspects every value, which costs more than the
    matching itself here)."""
    columns = list(db.table(table).columns_dict)
    whole_row = _whole_row(columns)
    new: list[dict[str, Any]] = []
    changed: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        old = before.get(row["id"]) if before else None
        if old is None:
            new.append(row)
            continue
        names = tuple(compress(columns, map(ne, whole_row(row), whole_row(old))))
        if names:
            changed.setdefault(names, []).append(row)
    if new:
        db.conn.executemany(_upsert_sql(table, columns), map(whole_row, new))
    for names, group in changed.items():
        sets = ", ".join(f"[{c}] = ?" for c in names)
        values = [[*(row.get(c) for c in names), row["id"]] for row in group]
        done = db.conn.executemany(f"update [{table}] set {sets} where id = ?", values)
        if done.rowcount != len(group):  # a row thought stored is not: write the rows whole
            db.conn.executemany(_upsert_sql(table, columns), map(whole_row, group))


def _upsert_sql(table: str, columns: list[str]) -> str:
    names = ", ".join(f"[{c}]" for c in columns)
    updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c != "id")
    return (
        f"insert into [{table}] ({names}) values ({', '.join('?' * len(columns))}) "
        f"on conflict(id) do update set {updates}"
    )


def _whole_row(columns: list[str]) -> Callable[[dict[str, Any]], Any]:
    """A row's values in `columns` order (None for a missing key)."""
    whole_row = itemgetter(*columns)

    def values(row: dict[str, Any]) -> Any:
        try:
            return whole_row(row)  # every column present: one C call
        except KeyError:
            return [row.get(c) for c in columns]

    return values
