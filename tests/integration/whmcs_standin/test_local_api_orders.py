"""localAPI order actions on the sandbox's WHMCS stand-in: AddOrder, AcceptOrder, PendingOrder,
CancelOrder, FraudOrder and DeleteOrder, through real php and MariaDB with the recorder module."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from fixtures.sandbox_db import insert
from fixtures.standin import StandinHost, add_server, standin_host

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def host() -> Iterator[StandinHost]:
    with standin_host() as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_recorder(host: StandinHost) -> None:
    host.recorder.reset()


def _php_today() -> str:
    return subprocess.run(
        ["php", "-r", "echo date('Y-m-d');"], capture_output=True, text=True, check=True
    ).stdout


def test_add_order_creates_a_pending_order_service_and_first_invoice(host: StandinHost) -> None:
    product = host.product(monthly="5.00", prices={"annually": "50.00"}, setup_fee="2.50")
    client = host.client()
    answer = host.api(
        "AddOrder",
        {
            "clientid": client,
            "paymentmethod": "mailin",
            "pid": [product],
            "domain": ["first.test"],
            "billingcycle": ["annually"],
            "clientip": "192.0.2.7",
        },
    )
    assert answer["result"] == "success"
    assert set(answer) == {"result", "orderid", "serviceids", "addonids", "domainids", "invoiceid"}
    assert (answer["addonids"], answer["domainids"]) == ("", "")
    [order] = host.rows("SELECT * FROM tblorders WHERE id = %s", int(answer["orderid"]))
    assert order["status"] == "Pending" and order["userid"] == client and order["paymentmethod"] == "mailin"
    assert str(order["amount"]) == "52.50" and order["ipaddress"] == "192.0.2.7"
    assert order["invoiceid"] == int(answer["invoiceid"]) and len(str(order["ordernum"])) == 10
    service = host.service(int(answer["serviceids"]))
    today = _php_today()
    assert service["domainstatus"] == "Pending" and service["orderid"] == order["id"]
    assert (service["packageid"], service["domain"], service["billingcycle"]) == (
        product,
        "first.test",
        "Annually",
    )
    assert (str(service["firstpaymentamount"]), str(service["amount"])) == ("52.50", "50.00")
    assert str(service["regdate"]) == str(service["nextduedate"]) == str(service["nextinvoicedate"]) == today
    assert service["server"] == host.server_id and service["username"] == "" and service["password"] == ""
    [invoice] = host.rows("SELECT * FROM tblinvoices WHERE id = %s", order["invoiceid"])
    assert invoice["userid"] == client and invoice["status"] == "Unpaid" and str(invoice["total"]) == "52.50"
    [line] = host.rows("SELECT * FROM tblinvoiceitems WHERE invoiceid = %s", invoice["id"])
    assert (line["type"], line["relid"], str(line["amount"])) == ("Hosting", service["id"], "52.50")
    assert host.recorder.hook_names() == [
        "ClientAdd",
        "PreInvoicingGenerateInvoiceItems",
        "AfterInvoicingGenerateInvoiceItems",
        "InvoiceCreation",
        "InvoiceCreated",
    ]
    creation = host.recorder.hooks()[3]["vars"]
    assert creation == {"source": "autogen", "user": "system", "invoiceid": invoice["id"], "status": "Unpaid"}
    assert host.activity(f"New Order Placed - Order ID: {order['id']} - User ID: {client}")
    assert host.recorder.calls() == []  # AddOrder never provisions


def test_add_order_options_noinvoice_priceoverride_and_default_cycle(host: StandinHost) -> None:
    product = host.product(monthly="-1.00", prices={"quarterly": "12.00"})
    placed = host.order(
        product, "options.test", noinvoice=True, priceoverride=["3.33"], billingcycle=["monthly"]
    )
    assert placed["invoiceid"] == "0"
    service = host.service(int(placed["serviceids"]))
    assert service["billingcycle"] == "Quarterly"  # monthly is not offered: the first offered cycle
    assert (str(service["firstpaymentamount"]), str(service["amount"])) == ("3.33", "3.33")
    assert (
        host.rows("SELECT id FROM tblinvoiceitems WHERE relid = %s AND type = 'Hosting'", service["id"]) == []
    )


def test_add_order_errors(host: StandinHost) -> None:
    product = host.product()
    client = host.client()
    assert host.api("AddOrder", {"clientid": 999999, "paymentmethod": "mailin", "pid": [product]}) == {
        "result": "error",
        "message": "Client ID Not Found",
    }
    answer = host.api("AddOrder", {"clientid": client, "paymentmethod": "bitcoin", "pid": [product]})
    assert answer == {"result": "error", "message": "Invalid Payment Method. Valid options include mailin"}
    assert host.api("AddOrder", {"clientid": client, "paymentmethod": "mailin", "pid": [999999]}) == {
        "result": "error",
        "message": "No items added to cart so order cannot proceed",
    }
    assert host.rows("SELECT id FROM tblorders WHERE userid = %s", client) == []


def test_server_groups_and_a_full_default_server(host: StandinHost) -> None:
    busy = add_server(host.sandbox, "recorder", name="busy", active=False, maxaccounts=10)
    idle = add_server(host.sandbox, "recorder", name="idle", active=False, maxaccounts=10)
    group = insert(host.sandbox, "INSERT INTO tblservergroups (name, filltype) VALUES ('least full', 1)")
    for server in (busy, idle):
        insert(
            host.sandbox, "INSERT INTO tblservergroupsrel (groupid, serverid) VALUES (%s, %s)", group, server
        )
    grouped = host.product(servergroup=group)
    host.active_service("busy.test", grouped)  # both empty: the first of the least used
    second = host.order(grouped, "second.test")
    assert host.service(int(second["serviceids"]))["server"] == idle
    # The default (active) server full: the least used other server becomes the default.
    host.rows("UPDATE tblservers SET maxaccounts = 0 WHERE id = %s", host.server_id)
    try:
        moved = host.order(host.product(), "moved.test")
        chosen = host.service(int(moved["serviceids"]))["server"]
        assert chosen in (busy, idle) and chosen != host.server_id
        assert [row["id"] for row in host.rows("SELECT id FROM tblservers WHERE active = 1")] == [chosen]
    finally:
        host.rows("UPDATE tblservers SET maxaccounts = 200, active = (id = %s)", host.server_id)


def test_accept_order_with_autosetup_runs_create_and_activates(host: StandinHost) -> None:
    placed = host.order(host.product(), "accept.test")
    host.recorder.reset()
    assert host.api("AcceptOrder", {"orderid": placed["orderid"], "autosetup": True}) == {"result": "success"}
    service = host.service(int(placed["serviceids"]))
    assert service["domainstatus"] == "Active" and service["username"] == "accepttes"[:8]
    assert (
        host.rows("SELECT status FROM tblorders WHERE id = %s", int(placed["orderid"]))[0]["status"]
        == "Active"
    )
    assert [call["function"] for call in host.recorder.calls()] == ["CreateAccount"]
    assert host.recorder.hook_names() == [
        "AcceptOrder",
        "OverrideModuleUsernameGeneration",
        "PreModuleCreate",
        "AfterModuleCreate",
    ]
    assert host.recorder.hooks()[0]["vars"] == {"orderid": int(placed["orderid"])}
    log = host.activity("%Order%")
    assert "Running Module Create on Accept Pending Order" in log
    assert log[-1] == f"Order Accepted - Order ID: {placed['orderid']}"


def test_accept_order_follows_the_product_autosetup_setting(host: StandinHost) -> None:
    manual = host.order(host.product(autosetup=""), "manual.test")
    assert host.api("AcceptOrder", {"orderid": manual["orderid"]}) == {"result": "success"}
    assert host.service(int(manual["serviceids"]))["domainstatus"] == "Active"
    assert host.recorder.calls() == []
    automatic = host.order(host.product(autosetup="on"), "automatic.test")
    assert host.api("AcceptOrder", {"orderid": automatic["orderid"]}) == {"result": "success"}
    assert [call["params"]["domain"] for call in host.recorder.calls()] == ["automatic.test"]
    # "0" switches the product's setting off, as PHP reads the flag.
    off = host.order(host.product(autosetup="on"), "off.test")
    assert host.api("AcceptOrder", {"orderid": off["orderid"], "autosetup": "0"}) == {"result": "success"}
    assert len(host.recorder.calls()) == 1


def test_accept_order_applies_server_username_and_password(host: StandinHost) -> None:
    other = add_server(host.sandbox, "recorder", name="other", active=False)
    placed = host.order(host.product(), "override.test")
    answer = host.api(
        "AcceptOrder",
        {
            "orderid": placed["orderid"],
            "autosetup": True,
            "serverid": other,
            "serviceusername": "mailuser",
            "servicepassword": "Chosen-Pass-9",
        },
    )
    assert answer == {"result": "success"}
    [call] = host.recorder.calls()
    assert (call["params"]["serverid"], call["params"]["username"], call["params"]["password"]) == (
        other,
        "mailuser",
        "Chosen-Pass-9",
    )
    assert host.service(int(placed["serviceids"]))["server"] == other


def test_accept_order_module_failure_keeps_order_and_service_pending(host: StandinHost) -> None:
    placed = host.order(host.product(), "broken.test")
    host.recorder.control(CreateAccount="Domain already exists")
    answer = host.api("AcceptOrder", {"orderid": placed["orderid"], "autosetup": True})
    assert answer == {"result": "error", "message": "Domain already exists"}
    assert host.service(int(placed["serviceids"]))["domainstatus"] == "Pending"
    assert (
        host.rows("SELECT status FROM tblorders WHERE id = %s", int(placed["orderid"]))[0]["status"]
        == "Pending"
    )
    assert host.activity(f"Order Accepted - Order ID: {placed['orderid']}") == []
    # Fixed on the server side, the order can be accepted again.
    host.recorder.control()
    assert host.api("AcceptOrder", {"orderid": placed["orderid"], "autosetup": True}) == {"result": "success"}
    assert host.service(int(placed["serviceids"]))["domainstatus"] == "Active"


def test_accept_order_refuses_unknown_or_not_pending_orders(host: StandinHost) -> None:
    message = {"result": "error", "message": "Order ID not found or Status not Pending"}
    assert host.api("AcceptOrder", {"orderid": 999999}) == message
    placed = host.order(host.product(), "twice.test")
    assert host.api("AcceptOrder", {"orderid": placed["orderid"]}) == {"result": "success"}
    assert host.api("AcceptOrder", {"orderid": placed["orderid"]}) == message


def test_pending_cancel_and_delete_an_order(host: StandinHost) -> None:
    placed = host.order(host.product(), "cancel.test")
    order_id, invoice_id, service_id = (
        int(placed["orderid"]),
        int(placed["invoiceid"]),
        int(placed["serviceids"]),
    )
    assert host.api("DeleteOrder", {"orderid": order_id}) == {
        "result": "error",
        "message": "The order status must be in Cancelled or Fraud to be deleted",
    }
    assert host.api("AcceptOrder", {"orderid": order_id}) == {"result": "success"}
    assert host.api("CancelOrder", {"orderid": order_id}) == {
        "result": "error",
        "message": "Order ID not found or Status not Pending",
    }
    assert host.api("PendingOrder", {"orderid": order_id}) == {"result": "success"}
    assert host.service(service_id)["domainstatus"] == "Pending"
    assert host.api("CancelOrder", {"orderid": order_id}) == {"result": "success"}
    assert host.service(service_id)["domainstatus"] == "Cancelled"
    assert host.rows("SELECT status FROM tblinvoices WHERE id = %s", invoice_id)[0]["status"] == "Cancelled"
    assert host.recorder.calls() == []  # nothing was provisioned, nothing to terminate
    assert host.api("DeleteOrder", {"orderid": order_id}) == {"result": "success"}
    assert host.rows("SELECT id FROM tblorders WHERE id = %s", order_id) == []
    assert host.rows("SELECT id FROM tblhosting WHERE id = %s", service_id) == []
    assert host.rows("SELECT id FROM tblinvoices WHERE id = %s", invoice_id) == []
    assert host.rows("SELECT id FROM tblinvoiceitems WHERE invoiceid = %s", invoice_id) == []
    assert [name for name in host.recorder.hook_names() if name.endswith("Order")] == [
        "AcceptOrder",
        "PendingOrder",
        "CancelOrder",
        "DeleteOrder",
    ]
    assert host.activity(f"% Order ID: {order_id}")[-3:] == [
        f"Order Status set to Pending - Order ID: {order_id}",
        f"Order Status set to Cancelled - Order ID: {order_id}",
        f"Deleted Order - Order ID: {order_id}",
    ]
    for action in ("PendingOrder", "FraudOrder"):
        assert host.api(action, {"orderid": order_id}) == {"result": "error", "message": "Order ID Not Found"}
    assert host.api("DeleteOrder", {"orderid": order_id}) == {
        "result": "error",
        "message": "Order ID not found",
    }


def test_fraud_order_terminates_active_services(host: StandinHost) -> None:
    placed = host.order(host.product(), "fraud.test")
    assert host.api("AcceptOrder", {"orderid": placed["orderid"], "autosetup": True}) == {"result": "success"}
    assert host.api("FraudOrder", {"orderid": placed["orderid"]}) == {"result": "success"}
    assert [call["function"] for call in host.recorder.calls()] == ["CreateAccount", "TerminateAccount"]
    assert host.service(int(placed["serviceids"]))["domainstatus"] == "Fraud"
    assert host.activity("Running Module Terminate on Order Cancel")
    invoice = host.rows("SELECT status FROM tblinvoices WHERE id = %s", int(placed["invoiceid"]))[0]
    assert invoice["status"] == "Cancelled"
    assert "InvoiceCancelled" in host.recorder.hook_names()


def test_malformed_values_are_refused_without_php_warnings(host: StandinHost) -> None:
    # local_api fails on any php output to stderr, so these also prove there was no warning.
    client = host.client()
    answer = host.api(
        "AddOrder",
        {
            "clientid": client,
            "paymentmethod": "mailin",
            "pid": [[1]],
            "domain": [["x"]],
            "billingcycle": {"a": 1},
        },
    )
    assert answer == {"result": "error", "message": "No items added to cart so order cannot proceed"}
    assert host.api("AcceptOrder", {"orderid": {"id": 1}, "servicepassword": ["x"]}) == {
        "result": "error",
        "message": "Order ID not found or Status not Pending",
    }
