"""A test order on a sandbox host: what a customer's order and the module's Create leave behind.

The domain is created on the simulator the way the module's Create does (a hidden admin with a
random 10-letter name and a strong password, the product's domain path), its disk usage is set
through the simulator's control API, the active WHMCS service row is written (the hidden admin's
password encrypted with the host's key, as WHMCS stores it), and the host's cron imports the usage
(`cron.php do --UpdateServerUsage`, the module's UsageUpdate).
"""

from __future__ import annotations

import secrets
import ssl
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import SmarterMailError
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    read_whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    WhmcsDbError,
    connect,
    transaction,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import whmcs_encrypt

from smartermail_whmcs.errors import ConfigError, StageError
from smartermail_whmcs.sandbox.state import HostRecord, SandboxState
from smartermail_whmcs.sandbox.tree import run_cron

BYTES_PER_GB = 1024**3
# Every NOT NULL column of tblhosting without a default, with what a fresh order holds.
SERVICE_INSERT = (
    "INSERT INTO tblhosting (userid, orderid, packageid, server, regdate, domain, paymentmethod, amount,"
    " firstpaymentamount, billingcycle, nextduedate, nextinvoicedate, domainstatus, username, password, notes,"
    " subscriptionid, promoid, suspendreason, overideautosuspend, overidesuspenduntil, dedicatedip,"
    " assignedips, ns1, ns2)"
    " VALUES (0, 0, %s, %s, CURDATE(), %s, 'mailin', %s, %s, 'Monthly', CURDATE(), CURDATE(), 'Active', %s,"
    " %s, '', '', 0, '', 0, '0000-00-00', '', '', '', '')"
)


@dataclass(frozen=True)
class TestOrder:
    host: str
    domain: str
    service_id: int
    usage_bytes: int


def _hidden_admin() -> tuple[str, str]:
    """The module's hidden admin: 10 random lowercase letters, a 24-character strong password."""
    username = "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))
    alphabet = string.ascii_letters + string.digits + "!#%*-_"
    password = "Aa1!" + "".join(secrets.choice(alphabet) for _ in range(20))
    return username, password


def _find_host(state: SandboxState, name: str) -> HostRecord:
    for host in state.hosts:
        if host.name == name:
            return host
    raise ConfigError(f"no sandbox host {name!r}; hosts: {', '.join(h.name for h in state.hosts)}")


def _installed_ids(cursor: Any, host: str) -> tuple[int, int, str, str]:
    """(server id, product id, product price, domain path option) of the installed module."""
    cursor.execute("SELECT id FROM tblservers WHERE type = 'smartermail' ORDER BY active DESC, id LIMIT 1")
    server = cursor.fetchone()
    cursor.execute(
        "SELECT p.id, p.configoption5, COALESCE(pr.monthly, 0) AS monthly FROM tblproducts p"
        " LEFT JOIN tblpricing pr ON pr.relid = p.id AND pr.type = 'product'"
        " WHERE p.servertype = 'smartermail' ORDER BY p.id LIMIT 1"
    )
    product = cursor.fetchone()
    if server is None or product is None:
        raise StageError(
            f"{host}: no SmarterMail server or product in WHMCS yet: run the install playbook first"
        )
    return int(server["id"]), int(product["id"]), str(product["monthly"]), str(product["configoption5"] or "")


def place_test_order(state: SandboxState, host_name: str, domain: str, usage_gb: float) -> TestOrder:
    """Create the domain with a hidden admin, record the active service, import its usage."""
    if usage_gb < 0:
        raise ConfigError(f"--usage-gb must be 0 or more, got {usage_gb}")
    host = _find_host(state, host_name)
    simulator = state.simulator
    assert simulator is not None
    root = Path(host.whmcs_root)
    config = read_whmcs_config(root)
    admin_username, admin_password = _hidden_admin()
    usage_bytes = int(usage_gb * BYTES_PER_GB)
    try:
        connection = connect(config)
        try:
            with transaction(connection) as cursor:
                server_id, product_id, price, domain_path = _installed_ids(cursor, host_name)
            client = _sysadmin_client(state)
            with client:
                _create_domain(client, domain, domain_path + domain, admin_username, admin_password)
                try:
                    with transaction(connection) as cursor:
                        cursor.execute(
                            SERVICE_INSERT,
                            (
                                product_id,
                                server_id,
                                domain,
                                price,
                                price,
                                admin_username,
                                whmcs_encrypt(admin_password, config.cc_encryption_hash),
                            ),
                        )
                        service_id = int(cursor.lastrowid)
                except WhmcsDbError:
                    client.delete_domain(domain, delete_files=True)  # no service row: no domain either
                    raise
        finally:
            connection.close()
    except WhmcsDbError as error:
        raise StageError(f"{host_name}: {error}") from error
    verify = ssl.create_default_context(cafile=simulator.ca_file) if simulator.ca_file else True
    answer = httpx.post(
        f"{simulator.url}/__simulator/domains/{domain}/usage", json={"bytes": usage_bytes}, verify=verify
    )
    if answer.status_code != 200:
        raise StageError(f"the simulator refused the usage of {domain}: HTTP {answer.status_code}")
    run_cron(root, "do", "--UpdateServerUsage")  # the module's UsageUpdate imports the usage
    return TestOrder(host=host_name, domain=domain, service_id=service_id, usage_bytes=usage_bytes)


def _sysadmin_client(state: SandboxState) -> SmarterMailClient:
    simulator = state.simulator
    assert simulator is not None
    return SmarterMailClient(
        "127.0.0.1",
        port=simulator.port,
        secure=simulator.secure,
        username=simulator.sysadmin.username,
        password=simulator.sysadmin.password,
        ca_file=simulator.ca_file,
    )


def _create_domain(
    client: SmarterMailClient, domain: str, path: str, admin_username: str, admin_password: str
) -> None:
    try:
        client.add_domain(domain, path=path, admin_username=admin_username, admin_password=admin_password)
    except SmarterMailError as error:
        raise StageError(f"creating {domain} on the simulator failed: {error}") from error
