"""``smartermail-whmcs demo``: the whole toolkit, end to end, on a throwaway sandbox.

Stages: prerequisites → sandbox up → WHMCS side (each host's configuration.php and database,
through the collection's module_utils) → the collection's verify playbook with ansible-playbook
→ report → sandbox down (unless --keep). A failed stage keeps the sandbox for inspection.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import click

from smartermail_whmcs.demo_report import WhmcsHostReport, parse_recap, read_whmcs_host
from smartermail_whmcs.errors import StageError
from smartermail_whmcs.sandbox.lifecycle import UpOptions, bring_up, tear_down
from smartermail_whmcs.sandbox.state import SandboxState

T = TypeVar("T")

# The commands the demo needs, and the Debian package that provides each.
REQUIRED_COMMANDS = {"php": "php-cli", "mariadbd": "mariadb-server", "mariadb-install-db": "mariadb-server"}
SETUP_HINT = "or run `bash scripts/run.sh demo` from a clone, which installs them"


def missing_packages() -> list[str]:
    """Debian packages whose commands are not on PATH (sbin included: mariadbd lives there)."""
    search_path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    missing = {
        package
        for command, package in REQUIRED_COMMANDS.items()
        if not shutil.which(command, path=search_path)
    }
    return sorted(missing)


@dataclass
class Stage:
    """Prints one progress line per stage and names the stage when it fails."""

    number: int
    total: int
    title: str

    def run(self, action: Callable[[], T]) -> T:
        click.echo(f"[{self.number}/{self.total}] {self.title} ...", err=True)
        started = time.monotonic()
        try:
            result = action()
        except StageError as error:
            raise StageError(f"stage {self.number} ({self.title}) failed: {error.message}") from error
        click.echo(
            f"[{self.number}/{self.total}] {self.title}: done in {time.monotonic() - started:.1f} s", err=True
        )
        return result


def run_verify_playbook(state: SandboxState, log_file: Path) -> dict[str, dict[str, int]]:
    """ansible-playbook astral360.smartermail.verify on the sandbox inventory; returns the recap."""
    ansible_playbook = Path(sys.executable).with_name("ansible-playbook")
    command = [str(ansible_playbook), "-i", str(state.inventory), "astral360.smartermail.verify"]
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", ANSIBLE_HOST_KEY_CHECKING="0")
    with log_file.open("w") as log:
        done = subprocess.run(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, timeout=900, check=False
        )
    recap = parse_recap(log_file.read_text())
    if done.returncode != 0 or not recap:
        tail = "\n".join(log_file.read_text().splitlines()[-15:])
        raise StageError(f"ansible-playbook exited {done.returncode}; log {log_file}:\n{tail}")
    return recap


def print_report(state: SandboxState, hosts: list[WhmcsHostReport], recap: dict[str, dict[str, int]]) -> None:
    assert state.simulator is not None
    click.echo("")
    click.echo(f"SmarterMail simulator: {state.simulator.url} (sysadmin {state.simulator.sysadmin.username})")
    click.echo(f"{'host':<10} {'WHMCS':<18} {'database':<28} {'verify (ok/changed/failed)':<28} result")
    for host in hosts:
        counts = recap.get(host.name, {})
        summary = f"{counts.get('ok', 0)}/{counts.get('changed', 0)}/{counts.get('failed', 0)}"
        passed = counts and counts.get("failed", 0) == 0 and counts.get("unreachable", 0) == 0
        click.echo(
            f"{host.name:<10} {host.version:<18} {host.database:<28} {summary:<28} {'PASS' if passed else 'FAIL'}"
        )


@click.command("demo")
@click.option(
    "--hosts", type=click.IntRange(1, 16), default=2, show_default=True, help="Sandbox WHMCS hosts."
)
@click.option(
    "--dir", "directory", type=click.Path(file_okay=False, path_type=Path), help="Sandbox directory."
)
@click.option("--tls/--no-tls", default=False, show_default=True, help="Serve the simulator over HTTPS.")
@click.option("--keep", is_flag=True, help="Leave the sandbox running afterwards.")
def demo_command(hosts: int, directory: Path | None, tls: bool, keep: bool) -> None:
    """Run the toolkit end to end on a sandbox of WHMCS hosts and a SmarterMail simulator."""
    missing = missing_packages()
    if missing:
        raise StageError(
            f"missing system packages: {', '.join(missing)}. Install them with "
            f"`sudo apt-get install -y {' '.join(missing)} php-mysql php-curl`, {SETUP_HINT}."
        )
    directory = directory or Path(tempfile.mkdtemp(prefix="smartermail-whmcs-demo-"))
    total = 4
    state = Stage(1, total, f"sandbox up ({hosts} WHMCS hosts, MariaDB, simulator) in {directory}").run(
        lambda: bring_up(UpOptions(directory=directory, hosts=hosts, tls=tls))
    )
    try:
        host_reports = Stage(2, total, "WHMCS side: configuration.php, database, version").run(
            lambda: [read_whmcs_host(host.name, Path(host.whmcs_root)) for host in state.hosts]
        )
        recap = Stage(3, total, "ansible-playbook astral360.smartermail.verify").run(
            lambda: run_verify_playbook(state, directory / "verify.log")
        )
        print_report(state, host_reports, recap)
        failed = [name for name, counts in recap.items() if counts.get("failed") or counts.get("unreachable")]
        if failed:
            raise StageError(f"verify failed on {', '.join(failed)}; log {directory / 'verify.log'}")
    except StageError as error:
        raise StageError(
            f"{error.message}\nThe sandbox is kept for inspection; remove it with: "
            f"smartermail-whmcs sandbox down --dir {directory}"
        ) from error
    if keep:
        click.echo(
            f"\nsandbox kept: {directory} (stop it with: smartermail-whmcs sandbox down --dir {directory})"
        )
        return
    Stage(4, total, "sandbox down").run(lambda: tear_down(directory))
