# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ask a WHMCS module file what it declares, by running one of its functions confined.

* ``call_module_function(php, module_file, function, shape_php, web_user)`` includes the module
  (``WHMCS`` defined so its guard lets the include through), calls ``function()`` with no
  argument, and lets ``shape_php`` turn the result (``$smwResult``) into the JSON answer
  (``$smwAnswer([...])``). The module's code runs as confined_php confines it: as the web user when
  this process is root, ``php -n``, only its own folder readable, nothing written, no process, no
  network, a timeout. Anything the module prints is swallowed; the answer follows a marker.
* ``read_module_version(php, module_dir, web_user)``: MetaData's ``MODVersion`` and the first
  release heading of the module's CHANGELOG.md, and whether they disagree.

Both product_settings (ConfigOptions) and the version readers use this one runner.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

import json
import os
import re
import subprocess
from typing import Any, Dict, Optional

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.confined_php import (
    ConfinedPhpError,
    PhpIdentity,
    php_identity,
    run_confined_php,
)

__all__ = [
    "CALL_PHP",
    "CHANGELOG_NAMES",
    "PHP_TIMEOUT_SECONDS",
    "ModuleIntrospectionError",
    "call_module_function",
    "changelog_release",
    "module_name",
    "parse_answer",
    "read_changelog_release",
    "read_module_version",
    "version_mismatch",
]

PHP_TIMEOUT_SECONDS = 30
_JSON_MARKER = "@@SMARTERMAIL-WHMCS-INTROSPECT@@"  # printed by CALL_PHP
CHANGELOG_NAMES = ("CHANGELOG.md", "CHANGELOG", "changelog.md", "CHANGELOG.txt")
_CHANGELOG_READ_LIMIT = 256 * 1024  # the first release heading is near the top
# '## 1.2.0', '## [1.2.0] - 2026-05-01', '# v1.2.0', 'Version 1.2.0', 'Version: 1.2.0 (2026-05-01)'.
_RELEASE_HEADING = re.compile(
    r"^(?:#{1,6}\s*(?:version:?\s*)?|version:?\s+)\[?v?(\d+(?:\.\d+){1,3}(?:[-+][0-9A-Za-z.-]+)?)\]?",
    re.IGNORECASE,
)


