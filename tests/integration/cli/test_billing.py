"""``smartermail-whmcs billing`` as a subprocess: the documented example, bad input, and a WHMCS.

With a WHMCS (a converged sandbox with one seeded 21 GB service at 6.00 a tranche of 10 GB): the
table of active services, and the proof that matters: ``--service`` previews, line by line and to
the cent, the invoice the module's own InvoiceCreation hook then writes in the sandbox's WHMCS
(storage tranches from the disk_gb metric, EAS/MAPI lines from the simulator's mailboxes), with
the product's default options and with changed ones (no combined rate, another tranche size,
price and language).
"""

from __future__ import annotations

import datetime
import json
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fixtures.cli import run_cli
from fixtures.sandbox import SandboxInfo
from fixtures.sandbox_db import query
from fixtures.sandbox_simulator import add_protocol_mailboxes, set_sim_usage
from fixtures.verify_whmcs import DOMAIN, HOST, converged_sandbox, cron
from smartermail_whmcs.sandbox.local_api import call_local_api
from smartermail_whmcs.sandbox.orders import place_test_order
from smartermail_whmcs.sandbox.state import load_running_state


def billing(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("billing", *args)


def test_the_documented_example_bills_three_tranches() -> None:
    done = billing("--price", "6", "--tranche-gb", "10", "--usage-gb", "21")
    assert done.returncode == 0, done.stderr
    assert "3 \u00d7 6.00 = 18.00" in done.stdout.splitlines()


def test_json_gives_exact_decimal_strings() -> None:
    done = billing("--price", "7.49", "--tranche-gb", "10", "--usage-gb", "10.001", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "usage_gb": "10.001",
        "tranche_gb": 10,
        "tranches": 2,
        "billed_gb": 20,
        "price": "7.49",
        "amount": "14.98",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--price", "-1", "--tranche-gb", "10", "--usage-gb", "21"), "--price must be at least 0"),
        (("--price", "6", "--tranche-gb", "0", "--usage-gb", "21"), "--tranche-gb must be more than 0"),
        (("--price", "6", "--tranche-gb", "2.5", "--usage-gb", "21"), "--tranche-gb must be a whole number"),
        (("--price", "six", "--tranche-gb", "10", "--usage-gb", "21"), "--price must be a number, not 'six'"),
        (("--price", "6", "--tranche-gb", "10", "--usage-gb", "-3"), "--usage-gb must be at least 0"),
        (("--price", "6", "--tranche-gb", "10", "--usage-gb", "nan"), "--usage-gb must be a finite number"),
        (("--price", "6", "--usage-gb", "21"), "give --tranche-gb"),
        (
            (
                "--product",
                "Email Hosting",
            ),
            "--product needs --whmcs-root",
        ),
        (("--service", "3"), "--service needs --whmcs-root"),
        (("--service", "0", "--whmcs-root", "/nowhere"), "Invalid value for '--service'"),
    ],
)
def test_bad_input_exits_2_with_a_sentence(args: tuple[str, ...], message: str) -> None:
    done = billing(*args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_tree_without_configuration_php_exits_2(tmp_path: Path) -> None:
    done = billing("--whmcs-root", str(tmp_path))
    assert done.returncode == 2 and "configuration.php" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with converged_sandbox() as info:
        yield info


@pytest.mark.slow
def test_whmcs_root_lists_each_active_service_with_its_bill(box: SandboxInfo) -> None:
    root = str(box.root(HOST))
    table = billing("--whmcs-root", root)
    assert table.returncode == 0, table.stderr
    row = next(line for line in table.stdout.splitlines() if DOMAIN in line)
    # diskusage MB (informational), disk_gb metric, tranche GB, tranches, price, storage, EAS/MAPI, total
    assert row.split()[-8:] == ["21504", "21.00", "10", "3", "6.00", "18.00", "0.00", "18.00"], table.stdout
    assert "1 active service(s); total 18.00" in table.stdout
    assert "* tblhosting.diskusage: the UsageUpdate figure, informational" in table.stdout
    # The product role recorded the module's hooks.php, so no note says WHMCS would skip the hook.
    assert "note: WHMCS does not load the module's hooks.php" not in table.stdout
    done = billing("--whmcs-root", root, "--format", "json", "--product", "Email Hosting")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    (service,) = document["services"]
    assert (service["domain"], service["diskusage_mb"], service["metric"]["disk_gb"]) == (
        DOMAIN,
        21504,
        "21.000000",
    )
    assert (service["storage"]["tranches"], service["lines"][0]["amount"], service["total"]) == (
        3,
        "18.00",
        "18.00",
    )
    # Ordered today and due today: WHMCS puts the first payment amount on the line.
    assert service["price_source"] == "first_payment" and document["total"] == "18.00"


@pytest.mark.slow
def test_mixing_whmcs_root_with_figures_is_refused(box: SandboxInfo) -> None:
    done = billing("--whmcs-root", str(box.root(HOST)), "--price", "6")
    assert done.returncode == 2 and "--price cannot be combined with --whmcs-root" in done.stderr
    other = billing("--whmcs-root", str(box.root(HOST)), "--product", "No Such Product")
    assert other.returncode == 0 and "no active services of product 'No Such Product'" in other.stdout
    missing = billing("--whmcs-root", str(box.root(HOST)), "--service", "999")
    assert (
        missing.returncode == 2
        and "--service 999: no service with that id uses the smartermail module" in (missing.stderr)
    )


# ----- the preview equals the invoice the module's hook writes ---------------------------------------


def api(box: SandboxInfo, action: str, **params: Any) -> dict[str, Any]:
    return call_local_api(box.root(HOST), action, params)


def register_hooks(box: SandboxInfo) -> None:
    """What saving the product's Module Settings does (the install does not do it yet)."""
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


def due_next_month(box: SandboxInfo, service_id: int, months: int) -> None:
    """The service's next due date moved on (as paying an invoice would), so a new invoice is due."""
    due = (datetime.date.today() + datetime.timedelta(days=31 * months)).isoformat()
    api(box, "UpdateClientProduct", serviceid=service_id, nextduedate=due, nextinvoicedate=due)


def preview(box: SandboxInfo, service_id: int) -> dict[str, Any]:
    done = billing("--whmcs-root", str(box.root(HOST)), "--service", str(service_id), "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def generate_invoice(box: SandboxInfo, service_id: int) -> tuple[list[tuple[str, str]], str]:
    """GenInvoices for the service (the hook runs inside); the invoice's (description, amount) lines and total."""
    generated = api(box, "GenInvoices", serviceids=[service_id], noemails=True)
    assert generated["numcreated"] == "1", generated
    invoice_id = int(generated["latestinvoiceid"])
    lines = query(
        box, "SELECT description, amount FROM tblinvoiceitems WHERE invoiceid = %s ORDER BY id", invoice_id
    )
    shown = api(box, "GetInvoice", invoiceid=invoice_id)
    total = query(box, "SELECT total FROM tblinvoices WHERE id = %s", invoice_id)[0]["total"]
    assert Decimal(shown["total"]) == Decimal(total)
    return [(line["description"], str(line["amount"])) for line in lines], str(total)


@pytest.fixture(scope="module")
def metered(box: SandboxInfo) -> int:
    """A second service with 25 GB and protocol mailboxes, its metric collected, its hooks registered."""
    register_hooks(box)
    domain = "preview-cents.test"
    service_id = place_test_order(load_running_state(box.directory), HOST, domain, 25).service_id
    add_protocol_mailboxes(box, domain, eas=["alice", "carol", "Dave"], mapi=["bob", "carol", "erin"])
    cron(box, "do", "--TenantUsageMetrics")
    return service_id


@pytest.mark.slow
def test_the_preview_is_the_invoice_the_hook_writes_to_the_cent(box: SandboxInfo, metered: int) -> None:
    due_next_month(box, metered, 1)
    previewed = preview(box, metered)
    lines, total = generate_invoice(box, metered)
    assert [(line["description"], line["amount"]) for line in previewed["lines"]] == lines
    assert previewed["total"] == total
    (storage_description, storage_amount), *protocols = lines
    assert storage_description.startswith(
        f"Email Hosting - preview-cents.test ({_dmy(previewed['due_date'])} - "
    )
    assert storage_description.endswith("\n\u00bb 25.00 GB used \u00b7 3 Tier(s) of 10 GB \u00d7 $6")
    assert storage_amount == "18.00"
    assert protocols == [
        ("EAS + MAPI/Exchange:\n- carol@preview-cents.test", "4.50"),
        ("ActiveSync (EAS):\n- alice@preview-cents.test\n- dave@preview-cents.test", "4.00"),
        ("MAPI/Exchange:\n- bob@preview-cents.test\n- erin@preview-cents.test", "6.00"),
    ]
    assert total == "32.50" and previewed["notes"] == [] and previewed["shared_notes"] == []


@pytest.mark.slow
def test_changed_options_price_and_language_still_match_to_the_cent(box: SandboxInfo, metered: int) -> None:
    product = query(
        box, "SELECT id, configoption1, configoption4 FROM tblproducts WHERE servertype = 'smartermail'"
    )[0]
    query(box, "UPDATE tblproducts SET configoption1 = '7', configoption4 = '' WHERE id = %s", product["id"])
    api(box, "SetConfigurationValue", setting="Language", value="french")
    api(box, "UpdateClientProduct", serviceid=metered, recurringamount="7.49")
    set_sim_usage(box, "preview-cents.test", 30.5)
    try:
        cron(box, "do", "--TenantUsageMetrics")
        due_next_month(box, metered, 2)
        previewed = preview(box, metered)
        text = billing("--whmcs-root", str(box.root(HOST)), "--service", str(metered))
        lines, total = generate_invoice(box, metered)
    finally:
        query(
            box,
            "UPDATE tblproducts SET configoption1 = %s, configoption4 = %s WHERE id = %s",
            product["configoption1"],
            product["configoption4"],
            product["id"],
        )
        api(box, "SetConfigurationValue", setting="Language", value="english")
    assert [(line["description"], line["amount"]) for line in previewed["lines"]] == lines
    assert previewed["total"] == total
    storage, eas, mapi = lines
    # 30.5 GB in 7 GB tranches: 5 x 7.49; the French label from the module's lang/french.php
    assert storage[0].endswith("\n\u00bb 30.50 Go utilis\u00e9s \u00b7 5 tranche(s) de 7 Go \u00d7 7.49 $")
    assert storage[1] == "37.45"
    # No combined rate: carol is billed on both lists, after each list's own mailboxes.
    assert eas == (
        "ActiveSync (EAS):\n- alice@preview-cents.test\n- dave@preview-cents.test\n- carol@preview-cents.test",
        "6.00",
    )
    assert mapi == (
        "MAPI/Exchange:\n- bob@preview-cents.test\n- erin@preview-cents.test\n- carol@preview-cents.test",
        "9.00",
    )
    assert total == "52.45"
    assert text.returncode == 0 and "  total" in text.stdout and text.stdout.count("52.45") == 1


def _dmy(iso: str) -> str:
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")
