"""Bad-input suite, SmarterMail servers: hostnames the client refuses, certificate checks turned off.

One TLS sandbox (the simulator serves HTTPS with a throwaway CA) for every test here, through the
paths a user takes: the install playbook, the server role on its own, the verify playbook and
``smartermail-whmcs verify``. Each refusal names the input and changes nothing on the host
(database rows, files, crontab). The hostname classes themselves are covered one by one in
tests/unit/module_utils/common/test_hostnames.py; the playbook runs here prove the paths.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fixtures.install import host_snapshot, play_role, run_playbook
from fixtures.network import throwaway_ca
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.verify_cli import run_verify
from fixtures.working_tree import use_working_tree_collection  # noqa: F401 - fixture

pytestmark = pytest.mark.slow
INSTALL = "astral360.smartermail.install"
VERIFY = "astral360.smartermail.verify"
HOST = "whmcs1"
TLS_OFF = "TLS certificate checks are off for"


@pytest.fixture(scope="module")
def box(use_working_tree_collection: None) -> Iterator[SandboxInfo]:  # noqa: F811 - fixture
    with sandbox(hosts=1, tls=True) as info:
        yield info


def inventory_server(box: SandboxInfo, **changes: Any) -> dict[str, Any]:
    """The sandbox inventory's one SmarterMail server, with ``changes``."""
    group = yaml.safe_load(box.inventory.read_text())["all"]["children"]["whmcs"]["vars"]
    return dict(copy.deepcopy(group["smartermail_servers"][0]), **changes)


def flat(text: str) -> str:
    """Output with Ansible's line wrapping undone (it wraps [WARNING] text at 79 columns)."""
    return " ".join(text.split())


# ---- per-server TLS settings and warnings (defect 10) -------------------------------------------


def test_install_accepts_and_uses_per_server_ca_path_and_timeouts(box: SandboxInfo, tmp_path: Path) -> None:
    """The keys the verify role documents serve the install too: one group_vars for both playbooks."""
    _ca, wrong_ca = throwaway_ca(tmp_path)  # the group-wide CA is wrong: only the server's own CA works
    server = inventory_server(
        box, ca_path=box.simulator["ca_file"], validate_certs=True, connect_timeout=7.5, timeout=25.0
    )
    run = run_playbook(
        box,
        INSTALL,
        extra_vars={"smartermail_servers": [server], "smartermail_ca_path": wrong_ca},
        tmp_path=tmp_path,
    )
    assert run.returncode == 0, run.output[-4000:]  # the logins trusted the server's own ca_path
    assert TLS_OFF not in flat(run.output)


def test_a_per_server_connect_timeout_reaches_the_preflight_login(box: SandboxInfo, tmp_path: Path) -> None:
    """The login gets the server's own connect_timeout: a negative one is refused there, before any change."""
    before = host_snapshot(box, HOST)
    server = inventory_server(box, connect_timeout=-1)
    run = run_playbook(box, INSTALL, extra_vars={"smartermail_servers": [server]}, tmp_path=tmp_path)
    assert run.returncode != 0 and run.failed(HOST) == 1, run.output[-3000:]
    assert "connect_timeout must be a positive number of seconds, not -1.0" in flat(run.output)
    assert "TASK [astral360.smartermail.module_files" not in run.output
    assert host_snapshot(box, HOST) == before


def test_fail_on_warnings_stops_the_install_before_any_change(box: SandboxInfo, tmp_path: Path) -> None:
    before = host_snapshot(box, HOST)
    run = run_playbook(
        box,
        INSTALL,
        extra_vars={
            "smartermail_servers": [inventory_server(box, validate_certs=False)],
            "smartermail_fail_on_warnings": True,
        },
        tmp_path=tmp_path,
    )
    text = flat(run.output)
    assert run.returncode != 0 and run.failed(HOST) == 1, run.output[-3000:]
    port = box.simulator["port"]
    assert f"[WARNING]: {TLS_OFF} 127.0.0.1:{port} (validate_certs: false)" in text  # the preflight login
    assert (
        "smartermail_fail_on_warnings is true and TLS certificate checks are off for server sandbox-simulator"
        in text
    )
    assert "TASK [astral360.smartermail.module_files" not in run.output  # stopped in preflight
    assert "Traceback" not in run.output
    assert host_snapshot(box, HOST) == before


