"""The sandbox's cron stand-in run through real php: timestamps, daily runs, UpdateServerUsage."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    read_whmcs_config,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import whmcs_encrypt
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import configuration_value, connect_as_whmcs
from smartermail_whmcs.sandbox.inventory import FIXTURE_MODULE_DIR

pytestmark = pytest.mark.slow

MB = 1024 * 1024
ZERO_DATETIME = "0000-00-00 00:00:00"

# Every NOT NULL column without a default, as WHMCS itself writes them (strict sql_mode).
_SERVER_COLUMNS = {
    "name": "%s",
    "ipaddress": "'127.0.0.1'",
    "assignedips": "''",
    "hostname": "'127.0.0.1'",
    "noc": "''",
    "statusaddress": "''",
    **{f"nameserver{n}{suffix}": "''" for n in range(1, 6) for suffix in ("", "ip")},
    "maxaccounts": "200",
    "type": "'smartermail'",
    "username": "%s",
    "password": "%s",
    "accesshash": "''",
    "secure": "%s",
    "port": "%s",
    "active": "0",
    "disabled": "%s",
}
INSERT_SERVER = "INSERT INTO tblservers ({}) VALUES ({})".format(  # noqa: S608 - fixed column list
    ", ".join(_SERVER_COLUMNS), ", ".join(_SERVER_COLUMNS.values())
)
_SERVICE_COLUMNS = {
    "userid": "1",
    "orderid": "1",
    "packageid": "1",
    "server": "%s",
    "regdate": "CURDATE()",
    "domain": "%s",
    "paymentmethod": "'mailin'",
    "billingcycle": "'Monthly'",
    "nextinvoicedate": "CURDATE()",
    "domainstatus": "'Active'",
    **{column: "''" for column in ("username", "password", "notes", "subscriptionid", "suspendreason")},
    "promoid": "0",
    "overideautosuspend": "0",
    "overidesuspenduntil": "'0000-00-00'",
    **{column: "''" for column in ("dedicatedip", "assignedips", "ns1", "ns2")},
}
INSERT_SERVICE = "INSERT INTO tblhosting ({}) VALUES ({})".format(  # noqa: S608 - fixed column list
    ", ".join(_SERVICE_COLUMNS), ", ".join(_SERVICE_COLUMNS.values())
)


@pytest.fixture(scope="module")
def one_host() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        _install_fixture_module(info.root("whmcs1"))
        yield info


def _install_fixture_module(root: Path) -> None:
    # In real use the install playbook copies the module; these tests only need it in place.
    shutil.copytree(FIXTURE_MODULE_DIR, root / "modules" / "servers" / "smartermail")


def _cron(root: Path, *args: str, crons_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    script = (crons_dir or root / "crons") / "cron.php"
    return subprocess.run(["php", "-q", str(script), *args], capture_output=True, text=True, timeout=120)


def _get(root: Path, name: str) -> str | None:
    with connect_as_whmcs(root, autocommit=True) as connection:
        return configuration_value(connection, name)


def _set(root: Path, name: str, value: str | None) -> None:
    with connect_as_whmcs(root, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("DELETE FROM tblconfiguration WHERE setting = %s", (name,))
        if value is not None:
            cursor.execute(
                "INSERT INTO tblconfiguration (setting, value, created_at, updated_at) "
                "VALUES (%s, %s, NOW(), NOW())",
                (name, value),
            )


def _php_now() -> tuple[dt.datetime, str]:
    """Current time as the cron sees it (PHP's default time zone) and that zone's name."""
    out = subprocess.run(
        ["php", "-r", "echo date('Y-m-d H:i:s'), '|', date_default_timezone_get();"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    stamp, zone = out.split("|")
    return dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S"), zone


def _recent(stamp: str | None, zone_name: str) -> bool:
    assert stamp is not None
    when = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo(zone_name))
    return abs(dt.datetime.now(ZoneInfo(zone_name)) - when) < dt.timedelta(minutes=2)


def _other_hour() -> str:
    now, _ = _php_now()
    return f"{(now.hour + 12) % 24:02d}"


def test_every_run_stamps_last_cron_invocation_time(one_host: SandboxInfo) -> None:
    root = one_host.root("whmcs1")
    _set(root, "lastCronInvocationTime", "2001-01-01 00:00:00")
    _set(root, "lastDailyCronInvocationTime", None)
    _set(root, "DailyCronExecutionHour", _other_hour())  # not a daily run
    result = _cron(root)
    assert result.returncode == 0, result.stderr
    zone = _get(root, "cronTimeZone")
    assert zone == _php_now()[1]
    assert _recent(_get(root, "lastCronInvocationTime"), zone)
    assert _get(root, "lastDailyCronInvocationTime") is None


def test_all_force_is_a_daily_run(one_host: SandboxInfo) -> None:
    root = one_host.root("whmcs1")
    _set(root, "DailyCronExecutionHour", _other_hour())
    _set(root, "lastDailyCronInvocationTime", None)
    _set(root, "lastDailyCronEndTime", None)
    result = _cron(root, "all", "--force")
    assert result.returncode == 0, result.stderr
    zone = _get(root, "cronTimeZone")
    started, ended = _get(root, "lastDailyCronInvocationTime"), _get(root, "lastDailyCronEndTime")
    assert _recent(started, zone)
    assert _recent(ended, zone)
    assert ended >= started


def test_first_run_in_the_daily_hour_is_a_daily_run(one_host: SandboxInfo) -> None:
    root = one_host.root("whmcs1")
    now, _ = _php_now()
    _set(root, "DailyCronExecutionHour", f"{now.hour:02d}")
    _set(root, "lastDailyCronInvocationTime", "2001-01-01 09:00:00")
    assert _cron(root).returncode == 0
    first = _get(root, "lastDailyCronInvocationTime")
    assert first is not None and first.startswith(now.strftime("%Y-%m-%d"))
    # A second run the same day is not a daily run again.
    _set(root, "lastDailyCronEndTime", "marker")
    assert _cron(root).returncode == 0
    assert _get(root, "lastDailyCronEndTime") == "marker"


def test_do_does_not_start_the_daily_bookkeeping(one_host: SandboxInfo) -> None:
    root = one_host.root("whmcs1")
    _set(root, "lastDailyCronInvocationTime", None)
    _set(root, "lastCronInvocationTime", "2001-01-01 00:00:00")
    result = _cron(root, "do", "--UpdateServerUsage")
    assert result.returncode == 0, result.stderr
    assert _get(root, "lastDailyCronInvocationTime") is None
    assert _recent(_get(root, "lastCronInvocationTime"), _get(root, "cronTimeZone"))


def test_moved_crons_folder_uses_config_php_whmcspath(one_host: SandboxInfo, tmp_path: Path) -> None:
    root = one_host.root("whmcs1")
    moved = tmp_path / "crons"
    shutil.copytree(root / "crons", moved)
    lost = _cron(root, crons_dir=moved)
    assert lost.returncode == 1
    assert "init.php not found" in lost.stderr and "config.php" in lost.stderr

    (moved / "config.php").write_text(f"<?php\n$whmcspath = '{root}/';\n")
    _set(root, "lastCronInvocationTime", "2001-01-01 00:00:00")
    found = _cron(root, crons_dir=moved)
    assert found.returncode == 0, found.stderr
    assert _recent(_get(root, "lastCronInvocationTime"), _get(root, "cronTimeZone"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("do",), "needs at least one task"),
        (("do", "--NoSuchTask"), 'Unknown task "NoSuchTask"'),
        (("skip", "--NoSuchTask"), 'Unknown task "NoSuchTask"'),
        (("list", "--UpdateServerUsage"), 'Unknown option "--UpdateServerUsage"'),
        (("frobnicate",), 'Command "frobnicate" is not defined'),
        (("all", "--bogus"), 'Unknown option "--bogus"'),
    ],
)
def test_bad_usage_exits_1_with_a_message(one_host: SandboxInfo, args: tuple[str, ...], message: str) -> None:
    result = _cron(one_host.root("whmcs1"), *args)
    assert result.returncode == 1
    assert message in result.stderr


def test_list_names_every_task(one_host: SandboxInfo) -> None:
    result = _cron(one_host.root("whmcs1"), "list")
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == ["UpdateServerUsage", "TenantUsageMetrics", "CreateInvoices"]
    assert "WHMCS\\Cron\\Task\\TenantUsageMetrics  every 720 min, not in the daily run" in result.stdout


@pytest.mark.parametrize("task", ["UpdateServerUsage", "TenantUsageMetrics", "CreateInvoices"])
def test_do_and_skip_take_every_task(one_host: SandboxInfo, task: str) -> None:
    root = one_host.root("whmcs1")
    done = _cron(root, "do", f"--{task}", "-v")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].endswith(f": {task}")
    skipped = _cron(root, "skip", "--force", f"--{task}", "-v")
    assert skipped.returncode == 0, skipped.stderr
    assert task not in skipped.stdout.splitlines()[-1]
    assert "(daily run)" in skipped.stdout.splitlines()[-1]


def test_unreachable_database_exits_1(one_host: SandboxInfo, tmp_path: Path) -> None:
    root = one_host.root("whmcs1")
    broken = tmp_path / "whmcs"
    shutil.copytree(root, broken, ignore=shutil.ignore_patterns("modules"))
    config = (broken / "configuration.php").read_text()
    (broken / "configuration.php").write_text(config.replace("$db_port = '", "$db_port = '1"))
    result = _cron(broken)
    assert result.returncode == 1
    assert "WHMCS database" in result.stderr
    assert read_whmcs_config(root).db_password not in result.stderr


# ---------------------------------------------------------------- UpdateServerUsage


def _token(info: SandboxInfo) -> str:
    sysadmin = info.simulator["sysadmin"]
    answer = httpx.post(
        f"{info.simulator['url']}/api/v1/auth/authenticate-user",
        json={"username": sysadmin["username"], "password": sysadmin["password"]},
        verify=info.simulator_verify,
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["accessToken"]


def _create_domain_with_usage(info: SandboxInfo, usage_bytes: int) -> str:
    domain = f"usage-{uuid.uuid4().hex[:10]}.test"
    created = httpx.post(
        f"{info.simulator['url']}/api/v1/settings/sysadmin/domain-put",
        headers={"Authorization": f"Bearer {_token(info)}"},
        json={
            "adminUsername": "postmaster",
            "adminPassword": uuid.uuid4().hex,
            "deliverLocallyForExternalDomain": False,
            "domainLocation": 0,
            "domainLocationAddress": "",
            "domainData": {"name": domain, "hostname": f"mail.{domain}", "userLimit": 0, "maxSize": 0},
        },
        verify=info.simulator_verify,
        timeout=10,
    )
    assert created.status_code == 200, created.text
    usage = httpx.post(
        f"{info.simulator['url']}/__simulator/domains/{domain}/usage",
        json={"bytes": usage_bytes},
        verify=info.simulator_verify,
        timeout=10,
    )
    assert usage.status_code == 200, usage.text
    return domain


def _add_server(info: SandboxInfo, root: Path, *, password: str | None = None, disabled: int = 0) -> int:
    """A tblservers row as WHMCS's Add New Server writes it (every NOT NULL column, encrypted password)."""
    simulator = info.simulator
    plain = simulator["sysadmin"]["password"] if password is None else password
    encrypted = whmcs_encrypt(plain, read_whmcs_config(root).cc_encryption_hash)
    with connect_as_whmcs(root, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute(
            INSERT_SERVER,
            (
                f"sim-{uuid.uuid4().hex[:6]}",
                simulator["sysadmin"]["username"],
                encrypted,
                "on" if simulator["url"].startswith("https") else "",
                simulator["port"],
                disabled,
            ),
        )
        return cursor.lastrowid


def _add_service(root: Path, server_id: int, domain: str) -> int:
    with connect_as_whmcs(root, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute(
            INSERT_SERVICE,
            (server_id, domain),
        )
        return cursor.lastrowid


def _service(root: Path, service_id: int) -> tuple[int, str]:
    with connect_as_whmcs(root, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT diskusage, CAST(lastupdate AS CHAR) FROM tblhosting WHERE id = %s", (service_id,)
        )
        return cursor.fetchone()


def _disable_servers(root: Path) -> None:
    """Each test starts with no enabled server, so one test's rows cannot affect the next."""
    with connect_as_whmcs(root, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("UPDATE tblservers SET disabled = 1")


def test_update_server_usage_copies_disk_usage_in_megabytes(one_host: SandboxInfo) -> None:
    root = one_host.root("whmcs1")
    _disable_servers(root)
    _set(root, "UpdateStatsAuto", "on")
    domain = _create_domain_with_usage(one_host, 1234 * MB + 300 * 1024)  # 1234.29 MB
    other = _create_domain_with_usage(one_host, 7 * MB)
    server_id = _add_server(one_host, root)
    service = _add_service(root, server_id, domain)
    other_service = _add_service(root, server_id, other)
    unrelated = _add_service(root, server_id + 1000, domain)  # same domain, another server

    result = _cron(root, "do", "--UpdateServerUsage", "-v")
    assert result.returncode == 0, result.stderr
    assert "Server Usage Update Failed" not in result.stderr
    usage, last_update = _service(root, service)
    assert usage == 1234
    assert last_update != ZERO_DATETIME
    assert _service(root, other_service)[0] == 7
    assert _service(root, unrelated) == (0, ZERO_DATETIME)


def test_update_server_usage_does_nothing_when_update_stats_auto_is_off(one_host: SandboxInfo) -> None:
    root = one_host.root("whmcs1")
    _disable_servers(root)
    domain = _create_domain_with_usage(one_host, 50 * MB)
    service = _add_service(root, _add_server(one_host, root), domain)
    _set(root, "UpdateStatsAuto", "")
    try:
        result = _cron(root, "do", "--UpdateServerUsage", "-v")
    finally:
        _set(root, "UpdateStatsAuto", "on")
    assert result.returncode == 0, result.stderr
    assert "UpdateStatsAuto is off" in result.stdout
    assert _service(root, service) == (0, ZERO_DATETIME)


def test_update_server_usage_skips_disabled_servers(one_host: SandboxInfo) -> None:
    root = one_host.root("whmcs1")
    _disable_servers(root)
    domain = _create_domain_with_usage(one_host, 60 * MB)
    service = _add_service(root, _add_server(one_host, root, disabled=1), domain)
    assert _cron(root, "do", "--UpdateServerUsage").returncode == 0
    assert _service(root, service) == (0, ZERO_DATETIME)


def test_update_server_usage_logs_a_module_failure(one_host: SandboxInfo) -> None:
    root = one_host.root("whmcs1")
    _disable_servers(root)
    domain = _create_domain_with_usage(one_host, 70 * MB)
    server_id = _add_server(one_host, root, password="wrong-password")
    service = _add_service(root, server_id, domain)
    result = _cron(root, "do", "--UpdateServerUsage")
    # Like WHMCS: the failure is logged, the cron itself carries on.
    assert result.returncode == 0
    assert "Server Usage Update Failed: " in result.stderr and f"Server ID: {server_id}" in result.stderr
    assert "wrong-password" not in result.stderr
    assert _service(root, service) == (0, ZERO_DATETIME)
    with connect_as_whmcs(root, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM tblactivitylog WHERE description LIKE %s", (f"%Server ID: {server_id}",)
        )
        assert cursor.fetchone()[0] == 1


def test_update_server_usage_over_tls_with_the_sandbox_ca() -> None:
    with sandbox(hosts=1, tls=True) as info:
        ca_file = Path(info.simulator["ca_file"])
        assert ca_file.is_file()
        assert info.simulator["url"].startswith("https://")
        root = info.root("whmcs1")
        _install_fixture_module(root)
        domain = _create_domain_with_usage(info, 99 * MB)
        service = _add_service(root, _add_server(info, root), domain)
        result = _cron(root, "do", "--UpdateServerUsage")
        assert result.returncode == 0, result.stderr
        assert "Server Usage Update Failed" not in result.stderr
        assert _service(root, service)[0] == 99
