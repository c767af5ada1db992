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
    capture_exists,
    capture_stem,
    digest,
    locate_capture,
    read_reference,
    read_run_record,
    run_record_path,
    store_capture,
)
from pipeline.collect.raw import iter_raw_file
from pipeline.collect.rebuild import captures, rebuild
from pipeline.db import open_db
from pipeline.demo import LOCAL_SETTINGS
from schedules.config import ConfigError, NightlyConfig, load_config
from schedules.nightly import run_nightly
from tests.conftest import FIXTURES
from tests.test_lifecycle import night, snapshot
from tests.test_store import raw

BOARD = json.loads(
    (FIXTURES / "greenhouse" / "v1" / "boards" / "algolia" / "jobs.json").read_text()
)


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
    # Not a file: an entry of the night's ledger, sealed when the crawl ended, with its record.
    assert ref.name.endswith(".ref.json") and not ref.exists() and capture_exists(ref)
    assert read_reference(ref)["capture"] == full.name
    assert sorted(p.name for p in ref.parent.iterdir() if "ledger" in p.name) == [
        f"{capture_stem(full).partition('_')[0]}.ledger.jsonl.gz",
        f"{capture_stem(ref).partition('_')[0]}.ledger.jsonl.gz",
    ]
    assert read_run_record(ref) and second["items"] == 2 and second["new_listings"] == 0
    # Read through the reference: the first night's items with the second night's time.
    first_items, second_items = items_of(full), items_of(ref)
    stamps = {i["scraped_at"] for i in first_items}, {i["scraped_at"] for i in second_items}
    assert len(stamps[0]) == 1 and stamps[1] == {read_reference(ref)["scraped_at"]}
    assert [dict(i, scraped_at=None) for i in first_items] == [
        dict(i, scraped_at=None) for i in second_items
    ]
    # What crawl_runs.raw_file names can be imported again, into another database.
    other = tmp_path / "other" / "listings.db"
    again = CliRunner().invoke(cli, ["import", second["raw_file"], "--db", str(other)])
    assert again.exit_code == 0 and "2 items, 0 bad lines" in again.output
    [kept] = captures(other.parent)
    assert kept.name.endswith(".jsonl.gz") and items_of(kept) == second_items
    board["answer"] = [dict(BOARD["jobs"][0], title="Account Manager, Dutch")]
    third = night(board, db_path)  # changed: a full capture again
    assert third["raw_file"].endswith(".jsonl.gz") and third["updated_listings"] == 1
    board["answer"] = BOARD["jobs"]
    fourth = night(board, db_path)  # back to the first night's items, not the third's
    assert fourth["raw_file"].endswith(".jsonl.gz")
    before = snapshot(open_db(db_path))
    assert rebuild(db_path) == 4
    assert snapshot(open_db(db_path)) == before


def test_old_plain_captures_and_compressed_ones_replay_alike(board, tmp_path):
    db_path = tmp_path / "listings.db"
    night(board, db_path)
    night(board, db_path)
    board["answer"] = BOARD["jobs"][:1]
    night(board, db_path)
    before = snapshot(open_db(db_path))
    # As an older release kept them: every night a plain JSON-lines copy and a plain record.
    kept = {capture: items_of(capture) for capture in captures(tmp_path)}
    for capture, items in kept.items():
        record = read_run_record(capture)
        capture.unlink(missing_ok=True)  # a reference in a ledger is no file
        run_record_path(capture).write_text(json.dumps(record, indent=1, sort_keys=True))
        plain = capture.with_name(capture_stem(capture) + ".jsonl")
        plain.write_text("".join(json.dumps(item) + "\n" for item in items))
    for ledger in (tmp_path / "raw").rglob("*.ledger.jsonl.gz"):
        ledger.unlink()
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
            b"\xef\xbb\xbfProject ID;Project Title;Company Name;Project URL;Description;Notes\r\n"
            b"9;Market research sprint;Acme;https://example.org/p/9;About 10 hours.;-\r\n"
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
        assert ("ignored columns: Notes" in result.output) == (path is table)
    kept = sorted(p.name.split("_", 1)[1] for p in captures(tmp_path))
    assert kept == ["export.csv.gz", "export.jsonl.gz", "late.jsonl.gz"]  # all compressed
    assert all(read_run_record(p)["import"] for p in captures(tmp_path))
    before = snapshot(open_db(db_path))
    assert before["listings"] and len(before["postings"]) == 4
    assert rebuild(db_path) == 3
    assert snapshot(open_db(db_path)) == before


