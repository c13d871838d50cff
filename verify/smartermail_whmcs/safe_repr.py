"""A repr for records that hold secrets: it names only the fields that are safe to log."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def repr_showing(*names: str) -> Callable[[type[T]], type[T]]:
    """Class decorator: ``Name(a=..., b=...)`` with only ``names``; the other fields never show."""

    def decorate(cls: type[T]) -> type[T]:
        def __repr__(self: T) -> str:
            shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
            return f"{type(self).__name__}({shown})"

        setattr(cls, "__repr__", __repr__)  # noqa: B010 - mypy refuses assigning to a method
        return cls

    return decorate
