"""Settings for large databases: huge pages (the environment a command restarts with, and the
restart itself), the garbage collector's settings, the page size of new files, the search
index's options."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.db.store import FTS_OPTIONS, NEW_DB_PAGE_SIZE, open_db
from pipeline.gc_settings import THRESHOLDS
from pipeline.hugepages import SWITCH, TUNABLE, huge_pages_env

MADVISE = "always [madvise] never\n"


def test_adds_the_tunable_and_keeps_the_rest_of_the_environment():
    env = huge_pages_env({"PATH": "/bin"}, MADVISE)
    assert env == {"PATH": "/bin", "GLIBC_TUNABLES": f"{TUNABLE}=1"}


def test_keeps_tunables_already_set():
    env = huge_pages_env({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"}, MADVISE)
    assert env["GLIBC_TUNABLES"] == f"glibc.malloc.arena_max=2:{TUNABLE}=1"


@pytest.mark.parametrize(
    ("environ", "setting"),
    [
        ({"GLIBC_TUNABLES": f"{TUNABLE}=0"}, MADVISE),  # chosen by whoever started us
        ({SWITCH: "0"}, MADVISE),  # turned off
        ({}, "always madvise [never]\n"),  # the kernel gives none
        ({}, None),  # no THP on this kernel
    ],
)
def test_nothing_to_do(environ, setting):
    assert huge_pages_env(environ, setting) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc tunables are Linux's")
def test_the_process_restarts_once_with_the_tunable():
    code = (
        "import os, sys\n"
        "print('started', flush=True)\n"
        "from pipeline.hugepages import reexec_with_huge_pages\n"
        "reexec_with_huge_pages()\n"
        "print('tunables', os.environ.get('GLIBC_TUNABLES'), sys.argv[1:])\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("GLIBC_TUNABLES", SWITCH)}
    done = subprocess.run(
        [sys.executable, "-c", code, "an", "argument"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    lines = done.stdout.splitlines()
    try:
        thp = Path("/sys/kernel/mm/transparent_hugepage/enabled").read_text()
    except OSError:
        thp = "[never]"
    if os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc") and "[never]" not in thp:
        assert lines == ["started", "started", f"tunables {TUNABLE}=1 ['an', 'argument']"]
    else:
        assert lines == ["started", "tunables None ['an', 'argument']"]


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


def test_the_command_sets_the_garbage_collector_for_long_imports():
    """`microintern` freezes what is alive at start-up and collects young objects less often
    (pipeline/gc_settings.py); run in a process of its own, as the setting is global."""
    code = (
        "import gc\n"
        "from microintern import cli\n"
        "print(gc.get_threshold(), gc.get_freeze_count() > 0)\n"
        "cli.cli = lambda prog_name: print(gc.get_threshold(), gc.get_freeze_count() > 0)\n"
        "cli.main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, SWITCH: "0"},
        timeout=60,
        check=True,
    )
    assert done.stdout.splitlines() == ["(700, 10, 10) False", f"{THRESHOLDS} True"]
