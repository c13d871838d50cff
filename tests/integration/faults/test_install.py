"""Fault suite, install side: the install playbook meets SmarterMail faults, a database connection
killed mid-transaction, a module folder it may not write, and a SIGKILL of ansible-playbook.

For each fault: the failure message names it, nothing half-written remains (DB rows, module tree,
staging folders, canary domains) and the next run converges. One sandbox serves the whole module;
the tests run in file order and each leaves the host converged for the next.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pymysql
import pytest
import yaml
from fixtures.ansible_runner import BIN_DIR, ansible_env
from fixtures.install import PlaybookResult, copy_tree, host_snapshot, module_tree, run_playbook
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.sandbox_db import db_rows
from fixtures.working_tree import use_working_tree_collection  # noqa: F401 - fixture
from smartermail_whmcs.sandbox.mariadb import MariaDBServer

INSTALL = "astral360.smartermail.install"
HOST = "whmcs1"
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("use_working_tree_collection")]


@pytest.fixture(scope="module")
def box() -> Iterator[SandboxInfo]:
    with sandbox(hosts=1) as info:
        yield info


# ---- helpers ---------------------------------------------------------------------------------


def group_vars(box: SandboxInfo) -> dict[str, Any]:
    return yaml.safe_load(box.inventory.read_text())["all"]["children"]["whmcs"]["vars"]


def control(box: SandboxInfo, method: str, path: str, body: Any = None) -> Any:
    response = httpx.request(method, f"{box.simulator['url']}/__simulator/{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def add_fault(box: SandboxInfo, **rule: Any) -> None:
    control(box, "POST", "faults", rule)


def clear_faults(box: SandboxInfo) -> None:
    control(box, "DELETE", "faults")


def canary_domains(box: SandboxInfo) -> list[str]:
    return [d["name"] for d in control(box, "GET", "state")["domains"] if d["name"].startswith("smw-canary-")]


def staging_dirs(box: SandboxInfo) -> list[str]:
    return [p.name for p in (box.root(HOST) / "modules" / "servers").iterdir() if ".staging-" in p.name]


def assert_clean_failure(run: PlaybookResult, *phrases: str) -> None:
    assert run.returncode != 0, run.output[-3000:]
    assert run.failed(HOST) == 1, run.recap
    for phrase in phrases:
        assert re.search(phrase, run.output, re.IGNORECASE), f"{phrase!r} not in:\n{run.output[-3000:]}"
    assert "Traceback" not in run.output


def assert_converges(box: SandboxInfo) -> PlaybookResult:
    run = run_playbook(box, INSTALL)
    assert run.returncode == 0 and run.failed(HOST) == 0, run.output[-3000:]
    assert staging_dirs(box) == []
    assert canary_domains(box) == []
    assert len(db_rows(box, HOST, "tblservers")) == 1
    (product,) = db_rows(box, HOST, "tblproducts")
    assert len(db_rows(box, HOST, "tblpricing", f"type = 'product' AND relid = {product['id']}")) == 1
    return run


# ---- SmarterMail faults ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "phrase"),
    [
        ("http-500", r"HTTP 500"),
        ("reset", r"reset|closed the connection|disconnected"),
        ("api-disabled", r"404|HTML"),
    ],
)
def test_smartermail_fault_at_the_preflight_login_changes_nothing(
    box: SandboxInfo, fault: str, phrase: str
) -> None:
    """The first install on a fresh host: preflight's login fails, so no role writes anything."""
    before = host_snapshot(box, HOST)
    add_fault(box, fault=fault, path="auth/authenticate-user$", count=1)
    try:
        run = run_playbook(box, INSTALL)
    finally:
        clear_faults(box)
    assert_clean_failure(run, phrase, "sandbox-simulator")
    assert "Log in to each SmarterMail server" in run.output
    assert host_snapshot(box, HOST) == before


def test_first_install_converges_after_the_faults(box: SandboxInfo) -> None:
    assert_converges(box)
    again = run_playbook(box, INSTALL)
    assert again.returncode == 0 and again.changed(HOST) == 0, again.recap


@pytest.mark.parametrize(
    ("fault", "step_path", "phrase"),
    [
        ("http-500", "sysadmin/domain-put$", r"canary create step failed.*HTTP 500"),
        ("http-500", "sysadmin/manage-domain/", r"canary impersonate step failed.*HTTP 500"),
        ("reset", "sysadmin/domain-settings/", r"canary create step failed.*got no answer"),
        ("malformed-json", "sysadmin/domain/", r"canary create step failed.*not JSON"),
    ],
)
def test_smartermail_fault_in_the_verify_canary_leaves_no_domain(
    box: SandboxInfo, fault: str, step_path: str, phrase: str
) -> None:
    before = host_snapshot(box, HOST)
    add_fault(box, fault=fault, path=step_path, count=1)
    try:
        run = run_playbook(box, INSTALL, "--tags", "verify")
    finally:
        clear_faults(box)
    assert_clean_failure(run, phrase, "canary")
    assert canary_domains(box) == []
    assert host_snapshot(box, HOST) == before
    again = run_playbook(box, INSTALL, "--tags", "verify")
    assert again.returncode == 0, again.output[-3000:]
    assert canary_domains(box) == []


