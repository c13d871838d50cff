"""The fixture SmarterMail module driven through the stand-in's localAPI against the sandbox's simulator:
AddOrder -> AcceptOrder (autosetup) runs the module's CreateAccount, which creates the domain with
its hidden admin on the simulator; ModuleSuspend / ModuleUnsuspend / ModuleTerminate switch it off,
on, and delete it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fixtures.product_settings import EXPECTED_DEFAULTS
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query
from fixtures.standin import add_client, add_product, add_server, install_module, local_api
from smartermail_whmcs.sandbox.inventory import FIXTURE_MODULE_DIR

pytestmark = pytest.mark.slow

DOMAIN = "e2e-order.test"


@pytest.fixture(scope="module")
def running() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        install_module(info.root("whmcs1"), FIXTURE_MODULE_DIR, "smartermail")
        simulator = info.simulator
        add_server(
            info,
            "smartermail",
            name="simulator",
            hostname="127.0.0.1",
            port=simulator["port"],
            secure=simulator["secure"],
            username=simulator["sysadmin"]["username"],
            password=simulator["sysadmin"]["password"],
        )
        yield info


def _domain(info: SandboxInfo, name: str) -> dict[str, Any] | None:
    state = httpx.get(f"{info.simulator['url']}/__simulator/state", verify=info.simulator_verify).json()
    return next((domain for domain in state["domains"] if domain["name"] == name), None)


def test_order_accept_creates_the_domain_then_suspend_unsuspend_terminate(running: SandboxInfo) -> None:
    root = running.root("whmcs1")
    options = {int(key.removeprefix("configoption")): value for key, value in EXPECTED_DEFAULTS.items()}
    product = add_product(running, "smartermail", name="SmarterMail Plan", configoptions=options)
    client = add_client(root, email="e2e@example.test")
    placed = local_api(
        root,
        "AddOrder",
        {"clientid": client, "paymentmethod": "mailin", "pid": [product], "domain": [DOMAIN]},
    )
    assert placed["result"] == "success"
    service_id = int(placed["serviceids"])
    assert _domain(running, DOMAIN) is None  # AddOrder does not provision

    assert local_api(root, "AcceptOrder", {"orderid": placed["orderid"], "autosetup": True}) == {
        "result": "success"
    }
    domain = _domain(running, DOMAIN)
    assert domain is not None and domain["isEnabled"] is True
    [service] = query(running, "SELECT domainstatus, username FROM tblhosting WHERE id = %s", service_id)
    assert service["domainstatus"] == "Active"
    # The hidden admin is the service's username (WHMCS generated it from the domain: 8 letters).
    assert service["username"] == "eeordert" and domain["primaryAdmin"] == "eeordert"
    log = [row["description"] for row in query(running, "SELECT description FROM tblactivitylog ORDER BY id")]
    assert f"Module Create Successful - Service ID: {service_id}" in log
    assert query(running, "SELECT id FROM tblmodulelog WHERE module = 'smartermail'") != []

    assert local_api(root, "ModuleSuspend", {"serviceid": service_id}) == {"result": "success"}
    assert _domain(running, DOMAIN)["isEnabled"] is False  # type: ignore[index]
    assert local_api(root, "ModuleUnsuspend", {"serviceid": service_id}) == {"result": "success"}
    assert _domain(running, DOMAIN)["isEnabled"] is True  # type: ignore[index]
    assert local_api(root, "ModuleTerminate", {"serviceid": service_id}) == {"result": "success"}
    assert _domain(running, DOMAIN) is None
    [service] = query(running, "SELECT domainstatus FROM tblhosting WHERE id = %s", service_id)
    assert service["domainstatus"] == "Terminated"


def test_module_error_comes_back_as_the_api_message(running: SandboxInfo) -> None:
    root = running.root("whmcs1")
    product = int(
        query(running, "SELECT id FROM tblproducts WHERE servertype = 'smartermail' LIMIT 1")[0]["id"]
    )
    client = add_client(root, email="e2e-missing@example.test")
    placed = local_api(
        root,
        "AddOrder",
        {"clientid": client, "paymentmethod": "mailin", "pid": [product], "domain": ["never-created.test"]},
    )
    answer = local_api(root, "ModuleSuspend", {"serviceid": int(placed["serviceids"])})
    assert answer == {"result": "error", "message": "Error suspending account: DOMAIN_NOT_FOUND"}
