"""The verify role and playbook through real ansible-playbook runs against a sandbox.

The sandbox's hosts are bare WHMCS trees (nothing installed), so these runs keep to the SmarterMail
side (smartermail_verify_whmcs=false); the module is also run alone on localhost for its options.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures.ansible_runner import BIN_DIR, ansible_env, run_module
from fixtures.network import closed_port
from fixtures.repo import REPO
from fixtures.sandbox import SandboxInfo, sandbox

pytestmark = pytest.mark.slow
PLAYBOOK = REPO / "playbooks" / "verify.yml"
VERIFY_MODULE = "astral360.smartermail.smartermail_verify"


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=2) as info:
        yield info


def simulator_state(info: SandboxInfo) -> dict[str, Any]:
    with httpx.Client(base_url=info.simulator["url"], verify=info.simulator_verify, timeout=10) as client:
        return client.get("/__simulator/state").json()


def reset_simulator(info: SandboxInfo) -> None:
    with httpx.Client(base_url=info.simulator["url"], verify=info.simulator_verify, timeout=10) as client:
        client.post("/__simulator/reset").raise_for_status()


def run_playbook(info: SandboxInfo, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(BIN_DIR / "ansible-playbook"),
        "-i",
        str(info.inventory),
        str(PLAYBOOK),
        "-e",
        "smartermail_verify_whmcs=false",
        *extra,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, env=ansible_env(), timeout=300, check=False, cwd=tmp_path
    )


def test_healthy_sandbox_passes_and_writes_a_report_per_host(box: SandboxInfo, tmp_path: Path) -> None:
    reset_simulator(box)
    reports = tmp_path / "reports"
    done = run_playbook(box, tmp_path, "-e", f"smartermail_verify_report_dir={reports}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "failed=0" in done.stdout
    for host in ("whmcs1", "whmcs2"):
        report = json.loads((reports / f"{host}.json").read_text())
        assert report["host"] == host and report["ok"] is True and report["schema"] == 1
        ids = [check["id"] for check in report["checks"]]
        assert ids == ["dns", "port", "api", "credentials", "version", "canary"]
        assert {check["status"] for check in report["checks"]} == {"pass"}
        assert report["summary"]["total"] == len(ids) and report["summary"]["fail"] == 0
        assert (reports / f"{host}.json").stat().st_mode & 0o777 == 0o600
    state = simulator_state(box)
    assert state["domains"] == []
    assert len(state["deletions"]) == 2  # one canary per WHMCS host, each removed
    password = box.simulator["sysadmin"]["password"]
    assert password not in done.stdout + done.stderr
    assert password not in "".join(p.read_text() for p in reports.iterdir())


def test_wrong_password_fails_each_host_with_the_summary(box: SandboxInfo, tmp_path: Path) -> None:
    reset_simulator(box)
    wrong = "Not-The-Sysadmin-Pw-4417"
    server = {
        "name": "sandbox-simulator",
        "hostname": "127.0.0.1",
        "port": box.simulator["port"],
        "secure": False,
        "username": box.simulator["sysadmin"]["username"],
        "password": wrong,
    }
    extra = tmp_path / "servers.json"
    extra.write_text(json.dumps({"smartermail_servers": [server]}))
    done = run_playbook(box, tmp_path, "-e", f"@{extra}")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "whmcs1" in output and "failed=1" in output
    assert "1 of 6 checks failed" in " ".join(output.split())
    assert "sandbox-simulator/credentials" in output
    assert "hint:" in output
    assert wrong not in output
    assert simulator_state(box)["domains"] == []


def test_check_mode_runs_the_read_only_checks_and_no_canary(box: SandboxInfo, tmp_path: Path) -> None:
    reset_simulator(box)
    reports = tmp_path / "reports"
    done = run_playbook(box, tmp_path, "--check", "-e", f"smartermail_verify_report_dir={reports}")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((reports / "whmcs1.json").read_text())
    assert "canary" not in [check["id"] for check in report["checks"]]
    requests = simulator_state(box)["requests"]
    assert not [r for r in requests if "domain-put" in r["path"]]


def test_module_rejects_a_bad_option_before_any_check(tmp_path: Path) -> None:
    args = {
        "hostname": "127.0.0.1",
        "port": 9,
        "secure": False,
        "username": "admin",
        "password": "Some-Password-123",
        "canary_prefix": "Bad Prefix",
    }
    run = run_module(tmp_path, VERIFY_MODULE, args, register="verify", name="Verify with a bad canary prefix")
    assert run.results["failed"] is True
    assert "canary_prefix" in run.results["msg"]
    assert "results" not in run.results  # nothing ran
    assert "Some-Password-123" not in run.output


def test_module_reports_a_closed_port_with_its_hint(tmp_path: Path) -> None:
    args = {
        "name": "closed",
        "hostname": "127.0.0.1",
        "port": closed_port(),
        "secure": False,
        "username": "admin",
        "password": "Some-Password-123",
        "connect_timeout": 2,
    }
    run = run_module(tmp_path, VERIFY_MODULE, args, register="verify", name="Verify a closed port")
    result = run.results
    assert result["failed"] is True and result["changed"] is False
    assert result["summary"]["fail"] == 1
    assert "closed/port" in result["msg"] and "refused" in result["msg"]
    statuses = {check["id"]: check["status"] for check in result["results"]}
    assert statuses["port"] == "fail" and statuses["canary"] == "skip"
    assert result["report"]["schema"] == 1
