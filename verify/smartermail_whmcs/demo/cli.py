"""``smartermail-whmcs demo``: the whole toolkit, end to end, on a throwaway sandbox.

Stages: prerequisites → sandbox up (each WHMCS has run its cron once, as a live one has) → the
collection's install playbook (which ends with its verify role) → a test order on the first host
through its localAPI (AddOrder, AcceptOrder runs the module's Create against the simulator, the
cron meters the usage, GenInvoices bills it), and its page in the client area opened through
single sign-on → the verify command over every host with --order (a test order per product placed
through each WHMCS's localAPI, provisioned, checked and removed) → a second service suspended,
unsuspended and terminated through localAPI → report with the order's invoice, the billing
preview, the client area's address and login, and the second service's states → sandbox down
(unless --keep, which leaves the client area up).
A failed stage keeps the sandbox for inspection and says where it is.
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
import yaml

from smartermail_whmcs.demo.report import WhmcsHostReport, parse_recap, read_whmcs_host
from smartermail_whmcs.demo.service_lifecycle import LifecycleStep, describe_lifecycle, run_lifecycle
from smartermail_whmcs.errors import StageError
from smartermail_whmcs.options import folder_option, number_option
from smartermail_whmcs.sandbox.client_area import (
    login_url,
    module_page_problem,
    open_page,
    product_details_url,
    sso_link,
)
from smartermail_whmcs.sandbox.lifecycle import UpOptions, bring_up, tear_down
from smartermail_whmcs.sandbox.orders import PlacedOrder, describe_order, place_test_order
from smartermail_whmcs.sandbox.state import SandboxState, load_running_state

T = TypeVar("T")

# The commands the demo needs, and the Debian package that provides each.
REQUIRED_COMMANDS = {"php": "php-cli", "mariadbd": "mariadb-server", "mariadb-install-db": "mariadb-server"}
SETUP_HINT = "or run `bash scripts/run.sh demo` from a clone, which installs them"
STAGES = 6
DEMO_DOMAIN = "demo-customer.test"
DEMO_USAGE_GB = 21.0
# The service the lifecycle stage suspends, unsuspends and terminates (the test order stays Active:
# its client-area page is the one the demo prints and keeps up with --keep).
LIFECYCLE_DOMAIN = "demo-lifecycle.test"


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
    title: str

    def run(self, action: Callable[[], T]) -> T:
        click.echo(f"[{self.number}/{STAGES}] {self.title} ...", err=True)
        started = time.monotonic()
        try:
            result = action()
        except StageError as error:
            raise StageError(f"stage {self.number} ({self.title}) failed: {error.message}") from error
        click.echo(
            f"[{self.number}/{STAGES}] {self.title}: done in {time.monotonic() - started:.1f} s", err=True
        )
        return result


def _bin(name: str) -> str:
    """A command installed beside this interpreter (ansible-playbook, smartermail-whmcs)."""
    return str(Path(sys.executable).with_name(name))


def run_install_playbook(state: SandboxState, log_file: Path) -> dict[str, dict[str, int]]:
    """ansible-playbook astral360.smartermail.install on the sandbox inventory; returns the recap."""
    command = [_bin("ansible-playbook"), "-i", str(state.inventory), "astral360.smartermail.install"]
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", ANSIBLE_HOST_KEY_CHECKING="0")
    with log_file.open("w") as log:
        done = subprocess.run(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, timeout=1800, check=False
        )
    recap = parse_recap(log_file.read_text())
    if done.returncode != 0 or not recap:
        tail = "\n".join(log_file.read_text().splitlines()[-20:])
        raise StageError(f"ansible-playbook exited {done.returncode}; log {log_file}:\n{tail}")
    return recap


def write_verify_config(state: SandboxState, directory: Path) -> Path:
    """The inventory's group variables plus every host's WHMCS root: a verify config file."""
    inventory = yaml.safe_load(Path(state.inventory).read_text())
    config = dict(inventory["all"]["children"]["whmcs"]["vars"])
    config["whmcs_roots"] = [host.whmcs_root for host in state.hosts]
    path = directory / "verify.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    path.chmod(0o600)  # it holds the sysadmin password
    return path


def run_verify(config: Path) -> str:
    """`smartermail-whmcs verify --config FILE --order`: every server from every WHMCS root, as a table.

    --order: each WHMCS orders, provisions and removes a test service per product through its own
    localAPI (PHP as the inventory's whmcs_web_user), so the table's ``order`` rows prove step 6
    of the module's installation guide on every host.
    """
    command = [
        sys.executable,
        "-m",
        "smartermail_whmcs",
        "verify",
        "--config",
        str(config),
        "--order",
        "--format",
        "table",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise StageError(f"verify exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


def run_billing(whmcs_root: Path) -> str:
    """`smartermail-whmcs billing --whmcs-root ROOT`: what each active service would be billed."""
    command = [sys.executable, "-m", "smartermail_whmcs", "billing", "--whmcs-root", str(whmcs_root)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise StageError(f"billing exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


def open_client_area(state: SandboxState, order: PlacedOrder) -> str:
    """The test order's page through single sign-on (CreateSsoToken, then the link as a browser
    follows it); its URL when the module's page renders, else a StageError naming what was seen."""
    host = next(host for host in state.hosts if host.name == order.host)
    page = open_page(sso_link(host, order.client_id, order.service_id))
    problem = module_page_problem(page, order.domain)
    if problem:
        raise StageError(f"the client area does not show the module's page for {order.domain}: {problem}")
    return page.url


