"""`smartermail-whmcs deploy` against a two-host sandbox: dry run, converge, dry run again, bad input."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fixtures.ansible_runner import ansible_env
from fixtures.cli import run_cli
from fixtures.install import host_snapshot
from fixtures.sandbox import SandboxInfo, sandbox

pytestmark = pytest.mark.slow
HOSTS = ("whmcs1", "whmcs2")


@dataclass
class DeployRun:
    returncode: int
    stdout: str
    stderr: str


def deploy(*args: str) -> DeployRun:
    done = run_cli("deploy", *args, env=ansible_env(), timeout=600)
    return DeployRun(done.returncode, done.stdout, done.stderr)


def host_block(output: str, host: str) -> list[str]:
    """The summary lines of one host: its heading line and the indented lines under it."""
    lines = output.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(f"{host}:"))
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        block.append(line)
    return block


@pytest.fixture(scope="module")
def fleet() -> Iterator[SandboxInfo]:
    with sandbox(hosts=len(HOSTS)) as info:
        yield info


@pytest.fixture(scope="module")
def fresh_check(fleet: SandboxInfo) -> tuple[DeployRun, dict[str, Any], dict[str, Any]]:
    before = {host: host_snapshot(fleet, host) for host in HOSTS}
    run = deploy("-i", str(fleet.inventory), "--check")
    after = {host: host_snapshot(fleet, host) for host in HOSTS}
    return run, before, after


@pytest.fixture(scope="module")
def converged(fleet: SandboxInfo, fresh_check: tuple[DeployRun, dict, dict]) -> DeployRun:
    # fresh_check first: the dry run must see the sandbox before anything is installed.
    return deploy("-i", str(fleet.inventory), "--forks", "2")


def test_check_on_fresh_sandbox_plans_each_step_per_host_and_writes_nothing(fresh_check) -> None:
    run, before, after = fresh_check
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[0].startswith("Planned changes (check mode")
    for host in HOSTS:
        heading, *changes = host_block(run.stdout, host)
        block = "\n".join(changes)
        assert heading == f"{host}: 4 planned changes", run.stdout
        assert re.search(r"module files: [1-9][0-9]* added \(README.md, hooks.php", block), block
        assert "server sandbox-simulator: create" in block
        assert "product Email / Email Hosting: create" in block
        assert "cron line: + */5 * * * * /usr/bin/php -q " in block
        assert f"/hosts/{host}/crons/cron.php" in block
    assert after == before
    assert "PLAY RECAP" in run.stderr  # ansible's progress went to stderr, the summary to stdout
    assert "PLAY RECAP" not in run.stdout


def test_deploy_converges_every_host(fleet: SandboxInfo, converged: DeployRun) -> None:
    assert converged.returncode == 0, converged.stdout + converged.stderr
    assert converged.stdout.splitlines()[0] == "Changes made"
    for host in HOSTS:
        heading, *changes = host_block(converged.stdout, host)
        assert heading == f"{host}: {len(changes)} changes"
        assert [line.split(":")[0].strip() for line in changes] == [
            "module files",
            "server sandbox-simulator",
            "product Email / Email Hosting",
            "cron line",
        ]
        assert changes[-1].endswith(f"/hosts/{host}/crons/cron.php")
        assert (fleet.root(host) / "modules/servers/smartermail/smartermail.php").is_file()
    assert fleet.simulator["sysadmin"]["password"] not in converged.stdout + converged.stderr


def test_check_on_converged_sandbox_prints_no_changes(fleet: SandboxInfo, converged: DeployRun) -> None:
    before = {host: host_snapshot(fleet, host) for host in HOSTS}
    run = deploy("-i", str(fleet.inventory), "--check", "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    document = json.loads(run.stdout)
    assert document["check_mode"] is True
    assert document["hosts"] == {
        host: {"status": "unchanged", "changes": [], "failures": [], "warnings": []} for host in HOSTS
    }
    assert {host: host_snapshot(fleet, host) for host in HOSTS} == before

    text = deploy("-i", str(fleet.inventory), "--check", "--limit", "whmcs2", "--tags", "server,cron")
    assert text.returncode == 0, text.stdout + text.stderr
    assert text.stdout.splitlines()[1:] == ["whmcs2: no changes"]


def test_a_failing_host_exits_1_and_is_named(
    fleet: SandboxInfo, converged: DeployRun, tmp_path: Path
) -> None:
    missing = tmp_path / "no-whmcs-here"
    run = deploy(
        "-i", str(fleet.inventory), "--check", "--limit", "whmcs1", "--tags", "preflight",
        "-e", f"whmcs_root={missing}",
    )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    assert host_block(run.stdout, "whmcs1")[0].startswith("whmcs1: FAILED")
    assert str(missing) in run.stdout
    assert "error: the dry run failed on whmcs1" in run.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file or directory"),
        ("all: [unclosed\n", "ansible cannot parse it"),
        ("all:\n  hosts:\n    web1:\n", "the inventory has no group 'whmcs'"),
    ],
    ids=["missing", "unparsable", "no-whmcs-group"],
)
def test_bad_inventory_exits_2_before_running(tmp_path: Path, content: str | None, message: str) -> None:
    inventory = tmp_path / "inventory.yml"
    if content is not None:
        inventory.write_text(content)
    run = deploy("-i", str(inventory), "--check")
    assert run.returncode == 2, run.stdout + run.stderr
    assert message in run.stderr
    assert "PLAY" not in run.stderr and run.stdout == ""


def test_bad_option_exits_2() -> None:
    run = deploy("-i", "inventory.yml", "--forks", "0")
    assert run.returncode == 2
    assert "--forks" in run.stderr
