"""Raw captures kept small: real crawls store gzip-compressed JSON lines, an unchanged night as a
reference to the capture that holds its items, and `import` and `rebuild` read all of them (and
old plain captures) exactly as they read full copies."""

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from microintern.cli import cli
from pipeline.collect.captures import (
    capture_stem,
    digest,
    read_reference,
    run_record_path,
    store_capture,
)
from pipeline.collect.crawl import CrawlJob, crawl
from pipeline.collect.raw import iter_raw_file
from pipeline.collect.rebuild import captures, rebuild
from pipeline.db import open_db
from pipeline.demo import LOCAL_SETTINGS
from tests.conftest import FIXTURES
from tests.test_lifecycle import snapshot
from tests.test_store import raw

BOARD = json.loads(
    (FIXTURES / "greenhouse" / "v1" / "boards" / "algolia" / "jobs.json").read_text()
)


@pytest.fixture
def board(serve_fixtures):
    """A Greenhouse board whose jobs each test sets."""
    state = {"jobs": BOARD["jobs"]}

    def answer():
        return 200, json.dumps({"jobs": state["jobs"], "meta": {"total": len(state["jobs"])}})

    sites = serve_fixtures("greenhouse", routes={"/v1/boards/algolia/jobs": answer})
    state["job"] = CrawlJob(
        "greenhouse",
        {"base_url": sites.base_url, "board": "algolia"},
        {"HTTPCACHE_ENABLED": "False", "RETRY_TIMES": "0"},
        "greenhouse-algolia",
    )
    return state


def night(board, db_path):
    [row] = crawl([board["job"]], db_path, settings=LOCAL_SETTINGS, echo=lambda *_: None)
    return row


def items_of(path):
    return [item for _, item in iter_raw_file(path)]


def test_an_unchanged_night_is_a_reference_and_replays_exactly(board, tmp_path):
    db_path = tmp_path / "listings.db"
    first = night(board, db_path)
    full = Path(first["raw_file"])
    assert full.name.endswith(".jsonl.gz") and full.exists()
    assert not list(full.parent.glob("*.jsonl"))  # no plain copy left
    second = night(board, db_path)  # the same jobs: a reference
    ref = Path(second["raw_file"])
    assert ref.name.endswith(".ref.json") and ref.exists()
    assert read_reference(ref)["capture"] == full.name
    assert ref.stat().st_size < 200  # a name, a hash, a count and a time
    assert run_record_path(ref).exists() and second["items"] == 2 and second["seen_again"] == 2
    # Read through the reference: the first night's items with the second night's time.
    first_items, second_items = items_of(full), items_of(ref)
    stamps = {i["scraped_at"] for i in first_items}, {i["scraped_at"] for i in second_items}
    assert len(stamps[0]) == len(stamps[1]) == 1 and stamps[0] != stamps[1]
    assert [dict(i, scraped_at=None) for i in first_items] == [
        dict(i, scraped_at=None) for i in second_items
    ]
    board["jobs"] = [dict(BOARD["jobs"][0], title="Account Manager, Dutch")]
    third = night(board, db_path)  # changed: a full capture again
    assert third["raw_file"].endswith(".jsonl.gz") and third["updated_listings"] == 1
    board["jobs"] = BOARD["jobs"]
    fourth = night(board, db_path)  # back to the first night's items, not the third's
    assert fourth["raw_file"].endswith(".jsonl.gz")
    before = snapshot(open_db(db_path))
    assert rebuild(db_path) == 4
    assert snapshot(open_db(db_path)) == before


def test_old_plain_captures_and_compressed_ones_replay_alike(board, tmp_path):
    db_path = tmp_path / "listings.db"
    night(board, db_path)
    night(board, db_path)
    board["jobs"] = BOARD["jobs"][:1]
    night(board, db_path)
    before = snapshot(open_db(db_path))
    # As an older release kept them: every night a plain JSON-lines copy.
    kept = {capture: items_of(capture) for capture in captures(tmp_path)}
    for capture, items in kept.items():
        capture.unlink()
        plain = capture.with_name(capture_stem(capture) + ".jsonl")
        plain.write_text("".join(json.dumps(item) + "\n" for item in items))
    assert all(p.name.endswith(".jsonl") for p in captures(tmp_path))
    assert rebuild(db_path) == 3
    assert snapshot(open_db(db_path)) == before


def test_items_without_one_shared_scraped_at_are_kept_in_full(tmp_path):
    folder = tmp_path / "raw" / "jsonld"
    folder.mkdir(parents=True)
    lines = [json.dumps(raw("1", scraped_at="2026-11-01T00:00:00Z")), json.dumps(raw("2"))]
    for run_id in ("20261101T000000.000Z", "20261102T000000.000Z"):
        (folder / f"{run_id}_site.jsonl").write_text("\n".join(lines) + "\n")
        stored = store_capture(folder / f"{run_id}_site.jsonl")
        assert stored.name.endswith(".jsonl.gz")  # never a reference: two times in one night
    assert digest(stored) is None
    broken = folder / "20261103T000000.000Z_site.jsonl"
    broken.write_text('{"oops\n')
    assert store_capture(broken).name.endswith(".jsonl.gz")
    assert "not valid JSON" in str(items_of(broken.with_name(broken.name + ".gz"))[0])


def test_import_reads_compressed_files_and_keeps_a_compressed_copy(tmp_path):
    lines = json.dumps(raw("1")) + "\n" + json.dumps(raw("2", title="Logo sprint")) + "\n"
    packed = tmp_path / "export.jsonl.gz"
    packed.write_bytes(gzip.compress(lines.encode()))
    table = tmp_path / "export.csv.gz"
    table.write_bytes(
        gzip.compress(
            b"\xef\xbb\xbfProject ID;Project Title;Company Name;Project URL;Description\r\n"
            b"9;Market research sprint;Acme;https://example.org/p/9;About 10 hours.\r\n"
        )
    )
    db_path = tmp_path / "listings.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(packed), "--db", str(db_path)])
    assert result.exit_code == 0 and "2 items, 0 bad lines" in result.output
    plain = tmp_path / "late.jsonl"
    plain.write_text(json.dumps(raw("3", title="Survey sprint")) + "\n")
    for path, source in ((table, "parkerdewey"), (plain, "x")):
        result = runner.invoke(cli, ["import", str(path), "--source", source, "--db", str(db_path)])
        assert result.exit_code == 0 and "1 items, 0 bad lines" in result.output
    kept = sorted(p.name.split("_", 1)[1] for p in captures(tmp_path))
    assert kept == ["export.csv.gz", "export.jsonl.gz", "late.jsonl.gz"]  # all compressed
    assert all(run_record_path(p).exists() for p in captures(tmp_path))
    before = snapshot(open_db(db_path))
    assert before["listings"] and len(before["postings"]) == 4
    assert rebuild(db_path) == 3
    assert snapshot(open_db(db_path)) == before
