"""php-curl and php-extensions: SmarterMail and PHP as WHMCS's own PHP sees them.

Real parts: sandboxes brought up through the CLI (their WHMCS stand-in's init.php, real MariaDB),
simulators over real HTTP/HTTPS, the real php. A TLS sandbox's PHP trusts its simulator's CA the way
a host's PHP trusts its store (curl.cainfo / openssl.cafile, given by the stand-in's containment);
a second simulator has a CA nobody installed, and a plain sandbox's PHP trusts only the system store.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckResult
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.registry import target_settings
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import (
    TargetContext,
    run_checks,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.whmcs_checks import WHMCS_CHECKS
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.php_probe import (
    PhpRun,
    loaded_extensions,
    web_php_configurations,
)
from fixtures.network import closed_port
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import connect_host
from fixtures.simulator import RunningSimulator, start_simulator
from fixtures.standin_php import PhpFailed, run_in_whmcs
from fixtures.users import local_user
from fixtures.verify_cli import run_verify
from fixtures.whmcs_rows import insert_row

pytestmark = pytest.mark.slow

HOST = "whmcs1"
PHP_IDS = ("php-curl", "php-extensions")
DNS_FUNCTIONS = ("dns_get_record", "checkdnsrr", "getmxrr", "gethostbyname", "gethostbynamel")


def set_server_row(box: SandboxInfo, port: int, secure: bool) -> None:
    """The one smartermail server row of the sandbox host, pointing at 127.0.0.1:port."""
    connection = connect_host(box, HOST)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM tblservers")
            insert_row(
                cursor,
                "tblservers",
                {
                    "name": "sandbox-simulator",
                    "type": "smartermail",
                    "hostname": "127.0.0.1",
                    "port": port,
                    "secure": "on" if secure else "",
                    "username": "admin",
                    "active": 1,
                    "disabled": 0,
                },
            )
    finally:
        connection.close()


@pytest.fixture(scope="module")
def tls_box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1, tls=True) as info:
        set_server_row(info, info.simulator["port"], secure=True)
        yield info


@pytest.fixture(scope="module")
def plain_box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        set_server_row(info, info.simulator["port"], secure=False)
        yield info


@pytest.fixture(scope="module")
def stranger() -> Iterator[RunningSimulator]:
    """A simulator whose throwaway CA no sandbox trusts."""
    with start_simulator(tls=True) as sim:
        yield sim


def php_check(box: SandboxInfo, check_id: str, php: str = "php", web_user: str | None = None) -> CheckResult:
    """One WHMCS-side check run by the verify runner against the sandbox host, as verify runs it."""
    settings = target_settings(
        "127.0.0.1",
        "admin",
        box.simulator["sysadmin"]["password"],
        port=box.simulator["port"],
        whmcs_root=str(box.root(HOST)),
        php_binary=php,
        whmcs_web_user=web_user,
        whmcs_server_name="sandbox-simulator",
    )
    spec = next(spec for spec in WHMCS_CHECKS if spec.id == check_id)
    [result] = run_checks([TargetContext("whmcs1", settings)], [spec])
    return result


def cli_php() -> dict[str, str]:
    """Version and php.ini of this machine's PHP CLI, as the check's messages name them."""
    done = subprocess.run(
        ["php", "-r", "echo json_encode([PHP_VERSION, (string) php_ini_loaded_file()]);"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    version, ini = json.loads(done.stdout)
    return {"version": version, "ini": ini}


def expected_label(user: str | None = None) -> str:
    php = cli_php()
    return f"PHP {php['version']} (php, php.ini {php['ini']}, as {user or getpass.getuser()} after WHMCS's init.php)"


def url(port: int, secure: bool) -> str:
    return f"{'https' if secure else 'http'}://127.0.0.1:{port}/api/v1/auth/login-settings"


# ------------------------------------------------------------------- the sandbox host's trust store


def test_a_tls_sandbox_php_trusts_the_simulator_ca_and_still_contains_dns(tls_box: SandboxInfo) -> None:
    answer = run_in_whmcs(
        tls_box.root(HOST),
        "return [ini_get('curl.cainfo'), ini_get('openssl.cafile'), explode(',', ini_get('disable_functions'))];",
    )
    ca = tls_box.simulator["ca_file"]
    assert answer[:2] == [ca, ca]
    assert set(DNS_FUNCTIONS) <= set(answer[2])


def test_a_crontab_style_script_of_a_tls_sandbox_trusts_the_ca_too(
    tls_box: SandboxInfo, tmp_path: Path
) -> None:
    script = tmp_path / "cron_like.php"
    script.write_text(
        f"<?php\nrequire '{tls_box.root(HOST)}/init.php';\necho ini_get('openssl.cafile'), '|', ini_get('disable_functions');\n"
    )
    done = subprocess.run(["php", "-q", str(script)], capture_output=True, text=True, timeout=60, check=True)
    cafile, disabled = done.stdout.split("|")
    assert cafile == tls_box.simulator["ca_file"]
    assert set(DNS_FUNCTIONS) <= set(disabled.split(","))


def test_a_plain_sandbox_php_keeps_the_system_store(plain_box: SandboxInfo) -> None:
    assert run_in_whmcs(
        plain_box.root(HOST), "return [ini_get('curl.cainfo'), ini_get('openssl.cafile')];"
    ) == [
        "",
        "",
    ]


def test_a_tls_sandbox_process_that_cannot_be_contained_names_the_ca_settings(tls_box: SandboxInfo) -> None:
    env = {**os.environ, "WHMCS_SANDBOX_DNS_CONTAINED": "1"}  # as if it had re-executed already
    ca = tls_box.simulator["ca_file"]
    with pytest.raises(PhpFailed) as failed:
        run_in_whmcs(tls_box.root(HOST), "return true;", env=env)
    assert "runs PHP only with its DNS functions disabled" in str(failed.value)
    assert f"and trusting the simulator's CA ({ca} as curl.cainfo and openssl.cafile)" in str(failed.value)
    assert f"'-d' 'curl.cainfo={ca}' '-d' 'openssl.cafile={ca}'" in str(failed.value)


# -------------------------------------------------------------------------------------- php-curl


def test_php_curl_passes_over_https_when_php_trusts_the_ca(tls_box: SandboxInfo) -> None:
    result = php_check(tls_box, "php-curl")
    port = tls_box.simulator["port"]
    assert result.status == "pass", result
    assert result.summary == (
        f"{expected_label()} reached {url(port, True)} through curl with its default trust store "
        f"(openssl.cafile {tls_box.simulator['ca_file']}): certificate verified, HTTP 200"
    )
    assert result.details["errno"] == 0 and result.details["ssl_verify_result"] == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="running PHP as the web user needs root")
def test_php_curl_runs_php_as_the_web_user(tls_box: SandboxInfo) -> None:
    """As WHMCS's PHP runs: a web user who cannot read configuration.php cannot boot WHMCS either."""
    root = tls_box.root(HOST)
    configuration = root / "configuration.php"
    mode = tls_box.directory.stat().st_mode
    tls_box.directory.chmod(0o755)  # the sandbox's temp folder is private to its creator
    try:
        with local_user("smwweb") as user:
            refused = php_check(tls_box, "php-curl", web_user=user)
            shutil.chown(configuration, group=user)
            try:
                result = php_check(tls_box, "php-curl", web_user=user)
            finally:
                shutil.chown(configuration, group=0)
    finally:
        tls_box.directory.chmod(mode)
    assert refused.status == "fail", refused
    assert refused.summary.startswith(
        f"WHMCS's PHP could not run the curl probe after {root}/init.php as {user}: php -r <curl probe> "
        "exited 255; it said: Fatal error: Uncaught RuntimeException: WHMCS configuration file is missing "
        f"or unreadable: {configuration} in {root}/init.php:"
    )
    assert (
        refused.hint
        == f"""run `php -r "require '{root}/init.php';"` as {user} to see why WHMCS's PHP does not start"""
    )
    assert result.status == "pass", result
    assert result.summary.startswith(f"{expected_label(user)} reached https://")


