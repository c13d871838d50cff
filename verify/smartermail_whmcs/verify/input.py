"""Turn flags, environment variables and the config file into verify targets.

Precedence, for every value: flag > environment variable > config file > default.

- Servers come from ``--from-whmcs ROOT`` (tblservers), else from ``--host``/SMARTERMAIL_HOST
  (one server; a config entry with that hostname or name supplies what flags and variables do
  not), else from the config file's ``smartermail_servers``. A connection flag or variable that
  is given applies to every server of the config file.
- WHMCS roots: ``--whmcs-root`` (repeatable) > config ``whmcs_root``/``whmcs_roots`` > the
  ``--from-whmcs`` root. One target per server x root.
- Passwords: --password > --password-stdin > SMARTERMAIL_PASSWORD > config > a hidden prompt when
  stdin is a terminal; otherwise a usage error (exit 2) that names SMARTERMAIL_PASSWORD.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.registry import (
    DEFAULT_CANARY_PREFIX,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT,
    LOGIN_CHECK,
    VerifySettingsError,
    target_settings,
)

from smartermail_whmcs.errors import ConfigError
from smartermail_whmcs.verify.config import VerifyConfig, load_config, parse_bool
from smartermail_whmcs.verify.from_whmcs import read_whmcs_servers

ENV_HOST = "SMARTERMAIL_HOST"
ENV_PORT = "SMARTERMAIL_PORT"
ENV_SECURE = "SMARTERMAIL_SECURE"
ENV_USERNAME = "SMARTERMAIL_USERNAME"
ENV_PASSWORD = "SMARTERMAIL_PASSWORD"  # noqa: S105 - the variable's name, not a password


@dataclass
class VerifyOptions:
    """The command line as given: None means "not on the command line"."""

    host: str | None = None
    port: int | None = None
    secure: bool | None = None
    username: str | None = None
    password: str | None = None
    password_stdin: bool = False
    ca_file: str | None = None
    insecure: bool = False
    connect_timeout: float | None = None
    timeout: float | None = None
    whmcs_roots: tuple[str, ...] = ()
    php: str | None = None
    cron_user: str | None = None
    no_canary: bool = False
    canary_prefix: str | None = None
    config: str | None = None
    from_whmcs: str | None = None
    web_user: str | None = None
    order: bool = False
    dry_run: bool = False


@dataclass
class ServerSource:
    """One SmarterMail server before targets are built (password may still be missing)."""

    name: str
    values: dict[str, Any]
    whmcs_server_name: str | None = None
    password_sources: list[str] = field(default_factory=list)
    # check id -> (summary, hint): what is known to be wrong with a --from-whmcs row.
    known_failures: dict[str, tuple[str, str]] = field(default_factory=dict)


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name)
    return value if value not in (None, "") else None


def _env_port(environ: Mapping[str, str]) -> int | None:
    text = _env(environ, ENV_PORT)
    if text is None:
        return None
    try:
        port = int(text)
    except ValueError:
        raise ConfigError(f"{ENV_PORT} must be a TCP port number (1-65535), not {text!r}") from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"{ENV_PORT} must be a TCP port number (1-65535), not {port}")
    return port


def _env_secure(environ: Mapping[str, str]) -> bool | None:
    text = _env(environ, ENV_SECURE)
    if text is None:
        return None
    value = parse_bool(text)
    if value is None:
        raise ConfigError(f"{ENV_SECURE} must be true or false (1/0, yes/no, on/off), not {text!r}")
    return value


def _first(*values: Any) -> Any:
    for value in values:
        if value is not None:
            return value
    return None


def _overrides(options: VerifyOptions, environ: Mapping[str, str]) -> dict[str, Any]:
    """Connection values given by flags or variables (flag first); absent keys are not given."""
    given = {
        "port": _first(options.port, _env_port(environ)),
        "secure": _first(options.secure, _env_secure(environ)),
        "username": _first(options.username, _env(environ, ENV_USERNAME)),
        "ca_path": options.ca_file,
        "connect_timeout": options.connect_timeout,
        "timeout": options.timeout,
    }
    if options.insecure:
        given["validate_certs"] = False
    return {key: value for key, value in given.items() if value is not None}


def _matching_entry(config: VerifyConfig, host: str) -> dict[str, Any]:
    for server in config.servers:
        if host in (server.get("hostname"), server.get("name")):
            return dict(server.values)
    return {}


def _servers(options: VerifyOptions, environ: Mapping[str, str], config: VerifyConfig) -> list[ServerSource]:
    overrides = _overrides(options, environ)
    host = _first(options.host, _env(environ, ENV_HOST))
    if host is not None:
        entry = _matching_entry(config, host)
        entry.update(overrides)
        if entry.get("hostname") in (None, "") or host != entry.get("name"):
            entry["hostname"] = host
        return [ServerSource(entry.get("name") or host, entry, whmcs_server_name=entry.get("name"))]
    if not config.servers:
        where = f" (the config file {config.path} lists no smartermail_servers)" if config.path else ""
        raise ConfigError(
            f"no SmarterMail server given{where}: use --host (or {ENV_HOST}), --config FILE with "
            "smartermail_servers, or --from-whmcs ROOT"
        )
    sources = []
    for server in config.servers:
        if server.get("state") == "absent":  # being removed by the install playbook: not verified
            continue
        entry = dict(server.values)
        entry.update(overrides)
        name = entry.get("name") or entry["hostname"]
        sources.append(ServerSource(name, entry, whmcs_server_name=entry.get("name")))
    return sources


def _whmcs_sources(options: VerifyOptions, php: str) -> list[ServerSource]:
    blocked = [
        flag
        for flag, value in (
            ("--host", options.host),
            ("--port", options.port),
            ("--secure/--no-secure", options.secure),
            ("--username", options.username),
            ("--password", options.password),
            ("--password-stdin", options.password_stdin or None),
            ("--config", options.config),
        )
        if value is not None
    ]
    if blocked:
        raise ConfigError(
            f"--from-whmcs takes the servers, their logins and passwords from WHMCS; it cannot be "
            f"combined with {', '.join(blocked)}"
        )
    assert options.from_whmcs is not None
    sources = []
    for row in read_whmcs_servers(options.from_whmcs, php_binary=php):
        values: dict[str, Any] = {
            "hostname": row.hostname,
            "port": row.port,
            "secure": row.secure,
            "username": row.username,
            "password": row.password,
            "ca_path": options.ca_file,
            "connect_timeout": options.connect_timeout,
            "timeout": options.timeout,
        }
        if options.insecure:
            values["validate_certs"] = False
        sources.append(
            ServerSource(row.name, values, whmcs_server_name=row.name, known_failures=dict(row.problems))
        )
    return sources


def _read_stdin_password(stdin: Any) -> str:
    line = stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise ConfigError("--password-stdin: standard input held no password (an empty first line)")
    return password


def _fill_passwords(
    sources: list[ServerSource],
    options: VerifyOptions,
    environ: Mapping[str, str],
    stdin: Any,
    prompt: Callable[[str], str] | None,
) -> None:
    given = options.password
    if given is None and options.password_stdin:
        given = _read_stdin_password(stdin)
    if given is None and options.from_whmcs is None:
        given = _env(environ, ENV_PASSWORD)
    for source in sources:
        if given is not None:
            source.values["password"] = given
        if source.values.get("password") or LOGIN_CHECK in source.known_failures:
            continue
        user = source.values.get("username") or "?"
        if prompt is None:
            raise ConfigError(
                f"no password for {user} on {source.name}: set {ENV_PASSWORD}, use --password-stdin, or "
                "put password in the --config file (stdin is not a terminal, so there is no prompt)"
            )
        source.values["password"] = prompt(f"SmarterMail password for {user} on {source.name}")


def _roots(options: VerifyOptions, config: VerifyConfig) -> list[str | None]:
    if options.whmcs_roots:
        roots: list[str] = list(dict.fromkeys(options.whmcs_roots))
    elif config.whmcs_roots:
        roots = list(config.whmcs_roots)
    elif options.from_whmcs:
        roots = [options.from_whmcs]
    else:
        return [None]
    for root in roots:
        if not os.path.isdir(root):
            raise ConfigError(f"WHMCS root {root} is not a directory")
    return [os.path.abspath(root) for root in roots]


def _root_labels(roots: list[str | None]) -> dict[str | None, str]:
    """Short labels for target names: the directory name, or the full path when names collide."""
    names = [os.path.basename(root.rstrip("/")) for root in roots if root]
    unique = len(set(names)) == len(names)
    return {root: (os.path.basename(root.rstrip("/")) if unique else root) if root else "" for root in roots}


def _number(source: ServerSource, key: str, default: float) -> Any:
    value = source.values.get(key)
    return default if value is None else value


def resolve_targets(
    options: VerifyOptions,
    environ: Mapping[str, str] | None = None,
    stdin: Any = None,
    prompt: Callable[[str], str] | None = None,
) -> list[dict[str, Any]]:
    """Every target's settings dict; ConfigError (exit 2) for any bad or missing input."""
    environ = os.environ if environ is None else environ
    stdin = sys.stdin if stdin is None else stdin
    config = load_config(options.config) if options.config else VerifyConfig()
    php = options.php or config.php_binary or "php"
    sources = _whmcs_sources(options, php) if options.from_whmcs else _servers(options, environ, config)
    _fill_passwords(sources, options, environ, stdin, prompt)
    roots = _roots(options, config)
    labels = _root_labels(roots)
    # --dry-run changes nothing: no canary domain, and the test order only says what it would do.
    canary = (
        False
        if options.no_canary or options.dry_run
        else (config.canary if config.canary is not None else True)
    )
    order = options.order or bool(config.order)
    if order and roots == [None]:
        raise ConfigError(
            "--order places a test order in WHMCS: give the WHMCS root with --whmcs-root, whmcs_root in the "
            "--config file, or --from-whmcs"
        )
    targets: list[dict[str, Any]] = []
    for source in sources:
        for root in roots:
            name = source.name if len(roots) == 1 else f"{source.name}@{labels[root]}"
            validate_certs = source.values.get("validate_certs")
            try:
                settings = target_settings(
                    hostname=source.values.get("hostname"),
                    username=source.values.get("username"),
                    password=source.values.get("password"),
                    name=name,
                    port=source.values.get("port"),
                    secure=True if source.values.get("secure") is None else source.values["secure"],
                    ca_file=source.values.get("ca_path") or config.ca_path,
                    verify_tls=True if validate_certs is None else validate_certs,
                    connect_timeout=_number(source, "connect_timeout", DEFAULT_CONNECT_TIMEOUT),
                    timeout=_number(source, "timeout", DEFAULT_TIMEOUT),
                    canary=canary,
                    canary_prefix=options.canary_prefix or config.canary_prefix or DEFAULT_CANARY_PREFIX,
                    canary_domain_path=config.canary_domain_path,
                    whmcs_root=root,
                    php_binary=php,
                    whmcs_web_user=options.web_user or config.whmcs_web_user,
                    whmcs_cron_user=options.cron_user or config.cron_user,
                    whmcs_server_name=source.whmcs_server_name,
                    whmcs_product_name=config.whmcs_product_name,
                    known_failures=source.known_failures,
                    order=order,
                    order_dry_run=options.dry_run,
                )
            except VerifySettingsError as error:
                raise ConfigError(f"server {source.name}: {error}") from None
            ca_file = settings["ca_file"]
            if ca_file and not os.path.isfile(ca_file):
                raise ConfigError(f"server {source.name}: the CA file {ca_file} does not exist")
            targets.append(settings)
    names = [target["name"] for target in targets]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ConfigError(f"two servers share the name {duplicates[0]!r}; give each a unique name")
    return targets
