# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify's php-curl and php-extensions checks: SmarterMail and PHP as WHMCS itself sees them.

verify's own checks trust ``ca_file`` or certifi; the module calls SmarterMail through PHP's curl,
which trusts PHP's default store (openssl.cafile, else curl.cainfo, else libcurl's built-in bundle,
the system store). With a private CA the former pass while every order fails, so:

php-curl: the host's PHP (php_binary, as the web user, with its php.ini, after WHMCS's init.php)
GETs ``auth/login-settings`` at the URL the module builds from the WHMCS server row, with nothing
about trust set, peer and host verification on for https as the module does. A curl error is
explained (trust, name, dates, CA file, plain HTTP, refused, dropped, DNS) with the fix.

php-extensions: curl, json, mbstring and pdo_mysql, listed by ``php -m`` for the CLI and, where
the web server's PHP configuration is found next to it (a php-fpm binary beside the CLI, Debian's
fpm/ or apache2/ php.ini), for that too. The summary names each PHP checked.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import getpass
import socket
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailConfigError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.transport_errors import (
    EXPIRED_CODES,
    HOSTNAME_CODES,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.url import (
    API_PREFIX,
    build_base_url,
    endpoint_label,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed, Outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_context import (
    server_label,
    server_row,
    setting,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.confined_php import (
    ConfinedPhpError,
    PhpIdentity,
    php_identity,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.php_probe import (
    MODULE_CONNECT_TIMEOUT,
    MODULE_TIMEOUT,
    PhpProbeError,
    PhpRun,
    curl_probe,
    loaded_extensions,
    php_settings,
    web_php_configurations,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.servers import row_endpoint

# An unauthenticated read, as verify's api check makes: no login, so SmarterMail's IDS sees nothing.
PROBE_PATH = API_PREFIX + "auth/login-settings"
# What the module and WHMCS need loaded (issue 13): the module's API calls, its JSON bodies, its
# text handling, and WHMCS's database layer.
REQUIRED_EXTENSIONS = ("curl", "json", "mbstring", "pdo_mysql")
# Debian/Ubuntu (phpX.Y-...) and RHEL (php-...) packages per extension; json is built into PHP 8.
_DEBIAN_PACKAGES = {"curl": "curl", "json": "json", "mbstring": "mbstring", "pdo_mysql": "mysql"}
_RHEL_PACKAGES = {
    "curl": "php-common",
    "json": "php-json",
    "mbstring": "php-mbstring",
    "pdo_mysql": "php-mysqlnd",
}
_CERTIFICATE_ERRNOS = (51, 60)  # CURLE_PEER_FAILED_VERIFICATION (51 before curl 7.62)
_PLAIN_HTTP_WORDS = ("wrong version number", "record layer failure", "packet length too long", "http request")
SERVER_SCREEN = "Configuration > System Settings > Servers"


def _here() -> str:
    try:
        return socket.gethostname() or "this host"
    except OSError:
        return "this host"


def _identity(context: TargetContext) -> Optional[PhpIdentity]:
    try:
        return php_identity(setting(context, "whmcs_web_user"))
    except ConfinedPhpError as error:
        raise CheckFailed(str(error), "set whmcs_web_user to the user the web server runs PHP as") from None


def _user_label(identity: Optional[PhpIdentity]) -> str:
    return identity.name if identity is not None else getpass.getuser()


# ----- php-curl -----------------------------------------------------------------------------------


def trust_store(answer: Mapping[str, Any]) -> str:
    """The CA file PHP's curl verified with, as PHP chooses it (openssl.cafile, curl.cainfo, libcurl)."""
    if answer.get("openssl_cafile"):
        return "openssl.cafile %s" % answer["openssl_cafile"]
    if answer.get("curl_cainfo"):
        return "curl.cainfo %s" % answer["curl_cainfo"]
    if answer.get("default_cainfo"):
        return "libcurl's default CA bundle %s, the system store" % answer["default_cainfo"]
    return "libcurl's default CA bundle, the system store"


def php_label(php_binary: str, answer: Mapping[str, Any], user: str) -> str:
    """'PHP 8.2.36 (php, php.ini /etc/php/8.2/cli/php.ini, as www-data after WHMCS's init.php)'."""
    ini = answer.get("php_ini")
    return "PHP %s (%s, %s, as %s after WHMCS's init.php)" % (
        answer.get("php_version") or "?",
        php_binary,
        "php.ini %s" % ini if ini else "no php.ini",
        user,
    )


def _trust_fix(answer: Mapping[str, Any]) -> str:
    ini = answer.get("php_ini") or "php.ini"
    return (
        "install the CA that signed it into the trust store this PHP uses: the system store (Debian/Ubuntu: "
        "copy it to /usr/local/share/ca-certificates/<name>.crt and run update-ca-certificates; RHEL: "
        "/etc/pki/ca-trust/source/anchors/ and update-ca-trust), or, when %s names a CA file with "
        "openssl.cafile or curl.cainfo (openssl.cafile wins), that file; do it for the CLI and the web "
        "server's PHP and restart PHP-FPM or Apache; or use a certificate from a public CA. verify's own "
        "TLS checks trust --ca-file / certifi, which PHP does not use" % ini
    )


def explain_curl_error(
    answer: Mapping[str, Any], php: str, where: str, host: str, port: int, user: str
) -> Tuple[str, str]:
    """(summary, hint) for a curl error PHP reported."""
    errno = int(answer.get("errno") or 0)
    error = str(answer.get("error") or "")
    said = "curl error %d: %s" % (errno, error)
    verify_result = int(answer.get("ssl_verify_result") or 0)
    lowered = error.lower()
    if errno in _CERTIFICATE_ERRNOS:
        if verify_result in EXPIRED_CODES:
            return (
                "the TLS certificate of %s is outside its validity dates for PHP's curl (%s)" % (where, said),
                "renew the certificate (and check this host's clock)",
            )
        if verify_result in HOSTNAME_CODES or "subject name" in lowered or "does not match" in lowered:
            return (
                "the TLS certificate of %s is not valid for %s, the name the module connects to (%s)"
                % (where, host, said),
                "store in the WHMCS server (%s) a hostname the certificate was issued for, or reissue it "
                "to include %s" % (SERVER_SCREEN, host),
            )
        return (
            "WHMCS's PHP does not trust the TLS certificate of %s (%s): %s verified it with its default "
            "trust store (%s), as the module's curl does, so every module call would fail this way"
            % (where, said, php, trust_store(answer)),
            _trust_fix(answer),
        )
    if errno == 77:
        return (
            "PHP's curl cannot load its CA file (%s): %s" % (said, php),
            "openssl.cafile / curl.cainfo in %s names a file that is missing or that %s cannot read: fix "
            "the path or its permissions" % (answer.get("php_ini") or "php.ini", user),
        )
    if errno == 35 and any(word in lowered for word in _PLAIN_HTTP_WORDS):
        return (
            "%s answered PHP's TLS handshake with plain HTTP (%s)" % (where, said),
            'the port speaks plain HTTP: untick "Use SSL" on the WHMCS server (%s) or store SmarterMail\'s '
            "HTTPS port" % SERVER_SCREEN,
        )
    if errno == 35:
        return (
            "PHP's TLS handshake with %s failed (%s)" % (where, said),
            "the server's TLS settings (protocol versions, ciphers) are not accepted by this PHP's %s"
            % (answer.get("ssl_version") or "TLS library"),
        )
    if errno == 7:
        return (
            "PHP's curl could not connect to %s (%s)" % (where, said),
            "nothing listens on port %d of %s as seen from %s, or a firewall refuses the connection: check "
            "the WHMCS server's hostname and port (%s) and the firewall between this host and SmarterMail"
            % (port, host, _here(), SERVER_SCREEN),
        )
    if errno == 6:
        return (
            "PHP's curl could not resolve %s (%s)" % (host, said),
            "the WHMCS server's hostname does not resolve on %s: fix it (%s) or this host's DNS"
            % (_here(), SERVER_SCREEN),
        )
    if errno == 28 and "connect" in lowered:
        return (
            "PHP's curl got no answer from %s within %d s (%s)" % (where, MODULE_CONNECT_TIMEOUT, said),
            "a firewall is probably dropping the API port between %s and SmarterMail" % _here(),
        )
    if errno == 28:
        return (
            "PHP's curl connected to %s but the request did not finish within %d s (%s)"
            % (where, MODULE_TIMEOUT, said),
            "SmarterMail accepted the connection but did not answer: it is hung or overloaded",
        )
    if errno in (52, 56):
        return (
            "%s closed the connection without an HTTP answer to PHP's curl (%s)" % (where, said),
            'the port may speak HTTPS: tick "Use SSL" on the WHMCS server (%s), or check the port'
            % SERVER_SCREEN,
        )
    return (
        "PHP's curl request to %s failed (%s)" % (where, said),
        "the module's calls from WHMCS would fail the same way: fix what curl names",
    )


def _probe_url(context: TargetContext) -> Tuple[Dict[str, Any], str, str, str, int, bool]:
    """(row, url, where, host, port, secure) of the WHMCS server row, as the module builds them."""
    row = server_row(context)
    hostname, port, secure = row_endpoint(row)
    try:
        url = build_base_url(hostname, port, secure) + PROBE_PATH
        where = endpoint_label(hostname, port, secure)
    except SmarterMailConfigError as error:
        raise CheckFailed(
            "WHMCS server %s has an unusable address: %s" % (server_label(row), error),
            "fix the server's hostname / port in WHMCS (%s)" % SERVER_SCREEN,
        ) from None
    host, effective = where.rsplit(":", 1)
    return row, url, where, host, int(effective), secure


def check_php_curl(context: TargetContext) -> Outcome:
    row, url, where, host, port, secure = _probe_url(context)
    php = setting(context, "php_binary", "php")
    root = setting(context, "whmcs_root")
    identity = _identity(context)
    user = _user_label(identity)
    try:
        answer = curl_probe(php, url, identity, whmcs_root=root)
    except PhpProbeError as error:
        raise CheckFailed(
            "WHMCS's PHP could not run the curl probe after %s/init.php as %s: %s" % (root, user, error),
            "run `%s -r \"require '%s/init.php';\"` as %s to see why WHMCS's PHP does not start"
            % (php, root, user),
        ) from None
    label = php_label(php, answer, user)
    details: Dict[str, Any] = dict(answer, url=url, server_id=int(row["id"]), php_user=user)
    if not answer.get("curl_loaded"):
        raise CheckFailed(
            "%s has no curl extension: the module cannot call SmarterMail" % label,
            "install and enable curl for this PHP (see the php-extensions check)",
            **details,
        )
    if answer.get("disabled"):
        raise CheckFailed(
            "%s disables %s (disable_functions): the module cannot call SmarterMail"
            % (label, ", ".join(answer["disabled"])),
            "remove them from disable_functions in %s" % (answer.get("php_ini") or "php.ini"),
            **details,
        )
    if int(answer.get("errno") or 0):
        summary, hint = explain_curl_error(answer, label, where, host, port, user)
        raise CheckFailed(summary, hint, **details)
    how = (
        "with its default trust store (%s): certificate verified" % trust_store(answer)
        if secure
        else 'over plain HTTP, as the module connects when the server\'s "Use SSL" is off'
    )
    code = int(answer.get("http_code") or 0)
    if not 200 <= code < 300:
        return Outcome.warning(
            "%s reached %s through curl %s, but it answered HTTP %d" % (label, url, how, code),
            "the WHMCS server row may point at something other than SmarterMail's API: see the server check",
            **details,
        )
    return Outcome.passed("%s reached %s through curl %s, HTTP %d" % (label, url, how, code), **details)


# ----- php-extensions -----------------------------------------------------------------------------


def missing_extensions(loaded: List[str]) -> List[str]:
    have = set(name.lower() for name in loaded)
    return [name for name in REQUIRED_EXTENSIONS if name not in have]


def install_hint(missing: List[str], version: str) -> str:
    """Which packages provide the missing extensions, on Debian/Ubuntu and RHEL."""
    prefix = "php%s-" % (".".join(version.split(".")[:2]) if version else "X.Y")
    debian = sorted(set(prefix + _DEBIAN_PACKAGES[name] for name in missing))
    rhel = sorted(set(_RHEL_PACKAGES[name] for name in missing))
    return (
        "install and enable them for each PHP named (Debian/Ubuntu: apt install %s; RHEL: dnf install %s; "
        "pdo_mysql comes with the mysql / mysqlnd package), then restart PHP-FPM or Apache"
        % (" ".join(debian), " ".join(rhel))
    )


def check_php_extensions(context: TargetContext) -> Outcome:
    php = setting(context, "php_binary", "php")
    identity = _identity(context)
    cli = PhpRun("the PHP CLI %s (php -m)" % php, [php, "-m"], {})
    settings = php_settings(php, identity)
    runs = [cli, *web_php_configurations(php, settings)]
    problems: List[str] = []
    unreadable: List[str] = []
    checked: List[str] = []
    missing_any: List[str] = []
    for run in runs:
        try:
            loaded = loaded_extensions(run, identity)
        except PhpProbeError as error:
            if run is cli:
                raise CheckFailed(
                    "cannot list the extensions of %s: %s" % (run.label, error),
                    "point --php (whmcs_php_binary) at the PHP CLI WHMCS uses",
                ) from None
            unreadable.append("%s: %s" % (run.label, error))
            continue
        checked.append(run.label)
        missing = missing_extensions(loaded)
        if missing:
            problems.append("%s lacks %s" % (run.label, ", ".join(missing)))
            missing_any += [name for name in missing if name not in missing_any]
    details: Dict[str, Any] = {"checked": checked, "required": list(REQUIRED_EXTENSIONS)}
    if problems:
        raise CheckFailed(
            "%s: the SmarterMail module and WHMCS need %s"
            % ("; ".join(problems), ", ".join(REQUIRED_EXTENSIONS)),
            install_hint(missing_any, str(settings.get("version") or "")),
            missing=missing_any,
            **details,
        )
    summary = "%s loaded in %s" % (", ".join(REQUIRED_EXTENSIONS), "; ".join(checked))
    if unreadable:
        return Outcome.warning(
            summary + "; but could not list " + "; ".join(unreadable),
            "run that command as the web user to see why; the web server's PHP may lack an extension",
            **details,
        )
    if len(checked) == 1:
        summary += (
            "; the web server's PHP configuration was not found next to the CLI (no php-fpm beside it, no "
            "fpm/ or apache2/ php.ini beside %s): only the CLI was checked"
            % (settings.get("config_path") or "its php.ini")
        )
    return Outcome.passed(summary, **details)
