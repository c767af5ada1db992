"""Raw captures on disk, night after night: the bytes each night adds under `raw/`.

Usage: python bench/captures_bench.py [BOARDS]   (default 0: every real board)

The source set is the real boards under ../shared/realdata (`pipeline.measure.realset`): each
Ashby board's postings as our spider yields them (352 boards, 3,753 postings), or, without the
real captures, generated Greenhouse-like boards of 50 postings (bench/synthetic.py). Each night
writes every board's capture as the spider does (JSON lines, `scraped_at` set to the night's
time), stores it with `pipeline.collect.captures.store_capture` (the nightly crawl's step: a
gzip, or a reference in the night's ledger) and writes its run record (with every `crawl_runs`
column of a real row) to the night's ledger, which is sealed when the night ends, as the crawl
does (`raw/<spider>/<run_id>.ledger.jsonl.gz`, pipeline.collect.ledger):

- night 1: every board new;
- night 2: the same postings (every board unchanged);
- night 3: a few changes: one board in ten has one posting retitled and its last one gone.

Bytes are the sizes of the files a night adds: its full captures, its sealed ledger (a run record
a source, which every night writes, changed or not, and a reference a source unchanged), both,
and the disk blocks they take (`st_blocks`: a file takes at least one 4 KB block). The year is
projected as night 1 plus 364 nights like night 3, and as night 1 plus 364 nights at the share of
boards that changed from one night to the next in the real four-night captures (every one of
those large boards changed a little every night). Plain JSON lines with plain JSON records, as
captures were kept before, are the reference.

Target: an unchanged night adds at most 5% of the first night's capture bytes, in bytes and in
disk blocks.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.collect.captures import digest, store_capture, write_run_record  # noqa: E402
from pipeline.collect.ledger import read_ledger, seal_run  # noqa: E402
from pipeline.db.schema import CRAWL_RUN_COLUMNS  # noqa: E402

NIGHTS = ("20261201T023000.000Z", "20261202T023000.000Z", "20261203T023000.000Z")
CHANGED_SHARE = 0.10  # night 3: one board in ten changes
SYNTHETIC_JOBS_PER_BOARD = 50  # 4 KB compressed; a real Ashby board averages 12 KB
SYNTHETIC_BOARDS = 300


def night_time(run_id: str) -> str:
    day, clock = run_id[:8], run_id[9:15]
    return f"{day[:4]}-{day[4:6]}-{day[6:]}T{clock[:2]}:{clock[2:4]}:{clock[4:]}Z"


def real_boards(limit: int = 0) -> tuple[dict[str, list[dict[str, Any]]], float | None]:
    """`({board: items}, share of real board-nights that changed)`; empty without the captures."""
    from pipeline.measure.realset import captures, parse_body

    boards: dict[str, list[dict[str, Any]]] = {}
    nights: dict[str, list[list[dict[str, Any]]]] = {}
    try:
        found = list(captures())
    except OSError:
        return {}, None
    for spider, board, night, path in found:
        items = parse_body(spider, board, path.read_bytes())
        if not night and (not limit or len(boards) < limit):
            boards[f"{spider}-{board}"] = items
        elif night:
            nights.setdefault(f"{spider}-{board}", []).append(items)
    pairs = [
        without_time(before) != without_time(after)
        for series in nights.values()
        for before, after in zip(series, series[1:], strict=False)
    ]
    return boards, (sum(pairs) / len(pairs) if pairs else None)


def without_time(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in item.items() if k != "scraped_at"} for item in items]


def synthetic_boards(count: int) -> dict[str, list[dict[str, Any]]]:
    from bench.synthetic import synthetic_items

    items = list(synthetic_items(count * SYNTHETIC_JOBS_PER_BOARD))
    step = SYNTHETIC_JOBS_PER_BOARD
    return {f"greenhouse-b{n}": items[n * step : (n + 1) * step] for n in range(count)}


def run_record(run_id: str, board: str, capture: Path, items: int) -> dict[str, Any]:
    """A run record the size of a real crawl's: every `crawl_runs` column filled."""
    record: dict[str, Any] = {name: 0 for name, kind in CRAWL_RUN_COLUMNS.items() if kind is int}
    record.update(
        id=f"{run_id}:{board}",
        run_id=run_id,
        source=board,
        spider=board.split("-")[0],
        args=json.dumps({"board": board.split("-", 1)[1]}),
        started_at=night_time(run_id),
        finished_at=night_time(run_id),
        duration_s=1.84,
        status="ok",
        reason=None,
        finish_reason="finished",
        normalize_issues="{}",
        items=items,
        requests=2,
        response_bytes=123_456,
        raw_file=str(capture),
        log_file=str(capture.parent.parent.parent / "logs" / f"{run_id}_{board}.log"),
    )
    return record


