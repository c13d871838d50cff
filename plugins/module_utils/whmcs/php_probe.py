# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ask the WHMCS host's own PHP what WHMCS's PHP can do: reach a URL with curl, load extensions.

Reading a module's settings (confined_php) runs ``php -n``, shut in the module folder. These probes
must see what WHMCS sees instead, so php runs with the host's php.ini and conf.d (the extensions it
loads, curl.cainfo / openssl.cafile, disable_functions), and the curl probe runs after WHMCS's own
init.php, as module code does. The rest is confined as confined_php confines it (and by its code):
the web user when this process is root, never root in its place; an empty environment (the web
server's PHP-FPM clears it too, so no SSL_CERT_FILE or proxy variable of this shell leaks in); no
stdin; no file may grow (RLIMIT_FSIZE 0: verify writes nothing); a timeout.

* ``curl_probe()``: a GET of a URL through PHP's curl with PHP's defaults: no CURLOPT_CAINFO, peer
  and host verification on for https and off for http, the module's 10 s / 30 s timeouts.
* ``loaded_extensions()``: the modules ``php -m`` (or ``php-fpm -m``) lists.
* ``web_php_configurations()``: where the web server's PHP configuration can be found next to the
  CLI: a php-fpm binary beside it, or Debian's per-SAPI php.ini folders (fpm, apache2).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.confined_php import (
    PhpIdentity,
    confine_child,  # the child-side confinement (rlimits, then the web user)
)

__all__ = [
    "MODULE_CONNECT_TIMEOUT",
    "MODULE_TIMEOUT",
    "PhpProbeError",
    "PhpRun",
    "curl_probe",
    "loaded_extensions",
    "php_settings",
    "run_host_php",
    "web_php_configurations",
]

# The module's own curl timeouts (module-api-calls.md §1: connect 10 s, total 30 s).
MODULE_CONNECT_TIMEOUT = 10
MODULE_TIMEOUT = 30
# Time php gets beyond the request itself: start, php.ini, WHMCS's init.php.
STARTUP_SECONDS = 60
LIST_TIMEOUT = 30
_MARKER = "@@SMARTERMAIL-WHMCS-PHP-PROBE@@"
_SIGXFSZ = 25

# Runs inside ``php -r`` with the host's php.ini. Arguments: WHMCS root ('' for none), URL, connect
# and total timeouts. After init.php (as module code runs) it does what the module's client does
# for one GET, with nothing about trust set; the answer follows a marker, so output of init.php or
# hook files cannot be mistaken for it.
_PHP_CURL_PROBE = r"""
[$smwRoot, $smwUrl, $smwConnect, $smwTotal] = array_slice($argv, 1, 4);
if ($smwRoot !== '') {
    chdir($smwRoot);
    require $smwRoot . '/init.php';
}
$smwAnswer = [
    'php_version' => PHP_VERSION,
    'php_ini' => (string) php_ini_loaded_file(),
    'openssl_cafile' => (string) ini_get('openssl.cafile'),
    'curl_cainfo' => (string) ini_get('curl.cainfo'),
    'curl_loaded' => extension_loaded('curl'),
    'disabled' => array_values(array_filter(['curl_init', 'curl_setopt', 'curl_exec'],
        static function ($name) { return !function_exists($name); })),
];
if ($smwAnswer['curl_loaded'] && !$smwAnswer['disabled']) {
    $smwSecure = strncasecmp($smwUrl, 'https://', 8) === 0;
    $smwCurl = curl_init($smwUrl);
    curl_setopt_array($smwCurl, [
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_HTTPHEADER => ['Accept: application/json', 'Content-Type: application/json'],
        CURLOPT_CONNECTTIMEOUT => (int) $smwConnect,
        CURLOPT_TIMEOUT => (int) $smwTotal,
        CURLOPT_SSL_VERIFYPEER => $smwSecure,
        CURLOPT_SSL_VERIFYHOST => $smwSecure ? 2 : 0,
    ]);
    curl_exec($smwCurl);
    $smwVersion = curl_version();
    $smwAnswer += [
        'errno' => curl_errno($smwCurl),
        'error' => curl_error($smwCurl),
        'http_code' => (int) curl_getinfo($smwCurl, CURLINFO_RESPONSE_CODE),
        'ssl_verify_result' => (int) curl_getinfo($smwCurl, CURLINFO_SSL_VERIFYRESULT),
        'default_cainfo' => defined('CURLINFO_CAINFO') ? (string) curl_getinfo($smwCurl, CURLINFO_CAINFO) : '',
        'curl_version' => (string) $smwVersion['version'],
        'ssl_version' => (string) $smwVersion['ssl_version'],
    ];
    curl_close($smwCurl);
}
while (ob_get_level() > 0) { ob_end_clean(); }
echo "@@SMARTERMAIL-WHMCS-PHP-PROBE@@", json_encode($smwAnswer, JSON_UNESCAPED_SLASHES), "\n";
"""