def describe_client_area(state: SandboxState, order: PlacedOrder) -> list[str]:
    host = next(host for host in state.hosts if host.name == order.host)
    lines = [
        f"Client area ({host.name}): {product_details_url(host, order.service_id)}",
        "  opened through single sign-on (CreateSsoToken): the module's dashboard for "
        f"{order.domain} renders",
    ]
    if host.test_client is not None:
        lines.append(
            f"  log in at {login_url(host)} as {host.test_client.email}, password "
            f"{host.test_client.password} (kept in {state.directory}/sandbox.json)"
        )
    return lines


def print_report(
    state: SandboxState, hosts: list[WhmcsHostReport], recap: dict[str, dict[str, int]], verify_table: str
) -> None:
    assert state.simulator is not None
    click.echo("")
    click.echo(f"SmarterMail simulator: {state.simulator.url} (sysadmin {state.simulator.sysadmin.username})")
    click.echo("Installed:")
    click.echo(f"{'host':<10} {'WHMCS':<18} {'module files':<58} {'install (ok/changed/failed)'}")
    for host, record in zip(hosts, state.hosts, strict=True):
        counts = recap.get(host.name, {})
        summary = f"{counts.get('ok', 0)}/{counts.get('changed', 0)}/{counts.get('failed', 0)}"
        module_dir = f"{record.whmcs_root}/modules/servers/smartermail"
        click.echo(f"{host.name:<10} {host.version:<18} {module_dir:<58} {summary}")
    click.echo("")
    click.echo("Verify (--order: each WHMCS placed, provisioned and removed a test order per product):")
    click.echo(verify_table.rstrip())


def _order_and_open(state: SandboxState, host: str) -> PlacedOrder:
    order = place_test_order(state, host, DEMO_DOMAIN, DEMO_USAGE_GB)
    open_client_area(load_running_state(Path(state.directory)), order)
    return order


def _lifecycle(state: SandboxState, host: str) -> tuple[PlacedOrder, list[LifecycleStep]]:
    order = place_test_order(state, host, LIFECYCLE_DOMAIN, 0.0)
    return order, run_lifecycle(state, order)


@click.command("demo")
@number_option("--hosts", kind=click.IntRange(1, 16), default=2, help="Sandbox WHMCS hosts.")
@folder_option("--dir", "directory", help="Sandbox directory.")
@click.option("--tls/--no-tls", default=False, show_default=True, help="Serve the simulator over HTTPS.")
@click.option("--keep", is_flag=True, help="Leave the sandbox running afterwards (its client area stays up).")
def demo_command(hosts: int, directory: Path | None, tls: bool, keep: bool) -> None:
    """Install the module on a sandbox of WHMCS hosts and verify it against a SmarterMail simulator."""
    missing = missing_packages()
    if missing:
        raise StageError(
            f"missing system packages: {', '.join(missing)}. Install them with "
            f"`sudo apt-get install -y {' '.join(missing)} php-mysql php-curl`, {SETUP_HINT}."
        )
    directory = directory or Path(tempfile.mkdtemp(prefix="smartermail-whmcs-demo-"))
    state = Stage(1, f"sandbox up ({hosts} WHMCS hosts, MariaDB, simulator) in {directory}").run(
        lambda: bring_up(UpOptions(directory=directory, hosts=hosts, tls=tls))
    )
    try:
        recap = Stage(2, "ansible-playbook astral360.smartermail.install (ends with its verify role)").run(
            lambda: run_install_playbook(state, directory / "install.log")
        )
        host_reports = [read_whmcs_host(host.name, Path(host.whmcs_root)) for host in state.hosts]
        first = state.hosts[0]
        order = Stage(
            3,
            f"test order on {first.name} through localAPI: {DEMO_DOMAIN}, {DEMO_USAGE_GB:g} GB used; "
            "its client-area page",
        ).run(lambda: _order_and_open(state, first.name))
        state = load_running_state(directory)  # the order recorded the test client's login
        billing = run_billing(Path(first.whmcs_root))
        verify_table = Stage(
            4, "smartermail-whmcs verify --order (every host: canary domain, test order per product)"
        ).run(lambda: run_verify(write_verify_config(state, directory)))
        lifecycle_order, lifecycle = Stage(
            5, f"a second service ({LIFECYCLE_DOMAIN}): ModuleSuspend, ModuleUnsuspend, ModuleTerminate"
        ).run(lambda: _lifecycle(state, first.name))
        print_report(state, host_reports, recap, verify_table)
        click.echo("")
        click.echo("Test order (sandbox order: AddOrder, AcceptOrder, cron usage tasks, GenInvoices):")
        for line in describe_order(order):
            click.echo(f"  {line}")
        click.echo("")
        click.echo(f"Billing preview ({first.name}, smartermail-whmcs billing --whmcs-root):")
        click.echo(billing.rstrip())
        click.echo("")
        for line in describe_client_area(state, order):
            click.echo(line)
        click.echo("")
        for line in describe_lifecycle(lifecycle_order, lifecycle):
            click.echo(line)
    except StageError as error:
        raise StageError(
            f"{error.message}\nThe sandbox is kept for inspection; remove it with: "
            f"smartermail-whmcs sandbox down --dir {directory}"
        ) from error
    if keep:
        click.echo(
            f"\nsandbox kept: {directory}; the client area stays up at "
            f"{product_details_url(state.hosts[0], order.service_id)} "
            f"(stop it with: smartermail-whmcs sandbox down --dir {directory})"
        )
        return
    Stage(6, "sandbox down").run(lambda: tear_down(directory))
