"""``smartermail-whmcs deploy``: run the bundled install playbook and summarise each host's changes.

ansible-playbook's own output (always with --diff) goes to stderr as it runs (progress); stdout gets the per-host
summary built from the collection's deploy_summary callback (astral360.smartermail.deploy_summary).
Exit codes: 0 every host converged (or would), 1 a host failed or was unreachable, 2 bad usage
(missing or unparsable inventory, no host to run on, bad option).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from smartermail_whmcs.deploy.report import host_reports, render
from smartermail_whmcs.deploy.rollout import rollout_lines
from smartermail_whmcs.errors import ConfigError, StageError

PLAYBOOK = "astral360.smartermail.install"
CALLBACK = "astral360.smartermail.deploy_summary"
DEFAULT_GROUP = "whmcs"
HOSTS_VARIABLE = "smartermail_install_hosts"
ANSIBLE_USAGE_ERROR = 5  # ansible-playbook's "bad or incomplete options"


def ansible_binary(name: str) -> str:
    """The ansible tool installed beside this Python (the same venv), else the one on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


def ansible_environment(summary_file: Path) -> dict[str, str]:
    env = dict(os.environ)
    enabled = [name for name in env.get("ANSIBLE_CALLBACKS_ENABLED", "").split(",") if name.strip()]
    env["ANSIBLE_CALLBACKS_ENABLED"] = ",".join([*enabled, CALLBACK])
    env["SMARTERMAIL_DEPLOY_SUMMARY"] = str(summary_file)
    env.setdefault("ANSIBLE_RETRY_FILES_ENABLED", "0")
    return env


def check_inventory_sources(sources: tuple[str, ...]) -> None:
    for source in sources:
        # "host1,host2," is ansible's inline host list, not a path.
        if "," not in source and not Path(source).exists():
            raise ConfigError(f"--inventory {source}: no such file or directory")


def load_inventory(sources: tuple[str, ...], env: dict[str, str]) -> dict[str, Any]:
    """The inventory as ansible-inventory parses it; any source it cannot parse is a usage error."""
    command = [ansible_binary("ansible-inventory"), "--list"]
    for source in sources:
        command += ["-i", source]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={
            **env,
            "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1",
            "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "1",
        },
        check=False,
    )
    if done.returncode != 0:
        errors = [
            line.split("[ERROR]:", 1)[1].strip() for line in done.stderr.splitlines() if "[ERROR]:" in line
        ]
        reason = errors[-1] if errors else done.stderr.strip()[-300:]
        raise ConfigError(
            f"--inventory {', '.join(sources)}: ansible cannot parse it ({reason}); "
            f"`ansible-inventory -i {sources[0]} --list` shows each inventory plugin's complaint"
        )
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError as error:
        raise ConfigError(f"--inventory {', '.join(sources)}: unreadable inventory ({error})") from None


def check_target_group(inventory: dict[str, Any], extra_vars: tuple[str, ...]) -> None:
    """The install playbook runs on group `whmcs` unless smartermail_install_hosts says otherwise."""
    hosts = set(inventory.get("_meta", {}).get("hostvars", {}))
    for group, record in inventory.items():
        if group != "_meta" and isinstance(record, dict):
            hosts.update(record.get("hosts", []))
    if not hosts:
        raise ConfigError("the inventory has no hosts")
    if DEFAULT_GROUP not in inventory and not any(HOSTS_VARIABLE in value for value in extra_vars):
        raise ConfigError(
            f"the inventory has no group '{DEFAULT_GROUP}': put the WHMCS hosts in it, or name the "
            f"hosts to install on with -e {HOSTS_VARIABLE}=GROUP"
        )


@dataclass(frozen=True)
class PlaybookOptions:
    """The deploy options handed on to ansible-playbook as they are."""

    limit: str | None
    tags: tuple[str, ...]
    skip_tags: tuple[str, ...]
    extra_vars: tuple[str, ...]
    forks: int | None
    verbose: int


