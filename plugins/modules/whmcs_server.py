#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: whmcs_server
short_description: Add, update or remove the SmarterMail server in WHMCS (tblservers)
version_added: 0.1.0
description:
  - Writes the C(tblservers) row that Configuration > System Settings > Servers > Add New Server
    writes for a C(smartermail) server, keyed by O(name), and updates it in place on later runs.
  - Every NOT NULL column is written on creation; values are trimmed like WHMCS does. The password
    is stored encrypted with the host's C(cc_encryption_hash) and compared decrypted, so an
    unchanged password is no change even though each encryption gives a different ciphertext.
  - The new server becomes the default (C(active)) for the C(smartermail) module only when no
    other C(smartermail) server is the default; an existing default is never taken over.
  - Optionally puts the server in a server group (C(tblservergroups) and C(tblservergroupsrel)),
    creating the group when needed.
  - All reads and writes of one call run in one database transaction.
  - O(state=absent) with O(names) removes several servers in one call, all or none - every removal
    is planned, and refused while a service uses its server, before any row is deleted.
  - Diffs show the row; the password shows as C(********), with C((changed)) appended when it would change.
author:
  - Astral 360 (@AstralInternet)
extends_documentation_fragment:
  - astral360.smartermail.whmcs
  - astral360.smartermail.whmcs_write
options:
  name:
    description:
      - The server's name in WHMCS; the key this module finds the row by. Required unless O(names) is given.
    type: str
  names:
    description:
      - With O(state=absent) only, instead of O(name) - the servers to remove, all or none. Every
        removal is planned first; when any server still has services, none is removed and the
        message names each refusal.
    type: list
    elements: str
  state:
    description:
      - C(present) creates or updates the server; C(absent) deletes it and its group memberships.
      - C(absent) refuses while any service (C(tblhosting) row) still uses the server.
    type: str
    choices: [present, absent]
    default: present
  validate_only:
    description:
      - Only check the parameters (host name, port range, account, group) and stop; no database
        is read or written. The preflight role uses it so bad server input fails before any change.
    type: bool
    default: false
  hostname:
    description: Host name or IP address of the SmarterMail server, without scheme, port or path.
    type: str
  ip_address:
    description: The optional IP address field of the server.
    type: str
    default: ""
  port:
    description:
      - SmarterMail web/API port. Omitted, or equal to the module default for the chosen mode
        (443 with O(secure), 9998 without), it is stored as NULL so WHMCS uses the module default.
    type: int
  secure:
    description: Use HTTPS (C(tblservers.secure) = C(on)).
    type: bool
    default: true
  username:
    description: SmarterMail system administrator account.
    type: str
  password:
    description: Its password; stored encrypted, never shown.
    type: str
  max_accounts:
    description: Maximum number of services WHMCS places on this server.
    type: int
    default: 200
  disabled:
    description: Mark the server disabled (WHMCS places no new services on it).
    type: bool
    default: false
  server_group:
    description: A server group to add the server to (created if missing).
    type: dict
    suboptions:
      name:
        description: Group name.
        type: str
        required: true
      fill_type:
        description:
          - C(least_full) (or C(1)) adds new services to the least full server;
            C(fill_until_full) (or C(2)) fills the active server until it is full.
        type: str
        default: least_full
"""

EXAMPLES = r"""
- name: Register the SmarterMail server in WHMCS
  astral360.smartermail.whmcs_server:
    whmcs_root: /var/www/whmcs
    name: mail1
    hostname: mail1.example.com
    username: admin
    password: "{{ vault_smartermail_password }}"
    max_accounts: 500
    server_group:
      name: SmarterMail
      fill_type: least_full

- name: Remove it (refused while services use it)
  astral360.smartermail.whmcs_server:
    whmcs_root: /var/www/whmcs
    name: mail1
    state: absent

- name: Remove two servers, or neither when one still has services
  astral360.smartermail.whmcs_server:
    whmcs_root: /var/www/whmcs
    names: [mail1, mail2]
    state: absent
"""

RETURN = r"""
server_id:
  description: C(tblservers.id) of the server (null when it would be created in check mode or did not exist).
  returned: always
  type: int
  sample: 3
