"""Placeholder: replaced by the simulator work."""

import click


@click.command("simulator")
def simulator_command() -> None:
    """Serve the SmarterMail API simulator."""
    raise click.ClickException("not built yet")
