"""The database address configuration.php gives: host, port or socket, and refused ports."""

from __future__ import annotations

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    WhmcsConfig,
    WhmcsConfigError,
    database_address,
)


def config(host: str, port: str = "") -> WhmcsConfig:
    return WhmcsConfig(path="/w/configuration.php", db_host=host, db_port=port)


@pytest.mark.parametrize(
    ("host", "port", "socket", "expected"),
    [
        ("localhost", "", None, ("localhost", 3306, None)),
        ("", "", None, ("localhost", 3306, None)),
        ("10.0.0.5", "3307", None, ("10.0.0.5", 3307, None)),
        ("db.example.test:3310", "", None, ("db.example.test", 3310, None)),
        ("db.example.test:3310", "3311", None, ("db.example.test", 3311, None)),
        ("[::1]:3308", "", None, ("::1", 3308, None)),
        ("::1", "", None, ("::1", 3306, None)),
        ("localhost:/run/mysqld/mysqld.sock", "", None, ("localhost", 3306, "/run/mysqld/mysqld.sock")),
        ("localhost", "", "/tmp/given.sock", ("localhost", 3306, "/tmp/given.sock")),
    ],
)
def test_database_address(host: str, port: str, socket: str | None, expected: tuple) -> None:
    assert database_address(config(host, port), socket) == expected


@pytest.mark.parametrize("port", ["abc", "0", "70000", "-1"])
def test_database_address_rejects_bad_port(port: str) -> None:
    with pytest.raises(WhmcsConfigError, match="is not a TCP port number"):
        database_address(config("db", port))
