# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One WHMCS localAPI call from the host's PHP, exactly as a WHMCS command-line script makes it.

``php -r CODE -- ROOT`` with the host's php binary and its own configuration (php.ini, extensions,
ionCube): the code does ``require_once ROOT/init.php`` and calls ``localAPI($action, $params)``
(developers.whmcs.com/api/internal-api), with the request as JSON on stdin, read after init.php
so that a WHMCS that re-executes php keeps it. The answer comes back as JSON after a marker line,
so whatever init.php or a hook prints before it is ignored.

php runs as the web user (web_php_user.py), in the WHMCS root, in its own session: a Ctrl-C at
the terminal reaches verify, which finishes the current call and cleans up, never php halfway
through a module command. Request parameters never appear in an error (they can hold passwords);
php's first message is shown on one line, with the database password and encryption key blanked out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
from typing import Any, Callable, Dict, Iterable, List, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.common.redaction import scrub
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.web_php_user import WebPhpUser

__all__ = [
    "LocalApiAnswer",
    "LocalApiPhpError",
    "first_php_line",
    "local_api_command",
    "run_local_api",
    "run_whmcs_php",
]

MARKER = "@@SMARTERMAIL-WHMCS-LOCALAPI@@"
OUTPUT_LIMIT = 400
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# The host's PHP configuration, when this process was started with one.
PASSED_ENVIRONMENT = ("PHPRC", "PHP_INI_SCAN_DIR", "LANG", "LC_ALL", "TZ")

# The root arrives as $argv[1], never inside the code. php_user is what the PHP process itself
# reports (posix), so a report says who really ran it.
_PHP_CODE = r"""
$smwRoot = $argv[1];
chdir($smwRoot);
require_once $smwRoot . '/init.php';
$smwRequest = json_decode((string) stream_get_contents(STDIN), true);
if (!is_array($smwRequest) || !is_string($smwRequest['action'] ?? null) || !is_array($smwRequest['params'] ?? null)) {
    fwrite(STDERR, "expected {\"action\": ..., \"params\": {...}} on stdin\n");
    exit(3);
}
$smwAnswer = localAPI($smwRequest['action'], $smwRequest['params']);
$smwUser = '';
if (function_exists('posix_geteuid')) {
    $smwEntry = function_exists('posix_getpwuid') ? posix_getpwuid(posix_geteuid()) : false;
    $smwUser = is_array($smwEntry) ? (string) $smwEntry['name'] : (string) posix_geteuid();
}
echo "\n", '__MARKER__',
    json_encode(['answer' => $smwAnswer, 'php_user' => $smwUser],
        JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR), "\n";
""".replace("__MARKER__", MARKER)


class LocalApiPhpError(Exception):
    """php did not give a localAPI answer (not found, crashed, timed out, init.php stopped)."""


class LocalApiAnswer:
    """localAPI's result array, and the user the PHP process ran as."""

    def __init__(self, answer: Dict[str, Any], php_user: str) -> None:
        self.answer = answer
        self.php_user = php_user

    @property
    def ok(self) -> bool:
        return self.answer.get("result") == "success"

    @property
    def message(self) -> str:
        return str(self.answer.get("message") or "")

    def __repr__(self) -> str:  # the answer can hold a service password: never shown
        return "LocalApiAnswer(result=%r, php_user=%r)" % (self.answer.get("result"), self.php_user)


def local_api_command(php_binary: str, whmcs_root: str) -> List[str]:
    """``php -r CODE -- ROOT``: no -n and no -d, so the host's php.ini applies as for WHMCS itself."""
    return [php_binary, "-r", _PHP_CODE, "--", whmcs_root]


def _environment(user: WebPhpUser) -> Dict[str, str]:
    """A login-like environment for the web user (runuser's), plus the host's PHP configuration variables."""
    env = {
        "PATH": os.environ.get("PATH") or DEFAULT_PATH,
        "HOME": user.home or "/",
        "USER": user.name,
        "LOGNAME": user.name,
    }
    env.update({name: os.environ[name] for name in PASSED_ENVIRONMENT if os.environ.get(name)})
    return env


