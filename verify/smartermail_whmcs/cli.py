"""The ``smartermail-whmcs`` command line: one group, one sub-command per file."""

from __future__ import annotations

import click

from smartermail_whmcs import __version__
from smartermail_whmcs.billing.cli import billing_command
from smartermail_whmcs.demo.cli import demo_command
from smartermail_whmcs.deploy.cli import deploy_command
from smartermail_whmcs.sandbox.cli import sandbox_group
from smartermail_whmcs.simulator.cli import simulator_command
from smartermail_whmcs.verify.cli import verify_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="smartermail-whmcs")
def cli() -> None:
    """Install and verify the Astral 360 SmarterMail WHMCS module across WHMCS hosts."""


cli.add_command(simulator_command)
cli.add_command(sandbox_group)
cli.add_command(demo_command)
cli.add_command(verify_command)
cli.add_command(billing_command)
cli.add_command(deploy_command)


def main() -> int:
    """Console-script entry point."""
    return cli.main(prog_name="smartermail-whmcs", standalone_mode=True) or 0