def write_night(raw: Path, run_id: str, boards: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Write and store every board's capture of one night, then seal its ledger; the bytes it
    added: its full captures, its ledger (records and references), both with the latest-capture
    pointers (`bytes`), the disk blocks they take, and what plain JSON lines with plain records
    would have added."""
    before = usage(raw)
    captured = plain = plain_record = 0
    at = night_time(run_id)
    for board, items in boards.items():
        folder = raw / board.split("-")[0]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{run_id}_{board}.jsonl"
        lines = "".join(
            json.dumps({**i, "scraped_at": at}, ensure_ascii=False) + "\n" for i in items
        )
        path.write_text(lines, encoding="utf-8")
        plain += path.stat().st_size
        stored = store_capture(path)
        captured += stored.stat().st_size if stored.exists() else 0  # else in the ledger
        record = run_record(run_id, board, stored, len(items))
        write_run_record(stored, record)
        plain_record += len(json.dumps(record, indent=1, sort_keys=True))  # as kept before
    ledgers = seal_run(raw, run_id)  # as the crawl does when the night ends
    after = usage(raw)
    return {
        "capture_bytes": captured,
        "ledger_bytes": sum(p.stat().st_size for p in ledgers),
        "bytes": after["bytes"] - before["bytes"],
        "disk_bytes": after["disk_bytes"] - before["disk_bytes"],
        "files": after["files"] - before["files"],
        "plain_bytes": plain + plain_record,
    }


def usage(folder: Path) -> dict[str, int]:
    files = [p.stat() for p in folder.rglob("*") if p.is_file()]
    return {
        "bytes": sum(s.st_size for s in files),
        "disk_bytes": sum(s.st_blocks * 512 for s in files),
        "files": len(files),
    }


def changed(boards: dict[str, list[dict[str, Any]]], share: float) -> dict[str, list[dict]]:
    """The boards with one in `1/share` changed: its first posting retitled, its last gone."""
    every = max(round(1 / share), 1)
    out = {}
    for number, (board, items) in enumerate(boards.items()):
        if number % every == 0 and len(items) >= 2:
            items = [{**items[0], "title": items[0]["title"] + " (updated)"}, *items[1:-1]]
        out[board] = items
    return out


def main(limit: int = 0) -> dict[str, Any]:
    boards, real_share = real_boards(limit)
    source = "real Ashby boards"
    if not boards:
        boards, source = synthetic_boards(limit or SYNTHETIC_BOARDS), "generated boards"
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        nights = [
            write_night(raw, NIGHTS[0], boards),
            write_night(raw, NIGHTS[1], boards),
            write_night(raw, NIGHTS[2], changed(boards, CHANGED_SHARE)),
        ]
        references = sum(len(read_ledger(f, NIGHTS[1]).references) for f in raw.iterdir())
        assert all(digest(p) for p in raw.rglob(f"{NIGHTS[0]}_*.jsonl.gz"))
    first, unchanged, few = nights
    result: dict[str, Any] = {
        "source": source,
        "boards": len(boards),
        "items": sum(len(items) for items in boards.values()),
        "nights": nights,
        "night2_references": references,
        "changed_share": CHANGED_SHARE,
        "real_changed_share": real_share,
        "year_bytes": first["bytes"] + 364 * few["bytes"],
        "year_plain_bytes": first["plain_bytes"] + 364 * few["plain_bytes"],
        "unchanged_capture_share": unchanged["capture_bytes"] / first["capture_bytes"],
        "unchanged_share": unchanged["bytes"] / first["bytes"],
        "unchanged_disk_share": unchanged["disk_bytes"] / first["disk_bytes"],
    }
    if real_share is not None:
        mixed = real_share * first["bytes"] + (1 - real_share) * unchanged["bytes"]
        result["year_bytes_real_share"] = round(first["bytes"] + 364 * mixed)
    return result


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0), indent=1))
