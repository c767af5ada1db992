"""Reading raw items (the contract in `spiders.items.RawListing`) from JSON lines or CSV.

`validate_item` checks one record against the contract and returns a clean dict; `iter_raw_file`
reads a file and yields `(line_number, item_or_error)` so a bad line is reported with its number
and skipped while the good lines still land. CSV files (e.g. exports from login-gated platforms)
use the contract's field names as headers, or the common export headers in `CSV_COLUMN_ALIASES`;
they are separated by commas, semicolons (as Excel writes them in many European locales) or tabs,
whichever the header line holds most of. A bare figure in an hours or pay column takes its meaning
from the column (`HOURS_CELLS`, `PAY_CELLS`): `10` under "Estimated Hours" is "10 hours", `$250`
under "Budget" is "Budget $250". `csv_columns` tells the columns of a file read from those ignored.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from pipeline.collect.captures import REFERENCE_SUFFIX, open_capture, read_reference
from spiders.items import RAW_FIELDS, REQUIRED_FIELDS


class RawItemError(ValueError):
    """A line that is not a valid raw item; the message says why."""


# CSV header (case and spacing ignored) -> contract field. Headers that already are contract
# field names need no entry.
CSV_COLUMN_ALIASES: dict[str, str] = {
    "id": "source_id",
    "project id": "source_id",
    "job id": "source_id",
    "posting id": "source_id",
    "link": "url",
    "project url": "url",
    "job url": "url",
    "apply url": "url",
    "project title": "title",
    "job title": "title",
    "project name": "title",
    "name": "title",
    "company name": "company",
    "employer": "company",
    "organization": "company",
    "project description": "description",
    "details": "description",
    "city": "location",
    "remote?": "remote",
    "work type": "employment_type",
    "type": "employment_type",
    "posted": "posted_at",
    "posted date": "posted_at",
    "date posted": "posted_at",
    "apply by": "deadline",
    "application deadline": "deadline",
    "due date": "deadline",
    "pay": "pay_text",
    "pay rate": "pay_text",
    "hourly rate": "pay_text",
    "hourly pay": "pay_text",
    "compensation": "pay_text",
    "budget": "pay_text",
    "project budget": "pay_text",
    "stipend": "pay_text",
    "fee": "pay_text",
    "project fee": "pay_text",
    "payment": "pay_text",
    "salary": "pay_text",
    "hours": "hours_text",
    "estimated hours": "hours_text",
    "est. hours": "hours_text",
    "est hours": "hours_text",
    "hours estimate": "hours_text",
    "total hours": "hours_text",
    "project hours": "hours_text",
    "hours per week": "hours_text",
    "weekly hours": "hours_text",
    "hours/week": "hours_text",
    "duration": "hours_text",
    "category": "categories",
    "tags": "categories",
    "skills": "categories",
}
# Header -> what a bare figure under it means ({} is the cell): a number or a range of hours
# ("10", "10-15", "7,5") ...
HOURS_CELLS: dict[str, str] = {
    **dict.fromkeys(
        ("hours", "hours text", "estimated hours", "est. hours", "est hours", "hours estimate"),
        "{} hours",
    ),
    **dict.fromkeys(("total hours", "project hours"), "{} hours"),
    **dict.fromkeys(("hours per week", "weekly hours", "hours/week"), "{} hours per week"),
}
# ... or an amount of pay with no words ("$250", "200-300 EUR").
PAY_CELLS: dict[str, str] = {
    **dict.fromkeys(("pay", "pay text", "pay rate", "payment"), "Pay {}"),
    **dict.fromkeys(("hourly rate", "hourly pay"), "{} per hour"),
    **dict.fromkeys(("budget", "project budget"), "Budget {}"),
    "compensation": "Compensation {}",
    "stipend": "Stipend {}",
    "fee": "Fee {}",
    "project fee": "Project fee {}",
    "salary": "Salary {}",
}
BARE_HOURS = re.compile(r"\d+(?:[.,]\d{1,2})?(?:\s*(?:-|–|—|to)\s*\d+(?:[.,]\d{1,2})?)?")
# What an amount with no words may hold besides digits, signs and spaces: a currency code, "k"
# after a digit, "to" between two amounts.
AMOUNT_WORDS = re.compile(r"\b[A-Z]{3}\b|(?<=\d)[kK]\b|\bto\b")
CSV_DELIMITERS = (",", ";", "\t")
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "y", "1", "remote"}, {"false", "no", "n", "0", ""}


def parse_raw_line(line: str, defaults: dict[str, Any] | None = None) -> dict[str, Any]:
    """A raw item from one JSON line; `defaults` fill fields the line does not have."""
    try:
        data = orjson.loads(line)  # twice the json module's speed, stricter (no NaN)
    except orjson.JSONDecodeError as exc:
        raise RawItemError(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise RawItemError(f"expected a JSON object, got {type(data).__name__}")
    return validate_item({**(defaults or {}), **{k: v for k, v in data.items() if v is not None}})


def header_key(header: str) -> str:
    """A CSV header as looked up: lower case, `_` as a space, spaces squeezed."""
    return " ".join(header.strip().lower().replace("_", " ").split())


def csv_field(header: str) -> str | None:
    """The contract field a CSV header maps to, or None for a column that is not read."""
    key = header_key(header)
    if key.replace(" ", "_") in RAW_FIELDS:
        return key.replace(" ", "_")
    return CSV_COLUMN_ALIASES.get(key)


def cell_text(header: str, value: str) -> str:
    """`value` of the column `header`, a bare figure given the meaning its column names
    (`HOURS_CELLS`, `PAY_CELLS`): "10" under "Estimated Hours" is "10 hours"."""
    key = header_key(header)
    if key in HOURS_CELLS and BARE_HOURS.fullmatch(value):
        return HOURS_CELLS[key].format(re.sub(r"(?<=\d),(?=\d)", ".", value))  # 7,5 is 7.5
    if key in PAY_CELLS:
        bare = AMOUNT_WORDS.sub("", value)
        if any(c.isdigit() for c in bare) and not any(c.isalpha() for c in bare):
            return PAY_CELLS[key].format(value)
    return value


def csv_record(row: dict[str, str | None]) -> dict[str, Any]:
    """A CSV row with its headers mapped to contract fields and its cells typed."""
    record: dict[str, Any] = {}
    for header, cell in row.items():
        if header is None:
            raise RawItemError("more cells than headers")
        field_name = csv_field(header)
        if field_name is None or cell is None:
            continue
        value = cell.strip()
        if field_name in ("hours_text", "pay_text"):
            value = cell_text(header, value)
        if field_name == "remote":
            if value.lower() not in TRUE_WORDS | FALSE_WORDS:
                raise RawItemError(f"column {header!r}: expected yes or no, got {value!r}")
            record[field_name] = value.lower() in TRUE_WORDS if value else None
        elif field_name == "categories":
            parts = value.replace(";", ",").split(",")
            record[field_name] = [v.strip() for v in parts if v.strip()]
        elif value and field_name not in record:
            record[field_name] = value
    return record


def validate_item(data: dict[str, Any]) -> dict[str, Any]:
    """A clean raw item with every contract field, or RawItemError saying what is wrong."""
    item: dict[str, Any] = {name: data.get(name) for name in RAW_FIELDS}
    for name in REQUIRED_FIELDS:
        value = item[name]
        if isinstance(value, int | float) and not isinstance(value, bool) and name == "source_id":
            value = item[name] = str(value)
        if name == "description" and value is None:
            value = item[name] = ""
        if not isinstance(value, str) or (name != "description" and not value.strip()):
            raise RawItemError(f"missing or empty required field {name!r}")
    for name in RAW_FIELDS:
        value = item[name]
        if name == "categories":
            item[name] = _categories(value)
        elif name == "remote":
            if value is not None and not isinstance(value, bool):
                raise RawItemError(f"field 'remote' must be true, false or null, got {value!r}")
        elif value is not None and not isinstance(value, str):
            raise RawItemError(f"field {name!r} must be a string or null, got {value!r}")
    return item


def _categories(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RawItemError("field 'categories' must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def iter_raw_file(
    path: Path, defaults: dict[str, Any] | None = None
) -> Iterator[tuple[int, dict[str, Any] | RawItemError]]:
    """Yield `(line_number, item)` or `(line_number, RawItemError)` for each record of a JSON-lines
    or (by its `.csv` suffix) CSV file, gzip-compressed when its name ends with `.gz`, or of the
    capture a reference names (`.ref.json`, see `captures`); `defaults` fill missing fields such
    as `source`."""
    name = Path(path).name.lower()
    if name.endswith(REFERENCE_SUFFIX):
        yield from _iter_reference(Path(path), defaults or {})
        return
    if name.removesuffix(".gz").endswith(".csv"):
        yield from _iter_csv(Path(path), defaults or {})
        return
    with open_capture(path) as handle:
        for number, raw_line in enumerate(handle, 1):
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, RawItemError(f"not UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            if not line.strip():
                continue
            try:
                yield number, parse_raw_line(line, defaults)
            except RawItemError as exc:
                yield number, exc


def _iter_reference(
    path: Path, defaults: dict[str, Any]
) -> Iterator[tuple[int, dict[str, Any] | RawItemError]]:
    """The items of the capture a reference names, with the referring night's `scraped_at`."""
    record = read_reference(path)
    stamp = record.get("scraped_at") or defaults.get("scraped_at")
    for number, item in iter_raw_file(path.parent / record["capture"], defaults):
        if isinstance(item, dict):
            item["scraped_at"] = stamp
        yield number, item


