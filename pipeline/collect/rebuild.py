"""Rebuilding the database from the kept raw captures.

Every crawl keeps its raw items (`raw/<spider>/<run_id>_<source>.jsonl.gz`, or a `.ref.json`
reference to an earlier capture with the same items; see `captures`) and its run record, both
references and records in the night's ledger (`raw/<spider>/<run_id>.ledger.jsonl.gz`; files
beside the captures from earlier releases); every `microintern import` keeps a compressed copy
of its file under `raw/import/`, its record beside it (`.run.json.gz`). Replaying them in
capture order (file names start with the run id) through the same import and lifecycle steps
gives the same listings, ids and history as the nightly path, so a bad pipeline release never
loses data: fix it, then rebuild.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from pipeline.collect.captures import (
    LATEST_DIR,
    REFERENCE_SUFFIX,
    capture_stem,
    compress,
    expand_reference,
    folder_captures,
    read_run_record,
    write_run_record,
)
from pipeline.collect.crawl import new_run_id
from pipeline.collect.gc_settings import fewer_collections
from pipeline.collect.ingest import import_files, utc_stamp
from pipeline.db import CLOSE_AFTER_MISSED_RUNS, open_db, record_crawl_run, update_lifecycle


def keep_import(path: Path, data_dir: Path, source: str | None) -> tuple[Path, str, str]:
    """Keep a gzip-compressed copy of a file given to `microintern import` under `raw/import/`
    (a `.gz` file is copied as it is; a kept night's reference, as the items it stands for), with
    its record; returns `(copy, run_id, seen_at)`."""
    run_id, seen_at = new_run_id(), utc_stamp()
    copy = data_dir / "raw" / "import" / f"{run_id}_{Path(path).name}"
    copy.parent.mkdir(parents=True, exist_ok=True)
    if copy.name.endswith(REFERENCE_SUFFIX):
        copy = expand_reference(path, copy.with_name(capture_stem(copy) + ".jsonl"))
    else:
        shutil.copyfile(path, copy)
    if not copy.name.endswith(".gz"):
        copy = compress(copy)
    record = {"import": True, "run_id": run_id, "seen_at": seen_at, "source": source}
    write_run_record(copy, record)
    return copy, run_id, seen_at


def captures(data_dir: Path) -> list[Path]:
    """Every kept capture (plain, gzip-compressed or a reference, a file or a ledger's entry),
    in capture order: by name without its suffix, which starts with the run id."""
    raw = Path(data_dir) / "raw"
    if not raw.is_dir():
        return []
    folders = [raw, *(p for p in raw.rglob("*") if p.is_dir() and p.name != LATEST_DIR)]
    found = [capture for folder in folders for capture in folder_captures(folder)]
    return sorted(found, key=lambda p: (capture_stem(p), str(p.parent)))


def replay(db_path: Path, data_dir: Path, close_after: int = CLOSE_AFTER_MISSED_RUNS) -> int:
    """Import every capture of `data_dir` into `db_path` as it happened; returns the count."""
    db = open_db(db_path)
    count = 0
    with fewer_collections():  # one full collection for the replay, not one a capture
        for capture in captures(data_dir):
            replay_capture(db, capture, close_after)
            count += 1
    db.close()
    return count


def replay_capture(db: Database, capture: Path, close_after: int) -> None:
    """Import one capture as its run did: an import's file, or a crawl's items, lifecycle and
    run record."""
    record: dict[str, Any] = read_run_record(capture)
    if record.get("import") or not record:
        import_files(
            db,
            [capture],
            seen_at=record.get("seen_at"),
            source=record.get("source"),
            run_id=record.get("run_id"),
        )
        return
    result, _ = import_files(db, [capture], feed=record["source"], run_id=record["run_id"])
    if record["status"] == "ok":
        seen = result.posting_ids
        update_lifecycle(
            db, record["source"], seen, record["started_at"], record["run_id"], close_after
        )
    record_crawl_run(db, record)


def rebuild(
    db_path: Path, data_dir: Path | None = None, close_after: int = CLOSE_AFTER_MISSED_RUNS
) -> int:
    """Build a new database from the captures, then put it in place of `db_path` (a running
    Datasette keeps serving the old file until it is restarted). Returns the captures replayed."""
    db_path = Path(db_path)
    data_dir = Path(data_dir or db_path.parent)
    fresh = db_path.with_name(db_path.name + ".rebuild")
    for leftover in (fresh, *(fresh.with_name(fresh.name + s) for s in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    count = replay(fresh, data_dir, close_after)
    for stale in (db_path.with_name(db_path.name + s) for s in ("-wal", "-shm")):
        stale.unlink(missing_ok=True)
    os.replace(fresh, db_path)
    return count
