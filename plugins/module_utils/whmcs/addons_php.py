# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An addon module's own functions, run inside the host's WHMCS as its admin area runs them.

``php -r CODE -- ROOT`` boots ``ROOT/init.php`` (so the addon's code has Capsule, the WHMCS
database and its helpers, as in the admin area), includes ``modules/addons/<name>/<name>.php``
and calls one of: ``<name>_config()`` (read: version, display name, fields), ``<name>_activate()``,
``<name>_deactivate()`` or ``<name>_upgrade($vars)``. It runs as the web user, the same way as
the localAPI calls of verify (local_api_script.py: environment, user switch, answer after a marker).

WHMCS's success rule for _activate/_deactivate (Setup > Addon Modules, /work/addon-facts.md
[CFG8]): the function is missing, returns nothing, or returns an array whose ``status`` is
``success`` or ``info``; anything else is an error whose ``description`` is shown.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from typing import Any, Dict, Iterable, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.local_api_script import (
    MARKER,
    LocalApiPhpError,
    _first_line,
    parse_output,
    run_whmcs_php,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.web_php_user import WebPhpUser

__all__ = ["AddonPhpError", "run_addon_function"]

# The request ({"step": ..., "name": ..., "vars": {...}, "others": [...]}) arrives on stdin after
# init.php; the answer is printed after the marker, so what init.php or a hook prints is ignored.
_PHP_CODE = r"""
$smwRoot = $argv[1];
chdir($smwRoot);
require_once $smwRoot . '/init.php';
$smwRequest = json_decode((string) stream_get_contents(STDIN), true);
$smwName = (string) ($smwRequest['name'] ?? '');
$smwStep = (string) ($smwRequest['step'] ?? '');
if (!preg_match('/^[a-z][a-z0-9_]*$/', $smwName)) {
    fwrite(STDERR, "bad addon name\n");
    exit(3);
}
$smwLoad = function ($name) use ($smwRoot) {
    $file = $smwRoot . '/modules/addons/' . $name . '/' . $name . '.php';
    if (!is_file($file)) {
        return null;
    }
    require_once $file;
    $function = $name . '_config';
    $config = function_exists($function) ? $function() : null;
    return is_array($config) ? $config : [];
};
$smwConfig = $smwLoad($smwName);
$smwAnswer = ['installed' => $smwConfig !== null];
if ($smwStep === 'config') {
    $smwAnswer['config'] = $smwConfig;
    $smwAnswer['functions'] = [];
    foreach (['activate', 'deactivate', 'upgrade'] as $smwFn) {
        $smwAnswer['functions'][$smwFn] = function_exists($smwName . '_' . $smwFn);
    }
    $smwAnswer['hooks'] = is_file($smwRoot . '/modules/addons/' . $smwName . '/hooks.php');
    $smwAnswer['names'] = [];
    foreach ((array) ($smwRequest['others'] ?? []) as $smwOther) {
        if (is_string($smwOther) && preg_match('/^[a-z][a-z0-9_]*$/', $smwOther)) {
            $smwOtherConfig = $smwOther === $smwName ? $smwConfig : $smwLoad($smwOther);
            if ($smwOtherConfig !== null) {
                $smwAnswer['names'][$smwOther] = (string) ($smwOtherConfig['name'] ?? $smwOther);
            }
        }
    }
} elseif ($smwConfig !== null && in_array($smwStep, ['activate', 'deactivate', 'upgrade'], true)) {
    $smwFunction = $smwName . '_' . $smwStep;
    $smwResult = null;
    $smwAnswer['called'] = function_exists($smwFunction);
    try {
        if ($smwAnswer['called']) {
            $smwResult = $smwStep === 'upgrade' ? $smwFunction((array) ($smwRequest['vars'] ?? [])) : $smwFunction();
        }
        $smwStatus = is_array($smwResult) ? (string) ($smwResult['status'] ?? '') : '';
        $smwAnswer['ok'] = !$smwResult || in_array($smwStatus, ['success', 'info'], true);
        $smwAnswer['status'] = $smwStatus;
        $smwAnswer['description'] = is_array($smwResult) ? (string) ($smwResult['description'] ?? '') : '';
    } catch (Throwable $smwError) {
        $smwAnswer['ok'] = false;
        $smwAnswer['status'] = 'error';
        $smwAnswer['description'] = get_class($smwError) . ': ' . $smwError->getMessage();
    }
}
echo "\n", '__MARKER__',
    json_encode(['answer' => $smwAnswer, 'php_user' => ''],
        JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR), "\n";
""".replace("__MARKER__", MARKER)

TIMEOUT = 300


class AddonPhpError(Exception):
    """WHMCS's PHP gave no answer (not found, crashed, timed out, init.php stopped)."""


def run_addon_function(
    php_binary: str,
    whmcs_root: str,
    user: WebPhpUser,
    name: str,
    step: str,
    vars_: Optional[Dict[str, Any]] = None,
    others: Iterable[str] = (),
    secrets: Iterable[Optional[str]] = (),
    timeout: float = TIMEOUT,
) -> Dict[str, Any]:
    """Run ``step`` (config, activate, deactivate, upgrade) of addon ``name`` inside WHMCS; its answer."""
    request = {"step": step, "name": name, "vars": vars_ or {}, "others": list(others)}
    try:
        done = run_whmcs_php(
            php_binary, whmcs_root, user, _PHP_CODE, json.dumps(request), timeout, "%s_%s()" % (name, step)
        )
    except LocalApiPhpError as error:
        raise AddonPhpError(str(error)) from None
    envelope = parse_output(done.stdout)
    if envelope is None:
        output = _first_line(done.stderr, done.stdout, list(secrets))
        raise AddonPhpError(
            "WHMCS's PHP (%s as %s) exited %d without an answer for addon %s (%s)%s"
            % (done.args[0], user.name, done.returncode, name, step, (": " + output) if output else "")
        )
    return dict(envelope["answer"])
