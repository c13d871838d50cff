# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SmarterMail product in the WHMCS database: group, product, pricing and slug rows.

What the admin area's "Create a New Product" + "Module Settings" + "Pricing" tabs would write,
done directly in the tables (the AddProduct API only takes configoption1..6):

* ``build_request(params)`` checks the user's input (pure);
* ``plan_product(cursor, request)`` / ``plan_removal(cursor, name, group)`` read the database and
  compute exactly what must change, with a before/after diff (check mode stops here);
* ``apply_plan(cursor, plan)`` writes it; call it inside ``whmcs_db.transaction()`` so a failure
  leaves nothing behind.

A product is identified by its name inside its product group. Its managed fields (type, module,
pay type, description, hidden, Require Domain, auto setup, server group, configoption1..24), its pricing row in
one currency (monthly only: other cycles -1.00, other setup fees 0.00) and its slug row are kept
as declared; every other NOT NULL column gets a neutral value when the row is created and is
left alone afterwards.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

import datetime
import difflib
import re
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.common.sql import insert_row, update_row
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import WhmcsDbError
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.errors import WhmcsChangeError
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.product_settings import (
    OPTIONS,
    ModuleOptionError,
    OptionSpec,
    money_text,
    named_options,
    resolve_options,
    split_options,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.slugs import slugify

try:
    import pymysql
except ImportError:  # pragma: no cover - whmcs_db explains the missing driver
    pymysql = None  # type: ignore[assignment]

__all__ = [
    "AUTOSETUP_CHOICES",
    "MODULE_NAME",
    "PRODUCT_TYPE",
    "REQUIRE_DOMAIN",
    "ProductPlan",
    "ProductRequest",
    "WhmcsProductError",
    "apply_plan",
    "build_request",
    "normalise_autosetup",
    "plan_product",
    "plan_removal",
    "removal_targets",
]

MODULE_NAME = "smartermail"
# Product type "Other": WHMCS's hosting types are for control-panel web hosting accounts (their
# client area shows the server's IP and nameservers as "Hosting Information") and Server/VPS asks
# for a hostname and root password; email on SmarterMail is neither. The domain the module needs
# comes from "Require Domain" (showdomainoptions), which is independent of the type. Sources and
# reasons: docs/verify.md "product" and docs/troubleshooting.md.
PRODUCT_TYPE = "other"
# "Require Domain" on: the order form asks for a domain, which becomes tblhosting.domain, the
# $params['domain'] the module keys everything on (an empty one breaks Create).
REQUIRE_DOMAIN = 1
AUTOSETUP_CHOICES = ("", "on", "payment", "order")
# Friendly words for tblproducts.autosetup ('' never, 'on' when an admin accepts the order,
# 'payment' on the first payment, 'order' as soon as the order is placed).
_AUTOSETUP_ALIASES = {
    "": "",
    "never": "",
    "off": "",
    "no": "",
    "none": "",
    "manual": "",
    "on": "on",
    "accept": "on",
    "accepted": "on",
    "on_accept": "on",
    "payment": "payment",
    "first_payment": "payment",
    "on_payment": "payment",
    "order": "order",
    "on_order": "order",
    "immediately": "order",
}
_CYCLES = ("monthly", "quarterly", "semiannually", "annually", "biennially", "triennially")
_SETUP_FEES = ("msetupfee", "qsetupfee", "ssetupfee", "asetupfee", "bsetupfee", "tsetupfee")
_OPTION_COLUMNS = tuple("configoption%d" % slot for slot in range(1, 25))
# Managed product fields shown in the diff (configoptions are shown by name under "options").
_PRODUCT_FIELDS = (
    "name",
    "type",
    "servertype",
    "paytype",
    "description",
    "hidden",
    "showdomainoptions",
    "autosetup",
    "servergroup",
)
# Values for the NOT NULL columns nobody asked about, on creation only.
_PRODUCT_NEUTRAL = {
    "welcomeemail": 0,
    "stockcontrol": 0,
    "qty": 0,
    "proratabilling": 0,
    "proratadate": 0,
    "proratachargenextmonth": 0,
    "allowqty": 0,
    "subdomain": "",
    "freedomain": "",
    "freedomainpaymentterms": "",
    "freedomaintlds": "",
    "recurringcycles": 0,
    "autoterminatedays": 0,
    "autoterminateemail": 0,
    "configoptionsupgrade": 0,
    "billingcycleupgrade": "",
    "upgradeemail": 0,
    "overagesenabled": "",
    "overagesdisklimit": 0,
    "overagesbwlimit": 0,
    "overagesdiskprice": "0.0000",
    "overagesbwprice": "0.0000",
    "tax": 0,
    "affiliateonetime": 0,
    "affiliatepaytype": "",
    "affiliatepayamount": "0.00",
    "order": 0,
    "retired": 0,
    "is_featured": 0,
    "color": "",
    "tagline": "",
    "short_description": "",
}
_ER_NO_SUCH_TABLE = 1146
_NUMERIC_TYPES = ("int", "tinyint", "smallint", "mediumint", "bigint", "decimal", "float", "double", "bit")


class WhmcsProductError(WhmcsChangeError):
    """The product cannot be written as asked; the message says which input and what to do."""


class ProductRequest(NamedTuple):
    name: str
    group: str
    description: str
    hidden: bool
    monthly_price: str
    setup_fee: str
    currency: Optional[str]
    server_group: Optional[str]
    autosetup: str
    configoptions: Dict[str, str]
    # The module's settings the options were checked against (module_schema), and option names
    # left for that check because the named schema does not know them (before the module is read).
    specs: Tuple[OptionSpec, ...] = OPTIONS
    unchecked: Tuple[str, ...] = ()


class ProductPlan(NamedTuple):
    """What apply_plan() will do; ``changed`` is False when the database already matches."""

    state: str
    name: str
    group: str
    group_id: Optional[int]
    product_id: Optional[int]
    group_insert: Optional[Dict[str, Any]]
    product_insert: Optional[Dict[str, Any]]
    product_update: Dict[str, Any]
    pricing_id: Optional[int]
    pricing_insert: Optional[Dict[str, Any]]
    pricing_update: Dict[str, Any]
    slug_insert: Optional[Dict[str, Any]]
    delete: bool
    before: Dict[str, Any]
    after: Dict[str, Any]

    @property
    def changed(self) -> bool:
        return bool(
            self.group_insert
            or self.product_insert
            or self.product_update
            or self.pricing_insert
            or self.pricing_update
            or self.slug_insert
            or self.delete
        )


# ---------------------------------------------------------------- input


def normalise_autosetup(value: Any) -> str:
    """'' / 'on' / 'payment' / 'order', from those or a friendly alias (YAML booleans too)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "on"
    word = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if word in _AUTOSETUP_ALIASES:
        return _AUTOSETUP_ALIASES[word]
    raise WhmcsProductError(
        "autosetup %r is not known; use '' (never), 'on' (when you accept the order), 'payment' "
        "(on first payment) or 'order' (as soon as the order is placed)" % (value,)
    )


def _amount(value: Any, parameter: str, default: Optional[str] = None) -> str:
    if value is None or value == "":
        if default is None:
            raise WhmcsProductError(
                "%s is required: the price per storage tranche per month, e.g. 6.00" % parameter
            )
        return default
    try:
        return money_text(value)
    except ValueError:
        raise WhmcsProductError(
            "%s %r is not an amount; give a number of 0 or more with at most 2 decimals, e.g. 6.00"
            % (parameter, value)
        ) from None


def _required_text(value: Any, parameter: str) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        raise WhmcsProductError("%s is required and may not be empty" % parameter)
    if re.search(r"[\x00-\x1f\x7f]", text):
        raise WhmcsProductError("%s %r may not contain line breaks or control characters" % (parameter, text))
    return text


def removal_targets(entries: Any) -> List[Tuple[str, str]]:
    """(name, group) of each entry of a list of products to remove, checked like ``name`` and ``group``."""
    return [
        (
            _required_text(entry.get("name"), "products[%d].name" % index),
            _required_text(entry.get("group"), "products[%d].group" % index),
        )
        for index, entry in enumerate(entries or [])
    ]


TYPO_CUTOFF = 0.8  # difflib ratio from which an unknown option name is read as a typo of a named one


def build_request(
    params: Mapping[str, Any], specs: Tuple[OptionSpec, ...] = OPTIONS, defer_unknown: bool = False
) -> ProductRequest:
    """Check the module parameters (name, group, description, hidden, monthly_price, setup_fee,
    currency, server_group, autosetup, options) before anything is read or written.

    ``specs`` are the module's settings (module_schema). With ``defer_unknown`` (the module has not
    been read yet), option names ``specs`` does not know are left out and listed in ``unchecked``:
    they may be settings the module release adds, checked once it is read.
    Raises WhmcsProductError or ModuleOptionError naming the parameter or option.
    """
    named, raw = split_options(params.get("options"))
    unchecked: Tuple[str, ...] = ()
    if defer_unknown:
        known = {spec.name.lower() for spec in specs}
        # A near miss of a named setting ('offer_easy') is a typo, not a setting a newer release
        # adds: it stays in ``named`` so that it is refused now, with its "did you mean".
        unchecked = tuple(
            str(name)
            for name in named
            if str(name).strip().lower() not in known
            and not difflib.get_close_matches(str(name).strip().lower(), known, n=1, cutoff=TYPO_CUTOFF)
        )
        named = {name: value for name, value in named.items() if str(name) not in unchecked}
    try:
        configoptions = resolve_options(named, raw, specs)
    except ModuleOptionError as error:
        raise ModuleOptionError("options: %s" % error) from None
    currency = params.get("currency")
    server_group = params.get("server_group")
    return ProductRequest(
        name=_required_text(params.get("name"), "name"),
        group=_required_text(params.get("group"), "group"),
        description=str(params.get("description") or ""),
        hidden=bool(params.get("hidden")),
        monthly_price=_amount(params.get("monthly_price"), "monthly_price"),
        setup_fee=_amount(params.get("setup_fee"), "setup_fee", default="0.00"),
        currency=str(currency).strip().upper() if currency else None,
        server_group=str(server_group).strip() if server_group else None,
        autosetup=normalise_autosetup(params.get("autosetup")),
        configoptions=configoptions,
        specs=tuple(specs),
        unchecked=unchecked,
    )


# ---------------------------------------------------------------- database reads


def _rows(cursor: Any, sql: str, parameters: Tuple[Any, ...] = ()) -> List[Dict[str, Any]]:
    try:
        cursor.execute(sql, parameters)
        return list(cursor.fetchall())
    except Exception as error:
        if pymysql is not None and isinstance(error, pymysql.MySQLError):
            errno = error.args[0] if error.args and isinstance(error.args[0], int) else None
            raise WhmcsDbError("database query failed: %s" % (error.args[-1],), errno=errno) from None
        raise


def _columns(cursor: Any, table: str) -> Dict[str, Dict[str, Any]]:
    """The table's columns (name → information_schema row), {} when the table does not exist."""
    rows = _rows(
        cursor,
        "SELECT COLUMN_NAME AS name, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, DATA_TYPE AS dtype, "
        "EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s "
        "ORDER BY ORDINAL_POSITION",
        (table,),
    )
    return {row["name"]: row for row in rows}


