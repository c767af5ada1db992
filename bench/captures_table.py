"""The rows of bench/captures_bench.py in the table of bench/run_all.py: bytes raw captures add
a night, and a year projected."""

from __future__ import annotations

from typing import Any

from bench.table import Row

UNCHANGED_NIGHT_SHARE = 0.05  # an unchanged night adds at most 5% of night 1's capture bytes
# ... and of night 1's disk blocks


def size(count: float) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if count >= scale:
            return f"{count / scale:,.2f} {unit}"
    return f"{count:,.0f} B"


def captures_rows(r: dict[str, Any]) -> list[Row]:
    first, second, third = r["nights"]
    base = first["capture_bytes"]
    what = f"{r['boards']:,} {r['source']}, {r['items']:,} postings"
    disk_share = second["disk_bytes"] / first["disk_bytes"]

    def share_row(figure: str, added: int) -> Row:
        share = added / base
        return Row(
            figure,
            f"{size(added)} ({share:.1%})",
            f"{size(base)} (night 1's captures)",
            f"{share:.1%}",
            f"<= {UNCHANGED_NIGHT_SHARE:.0%}",
            share <= UNCHANGED_NIGHT_SHARE,
        )

    rows = [
        Row(
            f"captures: night 1 ({what}), bytes added",
            f"{size(first['bytes'])} ({size(first['ledger_bytes'])} ledger of run records)",
            f"{size(first['plain_bytes'])} (plain JSON lines)",
            f"{first['plain_bytes'] / first['bytes']:.1f}x smaller",
        ),
        share_row("captures: unchanged night 2, capture bytes added", second["capture_bytes"]),
        share_row("captures: unchanged night 2, with its ledger", second["bytes"]),
        Row(
            "captures: unchanged night 2, disk blocks added (4 KB a file at least)",
            f"{size(second['disk_bytes'])} ({second['files']:,} "
            + ("file)" if second["files"] == 1 else "files)"),
            f"{size(first['disk_bytes'])} (night 1)",
            f"{disk_share:.1%}",
            f"<= {UNCHANGED_NIGHT_SHARE:.0%}",
            disk_share <= UNCHANGED_NIGHT_SHARE,
        ),
        Row(
            f"captures: night 3 ({r['changed_share']:.0%} of boards changed), bytes added",
            size(third["bytes"]),
            f"{size(third['plain_bytes'])} (plain JSON lines)",
            f"{third['plain_bytes'] / third['bytes']:.1f}x smaller",
        ),
        Row(
            "captures: a year (night 1 + 364 nights like night 3)",
            size(r["year_bytes"]),
            f"{size(r['year_plain_bytes'])} (plain JSON lines)",
            f"{r['year_plain_bytes'] / r['year_bytes']:.1f}x smaller",
        ),
    ]
    if r.get("year_bytes_real_share") is not None:
        rows.append(
            Row(
                f"captures: a year, {r['real_changed_share']:.0%} of boards changed a night "
                "(as in the real four-night captures)",
                size(r["year_bytes_real_share"]),
                f"{size(r['year_plain_bytes'])} (plain JSON lines)",
                f"{r['year_plain_bytes'] / r['year_bytes_real_share']:.1f}x smaller",
            )
        )
    return rows
