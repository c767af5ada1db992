"""`microintern export`: filters, stable columns, integers kept as integers, safe spreadsheets."""

import json

import openpyxl
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
    for bad, says in [
        (["--industry", "marketting"], "industry must be one of arts, consulting"),
        (["--since", "last-week"], "since must be a date as YYYY-MM-DD"),
        (["--status", "open,live"], "status must be one of open, reopened, closed, expired"),
        (["--kind", "gig"], "kind must be one of micro-internship"),
    ]:
        result = CliRunner().invoke(cli, ["export", str(tmp_path / "x.csv"), *bad, "--db", demo_db])
        assert result.exit_code == 2 and says in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.csv").exists()


def test_xlsx_is_a_workbook_with_integers_and_iso_dates(demo_db, tmp_path):
    out = tmp_path / "micro.xlsx"
    output = run(out, "--db", demo_db)  # the format follows the suffix
    assert out.read_bytes().startswith(b"PK\x03\x04")  # a zip, as workbooks are, not CSV text
    sheet = openpyxl.load_workbook(out, read_only=True)["listings"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header == EXPORT_COLUMNS
    assert f"{len(rows)} listings written" in output and rows
    column = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    hours = [v for v in column["hours_max"] if v is not None]
    assert hours and all(type(v) is int for v in hours)
    assert all(v in (0, 1) and type(v) is int for v in column["is_micro"])
    posted = [v for v in column["posted_at"] if v is not None]
    assert posted and all(isinstance(v, str) and len(v) == 10 and v[4] == "-" for v in posted)
    csv = tmp_path / "micro.csv"
    run(csv, "--db", demo_db)
    assert len(pd.read_csv(csv)) == len(rows)


def test_xlsx_keeps_a_formula_looking_title_as_text(tmp_path):
    db_path = tmp_path / "listings.db"
    title = '=HYPERLINK("http://evil.example","Click")'
    import_postings(open_db(db_path), [normalize_posting(raw("1", title=title))])
    out = tmp_path / "safe.xlsx"
    run(out, "--format", "xlsx", "--db", db_path)
    sheet = openpyxl.load_workbook(out)["listings"]
    cell = sheet.cell(row=2, column=EXPORT_COLUMNS.index("title") + 1)
    assert (cell.value, cell.data_type) == (title, "s")


def test_a_suffix_that_contradicts_the_format_is_one_line_error(demo_db, tmp_path):
    for name, fmt in [("out.xlsx", "csv"), ("out.csv", "xlsx"), ("out.jsonl", "excel")]:
        result = CliRunner().invoke(
            cli, ["export", str(tmp_path / name), "--format", fmt, "--db", demo_db]
        )
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [
            f"Error: --format {fmt} does not fit {name}: a {name[3:]} file takes --format "
            + ("csv or excel" if name.endswith(".csv") else name[4:])
            + " (or leave --format out)"
        ]
        assert not (tmp_path / name).exists()
    run(tmp_path / "by-suffix.jsonl", "--db", demo_db)
    assert json.loads((tmp_path / "by-suffix.jsonl").read_text().splitlines()[0])["id"]
    run(tmp_path / "no-suffix", "--db", demo_db)  # no suffix to follow: csv, as before
    assert (tmp_path / "no-suffix").read_text().startswith("id,title,")
    missing = CliRunner().invoke(
        cli, ["export", str(tmp_path / "x.csv"), "--db", str(tmp_path / "none.db")]
    )
    assert missing.exit_code == 1
    assert missing.stderr == f"Error: no database at {tmp_path / 'none.db'} (see --db)\n"


def test_export_shares_the_sites_filters_kind_and_micro_only(demo_db, tmp_path):
    out = tmp_path / "micro.csv"
    run(out, "--micro-only", "--status", "open,reopened", "--max-hours", "40", "--db", demo_db)
    frame = pd.read_csv(out)
    assert len(frame) > 0 and set(frame["is_micro"]) == {1}
    assert set(frame["status"]) <= {"open", "reopened"} and frame["hours_max"].max() <= 40
    jobs = tmp_path / "jobs.csv"
    run(jobs, "--kind", "JOB", "--db", demo_db)
    assert set(pd.read_csv(jobs)["kind"]) == {"job"}
