"""Small readers for API values that may be missing or of the wrong type, shared by spiders."""

from __future__ import annotations

from typing import Any

REMOTE_BY_WORKPLACE = {"remote": True, "onsite": False, "hybrid": False}


def text_or_none(value: Any) -> str | None:
    """A stripped string, or None for anything else (missing, blank, wrong type)."""
    return value.strip() or None if isinstance(value, str) else None


def valid_id(value: Any) -> bool:
    """A usable source id: a non-empty string or an integer."""
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, int) and not isinstance(value, bool)


def remote_from_workplace(value: Any) -> bool | None:
    """True for a remote workplace type, False for on-site or hybrid, None otherwise."""
    text = text_or_none(value)
    key = "".join(c for c in text.lower() if c.isalpha()) if text else ""
    return REMOTE_BY_WORKPLACE.get(key)
