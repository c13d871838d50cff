"""The private MariaDB server and the WHMCS schema + seed it loads (strict sql_mode)."""

from __future__ import annotations

import os
from pathlib import Path

import pymysql
import pytest
from smartermail_whmcs.sandbox.mariadb import MariaDBError, MariaDBServer, split_sql_statements

EXPECTED_TABLES = {
    "tblservers",
    "tblservergroups",
    "tblservergroupsrel",
    "tblproducts",
    "tblproductgroups",
    "tblproducts_slugs",
    "tblpricing",
    "tblcurrencies",
    "tblconfiguration",
    "tblhosting",
    "tblclients",
    "tbltask",
    "tbltask_status",
    "tbltransientdata",
    "tblactivitylog",
    "tblmodulelog",
    # What orders, invoices and usage metrics need (test_schema_tables.py checks their columns).
    "tblorders",
    "tblinvoices",
    "tblinvoiceitems",
    "tblaccounts",
    "tblpaymentgateways",
    "tblusers",
    "tblusers_clients",
    "tblserver_tenants",
    "tbltenant_stats",
    "tblcustomfields",
    "tblcustomfieldsvalues",
    # Addon module activation (test_schema_tables.py checks their columns).
    "tbladdonmodules",
    "tbladminroles",
}


def test_server_listens_only_where_expected(mariadb_server: MariaDBServer) -> None:
    assert mariadb_server.is_running()
    assert mariadb_server.host == "127.0.0.1"
    assert mariadb_server.socket.exists()
    with mariadb_server.root_connect() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT @@bind_address AS bind, @@port AS port, @@socket AS sock, @@sql_mode AS mode")
        row = cursor.fetchone()
        cursor.execute("SELECT @@performance_schema AS ps, @@innodb_buffer_pool_size AS pool")
        sizes = cursor.fetchone()
    assert row["bind"] == "127.0.0.1"
    assert row["port"] == mariadb_server.port
    assert row["sock"] == str(mariadb_server.socket)
    assert "STRICT_TRANS_TABLES" in row["mode"]
    assert sizes["ps"] == 0
    assert sizes["pool"] <= 64 * 1024 * 1024


def test_schema_and_seed(whmcs_database) -> None:
    with whmcs_database.connect() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT @@SESSION.sql_mode AS mode")
        assert "STRICT_TRANS_TABLES" in cursor.fetchone()["mode"]
        cursor.execute("SHOW TABLES")
        assert {next(iter(row.values())) for row in cursor.fetchall()} == EXPECTED_TABLES
        cursor.execute("SELECT setting, value FROM tblconfiguration")
        settings = {row["setting"]: row["value"] for row in cursor.fetchall()}
        cursor.execute("SELECT * FROM tblcurrencies")
        currencies = cursor.fetchall()
        cursor.execute("SELECT * FROM tbltask WHERE id = 22")
        task = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*) AS n FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = 'tblproducts' "
            "AND COLUMN_NAME REGEXP '^configoption[0-9]+$'",
            (whmcs_database.name,),
        )
        configoptions = cursor.fetchone()["n"]
        cursor.execute(
            "SELECT TABLE_COLLATION AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s",
            (whmcs_database.name,),
        )
        collations = {row["c"] for row in cursor.fetchall()}
    assert settings["Version"] == "8.13.0-release.1"
    assert settings["UpdateStatsAuto"] == "on"
    assert settings["DailyCronExecutionHour"] == "09"
    assert settings["SystemURL"].endswith("/")
    assert [(c["code"], c["prefix"], c["suffix"], c["format"], c["default"]) for c in currencies] == [
        ("USD", "$", " USD", 2, 1)
    ]
    assert task["class_name"] == "WHMCS\\Cron\\Task\\UpdateServerUsage"
    assert (task["priority"], task["frequency"], task["is_enabled"], task["name"]) == (
        1660,
        1440,
        1,
        "Server Usage Stats",
    )
    assert configoptions == 24
    assert collations == {"utf8mb3_unicode_ci"}


def test_strict_mode_rejects_a_missing_not_null_text_column(whmcs_database) -> None:
    with whmcs_database.connect() as connection, connection.cursor() as cursor:
        with pytest.raises(pymysql.err.OperationalError) as caught:
            # hostname, password, ... are NOT NULL without a default, as in WHMCS.
            cursor.execute(
                "INSERT INTO tblservers (name, ipaddress, type) VALUES ('s', '127.0.0.1', 'smartermail')"
            )
        assert caught.value.args[0] == 1364  # ER_NO_DEFAULT_FOR_FIELD
        cursor.execute("SELECT COUNT(*) AS n FROM tblservers")
        assert cursor.fetchone()["n"] == 0


