"""Pruning never changes what `rebuild` gives: twelve nights of three sources, stored as the
nightly crawl stores them (`store_capture`, a run record beside each; the first nights as an
older release kept them, in plain JSON lines), pruned deeper and deeper, rebuilt each time into
the same listings, ids, history and runs."""

import json
from pathlib import Path

from bench.captures_bench import night_time, run_record
from pipeline.collect.captures import (
    capture_suffix,
    run_record_path,
    source_of,
    store_capture,
    write_run_record,
)
from pipeline.collect.ledger import is_ledger, seal_run
from pipeline.collect.rebuild import captures, rebuild
from pipeline.collect.retention import prune
from pipeline.db import open_db
from tests.test_lifecycle import snapshot
from tests.test_store import raw

# Each source's boards, night by night: a letter is a set of postings, "" an empty board.
PATTERNS = {
    "greenhouse-a": "AABAACC..AAB",
    "greenhouse-b": "AAAAAAAAAAAA",
    "greenhouse-c": "ABCDEFGHIJKL",
}
LEGACY_NIGHTS = 3  # kept as plain JSON lines and plain records, as before compression


def board(source: str, letter: str) -> list[dict]:
    if letter == ".":
        return []
    key = source[-1]
    shift = ord(letter) - ord("A")
    topics = ("market research", "logo design", "data cleanup", "user interviews")
    return [
        raw(
            f"{key}{n}",
            title=f"{topics[n].title()} sprint" + (f" ({letter})" if n == shift % 3 else ""),
            company=f"{key.upper()} Works {n}",
            description=f"<p>{topics[n].capitalize()} for {key}-{n}. About {n + 5} hours.</p>",
        )
        for n in range(shift % 2, 4)
    ]


def store_night(raw_dir: Path, number: int, source: str, items: list[dict]) -> Path:
    run_id = f"202612{number + 1:02d}T023000.000Z"
    at = night_time(run_id)
    folder = raw_dir / "greenhouse"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{run_id}_{source}.jsonl"
    path.write_text("".join(json.dumps({**item, "scraped_at": at}) + "\n" for item in items))
    record = run_record(run_id, source, path, len(items))
    if number < LEGACY_NIGHTS:
        run_record_path(path).write_text(json.dumps(record, indent=1, sort_keys=True))
        return path
    stored = store_capture(path)
    write_run_record(stored, {**record, "raw_file": str(stored)})
    return stored


def test_rebuild_after_pruning_gives_the_same_database(tmp_path):
    data, db_path = tmp_path / "data", tmp_path / "data" / "listings.db"
    kinds: dict[str, int] = {}
    for number in range(12):
        for source, pattern in PATTERNS.items():
            stored = store_night(data / "raw", number, source, board(source, pattern[number]))
            kind = stored.name.split(".", 2)[-1]
            kinds[kind] = kinds.get(kind, 0) + 1
        seal_run(data / "raw", source_of(stored)[0])  # as the crawl does when it ends
    assert kinds == {"jsonl": 9, "ref.json": 13, "jsonl.gz": 14}
    assert rebuild(db_path) == 36
    before = snapshot(open_db(db_path))
    assert len(before["crawl_runs"]) == 36 and before["listing_changes"]
    statuses = [r["new_value"] for r in before["listing_changes"] if r["field"] == "status"]
    assert "closed" in statuses and "reopened" in statuses  # two empty nights, then back

    def capture_bytes() -> int:  # the captures' files and the ledgers holding references
        kept = (data / "raw").rglob("*")
        return sum(p.stat().st_size for p in kept if capture_suffix(p) or is_ledger(p))

    sizes = [capture_bytes()]
    logs = data / "logs" / "greenhouse"  # a batch's log, stats and progress, first and last night
    logs.mkdir(parents=True)
    suffixes = (".log", ".stats.json", ".progress.jsonl")
    for run_id in ("20261201T023000.000Z", "20261212T023000.000Z"):
        for suffix in suffixes:
            (logs / f"{run_id}_greenhouse-a-and-2-more{suffix}").write_text("{}")
    for keep in (8, 3, 0):
        report = prune(data, keep_nights=keep)
        assert report.nights == 12 and report.pruned_nights == 12 - keep
        if keep == 8:
            assert report.logs_removed == 3
            assert sorted(p.name[:8] for p in logs.iterdir()) == ["20261212"] * 3
        sizes.append(capture_bytes())
        assert rebuild(db_path) == 36
        assert snapshot(open_db(db_path)) == before
    assert sizes[0] > sizes[1] >= sizes[2] > sizes[3]  # legacy compressed; A again, a reference
    assert not [p for p in captures(data) if p.name.endswith((".jsonl", ".csv"))]
    assert not list((data / "raw").rglob("*.run.json"))  # every record compressed
    held = sorted(p.name.split(".", 2)[-1] for p in captures(data))
    # Full: a's A B C and empty nights; b's first; c's twelve but J, the same postings as D.
    assert held.count("jsonl.gz") == 4 + 1 + 11 and len(held) == 36
    # Compacted nights are not read again: the next prune reads only what came after them.
    state = json.loads((data / "raw" / "pruned.json").read_text())
    assert state["through"] == "20261212T023000.000Z" and len(state["holders"]) == 3
    first = next(p for p in captures(data) if p.name.endswith(".jsonl.gz"))
    kept = first.read_bytes()
    first.write_bytes(b"not gzip")  # reading it would raise
    source = PATTERNS["greenhouse-a"]
    store_night(data / "raw", 12, "greenhouse-a", board("greenhouse-a", source[0]))
    assert prune(data, keep_nights=0).referenced == 1  # night 13 is night 1's postings
    first.write_bytes(kept)
