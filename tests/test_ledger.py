"""A night's run records and references in one ledger a spider folder: written as the crawl
writes them (real files, real SQLite), read plain or sealed, after a kill, next to the files of
earlier releases, by concurrent writers, and through `prune` and `rebuild` unchanged."""

import gzip
import json
import threading
from pathlib import Path

from pipeline.collect.captures import (
    capture_exists,
    capture_stem,
    locate_capture,
    read_reference,
    read_run_record,
    run_record_path,
    source_of,
    store_capture,
    write_run_record,
)
from pipeline.collect.ledger import append_entry, ledger_path, read_ledger, seal, seal_run
from pipeline.collect.raw import iter_raw_file
from pipeline.collect.rebuild import captures, rebuild
from pipeline.collect.retention import prune
from pipeline.db import open_db
from tests.test_lifecycle import snapshot
from tests.test_retention import board, night_time, run_record

# Each source night after night: a letter is a set of postings, "." an empty board.
PATTERNS = {"greenhouse-a": "AABAAC", "greenhouse-b": "AAAAAA", "greenhouse-c": "ABCDDE"}


def run_id_of(number: int) -> str:
    return f"202612{number + 1:02d}T023000.000Z"


def store(raw_dir: Path, number: int, source: str, items: list[dict]) -> Path:
    """One source's night as the crawl keeps it: `store_capture`, then its record."""
    run_id = run_id_of(number)
    folder = raw_dir / "greenhouse"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{run_id}_{source}.jsonl"
    stamp = night_time(run_id)
    path.write_text("".join(json.dumps({**item, "scraped_at": stamp}) + "\n" for item in items))
    stored = store_capture(path)
    write_run_record(stored, {**run_record(run_id, source, stored, len(items))})
    return stored


def crawl_nights(data: Path, nights: range, seal_each: bool = True) -> list[Path]:
    stored = []
    for number in nights:
        for source, pattern in PATTERNS.items():
            stored.append(store(data / "raw", number, source, board(source, pattern[number])))
        if seal_each:
            seal_run(data / "raw", run_id_of(number))
    return stored


def test_a_ledger_reads_the_same_plain_and_sealed(tmp_path):
    stored = crawl_nights(tmp_path, range(2), seal_each=False)
    folder = tmp_path / "raw" / "greenhouse"
    second = stored[3:]
    assert all(p.name.endswith(".ref.json") and not p.exists() for p in second[:2])
    assert second[2].name.endswith(".jsonl.gz")  # greenhouse-c changed
    plain = ledger_path(folder, run_id_of(1))
    assert plain.exists()
    kinds = [json.loads(line)["kind"] for line in plain.read_text().splitlines()]
    assert kinds == ["reference", "record", "reference", "record", "record"]
    before = read_ledger(folder, run_id_of(1))
    assert read_ledger(folder, run_id_of(1)) is before  # parsed once while unchanged
    records = [read_run_record(p) for p in second]
    references = [read_reference(p) for p in second[:2]]
    assert [r["source"] for r in records] == list(PATTERNS)
    assert references[0]["capture"] == stored[0].name and references[0]["items"] == 4

    sealed = seal(plain)
    assert sealed.name == f"{run_id_of(1)}.ledger.jsonl.gz" and not plain.exists()
    assert [read_run_record(p) for p in second] == records
    assert [read_reference(p) for p in second[:2]] == references
    assert [locate_capture(p) for p in second] == second and all(map(capture_exists, second))
    # An entry after sealing (a late source) lands in a new plain ledger; both are read.
    late = folder / f"{run_id_of(1)}_greenhouse-d.jsonl.gz"
    late.write_bytes(gzip.compress(b""))
    write_run_record(late, {"id": "late"})
    assert plain.exists() and read_run_record(late) == {"id": "late"}
    assert [read_run_record(p) for p in second] == records
    seal_run(tmp_path / "raw", run_id_of(1))
    assert not plain.exists() and read_run_record(late) == {"id": "late"}
    lines = gzip.decompress(sealed.read_bytes()).decode().splitlines()
    assert len(lines) == 6  # one an entry, in the order written
    assert not capture_exists(folder / f"{run_id_of(1)}_greenhouse-x.ref.json")


def test_a_line_cut_short_by_a_kill_is_skipped(tmp_path):
    crawl_nights(tmp_path, range(1))
    stored = crawl_nights(tmp_path, range(1, 2), seal_each=False)
    plain = ledger_path(stored[0].parent, run_id_of(1))
    whole = plain.read_bytes()
    with open(plain, "ab") as handle:  # killed in the middle of a source's record
        handle.write(b'{"kind": "record", "stem": "' + run_id_of(1).encode() + b"_greenhouse-x")
    assert [read_run_record(p)["source"] for p in stored] == list(PATTERNS)
    later = stored[0].with_name(f"{run_id_of(1)}_greenhouse-z.jsonl.gz")
    write_run_record(later, {"id": "after"})  # a new line, not glued to the cut one
    assert read_run_record(later) == {"id": "after"}
    assert plain.read_bytes().startswith(whole)
    seal(plain)
    assert [read_run_record(p)["source"] for p in stored] == list(PATTERNS)
    sealed = gzip.decompress(plain.with_name(plain.name + ".gz").read_bytes())
    assert b"greenhouse-x" not in sealed and all(json.loads(x) for x in sealed.splitlines())


