"""Retention: making the kept raw captures smaller without changing what `rebuild` gives.

`rebuild` replays every night of every source: its `crawl_runs` row (the record in its night's
ledger) and its items, which move `last_seen`, count the misses that close a listing, and record
changes. So no night can be dropped: a night that changed nothing still moved `last_seen` and
wrote its row. What can go is every copy of items kept elsewhere. `prune` keeps the last
`keep_nights` crawl nights as they are and, in older nights:

- compresses plain captures (`.jsonl`, `.csv`) and run records (`.run.json`) written by earlier
  releases;
- turns a full capture whose items are those of an earlier kept capture of the same source (a
  board that went back to what it showed before) into a reference to it, kept in the night's
  ledger, which is sealed again (as is the plain ledger a killed crawl left);
- deletes the nights' spider logs and stats (`data/logs/<spider>/`), which `rebuild` never reads.

Every record, every capture holding items no earlier one holds, and every reference stay (a
reference whose capture became a reference is pointed at the capture that holds the items), so a
rebuild after pruning gives the same database as before.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipeline.collect.captures import (
    LATEST_DIR,
    REFERENCE_SUFFIX,
    Digest,
    capture_stem,
    compress,
    digest,
    read_reference,
    read_run_record,
    run_record_path,
    source_of,
    write_atomically,
    write_reference,
    write_run_record,
)
from pipeline.collect.ledger import seal_run
from pipeline.collect.rebuild import captures

DEFAULT_KEEP_NIGHTS = 30
IMPORT_DIR = "import"
STATE_FILE = "pruned.json"


@dataclass
class PruneReport:
    nights: int = 0  # crawl nights kept (every one: their records and items stay readable)
    pruned_nights: int = 0  # older than the last `keep_nights`, so looked at
    compressed: int = 0  # files: captures and run records
    referenced: int = 0  # full copies turned into references
    repointed: int = 0  # references pointed anew
    logs_removed: int = 0
    bytes_before: int = 0
    bytes_after: int = 0


def disk_bytes(*folders: Path) -> int:
    """The size of every file under `folders`."""
    return sum(p.stat().st_size for f in folders if f.is_dir() for p in f.rglob("*") if p.is_file())


def crawl_nights(kept: list[Path]) -> list[str]:
    """The run ids of the crawls among `kept` captures, oldest first."""
    return sorted({source_of(p)[0] for p in kept if p.parent.name != IMPORT_DIR})


def prune(data_dir: Path, keep_nights: int = DEFAULT_KEEP_NIGHTS) -> PruneReport:
    """Compact the captures under `<data_dir>/raw` older than the last `keep_nights` crawl
    nights, and delete those nights' logs (see the module's docstring). Nights compacted by an
    earlier prune are not read again: `raw/pruned.json` keeps the last night compacted and, for
    each source, the hash of the items of each full capture kept."""
    data_dir = Path(data_dir)
    raw, logs = data_dir / "raw", data_dir / "logs"
    report = PruneReport(bytes_before=disk_bytes(raw, logs))
    kept = captures(data_dir)
    nights = crawl_nights(kept)
    old = set(nights[: max(len(nights) - keep_nights, 0)])
    state = load_state(raw)
    done = state["through"]
    report.nights, report.pruned_nights = len(nights), len(old)
    by_source: dict[tuple[Path, str], list[Path]] = defaultdict(list)
    for path in kept:
        if source_of(path)[0] > done:  # what earlier prunes compacted stays as it is
            by_source[(path.parent, source_of(path)[1])].append(path)
    for (folder, source), paths in by_source.items():
        if folder.name == IMPORT_DIR:
            for path in paths:
                is_old = source_of(path)[0] in old
                report.compressed += is_old and _compress_record(path)
                report.compressed += _compress_if_plain(path, is_old) is not path
            continue
        holders = state["holders"].setdefault(f"{folder.name}/{source}", {})
        renamed = _prune_source(paths, old, holders, report)
        _repoint_latest(folder, source, renamed)
    report.logs_removed = _remove_logs(logs, old)
    for night in sorted(n for n in old if n > done):  # their new references, a killed run's
        seal_run(raw, night)
    state["through"] = max([done, *old])
    write_atomically(raw / STATE_FILE, json.dumps(state, sort_keys=True).encode())
    report.bytes_after = disk_bytes(raw, logs)
    return report


def load_state(raw: Path) -> dict:
    """What earlier prunes did: `through` (the last night compacted) and `holders` (for each
    `<spider>/<source>`, the name of the full capture holding each set of items, by hash)."""
    path = raw / STATE_FILE
    if path.exists():
        return json.loads(path.read_text())
    return {"through": "", "holders": {}}


def summary(report: PruneReport) -> str:
    """One line saying what `prune` did."""
    return (
        f"pruned {report.pruned_nights} of {report.nights} crawl nights: "
        f"{report.compressed} files compressed, {report.referenced} copies made references, "
        f"{report.logs_removed} log files removed; "
        f"{report.bytes_before:,} -> {report.bytes_after:,} bytes under raw/ and logs/"
    )


def _compress_record(capture: Path) -> bool:
    """Keep a plain `.run.json` record (as earlier releases wrote it) compressed instead."""
    plain = run_record_path(capture)
    if not plain.exists():
        return False
    write_run_record(capture, read_run_record(capture))
    plain.unlink()
    return True


def _compress_if_plain(path: Path, old: bool) -> Path:
    if old and path.name.endswith((".jsonl", ".csv")):
        return compress(path)
    return path


def _prune_source(
    paths: list[Path], old: set[str], holders: dict[str, str], report: PruneReport
) -> dict[str, Path]:
    """Compact one source's captures not compacted before, oldest first, given `holders` (the
    items' hash -> the name of the kept full capture holding them, updated); returns `{former
    name: file holding its items}` for every full capture compressed or made a reference."""
    renamed: dict[str, Path] = {}
    for path in paths:
        is_old = source_of(path)[0] in old
        if is_old:
            report.compressed += _compress_record(path)
        if path.name.endswith(REFERENCE_SUFFIX):
            record = read_reference(path)
            target = renamed.get(record["capture"])
            if target is not None:
                write_reference(path, target, _digest_of(record))
                report.repointed += 1
            continue
        # Only an old capture can become a reference, and only to an older one.
        content = digest(path) if is_old and ".jsonl" in path.name else None
        name = holders.get(content.sha256) if content is not None else None
        holder = path.with_name(name) if name else None
        if content is not None and holder is not None and holder.exists():  # a copy: refer
            reference = path.with_name(capture_stem(path) + REFERENCE_SUFFIX)
            write_reference(reference, holder, content)
            path.unlink()
            renamed[path.name] = holder
            report.referenced += 1
            continue
        stored = _compress_if_plain(path, is_old)
        if stored is not path:
            renamed[path.name] = stored
            report.compressed += 1
        if content is not None:
            holders[content.sha256] = stored.name
    return renamed


def _digest_of(record: dict) -> Digest:
    return Digest(record["sha256"], record["items"], record["scraped_at"])


def _repoint_latest(folder: Path, source: str, renamed: dict[str, Path]) -> None:
    """Point the source's latest-capture pointer at the file now holding its items."""
    pointer = folder / LATEST_DIR / f"{source}.json"
    if not pointer.exists():
        return
    record = read_reference(pointer)
    target = renamed.get(record["capture"])
    if target is not None:
        write_reference(pointer, target, _digest_of(record))


def _remove_logs(logs: Path, old: set[str]) -> int:
    """Delete the spider logs, stats and progress of the `old` nights; returns how many files."""
    removed = 0
    if not logs.is_dir():
        return 0
    for spider_dir in logs.iterdir():
        if not spider_dir.is_dir():
            continue
        for path in spider_dir.iterdir():
            run_id = path.name.partition("_")[0]
            if run_id in old and path.name.endswith((".log", ".stats.json", ".progress.jsonl")):
                path.unlink()
                removed += 1
    return removed
