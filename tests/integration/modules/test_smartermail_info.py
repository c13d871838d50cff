"""astral360.smartermail.smartermail_info through real ansible-playbook runs against the simulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures.ansible_runner import PlaybookRun, run_tasks
from fixtures.network import closed_port
from fixtures.simulator import RunningSimulator, start_simulator

PASSWORD = "admin"  # the fixture simulator's default sysadmin password


def info_task(url: str, password: str = PASSWORD, username: str = "admin", **extra: Any) -> dict[str, Any]:
    parsed = httpx.URL(url)
    args = {
        "hostname": parsed.host,
        "port": parsed.port,
        "secure": parsed.scheme == "https",
        "username": username,
        "password": password,
        "connect_timeout": 3,
        "timeout": 5,
        **extra,
    }
    return {
        "name": "Read SmarterMail info",
        "astral360.smartermail.smartermail_info": args,
        "register": "info",
        "ignore_errors": True,
    }


def run_info(tmp_path: Path, url: str, *extra_args: str, **task_args: Any) -> PlaybookRun:
    return run_tasks(tmp_path, [info_task(url, **task_args)], register="info", extra_args=list(extra_args))


def test_healthy_server_over_http(tmp_path: Path, simulator: RunningSimulator) -> None:
    run = run_info(tmp_path, simulator.url)
    info = run.results
    assert run.returncode == 0, run.output
    assert info["failed"] is False and info["changed"] is False
    assert info["reachable"] is True
    assert info["version"] == "100.0.9504"
    assert info["is_sysadmin"] is True
    assert info["base_url"].rstrip("/") == simulator.url.rstrip("/")
    assert "edition" in info and "enterprise_functionality" in info


def test_check_mode_reads_the_same(tmp_path: Path, simulator: RunningSimulator) -> None:
    run = run_info(tmp_path, simulator.url, "--check")
    assert run.returncode == 0, run.output
    assert run.results["is_sysadmin"] is True and run.results["changed"] is False


def test_https_with_private_ca(tmp_path: Path, tls_simulator: RunningSimulator) -> None:
    run = run_info(tmp_path, tls_simulator.url, ca_path=str(tls_simulator.ca_file))
    assert run.results.get("failed") is False, run.output
    assert run.results["base_url"].startswith("https://")


def test_untrusted_certificate_is_a_tls_failure(tmp_path: Path, tls_simulator: RunningSimulator) -> None:
    run = run_info(tmp_path, tls_simulator.url)
    assert run.results["failed"] is True
    assert run.results["failed_stage"] == "tls", run.results["msg"]


def test_wrong_password_is_a_credentials_failure_and_never_printed(
    tmp_path: Path, simulator: RunningSimulator
) -> None:
    secret = "Wr0ng-Pa55-7d1c9e"
    run = run_info(tmp_path, simulator.url, "-vvv", password=secret)
    assert run.results["failed"] is True
    assert run.results["failed_stage"] == "credentials", run.results["msg"]
    assert run.results["reachable"] is True
    assert secret not in run.output
    assert secret not in str(run.results)


@pytest.mark.parametrize("style", ["401", "200"])
def test_wrong_password_in_both_answer_styles(tmp_path: Path, style: str) -> None:
    with start_simulator("--login-failure-style", style) as sim:
        run = run_info(tmp_path, sim.url, password="not-the-password")
    assert run.results["failed_stage"] == "credentials", run.results["msg"]


def test_non_sysadmin_account_is_reported(tmp_path: Path) -> None:
    with start_simulator("--user", "clerk:clerk-pass") as sim:
        run = run_info(tmp_path, sim.url, username="clerk", password="clerk-pass")
    assert run.results["failed"] is False, run.output
    assert run.results["is_sysadmin"] is False


def test_closed_port_is_a_port_failure(tmp_path: Path) -> None:
    run = run_info(tmp_path, f"http://127.0.0.1:{closed_port()}")
    assert run.results["failed"] is True
    assert run.results["failed_stage"] == "port"
    assert run.results["reachable"] is False
    assert "refused" in run.results["msg"].lower()


def test_api_disabled_is_an_api_failure(tmp_path: Path) -> None:
    with start_simulator("--fault", "api-disabled") as sim:
        run = run_info(tmp_path, sim.url)
    assert run.results["failed_stage"] == "api", run.results["msg"]


def test_bad_argument_fails_before_connecting(tmp_path: Path) -> None:
    run = run_tasks(
        tmp_path,
        [
            {
                "name": "Missing password",
                "astral360.smartermail.smartermail_info": {"hostname": "127.0.0.1", "username": "admin"},
                "register": "info",
                "ignore_errors": True,
            }
        ],
        register="info",
    )
    assert run.results["failed"] is True
    assert "password" in run.results["msg"]


@pytest.mark.parametrize(
    ("flag", "phrase"),
    [("--sysadmin-2fa", "two-factor"), ("--sysadmin-password-change", "set a new password")],
)
def test_step_login_accounts_are_credentials_failures(tmp_path: Path, flag: str, phrase: str) -> None:
    with start_simulator(flag, "stepper:step-pass") as sim:
        run = run_info(tmp_path, sim.url, username="stepper", password="step-pass")
    assert run.results["failed"] is True
    assert run.results["failed_stage"] == "credentials"
    assert phrase in run.results["msg"]
