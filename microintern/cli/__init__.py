"""The `microintern` command line: the click group and its commands, one module per group of
commands (`data`: import, export, rebuild, prune; `collect`: crawl, discover; `sources`: the
sources list; `publish`: serve, demo; `measure`: evaluate; `schedules.cli`: schedule, runs;
shared options in `options`). Logic lives in the pipeline.

Each command's module is imported only when that command runs (click's lazily loaded
subcommands), so a quick command such as `microintern sources` does not load Scrapy,
sqlite-utils or APScheduler."""

from __future__ import annotations

from importlib import import_module

import click

# Command name -> "module:attribute" of its click command.
COMMANDS = {
    "import": "microintern.cli.data:import_command",
    "crawl": "microintern.cli.collect:crawl_command",
    "export": "microintern.cli.data:export",
    "rebuild": "microintern.cli.data:rebuild",
    "prune": "microintern.cli.data:prune",
    "discover": "microintern.cli.collect:discover",
    "evaluate": "microintern.cli.measure:evaluate",
    "sources": "microintern.cli.sources:sources_command",
    "serve": "microintern.cli.publish:serve",
    "demo": "microintern.cli.publish:demo",
    "schedule": "schedules.cli:schedule",
    "runs": "schedules.cli:runs",
}


class LazyGroup(click.Group):
    """A click group whose commands are named by import path and imported on first use."""

    def __init__(self, *args, lazy_commands: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_commands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = self.lazy_commands[cmd_name].partition(":")
        return getattr(import_module(module), attribute)


@click.group(cls=LazyGroup, lazy_commands=COMMANDS)
@click.version_option(package_name="microintern")
def cli() -> None:
    """Collect public micro-internships and publish them with Datasette."""


def main() -> None:
    """The `microintern` program."""
    cli(prog_name="microintern")
