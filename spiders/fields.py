"""Small readers for API values that may be missing or of the wrong type, shared by spiders."""

from __future__ import annotations

from typing import Any


def text_or_none(value: Any) -> str | None:
    """A stripped string, or None for anything else (missing, blank, wrong type)."""
    return value.strip() or None if isinstance(value, str) else None


def valid_id(value: Any) -> bool:
    """A usable source id: a non-empty string or an integer."""
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, int) and not isinstance(value, bool)
