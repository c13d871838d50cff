# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify's server and product checks: what WHMCS itself will use to reach SmarterMail and sell it.

server: the tblservers row exists, is of type smartermail and enabled, and its stored password,
decrypted with this tree's cc_encryption_hash (and entity-decoded, as WHMCS hands it to modules),
logs in to SmarterMail at the row's own hostname/port/SSL setting as a system administrator.

product: each product of the module (or the one named) asks for a domain when ordered ("Require
Domain", showdomainoptions), has valid stored options (judged by the settings the installed module
offers on this host: product_schema.py), a price, and is linked to this server
(through its server group, or as the default server when it has none).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import html
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailAuthError,
    SmarterMailError,
    SmarterMailPasswordChangeRequiredError,
    SmarterMailTwoFactorRequiredError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed, Outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.product_schema import (
    HostSchema,
    host_schema,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import (
    query,
    server_label,
    server_row,
    setting,
    whmcs_config,
    whmcs_db,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import (
    WhmcsCryptoError,
    whmcs_decrypt,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.product_settings import (
    stored_option_problems,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.servers import (
    SERVER_TYPE,
    effective_port,
    row_endpoint,
)

EDIT_SERVER = "re-run the install playbook's server role or edit the server in WHMCS"
# A product that does not ask for a domain: its services reach the module's Create with domain ''.
NO_DOMAIN = (
    "it does not ask for a domain when ordered (Require Domain is off: showdomainoptions = 0), so its "
    "orders reach the module's Create with an empty domain"
)
REQUIRE_DOMAIN_HINT = (
    "turn on Require Domain: re-run the install playbook's product role (it writes showdomainoptions = 1), "
    "or tick Require Domain on the product's Details tab in WHMCS (Configuration > System Settings > "
    "Products/Services)"
)


def _stored_password(row: Dict[str, Any], cc_encryption_hash: str) -> str:
    try:
        decrypted = whmcs_decrypt(row.get("password") or "", cc_encryption_hash)
    except WhmcsCryptoError:
        raise CheckFailed(
            "the password stored in WHMCS for server %s cannot be decrypted with this tree's "
            "cc_encryption_hash" % server_label(row),
            "it was written by another WHMCS installation or the cc_encryption_hash changed: %s with the "
            "sysadmin password" % EDIT_SERVER,
        ) from None
    # WHMCS passes Sanitize::decode(decrypt(password)) to the module: the admin form stores
    # entities for & < > " ', so decode them the same way.
    return html.unescape(decrypted)


def _client(context: TargetContext, row: Dict[str, Any], password: str) -> SmarterMailClient:
    hostname, port, secure = row_endpoint(row)
    return SmarterMailClient(
        hostname,
        port=port,
        secure=secure,
        username=row.get("username") or "",
        password=password,
        verify_tls=setting(context, "verify_tls", True) is not False,
        ca_file=setting(context, "ca_file"),
        connect_timeout=setting(context, "connect_timeout", 10.0),
        timeout=setting(context, "timeout", 30.0),
    )


def _login_as_whmcs(context: TargetContext, row: Dict[str, Any], password: str) -> str:
    """Log in the way the module will; CheckFailed naming the stored value that is wrong."""
    label = server_label(row)
    username = row.get("username") or ""
    try:
        client = _client(context, row, password)
    except SmarterMailError as error:
        raise CheckFailed(
            "WHMCS server %s has an unusable address: %s" % (label, error),
            "fix the server's hostname / port in WHMCS, or %s" % EDIT_SERVER,
        ) from None
    endpoint = client.endpoint
    try:
        with client:
            try:
                result = client.login()
            except (SmarterMailTwoFactorRequiredError, SmarterMailPasswordChangeRequiredError):
                raise CheckFailed(
                    "WHMCS server %s logs in as %r, which needs two-factor authentication or a password change"
                    % (label, username),
                    "the module logs in with a password only: store a system administrator without 2FA",
                ) from None
            except SmarterMailAuthError:
                raise CheckFailed(
                    "the password stored in WHMCS for server %s is wrong: SmarterMail at %s refused user %r"
                    % (label, endpoint, username),
                    "%s (Configuration > System Settings > Servers) and store the sysadmin password; "
                    "the login was tried once only (SmarterMail's IDS blocks repeated failures)"
                    % EDIT_SERVER,
                    endpoint=endpoint,
                ) from None
            if not result.usable:
                raise CheckFailed(
                    "WHMCS server %s logs in as %r, which must complete 2FA or change its password first"
                    % (label, username),
                    "store a system administrator that can log in with its password alone",
                )
            if not result.is_sysadmin:
                raise CheckFailed(
                    "WHMCS server %s logs in to %s as %r, which is not a system administrator"
                    % (label, endpoint, username),
                    "the module creates and deletes domains: store a system administrator account",
                )
            with contextlib.suppress(SmarterMailError):  # the login is what mattered
                client.logout()
    except SmarterMailError as error:
        raise CheckFailed(
            "WHMCS server %s: SmarterMail at %s (the row's hostname, port and SSL setting) failed: %s"
            % (label, endpoint, error),
            "the checks above reached %s; if WHMCS's row points elsewhere, fix its hostname, port or "
            '"Use SSL" box: %s' % (setting(context, "hostname"), EDIT_SERVER),
            endpoint=endpoint,
        ) from None
    return endpoint


def check_server(context: TargetContext) -> Outcome:
    row = server_row(context)
    label = server_label(row)
    if row.get("type") != SERVER_TYPE:
        raise CheckFailed(
            "WHMCS server %s uses module %r, not %s" % (label, row.get("type"), SERVER_TYPE),
            "set its Module to SmarterMail in WHMCS, or %s" % EDIT_SERVER,
        )
    if int(row.get("disabled") or 0):
        raise CheckFailed(
            "WHMCS server %s is disabled: WHMCS neither provisions on it nor imports its usage" % label,
            "enable it in WHMCS (Configuration > System Settings > Servers), or set disabled: false and "
            "re-run the server role",
        )
    password = _stored_password(row, whmcs_config(context).cc_encryption_hash)
    endpoint = _login_as_whmcs(context, row, password)
    _hostname, port, secure = row_endpoint(row)
    details = {
        "server_id": int(row["id"]),
        "endpoint": endpoint,
        "active": bool(int(row.get("active") or 0)),
        "port": effective_port(port, secure),
    }
    return Outcome.passed(
        "WHMCS server %s is enabled; its stored password decrypts and logs in to %s as system administrator %r"
        % (label, endpoint, row.get("username")),
        **details,
    )


# ----- product ------------------------------------------------------------------------------------


def _products(context: TargetContext, connection: Any) -> List[Dict[str, Any]]:
    name = setting(context, "whmcs_product_name")
    if name:
        rows = query(connection, "SELECT * FROM tblproducts WHERE name = %s ORDER BY id", (name,))
        if not rows:
            raise CheckFailed(
                "no WHMCS product named %r in tblproducts" % name,
                "create it with the install playbook's product role (smartermail_products), or check the name",
            )
        return rows
    rows = query(connection, "SELECT * FROM tblproducts WHERE servertype = %s ORDER BY id", (SERVER_TYPE,))
    if not rows:
        raise CheckFailed(
            "no WHMCS product uses the smartermail module (tblproducts.servertype)",
            "create one with the install playbook's product role (smartermail_products)",
        )
    return rows


def _monthly_prices(connection: Any, product_id: Any) -> List[Dict[str, Any]]:
    return query(
        connection,
        "SELECT pr.monthly, cu.code FROM tblpricing pr LEFT JOIN tblcurrencies cu ON cu.id = pr.currency"
        " WHERE pr.type = 'product' AND pr.relid = %s ORDER BY pr.id",
        (product_id,),
    )


def _price_findings(connection: Any, product: Dict[str, Any]) -> Tuple[List[str], List[str], str]:
    """(failures, warnings, text) about the product's monthly price (the price of one tranche)."""
    prices = _monthly_prices(connection, product["id"])
    positive = [row for row in prices if row["monthly"] is not None and Decimal(row["monthly"]) > 0]
    if positive:
        return [], [], ", ".join("%s %s monthly" % (row["monthly"], row["code"] or "?") for row in positive)
    if any(row["monthly"] is not None and Decimal(row["monthly"]) == 0 for row in prices):
        return (
            [],
            ["its monthly price is 0.00, so every storage tranche would be billed 0.00"],
            "monthly 0.00",
        )
    return ["it has no monthly price in tblpricing (missing, or -1.00 = cycle off)"], [], "no monthly price"


def _link_findings(
    connection: Any, product: Dict[str, Any], server: Optional[Dict[str, Any]]
) -> Tuple[List[str], List[str]]:
    """(failures, warnings) about the product reaching this server."""
    if server is None:
        return [], ["its server link was not checked: the server row was not found (see the server check)"]
    group_id = int(product.get("servergroup") or 0)
    if group_id == 0:
        if int(server.get("active") or 0) and not int(server.get("disabled") or 0):
            return [], []
        return [
            "it has no server group, so WHMCS provisions on the default smartermail server, and server %s is not "
            "the default (active) one" % server_label(server)
        ], []
    groups = query(connection, "SELECT name FROM tblservergroups WHERE id = %s", (group_id,))
    if not groups:
        return ["its server group id %d does not exist" % group_id], []
    members = query(
        connection,
        "SELECT 1 FROM tblservergroupsrel WHERE groupid = %s AND serverid = %s",
        (group_id, server["id"]),
    )
    if not members:
        return [
            "its server group %r does not contain server %s" % (groups[0]["name"], server_label(server))
        ], []
    return [], []


def _product_findings(
    connection: Any, product: Dict[str, Any], server: Optional[Dict[str, Any]], schema: HostSchema
) -> Tuple[List[str], List[str], str]:
    failures: List[str] = [schema.failure] if schema.failure else []
    warnings: List[str] = [schema.warning] if schema.warning else []
    if product.get("servertype") != SERVER_TYPE:
        failures.append("it uses module %r, not %s" % (product.get("servertype"), SERVER_TYPE))
    if str(product.get("showdomainoptions") or "") in ("", "0"):
        failures.append(NO_DOMAIN)
    failures.extend(stored_option_problems(product, schema.specs))
    price_failures, price_warnings, price_text = _price_findings(connection, product)
    link_failures, link_warnings = _link_findings(connection, product, server)
    return failures + price_failures + link_failures, warnings + price_warnings + link_warnings, price_text


def check_product(context: TargetContext) -> Outcome:
    server: Optional[Dict[str, Any]]
    try:
        server = server_row(context)
    except CheckFailed:
        server = None  # the server check reports it; the rest of the product can still be checked
    failed: List[str] = []
    warned: List[str] = []
    fine: List[str] = []
    schema = host_schema(context)  # before the database is opened: it may run WHMCS's PHP
    with whmcs_db(context) as connection:
        for product in _products(context, connection):
            failures, warnings, price_text = _product_findings(connection, product, server, schema)
            label = "product %r (id %d)" % (product["name"], int(product["id"]))
            if failures:
                failed.append("%s: %s" % (label, "; ".join(failures + warnings)))
            elif warnings:
                warned.append("%s: %s" % (label, "; ".join(warnings)))
            else:
                fine.append("%s (%s)" % (label, price_text))
    if failed:
        hint = (
            "fix the product with the install playbook's product role (smartermail_products: options, "
            "monthly_price, server group), or in WHMCS (Products/Services > Module Settings / Pricing)"
        )
        if any(NO_DOMAIN in failure for failure in failed):
            hint = "%s; %s" % (REQUIRE_DOMAIN_HINT, hint)
        raise CheckFailed(" | ".join(failed), hint, failed_products=len(failed))
    if warned:
        return Outcome.warning(
            " | ".join(warned + fine),
            "set the product's monthly price (the price of one storage tranche) and link it to this server",
        )
    return Outcome.passed(
        "%s: module smartermail, asks for a domain, options valid, priced, linked to this server"
        % "; ".join(fine)
    )
