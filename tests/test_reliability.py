"""A kill at any moment never leaves a half-written database, and Datasette keeps reading
consistent data while an import writes (WAL)."""

import json
import random
import signal
import subprocess
import sys
import time

import pytest
from datasette.app import Datasette

from bench.synthetic import synthetic_items
from pipeline.db import open_db

ITEMS = 6000


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "export.jsonl"
    with open(path, "w") as handle:
        for item in synthetic_items(ITEMS, seed=11, duplicate_rate=0.1):
            handle.write(json.dumps(item) + "\n")
    return path


def start_import(export, db_path):
    return subprocess.Popen(
        [sys.executable, "-m", "microintern", "import", str(export), "--db", str(db_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def listings_count(db_path):
    db = open_db(db_path)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    return db.table("listings").count, db.table("postings").count


@pytest.fixture(scope="module")
def complete(export, tmp_path_factory):
    """The state a full import reaches."""
    db_path = tmp_path_factory.mktemp("complete") / "listings.db"
    assert start_import(export, db_path).wait(timeout=300) == 0
    return listings_count(db_path)


def test_sigkill_at_random_moments_leaves_old_or_new_state(export, complete, tmp_path):
    db_path = tmp_path / "listings.db"
    rng = random.Random(5)
    for _ in range(4):
        process = start_import(export, db_path)
        time.sleep(rng.uniform(0.3, 2.5))  # while it runs: it takes 3 s or more
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert listings_count(db_path) in {(0, 0), complete}
    assert start_import(export, db_path).wait(timeout=300) == 0
    assert listings_count(db_path) == complete  # the next run completes the work


async def test_datasette_reads_consistent_data_while_an_import_writes(export, complete, tmp_path):
    db_path = tmp_path / "listings.db"
    open_db(db_path)  # the shape exists before Datasette opens it
    datasette = Datasette([str(db_path)])
    process = start_import(export, db_path)
    seen = set()
    try:
        while process.poll() is None:
            response = await datasette.client.get(
                "/listings.json?sql=select+(select+count(*)+from+listings)+as+l,"
                "(select+count(*)+from+postings)+as+p&_shape=array"
            )
            assert response.status_code == 200, response.text
            row = response.json()[0]
            seen.add((row["l"], row["p"]))
            time.sleep(0.05)
    finally:
        process.wait(timeout=300)
    assert seen <= {(0, 0), complete}
    assert listings_count(db_path) == complete
