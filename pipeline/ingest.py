"""Raw capture files to the database: read, validate, normalize, store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from pipeline.normalize import normalize_posting
from pipeline.raw import RawItemError, iter_raw_file
from pipeline.store import ImportResult, import_postings

# Postings normalized and stored at a time: memory follows the batch, not the file (a normalized
# posting with its texts is about 12 KB), and the whole file is still one transaction.
IMPORT_BATCH = 20_000


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
    stamp = seen_at or datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    reports = [FileReport(Path(p)) for p in paths]
    defaults = {"source": source} if source else {}

    def postings() -> Iterator[dict[str, Any]]:
        for report in reports:
            for number, item in iter_raw_file(report.path, defaults):
                if isinstance(item, RawItemError):
                    report.bad_lines.append((number, str(item)))
                    continue
                report.items += 1
                yield normalize_posting(item, seen_at=stamp)

    return store_postings(db, postings(), feed=feed, run_id=run_id), reports


def store_postings(
    db: Database,
    postings: Iterable[dict[str, Any]],
    feed: str | None = None,
    run_id: str | None = None,
) -> ImportResult:
    """Dedupe and store normalized postings IMPORT_BATCH at a time, all in one transaction: a
    killed import leaves the old state, never half of the new one."""
    result = ImportResult()
    made = iter(postings)
    with db.atomic():
        while batch := list(islice(made, IMPORT_BATCH)):
            result.merge(import_postings(db, batch, feed=feed, run_id=run_id))
    return result