def test_php_curl_passes_over_plain_http(plain_box: SandboxInfo) -> None:
    result = php_check(plain_box, "php-curl")
    port = plain_box.simulator["port"]
    assert result.status == "pass", result
    assert result.summary == (
        f"{expected_label()} reached {url(port, False)} through curl over plain HTTP, as the module "
        'connects when the server\'s "Use SSL" is off, HTTP 200'
    )


def untrusted_summary(port: int, store: str) -> str:
    return (
        f"WHMCS's PHP does not trust the TLS certificate of 127.0.0.1:{port} (curl error 60: SSL certificate "
        f"problem: unable to get local issuer certificate): {expected_label()} verified it with its default "
        f"trust store ({store}), as the module's curl does, so every module call would fail this way"
    )


def test_php_curl_fails_for_a_private_ca_php_does_not_trust(
    tls_box: SandboxInfo, stranger: RunningSimulator
) -> None:
    _host, port = stranger.host_port
    set_server_row(tls_box, port, secure=True)
    try:
        result = php_check(tls_box, "php-curl")
    finally:
        set_server_row(tls_box, tls_box.simulator["port"], secure=True)
    assert result.status == "fail", result
    assert result.summary == untrusted_summary(port, f"openssl.cafile {tls_box.simulator['ca_file']}")
    assert "update-ca-certificates" in result.hint
    assert "openssl.cafile or curl.cainfo (openssl.cafile wins)" in result.hint
    assert "use a certificate from a public CA" in result.hint
    assert "--ca-file / certifi, which PHP does not use" in result.hint