def test_configuration_setting_is_unique(whmcs_database) -> None:
    with (
        whmcs_database.connect() as connection,
        connection.cursor() as cursor,
        pytest.raises(pymysql.err.IntegrityError),
    ):
        cursor.execute("INSERT INTO tblconfiguration (setting, value) VALUES ('Version', 'x')")


def test_requested_version_is_seeded(mariadb_server: MariaDBServer) -> None:
    mariadb_server.create_whmcs_database("whmcs_v84", "whmcs_v84", "pw84", version="8.4.0-release.1")
    try:
        with mariadb_server.root_connect("whmcs_v84") as connection, connection.cursor() as cursor:
            cursor.execute("SELECT value FROM tblconfiguration WHERE setting = 'Version'")
            assert cursor.fetchone()["value"] == "8.4.0-release.1"
    finally:
        mariadb_server.drop_whmcs_database("whmcs_v84", "whmcs_v84")


def test_user_sees_only_its_own_database(whmcs_database, mariadb_server: MariaDBServer) -> None:
    with whmcs_database.connect() as connection, connection.cursor() as cursor:
        cursor.execute("SHOW DATABASES")
        visible = {row["Database"] for row in cursor.fetchall()}
    assert visible == {"information_schema", whmcs_database.name}


def test_bad_identifiers_are_refused(mariadb_server: MariaDBServer) -> None:
    with pytest.raises(MariaDBError, match="invalid database name"):
        mariadb_server.create_whmcs_database("x`; DROP DATABASE mysql; --", "u", "p")


def test_state_file_lets_another_handle_stop_the_server(tmp_path: Path) -> None:
    server = MariaDBServer(tmp_path / "srv")
    server.start()
    try:
        state = server.state_file
        assert state.exists()
        loaded = MariaDBServer.load(tmp_path / "srv")
        assert (loaded.port, loaded.pid, loaded.socket) == (server.port, server.pid, server.socket)
        assert loaded.is_running()
        with loaded.root_connect() as connection, connection.cursor() as cursor:
            cursor.execute("SELECT 1 AS one")
            assert cursor.fetchone() == {"one": 1}
        pid = loaded.pid
        loaded.stop()
        assert not os.path.exists(f"/proc/{pid}") or not server.is_running()
        assert not state.exists()
        with pytest.raises(MariaDBError, match="the server is not running"):
            MariaDBServer.load(tmp_path / "srv")
        # The data directory survives: a restart reuses it without re-initialising.
        server.start()
        assert server.is_running()
    finally:
        server.stop()
    assert not server.is_running()


def test_two_servers_run_side_by_side(tmp_path: Path) -> None:
    first, second = MariaDBServer(tmp_path / "a"), MariaDBServer(tmp_path / "b")
    with first, second:
        assert first.port != second.port
        assert first.is_running() and second.is_running()


def test_deep_base_dir_gets_a_short_socket(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    server = MariaDBServer(deep)
    assert len(str(server.socket)) <= 100
    assert MariaDBServer(deep).socket == server.socket


def test_missing_binaries_name_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("shutil.which", lambda name, path=None: None)
    with pytest.raises(MariaDBError, match="apt-get install mariadb-server"):
        MariaDBServer(tmp_path / "none").start()


def test_startup_failure_shows_the_error_log(tmp_path: Path) -> None:
    server = MariaDBServer(tmp_path / "broken")
    server.start()
    server.stop()
    # Corrupt the system tables' directory so mariadbd cannot start.
    (server.data_dir / "mysql").rename(server.data_dir / "mysql.moved")
    (server.data_dir / "aria_log_control").write_bytes(b"garbage")
    with pytest.raises(MariaDBError, match="last lines of"):
        server.start(timeout=30)
    assert not server.is_running()


def test_split_sql_statements() -> None:
    script = (
        "-- c1\nCREATE TABLE a (x text); /* c; 2 */ "
        "INSERT INTO a VALUES ('x;y', \"q\"\"\", 'it''s', 'a\\'b');\n# end"
    )
    assert split_sql_statements(script) == [
        "CREATE TABLE a (x text)",
        "INSERT INTO a VALUES ('x;y', \"q\"\"\", 'it''s', 'a\\'b')",
    ]
