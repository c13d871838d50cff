"""Rolling upgrades with automatic rollback: real ansible-playbook runs against a 3-host sandbox fleet.

The fleet runs the fixture module 1.1.0 (the old release). The new release is the TEST RELEASE
1.2.0 (tests/fixtures/module_release.py: 24 settings) whose CreateAccount also first converts the
domain with idn_to_ascii() (ext-intl), as a release adding IDN support would. whmcs2's PHP lacks those functions - its whmcs_php_binary is a wrapper that
disables idn_to_ascii/idn_to_utf8, as a host whose php.ini lists them in disable_functions (or
that has no php-intl) - so on whmcs2 alone the module's Create fails, and verify's test order
(smartermail_verify_order) fails there. The old release never calls them: verify passes on
every host before the upgrade and on whmcs2 again after the rollback.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fixtures.ansible_runner import ansible_env
from fixtures.cli import run_cli
from fixtures.install import module_tree, run_playbook
from fixtures.module_release import build_release
from fixtures.sandbox import SandboxInfo, sandbox

INSTALL = "astral360.smartermail.install"
VERIFY = "astral360.smartermail.verify"
HOSTS = ["whmcs1", "whmcs2", "whmcs3"]
BROKEN_HOST = "whmcs2"
MODULE = Path("modules/servers/smartermail")
OLD_CREATE = "function smartermail_CreateAccount(array $params)\n{\n"
IDN_CREATE = (
    OLD_CREATE + "    // An internationalised domain goes to SmarterMail in its ASCII form (ext-intl).\n"
    "    $params['domain'] = idn_to_ascii((string) $params['domain'], IDNA_DEFAULT, INTL_IDNA_VARIANT_UTS46);\n"
)
pytestmark = pytest.mark.slow


def idn_release(target: Path) -> Path:
    """Release 1.2.0 whose Create needs idn_to_ascii()."""
    build_release(target)
    file = target / MODULE / "smartermail.php"
    text = file.read_text()
    assert OLD_CREATE in text, (
        "smartermail.php no longer holds CreateAccount as expected: update the test release"
    )
    file.write_text(text.replace(OLD_CREATE, IDN_CREATE, 1))
    return target


def sandbox_dns_functions(info: SandboxInfo) -> list[str]:
    """The resolver functions the sandbox's PHP must run with disabled (it refuses otherwise)."""
    dns = (info.root("whmcs1") / "includes/sandbox/dns.php").read_text()
    listed = re.search(r"WHMCS_SANDBOX_DNS_FUNCTIONS = \[(.*?)\];", dns, re.S)
    assert listed, "dns.php no longer lists WHMCS_SANDBOX_DNS_FUNCTIONS"
    return re.findall(r"'([a-z_]+)'", listed.group(1))


