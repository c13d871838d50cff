"""astral360.smartermail.whmcs_server through real ansible-playbook runs against a sandbox WHMCS database."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.password_crypto import (
    whmcs_decrypt,
    whmcs_encrypt,
)
from fixtures.ansible_runner import PlaybookRun, run_module
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import add_service, query

pytestmark = pytest.mark.slow

PASSWORD = "Sm-Admin-Pass-4711"
EMPTY_TEXT = (
    "assignedips",
    "noc",
    "statusaddress",
    *(f"nameserver{n}{suffix}" for n in range(1, 6) for suffix in ("", "ip")),
    "accesshash",
)


@pytest.fixture(scope="module")
def shared_box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        yield info


@pytest.fixture
def box(shared_box: SandboxInfo) -> SandboxInfo:
    """The module's sandbox with the tables these tests touch emptied first."""
    for table in ("tblhosting", "tblservergroupsrel", "tblservergroups", "tblservers"):
        query(shared_box, f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    return shared_box


def snapshot(box: SandboxInfo) -> dict[str, list[dict[str, Any]]]:
    return {
        table: query(box, f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - fixed table names
        for table in ("tblservers", "tblservergroups", "tblservergroupsrel")
    }


def server_row(box: SandboxInfo, name: str) -> dict[str, Any]:
    rows = query(box, "SELECT * FROM tblservers WHERE name = %s", name)
    assert len(rows) == 1, rows
    return rows[0]


def cc_hash(box: SandboxInfo) -> str:
    return box.hosts[0]["cc_encryption_hash"]


def run_server(tmp_path: Path, box: SandboxInfo, *extra_args: str, **args: Any) -> PlaybookRun:
    task_args: dict[str, Any] = {
        "whmcs_root": str(box.root("whmcs1")),
        "name": "mail1",
        "hostname": "mail1.example.com",
        "username": "admin",
        "password": PASSWORD,
    }
    task_args.update(args)
    task_args = {key: value for key, value in task_args.items() if value is not None}
    return run_module(
        tmp_path,
        "astral360.smartermail.whmcs_server",
        task_args,
        register="server",
        name="Manage the server",
        extra_args=list(extra_args),
    )


def test_create_writes_every_column(tmp_path: Path, box: SandboxInfo) -> None:
    run = run_server(tmp_path, box, port=10443, ip_address="192.0.2.10", max_accounts=350)
    assert run.returncode == 0, run.output
    assert run.results["changed"] is True and run.results["action"] == "create"
    row = server_row(box, "mail1")
    assert run.results["server_id"] == row["id"]
    ciphertext = row.pop("password")
    expected = {
        "id": row["id"],
        "name": "mail1",
        "ipaddress": "192.0.2.10",
        "hostname": "mail1.example.com",
        "monthlycost": Decimal("0.00"),
        "maxaccounts": 350,
        "type": "smartermail",
        "username": "admin",
        "secure": "on",
        "port": 10443,
        "active": 1,
        "disabled": 0,
        **dict.fromkeys(EMPTY_TEXT, ""),
    }
    assert row == expected
    assert ciphertext != PASSWORD
    assert whmcs_decrypt(ciphertext, cc_hash(box)) == PASSWORD


def test_second_run_changes_nothing(tmp_path: Path, box: SandboxInfo) -> None:
    assert run_server(tmp_path, box).results["changed"] is True
    before = snapshot(box)
    again = run_server(tmp_path, box)
    assert again.returncode == 0, again.output
    assert again.results["changed"] is False and again.results["action"] == "none"
    assert again.results["changed_fields"] == []
    assert snapshot(box) == before  # not even the ciphertext is rewritten


def test_check_mode_on_fresh_plans_and_writes_nothing(tmp_path: Path, box: SandboxInfo) -> None:
    before = snapshot(box)
    run = run_server(tmp_path, box, "--check", "--diff", server_group={"name": "SM", "fill_type": 2})
    assert run.returncode == 0, run.output
    assert run.results["changed"] is True and run.results["action"] == "create"
    assert run.results["server_id"] is None
    assert "server_group" in run.results["changed_fields"]
    assert '"hostname": "mail1.example.com"' in run.output  # the diff shows the planned row
    assert snapshot(box) == before


def test_check_mode_on_converged_reports_no_change(tmp_path: Path, box: SandboxInfo) -> None:
    run_server(tmp_path, box, server_group={"name": "SM"})
    before = snapshot(box)
    run = run_server(tmp_path, box, "--check", server_group={"name": "SM"})
    assert run.results["changed"] is False, run.results
    assert snapshot(box) == before


def test_password_change_is_masked_everywhere(tmp_path: Path, box: SandboxInfo) -> None:
    run_server(tmp_path, box)
    before = server_row(box, "mail1")
    new_password = "Brand-New-Pass-0815"
    run = run_server(tmp_path, box, "-vvv", "--diff", password=new_password)
    assert run.returncode == 0, run.output
    assert run.results["changed"] is True
    assert run.results["changed_fields"] == ["password"]
    assert run.results["password_changed"] is True
    assert run.results["diff"]["after"]["password"] == "******** (changed)"
    assert run.results["diff"]["before"]["password"] == "********"
    for secret in (PASSWORD, new_password, cc_hash(box)):
        assert secret not in run.output
        assert secret not in str(run.results)
    after = server_row(box, "mail1")
    assert whmcs_decrypt(after.pop("password"), cc_hash(box)) == new_password
    before.pop("password")
    assert after == before


def test_same_password_with_another_ciphertext_is_no_change(tmp_path: Path, box: SandboxInfo) -> None:
    run_server(tmp_path, box)
    other_ciphertext = whmcs_encrypt(PASSWORD, cc_hash(box))
    assert other_ciphertext != server_row(box, "mail1")["password"]
    query(box, "UPDATE tblservers SET password = %s WHERE name = 'mail1'", other_ciphertext)
    run = run_server(tmp_path, box)
    assert run.results["changed"] is False, run.results
    assert server_row(box, "mail1")["password"] == other_ciphertext


def test_changing_one_field_changes_only_that(tmp_path: Path, box: SandboxInfo) -> None:
    run_server(tmp_path, box)
    before = server_row(box, "mail1")
    run = run_server(tmp_path, box, "--diff", max_accounts=20)
    assert run.results["changed_fields"] == ["maxaccounts"]
    assert run.results["diff"]["before"]["maxaccounts"] == 200
    assert run.results["diff"]["after"]["maxaccounts"] == 20
    after = server_row(box, "mail1")
    assert after.pop("maxaccounts") == 20
    before.pop("maxaccounts")
    assert after == before


@pytest.mark.parametrize(
    ("port", "secure", "stored"), [(443, True, None), (9998, False, None), (443, False, 443)]
)
def test_port_equal_to_the_module_default_is_null(
    tmp_path: Path, box: SandboxInfo, port: int, secure: bool, stored: int | None
) -> None:
    run = run_server(tmp_path, box, port=port, secure=secure)
    assert run.returncode == 0, run.output
    row = server_row(box, "mail1")
    assert row["port"] == stored
    assert row["secure"] == ("on" if secure else "")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ({"port": 70000}, "port"),
        ({"hostname": "https://mail1.example.com/"}, "hostname"),
        ({"server_group": {"name": "SM", "fill_type": "random"}}, "server_group.fill_type"),
        ({"password": None}, "password"),
    ],
)
def test_bad_input_fails_naming_it_and_writes_nothing(
    tmp_path: Path, box: SandboxInfo, args: dict[str, Any], named: str
) -> None:
    before = snapshot(box)
    run = run_server(tmp_path, box, **args)
    assert run.results["failed"] is True
    assert named in run.results["msg"], run.results["msg"]
    assert snapshot(box) == before


