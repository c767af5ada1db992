"""`microintern export`: filters, stable columns, integers kept as integers, safe spreadsheets."""

import json

import pandas as pd
from click.testing import CliRunner

from microintern.cli import cli
from pipeline.db import import_postings, open_db
from pipeline.publish.export import EXPORT_COLUMNS, neutralize
from pipeline.tagging.normalize import normalize_posting
from tests.test_store import raw


def run(*args):
    result = CliRunner().invoke(cli, ["export", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.output


def test_csv_keeps_columns_and_integers(demo_db, tmp_path):
    out = tmp_path / "all.csv"
    output = run(out, "--db", demo_db)
    frame = pd.read_csv(out, dtype_backend="numpy_nullable")
    assert tuple(frame.columns) == EXPORT_COLUMNS
    assert f"{len(frame)} listings written" in output
    assert str(frame["hours_max"].dtype) == "Int64"
    assert ",20.0," not in out.read_text()
    assert frame["posted_at"].dropna().str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def test_filters_match_the_facets(demo_db, tmp_path):
    db = open_db(demo_db)
    out = tmp_path / "f.jsonl"
    run(out, "--format", "jsonl", "--industry", "design", "--max-hours", "20", "--db", demo_db)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    expected = db.execute(
        "select count(*) from listings where industry = 'design' and hours_max <= 20"
    ).fetchone()[0]
    assert len(rows) == expected > 0
    assert all(r["industry"] == "design" and r["hours_max"] <= 20 for r in rows)
    run(out, "--format", "jsonl", "--source", "lever", "--remote", "--db", demo_db)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and all("lever" in r["sources"] and r["remote"] == 1 for r in rows)


def test_excel_export_neutralizes_formulas_and_round_trips(tmp_path):
    db_path = tmp_path / "listings.db"
    title = '=HYPERLINK("http://evil.example","Click")'
    import_postings(open_db(db_path), [normalize_posting(raw("1", title=title, company="+Acme"))])
    out = tmp_path / "safe.csv"
    run(out, "--format", "excel", "--db", db_path)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype_backend="numpy_nullable")
    assert frame.loc[0, "title"] == "'" + title
    assert frame.loc[0, "company"] == "'+Acme"
    assert [neutralize(v) for v in ("@x", "-1", "\tx", "ok", 5)] == ["'@x", "'-1", "'\tx", "ok", 5]


def test_export_takes_an_industry_in_any_case_a_new_folder_and_checks_dates(demo_db, tmp_path):
    lower = tmp_path / "a" / "marketing.csv"
    run(lower, "--industry", "marketing", "--db", demo_db)
    upper = tmp_path / "b" / "new" / "Marketing.csv"
    run(upper, "--industry", "Marketing", "--db", demo_db)  # folders made, case folded
    assert upper.read_text() == lower.read_text()
    assert len(pd.read_csv(lower)) > 0
    for bad in (["--industry", "marketting"], ["--since", "last-week"]):
        result = CliRunner().invoke(cli, ["export", str(tmp_path / "x.csv"), *bad, "--db", demo_db])
        assert result.exit_code == 2 and "Invalid value" in result.output
    assert not (tmp_path / "x.csv").exists()
