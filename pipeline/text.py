"""Text helpers: description HTML to plain text, whitespace, dates."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

import lxml.html
import nh3
from lxml.etree import ParserError

TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
BLOCK_END = re.compile(r"(?i)<\s*(br\s*/?|/p|/li|/h[1-6]|/div|/tr|/ul|/ol)\s*>")
ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def squash(text: str | None) -> str | None:
    """Collapse runs of spaces; None for empty."""
    if text is None:
        return None
    text = re.sub(r"[ \t\r\f\v\u00a0]+", " ", text).strip()
    return text or None


def html_to_text(markup: str) -> str:
    """Plain text from an HTML fragment, one line per block; plain text passes through."""
    if not TAG.search(markup):
        lines = [squash(line) for line in markup.splitlines()]
        return "\n".join(line for line in lines if line)
    marked = BLOCK_END.sub(lambda m: m.group(0) + "\n", markup)
    try:
        root = lxml.html.fromstring(f"<div>{marked}</div>")
        for bad in root.xpath("//script|//style"):
            bad.drop_tree()
        text = root.text_content()
    except (ParserError, ValueError):
        text = TAG.sub(" ", markup)
    lines = [squash(line) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def iso_date(value: str | None) -> str | None:
    """`YYYY-MM-DD` from an ISO 8601 date or datetime (in its own offset); None otherwise."""
    if not value:
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    match = ISO_DATE.match(text)
    if match:
        try:
            return date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            return None
    return None


def sanitize_html(markup: str) -> str:
    """Description HTML that is safe to show: nh3 drops scripts, event handlers and
    `javascript:` links; plain text becomes escaped paragraphs."""
    if not markup.strip():
        return ""
    if not TAG.search(markup):
        lines = [html.escape(line) for line in (squash(x) for x in markup.splitlines()) if line]
        return "".join(f"<p>{line}</p>" for line in lines)
    return nh3.clean(markup, link_rel="noopener noreferrer nofollow").strip()
