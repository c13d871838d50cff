"""Bad-input suite, WHMCS side: broken configuration.php files through the CLI, and malformed Ansible
variables through the install playbook against one shared sandbox.

- configuration.php: ``verify --from-whmcs`` and ``billing --whmcs-root`` exit 2 (the tree the user
  named cannot be read: a usage/configuration error); ``verify --whmcs-root`` exits 1, because there
  the tree is one of the things checked and the whmcs-version check fails with the same sentence.
- Ansible variables: the run fails on the host, the message names the variable, and nothing on the
  host changed (database rows, files, crontab).
"""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fixtures.cli import run_cli
from fixtures.install import host_snapshot, run_playbook
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.simulator import RunningSimulator, start_simulator
from fixtures.verify_cli import run_verify
from fixtures.working_tree import use_working_tree_collection  # noqa: F401 - fixture

INSTALL = "astral360.smartermail.install"
HOST = "whmcs1"
PASSWORD = "Whmcs-Bad-Input-Secret-5513"

GOOD_LINES = {
    "db_host": "$db_host = '127.0.0.1';",
    "db_name": "$db_name = 'whmcs';",
    "db_username": "$db_username = 'whmcs';",
    "db_password": "$db_password = 'DbPass-Bad-Input-0042';",
    "cc": "$cc_encryption_hash = 'CcHash-Bad-Input-0042';",
}


def php_file(*, drop: str = "", replace: dict[str, str] | None = None) -> bytes:
    lines = {**GOOD_LINES, **(replace or {})}
    return ("<?php\n" + "\n".join(v for k, v in lines.items() if k != drop) + "\n").encode()


CONFIG_PHP_CASES = [
    ("syntax-error", php_file(replace={"db_host": "$db_host = '127.0.0.1'"}), "syntax error"),
    ("missing-db-name", php_file(drop="db_name"), "$db_name is not set"),
    ("binary-garbage", bytes(range(256)) * 4, "is not set"),
    ("empty-file", b"", "$db_host is not set"),
    ("getenv-password", php_file(replace={"db_password": "$db_password = getenv('NO_SUCH_VAR');"}), "getenv"),
    ("not-php", b"db_host=127.0.0.1\ndb_name=whmcs\n", "is not set"),
    ("a-directory", None, "is a directory"),
]


def whmcs_tree(base: Path, content: bytes | None) -> Path:
    root = base / "whmcs"
    (root / "modules" / "servers").mkdir(parents=True)
    (root / "crons").mkdir()
    if content is None:
        (root / "configuration.php").mkdir()
    else:
        (root / "configuration.php").write_bytes(content)
    return root


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args)


def assert_clean(done: subprocess.CompletedProcess[str], code: int, *phrases: str) -> None:
    text = done.stdout + done.stderr
    assert done.returncode == code, text
    assert "Traceback" not in text
    for phrase in phrases:
        assert phrase.lower() in text.lower(), text
    for secret in ("DbPass-Bad-Input-0042", "CcHash-Bad-Input-0042", PASSWORD):
        assert secret not in text


@pytest.mark.parametrize(
    ("content", "phrase"), [c[1:] for c in CONFIG_PHP_CASES], ids=[c[0] for c in CONFIG_PHP_CASES]
)
def test_broken_configuration_php_exits_2_from_whmcs_and_billing(
    tmp_path: Path, content: bytes | None, phrase: str
) -> None:
    root = whmcs_tree(tmp_path, content)
    php_path = ["--php", "/nonexistent/php"] if phrase == "getenv" else []  # the strict parser's path
    assert_clean(run_verify("--from-whmcs", str(root), *php_path), 2, phrase, "--from-whmcs")
    if not php_path:
        assert_clean(cli("billing", "--whmcs-root", str(root)), 2, phrase, "--whmcs-root")


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    with start_simulator("--sysadmin", f"admin:{PASSWORD}") as running:
        yield running


