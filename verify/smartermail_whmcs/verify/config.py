"""The ``verify --config FILE`` YAML file: the same keys as the Ansible variables.

```yaml
smartermail_servers:            # one target per server (x each WHMCS root)
  - name: mail1                 # label, and the WHMCS server name (tblservers.name)
    hostname: mail1.example.com
    port: 443                   # optional: 443 with secure, 9998 without
    secure: true
    username: admin
    password: "..."             # optional here: SMARTERMAIL_PASSWORD, --password-stdin or a prompt
    ca_path: /etc/ssl/my-ca.pem # optional
    validate_certs: true
whmcs_root: /var/www/whmcs      # or whmcs_roots: [...]
whmcs_cron:
  user: www-data                # whose crontab the cron check reads; default whmcs_web_user
whmcs_web_user: www-data        # who runs WHMCS's PHP for --order
smartermail_verify_order: false # true: the test order per product (as --order)
```

Other top-level keys are ignored, so an Ansible group_vars file can serve as the config file;
the keys read here are checked strictly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.registry import SERVER_ENTRY_KEYS

from smartermail_whmcs.errors import ConfigError

SERVER_KEYS = (
    *SERVER_ENTRY_KEYS,
    "ca_path",
    "validate_certs",
    "connect_timeout",
    "timeout",
    # Install-side keys of the same Ansible variable; verify does not need them (state: absent
    # leaves the server out, as the verify role does).
    "max_accounts",
    "disabled",
    "ip_address",
    "state",
)
SERVER_STATES = ("present", "absent")
# Keys of the Ansible variable whmcs_cron; verify reads only the user.
CRON_KEYS = ("user", "schedule", "php")


@dataclass
class ConfigServer:
    """One smartermail_servers entry (values as written; None when absent)."""

    index: int
    values: dict[str, Any]

    def get(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class VerifyConfig:
    path: str | None = None
    servers: list[ConfigServer] = field(default_factory=list)
    whmcs_roots: list[str] = field(default_factory=list)
    ca_path: str | None = None
    php_binary: str | None = None
    whmcs_web_user: str | None = None
    cron_user: str | None = None
    whmcs_product_name: str | None = None
    canary: bool | None = None
    order: bool | None = None
    canary_prefix: str | None = None
    canary_domain_path: str | None = None


def _where(path: str, key: str) -> str:
    return f"{key} in {path}"


def _text(path: str, key: str, value: Any, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise ConfigError(f"{_where(path, key)} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ConfigError(f"{_where(path, key)} must be text, not {type(value).__name__}")
    return str(value)


def _bool(path: str, key: str, value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    parsed = parse_bool(value)
    if parsed is None:
        raise ConfigError(f"{_where(path, key)} must be true or false, not {value!r}")
    return parsed


def parse_bool(value: Any) -> bool | None:
    """YAML/env style booleans; None when the value is not one."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on", "y"):
        return True
    if text in ("0", "false", "no", "off", "n", ""):
        return False
    return None


def _server(path: str, index: int, entry: Any) -> ConfigServer:
    where = f"smartermail_servers[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{_where(path, where)} must be a mapping with hostname, username, ...")
    unknown = sorted(str(key) for key in entry if key not in SERVER_KEYS)
    if unknown:
        raise ConfigError(
            f"unknown key {unknown[0]!r} in {where} of {path}; allowed keys: {', '.join(SERVER_KEYS)}"
        )
    values: dict[str, Any] = {}
    for key in ("name", "hostname", "username", "password", "ca_path", "ip_address", "state"):
        values[key] = _text(path, f"{where}.{key}", entry.get(key), required=key in ("hostname",))
    if values["state"] not in (None, *SERVER_STATES):
        raise ConfigError(
            f"{_where(path, where + '.state')} must be present or absent, not {values['state']!r}"
        )
    for key in ("secure", "validate_certs", "disabled"):
        values[key] = _bool(path, f"{where}.{key}", entry.get(key))
    for key in ("port", "connect_timeout", "timeout", "max_accounts"):
        value = entry.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float, str))):
            raise ConfigError(f"{_where(path, where + '.' + key)} must be a number, not {value!r}")
        values[key] = value
    return ConfigServer(index, values)


def _cron_user(path: str, cron: Any) -> str | None:
    """whmcs_cron.user of the Ansible variable whmcs_cron (a mapping with user, schedule, php)."""
    if cron is None:
        return None
    if not isinstance(cron, dict):
        raise ConfigError(
            f"{_where(path, 'whmcs_cron')} must be a mapping (user: ..., schedule: ..., php: ...)"
        )
    unknown = sorted(str(key) for key in cron if key not in CRON_KEYS)
    if unknown:
        raise ConfigError(
            f"unknown key {unknown[0]!r} in whmcs_cron of {path}; allowed keys: {', '.join(CRON_KEYS)}"
        )
    return _text(path, "whmcs_cron.user", cron.get("user"))


def load_config(file_path: str | Path) -> VerifyConfig:
    """Read and check the YAML file; ConfigError (exit 2) names the file and the key."""
    path = str(file_path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read the config file {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"the config file {path} is not UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise ConfigError(f"the config file {path} is not valid YAML{where}: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"the config file {path} must be a YAML mapping (smartermail_servers: ...)")
    config = VerifyConfig(path=path)
    servers = data.get("smartermail_servers")
    if servers is not None:
        if not isinstance(servers, list):
            raise ConfigError(f"smartermail_servers in {path} must be a list of servers")
        config.servers = [_server(path, index, entry) for index, entry in enumerate(servers)]
    roots: list[str] = []
    if data.get("whmcs_root") not in (None, ""):
        roots.append(_text(path, "whmcs_root", data["whmcs_root"]) or "")
    extra_roots = data.get("whmcs_roots")
    if extra_roots is not None:
        if not isinstance(extra_roots, list):
            raise ConfigError(f"whmcs_roots in {path} must be a list of WHMCS directories")
        roots.extend(_text(path, f"whmcs_roots[{i}]", root, True) or "" for i, root in enumerate(extra_roots))
    config.whmcs_roots = list(dict.fromkeys(roots))
    config.ca_path = _text(path, "smartermail_ca_path", data.get("smartermail_ca_path"))
    config.php_binary = _text(path, "whmcs_php_binary", data.get("whmcs_php_binary"))
    config.whmcs_web_user = _text(path, "whmcs_web_user", data.get("whmcs_web_user"))
    config.cron_user = _cron_user(path, data.get("whmcs_cron"))
    config.whmcs_product_name = _text(
        path, "smartermail_verify_product", data.get("smartermail_verify_product")
    )
    config.canary = _bool(path, "smartermail_verify_canary", data.get("smartermail_verify_canary"))
    config.order = _bool(path, "smartermail_verify_order", data.get("smartermail_verify_order"))
    config.canary_prefix = _text(
        path, "smartermail_verify_canary_prefix", data.get("smartermail_verify_canary_prefix")
    )
    config.canary_domain_path = _text(
        path, "smartermail_verify_canary_domain_path", data.get("smartermail_verify_canary_domain_path")
    )
    return config