def test_token_expiry_mid_run_is_refreshed_and_the_install_passes(box: SandboxInfo) -> None:
    """The access token expires during verify's own reads: the client refreshes it and carries on."""
    add_fault(box, fault="expired-token", method="GET", path="sysadmin/domain-settings/", count=1)
    try:
        run = run_playbook(box, INSTALL, "--tags", "verify")
        state = control(box, "GET", "state")
    finally:
        clear_faults(box)
    assert run.returncode == 0, run.output[-3000:]
    assert [rule["fired"] for rule in state["faults"]] == [1]  # the expiry really happened
    assert any(r["path"].lower().endswith("auth/refresh-token") for r in state["requests"])
    assert canary_domains(box) == []


# ---- database connection lost mid-transaction ------------------------------------------------


def new_product_vars(box: SandboxInfo) -> dict[str, Any]:
    products = [
        *group_vars(box)["smartermail_products"],
        {"name": "Fault Product", "group": "Fault Group", "monthly_price": 3.0, "currency": "USD"},
    ]
    return {"smartermail_products": products}


def test_db_connection_killed_mid_transaction_rolls_back(box: SandboxInfo, tmp_path: Path) -> None:
    """A row lock held by the test stops the product INSERT into tblpricing after the group and the
    product rows were written in the module's transaction; the test then KILLs that connection."""
    server = MariaDBServer.load(box.directory / "mariadb")
    admin = server.root_connect(HOST)
    locker = server.root_connect(HOST)
    locker.autocommit(False)
    before = host_snapshot(box, HOST)
    with locker.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("SELECT id FROM tblpricing FOR UPDATE")  # next-key locks: inserts wait
    vars_file = tmp_path / "vars.json"
    vars_file.write_text(json.dumps(new_product_vars(box)))
    command = [str(BIN_DIR / "ansible-playbook"), "-i", str(box.inventory), INSTALL]
    command += ["--tags", "product", "-e", f"@{vars_file}"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ansible_env()
    )
    try:
        victim = wait_for_query(admin, "INSERT INTO tblpricing%", process)
        with admin.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) AS n FROM tblproducts WHERE name = 'Fault Product'")
            assert cursor.fetchone()["n"] == 0  # not committed, so not visible
            cursor.execute(f"KILL {int(victim)}")
        output = process.communicate(timeout=120)[0]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        locker.rollback()
        locker.close()
        admin.close()
    run = PlaybookResult(process.returncode, output)
    assert_clean_failure(run, r"rolled back: Lost connection to MySQL server", "Fault Product")
    assert host_snapshot(box, HOST) == before  # no product, group, pricing or slug row
    again = run_playbook(
        box, INSTALL, "--tags", "product", extra_vars=new_product_vars(box), tmp_path=tmp_path
    )
    assert again.returncode == 0 and again.changed(HOST) == 1, again.output[-3000:]
    (product,) = db_rows(box, HOST, "tblproducts", "name = 'Fault Product'")
    assert len(db_rows(box, HOST, "tblpricing", f"type = 'product' AND relid = {product['id']}")) == 1
    assert len(db_rows(box, HOST, "tblproductgroups", "name = 'Fault Group'")) == 1


