"""The is_micro audit: every posting of the real captures tagged `is_micro`, with the evidence
of its tags, to read by eye."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.collect.raw import validate_item
from pipeline.measure.realset import latest_items
from pipeline.tagging.normalize import normalize_postings


def audit_micro(root: Path | str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """Every posting of the captures flagged `is_micro`, with its tags' evidence, and how many
    postings there are in all."""
    items = latest_items(root)
    keys = sorted(items)
    rows = normalize_postings([validate_item(items[key]["raw"]) for key in keys])
    flagged = [
        {"key": key, **{field: row.get(field) for field in AUDIT_FIELDS}}
        for key, row in zip(keys, rows, strict=True)
        if row["is_micro"]
    ]
    return len(keys), flagged


AUDIT_FIELDS = (
    "title",
    "employment_type",
    "kind",
    "kind_evidence",
    "hours_min",
    "hours_max",
    "hours_evidence",
    "industry",
    "industry_evidence",
)


def format_audit(total: int, flagged: list[dict[str, Any]]) -> str:
    share = len(flagged) / total if total else 0.0
    lines = [f"postings: {total}, flagged is_micro: {len(flagged)} ({share:.2%})"]
    for row in flagged:
        lines.append(f"  {row['key']} {row['title']!r} ({row['employment_type']})")
        lines.append(f"    kind: {row['kind_evidence']!r}")
        lines.append(f"    hours {row['hours_min']}-{row['hours_max']}: {row['hours_evidence']!r}")
    return "\n".join(lines)
