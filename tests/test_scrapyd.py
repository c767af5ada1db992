"""Crawling through real Scrapyd nodes on 127.0.0.1 (pipeline.collect.distributed): the same
listings as a local crawl, and a node lost mid-run costs nothing but a `degraded`."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bench.scrapyd_nodes import ScrapydNode
from pipeline.collect.captures import read_run_record
from pipeline.collect.crawl import CrawlJob, crawl
from pipeline.collect.distributed import crawl_scrapyd
from pipeline.collect.sample_sites import SampleSites
from pipeline.collect.scrapyd_api import Node, schedule_parts
from pipeline.db import open_db
from pipeline.demo import LOCAL_SETTINGS
from tests.conftest import greenhouse_answer

SETTINGS = {**LOCAL_SETTINGS, "RETRY_TIMES": "1"}


@pytest.fixture
def scrapyd_nodes(tmp_path):
    started: list[ScrapydNode] = []

    def start(count: int) -> list[ScrapydNode]:
        started.extend(ScrapydNode(tmp_path / f"scrapyd{n}") for n in range(count))
        return started[-count:]

    yield start
    for node in started:
        node.stop()


def four_hosts(
    serve_fixtures, per_host: int, delay: float = 0.0
) -> tuple[list[CrawlJob], list[SampleSites]]:
    """`per_host` Greenhouse boards on each of 4 fixture servers, one source each: the jobs, and
    the servers."""
    jobs, servers = [], []
    for h in range(4):
        names = [f"h{h}b{b}" for b in range(per_host)]
        routes = {
            f"/v1/boards/{name}/jobs": greenhouse_answer(name, 1000 * h + 10 * b, delay=delay)
            for b, name in enumerate(names)
        }
        sites = serve_fixtures(None, routes=routes)
        servers.append(sites)
        jobs += [
            CrawlJob("greenhouse", {"base_url": sites.base_url, "board": name}, name=f"gh-{name}")
            for name in names
        ]
    return jobs, servers


def crawling(node: Node, servers: list[SampleSites]) -> bool:
    """Whether a crawl on `node` has asked its host for a board."""
    hosts = {task.host for task in list(node.running.values())}
    return any(
        sites.base_url.removeprefix("http://") in hosts
        and any(path.startswith("/v1/boards/") for path in sites.requests)
        for sites in servers
    )


def listings(db_path: Path) -> list[tuple]:
    db = open_db(db_path)
    query = (
        "select title, company, url, location, employment_type, status from listings order by url"
    )
    return db.execute(query).fetchall()


def test_two_scrapyd_nodes_give_the_listings_of_a_local_crawl(
    serve_fixtures, scrapyd_nodes, tmp_path
):
    jobs, _ = four_hosts(serve_fixtures, per_host=5)  # 20 boards over 4 hosts
    nodes = [Node.parse(node.url) for node in scrapyd_nodes(2)]
    remote = crawl_scrapyd(
        jobs, tmp_path / "remote" / "listings.db", nodes, settings=SETTINGS, timeout=60, poll=0.2
    )
    local = crawl(jobs, tmp_path / "local" / "listings.db", settings=SETTINGS, echo=lambda _: None)

    assert [r["status"] for r in remote] == ["ok"] * 20, [r["reason"] for r in remote]
    assert [r["items"] for r in remote] == [r["items"] for r in local] == [3] * 20
    assert listings(tmp_path / "remote" / "listings.db") == listings(
        tmp_path / "local" / "listings.db"
    )
    assert len(listings(tmp_path / "local" / "listings.db")) == 60
    # one process per host, and every source's own capture beside its record
    assert len({r["log_file"] for r in remote}) == 4
    for row in remote:
        assert Path(row["raw_file"]).exists()
        assert read_run_record(Path(row["raw_file"]))["id"] == row["id"]  # in the ledger
    assert not list(tmp_path.rglob("*.ledger.jsonl"))  # sealed when the run ended


def test_a_node_lost_mid_run_has_its_hosts_crawled_by_the_other(
    serve_fixtures, scrapyd_nodes, tmp_path
):
    jobs, servers = four_hosts(serve_fixtures, per_host=5, delay=0.4)  # each host takes 2 s or more
    first, second = scrapyd_nodes(2)
    # The default timeout: a stopped node refuses at once, and a deploy on a busy machine (each
    # node runs `scrapy list` on the new egg) can take more than 2 s.
    nodes = [Node.parse(first.url), Node.parse(second.url)]
    rows: list = []
    worker = threading.Thread(
        target=lambda: rows.extend(
            crawl_scrapyd(
                jobs, tmp_path / "listings.db", nodes, settings=SETTINGS, timeout=60, poll=0.2
            )
        )
    )
    worker.start()
    deadline = time.monotonic() + 60
    while not (under_way := crawling(nodes[0], servers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    first.stop()  # its crawls under way, each with 2 s of boards to go
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert under_way, "no crawl was under way on the first node"

    assert all(r["items"] == 3 for r in rows), [(r["source"], r["reason"]) for r in rows]
    assert len(listings(tmp_path / "listings.db")) == 60  # every board imported
    degraded = [r for r in rows if r["status"] == "degraded"]
    assert degraded and all(r["status"] in ("ok", "degraded") for r in rows)
    for row in degraded:
        assert f"127.0.0.1:{first.port} stopped answering" in row["reason"]
        assert row["closed"] == 0


def test_schedule_parts_are_the_local_command():
    spider, args, settings = schedule_parts(
        ["python", "-m", "scrapy", "crawl", "greenhouse", "-a", "board=a,b", "-s", "X=1=2"]
    )
    assert (spider, args, settings) == ("greenhouse", {"board": "a,b"}, {"X": "1=2"})
    node = Node.parse("https://user:pw@crawl.example.org:6800/")
    assert (node.url, node.auth) == ("https://crawl.example.org:6800", ("user", "pw"))


def test_the_nightly_run_crawls_on_the_configured_nodes(serve_fixtures, scrapyd_nodes, tmp_path):
    from schedules.config import NightlyConfig
    from schedules.nightly import EXIT_OK, run_nightly

    sites = serve_fixtures("greenhouse")
    sources = tmp_path / "sources.toml"
    sources.write_text(
        "".join(
            f'[[sources]]\nspider = "greenhouse"\nboard = "{name}"\nbase_url = "{sites.base_url}"\n'
            for name in ("fieldnotes", "algolia")
        )
    )
    [node] = scrapyd_nodes(1)
    config = NightlyConfig(
        db=tmp_path / "listings.db",
        sources=sources,
        log_dir=tmp_path / "logs",
        settings=SETTINGS,
        timeout_seconds=60,
        scrapyd=node.url,
    )
    lines: list[str] = []
    assert run_nightly(config, echo=lines.append) == EXIT_OK, lines
    db = open_db(config.db)
    runs = {r["source"]: r for r in db.query("select * from crawl_runs")}
    assert {k: r["status"] for k, r in runs.items()} == {
        "greenhouse-fieldnotes": "ok",
        "greenhouse-algolia": "ok",
    }
    assert runs["greenhouse-fieldnotes"]["log_file"] == runs["greenhouse-algolia"]["log_file"]
    assert db.table("listings").count == 3
    assert any(line.startswith("crawling on 1 Scrapyd nodes: http://127.0.0.1:") for line in lines)

    from click.testing import CliRunner

    from microintern.cli import cli

    overrides = [arg for k, v in SETTINGS.items() for arg in ("-s", f"{k}={v}")]
    result = CliRunner().invoke(
        cli,
        ["crawl", "--source", "greenhouse-algolia", "--scrapyd", node.url, *overrides]
        + ["--sources", str(sources), "--db", str(config.db)],
    )
    assert result.exit_code == 0, result.output
    assert f"on http://127.0.0.1:{node.port}" in result.output
    assert "greenhouse-algolia ok" in result.output


def test_a_job_past_its_timeout_is_cancelled_and_fails(serve_fixtures, scrapyd_nodes, tmp_path):
    def stalled():
        time.sleep(8)
        return 200, '{"jobs": [], "meta": {"total": 0}}'

    sites = serve_fixtures("greenhouse", routes={"/v1/boards/slow/jobs": stalled})
    jobs = [CrawlJob("greenhouse", {"base_url": sites.base_url, "board": "slow"})]
    [node] = scrapyd_nodes(1)
    clock = time.monotonic()
    [row] = crawl_scrapyd(
        jobs,
        tmp_path / "listings.db",
        [Node.parse(node.url)],
        settings=SETTINGS,
        timeout=2,
        poll=0.2,
    )
    assert row["status"] == "failed" and row["reason"] == "timed out after 2 s"
    assert time.monotonic() - clock < 30  # cancelled (cancel.json), not waited for
