"""The `microintern` command line, run through click's runner on real files and databases."""

import json

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.store import open_db
from tests.test_store import raw


def test_import_reports_bad_lines_and_keeps_good_ones(tmp_path):
    path = tmp_path / "export.jsonl"
    lines = [json.dumps(raw("1")), "{oops", json.dumps({**raw("2"), "title": ""}),
             json.dumps(raw("3"))]
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
