"""localAPI billing actions on the sandbox's WHMCS stand-in: CreateInvoice, GenInvoices, GetInvoice,
and the invoice generator the cron's CreateInvoices task calls (WHMCS\\Sandbox\\Billing\\DueInvoices),
through real php and MariaDB with the recorder module and its hooks."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import subprocess
from collections.abc import Iterator

import pytest
from fixtures.standin import StandinHost, set_setting, standin_host

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def host() -> Iterator[StandinHost]:
    with standin_host() as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_recorder(host: StandinHost) -> None:
    host.recorder.reset()


def _php_today() -> dt.date:
    out = subprocess.run(
        ["php", "-r", "echo date('Y-m-d');"], capture_output=True, text=True, check=True
    ).stdout
    return dt.date.fromisoformat(out)


def _one_month_later(day: dt.date) -> dt.date:
    """The same day a month later, or that month's last day when it is shorter."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _accepted_service(host: StandinHost, domain: str, **product: object) -> tuple[int, int]:
    """(client id, service id) of an accepted monthly service whose first invoice exists already."""
    placed = host.order(host.product(**product), domain)
    assert host.api("AcceptOrder", {"orderid": placed["orderid"]}) == {"result": "success"}
    return placed["clientid"], int(placed["serviceids"])


def _make_due(host: StandinHost, service_id: int, due: dt.date) -> None:
    answer = host.api("UpdateClientProduct", {"serviceid": service_id, "nextduedate": due.isoformat()})
    assert answer == {"result": "success", "serviceid": str(service_id)}


def test_create_invoice_with_custom_lines(host: StandinHost) -> None:
    client = host.client()
    answer = host.api(
        "CreateInvoice",
        {
            "userid": client,
            "date": "2030-01-01",
            "duedate": "2030-01-08",
            "notes": "thanks",
            "itemdescription1": "Setup work",
            "itemamount1": "15.95",
            "itemtaxed1": "0",
            "itemdescription2": "Extra mailbox",
            "itemamount2": "1.05",
            "sendinvoice": True,
        },
    )
    assert answer == {"result": "success", "invoiceid": answer["invoiceid"], "status": "Unpaid"}
    invoice_id = int(answer["invoiceid"])
    [invoice] = host.rows("SELECT * FROM tblinvoices WHERE id = %s", invoice_id)
    assert (str(invoice["date"]), str(invoice["duedate"]), invoice["notes"]) == (
        "2030-01-01",
        "2030-01-08",
        "thanks",
    )
    assert (str(invoice["subtotal"]), str(invoice["total"]), invoice["paymentmethod"]) == (
        "17.00",
        "17.00",
        "mailin",
    )
    lines = host.rows(
        "SELECT type, relid, description, amount FROM tblinvoiceitems WHERE invoiceid = %s", invoice_id
    )
    assert [(line["type"], line["relid"], line["description"], str(line["amount"])) for line in lines] == [
        ("", 0, "Setup work", "15.95"),
        ("", 0, "Extra mailbox", "1.05"),
    ]
    assert host.recorder.hook_names()[-3:] == ["InvoiceCreation", "InvoiceCreationPreEmail", "InvoiceCreated"]
    vars_ = host.recorder.hooks()[-3]["vars"]
    assert vars_ == {"source": "api", "user": "system", "invoiceid": invoice_id, "status": "Unpaid"}
    assert host.activity(f"Created Invoice - Invoice ID: {invoice_id}")


def test_create_invoice_draft_and_errors(host: StandinHost) -> None:
    client = host.client()
    host.recorder.reset()
    draft = host.api(
        "CreateInvoice", {"userid": client, "draft": True, "itemdescription1": "x", "itemamount1": "1"}
    )
    assert draft["status"] == "Draft"
    assert host.recorder.hook_names() == ["InvoiceCreation"]  # no InvoiceCreated for a draft
    assert host.api("CreateInvoice", {"userid": 999999}) == {
        "result": "error",
        "message": "Client ID Not Found",
    }
    answer = host.api("CreateInvoice", {"userid": client, "draft": True, "sendinvoice": True})
    assert answer == {
        "result": "error",
        "message": "Cannot create and send a draft invoice in a single API request. Please create and send separately.",
    }


