"""``smartermail-whmcs sandbox up|down``: a throwaway WHMCS fleet on this machine.

Plain HTTP is the default for the simulator: it is SmarterMail's own default API port (9998,
the module's DefaultNonSSLPort), and it needs no CA to be trusted by PHP's curl or by Ansible on
the sandbox hosts. ``--tls`` serves HTTPS with a throwaway CA (recorded in sandbox.json and
passed to the sandbox's PHP) to exercise certificate checking.
"""

from __future__ import annotations

from pathlib import Path

import click

from smartermail_whmcs.options import folder_option, number_option
from smartermail_whmcs.sandbox.lifecycle import MAX_HOSTS, UpOptions, bring_up, tear_down
from smartermail_whmcs.sandbox.mariadb import DEFAULT_WHMCS_VERSION
from smartermail_whmcs.sandbox.orders import BYTES_PER_GB, place_test_order
from smartermail_whmcs.sandbox.state import SandboxState, load_running_state, state_path

_DIR_OPTION = folder_option(
    "--dir", "directory", required=True, help="Directory that holds the sandbox (created if missing)."
)


@click.group("sandbox")
def sandbox_group() -> None:
    """Create or remove a local WHMCS sandbox (WHMCS trees + private MariaDB + simulator)."""


@sandbox_group.command("up")
@_DIR_OPTION
@number_option(
    "--hosts", kind=click.IntRange(1, MAX_HOSTS), default=1, help="Number of WHMCS hosts (whmcs1..N)."
)
@folder_option(
    "--module-src",
    default=None,
    help="Module folder the inventory installs (default: the bundled fixture module).",
)
@click.option(
    "--tls/--no-tls",
    default=False,
    show_default=True,
    help="Serve the simulator over HTTPS with a throwaway CA (default: plain HTTP).",
)
@click.option(
    "--whmcs-version",
    default=DEFAULT_WHMCS_VERSION,
    show_default=True,
    help="Version recorded in tblconfiguration and the tree.",
)
def up_command(directory: Path, hosts: int, module_src: Path | None, tls: bool, whmcs_version: str) -> None:
    """Start a sandbox in DIR and write DIR/inventory.yml and DIR/sandbox.json."""
    state = bring_up(
        UpOptions(
            directory=directory, hosts=hosts, module_src=module_src, tls=tls, whmcs_version=whmcs_version
        )
    )
    _print_summary(state)


@sandbox_group.command("down")
@_DIR_OPTION
@click.option("--keep-files", is_flag=True, help="Stop the processes but keep the generated files.")
def down_command(directory: Path, keep_files: bool) -> None:
    """Stop the sandbox in DIR and remove its generated files."""
    for line in tear_down(directory, keep_files=keep_files):
        click.echo(line)


@sandbox_group.command("order")
@_DIR_OPTION
@click.option(
    "--host", "host_name", default="whmcs1", show_default=True, help="Sandbox host that takes the order."
)
@click.option("--domain", required=True, help="The customer's domain (created on the simulator).")
@number_option("--usage-gb", kind=click.FloatRange(min=0), default=0.0, help="Disk usage of the domain.")
def order_command(directory: Path, host_name: str, domain: str, usage_gb: float) -> None:
    """Place a test order: the domain with a hidden admin, its active service, its usage imported.

    Needs the module installed on the host (run the install playbook first).
    """
    order = place_test_order(load_running_state(directory), host_name, domain, usage_gb)
    click.echo(
        f"{order.host}: service {order.service_id} for {order.domain} is active, "
        f"{order.usage_bytes / BYTES_PER_GB:.2f} GB used (imported by cron.php do --UpdateServerUsage)"
    )


def _print_summary(state: SandboxState) -> None:
    directory = Path(state.directory)
    assert state.simulator is not None and state.mariadb is not None
    click.echo(f"sandbox up in {directory} (WHMCS {state.whmcs_version})")
    for host in state.hosts:
        click.echo(f"  {host.name}: {host.whmcs_root} (database {host.database.name})")
    click.echo(
        f"  MariaDB:   127.0.0.1:{state.mariadb.port}, socket {state.mariadb.socket} "
        f"(pid {state.mariadb.pid})"
    )
    tls = f", CA {state.simulator.ca_file}" if state.simulator.ca_file else ""
    click.echo(
        f"  simulator: {state.simulator.url} (pid {state.simulator.pid}, "
        f"sysadmin {state.simulator.sysadmin.username}{tls})"
    )
    click.echo(f"  inventory: {state.inventory}")
    click.echo(f"  state:     {state_path(directory)} (passwords and keys, mode 0600)")
    click.echo(f"stop it with: smartermail-whmcs sandbox down --dir {directory}")
