"""Values as people read them, for the site's pages (Jinja filters): hours, pay, remote, kind.

Pure functions of a listing's columns; unknown stays unknown and says so.
"""

from __future__ import annotations

from typing import Any

KIND_LABELS = {
    "micro-internship": "Micro-internship",
    "internship": "Internship",
    "simulation": "Job simulation (unpaid practice)",
    "job": "Job",
    "volunteer": "Volunteer",
    "fellowship": "Fellowship",
    "competition": "Competition",
}
CURRENCY_SIGNS = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "CA$", "AUD": "A$"}
PAY_UNITS = {"hour": "an hour", "day": "a day", "week": "a week", "month": "a month"}
PAY_UNITS |= {"year": "a year", "fixed": "for the project", "stipend": "stipend"}


def figure(value: float | None) -> str:
    """12 for 12.0, 12.5 as it is, thousands with commas."""
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def hours_label(listing: dict[str, Any]) -> str:
    """ "10-15 hours", "about 12 hours", or "Hours not stated"."""
    low, high = listing.get("hours_min"), listing.get("hours_max")
    if high is None:
        return "Hours not stated"
    if low is None or low == high:
        return f"About {figure(high)} hours"
    return f"{figure(low)}-{figure(high)} hours"


def pay_label(listing: dict[str, Any]) -> str:
    """ "$300 for the project", "$20-25 an hour", the source's own words, or "Pay not stated"."""
    low, high = listing.get("pay_min"), listing.get("pay_max")
    if low is None and high is None:
        return listing.get("pay_text") or "Pay not stated"
    currency = listing.get("pay_currency") or ""
    sign = CURRENCY_SIGNS.get(currency, f"{currency} " if currency else "")
    amount = f"{sign}{figure(low if low is not None else high)}"
    if high is not None and low is not None and high != low:
        amount += f"-{figure(high)}"
    unit = PAY_UNITS.get(listing.get("pay_unit") or "")
    return f"{amount} {unit}" if unit else amount


def remote_label(value: int | bool | None) -> str:
    return {1: "Remote", 0: "On-site or hybrid"}.get(
        None if value is None else int(value), "Remote: unknown"
    )


def kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind or "", "Kind unknown")


FILTERS = {
    "hours_label": hours_label,
    "pay_label": pay_label,
    "remote_label": remote_label,
    "kind_label": kind_label,
    "figure": figure,
}
