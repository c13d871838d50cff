"""`smartermail-whmcs demo`, run as a user runs it (a subprocess), end to end."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from fixtures.cli import run_cli
from smartermail_whmcs.demo.report import parse_recap


@pytest.mark.slow
def test_demo_passes_and_cleans_up(tmp_path: Path) -> None:
    directory = tmp_path / "demo"
    done = run_cli("demo", "--hosts", "2", "--dir", str(directory), timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    installed = [line.split() for line in done.stdout.splitlines() if re.match(r"whmcs\d+ ", line)]
    assert [row[0] for row in installed] == ["whmcs1", "whmcs2"]
    for row in installed:
        _ok, changed, failed = (int(count) for count in row[-1].split("/"))
        assert row[1].startswith("8.") and changed >= 4 and failed == 0, row
    verified = [line.split()[:3] for line in done.stdout.splitlines() if "sandbox-simulator@" in line]
    assert {(check, target) for check, target, _ in verified} >= {
        ("canary", "sandbox-simulator@whmcs1"),
        ("server", "sandbox-simulator@whmcs2"),
        ("cron", "sandbox-simulator@whmcs1"),
        ("order", "sandbox-simulator@whmcs1"),
        ("order", "sandbox-simulator@whmcs2"),
    }
    assert all(status == "PASS" for _, _, status in verified), verified
    # verify --order: each WHMCS ordered its product through localAPI, the module provisioned it,
    # and everything was removed again.
    orders = [line for line in done.stdout.splitlines() if line.startswith("order ")]
    assert len(orders) == 2, orders
    assert all("test order(s) placed through WHMCS's localAPI" in line for line in orders), orders
    assert all("'Email Hosting' (id 1): smw-order-" in line for line in orders), orders
    assert all("nothing left behind" in line for line in orders), orders
    assert re.search(r"^\d+ passed, 0 warnings, 0 failed", done.stdout, re.MULTILINE)
    # The test order's 21 GB at 10 GB per tranche and 6.00 per tranche: 3 tranches, 18.00.
    assert re.search(
        r"demo-customer\.test\s+Email Hosting\s+21504\s+21\.00\s+10\s+3\s+6\.00\s+18\.00", done.stdout
    )
    # The order went through localAPI: accepted (the module's Create) and invoiced; a second service
    # was taken through suspend, unsuspend and terminate, each checked against WHMCS and the simulator.
    assert re.search(r"order 1 for demo-customer\.test accepted: service 1 Active", done.stdout)
    assert re.search(
        r"^\s+Email Hosting - demo-customer\.test \(.*\)\s+\d+\.\d\d$", done.stdout, re.MULTILINE
    )
    assert re.search(r"^\s+total\s+\d+\.\d\d$", done.stdout, re.MULTILINE)
    lifecycle = [line.split() for line in done.stdout.splitlines() if line.strip().startswith("Module")]
    assert lifecycle == [
        ["ModuleSuspend", "Suspended", "demo-lifecycle.test", "disabled"],
        ["ModuleUnsuspend", "Active", "demo-lifecycle.test", "enabled"],
        ["ModuleTerminate", "Terminated", "demo-lifecycle.test", "gone"],
    ]
    # The test order's page in the client area, opened through single sign-on, and its login.
    assert re.search(
        r"^Client area \(whmcs1\): http://127\.0\.0\.1:\d+/whmcs1/clientarea\.php\?action=productdetails&id=1$",
        done.stdout,
        re.MULTILINE,
    )
    assert "the module's dashboard for demo-customer.test renders" in done.stdout
    assert re.search(
        r"log in at http://127\.0\.0\.1:\d+/whmcs1/index\.php\?rp=/login as sandbox-orders@example\.com, password \S+",
        done.stdout,
    )
    assert "[6/6] sandbox down: done" in done.stderr
    assert not (directory / "inventory.yml").exists()


def test_demo_names_missing_system_packages(tmp_path: Path) -> None:
    # A PATH with only this venv: php is not on it, so the demo must stop before doing anything.
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))
    done = run_cli("demo", "--dir", str(tmp_path / "never"), env=env)
    assert done.returncode == 1
    assert "php-cli" in done.stderr and "apt-get install" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "never").exists()


def test_parse_recap_reads_every_host() -> None:
    output = """PLAY RECAP *********
whmcs1                     : ok=2    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0
whmcs2                     : ok=1    changed=1    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0
"""
    recap = parse_recap(output)
    assert recap["whmcs1"]["ok"] == 2 and recap["whmcs1"]["failed"] == 0
    assert recap["whmcs2"]["failed"] == 1 and recap["whmcs2"]["changed"] == 1
