"""Reading schema.org `JobPosting` objects out of JSON-LD `<script>` blocks and microdata.

Each JSON-LD block is parsed on its own, so one malformed block does not hide the others on the
page (extruct drops every JSON-LD block of a page when one fails). Parsing is lenient about raw
newlines inside strings, which hand-written pages often contain. Microdata (`itemscope`,
`itemtype`, `itemprop`) is turned into the same dict shape as JSON-LD (`@type` plus properties),
so one set of field readers serves both.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from spiders.fields import place_or_none

MICRODATA_URL_ATTRS = {
    "a": "href",
    "link": "href",
    "area": "href",
    "img": "src",
    "audio": "src",
    "video": "src",
    "source": "src",
    "iframe": "src",
    "embed": "src",
    "object": "data",
}
MICRODATA_VALUE_ATTRS = {"meta": "content", "time": "datetime", "data": "value", "meter": "value"}


class BlockError(ValueError):
    """A JSON-LD block that is not valid JSON."""


def parse_block(text: str) -> Any:
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        raise BlockError(f"line {exc.lineno} column {exc.colno}: {exc.msg}") from exc


def iter_objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document: top level, lists and `@graph` members."""
    if isinstance(node, list):
        for child in node:
            yield from iter_objects(child)
    elif isinstance(node, dict):
        yield node
        if "@graph" in node:
            yield from iter_objects(node["@graph"])


def is_job_posting(obj: dict[str, Any]) -> bool:
    types = obj.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(
        isinstance(t, str) and t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "JobPosting"
        for t in types
    )


def text_of(value: Any) -> str | None:
    """A plain string from a schema.org value that may be a string, object or list."""
    if value is None:
        return None
    if isinstance(value, list):
        parts = [text_of(v) for v in value]
        joined = ", ".join(p for p in parts if p)
        return joined or None
    if isinstance(value, dict):
        for key in ("name", "value", "@value", "@id"):
            if value.get(key) not in (None, ""):
                return text_of(value[key])
        return None
    text = str(value).strip()
    return text or None


def place_text(place: Any) -> str | None:
    """`"Gainesville, FL, US"` from a Place / PostalAddress (or a list of them); placeholders
    such as "N/A" or "TBD" are dropped."""
    if isinstance(place, list):
        parts = [place_text(p) for p in place]
        return "; ".join(p for p in parts if p) or None
    if not isinstance(place, dict):
        return place_or_none(text_of(place))
    address = place.get("address", place)
    if isinstance(address, dict):
        parts = [
            place_or_none(text_of(address.get(k))) for k in ("addressLocality", "addressRegion")
        ]
        parts.append(place_or_none(text_of(address.get("addressCountry")), country_code=True))
        joined = ", ".join(p for p in parts if p)
        if joined:
            return joined
    name = text_of(address) if not isinstance(address, dict) else text_of(place.get("name"))
    return place_or_none(name)


def salary_text(salary: Any) -> str | None:
    """`"USD 20-25 per HOUR"` from a MonetaryAmount `baseSalary`; plain values pass through."""
    if not isinstance(salary, dict):
        return text_of(salary)
    currency = text_of(salary.get("currency"))
    value = salary.get("value")
    unit = None
    if isinstance(value, dict):
        unit = text_of(value.get("unitText"))
        low, high = value.get("minValue"), value.get("maxValue")
        if low is not None and high is not None and low != high:
            amount = f"{low}-{high}"
        else:
            amount = text_of(value.get("value") if value.get("value") is not None else low or high)
    else:
        amount = text_of(value)
    if not amount:
        return None
    parts = [currency, amount, f"per {unit}" if unit else None]
    return " ".join(p for p in parts if p)


def microdata_objects(root: HtmlElement) -> list[dict[str, Any]]:
    """Every top-level microdata item of a page as a JSON-LD-like dict."""
    return [_microdata_item(el) for el in root.xpath("//*[@itemscope][not(@itemprop)]")]


def _microdata_item(element: HtmlElement) -> dict[str, Any]:
    item: dict[str, Any] = {}
    types = (element.get("itemtype") or "").split()
    if types:
        item["@type"] = types if len(types) > 1 else types[0]
    for prop in _own_properties(element):
        value = _microdata_item(prop) if prop.get("itemscope") is not None else _prop_value(prop)
        for name in prop.get("itemprop", "").split():
            if name in item:
                existing = item[name]
                item[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
            else:
                item[name] = value
    return item


def _own_properties(element: HtmlElement) -> list[HtmlElement]:
    """Descendants with `itemprop` whose nearest enclosing item is `element`."""
    found = []
    for child in element.iterchildren():
        if not isinstance(child.tag, str):
            continue
        if child.get("itemprop") is not None:
            found.append(child)
        if child.get("itemscope") is None:
            found.extend(_own_properties(child))
    return found


def _prop_value(element: HtmlElement) -> str:
    tag = element.tag.lower()
    if element.get("content") is not None:
        return element.get("content").strip()
    attr = MICRODATA_URL_ATTRS.get(tag) or MICRODATA_VALUE_ATTRS.get(tag)
    if attr and element.get(attr) is not None:
        return element.get(attr).strip()
    return " ".join(element.text_content().split())