def test_prune_keeps_rebuild_exact(board, tmp_path):
    """Nights A, A, B, A, a failed night and A again, the B night kept plain as an older release
    wrote it, and an import: pruning all but the last night turns the second full copy of A into
    a reference, compresses B, removes old logs; a rebuild then gives the same database."""
    db_path = tmp_path / "listings.db"
    a, b = BOARD["jobs"], [dict(BOARD["jobs"][0], title="Account Manager, Dutch")]
    rows = [night(board, db_path), night(board, db_path)]
    board["answer"] = b
    rows.append(night(board, db_path))
    plain = Path(rows[2]["raw_file"]).with_suffix("")  # B as an older release kept it
    plain.write_bytes(gzip.decompress(Path(rows[2]["raw_file"]).read_bytes()))
    Path(rows[2]["raw_file"]).unlink()
    record = read_run_record(plain)
    (plain.parent / run_record_path(plain).name).write_text(json.dumps(record, indent=1))
    (plain.parent / f"{capture_stem(plain).partition('_')[0]}.ledger.jsonl.gz").unlink()
    board["answer"] = a
    rows.append(night(board, db_path))  # the latest full capture is gone: found by its name
    export = tmp_path / "export.jsonl"
    export.write_text(json.dumps(raw("1")) + "\n")
    assert CliRunner().invoke(cli, ["import", str(export), "--db", str(db_path)]).exit_code == 0
    board["answer"] = []
    rows.append(night(board, db_path))
    board["answer"] = a
    rows.append(night(board, db_path))
    kinds = [Path(r["raw_file"]).name.split(".", 2)[-1] for r in rows]
    assert kinds == ["jsonl.gz", "ref.json", "jsonl.gz", "jsonl.gz", "jsonl.gz", "jsonl.gz"]
    before = snapshot(open_db(db_path))
    items_before = [items_of(locate_capture(Path(r["raw_file"]))) for r in rows]
    logs = sorted((tmp_path / "logs" / "greenhouse").iterdir())
    assert len(logs) == 12  # a log and stats a night

    result = CliRunner().invoke(cli, ["prune", "--keep-nights", "1", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "pruned 5 of 6 crawl nights: 2 files compressed, 1 copies made references" in (
        result.output
    )
    assert sorted(p.name for p in (tmp_path / "logs" / "greenhouse").iterdir()) == [
        p.name for p in logs[-2:]
    ]
    held = [locate_capture(Path(r["raw_file"])) for r in rows]
    assert [p.name.split(".", 2)[-1] for p in held] == [
        "jsonl.gz",
        "ref.json",
        "jsonl.gz",  # B, compressed
        "ref.json",  # A again: now a reference to the first night
        "jsonl.gz",  # the empty night
        "jsonl.gz",  # the last night, as it was written
    ]
    assert read_reference(held[3])["capture"] == held[0].name
    assert [items_of(p) for p in held] == items_before  # each night reads the same items
    assert rebuild(db_path) == 7
    assert snapshot(open_db(db_path)) == before
    again = CliRunner().invoke(cli, ["prune", "--keep-nights", "1", "--db", str(db_path)])
    assert "0 files compressed, 0 copies made references, 0 log files removed" in again.output
    assert rebuild(db_path) == 7 and snapshot(open_db(db_path)) == before


def test_the_nightly_run_prunes_older_nights(board, tmp_path):
    """`[retention] keep_nights` in nightly.toml: after each nightly crawl, nights older than
    the last N lose their spider logs (and are compacted); the newest stay as written."""
    sources = tmp_path / "sources.toml"
    base_url = board["job"].args["base_url"]
    sources.write_text(
        f'[[sources]]\nspider = "greenhouse"\nboard = "algolia"\nbase_url = "{base_url}"\n'
    )
    config = tmp_path / "nightly.toml"
    settings = ", ".join(f'{k} = "{v}"' for k, v in LOCAL_SETTINGS.items())
    config.write_text(
        f"[crawl]\nsettings = {{ {settings} }}\n[retention]\nkeep_nights = 1\n"
        f"[paths]\ndb = '{tmp_path / 'listings.db'}'\nsources = '{sources}'\n"
        f"jobstore = '{tmp_path / 'scheduler.db'}'\nlogs = '{tmp_path / 'logs'}'\n"
    )
    loaded = load_config(config)
    assert loaded.keep_nights == 1
    said: list[str] = []
    assert run_nightly(loaded, echo=said.append) == 0
    assert run_nightly(loaded, echo=said.append) == 0
    assert "pruned 1 of 2 crawl nights: 0 files compressed" in "\n".join(said)
    kept = captures(tmp_path)
    assert [p.name.split(".", 2)[-1] for p in kept] == ["jsonl.gz", "ref.json"]
    logs = list((tmp_path / "logs" / "greenhouse").iterdir())
    assert {p.name.partition("_")[0] for p in logs} == {capture_stem(kept[1]).partition("_")[0]}
    with pytest.raises(ConfigError, match="keep_nights: expected 0 or more"):
        NightlyConfig(keep_nights=-1)
