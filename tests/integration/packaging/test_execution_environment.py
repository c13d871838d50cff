"""execution-environment.yml: the definition lists the collection and its deps, and ansible-builder
turns it into a build context (`ansible-builder create` needs no container engine)."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml
from fixtures.ansible_runner import BIN_DIR, ansible_env
from fixtures.repo import REPO

COLLECTION_CONTENT = (
    "galaxy.yml", "meta", "plugins", "roles", "playbooks", "README.md",
    "requirements.txt", "bindep.txt", "execution-environment.yml",
)  # fmt: skip


def requirement_names(text: str) -> set[str]:
    names = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(
                line.split("[", 1)[0].split(">", 1)[0].split("=", 1)[0].split("<", 1)[0].strip().lower()
            )
    return names


def galaxy_version() -> str:
    return str(yaml.safe_load((REPO / "galaxy.yml").read_text())["version"])


def test_definition_lists_the_collection_and_its_dependencies() -> None:
    definition = yaml.safe_load((REPO / "execution-environment.yml").read_text())
    assert definition["version"] == 3
    assert definition["images"]["base_image"]["name"]
    dependencies = definition["dependencies"]
    assert requirement_names((REPO / dependencies["python"]).read_text()) >= {"httpx", "pymysql"}
    assert requirement_names((REPO / dependencies["system"]).read_text()) >= {"php-cli", "mariadb-client"}
    [collection] = dependencies["galaxy"]["collections"]
    # The tarball ansible-galaxy collection build names after galaxy.yml: a version bump must follow.
    assert collection == {"name": f"ee-build/astral360-smartermail-{galaxy_version()}.tar.gz", "type": "file"}

    meta = yaml.safe_load((REPO / "meta" / "execution-environment.yml").read_text())
    assert (REPO / meta["dependencies"]["python"]).is_file()
    assert (REPO / meta["dependencies"]["system"]).is_file()


@pytest.mark.skipif(
    not (BIN_DIR / "ansible-builder").exists(), reason="ansible-builder is not installed (test extras)"
)
def test_ansible_builder_create_writes_a_context_with_the_collection_and_deps(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in COLLECTION_CONTENT:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    env = ansible_env()
    built = subprocess.run(
        [str(BIN_DIR / "ansible-galaxy"), "collection", "build", "--output-path", "ee-build/"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    created = subprocess.run(
        [str(BIN_DIR / "ansible-builder"), "create", "--output-filename", "Containerfile"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert created.returncode == 0, created.stdout + created.stderr

    build = project / "context" / "_build"
    assert requirement_names((build / "requirements.txt").read_text()) >= {"httpx", "pymysql"}
    assert requirement_names((build / "bindep.txt").read_text()) >= {"php-cli", "mariadb-client"}
    galaxy = yaml.safe_load((build / "requirements.yml").read_text())
    [entry] = galaxy["collections"]
    tarball = build / entry["name"]
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
    assert {
        "MANIFEST.json",
        "meta/runtime.yml",
        "meta/execution-environment.yml",
        "requirements.txt",
    } <= names
    assert "playbooks/install.yml" in names and "plugins/callback/deploy_summary.py" in names
    containerfile = (project / "context" / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile
    assert "quay.io/centos/centos:stream9" in containerfile