action:
  description: C(create), C(update), C(delete) or C(none).
  returned: success
  type: str
  sample: update
changed_fields:
  description: The columns (and C(password), C(server_group), C(state)) that change.
  returned: success
  type: list
  elements: str
  sample: [port, password]
password_changed:
  description: Whether the stored password differs (decrypted) from the given one.
  returned: success
  type: bool
  sample: false
server:
  description: The server row after the change, the password masked.
  returned: success
  type: dict
  sample: {"name": "mail1", "hostname": "mail1.example.com", "port": null, "secure": "on", "active": 1}
diff:
  description: The row before and after (C(tblservers <name>) headers), the password masked; equal when nothing changes.
  returned: always
  type: dict
services:
  description: Number of services using the server, when O(state=absent) is refused.
  returned: failure
  type: int
  sample: 4
removed:
  description: The servers removed (or that would be, in check mode) by a call with O(names).
  returned: when O(names) is given
  type: list
  elements: dict
  sample: [{"name": "mail1", "server_id": 3}]
refused:
  description: One sentence per server of O(names) that still has services.
  returned: when a removal with O(names) is refused
  type: list
  elements: str
"""

from functools import partial

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.servers import (
    WhmcsServerError,
    apply_server_plan,
    plan_server,
    plan_server_removal,
    server_spec_from_params,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.write_module import (
    PlanBatch,
    WhmcsWriteModule,
    plan_every,
)


class WhmcsServerModule(WhmcsWriteModule):
    name = "whmcs_server"

    def argument_spec(self):
        return dict(
            name=dict(type="str"),
            names=dict(type="list", elements="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            validate_only=dict(type="bool", default=False),
            hostname=dict(type="str"),
            ip_address=dict(type="str", default=""),
            port=dict(type="int"),
            secure=dict(type="bool", default=True),
            username=dict(type="str"),
            password=dict(type="str", no_log=True),
            max_accounts=dict(type="int", default=200),
            disabled=dict(type="bool", default=False),
            server_group=dict(
                type="dict",
                options=dict(
                    name=dict(type="str", required=True),
                    fill_type=dict(type="str", default="least_full"),
                ),
            ),
        )

    def initial_result(self):
        return dict(server_id=None)

    def subject(self):
        return self.params["name"] or ", ".join(self.params["names"])

    def validate(self):
        if self.params["names"] is not None and self.params["state"] != "absent":
            raise WhmcsServerError(
                "names lists servers to remove and goes with state=absent; to add or update a server give name",
                option="names",
            )
        self.spec = server_spec_from_params(self.params) if self.params["state"] == "present" else None

    def plan(self, cursor):
        if self.params["names"] is not None:
            planners = [partial(plan_server_removal, cursor, name) for name in self.params["names"]]
            return plan_every(planners, "servers")
        if self.spec is None:
            return plan_server_removal(cursor, self.params["name"])
        return plan_server(cursor, self.spec, self.config.cc_encryption_hash)

    def report(self, plan):
        if isinstance(plan, PlanBatch):
            deleted = [p for p in plan.plans if p.action == "delete"]
            return dict(
                action="delete" if deleted else "none",
                changed_fields=["state"] if deleted else [],
                password_changed=False,
                removed=[dict(name=p.before["name"], server_id=p.server_id) for p in deleted],
                diff=dict(before={p.before["name"]: p.before for p in deleted}, after={}),
            )
        header = "tblservers %s" % self.params["name"]
        return dict(
            server_id=plan.server_id,
            action=plan.action,
            changed_fields=plan.changed_fields,
            password_changed=plan.password_changed,
            server=plan.after,
            diff=dict(before=plan.before, after=plan.after, before_header=header, after_header=header),
        )

    def apply(self, cursor, plan):
        if isinstance(plan, PlanBatch):
            for removal in plan.plans:
                apply_server_plan(cursor, removal, self.config.cc_encryption_hash)
            return {}
        return dict(server_id=apply_server_plan(cursor, plan, self.config.cc_encryption_hash))


def main():
    WhmcsServerModule(
        required_one_of=[("name", "names")],
        mutually_exclusive=[("name", "names")],
        required_if=[("state", "present", ("hostname", "username", "password"))],
    ).run()


if __name__ == "__main__":
    main()
