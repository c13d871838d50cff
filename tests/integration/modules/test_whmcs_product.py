"""astral360.smartermail.whmcs_product through real ansible-playbook runs against a sandbox WHMCS.

One sandbox (private MariaDB, WHMCS tree with the fixture module copied in) serves the module;
every test works in its own product group, so tests do not see each other's rows.
"""

from __future__ import annotations

import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fixtures.ansible_runner import PlaybookRun, run_module
from fixtures.product_settings import EXPECTED_DEFAULTS
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import add_service, connect_host, insert, query, setting
from smartermail_whmcs.sandbox.inventory import FIXTURE_MODULE_DIR

pytestmark = pytest.mark.slow

HOST = "whmcs1"
TABLES = (
    "tblproductgroups",
    "tblproducts",
    "tblpricing",
    "tblproducts_slugs",
    "tblservergroups",
    "tblhosting",
)


@pytest.fixture(scope="module")
def whmcs() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        # The module_files role is not what is tested here: a plain copy installs the module.
        shutil.copytree(FIXTURE_MODULE_DIR, info.root(HOST) / "modules" / "servers" / "smartermail")
        yield info


def dump(info: SandboxInfo) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table the module may touch (to prove nothing was written)."""
    return {table: query(info, f"SELECT * FROM {table} ORDER BY id") for table in TABLES}  # noqa: S608


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def run_product(tmp_path: Path, info: SandboxInfo, *extra_args: str, **args: Any) -> PlaybookRun:
    return run_module(
        tmp_path,
        "astral360.smartermail.whmcs_product",
        {"whmcs_root": str(info.root(HOST)), **args},
        register="product",
        name="Manage the product",
        extra_args=list(extra_args),
    )


def product_row(info: SandboxInfo, group: str, name: str) -> dict[str, Any]:
    rows = query(
        info,
        "SELECT p.* FROM tblproducts p JOIN tblproductgroups g ON g.id = p.gid WHERE g.name = %s AND p.name = %s",
        group,
        name,
    )
    assert len(rows) == 1, rows
    return rows[0]


def pricing_rows(info: SandboxInfo, product_id: int) -> list[dict[str, Any]]:
    return query(info, "SELECT * FROM tblpricing WHERE type = 'product' AND relid = %s", product_id)


def add_server_group(info: SandboxInfo, name: str) -> int:
    return insert(info, "INSERT INTO tblservergroups (name, filltype) VALUES (%s, 1)", name)


def without_updated_at(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key != "updated_at"}


def set_module_hooks(info: SandboxInfo, value: str | None) -> None:
    """tblconfiguration.ModuleHooks as a test needs it; None deletes the row."""
    query(info, "DELETE FROM tblconfiguration WHERE setting = 'ModuleHooks'")
    if value is not None:
        query(
            info,
            "INSERT INTO tblconfiguration (setting, value, created_at, updated_at) VALUES ('ModuleHooks', %s, NOW(), NOW())",
            value,
        )


# ---------------------------------------------------------------- create / idempotency


def test_create_writes_exactly_the_specified_rows_and_again_changes_nothing(
    tmp_path: Path, whmcs: SandboxInfo
) -> None:
    group, name = unique("Email"), "Email Hosting"
    set_module_hooks(whmcs, "")  # as on a fresh WHMCS: the row exists, empty
    server_group_id = add_server_group(whmcs, unique("SmarterMail"))
    server_group = query(whmcs, "SELECT name FROM tblservergroups WHERE id = %s", server_group_id)[0]["name"]
    args = dict(
        name=name,
        group=group,
        description="Mail for your domain",
        hidden=True,
        monthly_price=6,
        setup_fee=1.5,
        currency="usd",
        server_group=server_group,
        autosetup="first_payment",
        options={
            "gb_per_tranche": 5,
            "offer_mapi": False,
            "dmarc_check": "yes",
            "dmarc_policy": "Quarantine",
        },
    )
    run = run_product(tmp_path, whmcs, "--diff", **args)
    assert run.returncode == 0 and run.results["failed"] is False, run.output
    assert run.results["changed"] is True

    product = product_row(whmcs, group, name)
    group_row = query(whmcs, "SELECT * FROM tblproductgroups WHERE name = %s", group)[0]
    assert run.results["product_id"] == product["id"] and run.results["group_id"] == group_row["id"]
    assert (group_row["slug"], group_row["hidden"], group_row["orderfrmtpl"]) == (
        group.lower().replace(" ", "-"),
        0,
        "",
    )
    expected = dict(
        EXPECTED_DEFAULTS,
        configoption1="5",
        configoption15="",
        configoption21="on",
        configoption23="quarantine",
    )
    assert {f"configoption{slot}": product[f"configoption{slot}"] for slot in range(1, 25)} == expected
    assert {
        column: product[column]
        for column in (
            "type",
            "gid",
            "name",
            "description",
            "hidden",
            "paytype",
            "autosetup",
            "servertype",
            "servergroup",
            "retired",
            "showdomainoptions",
            "stockcontrol",
            "welcomeemail",
            "tax",
            "is_featured",
            "slug",
        )
    } == {
        "type": "other",
        "gid": group_row["id"],
        "name": name,
        "description": "Mail for your domain",
        "hidden": 1,
        "paytype": "recurring",
        "autosetup": "payment",
        "servertype": "smartermail",
        "servergroup": server_group_id,
        "retired": 0,
        "showdomainoptions": 1,
        "stockcontrol": 0,
        "welcomeemail": 0,
        "tax": 0,
        "is_featured": 0,
        "slug": "email-hosting",
    }
    assert str(product["created_at"]) != "0000-00-00 00:00:00"

    pricing = pricing_rows(whmcs, product["id"])
    assert len(pricing) == 1
    assert {key: pricing[0][key] for key in pricing[0] if key not in ("id", "relid")} == {
        "type": "product",
        "currency": 1,
        "msetupfee": Decimal("1.50"),
        "qsetupfee": Decimal("0.00"),
        "ssetupfee": Decimal("0.00"),
        "asetupfee": Decimal("0.00"),
        "bsetupfee": Decimal("0.00"),
        "tsetupfee": Decimal("0.00"),
        "monthly": Decimal("6.00"),
        "quarterly": Decimal("-1.00"),
        "semiannually": Decimal("-1.00"),
        "annually": Decimal("-1.00"),
        "biennially": Decimal("-1.00"),
        "triennially": Decimal("-1.00"),
    }
    slugs = query(whmcs, "SELECT * FROM tblproducts_slugs WHERE product_id = %s", product["id"])
    assert [(row["group_id"], row["group_slug"], row["slug"], row["active"]) for row in slugs] == [
        (group_row["id"], group_row["slug"], "email-hosting", 1)
    ]
    assert run.results["diff"]["before"] == {"module_hooks": ""}
    assert run.results["diff"]["after"]["options"]["dmarc_policy"] == "quarantine"
    assert run.results["diff"]["after"]["pricing"]["monthly"] == "6.00"
    assert run.results["diff"]["after"]["product"]["showdomainoptions"] is True
    # The module's hooks.php is recorded as saving the product's Module Settings would.
    assert setting(whmcs, "ModuleHooks") == "smartermail"
    assert run.results["diff"]["after"]["module_hooks"] == "smartermail"
    assert run.results["module_hooks"]["listed"] is True
    assert run.results["module_hooks"]["hooks_file"] == str(
        whmcs.root(HOST) / "modules" / "servers" / "smartermail" / "hooks.php"
    )

    before = dump(whmcs)
    again = run_product(tmp_path, whmcs, **args)
    assert again.results["failed"] is False, again.output
    assert again.results["changed"] is False
    assert again.results["product_id"] == product["id"]
    assert dump(whmcs) == before
    assert setting(whmcs, "ModuleHooks") == "smartermail"


def test_check_mode_on_a_fresh_product_predicts_a_change_and_writes_nothing(
    tmp_path: Path, whmcs: SandboxInfo
) -> None:
    group = unique("Check")
    before = dump(whmcs)
    run = run_product(
        tmp_path,
        whmcs,
        "--check",
        "--diff",
        name="Mail",
        group=group,
        monthly_price="4.00",
        options={"max_users": 50},
    )
    assert run.results["failed"] is False, run.output
    assert run.results["changed"] is True
    assert run.results["product_id"] is None and run.results["group_id"] is None
    assert run.results["diff"]["after"]["options"]["max_users"] == "50"
    assert run.results["configoptions"]["configoption7"] == "50"
    assert dump(whmcs) == before


def test_check_mode_on_a_converged_product_reports_no_change(tmp_path: Path, whmcs: SandboxInfo) -> None:
    args = dict(name="Mail", group=unique("Converged"), monthly_price=3, options={"offer_eas": "off"})
    assert run_product(tmp_path, whmcs, **args).results["changed"] is True
    before = dump(whmcs)
    run = run_product(tmp_path, whmcs, "--check", **args)
    assert run.results["failed"] is False, run.output
    assert run.results["changed"] is False
    assert dump(whmcs) == before


# ---------------------------------------------------------------- updates in place


def test_changing_one_option_changes_only_that_column(tmp_path: Path, whmcs: SandboxInfo) -> None:
    group = unique("One option")
    args: dict[str, Any] = dict(name="Mail", group=group, monthly_price=5, options={"gb_per_tranche": 20})
    assert run_product(tmp_path, whmcs, **args).results["changed"] is True
    product_before = product_row(whmcs, group, "Mail")
    pricing_before = pricing_rows(whmcs, product_before["id"])

    args["options"] = {"gb_per_tranche": 20, "offer_eas": False}
    run = run_product(tmp_path, whmcs, "--diff", **args)
    assert run.results["failed"] is False, run.output
    assert run.results["changed"] is True
    product_after = product_row(whmcs, group, "Mail")
    changed = {key for key in product_after if product_after[key] != product_before[key]}
    assert changed == {"configoption14", "updated_at"}
    assert (product_before["configoption14"], product_after["configoption14"]) == ("on", "")
    assert pricing_rows(whmcs, product_before["id"]) == pricing_before
    diff = run.results["diff"]
    assert (diff["before"]["options"]["offer_eas"], diff["after"]["options"]["offer_eas"]) == ("on", "")
    assert diff["before"]["pricing"] == diff["after"]["pricing"]
    assert diff["before"]["product"] == diff["after"]["product"]


def test_changing_the_price_changes_only_the_pricing_row(tmp_path: Path, whmcs: SandboxInfo) -> None:
    group = unique("Price")
    args: dict[str, Any] = dict(name="Mail", group=group, monthly_price="6.00")
    run_product(tmp_path, whmcs, **args)
    product_before = product_row(whmcs, group, "Mail")
    pricing_before = pricing_rows(whmcs, product_before["id"])

    args["monthly_price"] = 7.25
    run = run_product(tmp_path, whmcs, **args)
    assert run.results["changed"] is True, run.output
    assert product_row(whmcs, group, "Mail") == product_before  # not even updated_at
    pricing_after = pricing_rows(whmcs, product_before["id"])
    assert len(pricing_after) == 1
    changed = {key for key in pricing_after[0] if pricing_after[0][key] != pricing_before[0][key]}
    assert changed == {"monthly"}
    assert pricing_after[0]["monthly"] == Decimal("7.25")


def test_raw_configoption_keys_are_written_to_their_slots(tmp_path: Path, whmcs: SandboxInfo) -> None:
    group = unique("Raw")
    run = run_product(
        tmp_path,
        whmcs,
        name="Mail",
        group=group,
        monthly_price=1,
        options={"configoption24": "extra", "configoption7": 12, "max_users": "12"},
    )
    assert run.results["failed"] is False, run.output
    product = product_row(whmcs, group, "Mail")
    assert (product["configoption24"], product["configoption7"]) == ("extra", "12")


# ---------------------------------------------------------------- bad input: failed, nothing written


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"options": {"offer_easy": True}}, "unknown option 'offer_easy': did you mean offer_eas?"),
        ({"options": {"offer_mapi": "maybe"}}, "offer_mapi (configoption15) got 'maybe'"),
        ({"options": {"dmarc_policy": "strict"}}, "one of none, quarantine, reject"),
        ({"options": {"max_users": -1}}, "max_users (configoption7) got -1"),
        ({"server_group": "No Such Group"}, "server_group 'No Such Group' does not exist"),
        ({"currency": "XYZ"}, "currency 'XYZ' does not exist"),
        ({"monthly_price": "-2"}, "monthly_price '-2' is not an amount"),
        ({"autosetup": "sometimes"}, "autosetup 'sometimes' is not known"),
        ({"monthly_price": None}, "monthly_price is required"),
    ],
    ids=[
        "unknown-option",
        "maybe",
        "dropdown",
        "negative",
        "server-group",
        "currency",
        "price",
        "autosetup",
        "no-price",
    ],
)
def test_bad_input_fails_with_a_message_and_writes_nothing(
    tmp_path: Path, whmcs: SandboxInfo, args: dict[str, Any], expected: str
) -> None:
    task_args: dict[str, Any] = dict(name="Mail", group=unique("Bad"), monthly_price=5)
    task_args.update(args)
    if task_args["monthly_price"] is None:
        del task_args["monthly_price"]
    before = dump(whmcs)
    run = run_product(tmp_path, whmcs, **task_args)
    assert run.results["failed"] is True
    assert expected in run.results["msg"], run.results["msg"]
    assert "Traceback" not in run.output
    assert dump(whmcs) == before


def test_an_update_with_bad_input_leaves_the_product_as_it_was(tmp_path: Path, whmcs: SandboxInfo) -> None:
    group = unique("Bad update")
    run_product(tmp_path, whmcs, name="Mail", group=group, monthly_price=5)
    before = dump(whmcs)
    run = run_product(tmp_path, whmcs, name="Mail", group=group, monthly_price=9, server_group="Missing")
    assert run.results["failed"] is True and "server_group 'Missing'" in run.results["msg"]
    assert dump(whmcs) == before


# ---------------------------------------------------------------- the installed module


def test_missing_module_files_fail_outside_check_mode(tmp_path: Path, whmcs: SandboxInfo) -> None:
    before = dump(whmcs)
    missing = tmp_path / "nowhere" / "smartermail.php"
    run = run_product(
        tmp_path, whmcs, name="Mail", group=unique("No module"), monthly_price=5, module_file=str(missing)
    )
    assert run.results["failed"] is True
    assert f"{missing} does not exist; install the module files first" in run.results["msg"]
    assert dump(whmcs) == before


def test_missing_module_files_only_warn_in_check_mode(tmp_path: Path, whmcs: SandboxInfo) -> None:
    missing = tmp_path / "nowhere" / "smartermail.php"
    args = dict(name="Mail", group=unique("No module"), monthly_price=5, module_file=str(missing))
    run = run_product(tmp_path, whmcs, "--check", **args)
    assert run.results["failed"] is False and run.results["changed"] is True, run.output
    assert any("named schema only" in warning for warning in run.results.get("warnings", []))
    bad = run_product(tmp_path, whmcs, "--check", **dict(args, options={"offer_eas": "maybe"}))
    assert bad.results["failed"] is True and "offer_eas" in bad.results["msg"]


def test_a_module_with_a_different_option_count_is_refused_before_writing(
    tmp_path: Path, whmcs: SandboxInfo
) -> None:
    copy = tmp_path / "smartermail"
    shutil.copytree(FIXTURE_MODULE_DIR, copy)
    source = (copy / "smartermail.php").read_text()
    start = source.index("        'dmarc_policy' => [")
    end = source.index("        ],\n", start) + len("        ],\n")
    (copy / "smartermail.php").write_text(source[:start] + source[end:])
    before = dump(whmcs)
    run = run_product(
        tmp_path,
        whmcs,
        name="Mail",
        group=unique("Schema"),
        monthly_price=5,
        module_file=str(copy / "smartermail.php"),
    )
    assert run.results["failed"] is True
    assert "the module declares 22 settings, fewer than the 23 named ones" in run.results["msg"]
    assert dump(whmcs) == before


# ---------------------------------------------------------------- removal


def test_absent_is_refused_while_a_service_uses_the_product_then_removes_every_row(
    tmp_path: Path, whmcs: SandboxInfo
) -> None:
    group = unique("Removal")
    created = run_product(tmp_path, whmcs, name="Mail", group=group, monthly_price=5)
    product_id = created.results["product_id"]
    service_id = add_service(whmcs, product_id=product_id)

    before = dump(whmcs)
    refused = run_product(tmp_path, whmcs, name="Mail", group=group, state="absent")
    assert refused.results["failed"] is True
    assert f"(id {product_id}) is used by 1 service (1 Active) in tblhosting" in refused.results["msg"]
    assert dump(whmcs) == before

    query(whmcs, "DELETE FROM tblhosting WHERE id = %s", service_id)
    check = run_product(tmp_path, whmcs, "--check", name="Mail", group=group, state="absent")
    assert check.results["changed"] is True and pricing_rows(whmcs, product_id)

    removed = run_product(tmp_path, whmcs, "--diff", name="Mail", group=group, state="absent")
    assert removed.results["failed"] is False and removed.results["changed"] is True, removed.output
    assert removed.results["diff"]["before"]["name"] == "Mail"
    assert set(removed.results["diff"]["after"]) == {"module_hooks"}
    assert query(whmcs, "SELECT id FROM tblproducts WHERE id = %s", product_id) == []
    assert pricing_rows(whmcs, product_id) == []
    assert query(whmcs, "SELECT id FROM tblproducts_slugs WHERE product_id = %s", product_id) == []
    assert query(whmcs, "SELECT id FROM tblproductgroups WHERE name = %s", group)  # the group stays

    again = run_product(tmp_path, whmcs, name="Mail", group=group, state="absent")
    assert again.results["failed"] is False and again.results["changed"] is False


def test_products_are_removed_all_or_none(tmp_path: Path, whmcs: SandboxInfo) -> None:
    group = unique("Batch")
    ids = [
        run_product(tmp_path, whmcs, name=name, group=group, monthly_price=5).results["product_id"]
        for name in "AB"
    ]
    service_id = add_service(whmcs, product_id=ids[1])
    both = [{"name": "A", "group": group}, {"name": "B", "group": group}]

    before = dump(whmcs)
    refused = run_product(tmp_path, whmcs, products=both, state="absent")
    assert refused.results["failed"] is True
    assert refused.results["msg"].startswith("1 of the 2 products cannot be removed, so none was removed: ")
    assert f"product 'B' in group {group!r} (id {ids[1]}) is used by 1 service" in refused.results["msg"]
    assert len(refused.results["refused"]) == 1
    assert dump(whmcs) == before  # 'A', unused, is still there

    query(whmcs, "DELETE FROM tblhosting WHERE id = %s", service_id)
    removed = run_product(tmp_path, whmcs, "--diff", products=both, state="absent")
    assert removed.results["changed"] is True, removed.output
    assert [entry["product_id"] for entry in removed.results["removed"]] == ids
    assert set(removed.results["diff"]["before"]) == {f"{group} / A", f"{group} / B", "module_hooks"}
    assert query(whmcs, "SELECT id FROM tblproducts WHERE gid = %s", removed.results["group_id"] or 0) == []
    assert run_product(tmp_path, whmcs, products=both, state="absent").results["changed"] is False


def test_products_with_state_present_is_refused(tmp_path: Path, whmcs: SandboxInfo) -> None:
    run = run_product(tmp_path, whmcs, products=[{"name": "A", "group": "G"}], monthly_price=5)
    assert run.results["failed"] is True and "goes with state=absent" in run.results["msg"]


# ---------------------------------------------------------------- Require Domain and ModuleHooks


def test_an_existing_product_without_require_domain_is_corrected_as_a_planned_change(
    tmp_path: Path, whmcs: SandboxInfo
) -> None:
    group = unique("No domain")
    args: dict[str, Any] = dict(name="Mail", group=group, monthly_price=5)
    run_product(tmp_path, whmcs, **args)
    product_id = product_row(whmcs, group, "Mail")["id"]
    query(whmcs, "UPDATE tblproducts SET showdomainoptions = 0 WHERE id = %s", product_id)
    before_row = product_row(whmcs, group, "Mail")

    check = run_product(tmp_path, whmcs, "--check", "--diff", **args)
    assert check.results["failed"] is False and check.results["changed"] is True, check.output
    diff = check.results["diff"]
    assert (
        diff["before"]["product"]["showdomainoptions"],
        diff["after"]["product"]["showdomainoptions"],
    ) == (
        False,
        True,
    )
    assert product_row(whmcs, group, "Mail") == before_row  # check mode wrote nothing

    fixed = run_product(tmp_path, whmcs, **args)
    assert fixed.results["changed"] is True, fixed.output
    after_row = product_row(whmcs, group, "Mail")
    assert {key for key in after_row if after_row[key] != before_row[key]} == {
        "showdomainoptions",
        "updated_at",
    }
    assert after_row["showdomainoptions"] == 1 and after_row["type"] == "other"
    assert run_product(tmp_path, whmcs, **args).results["changed"] is False


def test_other_modules_stay_listed_in_their_order_and_a_second_run_changes_nothing(
    tmp_path: Path, whmcs: SandboxInfo
) -> None:
    set_module_hooks(whmcs, "cpanel,,plesk")
    args = dict(name="Mail", group=unique("Hooks"), monthly_price=5)
    run = run_product(tmp_path, whmcs, "--diff", **args)
    assert run.results["failed"] is False and run.results["changed"] is True, run.output
    assert setting(whmcs, "ModuleHooks") == "cpanel,plesk,smartermail"
    assert run.results["module_hooks"]["before"] == "cpanel,,plesk"
    assert run.results["module_hooks"]["after"] == "cpanel,plesk,smartermail"
    assert '-    "module_hooks": "cpanel,,plesk"' in run.output  # Ansible's --diff shows it
    assert '+    "module_hooks": "cpanel,plesk,smartermail"' in run.output

    again = run_product(tmp_path, whmcs, **args)
    assert again.results["changed"] is False, again.output
    assert setting(whmcs, "ModuleHooks") == "cpanel,plesk,smartermail"


def test_a_converged_product_whose_module_is_not_recorded_is_a_planned_change_exact_in_check_mode(
    tmp_path: Path, whmcs: SandboxInfo
) -> None:
    args = dict(name="Mail", group=unique("Unrecorded"), monthly_price=5)
    run_product(tmp_path, whmcs, **args)
    set_module_hooks(whmcs, "cpanel")  # e.g. an admin's save before the module was installed
    before = dump(whmcs)

    check = run_product(tmp_path, whmcs, "--check", "--diff", **args)
    assert check.results["failed"] is False and check.results["changed"] is True, check.output
    assert (
        check.results["diff"]["before"]["module_hooks"],
        check.results["diff"]["after"]["module_hooks"],
    ) == (
        "cpanel",
        "cpanel,smartermail",
    )
    assert check.results["diff"]["before"]["product"] == check.results["diff"]["after"]["product"]
    assert setting(whmcs, "ModuleHooks") == "cpanel" and dump(whmcs) == before

    real = run_product(tmp_path, whmcs, **args)
    assert real.results["changed"] is True
    assert setting(whmcs, "ModuleHooks") == check.results["module_hooks"]["after"]
    assert dump(whmcs) == before  # only the setting changed


def test_a_missing_module_hooks_row_is_inserted(tmp_path: Path, whmcs: SandboxInfo) -> None:
    args = dict(name="Mail", group=unique("No row"), monthly_price=5)
    run_product(tmp_path, whmcs, **args)
    set_module_hooks(whmcs, None)
    run = run_product(tmp_path, whmcs, **args)
    assert run.results["changed"] is True, run.output
    assert run.results["module_hooks"]["before"] is None
    rows = query(whmcs, "SELECT value, created_at FROM tblconfiguration WHERE setting = 'ModuleHooks'")
    assert len(rows) == 1 and rows[0]["value"] == "smartermail"
    assert str(rows[0]["created_at"]) != "0000-00-00 00:00:00"
    assert run_product(tmp_path, whmcs, **args).results["changed"] is False


def test_a_module_without_hooks_php_is_not_recorded_and_its_stale_name_is_removed(
    tmp_path: Path, whmcs: SandboxInfo
) -> None:
    copy = tmp_path / "smartermail"
    shutil.copytree(FIXTURE_MODULE_DIR, copy)
    (copy / "hooks.php").unlink()
    set_module_hooks(whmcs, "cpanel,smartermail,plesk")
    args = dict(
        name="Mail", group=unique("No hooks"), monthly_price=5, module_file=str(copy / "smartermail.php")
    )
    run = run_product(tmp_path, whmcs, **args)
    assert run.results["failed"] is False, run.output
    assert run.results["module_hooks"]["listed"] is False
    assert setting(whmcs, "ModuleHooks") == "cpanel,plesk"
    assert run_product(tmp_path, whmcs, **args).results["changed"] is False


def test_removing_the_last_product_of_the_module_drops_its_name(tmp_path: Path, whmcs: SandboxInfo) -> None:
    group = unique("Last")
    # Only this test's products use the module (earlier tests' products are not needed any more).
    query(whmcs, "DELETE FROM tblhosting")
    query(whmcs, "DELETE FROM tblproducts WHERE servertype = 'smartermail'")
    for name in ("A", "B"):
        run_product(tmp_path, whmcs, name=name, group=group, monthly_price=5)
    set_module_hooks(whmcs, "cpanel,smartermail")

    first = run_product(tmp_path, whmcs, name="A", group=group, state="absent")
    assert first.results["changed"] is True
    assert setting(whmcs, "ModuleHooks") == "cpanel,smartermail"  # B still uses the module

    check = run_product(tmp_path, whmcs, "--check", "--diff", name="B", group=group, state="absent")
    assert check.results["diff"]["after"] == {"module_hooks": "cpanel"}
    assert setting(whmcs, "ModuleHooks") == "cpanel,smartermail"

    last = run_product(tmp_path, whmcs, name="B", group=group, state="absent")
    assert last.results["changed"] is True and last.results["module_hooks"]["listed"] is False
    assert setting(whmcs, "ModuleHooks") == "cpanel"
    assert run_product(tmp_path, whmcs, name="B", group=group, state="absent").results["changed"] is False


# ---------------------------------------------------------------- two runs at once


def _waiting_sessions(info: SandboxInfo, user: str, own_ids: set[int]) -> int:
    rows = query(
        info,
        "SELECT ID AS id, STATE AS state FROM information_schema.PROCESSLIST WHERE USER = %s "
        "AND (STATE LIKE '%%lock%%')",
        user,
    )
    return sum(1 for row in rows if row["id"] not in own_ids)


def test_two_runs_at_once_write_one_group_and_one_product(tmp_path: Path, whmcs: SandboxInfo) -> None:
    """Both runs are held at their first read (a table lock) and let go together: only one may insert."""
    group = unique("Concurrent")
    args = dict(name="Email Hosting", group=group, monthly_price=6)
    user = whmcs.host(HOST)["database"]["user"]
    holder = connect_host(whmcs, HOST)
    runs: dict[str, PlaybookRun] = {}

    def run(label: str) -> None:
        (tmp_path / label).mkdir()
        runs[label] = run_product(tmp_path / label, whmcs, **args)

    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT CONNECTION_ID() AS id")
            own = {int(cursor.fetchone()["id"])}
            cursor.execute("LOCK TABLES tblcurrencies WRITE")  # the first table a product plan reads
        threads = [threading.Thread(target=run, args=(label,)) for label in ("first", "second")]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while _waiting_sessions(whmcs, user, own) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _waiting_sessions(whmcs, user, own) == 2, "both runs should be waiting by now"
    finally:
        with holder.cursor() as cursor:
            cursor.execute("UNLOCK TABLES")
        holder.close()
    for thread in threads:
        thread.join(timeout=300)

    results = [runs[label].results for label in ("first", "second")]
    assert all(result["failed"] is False for result in results), [r.get("msg") for r in results]
    assert sorted(result["changed"] for result in results) == [False, True]
    groups = query(whmcs, "SELECT id FROM tblproductgroups WHERE name = %s", group)
    assert len(groups) == 1, groups
    assert len(query(whmcs, "SELECT id FROM tblproducts WHERE gid = %s", groups[0]["id"])) == 1