def _become(user: WebPhpUser) -> Optional[Callable[[], None]]:
    identity = user.switch_to
    if identity is None:
        return None

    def switch() -> None:
        os.setgroups(identity.groups)
        os.setgid(identity.gid)
        os.setuid(identity.uid)

    return switch


def _first_line(stderr: str, stdout: str, secrets: Iterable[Optional[str]]) -> str:
    """php's first message on one line (a fatal error comes first; its stack trace is left out)."""
    for output in (stderr, stdout):
        for line in output.splitlines():
            if line.strip():
                text = scrub(" ".join(line.split()), list(secrets))
                return text if len(text) <= OUTPUT_LIMIT else text[: OUTPUT_LIMIT - 3] + "..."
    return ""


def parse_output(stdout: str) -> Optional[Dict[str, Any]]:
    """The envelope after the last marker, or None when there is none or it is not JSON."""
    position = stdout.rfind(MARKER)
    if position < 0:
        return None
    try:
        envelope = json.loads(stdout[position + len(MARKER) :].strip().splitlines()[0])
    except (ValueError, IndexError):
        return None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("answer"), dict):
        return None
    return envelope


def run_whmcs_php(
    php_binary: str,
    whmcs_root: str,
    user: WebPhpUser,
    code: str,
    stdin: str,
    timeout: float,
    what: str,
) -> "subprocess.CompletedProcess[str]":
    """``php -r code -- ROOT`` as WHMCS's own PHP runs (see the module docstring); ``what`` names it in errors.

    Shared by every script that runs inside WHMCS (localAPI calls, reading a module's settings with
    the database at hand). LocalApiPhpError when php cannot be started or does not finish in time.
    """
    binary = shutil.which(php_binary)
    if binary is None:
        raise LocalApiPhpError("the PHP binary %r was not found (php_binary)" % php_binary)
    try:
        return subprocess.run(
            [binary, "-r", code, "--", whmcs_root],
            input=stdin,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            cwd=whmcs_root,
            env=_environment(user),
            preexec_fn=_become(user),  # Python 3.8 has no user=/group=/extra_groups= arguments
            start_new_session=True,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise LocalApiPhpError(
            "WHMCS's PHP gave no answer to %s within %d s (it was stopped)" % (what, timeout)
        ) from None
    except OSError as error:
        raise LocalApiPhpError(
            "cannot run %s as %s: %s" % (binary, user.name, error.strerror or error)
        ) from None


def first_php_line(stderr: str, stdout: str, secrets: Iterable[Optional[str]]) -> str:
    """php's first message on one line, secrets blanked out (for an error without an answer)."""
    return _first_line(stderr, stdout, secrets)


def run_local_api(
    php_binary: str,
    whmcs_root: str,
    user: WebPhpUser,
    action: str,
    params: Dict[str, Any],
    timeout: float,
    secrets: Iterable[Optional[str]] = (),
) -> LocalApiAnswer:
    """``localAPI(action, params)`` in the WHMCS at ``whmcs_root``; LocalApiPhpError when php gave no answer.

    An answer with ``result=error`` is returned as it is (``ok`` is False): the caller decides.
    """
    secrets = list(secrets)
    stdin = json.dumps({"action": action, "params": params})
    done = run_whmcs_php(php_binary, whmcs_root, user, _PHP_CODE, stdin, timeout, action)
    envelope = parse_output(done.stdout)
    if envelope is None:
        output = _first_line(done.stderr, done.stdout, secrets)
        raise LocalApiPhpError(
            "WHMCS's PHP (%s as %s) exited %d without a localAPI answer to %s%s"
            % (done.args[0], user.name, done.returncode, action, (": " + output) if output else "")
        )
    return LocalApiAnswer(envelope["answer"], str(envelope.get("php_user") or user.name))