# What a php binary says about itself and where its configuration lives.
_PHP_SETTINGS = (
    r"echo json_encode(['version' => PHP_VERSION, 'binary' => PHP_BINARY, 'ini' => (string) php_ini_loaded_file(),"
    r" 'config_path' => PHP_CONFIG_FILE_PATH, 'scan_dir' => PHP_CONFIG_FILE_SCAN_DIR], JSON_UNESCAPED_SLASHES);"
)
# Debian/Ubuntu keep one php.ini folder per SAPI beside cli/: /etc/php/8.2/{cli,fpm,apache2}.
_WEB_SAPIS = (("fpm", "PHP-FPM"), ("apache2", "Apache mod_php"))


class PhpProbeError(Exception):
    """php could not run the probe; the message says what happened."""


class PhpRun(NamedTuple):
    """One PHP configuration to ask: a label for reports, the command and its extra environment."""

    label: str
    command: List[str]
    env: Dict[str, str]


def _find_binary(binary: str) -> str:
    # The child's environment is empty, so the binary is looked up here, on this process's PATH.
    found = shutil.which(binary)
    if found is None:
        raise FileNotFoundError(binary)
    return found


def run_host_php(
    command: Sequence[str],
    identity: Optional[PhpIdentity],
    timeout: float,
    env: Optional[Mapping[str, str]] = None,
    cwd: Optional[str] = None,
) -> "subprocess.CompletedProcess[bytes]":
    """Run ``command`` (the php or php-fpm binary first) confined as described above.

    FileNotFoundError when the binary does not exist; subprocess.TimeoutExpired after ``timeout``.
    """
    binary = _find_binary(command[0])
    return subprocess.run(
        [binary, *command[1:]],
        capture_output=True,
        timeout=timeout,
        cwd=cwd or "/",
        stdin=subprocess.DEVNULL,
        env=dict(env or {}),
        preexec_fn=confine_child(identity),  # Python 3.8 has no user=/group=/extra_groups= arguments
        check=False,
    )


def _last_words(done: "subprocess.CompletedProcess[bytes]") -> str:
    """What php said (stderr first), for an error sentence: its fatal error line, else its last line."""
    for stream in (done.stderr, done.stdout):
        lines = [line.strip() for line in stream.decode("utf-8", "replace").splitlines() if line.strip()]
        fatal = [line for line in lines if "fatal error" in line.lower() or "parse error" in line.lower()]
        if fatal or lines:
            return (fatal or lines[-1:])[0][:400]
    return "nothing"


def _stopped(label: str, done: "subprocess.CompletedProcess[bytes]") -> PhpProbeError:
    if done.returncode == -_SIGXFSZ:
        return PhpProbeError(
            "%s was stopped when it tried to write a file (verify runs PHP with file writes forbidden)"
            % label
        )
    if done.returncode < 0:
        return PhpProbeError("%s was killed by signal %d" % (label, -done.returncode))
    return PhpProbeError("%s exited %d; it said: %s" % (label, done.returncode, _last_words(done)))


def curl_probe(
    php_binary: str,
    url: str,
    identity: Optional[PhpIdentity],
    whmcs_root: Optional[str] = None,
    connect_timeout: int = MODULE_CONNECT_TIMEOUT,
    timeout: int = MODULE_TIMEOUT,
) -> Dict[str, Any]:
    """What PHP's curl answered for a GET of ``url``, run after ``whmcs_root``/init.php when given.

    Keys: php_version, php_ini, openssl_cafile, curl_cainfo, curl_loaded, disabled (curl functions
    disable_functions removed) and, when curl ran: errno, error, http_code, ssl_verify_result,
    default_cainfo (PHP 8.3+), curl_version, ssl_version. Raises PhpProbeError when php gives no answer.
    """
    label = "%s -r <curl probe>" % php_binary
    command = [php_binary, "-d", "display_errors=stderr", "-d", "log_errors=0", "-d", "html_errors=0"]
    command += ["-r", _PHP_CURL_PROBE, "--", whmcs_root or "", url, str(connect_timeout), str(timeout)]
    try:
        done = run_host_php(command, identity, timeout + STARTUP_SECONDS, cwd=whmcs_root)
    except (FileNotFoundError, PermissionError):
        raise PhpProbeError("the PHP CLI %r cannot be run on this host" % php_binary) from None
    except subprocess.TimeoutExpired:
        raise PhpProbeError("%s did not finish within %d s" % (label, timeout + STARTUP_SECONDS)) from None
    stdout = done.stdout.decode("utf-8", "replace")
    marker = stdout.rfind(_MARKER)
    if marker < 0:
        raise _stopped(label, done)
    try:
        answer = json.loads(stdout[marker + len(_MARKER) :].strip())
    except ValueError:
        raise PhpProbeError("%s printed an answer that is not JSON" % label) from None
    if not isinstance(answer, dict):
        raise PhpProbeError("%s printed an answer that is not a JSON object" % label)
    return answer


