"""Smoke runs of the benchmarks at tiny sizes, so they cannot rot (the real runs are not tests)."""

from bench import dedupe_store_bench, normalize_bench, publish_bench


def test_normalize_bench_runs():
    from pipeline.tagging import hours, normalize

    result = normalize_bench.main(300)
    assert result["items"] == 300 and result["items_per_s"] > 0
    assert set(result["stage_us"]) == {*normalize_bench.STAGES, "rest"}
    assert normalize.parse_hours is hours.parse_hours  # the timed stages are put back


def test_dedupe_store_bench_runs():
    small, large = dedupe_store_bench.main([500, 1000])
    assert (small["postings"], large["postings"]) == (500, 1000)
    assert 0 < small["listings"] <= 500


def test_publish_bench_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(publish_bench, "BENCH_DIR", tmp_path)
    result = publish_bench.main(3000, runs=2)
    assert result["csv"]["rows"] == 3000 and result["csv"]["rows_per_s"] > 0
    assert result["common_matches"] > 300
    for figure in publish_bench.TARGETS:
        assert 0 < result[figure]["p50_ms"] <= result[figure]["p95_ms"]
    assert publish_bench.main(3000, runs=1)["listings"] == 3000  # the cached database


def test_captures_bench_runs():
    """20 boards (real ones when ../shared/realdata is there): night 2 is all references and adds
    at most 5% of night 1's bytes and disk blocks; night 3's changed boards are full captures
    again."""
    from bench import captures_bench

    result = captures_bench.main(20)
    first, second, third = result["nights"]
    assert result["boards"] == result["night2_references"] == 20
    assert second["capture_bytes"] <= 0.05 * first["capture_bytes"]
    # With its ledger of records and references, one sealed file: <= 5% in bytes and on disk.
    assert second["files"] == 1 and second["ledger_bytes"] == second["bytes"]
    assert result["unchanged_share"] <= 0.05 and result["unchanged_disk_share"] <= 0.05
    assert second["capture_bytes"] < third["capture_bytes"] < first["capture_bytes"]
    assert first["plain_bytes"] > 3 * first["bytes"]  # gzip
    assert result["year_bytes"] < result["year_plain_bytes"] / 10


def test_startup_bench_runs():
    from bench import startup_bench
    from bench.table import SOURCES_SECONDS, startup_rows

    result = startup_bench.main(1)
    for name in startup_bench.COMMANDS:
        assert 0 < result[name]["min_s"] <= result[name]["median_s"] <= result[name]["max_s"]
    sources, help_row = startup_rows(result)
    assert sources.met == (result["sources"]["median_s"] <= SOURCES_SECONDS)
    assert "`microintern sources`" in sources.figure
    assert help_row.met is None
