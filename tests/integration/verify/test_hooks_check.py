"""verify's `hooks` check and the `product` domain rule against a converged sandbox, through the CLI.

One converged sandbox (tests/fixtures/verify_whmcs.py: install playbook, cron run once, one
seeded customer service). Each test breaks what an older install or a hand edit leaves behind,
checks that exactly the expected checks fail with the exact sentence and fix, then repairs it the
way the fix says (the install playbook's product role, run again) and checks the pass.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures.install import run_playbook
from fixtures.sandbox import SandboxInfo
from fixtures.sandbox_db import query, setting
from fixtures.verify_whmcs import HOST, INSTALL, converged_sandbox, verify_host

pytestmark = pytest.mark.slow

SAVE_HINT = (
    "run the install playbook's product role again (it records smartermail in ModuleHooks as saving the "
    "product does), or in the WHMCS admin area open a smartermail product's Module Settings tab "
    "(Configuration > System Settings > Products/Services > the product) and click Save Changes"
)


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with converged_sandbox() as info:
        yield info


def hooks_file(box: SandboxInfo) -> Path:
    return box.root(HOST) / "modules" / "servers" / "smartermail" / "hooks.php"


def verify(box: SandboxInfo) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    return verify_host(box, "--no-canary")


def failing(checks: dict[str, Any]) -> set[str]:
    return {name for name, check in checks.items() if check["status"] == "fail"}


def rerun_product_role(box: SandboxInfo) -> None:
    run = run_playbook(box, INSTALL, "--tags", "product")
    assert run.returncode == 0 and run.failed(HOST) == 0, run.output[-3000:]
    assert run.changed(HOST) >= 1, run.output[-3000:]


def test_after_install_the_hooks_check_passes_naming_the_file(box: SandboxInfo) -> None:
    done, checks = verify(box)
    assert done.returncode == 0, checks
    hooks = checks["hooks"]
    assert hooks["status"] == "pass", hooks
    assert hooks["summary"] == (
        f"WHMCS loads {hooks_file(box)}: tblconfiguration ModuleHooks lists smartermail ('smartermail')"
    )
    assert checks["product"]["status"] == "pass"
    assert "asks for a domain" in checks["product"]["summary"]


def test_an_install_that_never_recorded_the_hooks_fails_until_the_product_role_runs_again(
    box: SandboxInfo,
) -> None:
    # What the product role left before it recorded hooks: the fresh install's empty list, and
    # another module's name an admin's save put there.
    query(box, "UPDATE tblconfiguration SET value = 'cpanel' WHERE setting = 'ModuleHooks'")
    done, checks = verify(box)
    assert done.returncode == 1 and failing(checks) == {"hooks"}, checks
    hooks = checks["hooks"]
    assert hooks["summary"] == (
        f"WHMCS does not load {hooks_file(box)}: tblconfiguration ModuleHooks is 'cpanel', without "
        "smartermail, so the module's hooks never run and its invoices bill the flat product price "
        "instead of the storage tranches"
    )
    assert hooks["hint"] == SAVE_HINT

    rerun_product_role(box)
    assert setting(box, "ModuleHooks") == "cpanel,smartermail"
    done, checks = verify(box)
    assert done.returncode == 0 and checks["hooks"]["status"] == "pass", checks


def test_a_missing_module_hooks_row_fails_the_same_way(box: SandboxInfo) -> None:
    saved = setting(box, "ModuleHooks")
    query(box, "DELETE FROM tblconfiguration WHERE setting = 'ModuleHooks'")
    try:
        done, checks = verify(box)
    finally:
        query(
            box,
            "INSERT INTO tblconfiguration (setting, value, created_at, updated_at) VALUES ('ModuleHooks', %s, NOW(), NOW())",
            saved,
        )
    assert done.returncode == 1 and failing(checks) == {"hooks"}, checks
    assert "tblconfiguration has no ModuleHooks row, without smartermail" in checks["hooks"]["summary"]


def test_a_module_folder_without_hooks_php_fails(box: SandboxInfo) -> None:
    victim = hooks_file(box)
    content = victim.read_bytes()
    victim.unlink()
    try:
        done, checks = verify(box)
    finally:
        victim.write_bytes(content)
        victim.chmod(0o644)
    # module-files fails too: the installed manifest lists the file.
    assert done.returncode == 1 and failing(checks) == {"hooks", "module-files"}, checks
    assert checks["hooks"]["summary"] == (
        f"{victim} is missing: WHMCS has no module hooks to load, so the module's invoice billing "
        "(its InvoiceCreation hook) never runs"
    )
    assert checks["hooks"]["hint"] == (
        "re-run the install playbook's module_files step: the SmarterMail module ships a hooks.php"
    )


def test_a_hooks_php_the_web_user_cannot_read_fails(box: SandboxInfo) -> None:
    victim = hooks_file(box)
    victim.chmod(0o200)
    try:
        done, checks = verify(box)
    finally:
        victim.chmod(0o644)
    assert done.returncode == 1 and "hooks" in failing(checks), checks
    hooks = checks["hooks"]
    assert hooks["summary"].startswith(f"{victim} is not readable by ")
    assert hooks["summary"].endswith(f"({victim}): WHMCS's PHP cannot load the module's hooks")
    assert "0644" in hooks["hint"] and "whmcs_web_user" in hooks["hint"]


def test_a_product_that_takes_orders_without_a_domain_fails_until_the_product_role_runs_again(
    box: SandboxInfo,
) -> None:
    product = query(box, "SELECT id, name FROM tblproducts WHERE servertype = 'smartermail' ORDER BY id")[0]
    query(box, "UPDATE tblproducts SET showdomainoptions = 0 WHERE id = %s", product["id"])
    done, checks = verify(box)
    assert done.returncode == 1 and failing(checks) == {"product"}, checks
    summary = checks["product"]["summary"]
    assert summary == (
        f"product {product['name']!r} (id {product['id']}): it does not ask for a domain when ordered "
        "(Require Domain is off: showdomainoptions = 0), so its orders reach the module's Create with an "
        "empty domain"
    )
    assert checks["product"]["hint"].startswith(
        "turn on Require Domain: re-run the install playbook's product role (it writes showdomainoptions = 1), "
        "or tick Require Domain on the product's Details tab in WHMCS"
    )

    rerun_product_role(box)
    assert query(box, "SELECT showdomainoptions FROM tblproducts WHERE id = %s", product["id"]) == [
        {"showdomainoptions": 1}
    ]
    done, checks = verify(box)
    assert done.returncode == 0 and checks["product"]["status"] == "pass", checks
