"""The WHMCS stand-in runs the fixture module through a provider's flows, end to end.

One sandbox host with the install playbook run on it (as a provider's CI would do), then real
everything: the CLI (`sandbox order`, `sandbox api`, `sandbox cron`), the tree's php (localAPI,
cron, the module and its hooks.php), MariaDB and the simulator over HTTP. Each test orders its own
domain and asserts the WHMCS rows and the simulator's state:

- order → AcceptOrder runs the module's Create: the domain and its hidden admin on the simulator,
  the service Active with its username and (encrypted) password stored;
- ModuleSuspend / ModuleUnsuspend / ModuleTerminate: tblhosting and the simulator's domain;
- the cron's TenantUsageMetrics: tblserver_tenants / tbltenant_stats from the simulator's usage;
- an invoice with the module's hooks loaded: the hosting line at tranches x price, EAS/MAPI lines;
- a module whose hooks WHMCS has not detected (ModuleHooks without it): a flat line, until the
  product's Module Settings are saved (sandbox/admin.php), after which the next invoice is rewritten.
"""

from __future__ import annotations

import datetime
import json
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import whmcs_decrypt
from fixtures.install import run_playbook
from fixtures.sandbox import SandboxInfo, run_sandbox_cli, sandbox
from fixtures.sandbox_db import query
from fixtures.sandbox_simulator import LOGIN, add_protocol_mailboxes, set_sim_usage, sim
from smartermail_whmcs.sandbox.local_api import call_local_api
from smartermail_whmcs.sandbox.orders import BYTES_PER_GB, place_test_order
from smartermail_whmcs.sandbox.state import load_running_state

pytestmark = pytest.mark.slow

HOST = "whmcs1"
GB = BYTES_PER_GB
PRICE = Decimal("6.00")  # the sandbox inventory's product: 6.00 a month per 10 GB tranche
EAS_PRICE, MAPI_PRICE, BOTH_PRICE = Decimal("2.00"), Decimal("3.00"), Decimal("4.50")  # option defaults


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        run = run_playbook(info, "astral360.smartermail.install", "--skip-tags", "verify")
        assert run.returncode == 0, run.output[-3000:]
        yield info


# ------------------------------------------------------------------------------------------ helpers


def api(box: SandboxInfo, action: str, **params: Any) -> dict[str, Any]:
    return call_local_api(box.root(HOST), action, params)