def test_gen_invoices_bills_a_due_service_once(host: StandinHost) -> None:
    client, service_id = _accepted_service(host, "due.test", monthly="7.50", name="Mail Basic")
    due = _php_today() + dt.timedelta(days=3)
    _make_due(host, service_id, due)
    host.recorder.reset()
    answer = host.api("GenInvoices", {"clientid": client})
    assert answer["result"] == "success" and answer["numcreated"] == "1"
    invoice_id = int(answer["latestinvoiceid"])
    [invoice] = host.rows("SELECT * FROM tblinvoices WHERE id = %s", invoice_id)
    assert (str(invoice["duedate"]), str(invoice["total"]), invoice["status"]) == (
        due.isoformat(),
        "7.50",
        "Unpaid",
    )
    [line] = host.rows("SELECT * FROM tblinvoiceitems WHERE invoiceid = %s", invoice_id)
    until = _one_month_later(due) - dt.timedelta(days=1)
    assert line["description"] == f"Mail Basic - due.test ({due:%d/%m/%Y} - {until:%d/%m/%Y})"
    assert (line["type"], line["relid"], str(line["amount"]), str(line["duedate"])) == (
        "Hosting",
        service_id,
        "7.50",
        due.isoformat(),
    )
    assert host.recorder.hook_names() == [
        "PreInvoicingGenerateInvoiceItems",
        "AfterInvoicingGenerateInvoiceItems",
        "InvoiceCreation",
        "InvoiceCreationPreEmail",
        "InvoiceCreated",
    ]
    assert host.recorder.hooks()[2]["vars"]["source"] == "autogen"
    assert host.api("GenInvoices", {"clientid": client}) == {"result": "success", "numcreated": "0"}
    # nextduedate moves when the invoice is paid, not when it is generated
    assert str(host.service(service_id)["nextduedate"]) == due.isoformat()


def test_gen_invoices_skips_services_not_yet_due_unless_named(host: StandinHost) -> None:
    client, service_id = _accepted_service(host, "later.test")
    _make_due(host, service_id, _php_today() + dt.timedelta(days=40))  # beyond CreateInvoiceDaysBefore (14)
    assert host.api("GenInvoices", {"clientid": client, "noemails": True}) == {
        "result": "success",
        "numcreated": "0",
    }
    host.recorder.reset()
    answer = host.api("GenInvoices", {"serviceids": [service_id], "noemails": True})
    assert answer["numcreated"] == "1"
    assert "InvoiceCreationPreEmail" not in host.recorder.hook_names()
    assert host.api("GenInvoices", {"clientid": 999999}) == {
        "result": "error",
        "message": "Client ID Not Found",
    }


def test_hook_rewrites_lines_and_totals_are_recalculated_after_it(host: StandinHost) -> None:
    client, service_id = _accepted_service(host, "tranche.test", monthly="5.00")
    _make_due(host, service_id, _php_today() + dt.timedelta(days=1))
    host.recorder.control(invoice_line_amount="18.00")
    answer = host.api("GenInvoices", {"clientid": client})
    [invoice] = host.rows(
        "SELECT subtotal, total FROM tblinvoices WHERE id = %s", int(answer["latestinvoiceid"])
    )
    assert (str(invoice["subtotal"]), str(invoice["total"])) == ("18.00", "18.00")


def test_continuous_invoicing_moves_the_next_invoice_date(host: StandinHost) -> None:
    client, service_id = _accepted_service(host, "continuous.test")
    today = _php_today()
    host.rows("UPDATE tblhosting SET nextinvoicedate = %s WHERE id = %s", today.isoformat(), service_id)
    set_setting(host.sandbox, "ContinuousInvoiceGeneration", "on")
    try:
        host.api("GenInvoices", {"clientid": client})
    finally:
        set_setting(host.sandbox, "ContinuousInvoiceGeneration", "")
    assert host.service(service_id)["nextinvoicedate"] == _one_month_later(today)