def wait_for_query(
    admin: pymysql.connections.Connection, pattern: str, process: subprocess.Popen[str]
) -> int:
    """The PROCESSLIST id of the connection running a statement LIKE pattern (bounded wait)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        with admin.cursor() as cursor:
            cursor.execute("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE %s", (pattern,))
            row = cursor.fetchone()
        if row:
            return int(row["ID"])
        time.sleep(0.02)
    output = process.communicate(timeout=30)[0] if process.poll() is None else process.stdout.read()  # type: ignore[union-attr]
    raise AssertionError(f"no query {pattern!r} showed up; playbook output:\n{output[-3000:]}")


# ---- disk write refused during the module swap -----------------------------------------------


def changed_source(box: SandboxInfo, target: Path, marker: str) -> Path:
    source = copy_tree(Path(group_vars(box)["smartermail_module_src"]), target)
    hooks = source / "hooks.php"
    hooks.write_text(hooks.read_text() + f"\n// {marker}\n")
    return source


@contextlib.contextmanager
def refused_writes(servers: Path, how: str) -> Iterator[None]:
    if how == "immutable":
        if subprocess.run(["chattr", "+i", str(servers)], capture_output=True, check=False).returncode != 0:
            pytest.skip("chattr +i is not supported on this filesystem")
        undo = ["chattr", "-i", str(servers)]
    else:
        mounted = subprocess.run(
            ["mount", "--bind", "-o", "ro", str(servers), str(servers)], capture_output=True, text=True
        )
        if mounted.returncode != 0:
            pytest.skip(f"read-only bind mounts are not allowed here: {mounted.stderr.strip()}")
        undo = ["umount", str(servers)]
    try:
        yield
    finally:
        subprocess.run(undo, check=True)


@pytest.mark.parametrize(
    ("how", "phrase"), [("immutable", "not writable"), ("read-only mount", "not writable")]
)
def test_refused_write_during_the_module_swap_keeps_the_installed_tree(
    box: SandboxInfo, tmp_path: Path, how: str, phrase: str
) -> None:
    servers = box.root(HOST) / "modules" / "servers"
    source = changed_source(box, tmp_path / "module", f"release {how}")
    before = host_snapshot(box, HOST)
    with refused_writes(servers, how):
        run = run_playbook(
            box, INSTALL, extra_vars={"smartermail_module_src": str(source)}, tmp_path=tmp_path
        )
    assert_clean_failure(run, re.escape(str(servers)), phrase)
    assert host_snapshot(box, HOST) == before  # old tree, no backup, no DB change
    assert staging_dirs(box) == []
    again = run_playbook(box, INSTALL, extra_vars={"smartermail_module_src": str(source)}, tmp_path=tmp_path)
    assert again.returncode == 0, again.output[-3000:]
    assert f"release {how}" in module_tree(box.root(HOST))["hooks.php"].decode()
    assert staging_dirs(box) == []


# ---- SIGKILL of ansible-playbook mid-run, then a re-run --------------------------------------


def start_install(box: SandboxInfo, tmp_path: Path, extra_vars: dict[str, Any]) -> subprocess.Popen[str]:
    vars_file = tmp_path / "kill-vars.json"
    vars_file.write_text(json.dumps(extra_vars))
    command = [str(BIN_DIR / "ansible-playbook"), "-i", str(box.inventory), INSTALL, "-e", f"@{vars_file}"]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=ansible_env(),
    )


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Ansible workers call setsid, so a process group is not enough)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_everything(process: subprocess.Popen[str]) -> None:
    """SIGKILL ansible-playbook and every process it started, as a controller crash would: the tree
    is frozen first (a stopped process cannot fork), then killed at once."""
    frozen: list[int] = []
    for _ in range(10):  # bounded: the tree stops growing once it is frozen
        new = [pid for pid in [process.pid, *descendants(process.pid)] if pid not in frozen]
        if not new or process.poll() is not None:
            break
        for pid in new:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
        frozen += new
    for pid in frozen:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=30)


def test_sigkill_when_a_task_starts_then_rerun_converges(box: SandboxInfo, tmp_path: Path) -> None:
    """Killed as the product step starts (its second appearance: the first is preflight's check)."""
    extra = new_product_vars(box)
    extra["smartermail_products"][-1]["name"] = "Killed Product"
    process = start_install(box, tmp_path, extra)
    seen = 0
    lines: list[str] = []
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    for line in process.stdout:
        lines.append(line)
        if line.startswith("TASK [astral360.smartermail.product : Create or update"):
            seen += 1
            if seen == 2:
                kill_everything(process)
                break
        if time.monotonic() > deadline:
            break
    kill_everything(process)
    assert seen == 2, "".join(lines)[-3000:]
    assert process.returncode == -signal.SIGKILL
    products = db_rows(box, HOST, "tblproducts", "name = 'Killed Product'")
    for product in products:  # committed whole or not at all
        assert len(db_rows(box, HOST, "tblpricing", f"type = 'product' AND relid = {product['id']}")) == 1
    run = run_playbook(box, INSTALL, extra_vars=extra, tmp_path=tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    (product,) = db_rows(box, HOST, "tblproducts", "name = 'Killed Product'")
    assert len(db_rows(box, HOST, "tblpricing", f"type = 'product' AND relid = {product['id']}")) == 1
    assert canary_domains(box) == [] and staging_dirs(box) == []


def big_source(box: SandboxInfo, target: Path) -> Path:
    """A module release with a 24 MB file, so unpacking it takes long enough to be caught."""
    source = changed_source(box, target, "big release")
    (source / "lib" / "blob.bin").write_bytes(os.urandom(24 * 1024 * 1024))
    return source


def test_sigkill_mid_staging_keeps_the_old_tree_and_rerun_cleans_up(box: SandboxInfo, tmp_path: Path) -> None:
    root = box.root(HOST)
    old_tree = module_tree(root)
    source = big_source(box, tmp_path / "module")
    # The 24 MB file is over the default per-file limit (16 MiB): this release raises it, as a user would.
    extra = {"smartermail_module_src": str(source), "smartermail_module_max_file_mb": 32}
    process = start_install(box, tmp_path, extra)
    drain = threading.Thread(target=lambda: process.stdout.read(), daemon=True)  # type: ignore[union-attr]
    drain.start()
    deadline = time.monotonic() + 120
    while not staging_dirs(box) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    caught = bool(staging_dirs(box))
    kill_everything(process)
    assert caught, "the playbook finished before a staging folder appeared"
    assert module_tree(root) == old_tree  # the swap never started: the installed tree is whole
    run = run_playbook(box, INSTALL, extra_vars=extra, tmp_path=tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    assert module_tree(root)["lib/blob.bin"] == (source / "lib" / "blob.bin").read_bytes()
    assert staging_dirs(box) == [], "a staging folder of the killed run was left behind"
    shutil.rmtree(source)
