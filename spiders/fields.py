"""Small readers for API values that may be missing or of the wrong type, shared by spiders."""

from __future__ import annotations

import html
import re
from typing import Any

from parsel import Selector
from scrapy.http import HtmlResponse, Response, TextResponse

REMOTE_BY_WORKPLACE = {"remote": True, "onsite": False, "hybrid": False}
# Location values that name no place, compared case-insensitively. "NA" is also Namibia's code:
# see `place_or_none(country_code=True)`.
PLACEHOLDER_PLACES = frozenset({"unavailable", "n/a", "na", "tbd", "tba", "-", "none", "unknown"})
# An escaped tag such as "&lt;p&gt;", "&lt;/li&gt;" or "&#60;br /&#62;".
ESCAPED_TAG = re.compile(
    r"&(?:lt|#0*60|#x0*3c);/?[a-z][a-z0-9]*(?:\s[^<>]*?)?/?&(?:gt|#0*62|#x0*3e);", re.IGNORECASE
)
REAL_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


def text_or_none(value: Any) -> str | None:
    """A stripped string, or None for anything else (missing, blank, wrong type)."""
    return value.strip() or None if isinstance(value, str) else None


def valid_id(value: Any) -> bool:
    """A usable source id: a non-empty string or an integer."""
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, int) and not isinstance(value, bool)


def plain_text(value: Any) -> str | None:
    """A plain-text value such as a title with its HTML entities decoded once
    (`"R&amp;D"` -> `"R&D"`), stripped; None like `text_or_none`."""
    text = text_or_none(value)
    if text is None or "&" not in text:
        return text
    return text_or_none(html.unescape(text))


def amount_text(value: Any) -> str | None:
    """`"30"` from 30, 30.0 or "30.0"; `"7.5"` from 7.5; None for zero or less (a range left at
    0 names no amount), blank and non-numbers."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not 0 < number < float("inf"):
        return None
    return str(int(number)) if number.is_integer() else str(number)


def place_or_none(value: Any, country_code: bool = False) -> str | None:
    """A location as given, or None when it is missing or a placeholder ("N/A", "TBD",
    "UNAVAILABLE", "-", ...). With `country_code`, "NA" is Namibia, not a placeholder."""
    text = text_or_none(value)
    if text is None or not any(c.isalnum() for c in text):
        return None
    key = text.casefold()
    if key in PLACEHOLDER_PLACES and not (country_code and key == "na"):
        return None
    return text


def looks_escaped(markup: str) -> bool:
    """True for HTML escaped once too often: it shows escaped tags ("&lt;p&gt;") and no real tag."""
    return "&" in markup and bool(ESCAPED_TAG.search(markup)) and not REAL_TAG.search(markup)


def html_description(value: Any, escaped: bool = False) -> str:
    """Description HTML. `escaped` is for a source that escapes its HTML once by design
    (Greenhouse's `content`): it is unescaped once. Text that still looks escaped
    ("&lt;p&gt;..." and no real tag) was escaped once more, and is unescaped once more."""
    text = value if isinstance(value, str) else ""
    if escaped and "&" in text:
        text = html.unescape(text)
    return html.unescape(text) if looks_escaped(text) else text


def remote_from_workplace(value: Any) -> bool | None:
    """True for a remote workplace type, False for on-site or hybrid, None otherwise."""
    text = text_or_none(value)
    key = "".join(c for c in text.lower() if c.isalpha()) if text else ""
    return REMOTE_BY_WORKPLACE.get(key)


def html_page(response: Response, only_html: bool = False) -> Selector | None:
    """The body as an HTML selector, whatever text type the server declared (`only_html`: only
    when it declared HTML); None for a body that is not text."""
    if not isinstance(response, HtmlResponse if only_html else TextResponse):
        return None
    if response.selector.type == "html":
        return response.selector
    return Selector(text=response.text, type="html")
