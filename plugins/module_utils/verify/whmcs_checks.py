# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The WHMCS side of ``verify``: whmcs-version, php-version, module-files, hooks, server, product, cron, usage.

These checks apply only to a target whose settings name a ``whmcs_root``. They read (never
write) the tree, its configuration.php and its database. ``WHMCS_CHECKS`` is the registry part
that verify_registry.build_registry() appends after the SmarterMail checks. Dependencies: every
check needs whmcs-version (configuration.php and the database work); server also needs the
SmarterMail credentials check, so that a refused login with the stored password can only mean a
wrong stored password; usage needs server (and through it a working SmarterMail login).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed, Outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import (
    CheckSpec,
    TargetContext,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import (
    CONFIG_KEY,
    SERVER_ROW_KEY,
    applies,
    explained,
    setting,
    whmcs_config,
    whmcs_db,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_cron_checks import check_cron
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_files_checks import (
    check_module_files,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_hooks_checks import (
    check_hooks,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_opcache_checks import (
    check_opcache,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_php_checks import (
    check_php_curl,
    check_php_extensions,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_server_checks import (
    check_product,
    check_server,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_usage_checks import (
    check_usage,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_version_checks import (
    check_module_version,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.database import (
    get_whmcs_version,
    parse_whmcs_version,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.facts import php_version, tree_facts

MIN_WHMCS = (8, 0)
MIN_PHP = (8, 0)


def check_whmcs_version(context: TargetContext) -> Outcome:
    root = setting(context, "whmcs_root")
    tree = tree_facts(root)
    if not tree["whmcs_root_exists"]:
        raise CheckFailed("the WHMCS root %s does not exist" % root, "give --whmcs-root the WHMCS directory")
    if not tree["root_checks"]["configuration_php"]:
        raise CheckFailed(
            "%s has no configuration.php: it is not a WHMCS directory" % root,
            "give --whmcs-root the directory holding WHMCS's configuration.php",
        )
    config = whmcs_config(context)
    with whmcs_db(context) as connection:
        text = get_whmcs_version(connection)
    try:
        version = parse_whmcs_version(text)
    except ValueError as error:
        raise CheckFailed(
            "tblconfiguration Version: %s" % error,
            "the database may not be a WHMCS database: check configuration.php",
        ) from None
    details = {"version": text, "database": config.db_name, "config_source": config.source}
    if (version.major, version.minor) < MIN_WHMCS:
        raise CheckFailed(
            "WHMCS %s (tblconfiguration Version in database %s) is too old: the toolkit and module need 8.0 or later"
            % (text, config.db_name),
            "upgrade WHMCS to a current 8.x release",
            **details,
        )
    missing = [name for name, present in tree["root_checks"].items() if not present]
    summary = "WHMCS %s (database %r reached with the credentials in configuration.php)" % (
        text,
        config.db_name,
    )
    if missing:
        return Outcome.warning(
            summary + "; but %s lacks %s" % (root, ", ".join(missing)),
            "the directory may be incomplete: check that --whmcs-root is the WHMCS root",
            **details,
        )
    return Outcome.passed(summary, **details)


def check_php_version(context: TargetContext) -> Outcome:
    php = setting(context, "php_binary", "php")
    facts = php_version(php)
    if facts["php_error"]:
        raise CheckFailed(
            facts["php_error"],
            "install the PHP 8 CLI WHMCS uses, or pass --php with its path (whmcs_php_binary)",
        )
    info = facts["php_version_info"]
    if tuple(info[:2]) < MIN_PHP:
        raise CheckFailed(
            "%s is PHP %s: the WHMCS cron and the module need PHP 8.0 or later" % (php, facts["php_version"]),
            "point --php (whmcs_php_binary) at a PHP 8 CLI, the one the web server uses",
            version=facts["php_version"],
        )
    return Outcome.passed(
        "%s is PHP %s (8.0 or later)" % (php, facts["php_version"]), version=facts["php_version"]
    )


def close_target(context: TargetContext) -> None:
    """Forget what the WHMCS checks cached (connections are never kept open between checks)."""
    with context.lock:
        context.cache.pop(CONFIG_KEY, None)
        context.cache.pop(SERVER_ROW_KEY, None)


_NEEDS = ("whmcs-version",)

WHMCS_CHECKS = [
    CheckSpec(
        "whmcs-version",
        "WHMCS 8.0 or later, database reachable",
        explained(check_whmcs_version),
        applies=applies,
    ),
    CheckSpec("php-version", "PHP CLI 8.0 or later", check_php_version, requires=_NEEDS, applies=applies),
    CheckSpec(
        "module-files",
        "Module files present, readable, unchanged",
        explained(check_module_files),
        requires=_NEEDS,
        applies=applies,
    ),
    CheckSpec(
        "module-version",
        "Installed module version (MetaData MODVersion, CHANGELOG.md release)",
        explained(check_module_version),
        requires=("whmcs-version", "php-version"),
        applies=applies,
    ),
    CheckSpec(
        "hooks",
        "Module hooks load in WHMCS",
        explained(check_hooks),
        requires=_NEEDS,
        applies=applies,
    ),
    CheckSpec(
        "server",
        "WHMCS server row logs in to SmarterMail",
        explained(check_server),
        requires=("whmcs-version", "credentials"),
        applies=applies,
    ),
    CheckSpec(
        "product",
        "Product uses the module, valid, priced, linked",
        explained(check_product),
        requires=_NEEDS,
        applies=applies,
    ),
    CheckSpec(
        "cron", "WHMCS cron installed and running", explained(check_cron), requires=_NEEDS, applies=applies
    ),
    CheckSpec(
        "usage",
        "disk_gb metric the invoices bill: collected recently, matching SmarterMail",
        explained(check_usage),
        requires=("server",),
        applies=applies,
    ),
    CheckSpec(
        "php-curl",
        "WHMCS's PHP reaches SmarterMail with curl and PHP's own trust store",
        explained(check_php_curl),
        requires=("whmcs-version", "php-version"),
        applies=applies,
    ),
    CheckSpec(
        "php-extensions",
        "PHP extensions the module needs (CLI and web server)",
        check_php_extensions,
        requires=("whmcs-version", "php-version"),
        applies=applies,
    ),
    CheckSpec(
        "opcache",
        "The web server's OPcache runs the module files on disk",
        explained(check_opcache),
        requires=("whmcs-version", "module-files"),
        applies=applies,
    ),
]
