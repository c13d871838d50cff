"""Option shapes several commands share, so that each option reads as one line of what it means."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def number_option(*decls: str, kind: click.ParamType, default: float | None, help: str) -> Callable[[F], F]:
    """A number option (``kind``: an IntRange / FloatRange) whose default --help shows."""
    return click.option(*decls, type=kind, default=default, show_default=True, help=help)


def choice_option(
    *decls: str, choices: Sequence[str], default: str, help: str | None = None
) -> Callable[[F], F]:
    """One of ``choices``, the default shown in --help."""
    return click.option(*decls, type=click.Choice(choices), default=default, show_default=True, help=help)


def file_option(*decls: str, help: str) -> Callable[[F], F]:
    """A file path (a folder is refused), as text."""
    return click.option(*decls, type=click.Path(dir_okay=False), help=help)


def folder_option(*decls: str, help: str, **attrs: Any) -> Callable[[F], F]:
    """A folder path (a file is refused) as a Path; it need not exist yet."""
    return click.option(*decls, type=click.Path(file_okay=False, path_type=Path), help=help, **attrs)