def test_php_curl_fails_when_php_has_only_the_system_store(
    plain_box: SandboxInfo, tls_box: SandboxInfo
) -> None:
    """A WHMCS whose PHP was never given the CA (no curl.cainfo / openssl.cafile), over https."""
    port = tls_box.simulator["port"]
    set_server_row(plain_box, port, secure=True)
    try:
        result = php_check(plain_box, "php-curl")
    finally:
        set_server_row(plain_box, plain_box.simulator["port"], secure=False)
    assert result.status == "fail", result
    assert result.summary == untrusted_summary(port, "libcurl's default CA bundle, the system store")


def test_the_verify_cli_passes_with_its_ca_file_and_fails_php_curl_without_php_trust(
    plain_box: SandboxInfo, tls_box: SandboxInfo
) -> None:
    """The issue's case: verify trusts --ca-file, the SmarterMail checks pass, WHMCS's PHP would fail."""
    sim = tls_box.simulator
    set_server_row(plain_box, sim["port"], secure=True)
    try:
        done = run_verify(
            "--host",
            "127.0.0.1",
            "--port",
            str(sim["port"]),
            "--username",
            "admin",
            "--ca-file",
            sim["ca_file"],
            "--whmcs-root",
            str(plain_box.root(HOST)),
            "--no-canary",
            "--format",
            "json",
            env={"SMARTERMAIL_PASSWORD": sim["sysadmin"]["password"]},
        )
    finally:
        set_server_row(plain_box, plain_box.simulator["port"], secure=False)
    checks = {check["id"]: check for check in json.loads(done.stdout)["checks"]}
    assert {name: checks[name]["status"] for name in ("tls", "api", "credentials")} == dict.fromkeys(
        ("tls", "api", "credentials"), "pass"
    )
    assert checks["php-curl"]["status"] == "fail"
    assert checks["php-curl"]["summary"] == untrusted_summary(
        sim["port"], "libcurl's default CA bundle, the system store"
    )
    assert checks["php-extensions"]["status"] == "pass"
    assert done.returncode == 1


def test_php_curl_fails_on_a_closed_port_naming_host_and_port(plain_box: SandboxInfo) -> None:
    port = closed_port()
    set_server_row(plain_box, port, secure=False)
    try:
        result = php_check(plain_box, "php-curl")
    finally:
        set_server_row(plain_box, plain_box.simulator["port"], secure=False)
    assert result.status == "fail", result
    assert result.summary.startswith(
        f"PHP's curl could not connect to 127.0.0.1:{port} (curl error 7: Failed to connect to 127.0.0.1 port {port}"
    )
    assert f"nothing listens on port {port} of 127.0.0.1" in result.hint
    assert "Configuration > System Settings > Servers" in result.hint


