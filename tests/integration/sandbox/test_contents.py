"""A two-host sandbox, started through the CLI: trees, databases, simulator, fixture module, inventory."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pymysql
import pytest
import yaml
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    read_whmcs_config,
)
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import configuration_value, connect_as_whmcs
from smartermail_whmcs.sandbox.inventory import FIXTURE_MODULE_DIR

pytestmark = pytest.mark.slow

# module.md: the 23 settings in order, as (Type, Default, Size or None).
EXPECTED_OPTIONS = [
    ("text", "10", "5"),
    ("text", "2.00", None),
    ("text", "3.00", None),
    ("text", "4.50", None),
    ("text", "C:\\SmarterMail\\Domains\\", "40"),
    ("text", "default", None),
    ("text", "0", None),
    ("yesno", "on", None),
    ("text", "8", None),
    ("yesno", "on", None),
    ("yesno", "on", None),
    ("yesno", "on", None),
    ("text", "include:mail.example.com", "60"),
    ("yesno", "on", None),
    ("yesno", "on", None),
    ("text", "1", None),
    ("text", "0", None),
    ("text", "", None),
    ("text", "", None),
    ("text", "", None),
    ("yesno", "", None),
    ("text", "", None),
    ("dropdown", "none", None),
]

PHP_READ_MODULE = r"""
define('WHMCS', true);
require $argv[1];
echo json_encode(['options' => array_values(smartermail_ConfigOptions()),
                  'keys' => array_keys(smartermail_ConfigOptions()),
                  'meta' => smartermail_MetaData()]);
