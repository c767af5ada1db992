"""The demo builds listings from every bundled sample source, with the real CLI."""

import subprocess
import sys

from pipeline.demo import SAMPLES_DIR
from pipeline.store import open_db


def test_demo_build_only(tmp_path):
    db_path = tmp_path / "demo" / "listings.db"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "demo", "--build-only", "--db", str(db_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sources crawled: 2" in result.stdout
    db = open_db(db_path)
    by_source = dict(db.execute(
        "select source, count(*) from postings group by source").fetchall())
    boards = list((SAMPLES_DIR / "v1" / "boards").iterdir())
    assert by_source["greenhouse"] == 6 and len(boards) == 2
    assert by_source["jsonld"] == 3  # the robots-disallowed draft is not collected
    companies = {row[0] for row in db.execute("select distinct company from listings")}
    assert companies == {"Northwind Analytics", "BrightPath Financial", "Harbor & Pine Studio"}
    statuses = [row[0] for row in db.execute("select status from crawl_runs order by spider")]
    assert statuses == ["ok", "ok"]
    assert (tmp_path / "demo" / "raw" / "greenhouse").is_dir()
