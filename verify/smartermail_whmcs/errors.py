"""Errors the CLI turns into a clean message and an exit code (never a traceback)."""

from __future__ import annotations

import click


class ConfigError(click.ClickException):
    """Bad flags, variables or files: reported before any change, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class StageError(click.ClickException):
    """A runtime step failed (server did not start, playbook failed): exit code 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)
