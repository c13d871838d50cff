"""``verify --cleanup``: remove canary domains a killed run left behind, older than a given age."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import click
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import SmarterMailError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


class DurationType(click.ParamType):
    """'90s', '30m', '1h', '2d' or plain seconds → seconds (float)."""

    name = "duration"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        if isinstance(value, (int, float)):
            return float(value)
        match = _DURATION.match(str(value))
        if not match:
            self.fail(
                f"{value!r} is not a duration: use a number with s, m, h or d (e.g. 1h, 30m)", param, ctx
            )
        return float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]


@dataclass
class CleanupReport:
    target: str
    removed: list[str]
    error: str = ""


def cleanup_target(settings: dict[str, Any], older_than_seconds: float) -> CleanupReport:
    """Remove this server's canary domains older than the age; errors become the report's text."""
    from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary import cleanup_canaries

    try:
        with SmarterMailClient(
            settings["hostname"],
            port=settings["port"],
            secure=settings["secure"],
            username=settings["username"],
            password=settings["password"],
            verify_tls=settings["verify_tls"],
            ca_file=settings["ca_file"],
            connect_timeout=settings["connect_timeout"],
            timeout=settings["timeout"],
        ) as client:
            removed = cleanup_canaries(client, settings["canary_prefix"], older_than_seconds)
    except SmarterMailError as error:
        return CleanupReport(settings["name"], [], str(error))
    return CleanupReport(settings["name"], list(removed))
