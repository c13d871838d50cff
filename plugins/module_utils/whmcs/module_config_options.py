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
from typing import Any, Dict, Iterable, List, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.local_api_script import (
    LocalApiPhpError,
    first_php_line,
    run_whmcs_php,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.module_introspection import (
    CALL_PHP,
    ModuleIntrospectionError,
    call_module_function,
    module_name,
    parse_answer,
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
HOST_TIMEOUT_SECONDS = 60  # init.php boots WHMCS first


class ModuleSchemaError(ValueError):
    """The installed module declares different settings than the named schema expects, or none can be read."""


# After module_introspection.CALL_PHP: the declared settings, normalised (choices as a list of values).
_SHAPE_OPTIONS = r"""
if (!is_array($smwResult)) {
    $smwAnswer(['error' => ['kind' => 'not_array', 'message' => $smwFunction . '() returned ' . gettype($smwResult)]]);
}
$smwList = [];
foreach ($smwResult as $smwKey => $smwField) {
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

# Confined, before the module is included: Capsule is a stand-in that refuses every call, so a
# module's database read fails the way it fails without a database.
_CAPSULE_STANDIN = r"""
spl_autoload_register(static function ($class) {
    if (ltrim($class, '\\') === 'WHMCS\\Database\\Capsule') {
        eval('namespace WHMCS\\Database; class Capsule { public static function __callStatic($name, $arguments) '
            . '{ throw new \\RuntimeException("no database: the module settings are read before installing"); } }');
    }
});
"""

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
    + CALL_PHP
    + _SHAPE_OPTIONS
)


def _options(payload: Dict[str, Any], module_file: str, function: str) -> List[Dict[str, Any]]:
    error = payload.get("error")
    if error:
        if error.get("kind") == "missing_function":
            raise ModuleSchemaError(
                "%s does not define %s(): it is not a WHMCS server module named %r"
                % (module_file, function, module_name(module_file))
            )
        raise ModuleSchemaError(
            "php could not read %s() from %s: %s" % (function, module_file, error.get("message"))
        )
    return list(payload.get("options") or [])


def read_module_config_options(
    php_binary: str, module_file: str, web_user: Optional[str] = None
) -> List[Dict[str, Any]]:
    """``<module>_ConfigOptions()`` of ``module_file``, its code run confined and without a database."""
    function = "%s_ConfigOptions" % module_name(module_file)
    try:
        payload = call_module_function(
            php_binary, module_file, function, _SHAPE_OPTIONS, web_user, prelude_php=_CAPSULE_STANDIN
        )
    except ModuleIntrospectionError as error:
        if error.kind == "missing_function":
            return _options({"error": {"kind": error.kind}}, module_file, function)
        raise ModuleSchemaError(str(error)) from None
    return list(payload.get("options") or [])


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
    payload = parse_answer(done.stdout)
    if payload is None:
        said = first_php_line(done.stderr, done.stdout, secrets)
        raise ModuleSchemaError(
            "WHMCS's PHP (as %s) exited %d before %s() of %s answered%s"
            % (user.name, done.returncode, function, module_file, (": " + said) if said else "")
        )
    return _options(payload, module_file, function)
