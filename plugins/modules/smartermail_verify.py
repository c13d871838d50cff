#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: smartermail_verify
short_description: Run the verify checks against one SmarterMail server from this host
version_added: 0.1.0
description:
  - Runs the same checks as C(smartermail-whmcs verify) from the host the task runs on (the WHMCS
    host), so the port and firewall checks test the path WHMCS really uses.
  - SmarterMail side - C(dns), C(port), C(tls), C(api), C(credentials), C(version) and, unless
    O(canary=false), C(canary) (a uniquely named test domain created, exercised and deleted).
  - With O(whmcs_root), the WHMCS-side checks of the collection (when installed) run too.
  - With O(order=true) and O(whmcs_root), also C(order) - a real test order for each product of
    the module, through WHMCS's own localAPI run by the host's PHP as O(whmcs_web_user) (the
    module's Create, the domain and its hidden admin checked on SmarterMail, ModuleTerminate),
    then the order, its service, invoices and test client removed, also after a failure.
  - Fails when any check fails; the message names each failed check and its hint. Warnings pass
    unless O(fail_on_warnings=true); each warning is shown as an Ansible C([WARNING]) line, and so
    is O(validate_certs=false).
  - See the collection's docs/verify.md for every check, message and fix.
author:
  - Astral 360 (@AstralInternet)
extends_documentation_fragment:
  - astral360.smartermail.smartermail
options:
  name:
    description:
      - Label of this server in the results, and the WHMCS server name (tblservers.name) the WHMCS
        checks look for. Defaults to O(hostname).
    type: str
  whmcs_root:
    description:
      - WHMCS directory on this host. Adds the WHMCS-side checks.
    type: path
  php_binary:
    description:
      - PHP CLI used to read C(configuration.php).
    type: str
    default: php
  whmcs_web_user:
    description:
      - The web server user that must be able to read the module files.
      - With O(order=true), WHMCS's PHP runs as this user (the module switches to it when it runs as
        root, and refuses to run the order as root without it).
    type: str
  whmcs_cron_user:
    description:
      - Whose crontab must hold the WHMCS cron line (the cron role's C(whmcs_cron.user)).
        Default O(whmcs_web_user). Read with C(crontab -l -u) when the module runs as root.
    type: str
  whmcs_product_name:
    description:
      - The WHMCS product the C(product) and C(canary) checks look at; default every product using the module.
    type: str
  canary:
    description:
      - Run the canary check (the module's own calls from Create to Terminate on a test domain, for each
        product of the module, or its defaults without O(whmcs_root)). Never runs in check mode.
    type: bool
    default: true
  canary_prefix:
    description:
      - Name prefix of canary domains (lower-case letters, digits, hyphens).
    type: str
    default: smw-canary-
  canary_domain_path:
    description:
      - Domain storage path for the canary domain, as the product's option 5, when there is no
        O(whmcs_root) (with one, each product's own option 5 is used).
    type: str
  order:
    description:
      - Run the C(order) check (a real test order per product, removed afterwards). Needs O(whmcs_root).
      - In check mode it changes nothing and says what it would do.
    type: bool
    default: false
  parallel:
    description:
      - How many checks may run at the same time.
    type: int
    default: 4
  fail_on_warnings:
    description:
      - Also fail when a check warns or O(validate_certs=false) turns certificate checks off for an
        HTTPS server, as C(smartermail-whmcs verify --strict) does.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: In check mode the read-only checks run, the canary is skipped and the test order only
      says what it would do.
  diff_mode:
    support: none
    description: Nothing is changed (the canary domain and the test orders are removed before the module returns).
"""

EXAMPLES = r"""
- name: Verify a SmarterMail server from the WHMCS host
  astral360.smartermail.smartermail_verify:
    name: mail1
    hostname: mail1.example.com
    username: admin
    password: "{{ vault_smartermail_password }}"
    whmcs_root: /var/www/whmcs
  register: verify

- name: Read-only run against a test server over plain HTTP
  astral360.smartermail.smartermail_verify:
    hostname: 127.0.0.1
    port: 9998
    secure: false
    username: admin
    password: "{{ smartermail_password }}"
    canary: false

- name: Verify with a real test order per product (removed afterwards), PHP run as www-data
  astral360.smartermail.smartermail_verify:
    hostname: mail1.example.com
    username: admin
    password: "{{ vault_smartermail_password }}"
    whmcs_root: /var/www/whmcs
    whmcs_web_user: www-data
    order: true
"""

RETURN = r"""
results:
  description: One entry per check, in report order.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Check id (dns, port, tls, api, credentials, version, canary, whmcs-version, ..., order).
      type: str
    target:
      description: The server's label (O(name)).
      type: str
    status:
      description: One of C(pass), C(warn), C(fail), C(skip).
      type: str
    summary:
      description: What was found, naming host:port, file or table.
      type: str
    hint:
      description: For failures and warnings, the likely cause and the next step.
      type: str
    elapsed_ms:
      description: How long the check took.
      type: int
    details:
      description: Facts the check gathered (never a secret).
      type: dict
  sample:
    - id: port
      target: mail1
      status: pass
      summary: TCP connect to mail1.example.com:443 succeeded in 3 ms
      hint: ""
      elapsed_ms: 4
      details: {}
summary:
  description: Counts per status.
  returned: always
  type: dict
  sample: {pass: 7, warn: 0, fail: 0, skip: 0, total: 7}
report:
  description: The JSON report document (schema 1), the same as C(smartermail-whmcs verify --format json).
  returned: always
  type: dict
strict_findings:
  description:
    - "What fails the run with O(fail_on_warnings=true) - certificate checks turned off, then each
      check that warned (C(target/id: summary (hint: ...))). Returned whatever O(fail_on_warnings) is."
  returned: always
  type: list
  elements: str
  sample: ["mail1: TLS certificate checks are off (validate_certs: false)"]
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.ansible_args import (
    smartermail_argument_spec,
    warn_if_tls_off,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    HAS_HTTPX,
    HTTPX_IMPORT_ERROR,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.registry import (
    DEFAULT_CANARY_PREFIX,
    VerifySettingsError,
    build_registry,
    close_targets,
    public_target,
    target_settings,
    verify_error_types,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.report import (
    build_document,
    failure_lines,
    redact_results,
    summary_line,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import (
    TargetContext,
    run_checks,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.strict import (
    strict_findings,
    warning_lines,
)


def argument_spec():
    spec = smartermail_argument_spec()
    spec.update(
        name=dict(type="str"),
        whmcs_root=dict(type="path"),
        php_binary=dict(type="str", default="php"),
        whmcs_web_user=dict(type="str"),
        whmcs_cron_user=dict(type="str"),
        whmcs_product_name=dict(type="str"),
        canary=dict(type="bool", default=True),
        canary_prefix=dict(type="str", default=DEFAULT_CANARY_PREFIX),
        canary_domain_path=dict(type="str"),
        order=dict(type="bool", default=False),
        parallel=dict(type="int", default=4),
        fail_on_warnings=dict(type="bool", default=False),
    )
    return spec


def settings_from_params(params, check_mode):
    return target_settings(
        hostname=params["hostname"],
        username=params["username"],
        password=params["password"],
        name=params["name"],
        port=params["port"],
        secure=params["secure"],
        ca_file=params["ca_path"],
        verify_tls=params["validate_certs"],
        connect_timeout=params["connect_timeout"],
        timeout=params["timeout"],
        canary=params["canary"] and not check_mode,
        canary_prefix=params["canary_prefix"],
        canary_domain_path=params["canary_domain_path"],
        whmcs_root=params["whmcs_root"],
        php_binary=params["php_binary"],
        whmcs_web_user=params["whmcs_web_user"],
        whmcs_cron_user=params["whmcs_cron_user"],
        whmcs_server_name=params["name"],
        whmcs_product_name=params["whmcs_product_name"],
        order=params["order"],
        order_dry_run=check_mode,
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    if not HAS_HTTPX:
        module.fail_json(msg=missing_required_lib("httpx"), exception=HTTPX_IMPORT_ERROR)
    params = module.params
    if params["parallel"] < 1:
        module.fail_json(msg="parallel must be 1 or more, not %d" % params["parallel"])
    if params["order"] and not params["whmcs_root"]:
        module.fail_json(msg="order places a test order in WHMCS: it needs whmcs_root")
    warn_if_tls_off(module)
    try:
        settings = settings_from_params(params, module.check_mode)
    except VerifySettingsError as error:
        module.fail_json(msg="invalid option: %s" % error)
    registry = build_registry(include_canary=settings["canary"])
    context = TargetContext(settings["name"], settings)
    try:
        results = run_checks(
            [context], registry, max_workers=params["parallel"], error_types=verify_error_types()
        )
    finally:
        close_targets([context])
    results = redact_results(results, [params["password"]])
    report = build_document(results, [public_target(settings)])
    findings = strict_findings(results, [settings], "validate_certs: false")
    outcome = dict(
        changed=False,
        results=report["checks"],
        summary=report["summary"],
        report=report,
        strict_findings=findings,
    )
    for line in warning_lines(results):
        module.warn(line)
    failures = failure_lines(results)
    if params["fail_on_warnings"]:
        failures += ["fail_on_warnings: %s" % line for line in findings]
    if failures:
        module.fail_json(
            msg="%s: %s. %s" % (settings["name"], summary_line(results), " | ".join(failures)), **outcome
        )
    module.exit_json(msg="%s: %s" % (settings["name"], summary_line(results)), **outcome)


if __name__ == "__main__":
    main()