def test_only_the_first_server_becomes_the_default(tmp_path: Path, box: SandboxInfo) -> None:
    # Another module's default server must not count.
    query(
        box,
        "INSERT INTO tblservers (name, ipaddress, assignedips, hostname, noc, statusaddress, nameserver1, "
        "nameserver1ip, nameserver2, nameserver2ip, nameserver3, nameserver3ip, nameserver4, nameserver4ip, "
        "nameserver5, nameserver5ip, type, username, password, accesshash, secure, active, disabled) "
        "VALUES ('cp', '', '', 'cp.example.com', '', '', '', '', '', '', '', '', '', '', '', '', 'cpanel', "
        "'root', '', '', 'on', 1, 0)",
    )
    run_server(tmp_path, box, name="mail1")
    run_server(tmp_path, box, name="mail2", hostname="mail2.example.com")
    assert server_row(box, "mail1")["active"] == 1
    assert server_row(box, "mail2")["active"] == 0
    # Updating mail2 never takes the default from mail1.
    run = run_server(tmp_path, box, name="mail2", hostname="mail2.example.com", max_accounts=10)
    assert run.results["changed_fields"] == ["maxaccounts"]
    assert server_row(box, "mail2")["active"] == 0
    # With no smartermail default left (e.g. an admin cleared it), the next run takes it.
    query(box, "UPDATE tblservers SET active = 0 WHERE name = 'mail1'")
    run = run_server(tmp_path, box, name="mail2", hostname="mail2.example.com", max_accounts=10)
    assert run.results["changed_fields"] == ["active"]
    assert server_row(box, "mail2")["active"] == 1
    assert server_row(box, "cp")["active"] == 1


