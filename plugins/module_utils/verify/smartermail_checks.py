# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SmarterMail side of ``verify``: dns, port, tls, api, credentials, version, canary.

The canary itself is canary_run.py (one run per product), its result canary_report.py.

Each check takes a TargetContext (settings keys: see the brief / docs) and returns an Outcome or
raises CheckFailed; ``SMARTERMAIL_CHECKS`` is the registry in chain order. One SmarterMailClient
per target is shared through ``context.cached("client", ...)``; whoever builds the contexts calls
``close_target(context)`` when the run is over. dns, port and tls probe with socket/ssl directly
(they are below HTTP); everything else goes through the shared client.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import re
import socket
import threading
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
    SmarterMailClient,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailApiUnavailableError,
    SmarterMailAuthError,
    SmarterMailConfigError,
    SmarterMailConnectError,
    SmarterMailError,
    SmarterMailPasswordChangeRequiredError,
    SmarterMailPermissionError,
    SmarterMailProtocolError,
    SmarterMailServerError,
    SmarterMailTimeoutError,
    SmarterMailTLSError,
    SmarterMailTwoFactorRequiredError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.url import (
    normalize_hostname,
    validate_port,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary import (
    DEFAULT_PREFIX,
    CanaryCancelled,
    CanaryConfigError,
    canary_name,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_options import (
    PlannedRun,
    default_options,
    plan_runs,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_report import (
    canary_outcome,
    not_run_entry,
    run_entry,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_run import CanaryRun
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed, Outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.network import (
    ProbeError,
    is_ip_literal,
    nameservers,
    resolve,
    socket_host,
    tcp_probe,
    tls_handshake,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import (
    CheckSpec,
    TargetContext,
    failing_on,
)

T = TypeVar("T")

CLIENT_KEY = "client"
ABOUT_KEY = "about"
MIN_MAJOR_VERSION = 16
CERT_WARN_DAYS = 14
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_TIMEOUT = 30.0

_PORT_HINTS = {
    "timeout": "a firewall is probably dropping the port (or the host is down): open TCP %(port)d from "
    "this host (%(here)s) to %(host)s, in the server's firewall and any network firewall between",
    "refused": "nothing listens on that port: SmarterMail's web server is down or the port is wrong "
    "(9998 is the default HTTP port, 443 with IIS)",
    "unreachable": "there is no route from this host (%(here)s) to %(host)s: check the address, routing, "
    "VPN, or a firewall that rejects with 'host unreachable'",
    "dns": "the host name stopped resolving between checks: check this host's DNS",
    "error": "the connection failed before TCP was established: check the address and this host's network",
}
_PORT_FINDINGS = {
    "timeout": "TCP connect to %(where)s timed out after %(timeout)g s",
    "refused": "TCP connect to %(where)s was refused",
    "unreachable": "TCP connect to %(where)s failed: network or host unreachable",
    "dns": "TCP connect to %(where)s failed: the name does not resolve",
    "error": "TCP connect to %(where)s failed (%(detail)s)",
}


# ----- settings, client -------------------------------------------------------------------------


def _settings(context: TargetContext) -> Dict[str, Any]:
    return context.settings or {}


def _secure(context: TargetContext) -> bool:
    return bool(_settings(context).get("secure", True))


def _canary_enabled(context: TargetContext) -> bool:
    return bool(_settings(context).get("canary"))


def _seconds(context: TargetContext, key: str, default: float) -> float:
    value = _settings(context).get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return default
    return float(value)


def _address(context: TargetContext) -> Tuple[str, int, str]:
    """(host for sockets, port, "host:port") from the settings; CheckFailed for a bad hostname/port."""
    settings = _settings(context)
    secure = _secure(context)
    try:
        host = normalize_hostname(settings.get("hostname") or "")  # missing or empty: the same error
        port = validate_port(settings.get("port"), secure)
    except SmarterMailConfigError as err:
        raise CheckFailed(str(err), "fix the hostname / port setting of %s" % context.name) from None
    return socket_host(host), port, "%s:%d" % (host, port)


def smartermail_client(context: TargetContext) -> SmarterMailClient:
    """The target's shared SmarterMailClient (made on first use, thread-safe)."""
    settings = _settings(context)

    def build() -> SmarterMailClient:
        return SmarterMailClient(
            settings.get("hostname") or "",
            port=settings.get("port"),
            secure=_secure(context),
            username=settings.get("username") or "",
            password=settings.get("password") or "",
            verify_tls=settings.get("verify_tls", True) is not False,
            ca_file=settings.get("ca_file") or None,
            connect_timeout=_seconds(context, "connect_timeout", DEFAULT_CONNECT_TIMEOUT),
            timeout=_seconds(context, "timeout", DEFAULT_TIMEOUT),
        )

    return context.cached(CLIENT_KEY, build)


def close_target(context: TargetContext, logout: bool = True) -> None:
    """Close the target's cached client (logging out first when it logged in). Never raises."""
    with context.lock:
        client = context.cache.pop(CLIENT_KEY, None)
    if client is None:
        return
    try:
        if logout and client.logged_in:
            client.logout()
    except Exception:  # noqa: S110 - closing must not fail a finished run
        pass
    finally:
        client.close()


def _here() -> str:
    try:
        return socket.gethostname() or "this host"
    except OSError:
        return "this host"


def _smartermail_failure(_context: TargetContext, err: Exception) -> Tuple[str, str]:
    summary, hint = _api_failure(err)  # a malformed answer mid-check still gets its hint
    return summary, getattr(err, "hint", "") or hint


# A stray SmarterMail error becomes a failed outcome, so no check depends on the runner's mapping.
_explained = failing_on((SmarterMailError,), _smartermail_failure)


# ----- dns, port, tls -----------------------------------------------------------------------------


@_explained
def check_dns(context: TargetContext) -> Outcome:
    host, port, _where = _address(context)
    if is_ip_literal(host):
        return Outcome.passed("%s is an IP address: no DNS lookup needed" % host, addresses=[host])
    timeout = _seconds(context, "connect_timeout", DEFAULT_CONNECT_TIMEOUT)
    servers = ", ".join(nameservers()) or "unknown"
    try:
        addresses = resolve(host, port, timeout)
    except ProbeError as err:
        findings = {
            "nxdomain": (
                "%s does not resolve: the resolver answered that no such name exists" % host,
                "check the spelling of the hostname; an internal name must be known to this host's "
                "resolver (nameservers: %s) or listed in /etc/hosts" % servers,
            ),
            "no_address": (
                "%s exists in DNS but has no address (A/AAAA) record" % host,
                "add an A or AAAA record for %s, or use the name that points at the SmarterMail server"
                % host,
            ),
            "temporary": (
                "the DNS lookup of %s failed: the resolver could not give an answer (%s)"
                % (host, err.detail),
                "this host's resolver (nameservers: %s) is unreachable or failing; check /etc/resolv.conf and "
                "that this host can reach its nameservers on port 53" % servers,
            ),
            "timeout": (
                "the DNS lookup of %s did not finish within %g s" % (host, timeout),
                "this host's resolver (nameservers: %s) is not answering; check /etc/resolv.conf and that "
                "port 53 is open to it" % servers,
            ),
        }
        summary, hint = findings.get(
            err.kind,
            (
                "the DNS lookup of %s failed (%s)" % (host, err.detail),
                "check the hostname and this host's resolver (nameservers: %s)" % servers,
            ),
        )
        raise CheckFailed(summary, hint, resolver=servers) from None
    return Outcome.passed("%s resolves to %s" % (host, ", ".join(addresses)), addresses=addresses)


@_explained
def check_port(context: TargetContext) -> Outcome:
    host, port, where = _address(context)
    timeout = _seconds(context, "connect_timeout", DEFAULT_CONNECT_TIMEOUT)
    try:
        peer, elapsed = tcp_probe(host, port, timeout)
    except ProbeError as err:
        kind = err.kind if err.kind in _PORT_FINDINGS else "error"
        values = {
            "where": where,
            "timeout": timeout,
            "detail": err.detail,
            "port": port,
            "host": host,
            "here": _here(),
        }
        raise CheckFailed(
            _PORT_FINDINGS[kind] % values, _PORT_HINTS[kind] % values, reason=err.kind
        ) from None
    return Outcome.passed(
        "TCP connect to %s succeeded in %d ms" % (where, int(elapsed * 1000)),
        address=peer,
        connect_ms=int(elapsed * 1000),
    )


def _tls_failure(err: ProbeError, where: str, host: str, port: int) -> Tuple[str, str]:
    """(summary, hint) for a failed TLS probe."""
    if err.kind == "plain_http":
        return (
            "%s answered the TLS handshake with plain HTTP" % where,
            "the port speaks plain HTTP: set secure off / use port 443 (9998 is SmarterMail's built-in "
            "plain-HTTP port)",
        )
    if err.kind == "untrusted":
        return (
            "the TLS certificate of %s is not trusted (%s)" % (where, err.detail),
            "install the CA that signed it in this host's trust store (WHMCS verifies the certificate too), "
            "use a certificate from a public CA, or pass --ca-file with the CA's PEM file",
        )
    if err.kind == "hostname":
        return (
            "the TLS certificate of %s is not valid for %s (%s)" % (where, host, err.detail),
            "connect with a name the certificate was issued for, or reissue the certificate to include %s"
            % host,
        )
    if err.kind == "expired":
        return (
            "the TLS certificate of %s is outside its validity dates (%s)" % (where, err.detail),
            "renew the certificate (and check this host's clock)",
        )
    if err.kind == "handshake_timeout":
        return (
            "%s accepted TCP but gave no TLS answer (%s)" % (where, err.detail),
            "the port may not speak TLS, or a middlebox holds the handshake; check secure and the port",
        )
    if err.kind in _PORT_FINDINGS:
        values = {
            "where": where,
            "timeout": 0,
            "detail": err.detail,
            "port": port,
            "host": host,
            "here": _here(),
        }
        return _PORT_FINDINGS[err.kind] % values + " during the TLS check", _PORT_HINTS[err.kind] % values
    return (
        "the TLS handshake with %s failed (%s)" % (where, err.detail),
        "check that the port speaks HTTPS and that its TLS settings (protocol versions, ciphers) are "
        "compatible with a current OpenSSL",
    )


@_explained
def check_tls(context: TargetContext) -> Outcome:
    host, port, where = _address(context)
    settings = _settings(context)
    if not _secure(context):
        return Outcome.skipped("plain HTTP: no TLS")
    timeout = _seconds(context, "connect_timeout", DEFAULT_CONNECT_TIMEOUT)
    ca_file = settings.get("ca_file") or None
    verify = settings.get("verify_tls", True) is not False
    try:
        facts = tls_handshake(host, port, timeout, verify=True, ca_file=ca_file)
    except ProbeError as err:
        summary, hint = _tls_failure(err, where, host, port)
        if verify or err.kind not in ("untrusted", "hostname", "expired"):
            raise CheckFailed(summary, hint, reason=err.kind) from None
        # Verification turned off on purpose: the handshake must still work, and the user is told
        # that the WHMCS module (which verifies) would fail.
        facts = tls_handshake(host, port, timeout, verify=False)
        return Outcome.warning(
            "TLS works with verification off, but %s" % summary,
            hint + "; the WHMCS module verifies certificates, so its calls would fail",
            reason=err.kind,
            **facts,
        )
    days_left = facts.get("days_left")
    if days_left is not None and days_left < CERT_WARN_DAYS:
        return Outcome.warning(
            "the TLS certificate of %s expires in %.1f days (%s)"
            % (where, days_left, facts.get("not_after")),
            "renew the certificate within %d days; once it expires, WHMCS cannot talk to SmarterMail"
            % int(days_left),
            **facts,
        )
    return Outcome.passed(
        "%s on %s, certificate for %s trusted, valid until %s (%s days)"
        % (
            facts.get("protocol"),
            where,
            facts.get("subject"),
            facts.get("not_after"),
            facts.get("days_left"),
        ),
        **facts,
    )


# ----- api, credentials, version ------------------------------------------------------------------


def _api_failure(err: Exception) -> Tuple[str, str]:
    """(summary, hint) for an API-level error."""
    if isinstance(err, SmarterMailApiUnavailableError):
        return str(err), (
            "the REST API is off or the path is wrong: check host, port and scheme, and that the address "
            "serves SmarterMail's web interface (not another IIS site or a proxy page)"
        )
    if isinstance(err, SmarterMailServerError):
        hint = "SmarterMail had a server error (HTTP %s): check the service and its logs" % err.status
        return str(err), hint
    if isinstance(err, SmarterMailTimeoutError):
        return str(err), (
            "the server accepted the connection but did not answer: SmarterMail is hung or overloaded, "
            "or the timeout is too short"
        )
    if isinstance(err, SmarterMailProtocolError):
        return str(err), "something other than the SmarterMail API answers on this address"
    if isinstance(err, SmarterMailTLSError):
        return str(err), "fix the TLS problem named here (see the tls check)"
    if isinstance(err, SmarterMailConnectError):
        return str(err), "the connection failed during the API call: see the port check's hints"
    return str(err), ""


def _in_background(call: Callable[[], T]) -> Callable[[], T]:
    """Start ``call()`` in a thread; the returned function waits and returns its result or raises its error."""
    outcome: Dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except Exception as err:  # handed to the caller, who decides what it means
            outcome["error"] = err

    thread = threading.Thread(target=run, name="verify-about", daemon=True)
    thread.start()

    def wait() -> T:
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return wait


@_explained
def check_api(context: TargetContext) -> Outcome:
    client = smartermail_client(context)
    # Both calls are unauthenticated reads: sent together they cost one round trip, not two.
    about_answer = _in_background(client.about)
    try:
        client.login_settings()
    except SmarterMailError as err:
        with contextlib.suppress(Exception):
            about_answer()  # let the other call finish before the client can be closed
        summary, hint = _api_failure(err)
        raise CheckFailed(summary, hint) from None
    try:
        about = about_answer()
    except SmarterMailAuthError:
        about = {}  # some builds may protect licensing/about; the version check says so
    except SmarterMailError as err:
        summary, hint = _api_failure(err)
        raise CheckFailed(summary, hint) from None
    with context.lock:
        context.cache[ABOUT_KEY] = about
    return Outcome.passed(
        "SmarterMail REST API v1 answers JSON at %s/api/v1/" % client.base_url,
        base_url=client.base_url,
        version=about.get("version"),
    )


def _login_blocked(exc_or_result: Any, username: str, where: str) -> CheckFailed:
    if isinstance(exc_or_result, SmarterMailTwoFactorRequiredError) or getattr(
        exc_or_result, "two_factor_required", False
    ):
        return CheckFailed(
            "user %r on %s requires two-factor authentication" % (username, where),
            "the module logs in with a username and password only: use a system administrator account "
            "without two-factor authentication",
            reason="two_factor",
        )
    return CheckFailed(
        "user %r on %s must change its password before the API can be used" % (username, where),
        "log in to the SmarterMail web interface once as %r, change the password, and update it in WHMCS "
        "and in this run's settings" % username,
        reason="password_change",
    )


@_explained
def check_credentials(context: TargetContext) -> Outcome:
    client = smartermail_client(context)
    username = client.username
    where = client.endpoint
    try:
        result = client.login()  # the client never repeats a refused login (SmarterMail's IDS)
    except (SmarterMailTwoFactorRequiredError, SmarterMailPasswordChangeRequiredError) as err:
        raise _login_blocked(err, username, where) from None
    except SmarterMailAuthError as err:
        raise CheckFailed(
            "wrong sysadmin credentials: SmarterMail at %s refused the login for user %r%s"
            % (where, username, " (%s)" % err.code if err.code else ""),
            "check the username and password (the WHMCS server entry's too); the login was tried once and "
            "is not retried, because repeated failed logins make SmarterMail's IDS block this IP",
            reason="refused",
        ) from None
    except SmarterMailConfigError as err:
        hint = "give the sysadmin username and password (SMARTERMAIL_USERNAME / _PASSWORD)"
        raise CheckFailed(str(err), hint) from None
    if not result.usable:
        raise _login_blocked(result, username, where)
    if not result.is_sysadmin:
        role = "a domain administrator" if result.is_domain_admin else "an ordinary user"
        raise CheckFailed(
            "user %r logged in to %s but is %s, not a system administrator" % (username, where, role),
            "the module needs a system administrator account (it creates, suspends and deletes domains): "
            "use the primary sysadmin or another system administrator",
            reason="not_sysadmin",
        )
    try:
        domains = client.list_domains()
    except SmarterMailPermissionError:
        raise CheckFailed(
            "user %r logged in to %s but may not list domains (HTTP 403): not a system administrator"
            % (username, where),
            "the module needs a system administrator account: use the primary sysadmin",
            reason="not_sysadmin",
        ) from None
    return Outcome.passed(
        "logged in to %s as system administrator %r; %d domain(s) listed" % (where, username, len(domains)),
        username=username,
        domain_count=len(domains),
    )


def parse_version(text: Any) -> Optional[Tuple[int, ...]]:
    """(major, minor, build) ints from '100.0.9504' / '15.0.1'; None when unreadable."""
    if not isinstance(text, str):
        return None
    match = re.match(r"^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?", text)
    if match is None:
        return None
    return tuple(int(part) if part else 0 for part in match.groups())


@_explained
def check_version(context: TargetContext) -> Outcome:
    with context.lock:
        about = context.cache.get(ABOUT_KEY)
    client = smartermail_client(context)
    if about is None:
        about = client.about()
    version = about.get("version")
    parsed = parse_version(version)
    details = {"version": version, "edition": about.get("edition")}
    if parsed is None:
        return Outcome.warning(
            "could not read the SmarterMail version at %s (licensing/about gave %r)"
            % (client.endpoint, version),
            "check the version in SmarterMail's web interface (Help > About): the module needs 16 or later",
            **details,
        )
    if parsed[0] < MIN_MAJOR_VERSION:
        raise CheckFailed(
            "SmarterMail %s at %s is too old: the module's REST API v1 needs SmarterMail 16 or later"
            % (version, client.endpoint),
            "upgrade SmarterMail to a current build (100.x)",
            **details,
        )
    return Outcome.passed("SmarterMail %s at %s (16 or later)" % (version, client.endpoint), **details)


# ----- canary -------------------------------------------------------------------------------------


def _planned_runs(context: TargetContext) -> Tuple[List[PlannedRun], str]:
    """The canary runs for this target, and a note about them; CanaryNotRun when there is nothing to run.

    Without a WHMCS root: one run with the module's defaults (option 5 from ``canary_domain_path``).
    With one: one run per distinct set of Create options among the module's products.
    """
    settings = _settings(context)
    defaults = [PlannedRun(default_options(settings.get("canary_domain_path") or None), [])]
    root = settings.get("whmcs_root")
    if not root:
        return defaults, ""
    try:
        from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_products import (
            module_products,
        )

        rows = module_products(context)
    except Exception as error:  # configuration.php, database or driver: the WHMCS checks say which
        raise CanaryNotRun(
            "canary not run: the products of WHMCS at %s could not be read (%s)" % (root, error)
        ) from None
    if rows:
        return plan_runs(rows), ""
    name = settings.get("whmcs_product_name")
    if name:
        raise CanaryNotRun("canary not run: no WHMCS product named %r uses the smartermail module" % name)
    # The product check fails for this; the canary still proves what a new product would do.
    return defaults, "no WHMCS product uses the smartermail module: the canary ran with the module's defaults"


class CanaryNotRun(Exception):
    """The canary has nothing to run for this target (the sentence says why)."""


@_explained
def check_canary(context: TargetContext) -> Outcome:
    settings = _settings(context)
    client = smartermail_client(context)
    try:
        planned, note = _planned_runs(context)
    except CanaryNotRun as reason:
        return Outcome.skipped(str(reason))
    entries: List[Dict[str, Any]] = []
    stopped = ""  # why the remaining runs are not started
    for plan in planned:
        if stopped:
            entries.append(not_run_entry(plan, stopped))
            continue
        try:
            name = canary_name(settings.get("canary_prefix") or DEFAULT_PREFIX)
        except CanaryConfigError as err:
            raise CheckFailed(str(err), "fix the canary prefix setting") from None
        run = CanaryRun(client, settings.get("password") or "", name, plan.options, context.cancelled)
        try:
            run.run()
        except CanaryCancelled:
            stopped = "the run was cancelled"
        entries.append(run_entry(run, plan))
        if run.login_failed:
            # SmarterMail's IDS blocks an address after repeated failed logins: do not try again.
            stopped = "the sysadmin login failed in the run for %s" % plan.label()
    return canary_outcome(entries, note)


SMARTERMAIL_CHECKS = [
    CheckSpec("dns", "SmarterMail host name resolves", check_dns),
    CheckSpec("port", "SmarterMail API port accepts TCP", check_port, requires=("dns",)),
    CheckSpec("tls", "TLS handshake and certificate", check_tls, requires=("port",), applies=_secure),
    CheckSpec("api", "REST API v1 answers JSON", check_api, requires=("port", "tls")),
    CheckSpec("credentials", "System administrator login", check_credentials, requires=("api",)),
    CheckSpec("version", "SmarterMail 16 or later", check_version, requires=("api",)),
    CheckSpec(
        "canary",
        "The module's Create to Terminate, per product",
        check_canary,
        requires=("credentials", "version"),
        applies=_canary_enabled,
    ),
]