def _neutral(column: Mapping[str, Any]) -> Any:
    """A harmless value for a NOT NULL column without default that WHMCS may add in a later release."""
    dtype = str(column["dtype"]).lower()
    if dtype in _NUMERIC_TYPES:
        return 0
    if dtype in ("timestamp", "datetime"):
        return datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    if dtype == "date":
        return datetime.date.today().isoformat()
    return ""


def _complete_row(columns: Mapping[str, Mapping[str, Any]], values: Mapping[str, Any]) -> Dict[str, Any]:
    """``values`` limited to columns that exist, plus every NOT NULL column without a default."""
    row = {name: value for name, value in values.items() if name in columns}
    for name, column in columns.items():
        needs_value = (
            column["nullable"] == "NO" and column["dflt"] is None and "auto_increment" not in column["extra"]
        )
        if name not in row and needs_value:
            row[name] = _neutral(column)
    return row


def _now() -> str:
    return datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _currency(cursor: Any, code: Optional[str]) -> Tuple[int, str]:
    if code:
        rows = _rows(cursor, "SELECT id, code FROM tblcurrencies WHERE UPPER(code) = %s ORDER BY id", (code,))
        if not rows:
            known = [row["code"] for row in _rows(cursor, "SELECT code FROM tblcurrencies ORDER BY id")]
            raise WhmcsProductError(
                "currency %r does not exist in WHMCS (tblcurrencies has %s); add it under System Settings → "
                "Currencies or use one of those codes" % (code, ", ".join(known) or "no currency")
            )
    else:
        rows = _rows(cursor, "SELECT id, code FROM tblcurrencies WHERE `default` = 1 ORDER BY id")
        if not rows:
            raise WhmcsProductError(
                "WHMCS has no default currency (tblcurrencies.default = 1); give currency explicitly"
            )
    return int(rows[0]["id"]), str(rows[0]["code"])


