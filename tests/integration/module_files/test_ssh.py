"""whmcs_module_files over real SSH (a private sshd on 127.0.0.1), compared with ansible.builtin.copy.

The sshd runs from a temp dir with its own host key, config and authorized_keys file; the test
connects as the current user with a throwaway key. Timings are measured inside the play (task
start/end stamps), so ansible-playbook's own start-up does not blur the comparison. The timing
test runs with pipelining on, the setting that helps ansible.builtin.copy most (it is ~4x slower
still without it); the become test covers pipelining on and off.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fixtures.ansible_runner import BIN_DIR, ansible_env
from fixtures.repo import FIXTURE_MODULE
from fixtures.sshd import private_sshd, ssh_available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ssh_available(), reason="openssh server and client needed"),
]


@pytest.fixture(scope="module")
def sshd() -> Iterator[dict[str, Any]]:
    with private_sshd() as server:
        yield {"port": server.port, "key": str(server.client_key), "base": server.base}


def inventory(tmp_path: Path, sshd: dict[str, Any]) -> Path:
    path = tmp_path / "inventory.yml"
    host = {
        "ansible_host": "127.0.0.1",
        "ansible_port": sshd["port"],
        "ansible_user": getpass.getuser(),
        "ansible_connection": "ssh",
        "ansible_ssh_private_key_file": sshd["key"],
        "ansible_python_interpreter": sys.executable,
    }
    path.write_text(yaml.safe_dump({"all": {"hosts": {"sshhost": host}}}))
    return path


def run(
    tmp_path: Path, sshd: dict[str, Any], tasks: list[dict[str, Any]], *args: str, pipelining: str = "0"
) -> tuple[str, dict[str, Any]]:
    dump = tmp_path / "facts.json"
    dump.unlink(missing_ok=True)
    tasks = [
        *tasks,
        {
            "name": "Dump what the test reads",
            "ansible.builtin.copy": {"content": "{{ report | to_json }}", "dest": str(dump), "mode": "0600"},
            "delegate_to": "localhost",
            "connection": "local",
            "check_mode": False,
            "changed_when": False,
        },
    ]
    play = [{"name": "ssh", "hosts": "sshhost", "gather_facts": False, "tasks": tasks}]
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    env = ansible_env(
        ANSIBLE_PIPELINING=pipelining,
        ANSIBLE_SSH_CONTROL_PATH_DIR=str(sshd["base"] / "cp"),
        ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no",
    )
    done = subprocess.run(
        [str(BIN_DIR / "ansible-playbook"), "-i", str(inventory(tmp_path, sshd)), str(playbook), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output, json.loads(dump.read_text())


def make_tree(tmp_path: Path, total_files: int | None = 40) -> Path:
    """The fixture module filled up with generated language and template files to ``total_files``."""
    src = tmp_path / "src" / "smartermail"
    shutil.copytree(FIXTURE_MODULE, src)
    present = len([path for path in src.rglob("*") if path.is_file()])
    for number in range(max(0, (total_files or present) - present)):
        folder = src / ("lang" if number % 2 else "templates") / f"part{number % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"file{number}.php").write_text(f"<?php // generated {number}\n" + "x" * (number * 97))
    return src


def stamp(name: str) -> dict[str, Any]:
    return {"name": f"Stamp {name}", "ansible.builtin.set_fact": {name: "{{ now().timestamp() }}"}}


def timed_tasks(src: Path, root: Path, copy_dest: Path) -> list[dict[str, Any]]:
    return [
        stamp("t0"),
        {
            "name": "Copy the same tree with ansible.builtin.copy",
            "ansible.builtin.copy": {
                "src": f"{src}/",
                "dest": f"{copy_dest}/",
                "mode": "0644",
                "directory_mode": "0755",
            },
        },
        stamp("t1"),
        {
            "name": "Install with whmcs_module_files",
            "astral360.smartermail.whmcs_module_files": {"src": str(src), "whmcs_root": str(root)},
            "register": "files",
        },
        stamp("t2"),
        {
            "name": "Collect the report",
            "ansible.builtin.set_fact": {
                "report": {
                    "copy": "{{ t1 | float - t0 | float }}",
                    "module": "{{ t2 | float - t1 | float }}",
                    "files": "{{ files }}",
                }
            },
        },
    ]


def make_root(tmp_path: Path) -> Path:
    root = tmp_path / "whmcs"
    (root / "modules" / "servers").mkdir(parents=True)
    return root


def test_faster_than_copy_first_run_and_noop(tmp_path: Path, sshd: dict[str, Any]) -> None:
    src, root = make_tree(tmp_path), make_root(tmp_path)
    copy_dest = tmp_path / "copied"
    assert len([p for p in src.rglob("*") if p.is_file()]) == 40
    tasks = timed_tasks(src, root, copy_dest)
    _, first = run(tmp_path, sshd, tasks, pipelining="1")
    assert first["files"]["changed"] is True and first["files"]["transferred"] is True
    _, again = run(tmp_path, sshd, tasks, pipelining="1")
    assert again["files"]["changed"] is False and again["files"]["module_calls"] == 1
    for relative in (p.relative_to(src) for p in src.rglob("*") if p.is_file()):
        installed = root / "modules" / "servers" / "smartermail" / relative
        assert installed.read_bytes() == (src / relative).read_bytes()
    first_ratio = float(first["copy"]) / float(first["module"])
    noop_ratio = float(again["copy"]) / float(again["module"])
    print(f"copy vs whmcs_module_files over SSH: first {first_ratio:.1f}x, no-op {noop_ratio:.1f}x")
    assert first_ratio >= 3, first
    assert noop_ratio >= 5, again


@pytest.mark.parametrize("pipelining", ["0", "1"])
def test_over_ssh_with_become_and_pipelining(tmp_path: Path, sshd: dict[str, Any], pipelining: str) -> None:
    src, root = make_tree(tmp_path, total_files=None), make_root(tmp_path)
    tasks = [
        {
            "name": "Install with whmcs_module_files",
            "astral360.smartermail.whmcs_module_files": {
                "src": str(src),
                "whmcs_root": str(root),
                "owner": "root",
            },
            "register": "files",
            "become": True,
            "become_method": "su",
        },
        {"name": "Report", "ansible.builtin.set_fact": {"report": "{{ files }}"}},
    ]
    output, first = run(tmp_path, sshd, tasks, "-vvv", pipelining=pipelining)
    assert first["changed"] is True and first["module_calls"] == 2
    assert "ESTABLISH SSH CONNECTION" in output
    output, again = run(tmp_path, sshd, tasks, "-vvv", pipelining=pipelining)
    assert again["changed"] is False and again["transferred"] is False
    runs = [
        line for line in output.splitlines() if "Using module file" in line and "whmcs_module_files" in line
    ]
    assert len(runs) == 1
    assert "smartermail-module.tar.gz" not in output
    installed = root / "modules" / "servers" / "smartermail"
    assert sorted(p.relative_to(installed) for p in installed.rglob("*")) == sorted(
        p.relative_to(src) for p in src.rglob("*")
    )
    assert os.stat(installed / "smartermail.php").st_uid == 0
