"""The install and verify playbooks over real SSH: two sandbox hosts, each behind its own sshd.

Each sandbox host gets a private sshd on its own 127.0.0.1 port (tests/fixtures/sshd.py); Ansible
logs in as a throwaway unprivileged user and reaches root with ``become`` (sudo), as on a real
WHMCS server where the WHMCS files and root's crontab are not the login user's. whmcs1 uses Python
interpreter discovery (``auto`` finds Debian's /usr/bin/python3, which needs the python3-httpx
and python3-pymysql packages); whmcs2 names a virtualenv's Python, the other documented way. Both
pipelining modes run a fresh converge. The assertions are the local-connection ones: converge,
a second run changes nothing, ``--check`` changes nothing, verify passes (inside install.yml and
as astral360.smartermail.verify). The -vvv output of each converge proves the transport: the
sshd of each host logged the login, each module ran through sudo with the expected interpreter,
and module files were (pipelining off) or were not (on) copied to the host first.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from fixtures.ansible_runner import BIN_DIR, ansible_env
from fixtures.install import PlaybookResult, crontab_text
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sshd import SshServer, private_sshd, ssh_available, sudo_login_user

INSTALL = "astral360.smartermail.install"
VERIFY = "astral360.smartermail.verify"
HOSTS = ("whmcs1", "whmcs2")
DISCOVERY_HOST = "whmcs1"  # ansible_python_interpreter: auto
VENV_HOST = "whmcs2"  # ansible_python_interpreter: a virtualenv's python (this test's own)
SYSTEM_PYTHON = Path("/usr/bin/python3")
# The packages the discovered interpreter needs (Debian names); scripts/run.sh installs them.
DEBIAN_DEPS = "python3-httpx python3-pymysql sudo"


def system_python_has_deps() -> bool:
    if not SYSTEM_PYTHON.exists():
        return False
    done = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import httpx, pymysql"], capture_output=True, check=False
    )
    return done.returncode == 0


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ssh_available(), reason="openssh-server and openssh-client needed"),
    pytest.mark.skipif(
        not shutil.which("sudo") or not system_python_has_deps(),
        reason=f"become and interpreter discovery need: apt-get install {DEBIAN_DEPS}",
    ),
]


@dataclass
class SshFleet:
    """A sandbox whose hosts Ansible reaches over SSH, and how to run playbooks against it."""

    sandbox: SandboxInfo
    inventory: Path
    servers: dict[str, SshServer]
    user: str
    control_dir: Path
    pipelining: bool

    def run(self, playbook: str, *args: str) -> PlaybookResult:
        env = ansible_env(
            ANSIBLE_PIPELINING="1" if self.pipelining else "0",
            ANSIBLE_SSH_CONTROL_PATH_DIR=str(self.control_dir),
        )
        command = [str(BIN_DIR / "ansible-playbook"), "-i", str(self.inventory), playbook]
        command += ["-e", "ansible_become=true", *args]
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
        return PlaybookResult(done.returncode, done.stdout + done.stderr)

    def close_connections(self) -> None:
        """End Ansible's ControlPersist masters, so no session outlives the test."""
        for socket_path in self.control_dir.iterdir():
            subprocess.run(
                ["ssh", "-O", "exit", "-o", f"ControlPath={socket_path}", "127.0.0.1"],
                capture_output=True,
                timeout=30,
                check=False,
            )


def write_ssh_inventory(info: SandboxInfo, servers: dict[str, SshServer], user: str, path: Path) -> Path:
    """The sandbox's own inventory, switched from the local connection to SSH, one sshd per host."""
    data = yaml.safe_load(info.inventory.read_text())
    group = data["all"]["children"]["whmcs"]
    group["vars"].pop("ansible_python_interpreter", None)
    group["vars"].update(
        ansible_connection="ssh",
        ansible_user=user,
        ansible_ssh_common_args="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
    )
    for name, host in group["hosts"].items():
        host.update(
            ansible_host="127.0.0.1",
            ansible_port=servers[name].port,
            ansible_ssh_private_key_file=str(servers[name].client_key),
            ansible_python_interpreter="auto" if name == DISCOVERY_HOST else sys.executable,
        )
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def login_user() -> Iterator[str]:
    with sudo_login_user() as name:
        yield name


@pytest.fixture(scope="module")
def host_sshds() -> Iterator[dict[str, SshServer]]:
    with private_sshd() as first, private_sshd() as second:
        yield dict(zip(HOSTS, (first, second), strict=True))


@pytest.fixture
def ssh_fleet(
    request: pytest.FixtureRequest, login_user: str, host_sshds: dict[str, SshServer]
) -> Iterator[SshFleet]:
    control_dir = Path(tempfile.mkdtemp(prefix="smw-cp-", dir="/tmp"))  # short: socket path limit
    try:
        with sandbox(hosts=len(HOSTS)) as info:
            fleet = SshFleet(
                sandbox=info,
                inventory=write_ssh_inventory(
                    info, host_sshds, login_user, info.directory / "ssh-inventory.yml"
                ),
                servers=host_sshds,
                user=login_user,
                control_dir=control_dir,
                pipelining=request.param,
            )
            try:
                yield fleet
            finally:
                fleet.close_connections()
        # `sandbox down` removes the cron lines the install put in root's crontab.
        leftover = [line for line in crontab_text().splitlines() if str(info.directory) in line]
        assert leftover == [], leftover
    finally:
        shutil.rmtree(control_dir, ignore_errors=True)