def playbook_command(sources: tuple[str, ...], check: bool, options: PlaybookOptions) -> list[str]:
    command = [ansible_binary("ansible-playbook"), PLAYBOOK]
    for source in sources:
        command += ["-i", source]
    if check:
        command.append("--check")
    # Always: the summary reads the cron line from its diff (the diffs also show in the progress).
    command.append("--diff")
    if options.limit:
        command += ["--limit", options.limit]
    if options.tags:
        command += ["--tags", ",".join(options.tags)]
    if options.skip_tags:
        command += ["--skip-tags", ",".join(options.skip_tags)]
    for value in options.extra_vars:
        command += ["-e", value]
    if options.forks:
        command += ["--forks", str(options.forks)]
    if options.verbose:
        command.append("-" + "v" * min(options.verbose, 4))
    return command


def stream_playbook(command: list[str], env: dict[str, str]) -> int:
    """Run ansible-playbook, copying its output to stderr line by line as progress."""
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, bufsize=1
    ) as process:
        assert process.stdout is not None  # stdout=PIPE above
        for line in process.stdout:
            click.echo(line.rstrip("\n"), err=True)
        return process.wait()


def read_summary(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None


@click.command("deploy")
@click.option(
    "-i", "--inventory", "inventories", multiple=True, required=True, help="Inventory file (repeatable)."
)
@click.option("--check", is_flag=True, help="Dry run: print the planned changes per host, write nothing.")
@click.option("-l", "--limit", help="Only these hosts or groups (ansible-playbook --limit pattern).")
@click.option(
    "-t",
    "--tags",
    multiple=True,
    help="Only these steps: preflight, module_files, server, product, cron, verify.",
)
@click.option("--skip-tags", multiple=True, help="Skip these steps.")
@click.option(
    "-e", "--extra-vars", "extra_vars", multiple=True, help="key=value or @file, as ansible-playbook -e."
)
@click.option("-f", "--forks", type=click.IntRange(1, 500), help="Hosts worked on in parallel.")
@click.option("--json", "as_json", is_flag=True, help="Print the per-host summary as JSON.")
@click.option("-v", "--verbose", count=True, help="More ansible-playbook output (repeatable).")
def deploy_command(inventories: tuple[str, ...], check: bool, as_json: bool, **passed_on: Any) -> None:
    """Install the SmarterMail module on every WHMCS host of an inventory (the install playbook)."""
    options = PlaybookOptions(**passed_on)
    check_inventory_sources(inventories)
    with tempfile.TemporaryDirectory(prefix="smw-deploy-") as workdir:
        summary_file = Path(workdir) / "summary.json"
        env = ansible_environment(summary_file)
        check_target_group(load_inventory(inventories, env), options.extra_vars)
        command = playbook_command(inventories, check, options)
        returncode = stream_playbook(command, env)
        summary = read_summary(summary_file)
    if summary is None:
        if returncode == ANSIBLE_USAGE_ERROR:
            raise ConfigError(
                f"ansible-playbook refused the options (exit {returncode}); see its message above"
            )
        raise StageError(
            f"ansible-playbook stopped before any host ran (exit {returncode}); see its output above"
        )
    reports = host_reports(summary, check)
    if not reports:
        raise ConfigError("no host matched: check --limit and the inventory's 'whmcs' group")
    rollout = rollout_lines(summary)
    if as_json:
        document = {
            "check_mode": check,
            "hosts": {report.name: report.to_dict() for report in reports},
            "rollout": rollout,
        }
        click.echo(json.dumps(document, indent=2, sort_keys=True))
    else:
        click.echo(render(reports, check))
        if rollout:
            click.echo("\n".join(rollout))
    failed = [report.name for report in reports if report.status in ("failed", "unreachable")]
    if failed or returncode != 0:
        raise StageError(
            f"{'the dry run' if check else 'the install'} failed on {', '.join(failed) or 'a host'} "
            f"(ansible-playbook exit {returncode})"
        )
