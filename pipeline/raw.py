"""Reading raw items (the contract in `spiders.items.RawListing`) from JSON-lines captures.

`parse_raw_line` checks one line against the contract and returns a clean dict; `iter_raw_file`
reads a capture and yields `(line_number, item_or_error)` so a bad line is reported with its
number and skipped while the good lines still land.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from spiders.items import RAW_FIELDS, REQUIRED_FIELDS


class RawItemError(ValueError):
    """A line that is not a valid raw item; the message says why."""


def parse_raw_line(line: str) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RawItemError(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise RawItemError(f"expected a JSON object, got {type(data).__name__}")
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


def iter_raw_file(path: Path) -> Iterator[tuple[int, dict[str, Any] | RawItemError]]:
    """Yield `(line_number, item)` or `(line_number, RawItemError)` for each non-blank line."""
    with open(path, "rb") as handle:
        for number, raw_line in enumerate(handle, 1):
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, RawItemError(f"not UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            if not line.strip():
                continue
            try:
                yield number, parse_raw_line(line)
            except RawItemError as exc:
                yield number, exc
