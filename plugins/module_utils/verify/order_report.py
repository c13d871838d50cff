# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``order`` check's result: one Outcome for the target, one entry per product in details.orders.

Status: FAIL when a product's order failed or anything is left behind; SKIP when the run was
cancelled and everything was removed (or for a dry run, which changes nothing); PASS otherwise.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, Dict, List, Sequence

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import Outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.order_client_area import (
    STEP_CLIENT_AREA,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.order_run import (
    PAYMENT_CYCLE,
    TEST_CLIENT,
    ProductOrder,
    ProductToOrder,
    test_email,
)

LEFT_BEHIND_HINT = (
    "remove what is left in WHMCS (Clients > search 'smartermail-whmcs verify' > Delete Client removes its "
    "orders, services and invoices) and a leftover domain with `smartermail-whmcs verify --cleanup "
    "--canary-prefix smw-order- --older-than 0s`"
)


def _server_label(server: Dict[str, Any]) -> str:
    return "%r (id %d)" % (server.get("name"), int(server["id"]))


def _passed_text(record: ProductOrder) -> str:
    client_area = ", its client-area page renders" if STEP_CLIENT_AREA in record.steps_done else ""
    return (
        "%s: %s ordered and accepted, the module's Create made the domain with hidden admin %r (logs in)%s, "
        "ModuleTerminate removed it" % (record.product.label, record.domain, record.username, client_area)
    )


def _product_text(record: ProductOrder) -> str:
    if record.failure is not None:
        return "%s: %s (test domain %s)" % (record.product.label, record.failure.summary, record.domain)
    if record.cancelled_before is not None:
        return "%s: cancelled before the %s step (test domain %s)" % (
            record.product.label,
            record.cancelled_before,
            record.domain,
        )
    return _passed_text(record)


def _cleanup_text(records: Sequence[ProductOrder]) -> str:
    left = [
        "%s: %s" % (record.product.label, ", ".join(record.left_behind))
        for record in records
        if record.left_behind
    ]
    if left:
        return "; LEFT BEHIND: " + "; ".join(left)
    if all(record.client_id is None for record in records):
        return "; nothing was created, nothing left behind"
    return "; test client, order and service removed, nothing left behind"


def order_outcome(
    records: Sequence[ProductOrder],
    products: Sequence[ProductToOrder],
    whmcs_root: str,
    php_user: str,
    server: Dict[str, Any],
    cancelled: bool,
) -> Outcome:
    """The check's outcome for the runs made (``products`` not run were cut short by a cancel)."""
    details: Dict[str, Any] = {
        "whmcs_root": whmcs_root,
        "php_user": next((record.php_user for record in records if record.php_user), php_user),
        "server_id": int(server["id"]),
        "orders": [record.as_details() for record in records],
        "products_not_run": [product.label for product in products[len(records) :]],
    }
    if not records:  # cancelled before the first product
        return Outcome.skipped("test order cancelled before it started: nothing was created", **details)
    texts = " | ".join(_product_text(record) for record in records) + _cleanup_text(records)
    hints: List[str] = []
    for record in records:
        if record.failure is not None and record.failure.hint and record.failure.hint not in hints:
            hints.append(record.failure.hint)
    left_behind = any(record.left_behind for record in records)
    if left_behind:
        hints.append(LEFT_BEHIND_HINT)
    failed = [record for record in records if record.failure is not None]
    if failed or left_behind:
        return Outcome.failed(
            "test order failed for %d of %d product(s): %s" % (len(failed), len(records), texts)
            if failed
            else "test order: %s" % texts,
            "; ".join(hints),
            **details,
        )
    if cancelled or any(record.cancelled_before for record in records):
        return Outcome.skipped("test order cancelled: %s" % texts, **details)
    return Outcome.passed(
        "%d test order(s) placed through WHMCS's localAPI (PHP as %s) and removed: %s"
        % (len(records), details["php_user"], texts),
        **details,
    )


def dry_run_outcome(
    whmcs_root: str,
    php_binary: str,
    php_user: str,
    server: Dict[str, Any],
    products: Sequence[ProductToOrder],
    payment_method: str,
    example_domain: str,
) -> Outcome:
    """What the order would do, changing nothing (``--order --dry-run``, Ansible check mode)."""
    client = "%s %s" % (TEST_CLIENT["firstname"], TEST_CLIENT["lastname"])
    plan = {}
    for product in products:
        plan[product.label] = [
            "AddClient %r <%s> (no email sent)" % (client, test_email(example_domain)),
            "AddOrder %s for a new domain like %s, %s, paid by %s, no invoice, no email"
            % (product.label, example_domain, PAYMENT_CYCLE, payment_method),
            "AcceptOrder with autosetup on server %s: the module's Create runs inside WHMCS"
            % _server_label(server),
            "check on SmarterMail: the domain exists, its hidden admin (tblhosting.username@domain) logs in "
            "with the decrypted tblhosting.password",
            "CreateSsoToken for the service's page (clientarea:product_details), its link opened from this host "
            "as a browser does: the module's page renders with the domain, no error page, no PHP error text",
            "ModuleTerminate: the module's Terminate deletes the domain",
            "PendingOrder, CancelOrder, DeleteOrder, DeleteClient: order, service, invoices and client removed",
        ]
    return Outcome.skipped(
        "dry run, nothing changed: would place %d test order(s) through localAPI in %s with %s as %s: %s; each "
        "for a new .test domain, accepted on server %s (the module's Create), checked on SmarterMail, "
        "terminated and removed with its test client"
        % (
            len(products),
            whmcs_root,
            php_binary,
            php_user,
            ", ".join(product.label for product in products),
            _server_label(server),
        ),
        dry_run=True,
        whmcs_root=whmcs_root,
        php_user=php_user,
        server_id=int(server["id"]),
        payment_method=payment_method,
        plan=plan,
    )
