"""Benchmark: the whole install playbook on 1, 4 and 16 sandbox hosts (forks = hosts).

    python bench/install_fleet.py [--hosts 1 4 16]

For each fleet size: ``sandbox up --hosts N``, one WHMCS cron run per host (as the demo does: a
live WHMCS has run its cron, and the verify role checks it), then
``ansible-playbook -i D/inventory.yml astral360.smartermail.install --forks N`` twice (first run,
then the no-op re-run, which must report changed=0), then ``sandbox down``. Prints wall times,
seconds per host, task counts and the growth ratio of the largest fleet over one host.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from _common import BIN_DIR, ansible_env, ratio, run_checked

ROLE_IN_TASK = re.compile(r"astral360\.smartermail\.(\w+) : ")
RECAP_LINE = re.compile(
    r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)"
)


@dataclass
class FleetRun:
    hosts: int
    up_seconds: float
    first_seconds: float
    again_seconds: float
    tasks_per_host: int  # ok + failed + skipped on one host (changed tasks are counted in ok)
    changed_first: int
    changed_again: int
    roles_again: dict[str, float] = field(default_factory=dict)  # task seconds per role, summed over hosts


def recap(output: str) -> dict[str, tuple[int, ...]]:
    """{host: (ok, changed, unreachable, failed, skipped)} from the PLAY RECAP."""
    found = {}
    for line in output.splitlines():
        match = RECAP_LINE.match(line.strip())
        if match:
            found[match.group(1)] = tuple(int(value) for value in match.groups()[1:])
    return found


def sandbox(action: str, directory: Path, *extra: str) -> float:
    command = [sys.executable, "-m", "smartermail_whmcs", "sandbox", action, "--dir", str(directory), *extra]
    return run_checked(command, timeout=900).seconds


def run_crons(directory: Path) -> None:
    state = json.loads((directory / "sandbox.json").read_text())
    for host in state["hosts"]:
        cron = Path(host["whmcs_root"]) / "crons" / "cron.php"
        subprocess.run(
            ["php", "-q", str(cron), "all", "--force"], check=True, capture_output=True, timeout=120
        )


def role_seconds(junit_dir: Path) -> dict[str, float]:
    """Task time per role from ansible's JUnit callback (one testcase per host and task)."""
    totals: dict[str, float] = defaultdict(float)
    for report in junit_dir.glob("*.xml"):
        for case in ET.parse(report).getroot().iter("testcase"):  # noqa: S314 - our own file
            match = ROLE_IN_TASK.search(case.get("name", ""))
            totals[match.group(1) if match else "other"] += float(case.get("time", 0))
    return dict(totals)


def playbook(directory: Path, forks: int, junit_dir: Path) -> tuple[float, dict[str, tuple[int, ...]]]:
    command = [str(BIN_DIR / "ansible-playbook"), "-i", str(directory / "inventory.yml")]
    command += ["astral360.smartermail.install", "--forks", str(forks)]
    env = ansible_env(ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.junit", JUNIT_OUTPUT_DIR=str(junit_dir))
    result = run_checked(command, env=env, timeout=1800)
    counts = recap(result.output)
    if len(counts) != forks or any(values[3] or values[2] for values in counts.values()):
        raise SystemExit(f"unexpected recap: {counts}")
    return result.seconds, counts


def measure(hosts: int) -> FleetRun:
    with tempfile.TemporaryDirectory(prefix="smw-bench-fleet-") as work:
        directory = Path(work) / "sandbox"
        up = sandbox("up", directory, "--hosts", str(hosts))
        try:
            run_crons(directory)
            first, first_counts = playbook(directory, hosts, Path(work) / "junit-first")
            again, again_counts = playbook(directory, hosts, Path(work) / "junit-again")
            roles = role_seconds(Path(work) / "junit-again")
        finally:
            sandbox("down", directory)
    one = next(iter(first_counts.values()))
    return FleetRun(
        hosts=hosts,
        up_seconds=up,
        first_seconds=first,
        again_seconds=again,
        tasks_per_host=one[0] + one[3] + one[4],
        changed_first=sum(values[1] for values in first_counts.values()),
        changed_again=sum(values[1] for values in again_counts.values()),
        roles_again=roles,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, nargs="+", default=[1, 4, 16])
    options = parser.parse_args()
    runs = []
    for hosts in options.hosts:
        print(f"fleet of {hosts} ...", file=sys.stderr, flush=True)
        runs.append(measure(hosts))
    print(
        f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)"
    )
    print("task seconds per host in the re-run, by role (sum of task times / hosts):")
    for run in runs:
        shares = ", ".join(f"{role} {seconds / run.hosts:.1f}" for role, seconds in run.roles_again.items())
        print(f"  {run.hosts:>2} hosts: {shares}")
    print("hosts  forks  first run (s)  s/host  re-run (s)  s/host  tasks/host  changed first/re-run")
    for run in runs:
        print(
            f"{run.hosts:>5}  {run.hosts:>5}  {run.first_seconds:>13.1f}  {run.first_seconds / run.hosts:>6.2f}"
            f"  {run.again_seconds:>10.1f}  {run.again_seconds / run.hosts:>6.2f}  {run.tasks_per_host:>10}"
            f"  {run.changed_first}/{run.changed_again}"
        )
    smallest, largest = runs[0], runs[-1]
    label = f"{largest.hosts}-host/{smallest.hosts}-host"
    print(f"growth {label} first run: {ratio(largest.first_seconds, smallest.first_seconds)}x")
    print(f"growth {label} re-run: {ratio(largest.again_seconds, smallest.again_seconds)}x")
    print(f"re-run/first run ({largest.hosts} hosts): {ratio(largest.again_seconds, largest.first_seconds)}")


if __name__ == "__main__":
    main()
