"""``sandbox up`` / ``sandbox down`` as a user runs them: exit codes, process clean-up, refusals."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from fixtures.sandbox import run_sandbox_cli
from smartermail_whmcs.errors import StageError
from smartermail_whmcs.sandbox import lifecycle
from smartermail_whmcs.sandbox.mariadb import MariaDBServer
from smartermail_whmcs.sandbox.processes import pid_alive, port_open
from smartermail_whmcs.sandbox.state import HostRecord, SandboxState

pytestmark = pytest.mark.slow


def _state(directory: Path) -> dict:
    return json.loads((directory / "sandbox.json").read_text())


def _processes(state: dict) -> list[tuple[int, int]]:
    return [
        (state["simulator"]["pid"], state["simulator"]["port"]),
        (state["mariadb"]["pid"], state["mariadb"]["port"]),
    ]


def _up(directory: Path, *extra: str) -> dict:
    result = run_sandbox_cli("up", "--dir", str(directory), *extra)
    assert result.returncode == 0, result.stderr
    return _state(directory)


def test_down_stops_both_processes_and_a_second_down_is_a_no_op(tmp_path: Path) -> None:
    directory = tmp_path / "sb"
    state = _up(directory)
    for pid, port in _processes(state):
        assert pid_alive(pid)
        assert port_open("127.0.0.1", port)

    down = run_sandbox_cli("down", "--dir", str(directory))
    assert down.returncode == 0, down.stderr
    assert "stopped" in down.stdout
    for pid, port in _processes(state):
        assert not pid_alive(pid), pid
        assert not port_open("127.0.0.1", port), port
    assert not (directory / "hosts").exists()
    assert not (directory / "inventory.yml").exists()
    assert not (directory / "mariadb").exists()
    after = _state(directory)
    assert after["status"] == "down"
    assert "password" not in json.dumps(after)

    again = run_sandbox_cli("down", "--dir", str(directory))
    assert again.returncode == 0
    assert "already down" in again.stdout


def test_up_twice_exits_2_and_leaves_the_running_sandbox_alone(tmp_path: Path) -> None:
    directory = tmp_path / "sb"
    state = _up(directory)
    try:
        second = run_sandbox_cli("up", "--dir", str(directory))
        assert second.returncode == 2
        assert "already running" in second.stderr
        assert "sandbox down" in second.stderr
        assert "Traceback" not in second.stderr
        assert _state(directory) == state
        for pid, _port in _processes(state):
            assert pid_alive(pid)
    finally:
        assert run_sandbox_cli("down", "--dir", str(directory)).returncode == 0


def test_keep_files_then_up_again_in_the_same_directory(tmp_path: Path) -> None:
    directory = tmp_path / "sb"
    first = _up(directory)
    down = run_sandbox_cli("down", "--dir", str(directory), "--keep-files")
    assert down.returncode == 0, down.stderr
    assert (directory / "hosts" / "whmcs1" / "configuration.php").is_file()
    assert _state(directory)["status"] == "down"
    for pid, _port in _processes(first):
        assert not pid_alive(pid)

    second = _up(directory, "--hosts", "2")
    try:
        assert [host["name"] for host in second["hosts"]] == ["whmcs1", "whmcs2"]
        assert second["hosts"][0]["cc_encryption_hash"] != first["hosts"][0]["cc_encryption_hash"]
    finally:
        assert run_sandbox_cli("down", "--dir", str(directory)).returncode == 0


@pytest.mark.parametrize("hosts", ["0", "65", "two"])
def test_bad_hosts_exits_2_before_creating_anything(tmp_path: Path, hosts: str) -> None:
    directory = tmp_path / "sb"
    result = run_sandbox_cli("up", "--dir", str(directory), "--hosts", hosts)
    assert result.returncode == 2
    assert "--hosts" in result.stderr
    assert not directory.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--module-src", "/nonexistent/smartermail"), "not a SmarterMail module folder"),
        (("--whmcs-version", "8.13"), "must look like 8.13.0-release.1"),
    ],
)
def test_bad_options_exit_2_with_a_sentence(tmp_path: Path, extra: tuple[str, ...], message: str) -> None:
    directory = tmp_path / "sb"
    result = run_sandbox_cli("up", "--dir", str(directory), *extra)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not directory.exists()


def test_up_refuses_a_directory_with_foreign_content(tmp_path: Path) -> None:
    (tmp_path / "hosts").mkdir()
    result = run_sandbox_cli("up", "--dir", str(tmp_path))
    assert result.returncode == 2
    assert "no sandbox.json" in result.stderr


def test_down_on_a_directory_without_a_sandbox_exits_2(tmp_path: Path) -> None:
    empty = run_sandbox_cli("down", "--dir", str(tmp_path))
    assert empty.returncode == 2
    assert "no sandbox" in empty.stderr
    missing = run_sandbox_cli("down", "--dir", str(tmp_path / "missing"))
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr


def test_failure_midway_stops_everything_started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real MariaDB and simulator start; the second host then fails: both must be stopped."""
    seen: dict[str, int] = {}
    real_make_host = lifecycle._make_host

    def make_host_then_fail(
        directory: Path, index: int, mariadb: MariaDBServer, state: SandboxState
    ) -> HostRecord:
        if index == 2:
            assert state.simulator is not None and state.mariadb is not None
            seen.update(simulator=state.simulator.pid, mariadb=state.mariadb.pid)
            seen.update(simulator_port=state.simulator.port, mariadb_port=state.mariadb.port)
            raise OSError("disk full (injected)")
        return real_make_host(directory, index, mariadb, state)

    monkeypatch.setattr(lifecycle, "_make_host", make_host_then_fail)
    directory = tmp_path / "sb"
    with pytest.raises(StageError) as failure:
        lifecycle.bring_up(lifecycle.UpOptions(directory=directory, hosts=2))
    assert failure.value.exit_code == 1
    assert "disk full (injected)" in failure.value.format_message()
    assert "stopped" in failure.value.format_message()
    assert seen, "the failure was injected after both processes started"
    assert not pid_alive(seen["simulator"])
    assert not pid_alive(seen["mariadb"])
    assert not port_open("127.0.0.1", seen["simulator_port"])
    assert not port_open("127.0.0.1", seen["mariadb_port"])
    assert sorted(p.name for p in directory.iterdir()) == []


def _crontab_lines() -> list[str]:
    listing = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=False)
    return listing.stdout.splitlines() if listing.returncode == 0 else []


@pytest.mark.skipif(shutil.which("crontab") is None, reason="needs the crontab command (Debian package cron)")
def test_down_removes_the_crontab_lines_of_its_hosts(tmp_path: Path) -> None:
    directory = tmp_path / "sb"
    state = _up(directory)
    cron_line = f"*/5 * * * * php -q {state['hosts'][0]['whmcs_root']}/crons/cron.php"
    # Append only (other crontab lines, possibly other tests', are left as they are).
    new_table = "\n".join([*_crontab_lines(), f"#Ansible: whmcs cron {uuid.uuid4().hex}", cron_line]) + "\n"
    subprocess.run(["crontab", "-"], input=new_table, text=True, check=True)
    try:
        down = run_sandbox_cli("down", "--dir", str(directory))
        assert down.returncode == 0, down.stderr
        assert "crontab: removed 1 line" in down.stdout
        assert cron_line not in _crontab_lines()
    finally:
        lifecycle.remove_sandbox_crontab_lines(directory.resolve())
