#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: whmcs_opcache_reset
short_description: Make the web server's PHP drop the OPcache it holds of the old module code
version_added: 0.1.0
description:
  - After the module files change, a web server whose PHP keeps OPcache with
    C(opcache.validate_timestamps=0) goes on running the old code until its cache is reset. A
    C(php) CLI has its own cache, so resetting from a shell does nothing to the web server's.
  - The module_files role runs this from a handler only when the module files changed, and only
    when C(smartermail_php_fpm_service) is not set (reloading PHP-FPM empties its cache already).
  - O(how=url) GETs O(reset_url), an address the operator set up on the web server that resets
    OPcache (protected as they see fit); any 2xx answer is success.
  - O(how=one_shot) writes a PHP file with a random 128-bit name into O(whmcs_root), requests it at
    O(web_url) (default WHMCS's SystemURL), and removes it whatever happens. The file calls
    C(opcache_reset()) and nothing else; it takes no input.
  - O(how=none) resets nothing; it warns when the web server's PHP configuration found next to the
    CLI (a php-fpm binary, Debian's fpm/ or apache2/ php.ini) has OPcache on with
    C(validate_timestamps) off, the case in which the old code keeps running.
author:
  - Astral 360 (@AstralInternet)
extends_documentation_fragment:
  - astral360.smartermail.whmcs
attributes:
  check_mode:
    support: full
    description: Reports that a reset would happen and does nothing.
  diff_mode:
    support: none
    description: No file is changed (the one-shot file is removed again).
options:
  how:
    description: How to reset (see the description).
    type: str
    choices: [none, url, one_shot]
    default: none
  reset_url:
    description: For O(how=url), the address that resets the web server's OPcache.
    type: str
  web_url:
    description:
      - For O(how=one_shot), the address where the web server serves O(whmcs_root). Default
        WHMCS's SystemURL (read from the database).
    type: str
  web_user:
    description: For O(how=one_shot) as root, the owner given to the one-shot file (the web user).
    type: str
  ca_file:
    description: A CA file to trust for an https O(reset_url) / O(web_url).
    type: path
"""

EXAMPLES = r"""
- name: Reset the web server's OPcache through a one-shot file
  astral360.smartermail.whmcs_opcache_reset:
    whmcs_root: /var/www/whmcs
    how: one_shot
    web_user: www-data
"""

RETURN = r"""
reset:
  description: Whether the web server's PHP reset its OPcache (false for O(how=none) and in check mode).
  returned: always
  type: bool
how:
  description: The O(how) used.
  returned: always
  type: str
answer:
  description: For O(how=one_shot), what the web server's PHP said (sapi, php_version, enabled, validate_timestamps, reset).
  returned: when O(how=one_shot) ran
  type: dict
configured:
  description: For O(how=none), OPcache as each web PHP configuration found sets it (label, enabled, validate_timestamps).
  returned: when O(how=none)
  type: list
  elements: dict
"""

import pwd

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.ansible_args import (
    open_whmcs,
    whmcs_argument_spec,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    WhmcsConfigError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    WhmcsDbError,
    get_setting,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.web_php_opcache import (
    OpcacheProbeError,
    configured_opcache,
    fetch,
    one_shot,
    reset_source,
)

NOOP_WARNING = (
    "the module files changed, but %s has OPcache on with opcache.validate_timestamps off: the web "
    "server keeps running the old module code until its OPcache is reset. Set smartermail_php_fpm_service "
    "(PHP-FPM is reloaded) or smartermail_opcache_reset (one_shot, or smartermail_opcache_reset_url), or "
    "reload the web server's PHP yourself"
)


def _system_url(params):
    _config, connection = open_whmcs(params)
    try:
        return str(get_setting(connection, "SystemURL") or "")
    finally:
        connection.close()


def _owner(user):
    if not user:
        return None
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def run(module):
    params = module.params
    how = params["how"]
    result = {"changed": False, "reset": False, "how": how}
    if how == "none":
        configured = configured_opcache(params["php_binary"])
        result["configured"] = configured
        risky = [
            entry["label"] for entry in configured if entry["enabled"] and not entry["validate_timestamps"]
        ]
        if risky:
            module.warn(NOOP_WARNING % "; ".join(risky))
        return result
    result["changed"] = True
    if module.check_mode:
        return result
    if how == "url":
        if not params["reset_url"]:
            module.fail_json(msg="how=url needs reset_url (smartermail_opcache_reset_url)", **result)
        fetch(params["reset_url"], 20, params["ca_file"])
        result["reset"] = True
        return result
    url = params["web_url"] or _system_url(params)
    if not url:
        module.fail_json(
            msg="how=one_shot needs the web server's address: WHMCS's SystemURL is empty; set "
            "smartermail_opcache_web_url",
            **result,
        )
    answer = one_shot(
        params["whmcs_root"], url, reset_source(), ca_file=params["ca_file"], owner=_owner(params["web_user"])
    )
    result["answer"] = answer
    result["reset"] = bool(answer.get("reset"))
    if not answer.get("enabled"):
        result["changed"] = False
        module.warn("the web server's PHP at %s has OPcache off: nothing to reset" % url)
    elif not result["reset"]:
        module.fail_json(
            msg="the web server's PHP at %s refused opcache_reset() (opcache.restrict_api?): reload it "
            "instead (smartermail_php_fpm_service)" % url,
            **result,
        )
    return result


def main():
    spec = whmcs_argument_spec()
    spec.update(
        how=dict(type="str", choices=["none", "url", "one_shot"], default="none"),
        reset_url=dict(type="str"),
        web_url=dict(type="str"),
        web_user=dict(type="str"),
        ca_file=dict(type="path"),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    try:
        result = run(module)
    except OpcacheProbeError as error:
        module.fail_json(msg="cannot reset the web server's OPcache: %s" % error, changed=False)
    except (WhmcsConfigError, WhmcsDbError) as error:
        module.fail_json(msg="cannot read WHMCS's SystemURL: %s" % error, changed=False)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
