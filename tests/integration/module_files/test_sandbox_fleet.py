"""The module_files role against a 3-host sandbox fleet (inventory written by `sandbox up`)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from fixtures.ansible_runner import BIN_DIR, ansible_env
from fixtures.sandbox import sandbox

pytestmark = pytest.mark.slow


def run_role(tmp_path: Path, inventory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    play = [
        {
            "name": "Module files on every sandbox host",
            "hosts": "whmcs",
            "gather_facts": False,
            "roles": [{"role": "astral360.smartermail.module_files"}],
        }
    ]
    playbook = tmp_path / "module_files.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    return subprocess.run(
        [str(BIN_DIR / "ansible-playbook"), "-i", str(inventory), str(playbook), "--forks", "3", *args],
        capture_output=True,
        text=True,
        env=ansible_env(),
        timeout=300,
        check=False,
    )


def test_fleet_converges_then_stays_put(tmp_path: Path) -> None:
    with sandbox(hosts=3) as info:
        source = Path(
            yaml.safe_load(info.inventory.read_text())["all"]["children"]["whmcs"]["vars"][
                "smartermail_module_src"
            ]
        )
        first = run_role(tmp_path, info.inventory)
        assert first.returncode == 0, first.stdout + first.stderr
        for host in info.hosts:
            # ok: the arguments check, the files, the OPcache handler the change notified.
            recap = rf"{host['name']}\s+: ok=3\s+changed=1\s+unreachable=0\s+failed=0"
            assert re.search(recap, first.stdout), first.stdout
            target = info.root(host["name"]) / "modules" / "servers" / "smartermail"
            for path in (p for p in source.rglob("*") if p.is_file()):
                assert (target / path.relative_to(source)).read_bytes() == path.read_bytes()
        again = run_role(tmp_path, info.inventory)
        assert again.returncode == 0 and again.stdout.count("changed=0") == 3, again.stdout
        check = run_role(tmp_path, info.inventory, "--check")
        assert check.returncode == 0 and check.stdout.count("changed=0") == 3, check.stdout
