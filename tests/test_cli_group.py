"""The command group: every command it names loads, and a quick command loads only its own code."""

import json
import subprocess
import sys

import click
from click.testing import CliRunner

from microintern.cli import COMMANDS, cli
from pipeline import PROJECT_ROOT

# Modules the crawl, the database and the scheduler need, and `microintern sources` does not.
HEAVY_MODULES = ("scrapy", "sqlite_utils", "apscheduler", "sqlalchemy", "pandas", "openpyxl")


def test_every_named_command_loads_under_its_name():
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command)
        assert command.name == name


def test_an_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(cli, ["sourcs"])
    assert result.exit_code == 2
    assert "No such command 'sourcs'" in result.output


def test_sources_loads_no_crawl_database_or_scheduler_code():
    script = (
        "import json, sys\n"
        "from microintern.cli import cli\n"
        "cli(['sources'], prog_name='microintern', standalone_mode=False)\n"
        f"print(json.dumps([m for m in {HEAVY_MODULES!r} if m in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    *listing, loaded = done.stdout.strip().splitlines()
    assert any(line.startswith("key ") for line in listing)
    assert json.loads(loaded) == []