def sandbox_cli(box: SandboxInfo, command: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_sandbox_cli(command, "--dir", str(box.directory), *args)


def order(box: SandboxInfo, domain: str, usage_gb: float) -> dict[str, Any]:
    """`sandbox order` as a user runs it; the service row it made."""
    done = sandbox_cli(box, "order", "--domain", domain, "--usage-gb", str(usage_gb))
    assert done.returncode == 0, done.stdout + done.stderr
    service = service_row(box, domain)
    assert f"service {service['id']} Active" in done.stdout, done.stdout
    return {**service, "stdout": done.stdout}


def service_row(box: SandboxInfo, domain: str) -> dict[str, Any]:
    rows = query(box, "SELECT * FROM tblhosting WHERE domain = %s ORDER BY id DESC", domain)
    assert rows, f"no tblhosting row for {domain}"
    return rows[0]


def invoice_lines(box: SandboxInfo, invoice_id: int) -> list[dict[str, Any]]:
    return query(box, "SELECT * FROM tblinvoiceitems WHERE invoiceid = %s ORDER BY id", invoice_id)


def invoice_total(box: SandboxInfo, invoice_id: int) -> Decimal:
    return Decimal(query(box, "SELECT total FROM tblinvoices WHERE id = %s", invoice_id)[0]["total"])


def latest_invoice_of(box: SandboxInfo, service_id: int) -> int:
    rows = query(
        box,
        "SELECT MAX(invoiceid) AS id FROM tblinvoiceitems WHERE type = 'Hosting' AND relid = %s AND invoiceid > 0",
        service_id,
    )
    assert rows[0]["id"], f"service {service_id} has no invoice"
    return int(rows[0]["id"])


def next_month_invoice(box: SandboxInfo, service_id: int) -> int:
    """Move the service's due date on a month (as a paid invoice would) and generate that invoice."""
    due = (datetime.date.today() + datetime.timedelta(days=31)).isoformat()
    api(box, "UpdateClientProduct", serviceid=service_id, nextduedate=due, nextinvoicedate=due)
    generated = api(box, "GenInvoices", serviceids=[service_id], noemails=True)
    assert generated["numcreated"] == "1", generated
    return int(generated["latestinvoiceid"])


def set_module_hooks(box: SandboxInfo, value: str) -> None:
    api(box, "SetConfigurationValue", setting="ModuleHooks", value=value)


def save_product_module_settings(box: SandboxInfo) -> list[str]:
    product_id = query(box, "SELECT id FROM tblproducts WHERE servertype = 'smartermail'")[0]["id"]
    done = subprocess.run(
        [
            "php",
            "-q",
            str(box.root(HOST) / "sandbox" / "admin.php"),
            "save-product-module-settings",
            str(product_id),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr, done.stdout + done.stderr
    return json.loads(done.stdout)["ModuleHooks"]


def sim_domain(box: SandboxInfo, domain: str) -> dict[str, Any] | None:
    with sim(box) as client:
        domains = client.get("/__simulator/state").json()["domains"]
    return next((found for found in domains if found["name"] == domain), None)


def tenant_stats(box: SandboxInfo, domain: str) -> dict[str, Decimal]:
    rows = query(
        box,
        "SELECT s.metric, s.value, s.type FROM tbltenant_stats s JOIN tblserver_tenants t ON t.id = s.tenant_id"
        " JOIN tblhosting h ON h.server = t.server_id AND h.domain = t.tenant WHERE t.tenant = %s",
        domain,
    )
    assert all(row["type"] == "snapshot" for row in rows), rows
    assert len({row["metric"] for row in rows}) == len(rows), f"one row per snapshot metric: {rows}"
    return {row["metric"]: Decimal(row["value"]) for row in rows}


# ---------------------------------------------------------------------------------------------- tests


def test_an_order_runs_the_modules_create_against_the_simulator(box: SandboxInfo) -> None:
    domain = "create-flow.test"
    service = order(box, domain, 3)
    assert service["domainstatus"] == "Active" and service["username"]
    hidden_password = whmcs_decrypt(service["password"], box.hosts[0]["cc_encryption_hash"])
    assert hidden_password and hidden_password != service["password"]  # stored encrypted
    on_sim = sim_domain(box, domain)
    assert on_sim is not None and on_sim["isEnabled"] is True
    assert on_sim["primaryAdmin"] == service["username"].lower()
    with sim(box) as client:  # the stored password is the hidden admin's real one
        login = client.post(
            LOGIN, json={"username": f"{service['username']}@{domain}", "password": hidden_password}
        )
    assert login.status_code == 200 and login.json()["isDomainAdmin"] is True, login.text
    placed = query(box, "SELECT status FROM tblorders WHERE id = %s", service["orderid"])
    assert placed == [{"status": "Active"}]
    logged = query(
        box, "SELECT description FROM tblactivitylog WHERE description LIKE %s", "Module Create Successful%"
    )
    assert f"Module Create Successful - Service ID: {service['id']}" in [row["description"] for row in logged]
    assert hidden_password not in service["stdout"]


def test_suspend_unsuspend_terminate_through_the_api_command(box: SandboxInfo) -> None:
    domain = "lifecycle-flow.test"
    service_id = order(box, domain, 1)["id"]
    expected = {
        "ModuleSuspend": ("Suspended", True, False),
        "ModuleUnsuspend": ("Active", True, True),
        "ModuleTerminate": ("Terminated", False, None),
    }
    for command, (status, on_simulator, enabled) in expected.items():
        done = sandbox_cli(box, "api", command, f"serviceid={service_id}")
        assert done.returncode == 0 and json.loads(done.stdout) == {"result": "success"}, (
            done.stdout + done.stderr
        )
        assert service_row(box, domain)["domainstatus"] == status, command
        found = sim_domain(box, domain)
        assert (found is not None) is on_simulator, command
        assert found is None or found["isEnabled"] is enabled, command
    refused = sandbox_cli(box, "api", "ModuleSuspend", "serviceid=999999")
    assert refused.returncode == 1 and json.loads(refused.stdout)["result"] == "error"
    assert refused.stderr.startswith("error: whmcs1: ModuleSuspend: ") and "Traceback" not in refused.stderr


def test_the_cron_stores_the_domains_metrics_from_the_simulator(box: SandboxInfo) -> None:
    domain = "metrics-flow.test"
    order(box, domain, 25)
    stats = tenant_stats(box, domain)
    assert stats["disk_gb"] == Decimal(25)
    assert set(stats) == {"disk_gb", "email_accounts", "aliases", "eas_accounts", "mapi_accounts"}
    add_protocol_mailboxes(box, domain, eas=["ann"], mapi=[])
    set_sim_usage(box, domain, 7.5)
    done = sandbox_cli(box, "cron", "do", "--TenantUsageMetrics")
    assert done.returncode == 0, done.stdout + done.stderr
    stats = tenant_stats(box, domain)  # snapshot metrics: the same rows, overwritten
    assert stats["disk_gb"] == Decimal("7.5") and stats["eas_accounts"] == 1
    assert stats["email_accounts"] == 2  # ann and the hidden admin


def test_an_invoice_bills_tranches_and_protocol_mailboxes_through_the_hook(box: SandboxInfo) -> None:
    assert "smartermail" in save_product_module_settings(box)
    domain = "invoice-flow.test"
    service = order(box, domain, 25)
    first = latest_invoice_of(box, service["id"])
    [hosting] = invoice_lines(box, first)
    assert hosting["type"] == "Hosting" and Decimal(hosting["amount"]) == 3 * PRICE  # 25 GB, 10 GB tranches
    assert "3 Tier(s) of 10 GB" in hosting["description"] and "3 Tier(s) of 10 GB" in service["stdout"]
    assert invoice_total(box, first) == 3 * PRICE

    add_protocol_mailboxes(box, domain, eas=["alice", "carol"], mapi=["bob", "carol"])
    second = next_month_invoice(box, service["id"])
    lines = invoice_lines(box, second)
    hosting = next(line for line in lines if line["type"] == "Hosting")
    assert Decimal(hosting["amount"]) == 3 * PRICE  # the stored metric is still 25 GB
    protocols = {line["description"].splitlines()[0]: line for line in lines if line["type"] != "Hosting"}
    assert set(protocols) == {"EAS + MAPI/Exchange:", "ActiveSync (EAS):", "MAPI/Exchange:"}
    assert Decimal(protocols["EAS + MAPI/Exchange:"]["amount"]) == BOTH_PRICE
    assert f"carol@{domain}" in protocols["EAS + MAPI/Exchange:"]["description"]
    assert Decimal(protocols["ActiveSync (EAS):"]["amount"]) == EAS_PRICE
    assert f"alice@{domain}" in protocols["ActiveSync (EAS):"]["description"]
    assert Decimal(protocols["MAPI/Exchange:"]["amount"]) == MAPI_PRICE
    assert f"bob@{domain}" in protocols["MAPI/Exchange:"]["description"]
    assert invoice_total(box, second) == 3 * PRICE + BOTH_PRICE + EAS_PRICE + MAPI_PRICE
    shown = api(box, "GetInvoice", invoiceid=second)
    assert Decimal(shown["total"]) == invoice_total(box, second)
    assert len(shown["items"]["item"]) == 4


def test_a_module_whose_hooks_were_not_detected_gets_a_flat_line_until_its_product_is_saved(
    box: SandboxInfo,
) -> None:
    set_module_hooks(box, "")  # installed without the detection step: WHMCS does not load hooks.php
    domain = "flat-flow.test"
    service = order(box, domain, 25)
    assert "note: WHMCS has not loaded the module's hooks.php" in service["stdout"]
    first = latest_invoice_of(box, service["id"])
    [flat] = invoice_lines(box, first)
    assert Decimal(flat["amount"]) == PRICE and "Tier" not in flat["description"]
    assert invoice_total(box, first) == PRICE
    assert tenant_stats(box, domain)["disk_gb"] == Decimal(25)  # metered all the same

    assert save_product_module_settings(box) == ["smartermail"]  # what Save Changes on Module Settings does
    second = next_month_invoice(box, service["id"])
    [rewritten] = invoice_lines(box, second)
    assert Decimal(rewritten["amount"]) == 3 * PRICE and "3 Tier(s) of 10 GB" in rewritten["description"]
    assert invoice_total(box, second) == 3 * PRICE


def test_orders_are_placed_for_one_reused_test_client(box: SandboxInfo) -> None:
    state = load_running_state(box.directory)
    first = place_test_order(state, HOST, "client-one.test", 0)
    second = place_test_order(state, HOST, "client-two.test", 0)
    assert first.client_id == second.client_id and first.service_id != second.service_id
    clients = query(box, "SELECT id FROM tblclients WHERE email = 'sandbox-orders@example.com'")
    assert clients == [{"id": first.client_id}]
    assert [line.amount for line in second.lines] == [PRICE]  # 0 GB: one tranche (the minimum) or a flat line
    assert second.total == PRICE


def test_a_create_the_module_refuses_is_one_clear_line(box: SandboxInfo) -> None:
    order(box, "twice-flow.test", 1)
    done = sandbox_cli(box, "order", "--domain", "twice-flow.test")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: whmcs1: the module's Create for twice-flow.test failed: ")
    assert 'Domain "twice-flow.test" already exists' in done.stderr
    pending = query(box, "SELECT domainstatus FROM tblhosting WHERE domain = 'twice-flow.test' ORDER BY id")
    assert [row["domainstatus"] for row in pending] == ["Active", "Pending"]
