# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a server module's ``<module>_ConfigOptions()`` declares, asked of php in two ways.

* ``read_module_config_options(php, file, web_user)``: the module's code runs confined
  (confined_php), with only the ``WHMCS`` constant defined and no database. This is how a module
  source is checked before it is installed. A module that reads choices from its own tables through
  ``WHMCS\\Database\\Capsule`` meets a stand-in class whose every call throws a
  ``RuntimeException`` ("no database"): a module that catches it offers its fallback choices, one
  that does not is reported as unreadable.
* ``read_host_config_options(php, root, file, user)``: inside the host's WHMCS (its ``init.php``,
  as the web user, the way a localAPI call runs: local_api_script.run_whmcs_php), so choices the
  module reads from the database are the ones it offers on that host, exactly as the admin area's
  Module Settings tab shows them.

Both answer a list, in order, of {key, FriendlyName, Type, Default (None when absent), Options
(list of choice values), Size}; ModuleSchemaError with a sentence when php gives no answer.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
from typing import Any, Dict, Iterable, List, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.confined_php import (
    ConfinedPhpError,
    PhpIdentity,
    php_identity,
    run_confined_php,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.local_api_script import (
    LocalApiPhpError,
    first_php_line,
    run_whmcs_php,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.web_php_user import WebPhpUser

__all__ = [
    "SERVER_MODULE_FILE",
    "ModuleSchemaError",
    "read_host_config_options",
    "read_module_config_options",
]

# The SmarterMail server module inside a WHMCS root.
SERVER_MODULE_FILE = os.path.join("modules", "servers", "smartermail", "smartermail.php")
PHP_TIMEOUT_SECONDS = 30
HOST_TIMEOUT_SECONDS = 60  # init.php boots WHMCS first
_JSON_MARKER = "@@SMARTERMAIL-WHMCS-CONFIGOPTIONS@@"


class ModuleSchemaError(ValueError):
    """The installed module declares different settings than the named schema expects, or none can be read."""


# Shared by both scripts: $smwFile and $smwFunction are set; calls the function and answers the
# normalised list (or the error) after the marker, discarding anything printed before it.
_PHP_READ = r"""
$smwAnswer = static function ($payload) {
    while (ob_get_level() > 0) { ob_end_clean(); }
    echo "\n@@SMARTERMAIL-WHMCS-CONFIGOPTIONS@@", json_encode($payload, JSON_INVALID_UTF8_SUBSTITUTE), "\n";
    exit(0);
};
ob_start();
try {
    require_once $smwFile;
    if (!function_exists($smwFunction)) {
        $smwAnswer(['error' => ['kind' => 'missing_function', 'message' => $smwFunction . '() is not defined']]);
    }
    $smwOptions = $smwFunction();
} catch (\Throwable $smwError) {
    $smwAnswer(['error' => ['kind' => 'php', 'message' => get_class($smwError) . ': ' . $smwError->getMessage()
        . ' in ' . $smwError->getFile() . ' line ' . $smwError->getLine()]]);
}
if (!is_array($smwOptions)) {
    $smwAnswer(['error' => ['kind' => 'not_array', 'message' => $smwFunction . '() returned ' . gettype($smwOptions)]]);
}
$smwList = [];
foreach ($smwOptions as $smwKey => $smwField) {
    $smwField = is_array($smwField) ? $smwField : [];
    $smwChoices = $smwField['Options'] ?? null;
    if (is_string($smwChoices)) {
        $smwChoices = array_map('trim', explode(',', $smwChoices));
    } elseif (is_array($smwChoices)) {
        $smwChoices = array_map('strval', array_keys($smwChoices) === range(0, count($smwChoices) - 1)
            ? array_values($smwChoices) : array_keys($smwChoices));
    } else {
        $smwChoices = [];
    }
    $smwList[] = [
        'key' => (string) $smwKey,
        'FriendlyName' => isset($smwField['FriendlyName']) ? (string) $smwField['FriendlyName'] : '',
        'Type' => isset($smwField['Type']) ? (string) $smwField['Type'] : '',
        'Default' => isset($smwField['Default']) ? (string) $smwField['Default'] : null,
        'Options' => $smwChoices,
        'Size' => isset($smwField['Size']) ? (string) $smwField['Size'] : null,
    ];
}
$smwAnswer(['options' => $smwList]);
"""

# Confined: the module path arrives as $argv[1], never inside the code. Capsule is a stand-in that
# refuses every call, so a module's database read fails the way it fails without a database.
_PHP_CONFINED = (
    r"""
define('WHMCS', true);
spl_autoload_register(static function ($class) {
    if (ltrim($class, '\\') === 'WHMCS\\Database\\Capsule') {
        eval('namespace WHMCS\\Database; class Capsule { public static function __callStatic($name, $arguments) '
            . '{ throw new \\RuntimeException("no database: the module settings are read before installing"); } }');
    }
});
$smwFile = $argv[1];
$smwFunction = $argv[2];
"""
    + _PHP_READ
)

# Inside WHMCS: $argv[1] is the root (run_whmcs_php), the module file and function come on stdin.
_PHP_IN_WHMCS = (
    r"""
$smwRoot = $argv[1];
chdir($smwRoot);
require_once $smwRoot . '/init.php';
$smwRequest = json_decode((string) stream_get_contents(STDIN), true);
$smwFile = (string) ($smwRequest['file'] ?? '');
$smwFunction = (string) ($smwRequest['function'] ?? '');
"""
    + _PHP_READ
)


def module_name(module_file: str) -> str:
    return os.path.splitext(os.path.basename(module_file))[0]


def _unreadable_hint(identity: Optional[PhpIdentity], said: str) -> str:
    if identity is None or "failed open" not in said.lower():
        return ""
    return " (php ran as the web user %s, who must be able to read the module folder)" % identity.name


def _payload(stdout: str) -> Optional[Dict[str, Any]]:
    marker = stdout.rfind(_JSON_MARKER)
    if marker < 0:
        return None
    try:
        payload = json.loads(stdout[marker + len(_JSON_MARKER) :].strip().splitlines()[0])
    except (ValueError, IndexError):
        return {"error": {"kind": "json", "message": "php printed settings that are not valid JSON"}}
    return payload if isinstance(payload, dict) else None


def _options(
    payload: Dict[str, Any], module_file: str, function: str, hint: str = ""
) -> List[Dict[str, Any]]:
    error = payload.get("error")
    if error:
        if error.get("kind") == "missing_function":
            raise ModuleSchemaError(
                "%s does not define %s(): it is not a WHMCS server module named %r"
                % (module_file, function, module_name(module_file))
            )
        said = str(error.get("message"))
        raise ModuleSchemaError("php could not read %s() from %s: %s%s" % (function, module_file, said, hint))
    return list(payload.get("options") or [])


def read_module_config_options(
    php_binary: str, module_file: str, web_user: Optional[str] = None
) -> List[Dict[str, Any]]:
    """``<module>_ConfigOptions()`` of ``module_file``, its code run confined and without a database."""
    if not os.path.isfile(module_file):
        raise ModuleSchemaError("module file %s does not exist" % module_file)
    function = "%s_ConfigOptions" % module_name(module_file)
    real_file = os.path.realpath(module_file)
    try:
        identity = php_identity(web_user)
        result = run_confined_php(
            php_binary,
            os.path.dirname(real_file),
            _PHP_CONFINED,
            [real_file, function],
            identity,
            PHP_TIMEOUT_SECONDS,
        )
    except ConfinedPhpError as refused:
        raise ModuleSchemaError("cannot read the settings of %s: %s" % (module_file, refused)) from None
    except (FileNotFoundError, PermissionError):
        raise ModuleSchemaError(
            "cannot run the PHP CLI %r to read the module's settings from %s: install php-cli or set "
            "php_binary to its path" % (php_binary, module_file)
        ) from None
    except subprocess.TimeoutExpired:
        raise ModuleSchemaError(
            "php did not finish reading %s() from %s within %d s"
            % (function, module_file, PHP_TIMEOUT_SECONDS)
        ) from None
    payload = _payload(result.stdout.decode("utf-8", errors="replace"))
    if payload is None:
        lines = [line for line in result.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        said = lines[-1] if lines else "nothing"
        raise ModuleSchemaError(
            "php stopped (exit code %d) before %s() of %s answered; php said: %s%s"
            % (result.returncode, function, module_file, said, _unreadable_hint(identity, said))
        )
    error = payload.get("error") or {}
    return _options(
        payload, module_file, function, _unreadable_hint(identity, str(error.get("message") or ""))
    )


def read_host_config_options(
    php_binary: str,
    whmcs_root: str,
    module_file: str,
    user: WebPhpUser,
    secrets: Iterable[Optional[str]] = (),
) -> List[Dict[str, Any]]:
    """``<module>_ConfigOptions()`` as the WHMCS at ``whmcs_root`` runs it: with its database at hand."""
    if not os.path.isfile(module_file):
        raise ModuleSchemaError("module file %s does not exist" % module_file)
    function = "%s_ConfigOptions" % module_name(module_file)
    request = json.dumps({"file": os.path.realpath(module_file), "function": function})
    try:
        done = run_whmcs_php(
            php_binary, whmcs_root, user, _PHP_IN_WHMCS, request, HOST_TIMEOUT_SECONDS, function + "()"
        )
    except LocalApiPhpError as error:
        raise ModuleSchemaError("cannot read the module's settings in WHMCS: %s" % error) from None
    payload = _payload(done.stdout)
    if payload is None:
        said = first_php_line(done.stderr, done.stdout, secrets)
        raise ModuleSchemaError(
            "WHMCS's PHP (as %s) exited %d before %s() of %s answered%s"
            % (user.name, done.returncode, function, module_file, (": " + said) if said else "")
        )
    return _options(payload, module_file, function)
