#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: whmcs_product
short_description: Create, update or remove a SmarterMail product in WHMCS
version_added: 0.1.0
description:
  - Writes what the WHMCS admin area writes for a product that uses the C(smartermail) server
    module, directly in the WHMCS database - the product group (created when missing), the
    C(tblproducts) row with every NOT NULL column, the module settings in
    C(configoption1..24), the monthly C(tblpricing) row of one currency and, on WHMCS versions
    that have it, the C(tblproducts_slugs) row. All of it in one transaction.
  - The product is identified by O(name) within O(group) and is updated in place. Only the
    columns that differ are written.
  - Before writing, the settings the installed module declares are read from its own
    C(smartermail_ConfigOptions()) through C(php), confined (only the C(WHMCS) constant is defined,
    no database). When the module adds dropdowns beyond the 23 named settings (their choices may
    come from its own tables), it is read again inside the host's WHMCS - the host's C(php) with
    its C(init.php), database connected, as O(web_user) - the way a WHMCS localAPI script runs, so
    those choices are the ones it offers on this host. Also in check mode (it only reads). See
    docs/options.md, "Settings read from the module".
  - The confined read runs the module's own PHP as O(web_user) when the task runs as root, with
    C(php -n), C(open_basedir) limited to the module folder, no URL wrappers, the functions that
    run commands, open connections or write files disabled, an empty environment and a timeout.
  - Its first 23 settings must be the named options, slot by slot (type, dropdown choices,
    defaults); a release with fewer settings, more than the 24 WHMCS stores, or settings that
    moved slots is refused before any write, never mapped silently.
  - Settings 24.. that a newer release adds are set by the module's own C(ConfigOptions) key (for
    example C(package)) or by C(configoption24), otherwise take the module's default, and are
    checked by their declared type. A dropdown whose choices the module reads from its own
    tables is checked against the choices it offers on this host; the error names the setting,
    the value and those choices.
  - Products ask for a domain - C(showdomainoptions=1) ("Require Domain"), product type C(other) -
    because the module keys everything on the service's domain; an existing product with
    C(showdomainoptions=0) is corrected on the next run.
  - Records the module's C(hooks.php) the way saving a product's Module Settings in the admin area
    does - C(smartermail) in C(tblconfiguration.ModuleHooks), the comma-separated list of modules
    whose hooks WHMCS loads; other modules' names are kept in their order. It is listed while a
    product uses the module and the module folder (beside O(module_file)) has a C(hooks.php), and
    removed when the last product of the module is removed or the folder has no C(hooks.php), as
    WHMCS's own rebuild would. Same transaction and lock as the product.
  - Diffs show the product fields, the pricing row, the module settings (by name; settings a
    release adds by their C(ConfigOptions) key) and C(module_hooks),
    the C(ModuleHooks) setting before and after.
  - O(state=absent) with O(products) removes several products in one call, all or none - every
    removal is planned, and refused while a service uses its product, before any row is deleted,
    and the deletes run in one transaction.
  - Two runs against one database write products one after the other - each call holds the
    database's named lock C(astral360.smartermail:products:<database>) (C(GET_LOCK)) from before its
    first read until its commit, and fails with a sentence when another run held it for 60 s.
author:
  - Astral 360 (@AstralInternet)
extends_documentation_fragment:
  - astral360.smartermail.whmcs
  - astral360.smartermail.whmcs_write
