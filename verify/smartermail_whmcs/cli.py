"""The ``smartermail-whmcs`` command line: one group, one sub-command per file.

Each sub-command is imported only when it runs (or when help lists it), so a command starts
without loading the others: ``simulator`` would otherwise pay for Ansible, PyMySQL and Jinja at
every start.
"""

from __future__ import annotations

import importlib

import click

from smartermail_whmcs import __version__

# name -> (module under smartermail_whmcs, attribute) of the click command.
COMMANDS = {
    "simulator": ("simulator.cli", "simulator_command"),
    "sandbox": ("sandbox.cli", "sandbox_group"),
    "demo": ("demo.cli", "demo_command"),
    "verify": ("verify.cli", "verify_command"),
    "billing": ("billing.cli", "billing_command"),
    "deploy": ("deploy.cli", "deploy_command"),
}


class LazyGroup(click.Group):
    """A group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module_name, attribute = COMMANDS[cmd_name]
            command = getattr(importlib.import_module("smartermail_whmcs." + module_name), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="smartermail-whmcs")
def cli() -> None:
    """Install and verify the Astral 360 SmarterMail WHMCS module across WHMCS hosts."""


def main() -> int:
    """Console-script entry point."""
    return cli.main(prog_name="smartermail-whmcs", standalone_mode=True) or 0