def test_server_group_and_relation(tmp_path: Path, box: SandboxInfo) -> None:
    run = run_server(tmp_path, box, server_group={"name": "SmarterMail", "fill_type": "fill_until_full"})
    server_id = run.results["server_id"]
    groups = query(box, "SELECT id, name, filltype FROM tblservergroups")
    assert [(g["name"], g["filltype"]) for g in groups] == [("SmarterMail", 2)]
    relations = query(box, "SELECT groupid, serverid FROM tblservergroupsrel")
    assert relations == [{"groupid": groups[0]["id"], "serverid": server_id}]
    again = run_server(tmp_path, box, server_group={"name": "SmarterMail", "fill_type": 2})
    assert again.results["changed"] is False
    switched = run_server(tmp_path, box, server_group={"name": "SmarterMail", "fill_type": 1})
    assert switched.results["changed_fields"] == ["server_group"]
    assert query(box, "SELECT filltype FROM tblservergroups") == [{"filltype": 1}]
    assert len(query(box, "SELECT id FROM tblservergroupsrel")) == 1


def test_name_of_another_module_server_is_refused(tmp_path: Path, box: SandboxInfo) -> None:
    run_server(tmp_path, box, name="taken")
    query(box, "UPDATE tblservers SET type = 'cpanel' WHERE name = 'taken'")
    before = snapshot(box)
    run = run_server(tmp_path, box, name="taken", max_accounts=5)
    assert run.results["failed"] is True
    assert "cpanel" in run.results["msg"] and "name" in run.results["msg"]
    assert snapshot(box) == before


def test_absent_is_refused_while_a_service_uses_the_server(tmp_path: Path, box: SandboxInfo) -> None:
    server_id = run_server(tmp_path, box, server_group={"name": "SM"}).results["server_id"]
    add_service(box, server_id=server_id)
    before = snapshot(box)
    refused = run_server(tmp_path, box, state="absent", password=None, hostname=None, username=None)
    assert refused.results["failed"] is True
    assert refused.results["services"] == 1
    assert "1 service(s)" in refused.results["msg"]
    assert snapshot(box) == before

    query(box, "DELETE FROM tblhosting")
    checked = run_server(
        tmp_path, box, "--check", state="absent", password=None, hostname=None, username=None
    )
    assert checked.results["changed"] is True
    assert snapshot(box) == before
    removed = run_server(tmp_path, box, state="absent", password=None, hostname=None, username=None)
    assert removed.results["changed"] is True and removed.results["action"] == "delete"
    assert query(box, "SELECT id FROM tblservers") == []
    assert query(box, "SELECT id FROM tblservergroupsrel") == []
    gone = run_server(tmp_path, box, state="absent", password=None, hostname=None, username=None)
    assert gone.results["changed"] is False


def test_servers_are_removed_all_or_none(tmp_path: Path, box: SandboxInfo) -> None:
    ids = [
        run_server(tmp_path, box, name=name, server_group={"name": "SM"}).results["server_id"]
        for name in ("mail-a", "mail-b")
    ]

    def remove_both() -> Any:
        absent = dict(name=None, password=None, hostname=None, username=None, state="absent")
        return run_server(tmp_path, box, names=["mail-a", "mail-b"], **absent).results

    add_service(box, server_id=ids[1])
    before = snapshot(box)
    refused = remove_both()
    assert refused["failed"] is True
    assert refused["msg"].startswith("1 of the 2 servers cannot be removed, so none was removed: ")
    assert "'mail-b'" in refused["msg"] and "'mail-a'" not in refused["msg"]
    assert snapshot(box) == before

    query(box, "DELETE FROM tblhosting")
    removed = remove_both()
    assert removed["changed"] is True and removed["action"] == "delete"
    assert [entry["server_id"] for entry in removed["removed"]] == ids
    assert (
        query(box, "SELECT id FROM tblservers") == []
        and query(box, "SELECT id FROM tblservergroupsrel") == []
    )
