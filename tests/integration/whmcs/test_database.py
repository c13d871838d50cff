"""whmcs_db against a real private MariaDB, configured through a real configuration.php."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    read_whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    WhmcsDbError,
    connect,
    get_setting,
    get_whmcs_version,
    parse_whmcs_version,
    set_setting,
    transaction,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import (
    passwords_equal,
    whmcs_encrypt,
)

CC_HASH = "T3stCcEncrypti0nHashT3stCcEncrypti0nHashT3stCcEncrypti0nHash1234"


def configuration(tmp_path: Path, whmcs_database, *, use_socket: bool = False, **overrides: str):
    text = whmcs_database.configuration_php(CC_HASH, use_socket=use_socket)
    for name, value in overrides.items():
        text += f"${name} = '{value}';\n"
    (tmp_path / "configuration.php").write_text(text, encoding="utf-8")
    return read_whmcs_config(tmp_path)


@pytest.mark.parametrize("use_socket", [False, True], ids=["tcp", "socket"])
def test_connect_and_read_version(tmp_path: Path, whmcs_database, use_socket: bool) -> None:
    config = configuration(tmp_path, whmcs_database, use_socket=use_socket)
    connection = connect(config)
    try:
        assert connection.get_autocommit() is False
        with connection.cursor() as cursor:
            cursor.execute("SELECT CURRENT_USER() AS me, DATABASE() AS db, @@character_set_client AS cs")
            row = cursor.fetchone()
        expected_host = "localhost" if use_socket else "127.0.0.1"
        assert row == {
            "me": f"{whmcs_database.user}@{expected_host}",
            "db": whmcs_database.name,
            "cs": "utf8mb4",
        }
        version = get_whmcs_version(connection)
        assert version == "8.13.0-release.1"
        assert parse_whmcs_version(version) >= (8, 0)
    finally:
        connection.close()


def test_caller_socket_overrides_configuration(tmp_path: Path, whmcs_database) -> None:
    config = configuration(tmp_path, whmcs_database)
    config.db_host, config.db_port = "localhost", ""
    with connect(config, socket=whmcs_database.socket) as connection:
        assert get_setting(connection, "UpdateStatsAuto") == "on"


def test_wrong_password_names_the_user_not_the_password(tmp_path: Path, whmcs_database) -> None:
    config = configuration(tmp_path, whmcs_database)
    config.db_password = "Wr0ngPassw0rdValue"
    with pytest.raises(WhmcsDbError) as caught:
        connect(config)
    message = str(caught.value)
    assert caught.value.kind == "access_denied"
    assert whmcs_database.user in message
    assert f"127.0.0.1:{whmcs_database.port}" in message
    assert "$db_password" in message and str(config.path) in message
    assert "Wr0ngPassw0rdValue" not in message
    assert whmcs_database.password not in message


def test_unknown_database(tmp_path: Path, whmcs_database, mariadb_server) -> None:
    # A user with global rights sees "unknown database" rather than "access denied".
    config = configuration(tmp_path, whmcs_database)
    with mariadb_server.root_connect() as root, root.cursor() as cursor:
        cursor.execute("GRANT SELECT ON *.* TO %s@'127.0.0.1'", (whmcs_database.user,))
    config.db_name = "whmcs_does_not_exist"
    with pytest.raises(WhmcsDbError) as caught:
        connect(config)
    assert caught.value.kind == "unknown_database"
    assert "does not exist" in str(caught.value)
    assert "whmcs_does_not_exist" in str(caught.value)


def test_no_rights_on_other_database(tmp_path: Path, whmcs_database) -> None:
    config = configuration(tmp_path, whmcs_database)
    config.db_name = "mysql"
    with pytest.raises(WhmcsDbError) as caught:
        connect(config)
    assert caught.value.kind == "no_database_rights"


def test_nothing_listening(tmp_path: Path, whmcs_database) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    config = configuration(tmp_path, whmcs_database)
    config.db_port = str(closed_port)
    with pytest.raises(WhmcsDbError) as caught:
        connect(config, connect_timeout=3)
    assert caught.value.kind == "unreachable"
    assert f"127.0.0.1:{closed_port}" in str(caught.value)
    assert "server is down" in str(caught.value)


def test_missing_socket(tmp_path: Path, whmcs_database) -> None:
    config = configuration(tmp_path, whmcs_database)
    with pytest.raises(WhmcsDbError) as caught:
        connect(config, socket=str(tmp_path / "no.sock"))
    assert caught.value.kind == "unreachable"
    assert f"unix socket {tmp_path / 'no.sock'}" in str(caught.value)


def test_bad_tls_file_is_named(tmp_path: Path, whmcs_database) -> None:
    config = configuration(tmp_path, whmcs_database, db_tls_ca=str(tmp_path / "missing-ca.pem"))
    with pytest.raises(WhmcsDbError) as caught:
        connect(config)
    assert caught.value.kind == "tls"
    assert "missing-ca.pem" in str(caught.value)


def test_transaction_commits(tmp_path: Path, whmcs_database) -> None:
    config = configuration(tmp_path, whmcs_database)
    with connect(config) as connection, transaction(connection):
        assert set_setting(connection, "SmwTestSetting", "one") is True
        assert set_setting(connection, "SmwTestSetting", "one") is False
        assert set_setting(connection, "UpdateStatsAuto", "") is True
    with connect(config) as other:
        assert get_setting(other, "SmwTestSetting") == "one"
        assert get_setting(other, "UpdateStatsAuto") == ""
        assert get_setting(other, "NoSuchSetting") is None


def test_transaction_rolls_back_on_error(tmp_path: Path, whmcs_database) -> None:
    config = configuration(tmp_path, whmcs_database)
    nameservers = {f"nameserver{n}{suffix}": "" for n in range(1, 6) for suffix in ("", "ip")}
    server_row = {
        **nameservers,
        "name": "mail1",
        "ipaddress": "127.0.0.1",
        "assignedips": "",
        "hostname": "mail1.example.test",
        "noc": "",
        "statusaddress": "",
        "type": "smartermail",
        "username": "admin",
        "password": whmcs_encrypt("s3cret", CC_HASH),
        "accesshash": "",
        "secure": "on",
        "active": 1,
        "disabled": 0,
    }
    # Column names come from the literal dict above; values are parameters.
    insert_server = "INSERT INTO tblservers ({}) VALUES ({})".format(  # noqa: S608
        ", ".join(server_row), ", ".join(f"%({column})s" for column in server_row)
    )
    with connect(config) as connection:
        with pytest.raises(RuntimeError, match="boom"), transaction(connection) as cursor:
            set_setting(connection, "SmwRolledBack", "x")
            cursor.execute(insert_server, server_row)
            cursor.execute("SELECT COUNT(*) AS n FROM tblservers")
            assert cursor.fetchone()["n"] == 1  # the complete row is accepted in strict mode
            raise RuntimeError("boom")
        # A failing statement (strict mode: missing NOT NULL column) rolls back earlier writes too.
        with pytest.raises(WhmcsDbError, match="rolled back"), transaction(connection) as cursor:
            set_setting(connection, "SmwRolledBack", "y")
            cursor.execute("INSERT INTO tblservers (name) VALUES ('incomplete')")
    with connect(config) as other, other.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) AS n FROM tblservers")
        assert cursor.fetchone()["n"] == 0
        assert get_setting(other, "SmwRolledBack") is None


def test_encrypted_password_round_trip_through_the_database(tmp_path: Path, whmcs_database) -> None:
    config = configuration(tmp_path, whmcs_database)
    with connect(config) as connection:
        with transaction(connection):
            set_setting(connection, "SmwEncrypted", whmcs_encrypt("pässwörd", config.cc_encryption_hash))
        stored = get_setting(connection, "SmwEncrypted")
    assert passwords_equal(stored, "pässwörd", config.cc_encryption_hash)


def test_missing_version_row_is_explained(tmp_path: Path, whmcs_database) -> None:
    config = configuration(tmp_path, whmcs_database)
    with connect(config) as connection:
        with transaction(connection) as cursor:
            cursor.execute("DELETE FROM tblconfiguration WHERE setting = %s", ("Version",))
        with pytest.raises(WhmcsDbError, match="no 'Version' setting"):
            get_whmcs_version(connection)


def test_not_a_whmcs_database(tmp_path: Path, whmcs_database) -> None:
    config = configuration(tmp_path, whmcs_database)
    with connect(config) as connection:
        with transaction(connection) as cursor:
            cursor.execute("DROP TABLE tblconfiguration")
        with pytest.raises(WhmcsDbError) as caught:
            get_setting(connection, "Version")
    assert caught.value.kind == "not_whmcs"
