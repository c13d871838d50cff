"""The `server` role through real ansible-playbook runs with the sandbox inventory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import whmcs_decrypt
from fixtures.install import play_role
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import query

pytestmark = pytest.mark.slow


@pytest.fixture
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        yield info


TABLES = ("tblservers", "tblservergroups", "tblservergroupsrel")


def snapshot(box: SandboxInfo) -> list[list[dict[str, Any]]]:
    return [query(box, f"SELECT * FROM {table} ORDER BY id") for table in TABLES]  # noqa: S608 - fixed names


def run_role(
    tmp_path: Path, box: SandboxInfo, *args: str, extra_vars: dict[str, Any] | None = None
) -> tuple[int, str, dict[str, int]]:
    run = play_role(box, "astral360.smartermail.server", *args, extra_vars=extra_vars, tmp_path=tmp_path)
    return run.returncode, run.output, run.recap.get("whmcs1", {})


def test_check_converge_again_and_check_again(tmp_path: Path, box: SandboxInfo) -> None:
    inventory = yaml.safe_load(box.inventory.read_text())["all"]["children"]["whmcs"]["vars"]
    server = inventory["smartermail_servers"][0]
    group = {"smartermail_server_group": {"name": "SmarterMail", "fill_type": "fill_until_full"}}

    fresh = snapshot(box)
    rc, output, recap = run_role(tmp_path, box, "--check", "--diff", extra_vars=group)
    assert rc == 0, output
    assert recap["changed"] == 1
    assert '"hostname": "127.0.0.1"' in output and '"server_group"' in output
    assert snapshot(box) == fresh

    rc, output, recap = run_role(tmp_path, box, "-vvv", "--diff", extra_vars=group)
    assert rc == 0, output
    assert recap["changed"] == 1
    assert server["password"] not in output
    rows = query(box, "SELECT * FROM tblservers")
    assert len(rows) == 1
    row = rows[0]
    assert whmcs_decrypt(row["password"], box.hosts[0]["cc_encryption_hash"]) == server["password"]
    assert (row["name"], row["hostname"], row["type"], row["username"]) == (
        server["name"],
        server["hostname"],
        "smartermail",
        server["username"],
    )
    assert row["port"] == (None if server["port"] == 9998 else server["port"])
    assert row["secure"] == ("on" if server["secure"] else "")
    assert (row["maxaccounts"], row["active"], row["disabled"]) == (server["max_accounts"], 1, 0)
    assert [(g["name"], g["filltype"]) for g in query(box, "SELECT * FROM tblservergroups")] == [
        ("SmarterMail", 2)
    ]
    assert [r["serverid"] for r in query(box, "SELECT * FROM tblservergroupsrel")] == [row["id"]]

    converged = snapshot(box)
    rc, output, recap = run_role(tmp_path, box, extra_vars=group)
    assert (rc, recap["changed"]) == (0, 0), output
    rc, output, recap = run_role(tmp_path, box, "--check", extra_vars=group)
    assert (rc, recap["changed"]) == (0, 0), output
    assert snapshot(box) == converged


def test_bad_port_fails_naming_it_and_writes_nothing(tmp_path: Path, box: SandboxInfo) -> None:
    server = yaml.safe_load(box.inventory.read_text())["all"]["children"]["whmcs"]["vars"][
        "smartermail_servers"
    ][0]
    before = snapshot(box)
    rc, output, recap = run_role(
        tmp_path, box, extra_vars={"smartermail_servers": [dict(server, port=70000)]}
    )
    assert rc != 0 and recap["failed"] == 1
    assert "port 70000" in output
    assert server["password"] not in output
    assert snapshot(box) == before


def test_duplicate_names_and_bad_types_are_refused_before_any_change(
    tmp_path: Path, box: SandboxInfo
) -> None:
    server = yaml.safe_load(box.inventory.read_text())["all"]["children"]["whmcs"]["vars"][
        "smartermail_servers"
    ][0]
    before = snapshot(box)
    rc, output, _ = run_role(
        tmp_path, box, extra_vars={"smartermail_servers": [server, dict(server, hostname="x")]}
    )
    assert rc != 0 and "each server needs its own name" in output
    rc, output, _ = run_role(
        tmp_path, box, extra_vars={"smartermail_servers": [dict(server, secure="maybe")]}
    )
    assert rc != 0 and "secure" in output
    assert server["password"] not in output
    assert snapshot(box) == before
