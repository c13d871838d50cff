"""whmcs_product with the test release 1.2.0: a 24th setting, ``package``, whose choices come from the host.

One sandbox with the release installed (a plain copy of build_release's tree). The release's
addon creates ``mod_smartermail_packages`` when activated; here the table is created with SQL, as
activation would leave it. Every test works in its own product group.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures.ansible_runner import PlaybookRun, run_module
from fixtures.module_release import build_release
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query
from fixtures.verify_whmcs import verify_host

pytestmark = pytest.mark.slow

HOST = "whmcs1"
TABLES = ("tblproductgroups", "tblproducts", "tblpricing", "tblproducts_slugs")
PACKAGES = ("default", "standard", "premium")


@pytest.fixture(scope="module")
def whmcs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    release = build_release(tmp_path_factory.mktemp("release") / "src")
    with sandbox(hosts=1) as info:
        shutil.copytree(
            release / "modules" / "servers" / "smartermail",
            info.root(HOST) / "modules" / "servers" / "smartermail",
        )
        query(
            info,
            "CREATE TABLE mod_smartermail_packages (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
            "name VARCHAR(64) NOT NULL UNIQUE, label VARCHAR(255) NOT NULL DEFAULT '')",
        )
        for name in PACKAGES:
            query(
                info, "INSERT INTO mod_smartermail_packages (name, label) VALUES (%s, %s)", name, name.title()
            )
        yield info


def dump(info: SandboxInfo) -> dict[str, list[dict[str, Any]]]:
    return {table: query(info, f"SELECT * FROM {table} ORDER BY id") for table in TABLES}  # noqa: S608


def run_product(tmp_path: Path, info: SandboxInfo, *extra_args: str, **args: Any) -> PlaybookRun:
    return run_module(
        tmp_path,
        "astral360.smartermail.whmcs_product",
        {"whmcs_root": str(info.root(HOST)), "web_user": "root", **args},
        register="product",
        name="Manage the product",
        extra_args=list(extra_args),
    )


def product_args(**options: Any) -> dict[str, Any]:
    return dict(name="Mail", group=f"Release {uuid.uuid4().hex[:8]}", monthly_price=5, options=options)


def stored(info: SandboxInfo, group: str) -> dict[str, Any]:
    rows = query(
        info,
        "SELECT p.* FROM tblproducts p JOIN tblproductgroups g ON g.id = p.gid WHERE g.name = %s",
        group,
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_a_product_of_the_release_installs_and_check_mode_predicts_it_exactly(
    tmp_path: Path, whmcs: SandboxInfo
) -> None:
    args = product_args(package="Premium", dmarc_policy="reject")
    before = dump(whmcs)
    check = run_product(tmp_path, whmcs, "--check", "--diff", **args)
    assert check.results["failed"] is False and check.results["changed"] is True, check.output
    assert dump(whmcs) == before
    predicted = check.results["diff"]["after"]
    assert predicted["options"]["package"] == "premium"  # shown by the module's key, stored as it spells it
    assert "configoption24" not in predicted["options"]

    run = run_product(tmp_path, whmcs, "--diff", **args)
    assert run.results["failed"] is False and run.results["changed"] is True, run.output
    assert run.results["diff"]["after"]["options"] == predicted["options"]
    row = stored(whmcs, args["group"])
    assert (row["configoption23"], row["configoption24"]) == ("reject", "premium")
    assert run.results["configoptions"]["configoption24"] == "premium"

    again = run_product(tmp_path, whmcs, "--check", "--diff", **args)
    assert again.results["changed"] is False, again.output
    assert again.results["diff"]["before"]["options"] == again.results["diff"]["after"]["options"]
    assert run_product(tmp_path, whmcs, **args).results["changed"] is False


def test_the_24th_setting_defaults_to_the_module_default_and_takes_its_raw_key(
    tmp_path: Path, whmcs: SandboxInfo
) -> None:
    args = product_args()
    assert run_product(tmp_path, whmcs, **args).results["changed"] is True
    assert stored(whmcs, args["group"])["configoption24"] == "default"
    raw = dict(args, options={"configoption24": "standard"})
    changed = run_product(tmp_path, whmcs, "--diff", **raw)
    assert changed.results["changed"] is True, changed.output
    diff = changed.results["diff"]
    assert (diff["before"]["options"]["package"], diff["after"]["options"]["package"]) == (
        "default",
        "standard",
    )
    assert stored(whmcs, args["group"])["configoption24"] == "standard"


@pytest.mark.parametrize("mode", [(), ("--check",)])
def test_a_package_this_host_does_not_offer_is_refused_before_any_write(
    tmp_path: Path, whmcs: SandboxInfo, mode: tuple[str, ...]
) -> None:
    before = dump(whmcs)
    run = run_product(tmp_path, whmcs, *mode, **product_args(package="gold"))
    assert run.results["failed"] is True
    assert (
        "options: module setting package (configoption24) got 'gold'; allowed: one of default, standard, premium"
        in run.results["msg"]
    )
    assert dump(whmcs) == before


def test_without_the_package_table_only_the_fallback_is_offered(tmp_path: Path, whmcs: SandboxInfo) -> None:
    query(whmcs, "RENAME TABLE mod_smartermail_packages TO mod_smartermail_packages_away")
    try:
        before = dump(whmcs)
        run = run_product(tmp_path, whmcs, **product_args(package="standard"))
        assert run.results["failed"] is True
        assert "got 'standard'; allowed: one of default" in run.results["msg"]
        assert dump(whmcs) == before
    finally:
        query(whmcs, "RENAME TABLE mod_smartermail_packages_away TO mod_smartermail_packages")


def test_verify_fails_a_stored_package_the_host_no_longer_offers(tmp_path: Path, whmcs: SandboxInfo) -> None:
    args = product_args(package="premium")
    assert run_product(tmp_path, whmcs, **args).results["changed"] is True
    product_id = stored(whmcs, args["group"])["id"]
    query(whmcs, "DELETE FROM mod_smartermail_packages WHERE name = 'premium'")
    try:
        _, checks = verify_host(whmcs, "--web-user", "root", "--no-canary")
        product = checks["product"]
        assert product["status"] == "fail", product
        assert (
            f"product 'Mail' (id {product_id}): module setting package (configoption24) holds 'premium', which "
            "the module does not offer on this host; allowed: one of default, standard" in product["summary"]
        )
    finally:
        query(whmcs, "INSERT INTO mod_smartermail_packages (name, label) VALUES ('premium', 'Premium')")
