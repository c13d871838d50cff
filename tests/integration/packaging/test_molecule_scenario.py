"""The shipped Molecule scenario (extensions/molecule/default) runs here with the delegated driver.

Molecule runs in a copy of the collection's content (its ephemeral files stay in tmp_path, the
checkout stays clean), with a provider variables file, step by step so the test can look at the
sandbox between verify and destroy: converge (create + converge), idempotence, verify, destroy.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fixtures.ansible_runner import BIN_DIR, ansible_env
from fixtures.repo import REPO
from fixtures.sandbox_db import connect_as_whmcs

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (BIN_DIR / "molecule").exists(), reason="molecule is not installed (test extras)"),
]

COLLECTION_CONTENT = ("galaxy.yml", "meta", "plugins", "roles", "playbooks", "extensions", "README.md")
PROVIDER_VARS = {
    "smartermail_servers": [
        # hostname and password are the provider's real ones: the scenario must re-point them.
        {
            "name": "ci-mail1",
            "hostname": "mail1.provider.invalid",
            "password": "never-used",
            "max_accounts": 350,
        }
    ],
    "smartermail_products": [
        {
            "name": "CI Mail 5 GB",
            "group": "CI Email",
            "monthly_price": 3.5,
            "currency": "USD",
            "options": {"gb_per_tranche": 5},
        }
    ],
    "whmcs_cron": {"schedule": "*/10 * * * *"},
    "ansible_connection": "ssh",  # pinned to the sandbox's: must not win
}


def molecule(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN_DIR / "molecule"), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def sandbox_dir() -> Iterator[Path]:
    # Short: MariaDB's socket lives in it (Unix socket paths are limited to 108 bytes).
    path = Path(tempfile.mkdtemp(prefix="smw-mol-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_molecule_converge_idempotence_verify_destroy_with_provider_vars(
    tmp_path: Path, sandbox_dir: Path
) -> None:
    project = tmp_path / "collection"
    project.mkdir()
    for name in COLLECTION_CONTENT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copy2(source, project / name)
    vars_file = tmp_path / "provider.yml"
    vars_file.write_text(yaml.safe_dump(PROVIDER_VARS))
    env = ansible_env(
        MOLECULE_EPHEMERAL_DIRECTORY=str(tmp_path / "ephemeral"),
        SMARTERMAIL_MOLECULE_SANDBOX_DIR=str(sandbox_dir / "box"),
        SMARTERMAIL_MOLECULE_VARS=str(vars_file),
        SMARTERMAIL_MOLECULE_HOSTS="2",
        SMARTERMAIL_MOLECULE_CLI=str(BIN_DIR / "smartermail-whmcs"),
        NO_COLOR="1",
    )
    try:
        for step in ("converge", "idempotence", "verify"):
            done = molecule(project, env, step)
            assert done.returncode == 0, (
                f"molecule {step} failed:\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
            )
            assert f"{step}: Executed: Successful" in done.stdout + done.stderr

        state = json.loads((sandbox_dir / "box" / "sandbox.json").read_text())
        inventory = yaml.safe_load(
            (tmp_path / "ephemeral" / "inventory" / "smartermail_sandbox.yml").read_text()
        )
        group_vars = inventory["all"]["children"]["whmcs"]["vars"]
        assert group_vars["ansible_connection"] == "local"
        assert group_vars["whmcs_cron"]["schedule"] == "*/10 * * * *"
        [server] = group_vars["smartermail_servers"]
        assert server["name"] == "ci-mail1" and server["max_accounts"] == 350
        assert (server["hostname"], server["port"]) == ("127.0.0.1", state["simulator"]["port"])
        assert server["password"] == state["simulator"]["sysadmin"]["password"]

        for host in state["hosts"]:
            with connect_as_whmcs(Path(host["whmcs_root"])) as connection, connection.cursor() as cursor:
                cursor.execute("SELECT name, maxaccounts FROM tblservers WHERE type = 'smartermail'")
                assert cursor.fetchall() == (("ci-mail1", 350),)
                cursor.execute("SELECT name FROM tblproducts WHERE servertype = 'smartermail'")
                assert cursor.fetchall() == (("CI Mail 5 GB",),)
            assert (Path(host["whmcs_root"]) / "modules/servers/smartermail/smartermail.php").is_file()
    finally:
        destroyed = molecule(project, env, "destroy")
    assert destroyed.returncode == 0, destroyed.stdout[-4000:] + destroyed.stderr[-2000:]
    assert not (sandbox_dir / "box").exists()
    assert not (tmp_path / "ephemeral" / "inventory" / "smartermail_sandbox.yml").exists()
