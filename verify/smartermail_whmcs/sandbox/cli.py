"""Placeholder: replaced by the sandbox work."""

import click


@click.group("sandbox")
def sandbox_group() -> None:
    """Create or remove a local WHMCS sandbox."""
