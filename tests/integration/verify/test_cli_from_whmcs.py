"""``verify --from-whmcs ROOT`` against a real sandbox: servers and passwords read from tblservers.

The rows are written the way WHMCS stores them (password encrypted with the tree's
cc_encryption_hash), straight into the sandbox's private MariaDB.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import whmcs_encrypt
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query
from fixtures.verify_cli import run_verify

pytestmark = pytest.mark.slow
SMARTERMAIL_IDS = {"dns", "port", "tls", "api", "credentials", "version", "canary"}


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        yield info


def set_servers(info: SandboxInfo, servers: list[dict[str, Any]]) -> None:
    """Replace tblservers with these rows (name, password, and optionally type/port/hostname, or a
    ``stored_password`` written as is instead of the encrypted password)."""
    key = info.host("whmcs1")["cc_encryption_hash"]
    port = info.simulator["port"]
    query(info, "DELETE FROM tblservers")
    for server in servers:
        query(
            info,
            "INSERT INTO tblservers (name, ipaddress, assignedips, hostname, noc, statusaddress,"
            " nameserver1, nameserver1ip, nameserver2, nameserver2ip, nameserver3, nameserver3ip,"
            " nameserver4, nameserver4ip, nameserver5, nameserver5ip, maxaccounts, type, username,"
            " password, accesshash, secure, port, active, disabled)"
            " VALUES (%s, '127.0.0.1', '', %s, '', '', '', '', '', '', '', '', '', '', '', '',"
            " 200, %s, %s, %s, '', '', %s, 1, 0)",
            server["name"],
            server.get("hostname", "127.0.0.1"),
            server.get("type", "smartermail"),
            info.simulator["sysadmin"]["username"],
            server.get("stored_password") or whmcs_encrypt(server["password"], key),
            server.get("port", port),
        )


def test_servers_come_from_tblservers_with_decrypted_passwords(box: SandboxInfo) -> None:
    password = box.simulator["sysadmin"]["password"]
    set_servers(
        box,
        [{"name": "Mail One", "password": password}, {"name": "cpanel", "password": "x", "type": "cpanel"}],
    )
    done = run_verify("--from-whmcs", str(box.root("whmcs1")), "--format", "json")
    document = json.loads(done.stdout)
    assert [target["name"] for target in document["targets"]] == ["Mail One"]  # only type smartermail
    assert document["targets"][0]["whmcs_root"] == str(box.root("whmcs1"))
    smartermail = [check for check in document["checks"] if check["id"] in SMARTERMAIL_IDS]
    assert [check["status"] for check in smartermail] == ["pass"] * len(smartermail), smartermail
    assert {check["id"] for check in smartermail} == SMARTERMAIL_IDS - {"tls"}
    assert done.returncode == (0 if document["ok"] else 1)
    assert password not in done.stdout + done.stderr


def test_a_wrong_stored_password_fails_the_credentials_check(box: SandboxInfo) -> None:
    stored = "Stored-But-Wrong-8812"
    set_servers(box, [{"name": "Mail One", "password": stored}])
    done = run_verify("--from-whmcs", str(box.root("whmcs1")), "--format", "json")
    assert done.returncode == 1, done.stderr
    checks = {check["id"]: check for check in json.loads(done.stdout)["checks"]}
    assert checks["credentials"]["status"] == "fail"
    assert checks["canary"]["status"] == "skip"
    assert stored not in done.stdout + done.stderr


def test_one_unusable_row_fails_alone_and_the_other_servers_are_checked(box: SandboxInfo) -> None:
    """Issue 10: a row WHMCS could not use either is a failed check with the row's name, not exit 2."""
    password = box.simulator["sysadmin"]["password"]
    set_servers(
        box,
        [
            {"name": "Good One", "password": password},
            {"name": "Bad Host", "password": password, "hostname": "mail.example.com;reboot"},
            {"name": "Bad Cipher", "password": password, "stored_password": "not base64!"},
        ],
    )
    done = run_verify("--from-whmcs", str(box.root("whmcs1")), "--format", "json")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and password not in done.stdout + done.stderr
    checks = {(check["target"], check["id"]): check for check in json.loads(done.stdout)["checks"]}
    good = [checks[("Good One", check_id)] for check_id in [*sorted(SMARTERMAIL_IDS - {"tls"}), "server"]]
    assert [check["status"] for check in good] == ["pass"] * len(good), good
    bad_host = checks[("Bad Host", "dns")]
    assert bad_host["status"] == "fail"
    assert (
        bad_host["summary"].startswith("tblservers id ")
        and "(Bad Host) has the hostname" in bad_host["summary"]
    )
    assert "'mail.example.com;reboot', which holds ';'" in bad_host["summary"]
    assert "Configuration > System Settings > Servers" in bad_host["hint"]
    assert checks[("Bad Host", "port")]["status"] == "skip"
    bad_cipher = checks[("Bad Cipher", "credentials")]
    assert bad_cipher["status"] == "fail" and "(Bad Cipher) cannot be decrypted" in bad_cipher["summary"]
    assert checks[("Bad Cipher", "api")]["status"] == "pass"  # its address is fine: checked as usual


def test_no_smartermail_server_in_whmcs_is_a_usage_error(box: SandboxInfo) -> None:
    set_servers(box, [])
    done = run_verify("--from-whmcs", str(box.root("whmcs1")))
    assert done.returncode == 2
    assert "no server of type 'smartermail'" in done.stderr
    assert "Traceback" not in done.stderr


def test_from_whmcs_refuses_a_directory_without_configuration_php(tmp_path: Any) -> None:
    done = run_verify("--from-whmcs", str(tmp_path))
    assert done.returncode == 2
    assert "--from-whmcs" in done.stderr and "configuration.php" in done.stderr