@pytest.mark.parametrize("case", ["syntax-error", "missing-db-name", "binary-garbage"])
def test_broken_configuration_php_fails_the_whmcs_version_check(
    tmp_path: Path, sim: RunningSimulator, case: str
) -> None:
    _, content, phrase = next(c for c in CONFIG_PHP_CASES if c[0] == case)
    root = whmcs_tree(tmp_path, content)
    host, port = sim.host_port
    done = run_verify(
        "--host", host, "--port", str(port), "--no-secure", "--username", "admin", "--no-canary",
        "--whmcs-root", str(root), "--format", "json", env={"SMARTERMAIL_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert_clean(done, 1)
    checks = {c["id"]: c for c in json.loads(done.stdout)["checks"]}
    assert checks["whmcs-version"]["status"] == "fail"
    assert phrase.lower() in checks["whmcs-version"]["summary"].lower(), checks["whmcs-version"]
    assert checks["whmcs-version"]["hint"]
    assert checks["credentials"]["status"] == "pass"  # the SmarterMail side is fine
    assert checks["module-files"]["status"] == "skip"


# ---- Ansible variables through the install playbook ------------------------------------------


@pytest.fixture(scope="module")
def box(use_working_tree_collection: None) -> Iterator[SandboxInfo]:  # noqa: F811 - fixture
    with sandbox(hosts=1) as info:
        yield info


def group_vars(box: SandboxInfo) -> dict[str, Any]:
    return yaml.safe_load(box.inventory.read_text())["all"]["children"]["whmcs"]["vars"]


def server_with(box: SandboxInfo, **changes: Any) -> dict[str, Any]:
    servers = copy.deepcopy(group_vars(box)["smartermail_servers"])
    servers[0].update(changes)
    return {"smartermail_servers": servers}


def server_without(box: SandboxInfo, key: str) -> dict[str, Any]:
    servers = copy.deepcopy(group_vars(box)["smartermail_servers"])
    del servers[0][key]
    return {"smartermail_servers": servers}


def product_with(box: SandboxInfo, **changes: Any) -> dict[str, Any]:
    products = copy.deepcopy(group_vars(box)["smartermail_products"])
    products[0].update(changes)
    return {"smartermail_products": products}


ANSIBLE_CASES: list[tuple[str, Any, str]] = [
    ("servers-not-a-list", lambda b: {"smartermail_servers": "mail1.example.com"}, "smartermail_servers"),
    ("server-without-name", lambda b: server_without(b, "name"), "name"),
    ("secure-maybe", lambda b: server_with(b, secure="maybe"), "secure"),
    ("port-abc", lambda b: server_with(b, port="abc"), "port"),
    ("negative-price", lambda b: product_with(b, monthly_price=-5), "monthly_price"),
    ("unknown-currency", lambda b: product_with(b, currency="XXX"), "XXX"),
    ("options-not-a-dict", lambda b: product_with(b, options=["gb_per_tranche", 10]), "options"),
    (
        "cron-schedule-garbage",
        lambda b: {"whmcs_cron": {"schedule": "every five minutes"}},
        "whmcs_cron.schedule",
    ),
    (
        "module-src-missing",
        lambda b: {"smartermail_module_src": "/nonexistent/smartermail"},
        "smartermail_module_src",
    ),
]


@pytest.mark.parametrize(
    ("make", "phrase"), [c[1:] for c in ANSIBLE_CASES], ids=[c[0] for c in ANSIBLE_CASES]
)
def test_bad_ansible_variable_fails_naming_it_and_changes_nothing(
    box: SandboxInfo, tmp_path: Path, make: Any, phrase: str
) -> None:
    before = host_snapshot(box, HOST)
    run = run_playbook(box, INSTALL, extra_vars=make(box), tmp_path=tmp_path)
    assert run.returncode != 0, run.output[-3000:]
    assert run.failed(HOST) == 1, run.recap
    assert phrase in run.output, run.output[-3000:]
    assert "Traceback" not in run.output
    assert host_snapshot(box, HOST) == before