def _server_group_id(cursor: Any, name: Optional[str], expected_groups: Tuple[str, ...] = ()) -> int:
    if not name:
        return 0
    rows = _rows(cursor, "SELECT id FROM tblservergroups WHERE name = %s ORDER BY id", (name,))
    if not rows and name.lower() in (group.lower() for group in expected_groups):
        return 0  # a plan made before the server step creates the group: its id is not known yet
    if not rows:
        known = [row["name"] for row in _rows(cursor, "SELECT name FROM tblservergroups ORDER BY id")]
        raise WhmcsProductError(
            "server_group %r does not exist in WHMCS (server groups: %s); create it first (server role, "
            "smartermail_server_group) or leave server_group unset" % (name, ", ".join(known) or "none")
        )
    return int(rows[0]["id"])


def _find_group(cursor: Any, name: str) -> Optional[Dict[str, Any]]:
    rows = _rows(
        cursor, "SELECT id, name, slug FROM tblproductgroups WHERE name = %s ORDER BY id LIMIT 1", (name,)
    )
    return rows[0] if rows else None


def _find_product(cursor: Any, group_id: Optional[int], name: str, group: str) -> Optional[Dict[str, Any]]:
    if group_id is None:
        return None
    rows = _rows(
        cursor, "SELECT * FROM tblproducts WHERE gid = %s AND name = %s ORDER BY id", (group_id, name)
    )
    if len(rows) > 1:
        raise WhmcsProductError(
            "product group %r holds %d products named %r (ids %s); rename or remove the duplicates so the "
            "product can be identified" % (group, len(rows), name, ", ".join(str(row["id"]) for row in rows))
        )
    return rows[0] if rows else None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _product_view(row: Mapping[str, Any]) -> Dict[str, Any]:
    view: Dict[str, Any] = {field: _text(row.get(field)) for field in _PRODUCT_FIELDS}
    view["hidden"] = _text(row.get("hidden")) not in ("", "0")
    view["showdomainoptions"] = _text(row.get("showdomainoptions")) not in ("", "0")
    view["servergroup"] = int(row.get("servergroup") or 0)
    return view


