"""Raw capture files to the database: read, validate, normalize, store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from pipeline.collect.gc_settings import fewer_collections
from pipeline.collect.raw import RawItemError, iter_raw_file
from pipeline.db import ImportResult, import_postings
from pipeline.tagging.normalize import NORMALIZE_BATCH, normalize_postings


@dataclass
class FileReport:
    path: Path
    items: int = 0
    bad_lines: list[tuple[int, str]] = field(default_factory=list)


def import_files(
    db: Database,
    paths: Sequence[Path],
    seen_at: str | None = None,
    source: str | None = None,
    feed: str | None = None,
    run_id: str | None = None,
) -> tuple[ImportResult, list[FileReport]]:
    """Import raw JSON-lines or CSV files in the order given; bad lines are reported and skipped.

    Items without `scraped_at` are stamped with `seen_at` (default: now, UTC); items without
    `source` get `source`. `feed` and `run_id` name the crawl source and run (see
    `store.import_postings`).
    """
    stamp = seen_at or utc_stamp()
    reports = [FileReport(Path(p)) for p in paths]
    defaults = {"source": source} if source else {}

    def items() -> Iterator[dict[str, Any]]:
        for report in reports:
            for number, item in iter_raw_file(report.path, defaults):
                if isinstance(item, RawItemError):
                    report.bad_lines.append((number, str(item)))
                    continue
                report.items += 1
                yield item

    def postings() -> Iterator[dict[str, Any]]:
        read = items()
        while batch := list(islice(read, NORMALIZE_BATCH)):
            yield from normalize_postings(batch, seen_at=stamp)

    with fewer_collections():
        return import_postings(db, postings(), feed=feed, run_id=run_id), reports


def utc_stamp() -> str:
    """Now, to the second, as `2026-11-24T02:30:00Z`."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
