#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: whmcs_preflight
short_description: Check that the WHMCS database can take the inventory, before any step writes
version_added: 0.1.0
description:
  - Asks the WHMCS database, and changes nothing, whether the install's writes would work - and
    fails with one sentence per problem when they would not. The preflight role runs it before
    any step writes, so bad input or a short-handed database user fails with nothing changed.
  - B(Names the database holds equal.) The writers find a row by its name, and the database
    compares names with the column's collation (WHMCS 8 - C(utf8_unicode_ci)), under which
    C(Email Hosting) and C(Émail Hosting), or C(mail1), C(MAIL1) and C(mäil1), are one name. Two
    O(servers), or two O(products) of one group, that the database holds equal would write one row
    and flip it on every run; they are refused. The database itself does the comparing, with the
    column's own character set and collation.
  - B(Characters the columns cannot store.) A name, group, description or server group with a
    character the column's character set lacks (an emoji in a C(utf8mb3) column) is refused,
    naming the value, the characters and the column's character set.
  - B(Rights.) Every right the chosen O(steps) use (SELECT, INSERT, UPDATE, DELETE, table by table)
    is tried with a statement that the database privilege-checks but that touches no row
    (C(... WHERE 1 = 0)), in a transaction that is rolled back. A missing right is refused,
    naming the right, the table and the step, with the C(GRANT) statements to run.
author:
  - Astral 360 (@AstralInternet)
extends_documentation_fragment:
  - astral360.smartermail.whmcs
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed.
options:
  servers:
    description: The names of the SmarterMail servers the server step writes (C(tblservers.name)).
    type: list
    elements: str
    default: []
  server_group:
    description: The server group the server step writes (C(tblservergroups.name)), if any.
    type: str
    default: ""
  products:
    description:
      - The entries of C(smartermail_products) as the product role takes them. C(name), C(group),
        C(description) and C(server_group) are read; other keys are ignored.
    type: list
    elements: dict
    default: []
  default_group:
    description: The product group of O(products) entries that name none.
    type: str
    default: Email
  steps:
    description:
      - The install steps whose database rights are checked - C(server) (tblservers, tblservergroups,
        tblservergroupsrel), C(product) (tblproductgroups, tblproducts, tblpricing, tblproducts_slugs)
        and C(setting) (tblconfiguration). Reading tblhosting and tblcurrencies is checked with them.
    type: list
    elements: str
    choices: [server, product, setting]
    default: [server, product, setting]
notes:
  - Rights are checked table by table; a user whose rights on a table are granted column by column
    may be refused although the install would work.
"""

EXAMPLES = r"""
- name: Check that the WHMCS database can take the inventory
  astral360.smartermail.whmcs_preflight:
    whmcs_root: /var/www/whmcs
    servers: "{{ smartermail_servers | map(attribute='name') | list }}"
    products: "{{ smartermail_products }}"
    steps: [server, product, setting]
"""

RETURN = r"""
account:
  description: The database account the checks ran as (C(CURRENT_USER())).
  returned: when the database was reached
  type: str
  sample: whmcs@localhost
rights_checked:
  description: The tables and the rights tried on each.
  returned: when the database was reached
  type: dict
  sample: {"tblservers": ["SELECT", "INSERT", "UPDATE", "DELETE"]}
problems:
  description: One sentence per problem found (the failure message joins them).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.errors import WhmcsChangeError
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.name_checks import (
    check_inventory_names,
    product_names,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.privileges import (
    STEP_RIGHTS,
    missing_rights,
    refusal,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.write_module import WhmcsWriteModule


def _closed(sentence):
    return sentence if sentence.endswith((".", ";")) else sentence + "."


def failure_message(problems):
    """One problem as its sentence; several numbered; either way saying nothing was changed."""
    if len(problems) == 1:
        return "%s Nothing was changed." % _closed(problems[0])
    numbered = " ".join("(%d) %s" % (number, _closed(text)) for number, text in enumerate(problems, 1))
    return "%d problems, nothing was changed: %s" % (len(problems), numbered)


class NothingToWrite:
    """The plan of a read-only check."""

    changed = False


class WhmcsPreflightModule(WhmcsWriteModule):
    name = "whmcs_preflight"
    read_only = True

    def argument_spec(self):
        return dict(
            servers=dict(type="list", elements="str", default=[]),
            server_group=dict(type="str", default=""),
            products=dict(type="list", elements="dict", default=[]),
            default_group=dict(type="str", default="Email"),
            steps=dict(
                type="list",
                elements="str",
                choices=["server", "product", "setting"],
                default=["server", "product", "setting"],
            ),
        )

    def initial_result(self):
        return dict(problems=[])

    def plan(self, cursor):
        cursor.execute("SELECT CURRENT_USER() AS account")
        account = str(cursor.fetchone()["account"])
        problems = check_inventory_names(
            cursor,
            [str(name).strip() for name in self.params["servers"]],
            (self.params["server_group"] or "").strip(),
            product_names(self.params["products"], self.params["default_group"]),
        )
        missing = missing_rights(cursor, self.params["steps"])
        if missing:
            problems.append(refusal(missing, self.config.db_name, account))
        rights = {}
        for step in self.params["steps"]:
            for table, privileges in STEP_RIGHTS[step]:
                rights.setdefault(table, [])
                rights[table].extend(p for p in privileges if p not in rights[table])
        self.result.update(account=account, rights_checked=rights, problems=problems)
        if problems:
            raise WhmcsChangeError(failure_message(problems), details=dict(problems=problems))
        return NothingToWrite()

    def report(self, plan):
        return {}


def main():
    WhmcsPreflightModule().run()


if __name__ == "__main__":
    main()
