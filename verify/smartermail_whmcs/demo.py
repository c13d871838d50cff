"""Placeholder: replaced by the demo work."""

import click


@click.command("demo")
def demo_command() -> None:
    """Run the end-to-end demo."""
    raise click.ClickException("not built yet")