def read_text(path: Path) -> str:
    """A text file (a leading byte-order mark dropped), decompressed when it ends with `.gz`."""
    if str(path).endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8-sig") as handle:
            return handle.read()
    return Path(path).read_text(encoding="utf-8-sig")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV by its header line: whichever of `,` `;` and tab it holds most
    of outside quotes (`,` on a tie, and for a single column)."""
    bare = re.sub(r'"[^"]*"', "", header_line)
    counts = [(bare.count(d), -i, d) for i, d in enumerate(CSV_DELIMITERS)]
    return max(counts)[2]


def csv_columns(path: Path) -> tuple[list[str], list[str]]:
    """The headers of a CSV file that are read, and those ignored (empty headers aside); none
    when the file cannot be read (its import says why)."""
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
        return [], []
    delimiter = sniff_delimiter(text.partition("\n")[0])
    headers = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    read = [h for h in headers if csv_field(h)]
    return read, [h.strip() for h in headers if h.strip() and not csv_field(h)]


def _iter_csv(
    path: Path, defaults: dict[str, Any]
) -> Iterator[tuple[int, dict[str, Any] | RawItemError]]:
    try:
        text = read_text(path)
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 ({exc.reason} at byte {exc.start}); save the CSV as UTF-8"
        yield 1, RawItemError(reason)
        return
    delimiter = sniff_delimiter(text.partition("\n")[0])
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    for row in reader:
        number = reader.line_num  # the row's last physical line
        if not any((cell or "").strip() for cell in row.values() if isinstance(cell, str)):
            continue
        try:
            yield number, validate_item({**defaults, **csv_record(row)})
        except RawItemError as exc:
            yield number, exc