def php_without_idn(info: SandboxInfo, folder: Path) -> Path:
    """whmcs2's PHP: the system PHP with idn_to_ascii and idn_to_utf8 disabled."""
    php = shutil.which("php")
    assert php
    disabled = ",".join(["idn_to_ascii", "idn_to_utf8", *sandbox_dns_functions(info)])
    wrapper = folder / "php-without-idn"
    wrapper.write_text(f'#!/bin/sh\nexec {php} -d disable_functions={disabled} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SandboxInfo, Path]]:
    """The 3-host fleet on the old release, verify (with the test order) passing everywhere."""
    folder = tmp_path_factory.mktemp("rollout")
    with sandbox(hosts=len(HOSTS)) as info:
        host_vars = folder / "host_vars.yml"
        wrapper = php_without_idn(info, folder)
        host_vars.write_text(
            yaml.safe_dump({"all": {"hosts": {BROKEN_HOST: {"whmcs_php_binary": str(wrapper)}}}})
        )
        first = run_playbook(
            info,
            INSTALL,
            "-i",
            str(host_vars),
            extra_vars={"smartermail_verify_order": True},
            tmp_path=folder,
        )
        assert first.returncode == 0, first.output[-3000:]
        yield info, host_vars


def trees(info: SandboxInfo) -> dict[str, dict[str, bytes]]:
    return {host: module_tree(info.root(host)) for host in HOSTS}


def test_failed_verify_on_the_second_host_rolls_it_back_and_stops(
    fleet: tuple[SandboxInfo, Path], tmp_path: Path
) -> None:
    info, host_vars = fleet
    old = trees(info)
    new_release = idn_release(tmp_path / "release")
    report = tmp_path / "reports" / "rollout.json"
    run = run_playbook(
        info,
        INSTALL,
        "-i",
        str(host_vars),
        extra_vars={
            "smartermail_serial": 1,
            "smartermail_module_src": str(new_release),
            "smartermail_verify_order": True,
            "smartermail_rollout_report": str(report),
        },
        tmp_path=tmp_path,
    )
    assert run.returncode != 0, run.output[-3000:]

    # whmcs1 moved, whmcs2 has the old release back byte for byte, whmcs3 was never touched.
    after = trees(info)
    assert after["whmcs1"] == module_tree(new_release) != old["whmcs1"]
    assert after["whmcs2"] == old["whmcs2"]
    assert after["whmcs3"] == old["whmcs3"]
    assert set(run.recap) == {"whmcs1", "whmcs2"}, run.recap  # the play never reached whmcs3
    assert run.failed("whmcs1") == 0 and run.failed("whmcs2") == 1, run.recap

    summary = json.loads(report.read_text())
    assert oct(report.stat().st_mode & 0o777) == "0o600"
    assert (summary["moved"], summary["rolled_back"], summary["not_reached"]) == (
        ["whmcs1"],
        ["whmcs2"],
        ["whmcs3"],
    )
    assert summary["stopped"] is True and summary["stopped_at"] == ["whmcs2"]
    (reason,) = summary["hosts"]["whmcs2"]["reasons"]
    assert reason.startswith("sandbox-simulator/order: ") and "idn_to_ascii" in reason, reason
    assert "/.smartermail-backups/smartermail-" in summary["hosts"]["whmcs2"]["restored_from"]
    # The same account in ansible-playbook's output, and the host's failure says why.
    assert "Rollout: 1 moved, 1 rolled back, 1 not reached; stopped at whmcs2" in run.output
    # The fixture module 1.1.0 has no MODVersion (the real 1.1.0 has): its side of the move reads "none".
    assert (
        "rolled back: whmcs2 (module none -> 1.2.0) - verify failed: sandbox-simulator/order: " in run.output
    )
    assert "not reached: whmcs3" in run.output
    assert "whmcs2: verify failed (order); the previous module files were restored from" in run.output

    # whmcs2 works again on the old release: its verify (with the test order) passes.
    again = run_playbook(
        info,
        VERIFY,
        "-i",
        str(host_vars),
        "--limit",
        BROKEN_HOST,
        extra_vars={"smartermail_verify_order": True},
        tmp_path=tmp_path,
    )
    assert again.returncode == 0, again.output[-3000:]


def test_check_mode_runs_no_rollback(fleet: tuple[SandboxInfo, Path], tmp_path: Path) -> None:
    info, host_vars = fleet
    before = trees(info)
    new_release = idn_release(tmp_path / "release")
    report = tmp_path / "rollout.json"
    run = run_playbook(
        info,
        INSTALL,
        "-i",
        str(host_vars),
        "--check",
        extra_vars={
            "smartermail_serial": 1,
            "smartermail_module_src": str(new_release),
            "smartermail_verify_order": True,
            "smartermail_rollout_report": str(report),
        },
        tmp_path=tmp_path,
    )
    assert run.returncode == 0, run.output[-3000:]
    assert trees(info) == before
    assert all(counts.get("rescued", 0) == 0 for counts in run.recap.values()), run.recap
    assert set(run.recap) == set(HOSTS)  # every batch ran: nothing failed, nothing stopped
    assert not report.exists()  # no verify, no rollback, no rollout summary in a dry run
    assert "Rollout:" not in run.output


def test_rollout_without_failure_moves_every_host(fleet: tuple[SandboxInfo, Path], tmp_path: Path) -> None:
    """Release 1.2.0 as it is, through `smartermail-whmcs deploy`, whose summary ends with the rollout's."""
    info, host_vars = fleet
    new_release = build_release(tmp_path / "release")
    done = run_cli(
        "deploy",
        "-i",
        str(info.inventory),
        "-i",
        str(host_vars),
        "-e",
        "smartermail_serial=1",
        "-e",
        f"smartermail_module_src={new_release}",
        "--json",
        env=ansible_env(),
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    document = json.loads(done.stdout)
    # Each moved line may name the versions, e.g. "moved: whmcs2 (module none -> 1.2.0)".
    assert document["rollout"][0] == "Rollout: 3 moved", document["rollout"]
    moved = [line.split(" (module ")[0] for line in document["rollout"][1:]]
    assert moved == ["moved: whmcs1", "moved: whmcs2", "moved: whmcs3"], document["rollout"]
    assert all(module_tree(info.root(host)) == module_tree(new_release) for host in HOSTS)
    assert all(report["status"] == "changed" for report in document["hosts"].values())
