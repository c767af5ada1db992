"""Settings for large databases and crawls: the garbage collector's settings during an import
and at a crawl process's end, the page size of new files, the search index's options."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline.collect.gc_settings import THRESHOLDS, fewer_collections
from pipeline.db import FTS_OPTIONS, NEW_DB_PAGE_SIZE, open_db


def test_a_new_database_gets_the_larger_page_size(tmp_path):
    db = open_db(tmp_path / "new.db")
    assert db.execute("pragma page_size").fetchone()[0] == NEW_DB_PAGE_SIZE
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_an_existing_database_keeps_its_page_size(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("pragma page_size = 4096")
        conn.execute("create table kept (a)")
    conn.close()
    db = open_db(path)
    assert db.execute("pragma page_size").fetchone()[0] == 4096
    assert db.table("listings").exists() and db.table("kept").exists()


def test_the_search_index_options_are_set_once_and_kept(tmp_path):
    path = tmp_path / "listings.db"
    open_db(path).close()
    db = open_db(path)
    config = dict(db.execute("select k, v from listings_fts_config").fetchall())
    assert {k: config[k] for k in FTS_OPTIONS} == FTS_OPTIONS
    db.execute("insert into listings_fts(listings_fts, rank) values ('hashsize', 1048576)")
    db.conn.commit()
    db.close()
    reopened = open_db(path)  # a database set otherwise gets the options back
    config = dict(reopened.execute("select k, v from listings_fts_config").fetchall())
    assert config["hashsize"] == FTS_OPTIONS["hashsize"]


def test_an_import_collects_less_often_and_puts_the_settings_back(tmp_path):
    """`import_files` runs under `fewer_collections`; outside it, the process keeps its own
    collector settings (run in a process of its own, as the settings are global)."""
    code = (
        "import gc, sys\n"
        "from pipeline.collect import ingest\n"
        "from pipeline.db import open_db\n"
        "seen = []\n"
        "real = ingest.import_postings\n"
        "def spy(db, postings, **kw):\n"
        "    seen.append((gc.get_threshold(), gc.get_freeze_count() > 0))\n"
        "    return real(db, postings, **kw)\n"
        "ingest.import_postings = spy\n"
        "before = (gc.get_threshold(), gc.get_freeze_count() > 0)\n"
        "ingest.import_files(open_db(sys.argv[1]), [])\n"
        "print(before, seen[0], (gc.get_threshold(), gc.get_freeze_count() > 0))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "listings.db")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == (
        f"((700, 10, 10), False) ({THRESHOLDS}, True) ((700, 10, 10), False)"
    )


def test_fewer_collections_restores_on_error():
    import gc

    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("an import failed")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_crawl_process_leaves_its_objects_out_of_the_last_collections():
    """QuickExit freezes what is alive once the engine has stopped (a crawl's own process only:
    with MICROINTERN_STATS_FILE), so the interpreter's exit does not walk it all."""
    code = (
        "import gc\n"
        "from scrapy import signals\n"
        "from scrapy.exceptions import NotConfigured\n"
        "from scrapy.utils.test import get_crawler\n"
        "from spiders.extensions import QuickExit\n"
        "try:\n"
        "    QuickExit.from_crawler(get_crawler())\n"
        "except NotConfigured:\n"
        "    print('not configured')\n"
        "crawler = get_crawler(settings_dict={'MICROINTERN_STATS_FILE': 'stats.json'})\n"
        "ext = QuickExit.from_crawler(crawler)\n"
        "before = gc.get_freeze_count()\n"
        "crawler.signals.send_catch_log(signals.engine_stopped)\n"
        "print(before, gc.get_freeze_count() > 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split("\n")[:2] == ["not configured", "0 True"]
