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