"""


@pytest.fixture(scope="module")
def two_hosts() -> Iterator[SandboxInfo]:
    with sandbox(hosts=2) as info:
        yield info


def test_configuration_php_reads_back_per_host(two_hosts: SandboxInfo) -> None:
    configs = {}
    for host in two_hosts.hosts:
        root = Path(host["whmcs_root"])
        config = read_whmcs_config(root)
        assert config.source == "php"
        assert config.db_name == host["database"]["name"]
        assert config.db_username == host["database"]["user"]
        assert config.db_password == host["database"]["password"]
        assert config.db_host == "127.0.0.1"
        assert config.db_port == str(two_hosts.mariadb["port"])
        assert config.cc_encryption_hash == host["cc_encryption_hash"]
        assert re.fullmatch(r"[A-Za-z0-9]{64}", config.cc_encryption_hash)
        assert config.mysql_charset == "utf8"
        assert config.templates_compiledir == "templates_c"
        for tls_field in ("db_tls_ca", "db_tls_ca_path", "db_tls_cert", "db_tls_cipher", "db_tls_key"):
            assert getattr(config, tls_field) == ""
        assert stat.S_IMODE((root / "configuration.php").stat().st_mode) == 0o640
        configs[host["name"]] = config
    assert configs["whmcs1"].db_name != configs["whmcs2"].db_name
    assert configs["whmcs1"].cc_encryption_hash != configs["whmcs2"].cc_encryption_hash
    assert configs["whmcs1"].db_password != configs["whmcs2"].db_password


def test_each_tree_looks_like_whmcs(two_hosts: SandboxInfo) -> None:
    for host in two_hosts.hosts:
        root = Path(host["whmcs_root"])
        for relative in ("init.php", "crons/cron.php", "crons/config.php.new"):
            assert (root / relative).is_file(), relative
        assert (root / "templates_c").is_dir()
        assert list((root / "modules" / "servers").iterdir()) == []  # the playbook installs the module
        capsule = root / "vendor/whmcs/whmcs-foundation/lib/Database/Capsule.php"
        assert "Version:8.13.0 (8.13.0-release.1)" in capsule.read_text()[:2048]
        # init.php defines WHMCS and reads this host's configuration.
        probe_code = "require $argv[1]; echo WHMCS ? 'yes' : 'no', ' ', whmcs_sandbox_config()['db_name'];"
        probe = subprocess.run(
            ["php", "-r", probe_code, str(root / "init.php")], capture_output=True, text=True, check=True
        )
        assert probe.stdout == f"yes {host['database']['name']}"


def test_database_reachable_with_configuration_credentials(two_hosts: SandboxInfo) -> None:
    for host in two_hosts.hosts:
        connection = connect_as_whmcs(Path(host["whmcs_root"]))
        try:
            assert configuration_value(connection, "Version") == "8.13.0-release.1"
            assert configuration_value(connection, "UpdateStatsAuto") == "on"
            with connection.cursor() as cursor:
                cursor.execute("SELECT DATABASE()")
                assert cursor.fetchone()[0] == host["database"]["name"]
        finally:
            connection.close()


def test_host_user_cannot_read_the_other_hosts_database(two_hosts: SandboxInfo) -> None:
    first, second = two_hosts.hosts
    with pytest.raises(pymysql.err.OperationalError):
        pymysql.connect(
            host="127.0.0.1",
            port=two_hosts.mariadb["port"],
            user=first["database"]["user"],
            password=first["database"]["password"],
            database=second["database"]["name"],
            connect_timeout=5,
        )


def test_fixture_module_declares_the_23_options() -> None:
    result = subprocess.run(
        ["php", "-r", PHP_READ_MODULE, str(FIXTURE_MODULE_DIR / "smartermail.php")],
        capture_output=True,
        text=True,
        check=True,
    )
    declared = json.loads(result.stdout)
    options = declared["options"]
    assert len(options) == 23
    assert len(set(declared["keys"])) == 23
    for position, (option, (kind, default, size)) in enumerate(
        zip(options, EXPECTED_OPTIONS, strict=True), 1
    ):
        assert option["Type"] == kind, f"configoption{position}"
        assert option["Default"] == default, f"configoption{position}"
        assert option.get("Size") == size, f"configoption{position}"
        assert option["FriendlyName"].strip(), f"configoption{position}"
        assert option["Description"].strip(), f"configoption{position}"
    assert options[22]["Options"] == "none,quarantine,reject"
    meta = declared["meta"]
    assert meta["DisplayName"] == "SmarterMail (Email Hosting)"
    assert meta["APIVersion"] == "1.1"
    assert meta["RequiresServer"] is True
    assert (meta["DefaultNonSSLPort"], meta["DefaultSSLPort"]) == ("9998", "443")


def test_fixture_module_refuses_direct_access() -> None:
    result = subprocess.run(
        ["php", str(FIXTURE_MODULE_DIR / "smartermail.php")], capture_output=True, text=True, check=False
    )
    assert "cannot be accessed directly" in result.stdout
    assert "smartermail_ConfigOptions" not in result.stdout


def test_fixture_module_is_a_realistic_tree() -> None:
    files = sorted(
        p.relative_to(FIXTURE_MODULE_DIR).as_posix() for p in FIXTURE_MODULE_DIR.rglob("*") if p.is_file()
    )
    assert "smartermail.php" in files
    assert any(name.startswith("lib/") for name in files)
    assert "lang/english.php" in files
    assert any(name.startswith("templates/") for name in files)
    assert len(files) >= 8


def test_every_php_file_passes_php_lint(two_hosts: SandboxInfo) -> None:
    php_files = list(FIXTURE_MODULE_DIR.rglob("*.php"))
    for host in two_hosts.hosts:
        php_files += list(Path(host["whmcs_root"]).rglob("*.php"))
    assert len(php_files) >= 10
    for path in php_files:
        result = subprocess.run(["php", "-l", str(path)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{path}: {result.stdout}{result.stderr}"


def test_simulator_answers_and_accepts_the_recorded_sysadmin(two_hosts: SandboxInfo) -> None:
    simulator = two_hosts.simulator
    about = httpx.get(f"{simulator['url']}/api/v1/licensing/about", timeout=10)
    assert about.status_code == 200
    assert about.json()["version"]
    login = httpx.post(
        f"{simulator['url']}/api/v1/auth/authenticate-user",
        json={"username": simulator["sysadmin"]["username"], "password": simulator["sysadmin"]["password"]},
        timeout=10,
    )
    assert login.status_code == 200
    assert login.json()["accessToken"]
    wrong = httpx.post(
        f"{simulator['url']}/api/v1/auth/authenticate-user",
        json={
            "username": simulator["sysadmin"]["username"],
            "password": "not-" + simulator["sysadmin"]["password"],
        },
        timeout=10,
    )
    assert wrong.status_code != 200 or wrong.json().get("success") is False


def test_state_and_inventory_files_are_private(two_hosts: SandboxInfo) -> None:
    for path in (two_hosts.state_file, two_hosts.inventory):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    # The human summary names the paths but no secret.
    assert str(two_hosts.inventory) in two_hosts.up_output
    assert two_hosts.simulator["sysadmin"]["password"] not in two_hosts.up_output
    for host in two_hosts.hosts:
        assert host["database"]["password"] not in two_hosts.up_output
        assert host["cc_encryption_hash"] not in two_hosts.up_output


def test_inventory_parses_with_ansible_inventory(two_hosts: SandboxInfo) -> None:
    ansible_inventory = Path(sys.executable).with_name("ansible-inventory")
    result = subprocess.run(
        [str(ansible_inventory), "-i", str(two_hosts.inventory), "--list"],
        capture_output=True,
        text=True,
        check=True,
    )
    listing = json.loads(result.stdout)
    assert sorted(listing["whmcs"]["hosts"]) == ["whmcs1", "whmcs2"]
    hostvars = listing["_meta"]["hostvars"]
    for host in two_hosts.hosts:
        hv = hostvars[host["name"]]
        assert hv["whmcs_root"] == host["whmcs_root"]
        assert hv["ansible_connection"] == "local"
        assert hv["ansible_python_interpreter"] == sys.executable
        assert Path(hv["smartermail_module_src"]) == FIXTURE_MODULE_DIR.resolve()
        assert hv["whmcs_cron"]["schedule"] == "*/5 * * * *"
        assert Path(hv["whmcs_cron"]["php"]).name.startswith("php")
        (server,) = hv["smartermail_servers"]
        assert server["hostname"] == "127.0.0.1"
        assert server["port"] == two_hosts.simulator["port"]
        assert server["secure"] is False
        assert server["username"] == two_hosts.simulator["sysadmin"]["username"]
        assert server["password"] == two_hosts.simulator["sysadmin"]["password"]
        assert (server["max_accounts"], server["disabled"]) == (200, False)
        (product,) = hv["smartermail_products"]
        assert product["name"] == "Email Hosting"
        assert product["group"] == "Email"
        assert product["monthly_price"] == 6.0
        assert product["currency"] == "USD"
        assert product["options"] == {"gb_per_tranche": 10}
    # Same content through a plain YAML parser (what a provider's CI would read).
    assert yaml.safe_load(two_hosts.inventory.read_text())["all"]["children"]["whmcs"]["hosts"]


def test_state_file_records_everything(two_hosts: SandboxInfo) -> None:
    state = two_hosts.state
    assert state["status"] == "up"
    assert state["mariadb"]["socket"] and Path(state["mariadb"]["socket"]).exists()
    for host in state["hosts"]:
        database = host["database"]
        assert set(database) == {"host", "port", "socket", "name", "user", "password"}
        assert database["port"] == state["mariadb"]["port"]
    assert state["simulator"]["ca_file"] is None
    assert state["simulator"]["pid"] != state["mariadb"]["pid"]
