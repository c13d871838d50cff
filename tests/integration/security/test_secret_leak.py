"""Secret-leak scan: the install playbook at -vvv and verify in every format, on success and on error
paths, with distinctive secrets; no secret may appear in any output, log or report file.

The sandbox gets distinctive secrets after ``sandbox up``: a new database password (ALTER USER and
configuration.php), a new cc_encryption_hash (configuration.php, before anything is encrypted with
it); the simulator's sysadmin password is the sandbox's random one (long, random: a hit can only be
a leak). Ansible's no_log masking prints ******** instead of a secret, so every secret is long and
unlike any other text in the run.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fixtures.ansible_runner import BIN_DIR, ansible_env
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.verify_cli import run_verify
from fixtures.working_tree import use_working_tree_collection  # noqa: F401 - fixture
from smartermail_whmcs.sandbox.mariadb import MariaDBServer

INSTALL = "astral360.smartermail.install"
HOST = "whmcs1"
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("use_working_tree_collection")]


@dataclass
class LeakBox:
    info: SandboxInfo
    root: Path
    secrets: dict[str, str]
    work: Path
    texts: dict[str, str] = field(default_factory=dict)  # what each run printed, by label

    def record(self, label: str, done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
        self.texts[label] = done.stdout + done.stderr
        return done


def set_config_value(config: Path, variable: str, value: str) -> None:
    text = config.read_text()
    updated, count = re.subn(rf"\${variable} = '[^']*';", f"${variable} = '{value}';", text)
    assert count == 1, f"${variable} not found in {config}"
    config.write_text(updated)


@pytest.fixture(scope="module")
def leak_box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LeakBox]:
    work = tmp_path_factory.mktemp("leak")
    with sandbox(hosts=1) as info:
        host = info.host(HOST)
        root = Path(host["whmcs_root"])
        db_password = "DbLeak" + secrets.token_hex(12)
        cc_hash = "CcLeak" + secrets.token_hex(24)
        server = MariaDBServer.load(info.directory / "mariadb")
        admin = server.root_connect()
        try:
            with admin.cursor() as cursor:
                cursor.execute("SELECT Host FROM mysql.user WHERE User = %s", (host["database"]["user"],))
                for row in cursor.fetchall():
                    cursor.execute(
                        "ALTER USER %s@%s IDENTIFIED BY %s",
                        (host["database"]["user"], row["Host"], db_password),
                    )
        finally:
            admin.close()
        config = root / "configuration.php"
        set_config_value(config, "db_password", db_password)
        set_config_value(config, "cc_encryption_hash", cc_hash)
        sysadmin = info.simulator["sysadmin"]["password"]
        assert len(sysadmin) >= 12, "the sandbox's sysadmin password is too short to scan for"
        yield LeakBox(
            info,
            root,
            {"sysadmin password": sysadmin, "database password": db_password, "cc_encryption_hash": cc_hash},
            work,
        )


def playbook(box: LeakBox, label: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(BIN_DIR / "ansible-playbook"), "-i", str(box.info.inventory), INSTALL, "-vvv", *args]
    env = ansible_env(ANSIBLE_LOG_PATH=str(box.work / f"ansible-{label}.log"))
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    return box.record(f"install {label}", done)


def verify(
    box: LeakBox, label: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = run_verify(*args, env=env, timeout=300)
    return box.record(f"verify {label}", done)


def server_flags(box: LeakBox) -> list[str]:
    return [
        "--host",
        "127.0.0.1",
        "--port",
        str(box.info.simulator["port"]),
        "--no-secure",
        "--username",
        "admin",
    ]


def leaks(box: LeakBox) -> list[str]:
    """Every (secret, place) pair where a secret shows up."""
    places = dict(box.texts)
    files = [*box.work.rglob("*"), *(box.info.directory / "simulator").rglob("*.log")]
    files.append(box.info.directory / "mariadb" / "error.log")
    for path in files:
        if path.is_file():
            places[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    return [
        f"{name} in {place}"
        for place, text in places.items()
        for name, value in box.secrets.items()
        if value in text
    ]


def test_install_at_vvv_with_reports_leaks_nothing(leak_box: LeakBox) -> None:
    reports = leak_box.work / "reports"
    done = playbook(
        leak_box, "converge", "-e", f"smartermail_verify_report_dir={reports}", "-e", "whmcs_cron_throttle=1"
    )
    # The verify role's cron check may fail on a cron that never ran; the install steps must not.
    assert "Add or update the SmarterMail servers in WHMCS" in done.stdout
    assert "********" in done.stdout + done.stderr or "no_log" in done.stdout + done.stderr
    assert list(reports.glob("*.json")), done.stdout[-3000:]
    again = playbook(leak_box, "again", "--diff")
    assert "PLAY RECAP" in again.stdout
    assert leaks(leak_box) == []


def test_verify_in_every_format_leaks_nothing(leak_box: LeakBox) -> None:
    root = str(leak_box.root)
    password_env = {"SMARTERMAIL_PASSWORD": leak_box.secrets["sysadmin password"]}
    for fmt in ("table", "json", "junit"):
        done = verify(leak_box, f"from-whmcs {fmt}", "--from-whmcs", root, "--format", fmt)
        assert done.returncode in (0, 1), done.stderr
        assert done.stdout.strip(), done.stderr
    verify(leak_box, "from-whmcs -v", "--from-whmcs", root, "-v")
    for fmt in ("json", "junit", "table"):
        out = leak_box.work / f"report.{fmt}"
        verify(
            leak_box,
            f"output {fmt}",
            *server_flags(leak_box),
            "--whmcs-root",
            root,
            "--format",
            fmt,
            "-o",
            str(out),
            env=password_env,
        )
        assert out.stat().st_size > 0
    done = verify(
        leak_box,
        "flags json",
        *server_flags(leak_box),
        "--whmcs-root",
        root,
        "--format",
        "json",
        "-v",
        env=password_env,
    )
    report = json.loads(done.stdout)
    assert report["summary"]["pass"] >= 6, report["summary"]
    stdin = verify(leak_box, "password-stdin", *server_flags(leak_box), "--password-stdin", "--no-canary")
    assert stdin.returncode in (0, 1, 2)
    assert leaks(leak_box) == []


def test_error_paths_leak_nothing(leak_box: LeakBox) -> None:
    wrong = "WrongLeak" + secrets.token_hex(10)
    leak_box.secrets["wrong password"] = wrong
    done = verify(
        leak_box,
        "wrong password",
        *server_flags(leak_box),
        "--whmcs-root",
        str(leak_box.root),
        "-v",
        env={"SMARTERMAIL_PASSWORD": wrong},
    )
    assert done.returncode == 1 and "wrong sysadmin credentials" in done.stdout
    done = verify(
        leak_box, "wrong password json", *server_flags(leak_box), "--format", "json", "--password", wrong
    )
    assert done.returncode == 1
    # The database down (nothing listens where configuration.php points), for verify and install.
    config = leak_box.root / "configuration.php"
    original = config.read_text()
    try:
        config.write_text(re.sub(r"\$db_port = '[^']*';", "$db_port = '1';", original))
        assert "'1'" in config.read_text()
        done = verify(leak_box, "db down from-whmcs", "--from-whmcs", str(leak_box.root))
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        done = verify(
            leak_box,
            "db down whmcs-root",
            *server_flags(leak_box),
            "--whmcs-root",
            str(leak_box.root),
            "--format",
            "junit",
            env={"SMARTERMAIL_PASSWORD": leak_box.secrets["sysadmin password"]},
        )
        assert done.returncode == 1
        run = playbook(leak_box, "db-down")
        assert run.returncode != 0 and "Traceback" not in run.stdout
    finally:
        config.write_text(original)
    bad_server = json.dumps(
        {
            "smartermail_servers": [
                {
                    "name": "sandbox-simulator",
                    "hostname": "127.0.0.1",
                    "port": leak_box.info.simulator["port"],
                    "secure": False,
                    "username": "admin",
                    "password": wrong,
                }
            ]
        }
    )
    run = playbook(leak_box, "wrong-password", "-e", bad_server)
    assert run.returncode != 0
    assert leaks(leak_box) == []
