"""A test order on a sandbox host, placed the way a customer's order goes through WHMCS.

Every WHMCS step goes through the host's own localAPI and cron (real php, the module's own code):

1. AddClient: a test client (reused when an earlier order made it); its client-area login (e-mail
   and a random password) is recorded in DIR/sandbox.json for the demo and the client-area tests;
2. AddOrder: the installed module's product for the domain, Mail In Payment, monthly. ``noinvoice``:
   the invoice is generated in step 6, after the usage is metered, so that it shows what the
   module bills for that usage (a checkout's invoice is made before any usage exists);
3. AcceptOrder with autosetup: the module's Create runs against the simulator (domain, hidden admin);
4. the domain's disk usage is set through the simulator's control API;
5. the cron's usage tasks: ``do --UpdateServerUsage --TenantUsageMetrics`` (UsageUpdate and the
   module's MetricProvider);
6. the service is made due (UpdateClientProduct: next due and next invoice date today), then
   GenInvoices for it, which fires the module's InvoiceCreation hook when WHMCS has loaded it;
7. GetInvoice: the lines and the total.
"""

from __future__ import annotations

import datetime
import secrets
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    WhmcsConfigError,
    read_whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    WhmcsDbError,
    connect,
    transaction,
)

from smartermail_whmcs.errors import ConfigError, StageError
from smartermail_whmcs.sandbox.local_api import LocalApiError, call_local_api
from smartermail_whmcs.sandbox.state import HostRecord, SandboxState, TestClientRecord, save_state
from smartermail_whmcs.sandbox.tree import run_cron

BYTES_PER_GB = 1024**3
MODULE = "smartermail"
USAGE_TASKS = ("--UpdateServerUsage", "--TenantUsageMetrics")
# The test client every sandbox order is placed for (reused: one client, many services).
TEST_CLIENT = {
    "firstname": "Sandbox",
    "lastname": "Customer",
    "companyname": "Sandbox Test Orders",
    "email": "sandbox-orders@example.com",
    "address1": "1 Test Street",
    "city": "Testville",
    "state": "Test State",
    "postcode": "00000",
    "country": "US",
    "phonenumber": "5550100",
}
PAYMENT_METHOD = "mailin"
BILLING_CYCLE = "monthly"


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    amount: Decimal


@dataclass(frozen=True)
class PlacedOrder:
    host: str
    domain: str
    client_id: int
    order_id: int
    service_id: int
    username: str  # the service's username after Create (the module's hidden admin)
    status: str  # tblhosting.domainstatus as GetClientsProducts reports it
    usage_bytes: int
    invoice_id: int
    lines: tuple[InvoiceLine, ...]
    total: Decimal
    hooks_loaded: bool  # the module is in tblconfiguration.ModuleHooks (its hooks.php runs)


@dataclass(frozen=True)
class HostCatalogue:
    """What the order needs to know from the host's database before it calls the API."""

    product_id: int
    client_id: int | None  # the test client, when an earlier order made it


def find_host(state: SandboxState, name: str) -> HostRecord:
    for host in state.hosts:
        if host.name == name:
            return host
    raise ConfigError(f"no sandbox host {name!r}; hosts: {', '.join(h.name for h in state.hosts)}")


def _read_catalogue(root: Path, host: str) -> HostCatalogue:
    """The module's first product (with an enabled server) and the test client, read only.

    No product or no server: the "install first" refusal, before anything is written.
    """
    try:
        connection = connect(read_whmcs_config(str(root)))
        try:
            with transaction(connection) as cursor:
                cursor.execute(
                    "SELECT COUNT(*) AS n FROM tblservers WHERE type = %s AND disabled = 0", (MODULE,)
                )
                servers = int(cursor.fetchone()["n"])
                cursor.execute(
                    "SELECT id FROM tblproducts WHERE servertype = %s AND retired = 0 ORDER BY id LIMIT 1",
                    (MODULE,),
                )
                product = cursor.fetchone()
                cursor.execute(
                    "SELECT id FROM tblclients WHERE email = %s ORDER BY id LIMIT 1", (TEST_CLIENT["email"],)
                )
                client = cursor.fetchone()
        finally:
            connection.close()
    except (WhmcsConfigError, WhmcsDbError) as error:
        raise StageError(f"{host}: {error}") from error
    if not servers or product is None:
        raise StageError(
            f"{host}: no SmarterMail server or product in WHMCS yet: run the install playbook first"
        )
    return HostCatalogue(int(product["id"]), None if client is None else int(client["id"]))


def _add_test_client(state: SandboxState, host: HostRecord) -> int:
    """AddClient for the test client; its client-area login is kept in sandbox.json (mode 0600)."""
    password = secrets.token_urlsafe(18)
    root = Path(host.whmcs_root)
    added = call_local_api(root, "AddClient", {**TEST_CLIENT, "password2": password, "noemail": True})
    client_id = int(added["clientid"])
    host.test_client = TestClientRecord(client_id=client_id, email=TEST_CLIENT["email"], password=password)
    save_state(state)
    return client_id


def _first_id(value: Any) -> int:
    """AddOrder answers id lists as comma-separated strings ("12" or "12,13")."""
    return int(str(value).split(",")[0])


def _simulator_verify(state: SandboxState) -> ssl.SSLContext | bool:
    simulator = state.simulator
    assert simulator is not None
    return ssl.create_default_context(cafile=simulator.ca_file) if simulator.ca_file else True


def _simulator_call(
    state: SandboxState, method: str, path: str, body: dict[str, Any] | None = None
) -> httpx.Response:
    """One request to the simulator's control API (/__simulator/...)."""
    assert state.simulator is not None
    url = f"{state.simulator.url}/__simulator/{path}"
    try:
        return httpx.request(method, url, json=body, verify=_simulator_verify(state), timeout=30.0)
    except httpx.HTTPError as error:
        raise StageError(f"the simulator at {state.simulator.url} did not answer: {error}") from error