class ModuleIntrospectionError(ValueError):
    """php or the module file gave no answer; the message says why in one sentence.

    ``kind``: 'missing_file', 'no_php', 'refused' (web user), 'timeout', 'stopped' (php died),
    'bad_answer', 'missing_function', 'php' (the module threw) or the shape's own error kind.
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


# After $smwFile and $smwFunction are set: calls the function and leaves its return value in
# $smwResult for a shape snippet; $smwAnswer prints the answer after the marker (on a line of its
# own) and exits, discarding anything the module printed. Shared by the confined runner below and by
# scripts that run inside WHMCS (module_config_options).
CALL_PHP = r"""
$smwAnswer = static function ($payload) {
    while (ob_get_level() > 0) { ob_end_clean(); }
    echo "\n@@SMARTERMAIL-WHMCS-INTROSPECT@@", json_encode($payload, JSON_INVALID_UTF8_SUBSTITUTE), "\n";
    exit(0);
};
ob_start();
try {
    require_once $smwFile;
    if (!function_exists($smwFunction)) {
        $smwAnswer(['error' => ['kind' => 'missing_function', 'message' => $smwFunction . '() is not defined']]);
    }
    $smwResult = $smwFunction();
} catch (\Throwable $smwError) {
    $smwAnswer(['error' => ['kind' => 'php', 'message' => get_class($smwError) . ': ' . $smwError->getMessage()
        . ' in ' . $smwError->getFile() . ' line ' . $smwError->getLine()]]);
}
"""

# Confined: the module path and function arrive as $argv, never inside the code. The caller's
# prelude (code that must exist before the module is included) goes between the two.
_PHP_DEFINE_WHMCS = "define('WHMCS', true);\n"
_PHP_ARGV = r"""
$smwFile = $argv[1];
$smwFunction = $argv[2];
"""


# MetaData() as returned: scalar values only (a module may add arrays WHMCS ignores).
_SHAPE_METADATA = r"""
if (!is_array($smwResult)) {
    $smwAnswer(['error' => ['kind' => 'not_array', 'message' => $smwFunction . '() returned ' . gettype($smwResult)]]);
}
$smwAnswer(['result' => array_map('strval', array_filter($smwResult, 'is_scalar'))]);
"""


def module_name(module_file: str) -> str:
    """'smartermail' for .../smartermail.php."""
    return os.path.splitext(os.path.basename(module_file))[0]


def _unreadable_hint(identity: Optional[PhpIdentity], said: str) -> str:
    if identity is None or "failed open" not in said.lower():
        return ""
    return " (php ran as the web user %s, who must be able to read the module folder)" % identity.name


def parse_answer(stdout: str) -> Optional[Dict[str, Any]]:
    """The answer CALL_PHP printed: None when there is no marker (php stopped before answering); an
    error payload of kind 'bad_answer' when what follows the marker is not a JSON object."""
    marker = stdout.rfind(_JSON_MARKER)
    if marker < 0:
        return None
    try:
        payload = json.loads(stdout[marker + len(_JSON_MARKER) :].strip().splitlines()[0])
    except (ValueError, IndexError):
        payload = None
    if not isinstance(payload, dict):
        return {"error": {"kind": "bad_answer", "message": "php printed an answer that is not a JSON object"}}
    return payload


def call_module_function(
    php_binary: str,
    module_file: str,
    function: str,
    shape_php: str,
    web_user: Optional[str] = None,
    timeout: int = PHP_TIMEOUT_SECONDS,
    prelude_php: str = "",
) -> Dict[str, Any]:
    """The JSON object ``shape_php`` answered for ``function()`` of ``module_file``.

    ``shape_php`` runs after the call with ``$smwResult`` (the return value), ``$smwFunction`` and
    ``$smwAnswer(array)`` (prints the answer and exits) in scope; an answer with an ``error`` key
    ({'kind', 'message'}) raises ModuleIntrospectionError with that kind. ``prelude_php`` runs
    before the module is included (e.g. stand-in classes).
    """
    if not os.path.isfile(module_file):
        raise ModuleIntrospectionError("module file %s does not exist" % module_file, "missing_file")
    real_file = os.path.realpath(module_file)
    try:
        identity = php_identity(web_user)
        result = run_confined_php(
            php_binary,
            os.path.dirname(real_file),
            _PHP_DEFINE_WHMCS + prelude_php + _PHP_ARGV + CALL_PHP + shape_php,
            [real_file, function],
            identity,
            timeout,
        )
    except ConfinedPhpError as refused:
        raise ModuleIntrospectionError("cannot run %s(): %s" % (function, refused), "refused") from None
    except (FileNotFoundError, PermissionError):
        raise ModuleIntrospectionError(
            "cannot run the PHP CLI %r to read %s() from %s: install php-cli or set php_binary to its path"
            % (php_binary, function, module_file),
            "no_php",
        ) from None
    except subprocess.TimeoutExpired:
        raise ModuleIntrospectionError(
            "php did not finish reading %s() from %s within %d s" % (function, module_file, timeout),
            "timeout",
        ) from None
    payload = parse_answer(result.stdout.decode("utf-8", errors="replace"))
    if payload is None:
        lines = [line for line in result.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        said = lines[-1] if lines else "nothing"
        raise ModuleIntrospectionError(
            "php stopped (exit code %d) before %s() of %s answered; php said: %s%s"
            % (result.returncode, function, module_file, said, _unreadable_hint(identity, said)),
            "stopped",
        )
    if payload.get("error", {}).get("kind") == "bad_answer":
        raise ModuleIntrospectionError(
            "php printed an answer of %s() from %s that is not a JSON object" % (function, module_file),
            "bad_answer",
        )
    error = payload.get("error")
    if error:
        kind = str(error.get("kind") or "php")
        if kind == "missing_function":
            raise ModuleIntrospectionError(
                "%s does not define %s(): it is not a WHMCS module named %r"
                % (module_file, function, module_name(module_file)),
                kind,
            )
        said = str(error.get("message"))
        raise ModuleIntrospectionError(
            "php could not read %s() from %s: %s%s"
            % (function, module_file, said, _unreadable_hint(identity, said)),
            kind,
        )
    return payload


# ---------------------------------------------------------------- the module's version


def changelog_release(text: str) -> Optional[str]:
    """The version of the first release heading ('## 1.2.0', '## [1.2.0] - 2026-05-01',
    'Version 1.2.0'); None when there is none. '## [Unreleased]' and other headings are skipped."""
    for line in text.splitlines():
        match = _RELEASE_HEADING.match(line.strip())
        if match:
            return match.group(1)
    return None


def read_changelog_release(module_dir: str) -> Optional[str]:
    """changelog_release() of the module folder's changelog; None when it has none (or it is unreadable)."""
    for name in CHANGELOG_NAMES:
        path = os.path.join(module_dir, name)
        if os.path.isfile(path):
            try:
                with open(path, "rb") as handle:
                    return changelog_release(handle.read(_CHANGELOG_READ_LIMIT).decode("utf-8", "replace"))
            except OSError:
                return None
    return None


def version_mismatch(meta_version: Optional[str], changelog: Optional[str]) -> Optional[str]:
    """A sentence when MetaData's MODVersion and the changelog's first release disagree, else None."""
    if not meta_version or not changelog or meta_version.lstrip("vV") == changelog.lstrip("vV"):
        return None
    return (
        "the module's MetaData says version %s but its CHANGELOG.md's latest release is %s: the release "
        "was packed from mixed files, or one of them was not updated" % (meta_version, changelog)
    )


def read_module_version(
    php_binary: str, module_dir: str, web_user: Optional[str] = None, name: str = "smartermail"
) -> Dict[str, Any]:
    """The version of the server module in ``module_dir`` (the folder holding ``<name>.php``).

    Keys: ``version`` (MetaData MODVersion, else the changelog's release, else None),
    ``meta_version``, ``changelog_version``, ``mismatch`` (version_mismatch sentence or None) and
    ``error`` (why MetaData could not be read, or None). Never raises: a version is information.
    """
    module_file = os.path.join(module_dir, name + ".php")
    answer: Dict[str, Any] = {"meta_version": None, "error": None}
    if not os.path.isfile(module_file):
        answer["error"] = "module file %s does not exist" % module_file
    else:
        try:
            metadata = call_module_function(
                php_binary, module_file, name + "_MetaData", _SHAPE_METADATA, web_user
            )
            answer["meta_version"] = (metadata.get("result") or {}).get("MODVersion") or None
        except ModuleIntrospectionError as error:
            if error.kind != "missing_function":  # MetaData is optional in WHMCS: no version, no error
                answer["error"] = str(error)
    answer["changelog_version"] = read_changelog_release(module_dir)
    answer["version"] = answer["meta_version"] or answer["changelog_version"]
    answer["mismatch"] = version_mismatch(answer["meta_version"], answer["changelog_version"])
    return answer