def test_get_invoice_shape_and_not_found(host: StandinHost) -> None:
    placed = host.order(host.product(monthly="9.99"), "shape.test")
    invoice = host.api("GetInvoice", {"invoiceid": placed["invoiceid"]})
    assert invoice["result"] == "success" and invoice["invoiceid"] == placed["invoiceid"]
    assert invoice["userid"] == str(placed["clientid"])
    assert (invoice["subtotal"], invoice["total"], invoice["balance"], invoice["status"]) == (
        "9.99",
        "9.99",
        "9.99",
        "Unpaid",
    )
    assert invoice["transactions"] == "" and invoice["ccgateway"] == ""
    [item] = invoice["items"]["item"]
    assert set(item) == {"id", "type", "relid", "description", "amount", "taxed"}
    assert (item["type"], item["relid"], item["amount"], item["taxed"]) == (
        "Hosting",
        placed["serviceids"],
        "9.99",
        "0",
    )
    assert host.api("GetInvoice", {"invoiceid": 999999}) == {
        "result": "error",
        "message": "Invoice ID Not Found",
    }


def test_due_invoices_generate_is_callable_as_the_cron_calls_it(host: StandinHost) -> None:
    client, service_id = _accepted_service(host, "cron.test")
    _make_due(host, service_id, _php_today() + dt.timedelta(days=5))  # today's period is billed already
    script = (
        "require $argv[1] . '/init.php';"
        "echo json_encode(WHMCS\\Sandbox\\Billing\\DueInvoices::generate([], (int) $argv[2], 'autogen'));"
    )
    done = subprocess.run(
        [
            "php",
            "-d",
            "error_reporting=-1",
            "-d",
            "display_errors=stderr",
            "-r",
            script,
            str(host.root),
            str(client),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    result = json.loads(done.stdout)
    assert result["numcreated"] == 1 and result["latestinvoiceid"] > 0
    assert (
        host.rows("SELECT userid FROM tblinvoices WHERE id = %s", result["latestinvoiceid"])[0]["userid"]
        == client
    )


def test_update_client_product_fields(host: StandinHost) -> None:
    _, service_id = _accepted_service(host, "update.test")
    answer = host.api(
        "UpdateClientProduct",
        {
            "serviceid": service_id,
            "domain": "renamed.test",
            "recurringamount": "11.00",
            "status": "Suspended",
            "diskusage": 2048,
            "servicepassword": "Updated-1",
            "unset": ["notes"],
        },
    )
    assert answer == {"result": "success", "serviceid": str(service_id)}
    service = host.service(service_id)
    assert (service["domain"], str(service["amount"]), service["domainstatus"], service["diskusage"]) == (
        "renamed.test",
        "11.00",
        "Suspended",
        2048,
    )
    products = host.api("GetClientsProducts", {"serviceid": service_id})
    assert products["products"]["product"][0]["password"] == "Updated-1"
    assert host.api("UpdateClientProduct", {"serviceid": 999999}) == {
        "result": "error",
        "message": "Service ID Not Found",
    }


def test_get_clients_products_filters_and_pages(host: StandinHost) -> None:
    client = host.client()
    product = host.product(name="Listed Plan")
    for domain in ("one.test", "two.test", "three.test"):
        host.order(product, domain, client=client)
    listed = host.api("GetClientsProducts", {"clientid": client, "limitnum": 2})
    assert (listed["clientid"], listed["totalresults"], listed["numreturned"], listed["startnumber"]) == (
        str(client),
        "3",
        2,
        0,
    )
    assert [p["domain"] for p in listed["products"]["product"]] == ["one.test", "two.test"]
    rest = host.api("GetClientsProducts", {"clientid": client, "limitstart": 2})
    assert [p["domain"] for p in rest["products"]["product"]] == ["three.test"]
    [found] = host.api("GetClientsProducts", {"domain": "two.test", "pid": product})["products"]["product"]
    assert (found["name"], found["groupname"], found["status"], found["billingcycle"]) == (
        "Listed Plan",
        "Listed Plan group",
        "Pending",
        "Monthly",
    )
    assert found["serverid"] == str(host.server_id) and found["paymentmethodname"] == "Mail In Payment"
    assert host.api("GetClientsProducts", {"clientid": 999999})["products"] == {"product": []}