def _set_usage(state: SandboxState, domain: str, usage_bytes: int) -> None:
    answer = _simulator_call(state, "POST", f"domains/{domain}/usage", {"bytes": usage_bytes})
    if answer.status_code != 200:
        raise StageError(f"the simulator refused the usage of {domain}: HTTP {answer.status_code}")


def simulator_domain(state: SandboxState, domain: str) -> dict[str, Any] | None:
    """The domain as the simulator's state shows it (isEnabled, users, activeSync…), or None."""
    answer = _simulator_call(state, "GET", "state")
    if answer.status_code != 200:
        raise StageError(f"the simulator's state could not be read: HTTP {answer.status_code}")
    for found in answer.json().get("domains", []):
        if str(found.get("name", "")).lower() == domain.lower():
            return dict(found)
    return None


def _invoice_lines(invoice: dict[str, Any]) -> tuple[InvoiceLine, ...]:
    items = (invoice.get("items") or {}).get("item") or []
    return tuple(InvoiceLine(str(item["description"]), Decimal(str(item["amount"]))) for item in items)


def _hooks_loaded(root: Path) -> bool:
    answer = call_local_api(root, "GetConfigurationValue", {"setting": "ModuleHooks"})
    return MODULE in str(answer.get("value", "")).split(",")


def _accept(root: Path, host: str, domain: str, order_id: int) -> None:
    try:
        call_local_api(root, "AcceptOrder", {"orderid": order_id, "autosetup": True, "sendemail": False})
    except LocalApiError as error:
        raise StageError(
            f"{host}: the module's Create for {domain} failed: {error.api_message} (order {order_id} stays Pending)"
        ) from error


def _invoice_now(root: Path, client_id: int, service_id: int) -> int:
    """Make the service due today and generate its invoice; the invoice id."""
    today = datetime.date.today().isoformat()
    call_local_api(
        root, "UpdateClientProduct", {"serviceid": service_id, "nextduedate": today, "nextinvoicedate": today}
    )
    generated = call_local_api(
        root, "GenInvoices", {"clientid": client_id, "serviceids": [service_id], "noemails": True}
    )
    if not int(generated.get("numcreated") or 0):
        raise StageError(f"GenInvoices created no invoice for service {service_id}")
    return int(generated["latestinvoiceid"])


def place_test_order(state: SandboxState, host_name: str, domain: str, usage_gb: float) -> PlacedOrder:
    """Order, accept (the module's Create), meter and invoice one service for ``domain``."""
    if usage_gb < 0:
        raise ConfigError(f"--usage-gb must be 0 or more, got {usage_gb}")
    if not domain.strip():
        raise ConfigError("--domain must not be empty")
    host = find_host(state, host_name)
    root = Path(host.whmcs_root)
    catalogue = _read_catalogue(root, host_name)
    client_id = catalogue.client_id or _add_test_client(state, host)
    ordered = call_local_api(
        root,
        "AddOrder",
        {
            "clientid": client_id,
            "paymentmethod": PAYMENT_METHOD,
            "pid": [catalogue.product_id],
            "domain": [domain],
            "billingcycle": [BILLING_CYCLE],
            "noinvoice": True,
            "noemail": True,
        },
    )
    order_id, service_id = int(ordered["orderid"]), _first_id(ordered["serviceids"])
    _accept(root, host_name, domain, order_id)
    usage_bytes = int(usage_gb * BYTES_PER_GB)
    _set_usage(state, domain, usage_bytes)
    run_cron(root, "do", *USAGE_TASKS)
    invoice_id = _invoice_now(root, client_id, service_id)
    invoice = call_local_api(root, "GetInvoice", {"invoiceid": invoice_id})
    service = call_local_api(root, "GetClientsProducts", {"serviceid": service_id})["products"]["product"][0]
    return PlacedOrder(
        host=host_name,
        domain=domain,
        client_id=client_id,
        order_id=order_id,
        service_id=service_id,
        username=str(service.get("username", "")),
        status=str(service.get("status", "")),
        usage_bytes=usage_bytes,
        invoice_id=invoice_id,
        lines=_invoice_lines(invoice),
        total=Decimal(str(invoice.get("total", "0"))),
        hooks_loaded=_hooks_loaded(root),
    )


def describe_order(order: PlacedOrder) -> Iterator[str]:
    """What ``sandbox order`` and the demo print: the order, the service and the invoice lines."""
    yield (
        f"{order.host}: order {order.order_id} for {order.domain} accepted: service {order.service_id} "
        f"{order.status} (client {order.client_id}, username {order.username})"
    )
    yield f"usage: {order.usage_bytes / BYTES_PER_GB:.2f} GB (cron.php do {' '.join(USAGE_TASKS)})"
    yield f"invoice {order.invoice_id}:"
    width = max((len(line) for item in order.lines for line in item.description.splitlines()), default=0)
    for item in order.lines:
        first, *rest = item.description.splitlines() or [""]
        yield f"  {first:<{width}}  {item.amount:>10}"
        yield from (f"    {more}" for more in rest)
    yield f"  {'total':<{width}}  {order.total:>10}"
    if not order.hooks_loaded:
        yield (
            f"note: WHMCS has not loaded the module's hooks.php (tblconfiguration.ModuleHooks lacks "
            f"'{MODULE}'), so the invoice has no tranche or protocol lines; saving the product's Module "
            f"Settings registers it (sandbox: php sandbox/admin.php save-product-module-settings <pid>)"
        )
