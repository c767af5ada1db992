"""The `microintern` command line, run through click's runner on real files and databases."""

import json

from click.testing import CliRunner

from microintern.cli import cli
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
    for name in cli.commands:
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

    from microintern.cli import DEFAULT_METADATA, SERVE_SETTINGS, serve_command

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