def _pricing_view(row: Mapping[str, Any], code: str) -> Dict[str, Any]:
    view: Dict[str, Any] = {"currency": code}
    view.update({column: _text(row.get(column)) for column in _SETUP_FEES + _CYCLES})
    return view


def _unique_slug(cursor: Any, group_id: Optional[int], wanted: str, product_id: Optional[int]) -> str:
    if group_id is None:
        return wanted
    taken = {
        row["slug"]
        for row in _rows(
            cursor,
            "SELECT slug FROM tblproducts_slugs WHERE group_id = %s AND product_id <> %s",
            (group_id, product_id or 0),
        )
    }
    slug, number = wanted, 2
    while slug in taken:
        slug, number = "%s-%d" % (wanted[:120], number), number + 1
    return slug


# ---------------------------------------------------------------- planning


def plan_product(cursor: Any, request: ProductRequest, expected_groups: Tuple[str, ...] = ()) -> ProductPlan:
    """Read the database and compute the changes for state=present (writes nothing).

    ``expected_groups``: server groups an earlier step of the same run will create; a plan (check
    mode) accepts them although they do not exist yet.
    """
    currency_id, currency_code = _currency(cursor, request.currency)
    servergroup = _server_group_id(cursor, request.server_group, expected_groups)
    group = _find_group(cursor, request.group)
    group_id = int(group["id"]) if group else None
    current = _find_product(cursor, group_id, request.name, request.group)
    if current and _text(current.get("servertype")) not in ("", MODULE_NAME):
        raise WhmcsProductError(
            "product %r in group %r already exists (id %s) and uses the module %r, not %r; choose another "
            "name or group, or change that product by hand"
            % (request.name, request.group, current["id"], current["servertype"], MODULE_NAME)
        )
    product_columns = _columns(cursor, "tblproducts")
    pricing_columns = _columns(cursor, "tblpricing")
    slug_columns = _columns(cursor, "tblproducts_slugs")

    managed: Dict[str, Any] = {
        "name": request.name,  # the lookup ignores case like the column's collation; keep the spelling given
        "type": PRODUCT_TYPE,
        "servertype": MODULE_NAME,
        "paytype": "recurring",
        "description": request.description,
        "hidden": 1 if request.hidden else 0,
        "showdomainoptions": REQUIRE_DOMAIN,
        "autosetup": request.autosetup,
        "servergroup": servergroup,
    }
    managed.update(request.configoptions)
    pricing: Dict[str, Any] = {column: "0.00" for column in _SETUP_FEES}
    pricing.update({column: "-1.00" for column in _CYCLES})
    pricing.update(msetupfee=request.setup_fee, monthly=request.monthly_price)

    group_insert = None
    group_slug = slugify(request.group)
    if group is None:
        group_insert = {
            "name": request.group,
            "slug": group_slug,
            "headline": "",
            "tagline": "",
            "orderfrmtpl": "",
            "disabledgateways": "",
            "hidden": 0,
            "created_at": _now(),
            "updated_at": _now(),
        }
    elif group.get("slug"):
        group_slug = str(group["slug"])

    product_insert = None
    product_update: Dict[str, Any] = {}
    pricing_id = None
    pricing_insert = None
    pricing_update: Dict[str, Any] = {}
    slug_insert = None
    before: Dict[str, Any] = {}
    product_id = int(current["id"]) if current else None

    if current is None:
        slug = (
            _unique_slug(cursor, group_id, slugify(request.name), None)
            if slug_columns
            else slugify(request.name)
        )
        values = dict(_PRODUCT_NEUTRAL, name=request.name, slug=slug, created_at=_now(), updated_at=_now())
        values.update(managed)
        product_insert = _complete_row(product_columns, values)
        pricing_insert = _complete_row(pricing_columns, dict(pricing, type="product", currency=currency_id))
    else:
        product_update = {
            column: value for column, value in managed.items() if _text(current.get(column)) != _text(value)
        }
        before = {
            "group": str(group["name"]) if group else request.group,
            "name": str(current["name"]),
            "product": _product_view(current),
            "options": named_options(
                {column: current.get(column) for column in _OPTION_COLUMNS}, request.specs
            ),
        }
        rows = _rows(
            cursor,
            "SELECT * FROM tblpricing WHERE type = 'product' AND currency = %s AND relid = %s ORDER BY id LIMIT 1",
            (currency_id, product_id),
        )
        if rows:
            pricing_id = int(rows[0]["id"])
            before["pricing"] = _pricing_view(rows[0], currency_code)
            pricing_update = {
                column: value for column, value in pricing.items() if _text(rows[0].get(column)) != value
            }
        else:
            pricing_insert = _complete_row(
                pricing_columns, dict(pricing, type="product", currency=currency_id)
            )
        slug = slugify(request.name)
        if slug_columns:
            existing = _rows(
                cursor, "SELECT slug FROM tblproducts_slugs WHERE product_id = %s LIMIT 1", (product_id,)
            )
            slug = str(existing[0]["slug"]) if existing else _unique_slug(cursor, group_id, slug, product_id)
            if existing:
                before["slug"] = slug
    if slug_columns and (current is None or "slug" not in before):
        slug_insert = _complete_row(
            slug_columns,
            {
                "group_id": group_id,
                "group_slug": group_slug,
                "slug": slug,
                "active": 1,
                "clicks": 0,
                "created_at": _now(),
                "updated_at": _now(),
            },
        )

    after: Dict[str, Any] = {
        "group": request.group,
        "name": request.name,
        "product": _product_view(managed),
        "pricing": _pricing_view(pricing, currency_code),
        "options": named_options(request.configoptions, request.specs),
    }
    if slug_columns:
        after["slug"] = slug
    return ProductPlan(
        state="present",
        name=request.name,
        group=request.group,
        group_id=group_id,
        product_id=product_id,
        group_insert=group_insert,
        product_insert=product_insert,
        product_update=product_update,
        pricing_id=pricing_id,
        pricing_insert=pricing_insert,
        pricing_update=pricing_update,
        slug_insert=slug_insert,
        delete=False,
        before=before,
        after=after,
    )


