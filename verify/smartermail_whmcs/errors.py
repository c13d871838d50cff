"""Errors the CLI turns into a clean message and an exit code (never a traceback)."""

from __future__ import annotations

from typing import IO, Any

import click


class _CleanError(click.ClickException):
    """Shown as one 'error: ...' line on stderr, without click's usage text."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class ConfigError(_CleanError):
    """Bad flags, variables or files: reported before any change, exit code 2."""

    exit_code = 2


class StageError(_CleanError):
    """A runtime step failed (server did not start, playbook failed): exit code 1."""

    exit_code = 1
