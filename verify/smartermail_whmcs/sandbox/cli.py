"""``smartermail-whmcs sandbox up|down|order|api|cron``: a throwaway WHMCS fleet on this machine.

Plain HTTP is the default for the simulator: it is SmarterMail's own default API port (9998,
the module's DefaultNonSSLPort), and it needs no CA to be trusted by PHP's curl or by Ansible on
the sandbox hosts. ``--tls`` serves HTTPS with a throwaway CA (recorded in sandbox.json and
passed to the sandbox's PHP) to exercise certificate checking.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import click

from smartermail_whmcs.errors import ConfigError, StageError
from smartermail_whmcs.options import folder_option, number_option
from smartermail_whmcs.sandbox.lifecycle import MAX_HOSTS, UpOptions, bring_up, tear_down
from smartermail_whmcs.sandbox.local_api import call_local_api, parse_params
from smartermail_whmcs.sandbox.mariadb import DEFAULT_WHMCS_VERSION
from smartermail_whmcs.sandbox.orders import describe_order, find_host, place_test_order
from smartermail_whmcs.sandbox.state import SandboxState, load_running_state, state_path

_DIR_OPTION = folder_option(
    "--dir", "directory", required=True, help="Directory that holds the sandbox (created if missing)."
)
_HOST_OPTION = click.option(
    "--host", "host_name", default="whmcs1", show_default=True, help="The sandbox host (whmcs1..N)."
)


@click.group("sandbox")
def sandbox_group() -> None:
    """Create, use or remove a local WHMCS sandbox (WHMCS trees + private MariaDB + simulator)."""


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
@_HOST_OPTION
@click.option(
    "--domain", required=True, help="The customer's domain (the module's Create makes it on the simulator)."
)
@number_option("--usage-gb", kind=click.FloatRange(min=0), default=0.0, help="Disk usage of the domain.")
def order_command(directory: Path, host_name: str, domain: str, usage_gb: float) -> None:
    """Order, accept, meter and invoice a test service through the host's localAPI and cron.

    AddClient (a test client, reused), AddOrder, AcceptOrder (the module's Create), the domain's
    usage set on the simulator, cron usage tasks, GenInvoices, GetInvoice. Needs the module
    installed on the host (run the install playbook first).
    """
    order = place_test_order(load_running_state(directory), host_name, domain, usage_gb)
    for line in describe_order(order):
        click.echo(line)


@sandbox_group.command("api")
@_DIR_OPTION
@_HOST_OPTION
@click.option(
    "--json", "json_text", default=None, help="Parameters as one JSON object (booleans, numbers, lists)."
)
@click.argument("action")
@click.argument("pairs", nargs=-1, metavar="[KEY=VALUE | KEY[]=VALUE]...")
def api_command(
    directory: Path, host_name: str, json_text: str | None, action: str, pairs: tuple[str, ...]
) -> None:
    """Call localAPI ACTION on a sandbox host and print its JSON answer (exit 1 on result=error).

    Example: sandbox api --dir DIR GetClientsProducts clientid=1
    """
    try:
        params = parse_params(pairs, json_text)
    except ValueError as error:
        raise ConfigError(str(error)) from error
    root = Path(find_host(load_running_state(directory), host_name).whmcs_root)
    answer = call_local_api(root, action, params, check=False)
    click.echo(json.dumps(answer, indent=2))
    if answer.get("result") != "success":
        raise StageError(
            f"{host_name}: {action}: {answer.get('message', 'result ' + str(answer.get('result')))}"
        )


@sandbox_group.command("cron", context_settings={"ignore_unknown_options": True})
@_DIR_OPTION
@_HOST_OPTION
@click.argument("cron_args", nargs=-1, type=click.UNPROCESSED, metavar="[CRON.PHP ARGS]...")
def cron_command(directory: Path, host_name: str, cron_args: tuple[str, ...]) -> None:
    """Run the host's crons/cron.php with real php, e.g. `do --TenantUsageMetrics` or `all --force`.

    Its output is shown as it comes and its exit code is this command's.
    """
    root = Path(find_host(load_running_state(directory), host_name).whmcs_root)
    try:
        done = subprocess.run(["php", "-q", str(root / "crons" / "cron.php"), *cron_args], check=False)
    except OSError as error:
        raise StageError(f"cannot run php: {error.strerror}") from error
    click.get_current_context().exit(done.returncode)


def _print_summary(state: SandboxState) -> None:
    directory = Path(state.directory)
    assert state.simulator is not None and state.mariadb is not None
    click.echo(f"sandbox up in {directory} (WHMCS {state.whmcs_version})")
    for host in state.hosts:
        click.echo(f"  {host.name}: {host.whmcs_root} (database {host.database.name})")
        if host.client_area_url:
            click.echo(f"    client area: {host.client_area_url}clientarea.php")
    click.echo(
        f"  MariaDB:   127.0.0.1:{state.mariadb.port}, socket {state.mariadb.socket} "
        f"(pid {state.mariadb.pid})"
    )
    tls = f", CA {state.simulator.ca_file}" if state.simulator.ca_file else ""
    click.echo(
        f"  simulator: {state.simulator.url} (pid {state.simulator.pid}, "
        f"sysadmin {state.simulator.sysadmin.username}{tls})"
    )
    if state.web:
        click.echo(f"  web:       {state.web.url} (pid {state.web.pid}, log {state.web.log_file})")
    click.echo(f"  inventory: {state.inventory}")
    click.echo(f"  state:     {state_path(directory)} (passwords and keys, mode 0600)")
    click.echo(f"stop it with: smartermail-whmcs sandbox down --dir {directory}")
