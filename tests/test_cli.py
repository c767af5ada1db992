"""The `microintern` command line, run through click's runner on real files and databases."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys

import click
from click.testing import CliRunner

from microintern.cli import cli
from microintern.cli.publish import STOP_SECONDS
from pipeline.collect.sources import load_sources
from pipeline.db import FACET_COUNT_COLUMNS, open_db
from tests.test_store import raw


def test_import_reports_bad_lines_and_keeps_good_ones(tmp_path):
    path = tmp_path / "export.jsonl"
    lines = [
        json.dumps(raw("1")),
        "{oops",
        json.dumps({**raw("2"), "title": ""}),
        json.dumps(raw("3", title="Logo design sprint", description="Draw a logo.")),
    ]
    path.write_text("\n".join(lines) + "\n")
    db_path = tmp_path / "listings.db"
    result = CliRunner().invoke(cli, ["import", str(path), "--db", str(db_path)])
    assert result.exit_code == 1
    assert f"{path}:2: skipped: not valid JSON" in result.output
    assert f"{path}:3: skipped: missing or empty required field 'title'" in result.output
    assert "2 items, 2 bad lines" in result.output
    assert open_db(db_path).table("listings").count == 2


def test_import_clean_file_exits_zero_and_is_idempotent(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(raw("1")) + "\n")
    db_path = tmp_path / "listings.db"
    runner = CliRunner()
    first = runner.invoke(cli, ["import", str(path), "--db", str(db_path)])
    second = runner.invoke(cli, ["import", str(path), "--db", str(db_path)])
    assert first.exit_code == second.exit_code == 0
    assert "1 new listings" in first.output
    assert "0 new listings, 0 updated, 0 seen again, 1 unchanged" in second.output


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for name in cli.list_commands(click.Context(cli)):
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output, name


def test_import_csv_export_with_mapped_headers(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Project ID,Project Title,Company Name,Project URL,Description,Estimated Hours,Remote?,Apply By,Category\n"
        '88,Market research sprint,Acme,https://example.org/p/88,"Research five competitors, then\nsummarize.",10-15 hours,yes,2026-12-15,Strategy; Research\n'
        "89,,Acme,https://example.org/p/89,No title,,no,,\n",
        encoding="utf-8",
    )
    db_path = tmp_path / "listings.db"
    result = CliRunner().invoke(
        cli, ["import", str(path), "--source", "parkerdewey", "--db", str(db_path)]
    )
    assert result.exit_code == 1
    assert f"{path}:4: skipped: missing or empty required field 'title'" in result.output
    [listing] = list(open_db(db_path).query("select * from listings"))
    assert listing["title"] == "Market research sprint"
    assert (listing["hours_min"], listing["hours_max"], listing["remote"]) == (10, 15, 1)
    assert listing["deadline"] == "2026-12-15"
    assert json.loads(listing["categories"]) == ["Strategy", "Research"]
    assert json.loads(listing["sources"]) == ["parkerdewey"]


def test_sources_lists_the_registry(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[sources]]\nname = "Acme"\nspider = "greenhouse"\nboard = "acme"\n')
    result = CliRunner().invoke(cli, ["sources", "--sources", str(path)])
    assert result.exit_code == 0
    assert "greenhouse-acme  Acme  greenhouse  acme" in result.output
    assert "1 sources (1 enabled)" in result.output


def test_crawl_rejects_unknown_source(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[sources]]\nname = "Acme"\nspider = "greenhouse"\nboard = "acme"\n')
    result = CliRunner().invoke(
        cli,
        ["crawl", "--source", "lever-nope", "--sources", str(path), "--db", str(tmp_path / "x.db")],
    )
    assert result.exit_code == 2
    assert "no enabled source lever-nope" in result.output


def test_discover_prints_and_adds_entries(serve_fixtures, tmp_path):
    page = f"{serve_fixtures('discover').base_url}/greenhouse-link.html"
    sources = tmp_path / "sources.toml"
    runner = CliRunner()
    shown = runner.invoke(cli, ["discover", page, "--sources", str(sources)])
    assert shown.exit_code == 0, shown.output
    assert shown.output == (
        '[[sources]]\nname = "Northwind"\nspider = "greenhouse"\nboard = "northwind"\n\n'
        '[[sources]]\nname = "Northwind Europe"\nspider = "greenhouse"\n'
        'board = "northwind-europe"\n'
    )
    assert not sources.exists()
    added = runner.invoke(cli, ["discover", page, "--add", "--sources", str(sources)])
    assert added.output == (
        f"added greenhouse northwind to {sources}\nadded greenhouse northwind-europe to {sources}\n"
    )
    again = runner.invoke(cli, ["discover", page, "--add", "--sources", str(sources)])
    assert again.output.count("already in") == 2
    assert [s.key for s in load_sources(sources)] == [
        "greenhouse-northwind",
        "greenhouse-northwind-europe",
    ]


def test_discover_reports_fetch_errors(serve_fixtures):
    sites = serve_fixtures("discover")
    result = CliRunner().invoke(cli, ["discover", f"{sites.base_url}/no-such-page.html"])
    assert result.exit_code == 1
    assert "404" in result.output


def test_serve_command_publishes_with_the_measured_settings(tmp_path):
    """`microintern serve`'s Datasette command line, run with --get: the settings the publish
    benchmark measures, and the project's facet types loaded."""
    import subprocess

    from microintern.cli.options import DEFAULT_METADATA
    from microintern.cli.publish import SERVE_SETTINGS, serve_command

    path = tmp_path / "listings.db"
    open_db(path).close()
    command = serve_command(path, DEFAULT_METADATA, "127.0.0.1", 0)
    settings = subprocess.run(
        [*command, "--get", "/-/settings.json"], capture_output=True, text=True, check=True
    )
    assert {k: json.loads(settings.stdout)[k] for k in SERVE_SETTINGS} == SERVE_SETTINGS
    page = subprocess.run(
        [*command, "--get", "/listings/listings.json"], capture_output=True, text=True, check=True
    )
    assert set(json.loads(page.stdout)["facet_results"]) == set(FACET_COUNT_COLUMNS)