options:
  name:
    description:
      - Product name, unique within O(group). Required unless O(products) is given.
    type: str
  group:
    description:
      - Name of the product group; created when it does not exist. Required with O(name).
    type: str
  products:
    description:
      - With O(state=absent) only, instead of O(name) and O(group) - the products to remove, all or
        none. Every removal is planned first; when any product is still used by a service, none is
        removed and the message names each refusal.
    type: list
    elements: dict
    suboptions:
      name:
        description: Product name.
        type: str
        required: true
      group:
        description: Its product group.
        type: str
        required: true
  description:
    description: Product description shown on the order form.
    type: str
    default: ""
  hidden:
    description: Hide the product from the order form.
    type: bool
    default: false
  monthly_price:
    description:
      - Monthly price of one storage tranche (see the C(gb_per_tranche) option), in O(currency).
      - Required when O(state=present). Other billing cycles are disabled (C(-1.00)).
    type: raw
  setup_fee:
    description: Monthly setup fee; the other cycles' setup fees are C(0.00).
    type: raw
    default: "0.00"
  currency:
    description: Currency code of the pricing row (C(tblcurrencies.code)); default the WHMCS default currency.
    type: str
  server_group:
    description:
      - Name of the WHMCS server group the product provisions on; it must exist.
      - Unset means no group (C(servergroup=0)); WHMCS then uses the active C(smartermail) server.
    type: str
  autosetup:
    description:
      - When WHMCS runs the module's create command. C('') never (also C(never), C(manual)),
        C(on) when an admin accepts the order (also C(accept)), C(payment) on the first payment
        (also C(first_payment)), C(order) as soon as the order is placed (also C(immediately)).
    type: raw
    default: ""
  options:
    description:
      - The module settings by name (see docs/options.md), for example C(gb_per_tranche),
        C(offer_eas), C(dmarc_policy), and settings a newer module release adds by their
        C(ConfigOptions) key (for example C(package)). Names that are not given take the
        module's defaults.
      - Yes/no settings take C(true), C(false), C(yes), C(no), C(on), C(off) or C('') and are stored
        as C(on) / C('').
      - Raw keys C(configoption1) .. C(configoption24) are accepted too; a name and its raw key may
        both be given only with the same value.
    type: dict
    default: {}
  expected_server_groups:
    description:
      - Check mode only. Server groups an earlier step of the same run creates (the server role's
        C(smartermail_server_group)); the plan accepts O(server_group) naming one of them although
        it does not exist yet. Outside check mode the group must exist.
    type: list
    elements: str
    default: []
  validate_only:
    description:
      - Only check the parameters (names, prices, the named options, autosetup) and return the
        C(configoption1..24) values that would be written; no database and no file is read, so
        option names other than the named ones (settings a release adds) are checked when the
        product is written, with a warning here.
      - The preflight role uses it so that bad product input fails before any change.
    type: bool
    default: false
  module_file:
    description:
      - The installed C(smartermail.php) whose C(ConfigOptions) give the product settings.
      - Only the module WHMCS loads (the default) is ever read inside WHMCS; another file is only
        read confined and without a database (as the C(check_schema) of
        M(astral360.smartermail.whmcs_module_files) does), so the choices of dropdowns it adds are
        not checked.
      - Default C(<whmcs_root>/modules/servers/smartermail/smartermail.php). When it does not exist
        the module fails (install the module files first), except in check mode, where it warns
        and checks the values against the named schema only.
      - The C(hooks.php) in the same folder decides whether C(smartermail) is recorded in
        C(ModuleHooks). In check mode without the module folder, the plan assumes the module
        ships one (the SmarterMail module does) and warns.
    type: path
  web_user:
    description:
      - The user the web server runs PHP as (C(whmcs_web_user)). When the task runs as root, the
        module's C(ConfigOptions) are read inside WHMCS as this user; a name that is not a user on
        the host is refused rather than run as root.
      - Omitted, or without root, php runs as the user running the task.
    type: str
  state:
    description:
      - C(absent) removes the product, its pricing and slug rows (not the group). It is refused
        while any service (C(tblhosting) row) still uses the product.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Sell SmarterMail email hosting at 6.00 per 10 GB a month
  astral360.smartermail.whmcs_product:
    whmcs_root: /var/www/whmcs
    name: Email Hosting
    group: Email
    monthly_price: 6.00
    currency: USD
    server_group: SmarterMail
    autosetup: payment
    options:
      gb_per_tranche: 10
      offer_mapi: false
      dmarc_check: true
      dmarc_policy: quarantine

- name: Remove a product nobody uses any more
  astral360.smartermail.whmcs_product:
    whmcs_root: /var/www/whmcs
    name: Email Hosting (old)
    group: Email
    state: absent

- name: Remove two products, or neither when one still has services
  astral360.smartermail.whmcs_product:
    whmcs_root: /var/www/whmcs
    state: absent
    products:
      - {name: Email Hosting, group: Email}
      - {name: Email Hosting Pro, group: Email}
"""

RETURN = r"""
product_id:
  description: C(tblproducts.id); null in check mode when the product would be created, and after removal.
  returned: always
  type: int
  sample: 7
group_id:
  description: C(tblproductgroups.id); null in check mode when the group would be created.
  returned: always
  type: int
  sample: 2
configoptions:
  description: The stored module settings C(configoption1..24) that the product has (or would have).
  returned: when state=present
  type: dict
  sample: {"configoption1": "10", "configoption8": "on", "configoption23": "none"}
removed:
  description: The products removed (or that would be, in check mode) by a call with O(products).
  returned: when O(products) is given
  type: list
  elements: dict
  sample: [{"name": "Email Hosting", "group": "Email", "product_id": 7}]