def exec_lines(output: str, port: int) -> list[str]:
    """The ssh commands -vvv logged for the host behind ``port``."""
    return [line for line in output.splitlines() if "SSH: EXEC ssh " in line and f"Port={port}" in line]


def module_uploads(output: str) -> list[str]:
    """-vvv's PUT lines that copy a module (AnsiballZ) to a host before running it."""
    return [line for line in output.splitlines() if re.search(r"\bPUT \S+ TO \S*AnsiballZ_", line)]


def assert_reached_over_ssh(fleet: SshFleet, output: str) -> None:
    """Each host was reached through its own sshd, as the login user, with sudo to root, and ran
    its modules with the interpreter its inventory asked for (discovered, or named)."""
    assert f"<{DISCOVERY_HOST}> Attempting python interpreter discovery" in output
    assert f"<{VENV_HOST}> Attempting python interpreter discovery" not in output
    for name in HOSTS:
        server = fleet.servers[name]
        assert fleet.user in server.accepted_logins(), f"{name}: its sshd logged no login"
        lines = exec_lines(output, server.port)
        became = [line for line in lines if "sudo -H -S -n" in line and "-u root" in line]
        assert became, f"{name}: no command ran through sudo:\n" + "\n".join(lines[:5])
        interpreters = {
            match.group(0) for line in became for match in re.finditer(r"/\S*/python[0-9.]*", line)
        }
        if name == DISCOVERY_HOST:
            assert interpreters and all(path.startswith(str(SYSTEM_PYTHON)) for path in interpreters), (
                interpreters
            )
        else:
            assert interpreters == {sys.executable}, interpreters


def login_user_crontab(user: str) -> str:
    done = subprocess.run(["crontab", "-l", "-u", user], capture_output=True, text=True, check=False)
    return done.stdout if done.returncode == 0 else ""


def assert_converged(fleet: SshFleet, run: PlaybookResult) -> None:
    assert run.returncode == 0, run.output[-4000:]
    for name in HOSTS:
        # Module files, server, product and cron line at least; the verify role inside passed.
        assert run.failed(name) == 0 and run.changed(name) >= 4, run.recap
        root = fleet.sandbox.root(name)
        module = root / "modules" / "servers" / "smartermail" / "smartermail.php"
        assert module.stat().st_uid == 0  # whmcs_web_user is root in the sandbox
        # The cron line is in root's crontab, not the login user's: the cron task ran as root.
        assert f"{root}/crons/cron.php" in crontab_text()
        assert f"{root}/crons/cron.php" not in login_user_crontab(fleet.user)


@pytest.mark.parametrize("ssh_fleet", [True], ids=["pipelining-on"], indirect=True)
def test_pipelined_fleet_converges_stays_converged_and_verifies(ssh_fleet: SshFleet, tmp_path: Path) -> None:
    first = ssh_fleet.run(INSTALL, "-vvv")
    assert_converged(ssh_fleet, first)
    assert_reached_over_ssh(ssh_fleet, first.output)
    assert module_uploads(first.output) == []  # pipelined: modules go over stdin

    again = ssh_fleet.run(INSTALL)
    assert again.returncode == 0, again.output[-4000:]
    assert all(again.changed(name) == 0 and again.failed(name) == 0 for name in HOSTS), again.recap

    check = ssh_fleet.run(INSTALL, "--check")
    assert check.returncode == 0, check.output[-4000:]
    assert all(check.changed(name) == 0 for name in HOSTS), check.recap

    reports = tmp_path / "reports"
    verify = ssh_fleet.run(VERIFY, "-e", f"smartermail_verify_report_dir={reports}")
    assert verify.returncode == 0, verify.output[-4000:]
    for name in HOSTS:
        report = json.loads((reports / f"{name}.json").read_text())
        assert report["ok"] is True and int(report["summary"]["fail"]) == 0, report["summary"]
        statuses = {check["id"]: check["status"] for check in report["checks"]}
        for check_id in ("api", "credentials", "module-files", "server", "product"):
            assert statuses.get(check_id) == "pass", (name, statuses)


@pytest.mark.parametrize("ssh_fleet", [False], ids=["pipelining-off"], indirect=True)
def test_unpipelined_fleet_converges_and_stays_converged(ssh_fleet: SshFleet) -> None:
    first = ssh_fleet.run(INSTALL, "-vvv")
    assert_converged(ssh_fleet, first)
    assert_reached_over_ssh(ssh_fleet, first.output)
    uploads = module_uploads(first.output)
    assert any(f"/home/{ssh_fleet.user}/" in line for line in uploads), uploads[:3]

    again = ssh_fleet.run(INSTALL)
    assert again.returncode == 0, again.output[-4000:]
    assert all(again.changed(name) == 0 and again.failed(name) == 0 for name in HOSTS), again.recap
