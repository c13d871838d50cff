# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ask the web server's PHP about its OPcache, or reset it, through a one-shot PHP file.

OPcache lives in the memory of the PHP that serves the web pages (php-fpm's master and its
workers, Apache's mod_php); a CLI ``php`` has its own, so ``opcache_reset()`` or
``opcache_get_status()`` run from a shell neither clears nor shows what the web server runs. Only a
request served by the web server's PHP can. So:

* ``one_shot(whmcs_root, base_url, source)`` writes ``source`` to
  ``<whmcs_root>/smartermail-opcache-<32 random hex>.php`` (created exclusively, 0644), GETs it at
  ``<base_url><name>`` (WHMCS's SystemURL), and removes it whatever happens. The random name is the
  only way in, it exists for one request, and the file takes no input: it answers fixed facts (or
  resets the cache) and nothing a request sends changes what it does.
* ``status_source(dirs)``: the PHP answering OPcache's state (enabled, validate_timestamps,
  revalidate_freq, start/restart times) and the cached scripts under ``dirs`` only.
* ``reset_source()``: the PHP calling ``opcache_reset()``.
* ``stale_scripts(answer, mtimes)``: which cached module files are older than the files on disk.

OPcache facts used (php.net opcache_get_status / opcache_reset / runtime configuration; checked with
PHP 8.2 here): ``scripts[path]['timestamp']`` (the file's mtime when it was compiled) is reported
only while ``opcache.validate_timestamps`` is on, and is 0 for a script compiled while it was off;
``last_used_timestamp`` is always there; ``opcache_statistics.start_time`` / ``last_restart_time``
say when the cache was last emptied.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

import contextlib
import json
import os
import secrets
import ssl
import subprocess
import urllib.error
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible.module_utils.urls import open_url
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.php_probe import (
    php_settings,
    run_host_php,
    web_php_configurations,
)

__all__ = [
    "OpcacheProbeError",
    "configured_opcache",
    "fetch",
    "module_php_mtimes",
    "one_shot",
    "reset_source",
    "stale_scripts",
    "status_source",
]

ONE_SHOT_PREFIX = "smartermail-opcache-"
REQUEST_TIMEOUT = 20
_MARKER = "@@SMARTERMAIL-WHMCS-OPCACHE@@"

_HEADER = r"""<?php
// Written by smartermail-whmcs for one request and removed right after (see docs/module_files.md).
header('Content-Type: text/plain; charset=utf-8');
header('Cache-Control: no-store');
$smwEnabled = function_exists('opcache_get_status');
$smwStatus = $smwEnabled ? @opcache_get_status(%s) : false;
$smwAnswer = [
    'sapi' => PHP_SAPI,
    'php_version' => PHP_VERSION,
    'loaded' => extension_loaded('Zend OPcache'),
    'enabled' => is_array($smwStatus) && !empty($smwStatus['opcache_enabled']),
    'restricted' => $smwEnabled && $smwStatus === false && ini_get('opcache.restrict_api') !== '',
    'validate_timestamps' => (bool) ini_get('opcache.validate_timestamps'),
    'revalidate_freq' => (int) ini_get('opcache.revalidate_freq'),
];
"""

_STATUS_BODY = r"""
$smwDirs = json_decode('%s', true);
$smwScripts = [];
if (is_array($smwStatus)) {
    $smwStats = $smwStatus['opcache_statistics'] ?? [];
    $smwAnswer['start_time'] = (int) ($smwStats['start_time'] ?? 0);
    $smwAnswer['last_restart_time'] = (int) ($smwStats['last_restart_time'] ?? 0);
    foreach (($smwStatus['scripts'] ?? []) as $smwPath => $smwScript) {
        foreach ($smwDirs as $smwDir) {
            if (strncmp((string) $smwPath, $smwDir, strlen($smwDir)) === 0) {
                $smwScripts[(string) $smwPath] = [
                    'timestamp' => (int) ($smwScript['timestamp'] ?? 0),
                    'last_used_timestamp' => (int) ($smwScript['last_used_timestamp'] ?? 0),
                ];
            }
        }
    }
}
$smwAnswer['scripts'] = (object) $smwScripts;
echo '@@SMARTERMAIL-WHMCS-OPCACHE@@', json_encode($smwAnswer, JSON_UNESCAPED_SLASHES), "\n";
"""

_RESET_BODY = r"""
$smwAnswer['reset'] = $smwAnswer['enabled'] ? opcache_reset() : false;
echo '@@SMARTERMAIL-WHMCS-OPCACHE@@', json_encode($smwAnswer, JSON_UNESCAPED_SLASHES), "\n";
"""


class OpcacheProbeError(Exception):
    """The web server's PHP could not be asked; the message says why (and ``kind``: write/http/answer)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def _php_single_quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


def status_source(dirs: Sequence[str]) -> str:
    """PHP answering OPcache's state and its cached scripts whose path starts with one of ``dirs``."""
    prefixes = [os.path.join(os.path.realpath(folder), "") for folder in dirs]
    return _HEADER % "true" + _STATUS_BODY % _php_single_quoted(json.dumps(prefixes))


def reset_source() -> str:
    """PHP resetting the OPcache of the PHP that serves it."""
    return _HEADER % "false" + _RESET_BODY


def fetch(url: str, timeout: float, ca_file: Optional[str]) -> str:
    if not url.lower().startswith(("http://", "https://")):
        raise OpcacheProbeError("%s is not an http(s) URL" % url, "http")
    try:
        with open_url(
            url,
            timeout=timeout,
            ca_path=ca_file,
            validate_certs=True,
            http_agent="smartermail-whmcs opcache",
        ) as answer:
            return answer.read(1024 * 1024).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        raise OpcacheProbeError(
            "the web server answered HTTP %d for %s" % (error.code, url), "http"
        ) from None
    except (urllib.error.URLError, OSError, ssl.SSLError) as error:
        reason = getattr(error, "reason", error)
        raise OpcacheProbeError("the web server did not answer %s: %s" % (url, reason), "http") from None


def one_shot(
    whmcs_root: str,
    base_url: str,
    source: str,
    timeout: float = REQUEST_TIMEOUT,
    ca_file: Optional[str] = None,
    owner: Optional[Tuple[int, int]] = None,
) -> Dict[str, Any]:
    """Run ``source`` once in the web server's PHP (see the module docstring); its JSON answer.

    ``owner`` (uid, gid) is given to the file when this process may (root), so a web server that
    refuses files of other users still runs it. Raises OpcacheProbeError.
    """
    if not base_url.lower().startswith(("http://", "https://")):
        raise OpcacheProbeError("the web server's URL %r is not an http(s) URL" % base_url, "http")
    name = "%s%s.php" % (ONE_SHOT_PREFIX, secrets.token_hex(16))
    path = os.path.join(whmcs_root, name)
    url = base_url.rstrip("/") + "/" + name
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as error:
        raise OpcacheProbeError(
            "cannot write the one-shot PHP file into %s: %s" % (whmcs_root, error.strerror), "write"
        ) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(source)
        os.chmod(path, 0o644)  # whatever the umask
        if owner is not None and os.geteuid() == 0:
            os.chown(path, owner[0], owner[1])
        text = fetch(url, timeout, ca_file)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    marker = text.rfind(_MARKER)
    if marker < 0:
        raise OpcacheProbeError(
            "%s did not run as PHP (the answer has no result): is %s the WHMCS folder this URL serves?"
            % (url, whmcs_root),
            "answer",
        )
    try:
        answer = json.loads(text[marker + len(_MARKER) :].strip().splitlines()[0])
    except (ValueError, IndexError):
        raise OpcacheProbeError("%s answered something that is not JSON" % url, "answer") from None
    if not isinstance(answer, dict):
        raise OpcacheProbeError("%s answered something that is not a JSON object" % url, "answer")
    answer["url"] = base_url
    return answer


def module_php_mtimes(dirs: Sequence[str]) -> Dict[str, int]:
    """mtime (whole seconds, as OPcache keeps it) of each .php file under ``dirs``, by real path."""
    found: Dict[str, int] = {}
    for folder in dirs:
        for parent, _subdirs, files in os.walk(os.path.realpath(folder)):
            for file_name in files:
                if file_name.endswith(".php"):
                    path = os.path.join(parent, file_name)
                    try:
                        found[path] = int(os.stat(path).st_mtime)
                    except OSError:
                        continue
    return found


def stale_scripts(
    answer: Mapping[str, Any], mtimes: Mapping[str, int]
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """(stale, maybe): cached module files older than the files on disk, certainly and perhaps.

    With validate_timestamps on, a cached ``timestamp`` older than the file's mtime is stale (OPcache
    recompiles it at its next use after revalidate_freq). With it off the compile time is not kept:
    a file changed after the script's last use was certainly compiled before the change (stale); a
    file changed after the cache was last emptied but before the last use may or may not be.
    """
    emptied = max(int(answer.get("start_time") or 0), int(answer.get("last_restart_time") or 0))
    stale: List[Dict[str, Any]] = []
    maybe: List[Dict[str, Any]] = []
    for path, script in sorted((answer.get("scripts") or {}).items()):
        mtime = mtimes.get(path)
        if mtime is None:
            continue  # removed from disk: nothing runs it from the module any more
        cached = int(script.get("timestamp") or 0)
        used = int(script.get("last_used_timestamp") or 0)
        entry = {"path": path, "file_mtime": mtime, "cached_mtime": cached or None, "last_used": used or None}
        if cached:
            if cached < mtime:
                stale.append(entry)
        elif used and mtime > used:
            stale.append(entry)
        elif mtime > emptied:
            maybe.append(entry)
    return stale, maybe


def _ini_value(info: str, name: str) -> Optional[str]:
    """The local value of ``name`` in ``php -i`` text ('name => local => master')."""
    for line in info.splitlines():
        parts = [part.strip() for part in line.split("=>")]
        if len(parts) >= 2 and parts[0] == name:
            return parts[1]
    return None


def configured_opcache(php_binary: str, identity: Any = None) -> List[Dict[str, Any]]:
    """OPcache as the web server's PHP configuration sets it, where it is found next to the CLI.

    The same configurations verify's php-extensions check lists (a php-fpm binary beside the CLI,
    Debian's fpm/ or apache2/ php.ini), each asked with ``-i``: label, enabled, validate_timestamps.
    Configurations that cannot be read are left out. This is the configuration, not the running cache.
    """
    found: List[Dict[str, Any]] = []
    for run in web_php_configurations(php_binary, php_settings(php_binary, identity)):
        try:
            done = run_host_php([*run.command[:-1], "-i"], identity, 30, env=run.env)
        except (OSError, ValueError, subprocess.SubprocessError):
            continue
        info = done.stdout.decode("utf-8", "replace")
        enabled = _ini_value(info, "opcache.enable")
        if done.returncode != 0 or enabled is None:
            continue
        found.append(
            {
                "label": run.label.replace(" -m)", " -i)"),
                "enabled": enabled.lower() in ("on", "1"),
                "validate_timestamps": (_ini_value(info, "opcache.validate_timestamps") or "On").lower()
                in ("on", "1"),
            }
        )
    return found
