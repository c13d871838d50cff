"""verify_input / verify_config / verify_registry.target_settings: where each value comes from."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.registry import (
    DEFAULT_CANARY_DOMAIN_PATH,
    SETTINGS_KEYS,
    VerifySettingsError,
    target_settings,
)
from smartermail_whmcs.errors import ConfigError
from smartermail_whmcs.verify.input import VerifyOptions, resolve_targets

PW = "Pw-from-somewhere-1"


def resolve(options: VerifyOptions, env: dict[str, str] | None = None, stdin: str = "", prompt=None):
    return resolve_targets(options, environ=env or {}, stdin=io.StringIO(stdin), prompt=prompt)


def write_config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "verify.yml"
    path.write_text(text)
    return str(path)


def test_target_settings_defaults_and_keys() -> None:
    settings = target_settings("mail.example.com", "admin", PW)
    assert tuple(settings) == SETTINGS_KEYS
    assert settings["name"] == "mail.example.com" and settings["port"] is None and settings["secure"] is True
    assert settings["verify_tls"] is True and settings["canary"] is True
    assert settings["canary_prefix"] == "smw-canary-"
    assert settings["canary_domain_path"] == DEFAULT_CANARY_DOMAIN_PATH
    assert (settings["connect_timeout"], settings["timeout"]) == (10.0, 30.0)
    assert settings["php_binary"] == "php" and settings["whmcs_root"] is None


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"hostname": ""}, "hostname is required"),
        ({"hostname": "https://mail.example.com"}, "includes a scheme"),
        ({"username": ""}, "username is required"),
        ({"password": ""}, "password is required"),
        ({"port": 0}, "port must be"),
        ({"port": "http"}, "port must be"),
        ({"port": True}, "port must be"),
        ({"timeout": 0}, "timeout must be more than 0"),
        ({"connect_timeout": "soon"}, "connect_timeout must be a number"),
        ({"canary_prefix": "Has Space"}, "canary_prefix"),
    ],
)
def test_target_settings_refuses_bad_values(kwargs: dict, needle: str) -> None:
    arguments = {"hostname": "mail.example.com", "username": "admin", "password": PW, **kwargs}
    with pytest.raises(VerifySettingsError, match=needle) as caught:
        target_settings(**arguments)
    assert PW not in str(caught.value)


def test_flags_beat_environment_variables() -> None:
    env = {
        "SMARTERMAIL_HOST": "env.example.com",
        "SMARTERMAIL_PORT": "9998",
        "SMARTERMAIL_SECURE": "no",
        "SMARTERMAIL_USERNAME": "envadmin",
        "SMARTERMAIL_PASSWORD": PW,
    }
    (only_env,) = resolve(VerifyOptions(), env)
    assert (only_env["hostname"], only_env["port"], only_env["secure"], only_env["username"]) == (
        "env.example.com", 9998, False, "envadmin",
    )  # fmt: skip
    assert only_env["password"] == PW
    (flags,) = resolve(
        VerifyOptions(host="flag.example.com", port=443, secure=True, username="flagadmin"), env
    )
    assert (flags["hostname"], flags["port"], flags["secure"], flags["username"]) == (
        "flag.example.com", 443, True, "flagadmin",
    )  # fmt: skip


def test_environment_beats_the_config_file(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        "smartermail_servers:\n"
        "  - {name: mail1, hostname: mail1.example.com, port: 443, username: cfgadmin, password: cfg-pw-1}\n"
        "  - {name: mail2, hostname: mail2.example.com, username: cfgadmin, password: cfg-pw-2}\n",
    )
    targets = resolve(VerifyOptions(config=config), {"SMARTERMAIL_PORT": "8443"})
    assert [t["port"] for t in targets] == [8443, 8443]  # a given variable applies to every server
    assert [t["password"] for t in targets] == ["cfg-pw-1", "cfg-pw-2"]
    assert [t["whmcs_server_name"] for t in targets] == ["mail1", "mail2"]
    plain = resolve(VerifyOptions(config=config))
    assert [t["port"] for t in plain] == [443, None]


def test_host_picks_a_config_entry_by_name_or_hostname(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        "smartermail_servers:\n"
        "  - {name: mail1, hostname: mail1.example.com, username: a, password: cfg-pw-1, secure: false}\n"
        "  - {name: mail2, hostname: mail2.example.com, username: b, password: cfg-pw-2}\n",
    )
    (by_name,) = resolve(VerifyOptions(config=config, host="mail1"))
    assert (by_name["name"], by_name["hostname"], by_name["secure"]) == ("mail1", "mail1.example.com", False)
    (by_host,) = resolve(VerifyOptions(config=config, host="mail2.example.com", username="c"))
    assert (by_host["name"], by_host["username"], by_host["password"]) == ("mail2", "c", "cfg-pw-2")
    (unknown,) = resolve(
        VerifyOptions(config=config, host="other.example.com", username="x"), {"SMARTERMAIL_PASSWORD": PW}
    )
    assert unknown["name"] == "other.example.com"


def test_servers_times_roots_make_one_target_each(tmp_path: Path) -> None:
    roots = [tmp_path / "a" / "whmcs", tmp_path / "b" / "whmcs", tmp_path / "shop"]
    for root in roots:
        root.mkdir(parents=True)
    config = write_config(
        tmp_path,
        "smartermail_servers:\n"
        "  - {name: mail1, hostname: h1, username: a}\n"
        "  - {name: mail2, hostname: h2, username: a}\n"
        f"whmcs_root: {roots[0]}\n"
        f"whmcs_roots: [{roots[1]}, {roots[2]}]\n"
        "smartermail_ca_path: /etc/ssl/certs\n",
    )
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    config_text = Path(config).read_text().replace("/etc/ssl/certs", str(ca))
    Path(config).write_text(config_text)
    targets = resolve(VerifyOptions(config=config), {"SMARTERMAIL_PASSWORD": PW})
    assert len(targets) == 6
    # Two roots share the name "whmcs", so full paths tell them apart.
    assert targets[0]["name"] == f"mail1@{roots[0]}"
    assert targets[2]["name"] == f"mail1@{roots[2]}"
    assert {t["ca_file"] for t in targets} == {str(ca)}
    (flag_root,) = {t["whmcs_root"] for t in resolve(
        VerifyOptions(config=config, whmcs_roots=(str(roots[2]),)), {"SMARTERMAIL_PASSWORD": PW}
    )}  # fmt: skip
    assert flag_root == str(roots[2])


def test_password_sources_in_order() -> None:
    base = {"host": "h", "username": "u"}
    env = {"SMARTERMAIL_PASSWORD": "from-env-1"}
    assert resolve(VerifyOptions(**base, password="from-flag"), env)[0]["password"] == "from-flag"
    stdin_options = VerifyOptions(**base, password_stdin=True)
    assert resolve(stdin_options, env, stdin="from-stdin\n")[0]["password"] == "from-stdin"
    assert resolve(VerifyOptions(**base), env)[0]["password"] == "from-env-1"
    asked: list[str] = []
    prompted = resolve(VerifyOptions(**base), prompt=lambda text: asked.append(text) or "typed-pw")
    assert prompted[0]["password"] == "typed-pw" and asked == ["SmarterMail password for u on h"]


def test_no_password_and_no_terminal_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="SMARTERMAIL_PASSWORD"):
        resolve(VerifyOptions(host="h", username="u"))
    with pytest.raises(ConfigError, match="empty first line"):
        resolve(VerifyOptions(host="h", username="u", password_stdin=True), stdin="\n")


def test_canary_switches(tmp_path: Path) -> None:
    base = {"host": "h", "username": "u", "password": PW}
    assert resolve(VerifyOptions(**base))[0]["canary"] is True
    assert resolve(VerifyOptions(**base, no_canary=True))[0]["canary"] is False
    config = write_config(
        tmp_path, "smartermail_verify_canary: false\nsmartermail_verify_canary_prefix: ci-\n"
    )
    (target,) = resolve(VerifyOptions(**base, config=config))
    assert target["canary"] is False and target["canary_prefix"] == "ci-"
    assert resolve(VerifyOptions(**base, canary_prefix="mine-"))[0]["canary_prefix"] == "mine-"


def test_cron_user_comes_from_the_flag_else_the_config_whmcs_cron(tmp_path: Path) -> None:
    base = {"host": "h", "username": "u", "password": PW}
    assert resolve(VerifyOptions(**base))[0]["whmcs_cron_user"] is None
    # The install's own variable, with the keys verify does not need.
    config = write_config(
        tmp_path, "whmcs_cron: {user: cronie, schedule: '*/5 * * * *', php: /usr/bin/php}\n"
    )
    assert resolve(VerifyOptions(**base, config=config))[0]["whmcs_cron_user"] == "cronie"
    assert resolve(VerifyOptions(**base, config=config, cron_user="flag"))[0]["whmcs_cron_user"] == "flag"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("- just a list\n", "must be a YAML mapping"),
        ("smartermail_servers: {hostname: h}\n", "must be a list"),
        ("smartermail_servers:\n  - hostname: h\n    pasword: x\n", "unknown key 'pasword'"),
        ("smartermail_servers:\n  - username: u\n", "hostname in"),
        ("smartermail_servers:\n  - {hostname: h, secure: maybe}\n", "must be true or false"),
        ("smartermail_servers:\n  - {hostname: h, port: [1]}\n", "must be a number"),
        ("smartermail_servers: [\n", "not valid YAML at line"),
        ("whmcs_roots: /one/path\n", "whmcs_roots"),
        ("smartermail_servers:\n  - {hostname: h, state: gone}\n", "must be present or absent"),
        ("whmcs_cron: www-data\n", "whmcs_cron in .* must be a mapping"),
        ("whmcs_cron: {usr: www-data}\n", "unknown key 'usr' in whmcs_cron"),
        ("whmcs_cron: {user: [www-data]}\n", "whmcs_cron.user in .* must be text"),
        (
            "smartermail_servers:\n  - {name: x, hostname: h1, username: u}\n  - {name: x, hostname: h2, username: u}\n",
            "share the name 'x'",
        ),
    ],
)
def test_config_file_errors_name_the_file_and_key(tmp_path: Path, text: str, needle: str) -> None:
    config = write_config(tmp_path, text)
    with pytest.raises(ConfigError, match=needle):
        resolve(VerifyOptions(config=config), {"SMARTERMAIL_PASSWORD": PW})


def test_known_failures_let_the_values_they_stand_for_through() -> None:
    """A --from-whmcs row with a bad hostname or no password becomes a target whose check fails."""
    known = {"dns": ("bad hostname", "fix it"), "credentials": ("no password", "store it")}
    settings = target_settings("mail;x", "", "", port=70000, known_failures=known)
    assert (settings["hostname"], settings["port"], settings["known_failures"]) == ("mail;x", 70000, known)
    with pytest.raises(VerifySettingsError, match="holds ';'"):
        target_settings("mail;x", "admin", PW, known_failures={"credentials": ("no password", "")})


def test_the_install_group_vars_serve_as_the_config_file(tmp_path: Path) -> None:
    """Every key the install roles accept is accepted; a server being removed is not verified."""
    config = write_config(
        tmp_path,
        "smartermail_servers:\n"
        "  - {name: m1, hostname: h1, username: u, ip_address: 192.0.2.1, max_accounts: 5, disabled: false,\n"
        "     state: present, validate_certs: true, connect_timeout: 4, timeout: 9}\n"
        "  - {name: m2, hostname: h2, username: u, state: absent}\n"
        "smartermail_fail_on_warnings: true\n",
    )
    (target,) = resolve(VerifyOptions(config=config), {"SMARTERMAIL_PASSWORD": PW})
    assert (target["name"], target["connect_timeout"], target["timeout"]) == ("m1", 4.0, 9.0)


def test_from_whmcs_refuses_server_flags() -> None:
    with pytest.raises(ConfigError, match="cannot be combined with --host, --password"):
        resolve(VerifyOptions(from_whmcs="/nowhere", host="h", password="x"))