def parse_modules(text: str) -> List[str]:
    """The module names of ``php -m`` output, lower case ([PHP Modules] section; [Zend Modules] ignored)."""
    modules: List[str] = []
    section = "PHP Modules"
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        if line and section == "PHP Modules":
            modules.append(line.lower())
    return modules


def loaded_extensions(
    run: PhpRun, identity: Optional[PhpIdentity], timeout: float = LIST_TIMEOUT
) -> List[str]:
    """The extensions ``run`` lists (its command ends with -m); PhpProbeError when it cannot say."""
    label = " ".join(run.command)
    try:
        done = run_host_php(run.command, identity, timeout, env=run.env)
    except (FileNotFoundError, PermissionError):
        raise PhpProbeError("%s cannot be run on this host" % run.command[0]) from None
    except subprocess.TimeoutExpired:
        raise PhpProbeError("%s did not finish within %d s" % (label, timeout)) from None
    modules = parse_modules(done.stdout.decode("utf-8", "replace"))
    if done.returncode != 0 or not modules:
        raise _stopped(label, done)
    return modules


def php_settings(
    php_binary: str, identity: Optional[PhpIdentity], timeout: float = LIST_TIMEOUT
) -> Dict[str, Any]:
    """version, binary, ini, config_path, scan_dir of the PHP CLI; {} when it does not say."""
    try:
        done = run_host_php([php_binary, "-r", _PHP_SETTINGS], identity, timeout)
        answer = json.loads(done.stdout.decode("utf-8", "replace").strip() or "null")
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return {}
    return answer if isinstance(answer, dict) else {}


def _version_prefix(version: str) -> str:
    """'8.2' from '8.2.36' ('' when unknown)."""
    parts = str(version or "").split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 and all(p.isdigit() for p in parts[:2]) else ""


def fpm_binaries(php_binary: str, version: str) -> List[str]:
    """php-fpm binaries beside the CLI: its folder (as named and resolved) and the sibling sbin/."""
    try:
        cli = _find_binary(php_binary)
    except FileNotFoundError:
        return []
    folders: List[str] = []
    for path in (cli, os.path.realpath(cli)):
        folder = os.path.dirname(path)
        for candidate in (folder, os.path.join(os.path.dirname(folder), "sbin")):
            if candidate not in folders:
                folders.append(candidate)
    short = _version_prefix(version)
    names = ["php-fpm" + short] if short else []
    names.append("php-fpm")
    found: List[str] = []
    for folder in folders:
        for name in names:
            path = os.path.join(folder, name)
            if os.path.isfile(path) and os.access(path, os.X_OK) and os.path.realpath(path) not in found:
                found.append(os.path.realpath(path))
    return found[:1]


def web_php_configurations(php_binary: str, settings: Mapping[str, Any]) -> List[PhpRun]:
    """How to list the web server's PHP extensions, for each configuration found next to the CLI.

    ``settings`` is php_settings() of the CLI. A php-fpm binary beside the CLI answers ``-m`` itself;
    otherwise (and for Apache's mod_php) the CLI binary reads that SAPI's php.ini and conf.d folder.
    """
    runs: List[PhpRun] = []
    fpm = fpm_binaries(php_binary, str(settings.get("version") or ""))
    if fpm:
        runs.append(PhpRun("PHP-FPM %s (php-fpm -m)" % fpm[0], [fpm[0], "-m"], {}))
    config_path = str(settings.get("config_path") or "")
    if os.path.basename(config_path.rstrip(os.sep)) != "cli":
        return runs
    base = os.path.dirname(config_path.rstrip(os.sep))
    for sapi, name in _WEB_SAPIS:
        ini = os.path.join(base, sapi, "php.ini")
        if (sapi == "fpm" and fpm) or not os.path.isfile(ini):
            continue
        label = "%s configuration %s (read with %s -c)" % (name, ini, php_binary)
        env = {"PHP_INI_SCAN_DIR": os.path.join(base, sapi, "conf.d")}
        runs.append(PhpRun(label, [php_binary, "-c", ini, "-m"], env))
    return runs