def test_verify_role_shows_tls_off_as_a_warning_and_fails_on_it_when_asked(
    box: SandboxInfo, tmp_path: Path
) -> None:
    settings = {
        "smartermail_servers": [inventory_server(box, validate_certs=False)],
        "smartermail_verify_canary": False,
        "smartermail_verify_whmcs": False,
    }
    shown = run_playbook(box, VERIFY, extra_vars=settings, tmp_path=tmp_path)
    assert shown.returncode == 0, shown.output[-3000:]
    port = box.simulator["port"]
    assert f"[WARNING]: {TLS_OFF} 127.0.0.1:{port} (validate_certs: false)" in flat(shown.output)

    strict = run_playbook(
        box, VERIFY, extra_vars=dict(settings, smartermail_fail_on_warnings=True), tmp_path=tmp_path
    )
    assert strict.returncode != 0 and strict.failed(HOST) == 1, strict.output[-3000:]
    assert (
        "smartermail_fail_on_warnings: sandbox-simulator: TLS certificate checks are off (validate_certs: false)"
        in flat(strict.output)
    )


def verify_args(box: SandboxInfo) -> list[str]:
    simulator = box.simulator
    return [
        "--host", "127.0.0.1", "--port", str(simulator["port"]), "--secure",
        "--username", simulator["sysadmin"]["username"], "--no-canary", "--format", "json",
    ]  # fmt: skip


def test_verify_insecure_warns_and_strict_makes_it_fail(box: SandboxInfo) -> None:
    env = {"SMARTERMAIL_PASSWORD": box.simulator["sysadmin"]["password"]}
    insecure = run_verify(*verify_args(box), "--insecure", env=env)
    assert insecure.returncode == 0, insecure.stderr
    assert f"warning: {TLS_OFF} 127.0.0.1 (127.0.0.1:{box.simulator['port']}) (--insecure)" in flat(
        insecure.stderr
    )

    strict = run_verify(*verify_args(box), "--insecure", "--strict", env=env)
    assert strict.returncode == 1, strict.stderr
    errors = flat(strict.stderr)
    assert "--strict: 2 warning(s) fail this run" in errors
    assert "127.0.0.1: TLS certificate checks are off (--insecure)" in errors
    assert "127.0.0.1/tls: TLS works with verification off, but" in errors  # the untrusted certificate
    assert "Traceback" not in strict.stderr + strict.stdout

    trusted = run_verify(*verify_args(box), "--ca-file", box.simulator["ca_file"], "--strict", env=env)
    assert trusted.returncode == 0, trusted.stderr  # --strict passes when nothing warns
    assert TLS_OFF not in flat(trusted.stderr)


# ---- hostnames the SmarterMail client refuses (defect 9) ------------------------------------------


def test_server_role_refuses_a_hostname_the_client_refuses(box: SandboxInfo, tmp_path: Path) -> None:
    before = host_snapshot(box, HOST)
    server = inventory_server(box, hostname="mail`id`.example.com")
    run = play_role(
        box, "astral360.smartermail.server", extra_vars={"smartermail_servers": [server]}, tmp_path=tmp_path
    )
    assert run.returncode != 0 and run.failed(HOST) == 1, run.output[-3000:]
    assert "hostname 'mail`id`.example.com' holds '`', which no host name has" in flat(run.output)
    assert "Traceback" not in run.output
    assert host_snapshot(box, HOST) == before


@pytest.mark.parametrize(
    ("hostname", "reason"),
    [("mail.example.com;reboot", "holds ';'"), ("mail%0a.example.com", "holds '%'")],
    ids=["semicolon", "percent-0a"],
)
def test_install_refuses_a_bad_hostname_before_any_change(
    box: SandboxInfo, tmp_path: Path, hostname: str, reason: str
) -> None:
    """A disabled server is not logged in to by preflight: the hostname rule alone must stop it."""
    before = host_snapshot(box, HOST)
    server = inventory_server(box, hostname=hostname, disabled=True)
    run = run_playbook(box, INSTALL, extra_vars={"smartermail_servers": [server]}, tmp_path=tmp_path)
    assert run.returncode != 0 and run.failed(HOST) == 1, run.output[-3000:]
    assert f"hostname {hostname!r} {reason}" in flat(run.output)
    assert "TASK [astral360.smartermail.module_files" not in run.output
    assert "Traceback" not in run.output
    assert host_snapshot(box, HOST) == before
