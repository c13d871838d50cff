# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verify check registry and the settings of one target, shared by the CLI and the Ansible module.

- ``build_registry(include_canary)``: the SmarterMail checks, then the WHMCS checks when their
  module can be imported (they apply only to targets with a ``whmcs_root``), then the opt-in
  ``order`` check (only for targets whose settings ask for it: ``order``).
- ``target_settings(...)``: one target's settings dict with the documented defaults, checked so
  that a bad value is a VerifySettingsError sentence, never a traceback inside a check.
- ``verify_error_types()``: the typed errors a check may raise that already speak human.
- ``close_targets(contexts)``: release what the checks opened (HTTP clients, DB connections).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, Type

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailConfigError,
    SmarterMailError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.url import normalize_hostname
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import (
    CheckSpec,
    TargetContext,
)

DEFAULT_CANARY_PREFIX = "smw-canary-"
# The module's option 5 ("domain storage path") default.
DEFAULT_CANARY_DOMAIN_PATH = "C:\\SmarterMail\\Domains\\"
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_PHP_BINARY = "php"
# Targets closed (logged out) at the same time when a run ends.
CLOSE_WORKERS = 16
# A canary domain is <prefix><random>.<tld>: the prefix must be a valid start of a DNS label.
_CANARY_PREFIX = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")

# Keys of a smartermail_servers entry (the Ansible variable, verify's --config file) that a
# target's settings keep under the same name and meaning.
SERVER_ENTRY_KEYS = ("name", "hostname", "port", "secure", "username", "password")
SETTINGS_KEYS = (
    *SERVER_ENTRY_KEYS,
    "ca_file",
    "verify_tls",
    "connect_timeout",
    "timeout",
    "canary",
    "canary_prefix",
    "canary_domain_path",
    "whmcs_root",
    "php_binary",
    "whmcs_web_user",
    "whmcs_cron_user",
    "whmcs_server_name",
    "whmcs_product_name",
    "order",
    "order_dry_run",
    "known_failures",
)
# A known failure's check id for a target whose address is unusable, and for one without a password.
ADDRESS_CHECK = "dns"
LOGIN_CHECK = "credentials"


class VerifySettingsError(ValueError):
    """A target setting is missing or invalid; the text names the setting and never its secret."""


def build_registry(include_canary: bool = True) -> List[CheckSpec]:
    """The checks to run, in report order: SmarterMail side, then WHMCS side when available."""
    from ansible_collections.astral360.smartermail.plugins.module_utils.verify.smartermail_checks import (
        SMARTERMAIL_CHECKS,
    )

    registry = [spec for spec in SMARTERMAIL_CHECKS if include_canary or spec.id != "canary"]
    registry.extend(_whmcs_checks())
    registry.extend(_order_checks())
    return registry


def _whmcs_checks() -> List[CheckSpec]:
    try:
        from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_checks import (
            WHMCS_CHECKS,
        )
    except ImportError:  # the WHMCS checks are optional: verify still covers SmarterMail
        return []
    return list(WHMCS_CHECKS)


def _order_checks() -> List[CheckSpec]:
    try:
        from ansible_collections.astral360.smartermail.plugins.module_utils.verify.order import ORDER_CHECKS
    except ImportError:  # like the WHMCS checks it builds on
        return []
    return list(ORDER_CHECKS)


def verify_error_types() -> Tuple[Type[BaseException], ...]:
    """Errors the runner turns into a failed check using their own sentence (and ``hint``)."""
    types: List[Type[BaseException]] = [SmarterMailError]
    for module_name, class_name in (
        ("whmcs.configuration_parser", "WhmcsConfigError"),
        ("whmcs.database", "WhmcsDbError"),
        ("whmcs.password_crypto", "WhmcsCryptoError"),
    ):
        try:
            module = __import__(
                "ansible_collections.astral360.smartermail.plugins.module_utils." + module_name,
                fromlist=[class_name],
            )
        except ImportError:
            continue
        types.append(getattr(module, class_name))
    return tuple(types)


def close_targets(contexts: Iterable[TargetContext]) -> None:
    """Call each check module's ``close_target`` for every context; never raises."""
    closers: List[Callable[[TargetContext], Any]] = []
    for module_name in ("verify.smartermail_checks", "verify.whmcs_checks"):
        try:
            module = __import__(
                "ansible_collections.astral360.smartermail.plugins.module_utils." + module_name,
                fromlist=["close_target"],
            )
        except ImportError:
            continue
        closer = getattr(module, "close_target", None)
        if closer is not None:
            closers.append(closer)

    def close(context: TargetContext) -> None:
        for closer in closers:
            # Closing is best effort: the report is already made.
            with contextlib.suppress(Exception):
                closer(context)

    contexts = list(contexts)
    if len(contexts) <= 1:
        for context in contexts:
            close(context)
        return
    # Each close may log out (one API round trip): one target after another would add a round
    # trip per server to the run, so the targets close side by side.
    with ThreadPoolExecutor(max_workers=min(len(contexts), CLOSE_WORKERS)) as pool:
        list(pool.map(close, contexts))


