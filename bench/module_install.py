"""Benchmark: whmcs_module_files vs ansible.builtin.copy of the same 40-file module tree.

    python bench/module_install.py [--extra-files N]   (default: up to 40 files in all)

One run of this script measures, for each connection (SSH with pipelining on — the setting that
helps ansible.builtin.copy most —, with --pipelining-off also SSH without it, Ansible's default,
and local), the first install and the no-op re-run of:
- ``ansible.builtin.copy`` of the tree (src with a trailing slash, mode 0644, directory_mode 0755);
- ``astral360.smartermail.whmcs_module_files`` of the same tree into a WHMCS root.
SSH goes to a private sshd on 127.0.0.1 with a ControlMaster connection opened by a ping task
before the clock starts, so both tools find the connection up. Times are task times taken inside
the play (``now()`` stamps around each task), so ansible-playbook's start-up is not in them.
Both tools' results are checked (changed on the first run, unchanged on the re-run, same bytes).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from _common import BIN_DIR, FIXTURE_MODULE, Sshd, ansible_env, private_sshd, run_checked

# Generated extra files: (folder, name pattern, approximate size in bytes).
EXTRA_LAYOUT = (
    ("lib/Api", "Endpoint{n}.php", 6000),
    ("lib/Service/Provisioning", "Step{n}.php", 4000),
    ("templates/clientarea", "panel{n}.tpl", 2500),
    ("lang/extra", "locale{n}.php", 3500),
    ("assets/js", "widget{n}.js", 9000),
)


@dataclass
class Pair:
    copy: float
    ours: float

    @property
    def speedup(self) -> float:
        return self.copy / self.ours


TREE_FILES = 40


def fixture_file_count() -> int:
    return sum(1 for path in FIXTURE_MODULE.rglob("*") if path.is_file())


def make_tree(work: Path, extra_files: int) -> Path:
    """The fixture module plus generated lib/template/lang/asset files in nested folders."""
    src = work / "src" / "smartermail"
    shutil.copytree(FIXTURE_MODULE, src)
    for number in range(extra_files):
        folder, pattern, size = EXTRA_LAYOUT[number % len(EXTRA_LAYOUT)]
        path = src / folder / pattern.format(n=number)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = f"// generated file {number}: padding to a realistic size\n"
        path.write_text("<?php\n" + line * (size // len(line)))
    return src


def stamp(name: str) -> dict[str, Any]:
    return {"name": f"Stamp {name}", "ansible.builtin.set_fact": {name: "{{ now().timestamp() }}"}}


def tasks(src: Path, copy_dest: Path, root: Path, report: Path) -> list[dict[str, Any]]:
    return [
        {"name": "Open the connection before the clock starts", "ansible.builtin.ping": {}},
        stamp("t0"),
        {
            "name": "Copy the tree with ansible.builtin.copy",
            "ansible.builtin.copy": {
                "src": f"{src}/",
                "dest": f"{copy_dest}/",
                "mode": "0644",
                "directory_mode": "0755",
            },
            "register": "copied",
        },
        stamp("t1"),
        {
            "name": "Install the tree with whmcs_module_files",
            "astral360.smartermail.whmcs_module_files": {"src": str(src), "whmcs_root": str(root)},
            "register": "installed",
        },
        stamp("t2"),
        {
            "name": "Write the report",
            "ansible.builtin.copy": {
                "content": "{{ {'copy': t1 | float - t0 | float, 'ours': t2 | float - t1 | float,"
                " 'copy_changed': copied.changed, 'ours_changed': installed.changed} | to_json }}",
                "dest": str(report),
                "mode": "0600",
            },
            "delegate_to": "localhost",
            "connection": "local",
        },
    ]


def inventory(path: Path, sshd: Sshd | None) -> Path:
    if sshd is None:
        host = {"ansible_connection": "local"}
    else:
        host = {
            "ansible_host": "127.0.0.1",
            "ansible_port": sshd.port,
            "ansible_user": getpass.getuser(),
            "ansible_connection": "ssh",
            "ansible_ssh_private_key_file": str(sshd.key),
        }
    host["ansible_python_interpreter"] = sys.executable
    path.write_text(yaml.safe_dump({"all": {"hosts": {"target": host}}}))
    return path


def measure(work: Path, src: Path, sshd: Sshd | None, pipelining: bool) -> tuple[Pair, Pair]:
    """(first run, no-op re-run) task times on fresh destinations."""
    copy_dest, root, report = work / "copied", work / "whmcs", work / "report.json"
    shutil.rmtree(copy_dest, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    (root / "modules" / "servers").mkdir(parents=True)
    play = [
        {
            "name": "bench",
            "hosts": "target",
            "gather_facts": False,
            "tasks": tasks(src, copy_dest, root, report),
        }
    ]
    playbook = work / "play.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    env = ansible_env(ANSIBLE_PIPELINING="1" if pipelining else "0")
    if sshd is not None:
        env.update(
            ANSIBLE_SSH_CONTROL_PATH_DIR=str(sshd.base / "cp"),
            ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null"
            " -o StrictHostKeyChecking=no",
        )
    command = [
        str(BIN_DIR / "ansible-playbook"),
        "-i",
        str(inventory(work / "inventory.yml", sshd)),
        str(playbook),
    ]
    runs = []
    for expect_changed in (True, False):
        run_checked(command, env=env)
        found = json.loads(report.read_text())
        if found["copy_changed"] is not expect_changed or found["ours_changed"] is not expect_changed:
            raise SystemExit(f"expected changed={expect_changed} from both tools, got {found}")
        runs.append(Pair(found["copy"], found["ours"]))
    installed = root / "modules" / "servers" / "smartermail"
    for path in (p for p in src.rglob("*") if p.is_file()):
        relative = path.relative_to(src)
        if (installed / relative).read_bytes() != path.read_bytes() or not (copy_dest / relative).is_file():
            raise SystemExit(f"{relative} was not installed by both tools")
    return runs[0], runs[1]


def line(label: str, phase: str, pair: Pair) -> str:
    return (
        f"{label:<24} {phase:<9} copy {pair.copy:6.2f} s  ours {pair.ours:5.2f} s  "
        f"ours/theirs {pair.ours / pair.copy:4.2f}  ({pair.speedup:.1f}x faster)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--extra-files",
        type=int,
        default=max(0, TREE_FILES - fixture_file_count()),
        help=f"generated files added to the fixture module's (default: {TREE_FILES} files in all)",
    )
    parser.add_argument(
        "--pipelining-off",
        action="store_true",
        help="also measure SSH without pipelining (Ansible's default; adds ~2 minutes)",
    )
    options = parser.parse_args()
    results: dict[str, tuple[Pair, Pair]] = {}
    with tempfile.TemporaryDirectory(prefix="smw-bench-module-") as temp:
        work = Path(temp)
        src = make_tree(work, options.extra_files)
        files = sum(1 for p in src.rglob("*") if p.is_file())
        folders = sum(1 for p in src.rglob("*") if p.is_dir())
        size = sum(p.stat().st_size for p in src.rglob("*") if p.is_file())
        with private_sshd() as sshd:
            results["ssh (pipelining on)"] = measure(work, src, sshd, pipelining=True)
            if options.pipelining_off:
                results["ssh (pipelining off)"] = measure(work, src, sshd, pipelining=False)
        results["local"] = measure(work, src, None, pipelining=False)
    print(
        f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)"
    )
    print(f"tree: {files} files in {folders} folders, {size // 1024} KiB; task times inside the play")
    for label, (first, again) in results.items():
        print(line(label, "first", first))
        print(line(label, "no-op", again))
    ssh_first = min(results[k][0].speedup for k in results if k.startswith("ssh"))
    ssh_noop = min(results[k][1].speedup for k in results if k.startswith("ssh"))
    print(
        f"target first run over SSH >= 3x faster: worst {ssh_first:.1f}x -> {'met' if ssh_first >= 3 else 'MISSED'}"
    )
    print(
        f"target no-op re-run >= 5x faster: worst {ssh_noop:.1f}x over SSH -> {'met' if ssh_noop >= 5 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