def _services_in_use(cursor: Any, product_id: int) -> str:
    rows = _rows(
        cursor,
        "SELECT domainstatus, COUNT(*) AS n FROM tblhosting WHERE packageid = %s GROUP BY domainstatus "
        "ORDER BY domainstatus",
        (product_id,),
    )
    total = sum(int(row["n"]) for row in rows)
    if not total:
        return ""
    detail = ", ".join("%d %s" % (int(row["n"]), row["domainstatus"]) for row in rows)
    return "%d service%s (%s)" % (total, "" if total == 1 else "s", detail)


def plan_removal(cursor: Any, name: str, group: str) -> ProductPlan:
    """The changes for state=absent; refuses while any tblhosting row uses the product."""
    name = _required_text(name, "name")
    group = _required_text(group, "group")
    group_row = _find_group(cursor, group)
    group_id = int(group_row["id"]) if group_row else None
    current = _find_product(cursor, group_id, name, group)
    before: Dict[str, Any] = {}
    if current is not None:
        in_use = _services_in_use(cursor, int(current["id"]))
        if in_use:
            raise WhmcsProductError(
                "product %r in group %r (id %s) is used by %s in tblhosting; it was left in place. Move or "
                "delete those services in WHMCS first" % (name, group, current["id"], in_use)
            )
        before = {
            "group": group,
            "name": name,
            "product": _product_view(current),
            "options": named_options({column: current.get(column) for column in _OPTION_COLUMNS}),
        }
    return ProductPlan(
        state="absent",
        name=name,
        group=group,
        group_id=group_id,
        product_id=int(current["id"]) if current else None,
        group_insert=None,
        product_insert=None,
        product_update={},
        pricing_id=None,
        pricing_insert=None,
        pricing_update={},
        slug_insert=None,
        delete=current is not None,
        before=before,
        after={},
    )