def _positive_float(option: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise VerifySettingsError("%s must be a number of seconds, not %r" % (option, value)) from None
    if not number > 0:  # pylint: disable=unnecessary-negation  # 'not >' also refuses NaN
        raise VerifySettingsError("%s must be more than 0 seconds, not %s" % (option, value))
    return number


def _port(value: Any) -> Optional[int]:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise VerifySettingsError("port must be a TCP port number (1-65535), not %r" % (value,))
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise VerifySettingsError("port must be a TCP port number (1-65535), not %r" % (value,)) from None
    if not 1 <= port <= 65535:
        raise VerifySettingsError("port must be a TCP port number (1-65535), not %s" % port)
    return port


def _check_hostname(hostname: str) -> None:
    """The client's own rule (common/hostnames.py, through the client): input errors, not DNS ones."""
    if not hostname:
        raise VerifySettingsError("hostname is required (the SmarterMail server's name or address)")
    try:
        normalize_hostname(hostname)
    except SmarterMailConfigError as error:
        raise VerifySettingsError(str(error)) from None


def check_canary_prefix(prefix: Any) -> str:
    """The prefix, or VerifySettingsError when it cannot start a DNS label."""
    if not isinstance(prefix, str) or not _CANARY_PREFIX.match(prefix):
        raise VerifySettingsError(
            "canary_prefix must be 1-30 lower-case letters, digits or hyphens, not starting with a hyphen "
            "(it starts the canary domain's name), not %r" % (prefix,)
        )
    return prefix


def target_settings(
    hostname: Optional[str],
    username: Optional[str],
    password: Optional[str],
    name: Optional[str] = None,
    port: Any = None,
    secure: Any = True,
    ca_file: Optional[str] = None,
    verify_tls: Any = True,
    connect_timeout: Any = DEFAULT_CONNECT_TIMEOUT,
    timeout: Any = DEFAULT_TIMEOUT,
    canary: Any = True,
    canary_prefix: Any = DEFAULT_CANARY_PREFIX,
    canary_domain_path: Optional[str] = DEFAULT_CANARY_DOMAIN_PATH,
    whmcs_root: Optional[str] = None,
    php_binary: Optional[str] = DEFAULT_PHP_BINARY,
    whmcs_web_user: Optional[str] = None,
    whmcs_cron_user: Optional[str] = None,
    whmcs_server_name: Optional[str] = None,
    whmcs_product_name: Optional[str] = None,
    known_failures: Optional[Dict[str, Tuple[str, str]]] = None,
    order: Any = False,
    order_dry_run: Any = False,
) -> Dict[str, Any]:
    """One target's settings dict (keys: SETTINGS_KEYS), validated, with the documented defaults.

    ``known_failures`` maps a check id to (summary, hint) for what is already known to be broken
    (a WHMCS row with an unusable address or password): the runner fails that check with it, and
    the values it stands for (ADDRESS_CHECK: hostname and port; LOGIN_CHECK: username and
    password) are taken as given instead of refused. ``order`` adds the test order check (it needs
    ``whmcs_root``); ``order_dry_run`` makes it say what it would do instead.
    """
    known = dict(known_failures or {})
    hostname = (hostname or "").strip()
    if ADDRESS_CHECK not in known:
        _check_hostname(hostname)
        port = _port(port)
    if LOGIN_CHECK not in known:
        if not username:
            raise VerifySettingsError("username is required (a SmarterMail system administrator)")
        if not password:
            raise VerifySettingsError("password is required for %s@%s" % (username, hostname))
    return {
        "name": name or hostname,
        "hostname": hostname,
        "port": port,
        "secure": bool(secure),
        "username": username,
        "password": password,
        "ca_file": ca_file or None,
        "verify_tls": bool(verify_tls),
        "connect_timeout": _positive_float("connect_timeout", connect_timeout),
        "timeout": _positive_float("timeout", timeout),
        "canary": bool(canary),
        "canary_prefix": check_canary_prefix(canary_prefix),
        "canary_domain_path": canary_domain_path or DEFAULT_CANARY_DOMAIN_PATH,
        "whmcs_root": whmcs_root or None,
        "php_binary": php_binary or DEFAULT_PHP_BINARY,
        "whmcs_web_user": whmcs_web_user or None,
        "whmcs_cron_user": whmcs_cron_user or None,
        "whmcs_server_name": whmcs_server_name or None,
        "whmcs_product_name": whmcs_product_name or None,
        "order": bool(order),
        "order_dry_run": bool(order_dry_run),
        "known_failures": known,
    }


def public_target(settings: Dict[str, Any]) -> Dict[str, Any]:
    """What a report may say about a target: its address and tree, never a credential."""
    return {
        "name": settings["name"],
        "hostname": settings["hostname"],
        "port": settings["port"],
        "secure": settings["secure"],
        "whmcs_root": settings.get("whmcs_root"),
    }
