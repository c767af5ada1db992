"""Recruitee Careers Site API: every published offer of one or more company career sites.

GET https://{company}.recruitee.com/api/offers/ returns `{"offers": [...]}`, one object per
published offer. Because the company is part of the host name, `default_base_url` is the template
`https://{board}.recruitee.com`: `board_url(board)` fills in `{board}` when the base URL contains
it, and otherwise (a mirror or a test server given with `-a base_url=http://127.0.0.1:PORT`) uses
`{base_url}/{board}` as the site root; then it appends `/api/offers/`.

Fields read from each offer (names as the API gives them): `id`, `title`, `careers_url` (else
`careers_apply_url`), `company_name`, `description` and `requirements` (HTML; the `translations`
copy when the top level has none), `location` (else `city`, `country`), the `remote`, `hybrid` and
`on_site` flags, `employment_type_code` (kept as the code, e.g. "parttime_fixed_term"),
`published_at` and `close_at` (given as "2026-05-29 09:45:21 UTC" and written as ISO 8601),
`salary` (`{"min", "max", "currency", "period"}`, numbers or numeric strings, all null when not
published), `department`, `category_code` and `tags` (categories), and `min_hours` / `max_hours`
(or `min_hours_per_week` / `max_hours_per_week`), which are hours per week: they are kept as weekly
hours ("10-15 hours per week"), never turned into a total.
Docs: Recruitee, "Intro to Careers Site API" (docs.recruitee.com).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from spiders.base import BoardSpider
from spiders.fields import (
    amount_text,
    html_description,
    place_or_none,
    plain_text,
    text_or_none,
)
from spiders.items import RawListing

BOARD_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,62}")  # a host name label
RECRUITEE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?\s*(?:UTC|Z)")
HOURS_FIELDS = (("min_hours", "max_hours"), ("min_hours_per_week", "max_hours_per_week"))


class RecruiteeSpider(BoardSpider):
    name = "recruitee"
    default_base_url = "https://{board}.recruitee.com"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for board in self.boards:  # the token becomes part of a host name or a path
            if not BOARD_TOKEN.fullmatch(board):
                raise ValueError(f"spider 'recruitee': {board!r} is not a valid company token")

    def board_url(self, board: str) -> str:
        if "{board}" in self.base_url:
            root = self.base_url.replace("{board}", board)
        else:
            root = f"{self.base_url}/{board}"
        return f"{root}/api/offers/"

    def parse(self, response: Response, board: str) -> Iterator[RawListing]:
        offers = self.load_json_list(response, "offers")
        if offers is None:
            return
        for number, offer in enumerate(offers, 1):
            item = self._parse_offer(offer, board)
            if item is None:
                self.parse_failed(response, f"offer {number} has no id or title")
                continue
            yield item

    def _parse_offer(self, offer: Any, board: str) -> RawListing | None:
        if not isinstance(offer, dict):
            return None
        title = plain_text(offer.get("title"))
        if offer.get("id") in (None, "") or not title:
            return None
        return self.make_item(
            source_id=str(offer["id"]),
            url=text_or_none(offer.get("careers_url"))
            or text_or_none(offer.get("careers_apply_url"))
            or "",
            title=title,
            company=text_or_none(offer.get("company_name")) or board,
            description=self._parse_description(offer),
            location=self._parse_location(offer),
            remote=self._parse_remote(offer),
            employment_type=text_or_none(offer.get("employment_type_code")),
            posted_at=_iso_time(offer.get("published_at")),
            deadline=_iso_time(offer.get("close_at")),
            pay_text=self._parse_pay(offer.get("salary")),
            hours_text=self._parse_hours(offer),
            categories=self._parse_categories(offer),
        )

    def _parse_description(self, offer: dict[str, Any]) -> str:
        parts = [text_or_none(offer.get("description")), text_or_none(offer.get("requirements"))]
        if not any(parts):  # some sites publish the text only under `translations`
            translations = offer.get("translations")
            if isinstance(translations, dict) and translations:
                chosen = translations.get("en") or next(iter(translations.values()))
                if isinstance(chosen, dict):
                    parts = [
                        text_or_none(chosen.get("description")),
                        text_or_none(chosen.get("requirements")),
                    ]
        return "\n".join(html_description(p) for p in parts if p)

    def _parse_location(self, offer: dict[str, Any]) -> str | None:
        location = place_or_none(offer.get("location"))
        if location:
            return location
        parts = [place_or_none(offer.get("city")), place_or_none(offer.get("country"))]
        return ", ".join(p for p in parts if p) or None

    def _parse_remote(self, offer: dict[str, Any]) -> bool | None:
        """True when the offer is flagged remote; False when it is flagged on-site or hybrid and
        not remote; None when no flag is set."""
        if offer.get("remote") is True:
            return True
        if offer.get("on_site") is True or offer.get("hybrid") is True:
            return False
        return None

    def _parse_pay(self, salary: Any) -> str | None:
        """`"EUR 18-22 per hour"` from the `salary` object; None when no amount is published."""
        if not isinstance(salary, dict):
            return None
        low, high = amount_text(salary.get("min")), amount_text(salary.get("max"))
        if low and high:
            bound, amount = "", low if low == high else f"{low}-{high}"
        elif low or high:
            bound, amount = ("from ", low) if low else ("up to ", high)
        else:
            return None
        currency = (text_or_none(salary.get("currency")) or "").upper()
        period = text_or_none(salary.get("period"))
        money = f"{currency} {amount}" if currency else str(amount)
        return f"{bound}{money} per {period}" if period else f"{bound}{money}"

    def _parse_hours(self, offer: dict[str, Any]) -> str | None:
        """Weekly hours as the offer states them: "10-15 hours per week", never a total."""
        for low_key, high_key in HOURS_FIELDS:
            low, high = amount_text(offer.get(low_key)), amount_text(offer.get(high_key))
            if low and high:
                span = low if low == high else f"{low}-{high}"
                return f"{span} hours per week"
            if low:
                return f"at least {low} hours per week"
            if high:
                return f"up to {high} hours per week"
        return None

    def _parse_categories(self, offer: dict[str, Any]) -> list[str]:
        found: list[str] = []
        tags = offer.get("tags")
        values = [offer.get("department"), offer.get("category_code")]
        values += tags if isinstance(tags, list) else []
        for value in values:
            if isinstance(value, dict):  # a department given as an object
                value = value.get("name")
            text = text_or_none(value)
            if text and text not in found:
                found.append(text)
        return found


def _iso_time(value: Any) -> str | None:
    """ISO 8601 from Recruitee's "2026-05-29 09:45:21 UTC"; other strings pass through."""
    text = text_or_none(value)
    if not text:
        return None
    match = RECRUITEE_TIME.fullmatch(text)
    return f"{match.group(1)}T{match.group(2)}Z" if match else text