# ---------------------------------------------------------------- writing


def _write(cursor: Any, sql: str, parameters: Tuple[Any, ...] = ()) -> None:
    """Writes let driver errors through: transaction() rolls back and says so."""
    cursor.execute(sql, parameters)


def apply_plan(cursor: Any, plan: ProductPlan) -> Tuple[Optional[int], Optional[int]]:
    """Write the plan with ``cursor`` (inside one transaction); returns (product_id, group_id)."""
    group_id, product_id = plan.group_id, plan.product_id
    if plan.delete and product_id is not None:
        _write(cursor, "DELETE FROM tblpricing WHERE type = 'product' AND relid = %s", (product_id,))
        if _columns(cursor, "tblproducts_slugs"):
            _write(cursor, "DELETE FROM tblproducts_slugs WHERE product_id = %s", (product_id,))
        _write(cursor, "DELETE FROM tblproducts WHERE id = %s", (product_id,))
        return None, group_id
    if plan.group_insert is not None:
        order = _rows(cursor, "SELECT COALESCE(MAX(`order`), 0) + 1 AS next FROM tblproductgroups")[0]["next"]
        group_columns = _columns(cursor, "tblproductgroups")
        group_id = insert_row(
            cursor, "tblproductgroups", _complete_row(group_columns, dict(plan.group_insert, order=order))
        )
    if plan.product_insert is not None:
        product_id = insert_row(cursor, "tblproducts", dict(plan.product_insert, gid=group_id))
    elif plan.product_update and product_id is not None:
        changes = dict(plan.product_update)
        if "updated_at" in _columns(cursor, "tblproducts"):
            changes["updated_at"] = _now()
        update_row(cursor, "tblproducts", product_id, changes)
    if plan.pricing_insert is not None:
        insert_row(cursor, "tblpricing", dict(plan.pricing_insert, relid=product_id))
    elif plan.pricing_update and plan.pricing_id is not None:
        update_row(cursor, "tblpricing", plan.pricing_id, plan.pricing_update)
    if plan.slug_insert is not None:
        insert_row(
            cursor, "tblproducts_slugs", dict(plan.slug_insert, product_id=product_id, group_id=group_id)
        )
    return product_id, group_id
