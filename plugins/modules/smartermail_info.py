#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: smartermail_info
short_description: Check that a SmarterMail server answers and that the sysadmin login works
version_added: 0.1.0
description:
  - Connects to the SmarterMail REST API (v1) the way the WHMCS module does, reads the product
    version and edition, and logs in with the given system administrator account.
  - Changes nothing on the server. When something is broken it fails and says which link broke
    (C(port), C(tls), C(api) or C(credentials)) in RV(failed_stage).
author:
  - Astral 360 (@AstralInternet)
extends_documentation_fragment:
  - astral360.smartermail.smartermail
attributes:
  check_mode:
    support: full
    description: The module only reads, so it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is nothing to diff.
"""

EXAMPLES = r"""
- name: Check the SmarterMail server WHMCS will use
  astral360.smartermail.smartermail_info:
    hostname: mail.example.com
    username: admin
    password: "{{ vault_smartermail_password }}"
  register: smartermail

- name: Refuse versions older than 16
  ansible.builtin.assert:
    that: smartermail.version is version('16', '>=')

- name: A test server on the plain-HTTP default port with a private CA
  astral360.smartermail.smartermail_info:
    hostname: 127.0.0.1
    port: 9998
    secure: false
    username: admin
    password: "{{ smartermail_password }}"
"""

RETURN = r"""
reachable:
  description: Whether the REST API answered.
  returned: always
  type: bool
  sample: true
base_url:
  description: The URL the module talked to (scheme, host and port, as the WHMCS module builds it).
  returned: always
  type: str
  sample: https://mail.example.com
version:
  description: SmarterMail product version from C(licensing/about).
  returned: success
  type: str
  sample: 100.0.9504
edition:
  description: The edition number SmarterMail reports in C(licensing/about).
  returned: success
  type: raw
  sample: 2
enterprise_functionality:
  description: Whether the licence enables enterprise features (EAS, MAPI).
  returned: success
  type: bool
  sample: true
is_sysadmin:
  description: Whether the account is a SmarterMail system administrator (required by the WHMCS module).
  returned: success
  type: bool
  sample: true
failed_stage:
  description: On failure, the broken link, one of C(config), C(port), C(tls), C(api), C(credentials).
  returned: failure
  type: str
  sample: credentials
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.ansible_args import (
    client_from_params,
    failed_stage,
    smartermail_argument_spec,
    warn_if_tls_off,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    HAS_HTTPX,
    HTTPX_IMPORT_ERROR,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailError,
)


def main():
    module = AnsibleModule(argument_spec=smartermail_argument_spec(), supports_check_mode=True)
    if not HAS_HTTPX:
        module.fail_json(msg=missing_required_lib("httpx"), exception=HTTPX_IMPORT_ERROR)
    warn_if_tls_off(module)

    result = dict(changed=False, reachable=False, base_url="")
    try:
        with client_from_params(module.params) as client:
            result["base_url"] = client.base_url
            about = client.about()
            result["reachable"] = True
            result["version"] = str(about.get("version", ""))
            result["edition"] = about.get("edition")
            result["enterprise_functionality"] = bool(about.get("enterpriseFunctionality", False))
            login = client.login()
            result["is_sysadmin"] = bool(login.is_sysadmin)
            if not login.usable:
                # SmarterMail answers success with a step token the WHMCS module cannot use.
                reason = (
                    "needs a two-factor code"
                    if login.two_factor_required
                    else "must change its password first"
                )
                module.fail_json(
                    msg="%s: the account %s %s; the WHMCS module needs a sysadmin account that logs in "
                    "with its password alone. Turn two-factor authentication off for it, or sign in to "
                    "the web interface once to set a new password."
                    % (client.endpoint, module.params["username"], reason),
                    failed_stage="credentials",
                    **result,
                )
    except SmarterMailError as error:
        module.fail_json(msg=str(error), failed_stage=failed_stage(error), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
