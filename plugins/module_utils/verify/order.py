# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``order`` check (``verify --order``, the verify role's ``smartermail_verify_order``): opt-in.

A real test order for each product of the module, placed, provisioned and removed by the WHMCS of
the target through WHMCS's own localAPI (order_run.py has the steps), with the host's PHP run as
the web user. It applies only to a target with a WHMCS root and the ``order`` setting; with
``order_dry_run`` (``--dry-run``, Ansible check mode) it runs nothing and says what it would do.

What the order needs is read first, without changing anything: the web user php runs as (as
root without one, it is refused with the fix), this target's WHMCS server row (AcceptOrder
provisions on it), the module's products and a currency each is priced in, an active payment
gateway. Then one OrderRun per product, in id order; a cancel stops after the current product's
cleanup. Every domain is ``smw-order-<UTC time>-<random>.test`` (the canary's naming rules), so a
leftover can be removed with ``verify --cleanup --canary-prefix smw-order-``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
from typing import Any, Dict, List, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailAuthError,
    SmarterMailError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary import canary_name
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.client_area_page import (
    ClientAreaPage,
    fetch_page,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed, Outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.order_report import (
    dry_run_outcome,
    order_outcome,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.order_run import (
    OrderEnvironment,
    OrderRun,
    ProductOrder,
    ProductToOrder,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import (
    CheckSpec,
    TargetContext,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.smartermail_checks import (
    smartermail_client,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import (
    applies as whmcs_applies,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import (
    explained,
    query,
    server_row,
    setting,
    whmcs_config,
    whmcs_db,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.local_api_script import (
    LocalApiAnswer,
    run_local_api,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import whmcs_decrypt
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.servers import SERVER_TYPE
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.web_php_user import (
    WebPhpUser,
    WebUserError,
    web_php_user,
)

ORDER_PREFIX = "smw-order-"
PREFERRED_GATEWAY = "mailin"  # WHMCS's "Mail In Payment": no money moves for a test order
# A localAPI call may run the module's Create, several SmarterMail calls of up to `timeout` each.
MIN_CALL_TIMEOUT = 180.0
CALLS_PER_TIMEOUT = 6


def order_enabled(context: TargetContext) -> bool:
    return whmcs_applies(context) and bool(setting(context, "order"))


def _products(context: TargetContext) -> List[ProductToOrder]:
    name = setting(context, "whmcs_product_name")
    sql = "SELECT id, name FROM tblproducts WHERE servertype = %s AND retired = 0"
    parameters: List[Any] = [SERVER_TYPE]
    if name:
        sql += " AND name = %s"
        parameters.append(name)
    products = []
    with whmcs_db(context) as connection:
        for row in query(connection, sql + " ORDER BY id", parameters):
            # The client's currency must be one the product is priced in, or AddOrder orders nothing.
            priced = query(
                connection,
                "SELECT pr.currency FROM tblpricing pr LEFT JOIN tblcurrencies cu ON cu.id = pr.currency "
                "WHERE pr.type = 'product' AND pr.relid = %s AND pr.monthly >= 0 ORDER BY cu.`default` DESC, pr.id",
                (row["id"],),
            )
            currency = int(priced[0]["currency"]) if priced else None
            products.append(ProductToOrder(int(row["id"]), str(row["name"]), currency))
    if not products:
        raise CheckFailed(
            "no product to order: no active WHMCS product%s uses the smartermail module"
            % (" named %r" % name if name else ""),
            "create one with the install playbook's product role (smartermail_products)",
        )
    return products


def _payment_method(context: TargetContext) -> str:
    with whmcs_db(context) as connection:
        rows = query(
            connection,
            "SELECT gateway FROM tblpaymentgateways WHERE setting = 'name' ORDER BY `order`, id",
        )
    gateways = [str(row["gateway"]) for row in rows]
    if not gateways:
        raise CheckFailed(
            "no payment gateway is active in WHMCS, and AddOrder needs one",
            "activate one, e.g. Mail In Payment (System Settings > Payment Gateways)",
        )
    return PREFERRED_GATEWAY if PREFERRED_GATEWAY in gateways else gateways[0]


def _read_service(context: TargetContext, service_id: int) -> Optional[Dict[str, Any]]:
    with whmcs_db(context) as connection:
        rows = query(
            connection,
            "SELECT id, domain, domainstatus, username, password, server FROM tblhosting WHERE id = %s",
            (service_id,),
        )
    return rows[0] if rows else None


def _leftovers(
    context: TargetContext,
    client_id: Optional[int],
    order_id: Optional[int],
    service_id: Optional[int],
    email: str,
) -> List[str]:
    """What of one test order is still in the WHMCS database (labels such as 'order 12')."""
    found: List[str] = []
    lookups = [
        ("client", "SELECT id FROM tblclients WHERE id = %s OR email = %s", (client_id or 0, email)),
        ("order", "SELECT id FROM tblorders WHERE id = %s OR userid = %s", (order_id or 0, client_id or 0)),
        (
            "service",
            "SELECT id FROM tblhosting WHERE id = %s OR userid = %s",
            (service_id or 0, client_id or 0),
        ),
        ("invoice", "SELECT id FROM tblinvoices WHERE userid = %s", (client_id or 0,)),
        ("user login", "SELECT id FROM tblusers WHERE email = %s", (email,)),
    ]
    with whmcs_db(context) as connection:
        for label, sql, parameters in lookups:
            found.extend("%s %s" % (label, row["id"]) for row in query(connection, sql, parameters))
    return found


def _system_url(context: TargetContext) -> str:
    """WHMCS's SystemURL setting (the base of the links CreateSsoToken builds)."""
    with whmcs_db(context) as connection:
        rows = query(connection, "SELECT value FROM tblconfiguration WHERE setting = 'SystemURL'")
    return str(rows[0]["value"] or "") if rows else ""


def _hidden_admin_login(context: TargetContext) -> Any:
    settings = context.settings

    def login(name: str, password: str) -> None:
        with SmarterMailClient(
            settings.get("hostname") or "",
            port=settings.get("port"),
            secure=bool(settings.get("secure", True)),
            username=name,
            password=password,
            verify_tls=settings.get("verify_tls", True) is not False,
            ca_file=settings.get("ca_file") or None,
            connect_timeout=float(settings.get("connect_timeout") or 10.0),
            timeout=float(settings.get("timeout") or 30.0),
        ) as client:
            result = client.login()
            if not result.usable:
                raise SmarterMailAuthError(
                    "%s logged in but must change its password or complete two-factor authentication first"
                    % name
                )
            with contextlib.suppress(SmarterMailError):
                client.logout()

    return login


def _call_timeout(context: TargetContext) -> float:
    return max(MIN_CALL_TIMEOUT, CALLS_PER_TIMEOUT * float(setting(context, "timeout", 30.0)))


def _environment(
    context: TargetContext, user: WebPhpUser, server: Dict[str, Any], payment: str
) -> OrderEnvironment:
    root = setting(context, "whmcs_root")
    php = setting(context, "php_binary", "php")
    config = whmcs_config(context)
    secrets = [config.db_password, config.cc_encryption_hash, setting(context, "password")]
    timeout = _call_timeout(context)

    def call(action: str, params: Dict[str, Any]) -> LocalApiAnswer:
        return run_local_api(php, root, user, action, params, timeout, secrets)

    def open_page(url: str) -> ClientAreaPage:
        # The page runs the module's ClientArea (SmarterMail calls): the localAPI call's bound.
        return fetch_page(url, timeout, float(setting(context, "connect_timeout", 10.0)))

    return OrderEnvironment(
        whmcs_root=root,
        php_binary=php,
        php_user=user.name,
        call=call,
        read_service=lambda service_id: _read_service(context, service_id),
        leftovers=lambda *ids: _leftovers(context, *ids),
        decrypt=lambda stored: whmcs_decrypt(stored, config.cc_encryption_hash),
        smartermail=smartermail_client(context),
        hidden_admin_login=_hidden_admin_login(context),
        server_id=int(server["id"]),
        payment_method=payment,
        cancelled=context.cancelled,
        open_page=open_page,
        system_url=lambda: _system_url(context),
    )


def check_order(context: TargetContext) -> Outcome:
    try:
        user = web_php_user(setting(context, "whmcs_web_user"))
    except WebUserError as refusal:
        raise CheckFailed(refusal.summary, refusal.hint) from None
    server = server_row(context)
    products = _products(context)
    payment = _payment_method(context)
    php = setting(context, "php_binary", "php")
    root = setting(context, "whmcs_root")
    if setting(context, "order_dry_run"):
        return dry_run_outcome(root, php, user.name, server, products, payment, canary_name(ORDER_PREFIX))
    env = _environment(context, user, server, payment)
    records: List[ProductOrder] = []
    for product in products:
        if context.cancelled.is_set():
            break
        records.append(OrderRun(env, product, canary_name(ORDER_PREFIX)).run())
    return order_outcome(records, products, root, user.name, server, context.cancelled.is_set())


ORDER_CHECKS = [
    CheckSpec(
        "order",
        "Test order per product through WHMCS (opt-in)",
        explained(check_order),
        requires=("server", "product", "module-files", "php-version"),
        # The usage check counts the server's active services: not while the test service is one.
        after=("usage",),
        applies=order_enabled,
    )
]
