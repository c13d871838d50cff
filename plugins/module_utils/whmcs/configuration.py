# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read WHMCS ``configuration.php`` (database credentials, encryption key, paths).

Two ways, same result (``WhmcsConfig``):

* through the php CLI (preferred): php includes the file and prints its top-level scalar
  variables as JSON, so anything PHP can evaluate (``getenv()``, concatenation) works;
* a strict parser of literal top-level assignments when php is missing or not wanted
  (implemented in ``whmcs_config_parser``).

Database address forms (WHMCS documents only ``$db_host`` + ``$db_port``; see docs/whmcs-library.md):
``$db_host`` is a host name or IP, ``$db_port`` is '' (3306) or a number. Also accepted:
``host:port`` and ``[v6addr]:port`` in ``$db_host`` when ``$db_port`` is empty, and
``localhost:/path/to/socket`` for a unix socket. A socket given by the caller wins over all.
"""

from __future__ import absolute_import, annotations, division, print_function

__metaclass__ = type

import json
import os
import re
import subprocess
from dataclasses import dataclass, field, fields
from typing import Any, Dict, Optional, Tuple

from ansible_collections.astral360.smartermail.plugins.module_utils.common.redaction import MASK
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration_parser import (
    WhmcsConfigError,
    parse_configuration_php,
)

CONFIG_FILE_NAME = "configuration.php"
DEFAULT_MYSQL_PORT = 3306
PHP_TIMEOUT_SECONDS = 20
REQUIRED_VARIABLES = ("db_host", "db_username", "db_password", "db_name", "cc_encryption_hash")
# Masked in repr(); extra variables whose name looks like one of these words are masked too.
SECRET_FIELDS = ("db_password", "cc_encryption_hash", "license")
_SECRET_NAME = re.compile(r"pass|secret|key|hash|token|license", re.IGNORECASE)
_JSON_MARKER = "@@SMARTERMAIL-WHMCS-CONFIG@@"

__all__ = [
    "REQUIRED_VARIABLES",
    "WhmcsConfig",
    "WhmcsConfigError",
    "config_file_path",
    "crons_path",
    "database_address",
    "read_whmcs_config",
]

# Runs inside ``php -r``; the file path arrives as $argv[1], never inside the code. The include
# happens in a closure so only the file's own variables are collected, and its output (inline
# HTML, a stray echo) is swallowed by output buffering.
_PHP_READER = r"""
$smwResult = (static function ($smwPath) {
    ob_start();
    try {
        include $smwPath;
    } catch (\Throwable $smwError) {
        while (ob_get_level() > 0) { ob_end_clean(); }
        return ['error' => [
            'class' => get_class($smwError),
            'line' => $smwError->getLine(),
            'in_file' => realpath($smwError->getFile()) === realpath($smwPath),
            'message' => $smwError->getMessage(),
        ]];
    }
    while (ob_get_level() > 0) { ob_end_clean(); }
    $smwVars = get_defined_vars();
    unset($smwVars['smwPath']);
    $smwScalars = [];
    foreach ($smwVars as $smwName => $smwValue) {
        if (is_scalar($smwValue) || $smwValue === null) { $smwScalars[$smwName] = $smwValue; }
    }
    return ['vars' => (object) $smwScalars];
})($argv[1]);
echo "\n" . '@@SMARTERMAIL-WHMCS-CONFIG@@' . json_encode($smwResult, JSON_INVALID_UTF8_SUBSTITUTE) . "\n";
"""


@dataclass
class WhmcsConfig:
    """The variables of one configuration.php. Every named field is text, as PHP would use it."""

    path: str
    db_host: str = ""
    db_port: str = ""
    db_username: str = ""
    db_password: str = ""
    db_name: str = ""
    db_tls_ca: str = ""
    db_tls_ca_path: str = ""
    db_tls_cert: str = ""
    db_tls_cipher: str = ""
    db_tls_key: str = ""
    db_tls_verify_cert: str = ""
    cc_encryption_hash: str = ""
    mysql_charset: str = ""
    crons_dir: str = ""
    customadminpath: str = ""
    templates_compiledir: str = ""
    license: str = ""
    # Other top-level scalar variables, with their PHP types (str, int, float, bool, None).
    extra: Dict[str, Any] = field(default_factory=dict)
    # "php" or "parser": how the file was read.
    source: str = "php"

    @property
    def root(self) -> str:
        """The WHMCS root directory (where configuration.php lives)."""
        return os.path.dirname(self.path)

    def __repr__(self) -> str:
        parts = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in SECRET_FIELDS and value:
                value = MASK
            elif item.name == "extra":
                value = {
                    name: (MASK if _SECRET_NAME.search(name) and extra_value else extra_value)
                    for name, extra_value in value.items()
                }
            parts.append("%s=%r" % (item.name, value))
        return "WhmcsConfig(%s)" % ", ".join(parts)

    __str__ = __repr__


def config_file_path(path: "os.PathLike[str] | str") -> str:
    """``path`` may be the WHMCS root or configuration.php itself."""
    path = os.path.abspath(os.fspath(path))
    if os.path.isdir(path):
        return os.path.join(path, CONFIG_FILE_NAME)
    return path


def read_whmcs_config(
    path: "os.PathLike[str] | str", php_binary: str = "php", prefer_php: bool = True
) -> WhmcsConfig:
    """Read configuration.php under ``path`` (a WHMCS root or the file itself).

    Raises WhmcsConfigError (with file, variable and line where known, never a secret) when the
    file is missing, unreadable, has a syntax error, or lacks a required variable.
    """
    config_path = config_file_path(path)
    source_text = _read_text(config_path)
    variables: Optional[Dict[str, Any]] = None
    unevaluated: Dict[str, Tuple[int, str]] = {}
    source = "php"
    if prefer_php:
        variables = _read_with_php(config_path, php_binary)
    if variables is None:
        variables, unevaluated = parse_configuration_php(source_text, config_path)
        source = "parser"
    return _build_config(config_path, variables, unevaluated, source)


def crons_path(config: WhmcsConfig, whmcs_root: "Optional[os.PathLike[str] | str]" = None) -> str:
    """The WHMCS crons directory: ``$crons_dir`` if set (relative to the root), else <root>/crons."""
    root = os.fspath(whmcs_root) if whmcs_root is not None else config.root
    if config.crons_dir:
        return os.path.normpath(os.path.join(root, config.crons_dir))
    return os.path.join(root, "crons")


def database_address(config: WhmcsConfig, socket: Optional[str] = None) -> Tuple[str, int, Optional[str]]:
    """Return (host, port, unix_socket) for the connection described by ``config``."""
    host = (config.db_host or "localhost").strip()
    port_text = str(config.db_port).strip()
    host_socket = None
    if host.startswith("[") and "]:" in host:  # [v6addr]:port
        host, _separator, embedded = host[1:].partition("]:")
        port_text = port_text or embedded
    elif host.count(":") == 1:
        host, _separator, suffix = host.partition(":")
        if suffix.startswith("/"):
            host_socket = suffix
        else:
            port_text = port_text or suffix
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise WhmcsConfigError(
                "%s: $db_port %r is not a TCP port number; use '' for 3306 or a number"
                % (config.path, port_text)
            )
        port = int(port_text)
    else:
        port = DEFAULT_MYSQL_PORT
    return host or "localhost", port, socket or host_socket


def _read_text(config_path: str) -> str:
    try:
        with open(config_path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise WhmcsConfigError(
            "%s does not exist; give the WHMCS root directory or the path of configuration.php" % config_path
        ) from None
    except IsADirectoryError:
        raise WhmcsConfigError("%s is a directory, not configuration.php" % config_path) from None
    except PermissionError:
        raise WhmcsConfigError(
            "%s is not readable by this user (uid %d); run as the web server user or root, "
            "or grant read access (mode 440 with the right group)" % (config_path, os.getuid())
        ) from None
    except OSError as error:
        raise WhmcsConfigError("%s cannot be read: %s" % (config_path, error.strerror)) from None
    return raw.decode("utf-8", errors="replace")


def _redact_quoted(message: str) -> str:
    """Drop quoted fragments from a PHP message: they may quote a line of the file (a secret)."""
    return re.sub(r"\"[^\"]*\"|'[^']*'", '"..."', message)


def _read_with_php(config_path: str, php_binary: str) -> Optional[Dict[str, Any]]:
    """Variables via php, or None when php cannot be run here (the caller then parses)."""
    command = [
        php_binary,
        "-d",
        "display_errors=stderr",
        "-d",
        "log_errors=0",
        "-r",
        _PHP_READER,
        "--",
        config_path,
    ]
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            timeout=PHP_TIMEOUT_SECONDS,
            cwd=os.path.dirname(config_path),
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except FileNotFoundError:
        return None
    except PermissionError:
        return None
    except subprocess.TimeoutExpired:
        raise WhmcsConfigError(
            "%s: php did not finish reading it within %d s; does the file block (network, input)?"
            % (config_path, PHP_TIMEOUT_SECONDS)
        ) from None
    stdout = result.stdout.decode("utf-8", errors="replace")
    marker = stdout.rfind(_JSON_MARKER)
    if marker < 0:
        stderr_lines = [
            line for line in result.stderr.decode("utf-8", "replace").splitlines() if line.strip()
        ]
        detail = _redact_quoted(stderr_lines[-1]) if stderr_lines else "no error output"
        raise WhmcsConfigError(
            "%s: php exited with code %d before printing the variables (does the file call exit or die?); "
            "php said: %s" % (config_path, result.returncode, detail)
        )
    try:
        payload = json.loads(stdout[marker + len(_JSON_MARKER) :].strip())
    except ValueError:
        raise WhmcsConfigError("%s: php printed output that is not valid JSON" % config_path) from None
    if "error" in payload:
        error = payload["error"]
        where = "line %s" % error.get("line") if error.get("in_file") else "a file it includes"
        kind = (
            "a syntax error" if error.get("class") == "ParseError" else "an error (%s)" % error.get("class")
        )
        raise WhmcsConfigError(
            "%s %s: php reports %s: %s"
            % (config_path, where, kind, _redact_quoted(str(error.get("message", ""))))
        )
    variables = payload.get("vars") or {}
    if not isinstance(variables, dict):
        variables = {}
    return variables


def _as_php_text(value: Any) -> str:
    """A PHP scalar as PHP would turn it into a string."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    return str(value)


def _build_config(
    config_path: str,
    variables: Dict[str, Any],
    unevaluated: Dict[str, Tuple[int, str]],
    source: str,
) -> WhmcsConfig:
    named = [item.name for item in fields(WhmcsConfig) if item.name not in ("path", "extra", "source")]
    for name in REQUIRED_VARIABLES:
        if name in unevaluated:
            line, reason = unevaluated[name]
            raise WhmcsConfigError(
                "%s line %d: $%s %s; install php-cli or set it literally" % (config_path, line, name, reason)
            )
        if name not in variables:
            raise WhmcsConfigError(
                "%s: $%s is not set; WHMCS needs it to reach its database, so this is probably "
                "not the configuration.php of a working WHMCS" % (config_path, name)
            )
    values = {name: _as_php_text(variables[name]) for name in named if name in variables}
    extra = {name: value for name, value in variables.items() if name not in values}
    return WhmcsConfig(path=config_path, extra=extra, source=source, **values)
