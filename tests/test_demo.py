"""The demo builds listings from every bundled sample source, with the real CLI."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

from microintern.cli.publish import STOP_SECONDS
from pipeline.collect.sources import load_sources
from pipeline.db import open_db
from pipeline.demo import SAMPLE_SOURCES
from tests.test_spider_guard import spider_classes


def test_sample_sources_cover_every_spider():
    assert {s.spider for s in load_sources(SAMPLE_SOURCES)} == set(spider_classes())


def test_demo_build_only(demo_build):
    db_path, printed = demo_build  # `microintern demo --build-only`, exit 0
    sources = load_sources(SAMPLE_SOURCES)
    assert f"sources crawled: {len(sources)}" in printed

    db = open_db(db_path)
    runs = {row["source"]: row for row in db.query("select * from crawl_runs")}
    assert set(runs) == {s.key for s in sources}
    for source in sources:
        run = runs[source.key]
        assert run["status"] == "ok", run
        assert run["items"] >= 2, run
        if "board" not in source.args:
            continue  # page spiders: the source name is a site, not one company
        listed = {
            r[0]
            for r in db.execute(
                "select distinct l.company from postings p join listings l on l.id = p.listing_id "
                "where p.source = ?",
                [source.spider],
            )
        }
        assert source.name in listed, (source.key, listed)
    assert (
        db.execute("select count(*) from postings where title = 'Unpublished draft'").fetchone()[0]
        == 0
    )  # robots.txt disallows it
    micro = db.execute("select count(*) from listings where is_micro = 1").fetchone()[0]
    assert micro >= len(sources)
    assert (db_path.parent / "raw" / "greenhouse").is_dir()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_killing_the_demo_stops_its_datasette(tmp_path):
    port = free_port()
    command = [sys.executable, "-m", "microintern", "demo", "--port", str(port)]
    demo = subprocess.Popen(
        [*command, "--db", str(tmp_path / "listings.db")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a group of its own, for the clean-up below
    )
    try:
        assert wait_until(lambda: answers(port) or demo.poll() is not None, 300)
        assert demo.poll() is None and answers(port)
        # While the demo serves, the apply links of the sample sites' listings answer.
        import sqlite3
        import urllib.request

        conn = sqlite3.connect(tmp_path / "listings.db")
        local = [u for (u,) in conn.execute("select url from listings") if "127.0.0.1" in u]
        conn.close()
        assert local
        for url in local[:5]:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200, url
        demo.send_signal(signal.SIGTERM)
        assert wait_until(lambda: not answers(port), STOP_SECONDS + 5), "Datasette still serving"
        assert demo.wait(STOP_SECONDS + 5) == 128 + signal.SIGTERM
    finally:  # whatever happened, neither the demo nor a Datasette of it outlives the test
        with contextlib.suppress(ProcessLookupError):
            os.killpg(demo.pid, signal.SIGKILL)
        demo.wait()