def test_php_curl_warns_when_the_address_answers_but_not_as_the_api(plain_box: SandboxInfo) -> None:
    """PHP got through (no TLS or network problem), but an HTML 404 is not SmarterMail's API."""
    with start_simulator("--fault", "api-disabled") as other:
        _host, port = other.host_port
        set_server_row(plain_box, port, secure=False)
        try:
            result = php_check(plain_box, "php-curl")
        finally:
            set_server_row(plain_box, plain_box.simulator["port"], secure=False)
    assert result.status == "warn", result
    assert result.summary == (
        f"{expected_label()} reached {url(port, False)} through curl over plain HTTP, as the module "
        'connects when the server\'s "Use SSL" is off, but it answered HTTP 404'
    )
    assert "see the server check" in result.hint


# -------------------------------------------------------------------------------- php-extensions


def fake_php(folder: Path, name: str, hide: str) -> Path:
    """A PHP binary answering -m without ``hide``; everything else is the real php."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-m" ]; then /usr/bin/php -m | grep -v -x -i "{hide}"; exit 0; fi\n'
        'exec /usr/bin/php "$@"\n'
    )
    script.chmod(0o755)
    return script


def test_php_extensions_pass_for_this_php_and_name_it(plain_box: SandboxInfo) -> None:
    result = php_check(plain_box, "php-extensions")
    assert result.status == "pass", result
    assert result.summary.startswith("curl, json, mbstring, pdo_mysql loaded in the PHP CLI php (php -m)")
    assert result.details["checked"][0] == "the PHP CLI php (php -m)"


def test_php_extensions_fail_for_a_php_without_mbstring(plain_box: SandboxInfo, tmp_path: Path) -> None:
    php = fake_php(tmp_path / "bin", "php", "mbstring")
    result = php_check(plain_box, "php-extensions", php=str(php))
    assert result.status == "fail", result
    assert result.summary == (
        f"the PHP CLI {php} (php -m) lacks mbstring: the SmarterMail module and WHMCS need curl, json, "
        "mbstring, pdo_mysql"
    )
    assert f"apt install php{'.'.join(cli_php()['version'].split('.')[:2])}-mbstring" in result.hint
    assert "dnf install php-mbstring" in result.hint
    assert result.details["missing"] == ["mbstring"]


def test_php_extensions_check_a_php_fpm_beside_the_cli(plain_box: SandboxInfo, tmp_path: Path) -> None:
    php = fake_php(tmp_path / "bin", "php", "no-such-extension")
    fpm = fake_php(tmp_path / "bin", "php-fpm", "pdo_mysql")
    result = php_check(plain_box, "php-extensions", php=str(php))
    assert result.status == "fail", result
    assert result.summary == (
        f"PHP-FPM {fpm} (php-fpm -m) lacks pdo_mysql: the SmarterMail module and WHMCS need curl, json, "
        "mbstring, pdo_mysql"
    )
    assert "mysql" in result.hint and "php-mysqlnd" in result.hint


def test_php_extensions_pass_names_both_php_when_the_fpm_has_everything(
    plain_box: SandboxInfo, tmp_path: Path
) -> None:
    php = fake_php(tmp_path / "bin", "php", "no-such-extension")
    fpm = fake_php(tmp_path / "bin", "php-fpm", "no-such-extension")
    result = php_check(plain_box, "php-extensions", php=str(php))
    assert result.status == "pass", result
    assert result.summary == (
        f"curl, json, mbstring, pdo_mysql loaded in the PHP CLI {php} (php -m); PHP-FPM {fpm} (php-fpm -m)"
    )


def test_an_apache_php_ini_is_read_with_its_own_conf_d(tmp_path: Path) -> None:
    """Debian's layout: /etc/php/X.Y/apache2/php.ini and conf.d, read by the CLI binary with -c."""
    base = tmp_path / "etc" / "php" / "8.2"
    (base / "cli").mkdir(parents=True)
    (base / "apache2" / "conf.d").mkdir(parents=True)
    (base / "apache2" / "php.ini").write_text("[PHP]\n")
    (base / "apache2" / "conf.d" / "20-curl.ini").write_text("extension=curl\n")
    settings: dict[str, Any] = {"version": cli_php()["version"], "config_path": str(base / "cli")}
    [run] = web_php_configurations("php", settings)
    assert isinstance(run, PhpRun)
    assert run.label == f"Apache mod_php configuration {base}/apache2/php.ini (read with php -c)"
    loaded = loaded_extensions(run, None)
    assert "curl" in loaded
    assert "mbstring" not in loaded and "pdo_mysql" not in loaded  # only what that conf.d loads