def test_prune_and_rebuild_give_the_same_database_with_ledgers(tmp_path):
    """Six nights in ledgers, the last killed before its ledger was sealed: rebuild reads it;
    pruning every night seals it and turns a repeated capture into a ledger reference; the
    database rebuilt after pruning is the one built before."""
    data, db_path = tmp_path / "data", tmp_path / "data" / "listings.db"
    stored = crawl_nights(data, range(5))
    stored += crawl_nights(data, range(5, 6), seal_each=False)
    with open(ledger_path(stored[-1].parent, run_id_of(5)), "ab") as handle:
        handle.write(b'{"kind": "reference", "st')  # the kill
    kinds = [p.name.split(".", 2)[-1] for p in stored]
    assert kinds.count("ref.json") == 8 and kinds.count("jsonl.gz") == 10
    folder = data / "raw" / "greenhouse"
    assert len(list(folder.iterdir())) == 10 + 6 + 1  # captures, ledgers, latest/: no small files
    assert rebuild(db_path) == 18
    before = snapshot(open_db(db_path))
    assert len(before["crawl_runs"]) == 18
    items_before = [[item for _, item in iter_raw_file(p)] for p in stored]

    report = prune(data, keep_nights=0)
    assert report.referenced == 1  # greenhouse-a's fourth night is its first night's postings
    assert not list(folder.glob("*.ledger.jsonl")) and not list(folder.glob("*.ref.json"))
    held = [locate_capture(p) for p in stored]
    assert held[9].name.endswith(".ref.json") and read_reference(held[9])["capture"] == (
        stored[0].name
    )
    assert [[item for _, item in iter_raw_file(p)] for p in held] == items_before
    assert rebuild(db_path) == 18
    assert snapshot(open_db(db_path)) == before
    assert prune(data, keep_nights=0).referenced == 0
    assert rebuild(db_path) == 18 and snapshot(open_db(db_path)) == before


def legacy(capture: Path) -> None:
    """Keep a night's capture as earlier releases did: its reference and record as files."""
    record = read_run_record(capture)
    if capture.name.endswith(".ref.json"):
        capture.write_text(json.dumps(read_reference(capture), sort_keys=True) + "\n")
    packed = run_record_path(capture).with_name(run_record_path(capture).name + ".gz")
    packed.write_bytes(gzip.compress(json.dumps(record).encode()))


def without_folders(tables: dict) -> dict:
    """A snapshot with the runs' files named without their folders (two data folders compared)."""
    for row in tables["crawl_runs"]:
        row.update(raw_file=Path(row["raw_file"]).name, log_file=Path(row["log_file"]).name)
    return tables


def test_files_of_earlier_releases_are_read_beside_ledgers(tmp_path):
    """The first three nights as an earlier release kept them (`.ref.json` and `.run.json.gz`
    files), the next ones in ledgers: rebuild gives the database of all-ledger nights, and a
    new night still finds its source's latest capture through a reference file."""
    ledgers, mixed = tmp_path / "ledgers", tmp_path / "mixed"
    crawl_nights(ledgers, range(6))
    rebuild(ledgers / "listings.db")
    expected = snapshot(open_db(ledgers / "listings.db"))
    old = crawl_nights(mixed, range(3))
    for capture in old:
        legacy(capture)
    for run_id in {source_of(p)[0] for p in old}:
        for sealed in (mixed / "raw").rglob(f"{run_id}.ledger.jsonl.gz"):
            sealed.unlink()
    assert sum(p.name.endswith(".ref.json") and p.exists() for p in old) == 3
    for pointer in (mixed / "raw" / "greenhouse" / "latest").iterdir():
        pointer.unlink()  # as before pointers were kept: found from the captures
    new = crawl_nights(mixed, range(3, 6))
    assert [p.name.split(".", 2)[-1] for p in new[:3]] == ["jsonl.gz", "ref.json", "jsonl.gz"]
    assert read_reference(new[1])["capture"] == old[1].name  # greenhouse-b, through a file
    assert len(captures(mixed)) == 18
    assert rebuild(mixed / "listings.db") == 18
    assert without_folders(snapshot(open_db(mixed / "listings.db"))) == without_folders(expected)


def test_a_capture_left_beside_its_reference_by_a_kill_is_listed_once(tmp_path):
    stored = crawl_nights(tmp_path, range(2))
    reference = stored[3]
    again = reference.with_name(capture_stem(reference) + ".jsonl")
    again.write_text("".join(json.dumps(item) + "\n" for _, item in iter_raw_file(reference)))
    listed = [p for p in captures(tmp_path) if capture_stem(p) == capture_stem(reference)]
    assert listed == [again]


def test_concurrent_writers_and_sealing_lose_no_entry(tmp_path):
    """Parallel crawls of one night append while one of them seals: every entry is kept."""
    folder = tmp_path / "raw" / "greenhouse"
    folder.mkdir(parents=True)
    run_id = run_id_of(0)

    def write(writer: int) -> None:
        for n in range(150):
            stem = f"{run_id}_s{writer}-{n}"
            append_entry(folder, run_id, {"kind": "record", "stem": stem, "row": {"n": n}})

    def sealing(stop: threading.Event) -> None:
        while not stop.is_set():
            seal(ledger_path(folder, run_id))

    stop = threading.Event()
    sealer = threading.Thread(target=sealing, args=(stop,))
    sealer.start()
    writers = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    sealer.join()
    assert len(read_ledger(folder, run_id).records) == 600
    seal_run(tmp_path / "raw", run_id)
    assert len(read_ledger(folder, run_id).records) == 600
    assert [p.name for p in folder.iterdir()] == [f"{run_id}.ledger.jsonl.gz"]
