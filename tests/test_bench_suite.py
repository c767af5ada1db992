"""Smoke runs of the benchmark suite at tiny sizes (real spiders, server, database; 127.0.0.1
only), so the benchmarks cannot rot. The full runs are `make bench`, never part of the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import crawl_bench, incremental_bench, pipeline_bench, run_all, scale_bench

API_PAGES, CAREER_PAGES = 10, 10


@pytest.fixture(scope="module")
def crawl_result() -> dict[str, Any]:
    return crawl_bench.main(
        API_PAGES, CAREER_PAGES, bench_seconds=1, load_seconds=0.5, bench_runs=1
    )


@pytest.fixture(scope="module")
def incremental_result() -> dict[str, Any]:
    return incremental_bench.main(3, 3)


@pytest.fixture(scope="module")
def pipeline_result() -> dict[str, Any]:
    return pipeline_bench.main([100, 200])


def test_crawl_bench_crawls_every_page_served(crawl_result):
    greenhouse, jsonld = crawl_result["greenhouse"], crawl_result["jsonld"]
    # robots.txt, then one API page per board / the sitemap and one page per career page
    assert greenhouse["pages"] == greenhouse["served"] == API_PAGES + 1
    assert jsonld["pages"] == jsonld["served"] == CAREER_PAGES + 2
    assert greenhouse["items"] == API_PAGES * 5 and jsonld["items"] == CAREER_PAGES
    assert greenhouse["errors"] == jsonld["errors"] == 0
    assert greenhouse["parsed_pages"] == API_PAGES and greenhouse["parse_ms_median"] > 0
    assert jsonld["parsed_pages"] == CAREER_PAGES + 1 and jsonld["parse_ms_median"] > 0
    scrapy_bench = crawl_result["scrapy_bench"]
    assert scrapy_bench["pages_per_s"] > 0 and len(scrapy_bench["runs"]) == 1
    assert crawl_result["server"]["requests_per_s"] > 0


def test_scale_bench_crawls_every_board_locally_and_through_scrapyd():
    result = scale_bench.main(8, 2, 0.05, 3)
    for key in ("local", "scrapyd"):
        run = result[key]
        assert run["sources"] == run["ok"] == 8 and run["items"] == 8 * scale_bench.JOBS_PER_BOARD
        assert run["requests"] == [5, 5]  # robots.txt and four boards a host
        assert run["limit_s"] == 0.25 and 0 < run["of_limit"] < 1
    per_source = result["per_source"]
    assert per_source["one_process"]["ok"] == per_source["one_process_per_source"]["ok"] == 3
    rows = run_all.rows_for("scale", {"result": result}, run_all.Sizes.quick())
    assert rows[0].figure == "scale: 8 boards, 2 hosts, 0.05 s delay, one machine, s"
    assert rows[1].figure.endswith("2 Scrapyd nodes, s") and rows[2].ratio.endswith("x")


def test_incremental_second_night_costs_304s_and_writes_only_last_seen(incremental_result):
    first, second = incremental_result["first"], incremental_result["second"]
    assert second["wire_bytes"] < first["wire_bytes"] / 5
    assert set(first["statuses"]) == {"200"} and set(second["statuses"]) == {"304"}
    assert first["items"] == second["items"] == 3 * 5 + 3
    assert second["new_listings"] == second["updated_listings"] == 0
    assert second["seen_again"] == incremental_result["postings"] == first["new_listings"]
    assert incremental_result["tables_changed"] == []
    assert incremental_result["new_listing_changes"] == 0
    assert incremental_result["crawl_runs"] == 4
    assert incremental_result["last_seen_moved"] == incremental_result["postings"]


def test_snapshot_sees_a_changed_row(tmp_path: Path):
    import sqlite3

    db = tmp_path / "t.db"
    con = sqlite3.connect(db)
    con.execute("create table listings (id, title, last_seen)")
    con.execute("insert into listings values ('a', 'Old', '2026-01-01')")
    con.commit()
    before = incremental_bench.snapshot(db)
    con.execute("update listings set last_seen = '2026-01-02'")
    con.commit()
    assert incremental_bench.snapshot(db) == before
    con.execute("update listings set title = 'New'")
    con.commit()
    assert incremental_bench.snapshot(db) != before
    con.close()


def test_pipeline_bench_imports_every_item_beside_its_floors(pipeline_result):
    result = pipeline_result
    for run, size in zip(result["sizes"], [100, 200], strict=True):
        assert run["items"] == run["imported"] == size and run["bad_lines"] == 0
        assert 0 < run["listings"] < size  # re-posts merged into their originals
        assert run["items_per_s"] > 0 and run["peak_rss_mb"] > 0
        assert run["floor_read_items_per_s"] > 0 and run["floor_insert_items_per_s"] > 0
    assert len(result["growth"]) == 1


def test_raw_items_keep_reposts_with_their_original_employer():
    items = list(pipeline_bench.raw_items(12_000))
    by_url = {item["url"]: item["company"] for item in items if item["source_id"][0] != "d"}
    reposts = [item for item in items if item["source_id"].startswith("d")]
    assert reposts
    for item in reposts:
        original = item["url"].split("?")[0].split("#")[0].rstrip("/")
        assert by_url[original] == item["company"]
    assert len({item["company"] for item in items}) > 13  # employers per cycle, not 13 in all


def test_run_all_prints_the_table_and_appends_one_line(tmp_path: Path, capsys):
    results = tmp_path / "results.jsonl"
    args = ["--quick", "--only", "normalize,publish", "--results", str(results)]
    record = run_all.main(args)
    [line] = results.read_text().splitlines()
    saved = json.loads(line)
    assert saved["commit"] and saved["machine"]["cpus"] >= 1 and saved["machine"]["sqlite"]
    assert set(saved["results"]) == {"normalize", "publish"}
    figures = [row["figure"] for row in saved["rows"]]
    assert figures[0] == "normalize + tag 300: items/s"
    assert figures[1].startswith("publish")
    assert record["table"] in capsys.readouterr().out


def test_run_all_rows_of_every_benchmark(crawl_result, incremental_result, pipeline_result):
    sizes = run_all.Sizes.quick()
    outcomes = {
        "crawl": crawl_result,
        "incremental": incremental_result,
        "pipeline": pipeline_result,
        "dedupe": [  # as dedupe_store_bench.main returns (smoke-run in test_bench_smoke.py)
            {"postings": 200, "seconds": 0.1, "listings": 180, "peak_rss_mb": 90},
            {"postings": 400, "seconds": 0.2, "listings": 350, "peak_rss_mb": 95},
        ],
    }
    rows = {name: run_all.rows_for(name, {"result": r}, sizes) for name, r in outcomes.items()}
    assert rows["crawl"][0].figure == "crawl: greenhouse, 10 API pages, pages/s"
    assert rows["crawl"][0].target == ">= 70% of scrapy bench" and rows["crawl"][0].met is not None
    assert [r.met for r in rows["incremental"]] == [True, None, True]
    assert rows["pipeline"][2].figure == "pipeline 200: raw items to database, items/s"
    assert rows["pipeline"][2].target == ">= 4,000" and rows["pipeline"][-1].figure.startswith(
        "pipeline: time growth 100 -> 200"
    )
    assert rows["dedupe"][-1].figure == "dedupe + store: time growth 200 -> 400"
    failed = {"error": "exit 1"}
    assert run_all.rows_for("crawl", failed, sizes)[0].met is False
    everything = [row for name in rows for row in rows[name]]
    table = run_all.format_table(everything).splitlines()
    assert len(table) == 2 + len(everything)
    assert len({len(line) for line in table}) == 1  # aligned columns


def test_run_all_rows_of_the_captures_bench():
    from bench import captures_bench

    result = captures_bench.main(5)
    rows = run_all.rows_for("captures", {"result": result}, run_all.Sizes.quick())
    assert rows[0].figure.startswith("captures: night 1 (5 ")
    unchanged = rows[1]
    assert unchanged.figure == "captures: unchanged night 2, capture bytes added"
    assert unchanged.target == "<= 5%" and unchanged.met is True
    assert rows[5].figure == "captures: a year (night 1 + 364 nights like night 3)"
    assert "x smaller" in rows[5].ratio
    assert run_all.calls(run_all.Sizes.quick())["captures"] == [20]
