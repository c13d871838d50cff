"""`pip install .` into a fresh venv gives the CLI and the collection; galaxy build works too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import venv
from pathlib import Path

import pytest
from fixtures.repo import REPO


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "PYTHONPATH"))}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, **kwargs)


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A brand-new venv with only `pip install <repo>` in it (dependencies from the registry)."""
    root = tmp_path_factory.mktemp("fresh-venv")
    venv.EnvBuilder(with_pip=True).create(root)
    done = run([str(root / "bin" / "pip"), "install", "-q", str(REPO)], cwd=root)
    assert done.returncode == 0, done.stderr[-3000:]
    return root


@pytest.mark.slow
def test_console_script_help(fresh_venv: Path) -> None:
    done = run([str(fresh_venv / "bin" / "smartermail-whmcs"), "--help"], cwd=fresh_venv)
    assert done.returncode == 0, done.stderr
    for command in ("simulator", "sandbox", "demo"):
        assert command in done.stdout


@pytest.mark.slow
def test_simulator_starts_from_fresh_install(fresh_venv: Path) -> None:
    proc = subprocess.Popen(
        [str(fresh_venv / "bin" / "smartermail-whmcs"), "simulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=fresh_venv,
    )
    try:
        first_line = proc.stdout.readline().strip() if proc.stdout else ""
        assert first_line.startswith("listening on http://127.0.0.1:"), first_line
        about = run(
            [
                str(fresh_venv / "bin" / "python"),
                "-c",
                "import httpx,sys; r=httpx.get(sys.argv[1]+'/api/v1/licensing/about'); print(r.json()['version'])",
                first_line.split()[-1],
            ]
        )
        assert about.returncode == 0, about.stderr
        assert about.stdout.strip().startswith("100.")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_ansible_doc_finds_module_without_galaxy(fresh_venv: Path, tmp_path: Path) -> None:
    # An empty HOME and collections path: the only copy ansible-core can find is in site-packages.
    env_prefix = ["env", f"HOME={tmp_path}", f"ANSIBLE_COLLECTIONS_PATH={tmp_path / 'none'}"]
    done = run(
        [
            *env_prefix,
            str(fresh_venv / "bin" / "ansible-doc"),
            "--json",
            "astral360.smartermail.smartermail_info",
        ],
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)["astral360.smartermail.smartermail_info"]["doc"]
    assert doc["module"] == "smartermail_info"
    assert str(fresh_venv) in doc["filename"]
    assert doc["options"]["password"]["type"] == "str"


@pytest.mark.slow
def test_ansible_playbook_finds_bundled_playbook(fresh_venv: Path, tmp_path: Path) -> None:
    done = run(
        [
            "env",
            f"HOME={tmp_path}",
            str(fresh_venv / "bin" / "ansible-playbook"),
            "--syntax-check",
            "-i",
            "localhost,",
            "astral360.smartermail.verify",
        ],
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_galaxy_collection_build(tmp_path: Path) -> None:
    galaxy = Path(sys.executable).with_name("ansible-galaxy")
    done = run([str(galaxy), "collection", "build", "--output-path", str(tmp_path), str(REPO)])
    assert done.returncode == 0, done.stdout + done.stderr
    (artifact,) = tmp_path.glob("astral360-smartermail-*.tar.gz")
    with tarfile.open(artifact) as archive:
        names = set(archive.getnames())
    assert "MANIFEST.json" in names
    assert "plugins/modules/smartermail_info.py" in names
    assert "plugins/module_utils/smartermail/client.py" in names
    assert not any(name.startswith(("verify/", "tests/", "bench/", ".ci/")) for name in names)