refused:
  description: One sentence per product of O(products) that a service still uses.
  returned: when a removal with O(products) is refused
  type: list
  elements: str
module_hooks:
  description:
    - The C(tblconfiguration.ModuleHooks) setting this run found and leaves (or would leave, in
      check mode). C(before) is null when the row did not exist; C(listed) says whether the
      module is recorded afterwards; C(hooks_file) is the file that decided it.
  returned: unless validate_only
  type: dict
  sample: {"setting": "ModuleHooks", "module": "smartermail", "listed": true,
           "hooks_file": "/var/www/whmcs/modules/servers/smartermail/hooks.php",
           "before": "", "after": "smartermail"}
diff:
  description:
    - Product fields, pricing row, slug and named module settings before and after, and
      C(module_hooks), the C(ModuleHooks) setting before and after.
  returned: always
  type: dict
"""

import os
import pwd
from functools import partial
from typing import Any, NamedTuple

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.confined_php import (
    ConfinedPhpError,
    php_identity,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.installed_module_settings import (
    installed_settings,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_config_options import (
    SERVER_MODULE_FILE,
    ModuleSchemaError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_hooks import (
    HooksPlan,
    apply_hooks_plan,
    hooks_file_of,
    module_product_count,
    plan_module_hooks,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.product_settings import (
    ModuleOptionError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.products import (
    MODULE_NAME,
    WhmcsProductError,
    apply_plan,
    build_request,
    plan_product,
    plan_removal,
    removal_targets,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.web_php_user import WebPhpUser
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.write_module import (
    PlanBatch,
    WhmcsWriteModule,
    plan_every,
)


class ProductRun(NamedTuple):
    """The product change(s) of one call and the ModuleHooks change that goes with them."""

    products: Any  # a ProductPlan, or a PlanBatch of removals
    hooks: HooksPlan

    @property
    def changed(self) -> bool:
        return bool(self.products.changed or self.hooks.changed)


class WhmcsProductModule(WhmcsWriteModule):
    name = "whmcs_product"
    input_errors = (ModuleOptionError, ModuleSchemaError)
    lock_purpose = "products"

    def argument_spec(self):
        return dict(
            name=dict(type="str"),
            group=dict(type="str"),
            products=dict(
                type="list",
                elements="dict",
                options=dict(name=dict(type="str", required=True), group=dict(type="str", required=True)),
            ),
            description=dict(type="str", default=""),
            hidden=dict(type="bool", default=False),
            monthly_price=dict(type="raw"),
            setup_fee=dict(type="raw", default="0.00"),
            currency=dict(type="str"),
            server_group=dict(type="str"),
            autosetup=dict(type="raw", default=""),
            options=dict(type="dict", default={}),
            module_file=dict(type="path"),
            web_user=dict(type="str"),
            validate_only=dict(type="bool", default=False),
            expected_server_groups=dict(type="list", elements="str", default=[]),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        )

    def initial_result(self):
        return dict(product_id=None, group_id=None, diff=dict(before={}, after={}))

    def validate(self):
        self.removals = None
        if self.params["products"] is not None:
            if self.params["state"] != "absent":
                raise WhmcsProductError(
                    "products lists products to remove and goes with state=absent; to create or update "
                    "a product give name and group",
                )
            self.removals = removal_targets(self.params["products"])
        # Names the named schema does not know wait for the module's own settings (prepare).
        present = self.params["state"] == "present"
        self.request = build_request(self.params, defer_unknown=True) if present else None
        if self.request is not None:
            self.result["configoptions"] = dict(self.request.configoptions)
            if self.request.unchecked and self.params["validate_only"]:
                self.module.warn(
                    "options %s are not named settings; they are checked against the settings the "
                    "installed module declares when the product is written"
                    % ", ".join(self.request.unchecked)
                )

    def module_file(self):
        return self.params["module_file"] or os.path.join(self.params["whmcs_root"], SERVER_MODULE_FILE)

    def prepare(self):
        """Refuse a module whose settings differ from the named schema; warn in check mode when absent."""
        module_file = self.module_file()
        self.hooks_file = hooks_file_of(module_file)
        self.has_hooks = os.path.isfile(self.hooks_file)
        if self.request is None:
            return
        if not os.path.isdir(os.path.dirname(module_file)) and self.check_mode:
            # Check mode before the module_files step has run: the module will ship its hooks.php.
            self.has_hooks = True
            self.module.warn(
                "the module folder %s does not exist yet; the plan assumes it will have a hooks.php "
                "(the SmarterMail module ships one) and records smartermail in ModuleHooks"
                % os.path.dirname(module_file)
            )
        if not os.path.isfile(module_file):
            message = "the SmarterMail module is not installed: %s does not exist" % module_file
            if self.check_mode:
                unchecked = self.request.unchecked
                self.module.warn(
                    "%s; option values were checked against the named schema only%s"
                    % (
                        message,
                        "; options %s (settings the module may add) are left out of the plan"
                        % ", ".join(unchecked)
                        if unchecked
                        else "",
                    )
                )
                return
            self.module.fail_json(
                msg="%s; install the module files first (module_files role)" % message, **self.result
            )
        schema = self.module_settings(module_file)
        for warning in schema.warnings:
            self.module.warn(warning)
        # Check mode runs before the module files step has installed a new release: a name the
        # installed module does not declare may be one the release adds, so it is warned about.
        self.request = build_request(self.params, schema.specs, defer_unknown=self.check_mode)
        self.result["configoptions"] = dict(self.request.configoptions)
        if self.request.unchecked:
            self.module.warn(
                "options %s are not settings of the installed module %s; they are left out of this "
                "check-mode plan (a module release that the module files step installs may declare them; "
                "a real run refuses them otherwise)" % (", ".join(self.request.unchecked), module_file)
            )

    def module_settings(self, module_file):
        """The module's settings as it offers them on this host (installed_module_settings)."""
        return installed_settings(
            self.params["php_binary"],
            self.params["whmcs_root"],
            module_file,
            self.params["web_user"],
            self.php_user,
        )

    def php_user(self):
        """web_user when the task runs as root (never root in place of a missing user); else the task's user."""
        try:
            identity = php_identity(self.params["web_user"])
        except ConfinedPhpError as refused:
            raise ModuleSchemaError(str(refused)) from None
        entry = pwd.getpwuid(os.geteuid() if identity is None else identity.uid)
        return WebPhpUser(entry.pw_name, entry.pw_dir, identity)

    def plan(self, cursor):
        products = self.plan_products(cursor)
        plans = products.plans if isinstance(products, PlanBatch) else [products]
        removed = [p.product_id for p in plans if p.delete and p.product_id is not None]
        # What WHMCS's rebuild would record for this module once this call is written.
        in_use = (
            any(p.state == "present" for p in plans) or module_product_count(cursor, MODULE_NAME, removed) > 0
        )
        hooks = plan_module_hooks(cursor, MODULE_NAME, in_use and self.has_hooks, self.hooks_file)
        return ProductRun(products, hooks)

    def plan_products(self, cursor):
        if self.removals is not None:
            return plan_every(
                [partial(plan_removal, cursor, name, group) for name, group in self.removals], "products"
            )
        if self.request is None:
            return plan_removal(cursor, self.params["name"], self.params["group"])
        # A check-mode plan may name server groups an earlier step of the same run creates.
        expected_groups = tuple(self.params["expected_server_groups"]) if self.check_mode else ()
        return plan_product(cursor, self.request, expected_groups)

    def report(self, plan):
        # ``plan`` is the whole run: the product plan(s) and the ModuleHooks plan.
        products, hooks = plan.products, plan.hooks
        plan = products
        if isinstance(plan, PlanBatch):
            before = {"%s / %s" % (p.group, p.name): p.before for p in plan.plans if p.delete}
            after = {}
            result = dict(
                removed=[
                    dict(name=p.name, group=p.group, product_id=p.product_id) for p in plan.plans if p.delete
                ]
            )
        else:
            before, after = dict(plan.before), dict(plan.after)
            result = dict(product_id=plan.product_id, group_id=plan.group_id)
        before["module_hooks"], after["module_hooks"] = hooks.before, hooks.after
        result.update(module_hooks=hooks.report(), diff=dict(before=before, after=after))
        return result

    def apply(self, cursor, plan):
        products = plan.products
        written = {}
        if isinstance(products, PlanBatch):
            for removal in products.plans:
                apply_plan(cursor, removal)
        elif products.changed:
            product_id, group_id = apply_plan(cursor, products)
            written = dict(product_id=product_id, group_id=group_id)
        apply_hooks_plan(cursor, plan.hooks)
        return written


def main():
    WhmcsProductModule(
        required_one_of=[("name", "products")],
        mutually_exclusive=[("name", "products"), ("group", "products")],
        required_together=[("name", "group")],
    ).run()


if __name__ == "__main__":
    main()
