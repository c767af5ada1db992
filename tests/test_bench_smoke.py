"""Smoke runs of the benchmarks at tiny sizes, so they cannot rot (the real runs are not tests)."""

from bench import dedupe_store_bench, normalize_bench


def test_normalize_bench_runs():
    result = normalize_bench.main(300)
    assert result["items"] == 300 and result["items_per_s"] > 0


def test_dedupe_store_bench_runs():
    small, large = dedupe_store_bench.main([500, 1000])
    assert (small["postings"], large["postings"]) == (500, 1000)
    assert 0 < small["listings"] <= 500
