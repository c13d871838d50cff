"""The WHMCS-side verify checks against a converged sandbox, through the CLI as a subprocess.

One converged sandbox for the module (tests/fixtures/verify_whmcs.py: install playbook, cron run
once, one seeded customer service). Each failure test breaks one link, checks that exactly that
check fails with a hint naming the cause and exit code 1, and repairs it.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import whmcs_encrypt
from fixtures.sandbox import SandboxInfo
from fixtures.sandbox_db import query
from fixtures.verify_whmcs import HOST, converged_sandbox, cron, verify_host

pytestmark = pytest.mark.slow
WHMCS_IDS = {"whmcs-version", "php-version", "module-files", "server", "product", "cron", "usage"}


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with converged_sandbox() as info:
        yield info


def verify(box: SandboxInfo, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    return verify_host(box, *extra)


def failed_only(box: SandboxInfo, check_id: str) -> dict[str, Any]:
    done, checks = verify(box, "--no-canary")
    failed = {name for name, check in checks.items() if check["status"] == "fail"}
    assert done.returncode == 1 and failed == {check_id}, checks
    return checks


def test_converged_sandbox_passes_every_check(box: SandboxInfo) -> None:
    done, checks = verify(box)
    assert done.returncode == 0, checks
    assert set(checks) >= WHMCS_IDS
    assert {name: check["status"] for name, check in checks.items() if name in WHMCS_IDS} == dict.fromkeys(
        WHMCS_IDS, "pass"
    ), checks
    assert "matches the installed manifest" in checks["module-files"]["summary"]
    assert "1 active service(s)" in checks["usage"]["summary"]
    assert "agreeing with SmarterMail for 1 domain(s)" in checks["usage"]["summary"]


def test_wrong_stored_server_password_fails_the_server_check(box: SandboxInfo) -> None:
    key = box.host(HOST)["cc_encryption_hash"]
    saved = query(box, "SELECT id, password FROM tblservers WHERE type = 'smartermail'")[0]
    query(
        box,
        "UPDATE tblservers SET password = %s WHERE id = %s",
        whmcs_encrypt("Wrong-Stored-77", key),
        saved["id"],
    )
    try:
        checks = failed_only(box, "server")
    finally:
        query(box, "UPDATE tblservers SET password = %s WHERE id = %s", saved["password"], saved["id"])
    server = checks["server"]
    assert "the password stored in WHMCS for server 'sandbox-simulator'" in server["summary"]
    assert "is wrong" in server["summary"]
    assert "server role" in server["hint"] and "edit the server in WHMCS" in server["hint"]
    assert checks["credentials"]["status"] == "pass"  # the run's own password is right
    assert checks["usage"]["status"] == "skip"
    assert "Wrong-Stored-77" not in json.dumps(checks)


def test_missing_module_file_fails_the_module_files_check(box: SandboxInfo) -> None:
    victim = box.root(HOST) / "modules" / "servers" / "smartermail" / "lang" / "french.php"
    content = victim.read_bytes()
    victim.unlink()
    try:
        checks = failed_only(box, "module-files")
    finally:
        victim.write_bytes(content)
        victim.chmod(0o644)
    files = checks["module-files"]
    assert "1 path(s) missing: lang/french.php" in files["summary"]
    assert "module_files" in files["hint"]


def test_cron_never_run_fails_the_cron_check(box: SandboxInfo) -> None:
    query(
        box,
        "DELETE FROM tblconfiguration WHERE setting IN"
        " ('lastCronInvocationTime', 'lastDailyCronInvocationTime', 'lastDailyCronEndTime')",
    )
    try:
        checks = failed_only(box, "cron")
    finally:
        cron(box, "all", "--force")
    assert "the WHMCS cron has never run" in checks["cron"]["summary"]
    assert checks["cron"]["hint"].startswith(
        "add the cron line (install playbook cron role) and wait 5 minutes"
    )


def test_bad_stored_product_option_fails_the_product_check(box: SandboxInfo) -> None:
    saved = query(box, "SELECT id, configoption8 FROM tblproducts WHERE servertype = 'smartermail'")[0]
    query(box, "UPDATE tblproducts SET configoption8 = 'yes' WHERE id = %s", saved["id"])
    try:
        checks = failed_only(box, "product")
    finally:
        query(
            box,
            "UPDATE tblproducts SET configoption8 = %s WHERE id = %s",
            saved["configoption8"],
            saved["id"],
        )
    product = checks["product"]
    assert "delete_data_on_terminate (configoption8) holds 'yes'" in product["summary"]
    assert "product role" in product["hint"]