def test_import_says_what_is_missing_and_an_empty_file_is_an_error(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        "Project ID,Project Title,Company Name,Project URL,Description\n"
        "9,Market research sprint,Acme,https://example.org/p/9,About 10 hours.\n"
    )
    db = str(tmp_path / "listings.db")
    result = CliRunner().invoke(cli, ["import", str(export), "--db", db])
    assert result.exit_code == 1
    assert "pass --source NAME" in result.output
    empty = tmp_path / "empty.csv"
    empty.write_text("Project ID,Project Title\n")
    result = CliRunner().invoke(cli, ["import", str(empty), "--source", "parkerdewey", "--db", db])
    assert result.exit_code == 1 and "no records in it" in result.output
    good = CliRunner().invoke(cli, ["import", str(export), "--source", "parkerdewey", "--db", db])
    assert good.exit_code == 0 and "pass --source" not in good.output


def test_import_names_the_csv_columns_it_ignores(tmp_path):
    export = tmp_path / "staff.csv"
    export.write_text(
        "Project ID,Project Title,Company Name,Project URL,Description,Internal Notes,Owner\n"
        "9,Market research sprint,Acme,https://example.org/p/9,About 10 hours.,call back,Dana\n"
    )
    db = str(tmp_path / "listings.db")
    result = CliRunner().invoke(cli, ["import", str(export), "--source", "parkerdewey", "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{export}: ignored columns: Internal Notes, Owner (read: Project ID, Project Title, "
        'Company Name, Project URL, Description; accepted headers: docs/operations.md, "CSV import")'
    ]
    assert open_db(db).table("listings").count == 1
    clean = tmp_path / "clean.csv"
    clean.write_text(
        "Project ID,Project Title,Company Name,Project URL\n10,Logo sprint,Acme,https://example.org/p/10\n"
    )
    quiet = CliRunner().invoke(cli, ["import", str(clean), "--source", "parkerdewey", "--db", db])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_import_reads_a_semicolon_export_with_bare_hours_and_budget(tmp_path):
    """As Excel saves a CSV in many European locales: `;` between cells, `,` inside them; and a
    staff export's hours and budget columns holding bare figures."""
    export = tmp_path / "projekte.csv"
    export.write_text(
        "Project ID;Project Title;Company Name;Project URL;Description;Estimated Hours;Budget\n"
        "1;Logo, brand refresh;Acme;https://example.org/p/1;Draw a logo, then a banner.;10;$250\n"
        "2;Market research sprint;Acme;https://example.org/p/2;Research competitors.;10-15;€300\n"
        "3;Survey analysis;Acme;https://example.org/p/3;Summarize a survey.;7,5;\n",
        encoding="utf-8",
    )
    db_path = tmp_path / "listings.db"
    result = CliRunner().invoke(
        cli, ["import", str(export), "--source", "parkerdewey", "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    assert "3 items, 0 bad lines" in result.output
    assert "unreadable" not in result.output and result.stderr == ""
    rows = {
        row["title"]: row
        for row in open_db(db_path).query(
            "select l.title, hours_min, hours_max, pay_min, pay_max, pay_currency, pay_unit, "
            "pay_text from listings l left join listing_texts t on t.id = l.id"
        )
    }
    assert set(rows) == {"Logo, brand refresh", "Market research sprint", "Survey analysis"}
    logo, research = rows["Logo, brand refresh"], rows["Market research sprint"]
    assert (logo["hours_min"], logo["hours_max"]) == (10, 10)
    assert (research["hours_min"], research["hours_max"]) == (10, 15)
    assert rows["Survey analysis"]["hours_max"] == 7.5
    assert (logo["pay_min"], logo["pay_max"], logo["pay_currency"], logo["pay_unit"]) == (
        250,
        250,
        "USD",
        "fixed",
    )
    assert logo["pay_text"] == "Budget $250"
    assert (research["pay_min"], research["pay_currency"]) == (300, "EUR")


def test_stipend_and_hourly_columns_and_hours_per_week(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        "Job ID\tJob Title\tEmployer\tLink\tDetails\tHours per week\tStipend\tHourly Rate\n"
        "5\tResearch assistant\tAcme\thttps://example.org/j/5\tFour weeks.\t5\t$500\t\n"
        "6\tData entry\tAcme\thttps://example.org/j/6\tTwo weeks.\t\t\t$20\n",
        encoding="utf-8",
    )
    db_path = tmp_path / "listings.db"
    result = CliRunner().invoke(
        cli, ["import", str(export), "--source", "parkerdewey", "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    rows = {
        row["title"]: row
        for row in open_db(db_path).query(
            "select title, hours_per_week_max, pay_min, pay_unit from listings"
        )
    }
    assert rows["Research assistant"]["hours_per_week_max"] == 5
    assert (rows["Research assistant"]["pay_min"], rows["Research assistant"]["pay_unit"]) == (
        500,
        "stipend",
    )
    assert (rows["Data entry"]["pay_min"], rows["Data entry"]["pay_unit"]) == (20, "hour")


def test_serve_on_a_port_in_use_is_a_one_line_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            cli, ["serve", "--db", str(tmp_path / "listings.db"), "--port", str(port)]
        )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: port {port} on 127.0.0.1 is already in use: stop what serves there "
        "or pass another --port\n"
    )


def test_ctrl_c_to_serve_stops_its_datasette(tmp_path):
    """SIGINT to `microintern serve` alone (not to its process group, as a terminal sends it):
    its Datasette still stops, and the exit is quiet."""
    from tests.test_demo import answers, free_port, wait_until

    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "microintern", "serve", "--db", str(tmp_path / "l.db")]
        + ["--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert wait_until(lambda: answers(port) or serve.poll() is not None, 60)
        assert serve.poll() is None
        serve.send_signal(signal.SIGINT)
        assert wait_until(lambda: not answers(port), STOP_SECONDS + 5), "Datasette still serving"
        assert serve.wait(STOP_SECONDS + 5) == 0
        assert "Traceback" not in serve.stderr.read()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(serve.pid, signal.SIGKILL)
        serve.wait()


def test_rebuild_without_captures_and_a_bad_labelled_set_are_one_line_errors(tmp_path):
    db_path = tmp_path / "listings.db"
    db = open_db(db_path)
    db["listings"].insert({"id": "kept", "title": "Kept"}, alter=True)
    db.close()
    result = CliRunner().invoke(cli, ["rebuild", "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no raw captures under {tmp_path / 'raw'}: nothing to rebuild {db_path} from\n"
    )
    assert open_db(db_path).table("listings").count == 1  # not replaced by an empty database
    notes = tmp_path / "notes.txt"
    notes.write_text("not JSON\n")
    result = CliRunner().invoke(cli, ["evaluate", str(notes)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {notes}: not a labelled set of JSON lines (")
    assert len(result.stderr.splitlines()) == 1
