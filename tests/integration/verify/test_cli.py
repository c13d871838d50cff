"""``smartermail-whmcs verify`` as a subprocess against the simulator over HTTP and HTTPS.

Covers the CLI contract: all checks pass on a healthy server, JSON and JUnit reports, --output,
exit codes 0/1/2, and the password never printed (every format, -v, error paths).
"""

from __future__ import annotations

import json
import xml.dom.minidom
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.cli import cli_command
from fixtures.simulator import RunningSimulator, start_simulator
from fixtures.verify_cli import SECRET, USERNAME, run_verify, server_args

SMARTERMAIL_IDS = ["dns", "port", "tls", "api", "credentials", "version", "canary"]
PASSWORD_ENV = {"SMARTERMAIL_PASSWORD": SECRET}


@pytest.fixture(scope="module")
def http_sim() -> Iterator[RunningSimulator]:
    with start_simulator("--sysadmin", f"{USERNAME}:{SECRET}", "--user", f"clerk:{SECRET}") as sim:
        yield sim


@pytest.fixture(scope="module")
def https_sim() -> Iterator[RunningSimulator]:
    with start_simulator("--sysadmin", f"{USERNAME}:{SECRET}", tls=True) as sim:
        yield sim


@pytest.fixture(params=["http", "https"])
def sim(request: pytest.FixtureRequest) -> RunningSimulator:
    chosen: RunningSimulator = request.getfixturevalue(f"{request.param}_sim")
    chosen.reset()
    return chosen


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text


def test_healthy_server_passes_every_check_in_the_table(sim: RunningSimulator) -> None:
    done = run_verify(*server_args(sim), env=PASSWORD_ENV)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:4] == ["ID", "TARGET", "STATUS", "SUMMARY"]
    expected = [i for i in SMARTERMAIL_IDS if i != "tls" or sim.url.startswith("https")]
    rows = {line.split()[0]: line.split()[2] for line in lines[1 : 1 + len(expected)]}
    assert rows == dict.fromkeys(expected, "PASS")
    assert "0 failed" in lines[-1]
    assert sim.state()["domains"] == []  # the canary removed its domain
    assert len(sim.state()["deletions"]) == 1
    assert_no_secret(done.stdout, done.stderr)


def test_json_report_validates_and_carries_every_check(sim: RunningSimulator) -> None:
    done = run_verify(*server_args(sim), "--format", "json", env=PASSWORD_ENV)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["schema"] == 1 and document["ok"] is True
    ids = [check["id"] for check in document["checks"]]
    assert ids == [i for i in SMARTERMAIL_IDS if i != "tls" or sim.url.startswith("https")]
    for check in document["checks"]:
        assert set(check) >= {"id", "target", "status", "summary", "hint", "elapsed_ms"}
        assert check["status"] == "pass" and check["target"] == "127.0.0.1"
        assert isinstance(check["elapsed_ms"], int) and check["elapsed_ms"] >= 0
    summary = document["summary"]
    assert summary == {"pass": len(ids), "warn": 0, "fail": 0, "skip": 0, "total": len(ids)}
    assert document["targets"][0]["port"] == int(sim.url.rsplit(":", 1)[1])
    assert "password" not in document["targets"][0]
    assert_no_secret(done.stdout, done.stderr)


def test_junit_report_loads_in_standard_parsers(sim: RunningSimulator, tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    done = run_verify(
        *server_args(sim), "--no-canary", "--format", "junit", "--output", str(report), env=PASSWORD_ENV
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # the report went to the file
    assert "wrote the junit report" in done.stderr
    root = ET.parse(report).getroot()  # noqa: S314 - our own report
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    cases = suites[0].findall("testcase")
    assert [case.get("name") for case in cases] == [
        i for i in SMARTERMAIL_IDS if i != "canary" and (i != "tls" or sim.url.startswith("https"))
    ]
    assert suites[0].get("tests") == str(len(cases)) and suites[0].get("failures") == "0"
    dom = xml.dom.minidom.parse(str(report))  # noqa: S318 - our own report
    assert len(dom.getElementsByTagName("testcase")) == len(cases)
    assert not list(tmp_path.glob(".junit.xml.*"))  # no temporary file left behind
    assert_no_secret(report.read_text(), done.stderr)


def test_wrong_password_fails_the_credentials_check_with_exit_1(
    sim: RunningSimulator, tmp_path: Path
) -> None:
    wrong = "Wrong-Pass-5521-zz"
    report = tmp_path / "report.json"
    done = run_verify(
        *server_args(sim), "--format", "json", "-o", str(report), env={"SMARTERMAIL_PASSWORD": wrong}
    )
    assert done.returncode == 1, done.stderr
    checks = {check["id"]: check for check in json.loads(report.read_text())["checks"]}
    assert checks["credentials"]["status"] == "fail"
    assert "password" in checks["credentials"]["hint"]
    assert checks["canary"]["status"] == "skip"
    assert checks["canary"]["summary"] == "skipped: credentials check failed"
    assert sim.state()["domains"] == []
    assert wrong not in report.read_text() + done.stdout + done.stderr


def test_junit_marks_failures_and_skips(http_sim: RunningSimulator) -> None:
    http_sim.reset()
    done = run_verify(
        *server_args(http_sim), "--format", "junit", env={"SMARTERMAIL_PASSWORD": "bad-password"}
    )
    assert done.returncode == 1
    root = ET.fromstring(done.stdout)  # noqa: S314 - our own report
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert cases["credentials"].find("failure") is not None
    assert "hint:" in (cases["credentials"].find("failure").text or "")
    assert cases["canary"].find("skipped") is not None
    assert root.get("failures") == "1" and root.get("skipped") == "1"


def test_non_sysadmin_account_fails_credentials(http_sim: RunningSimulator) -> None:
    http_sim.reset()
    args = server_args(http_sim)
    args[args.index("--username") + 1] = "clerk"
    done = run_verify(*args, "--no-canary", env=PASSWORD_ENV)
    assert done.returncode == 1
    failed = [line for line in done.stdout.splitlines() if " FAIL " in f" {line} "]
    assert failed and failed[0].startswith("credentials")
    assert_no_secret(done.stdout, done.stderr)


def test_closed_port_fails_the_port_check_and_skips_the_rest(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = run_verify(
        "--host", "127.0.0.1", "--port", str(port), "--no-secure", "--username", "admin",
        "--format", "json", "--connect-timeout", "2", env=PASSWORD_ENV,
    )  # fmt: skip
    assert done.returncode == 1
    checks = {check["id"]: check for check in json.loads(done.stdout)["checks"]}
    assert checks["port"]["status"] == "fail" and "refused" in checks["port"]["summary"]
    assert {checks[i]["status"] for i in ("api", "credentials", "version", "canary")} == {"skip"}


def test_verbose_table_shows_details_but_never_the_password(sim: RunningSimulator) -> None:
    done = run_verify(*server_args(sim), "-v", env=PASSWORD_ENV)
    assert done.returncode == 0, done.stderr
    assert "elapsed_ms:" in done.stdout
    assert "runs:" in done.stdout and '"steps_done": ' in done.stdout  # the canary's details
    assert_no_secret(done.stdout, done.stderr)


def test_password_from_flag_and_stdin_never_printed(http_sim: RunningSimulator) -> None:
    http_sim.reset()
    flag = run_verify(*server_args(http_sim), "--no-canary", "--password", SECRET, "-v")
    assert flag.returncode == 0, flag.stderr
    piped = run_verify(*server_args(http_sim), "--no-canary", "--password-stdin", input=SECRET + "\n")
    assert piped.returncode == 0, piped.stderr
    assert_no_secret(flag.stdout, flag.stderr, piped.stdout, piped.stderr)


def test_missing_password_without_a_terminal_is_a_usage_error(http_sim: RunningSimulator) -> None:
    done = run_verify(*server_args(http_sim))
    assert done.returncode == 2
    assert "SMARTERMAIL_PASSWORD" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "env", "needle"),
    [
        ([], {}, "no SmarterMail server given"),
        (["--host", "127.0.0.1", "--username", "a"], {"SMARTERMAIL_PORT": "seventy"}, "SMARTERMAIL_PORT"),
        (["--host", "127.0.0.1", "--username", "a"], {"SMARTERMAIL_SECURE": "maybe"}, "SMARTERMAIL_SECURE"),
        (["--host", "127.0.0.1", "--port", "70000"], {}, "--port"),
        (["--host", "https://mail.example.com/", "--username", "a"], {}, "hostname"),
        (["--host", "127.0.0.1", "--username", "a", "--canary-prefix", "-bad"], {}, "canary_prefix"),
        (["--host", "127.0.0.1", "--username", "a", "--ca-file", "/nonexistent/ca.pem"], {}, "CA file"),
        (["--host", "127.0.0.1", "--username", "a", "--format", "yaml"], {}, "--format"),
        (["--config", "/nonexistent/verify.yml"], {}, "cannot read the config file"),
        (["--from-whmcs", "/nonexistent", "--host", "x"], {}, "cannot be combined"),
        (["--host", "127.0.0.1", "--username", "a", "--whmcs-root", "/nonexistent"], {}, "not a directory"),
        (["--cleanup", "--older-than", "soon"], {}, "not a duration"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(args: list[str], env: dict[str, str], needle: str) -> None:
    done = run_verify(*args, env={"SMARTERMAIL_PASSWORD": SECRET, **env})
    assert done.returncode == 2, done.stdout + done.stderr
    assert needle in done.stderr
    assert "Traceback" not in done.stderr
    assert_no_secret(done.stdout, done.stderr)


def test_environment_variables_supply_the_server(http_sim: RunningSimulator) -> None:
    http_sim.reset()
    host, port = http_sim.host_port
    env = {
        "SMARTERMAIL_HOST": host,
        "SMARTERMAIL_PORT": str(port),
        "SMARTERMAIL_SECURE": "false",
        "SMARTERMAIL_USERNAME": USERNAME,
        "SMARTERMAIL_PASSWORD": SECRET,
    }
    done = run_verify("--no-canary", "--format", "json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["targets"][0]["port"] == port
    # A flag beats the variable: a wrong port on the command line is the one used.
    flagged = run_verify("--no-canary", "--format", "json", "--port", "1", "--connect-timeout", "2", env=env)
    assert flagged.returncode == 1
    assert json.loads(flagged.stdout)["targets"][0]["port"] == 1


def test_config_file_with_several_servers_gives_one_target_each(
    http_sim: RunningSimulator, https_sim: RunningSimulator, tmp_path: Path
) -> None:
    http_sim.reset()
    https_sim.reset()
    (http_host, http_port), (tls_host, tls_port) = http_sim.host_port, https_sim.host_port
    config = tmp_path / "verify.yml"
    config.write_text(
        f"""
smartermail_servers:
  - name: plain
    hostname: {http_host}
    port: {http_port}
    secure: false
    username: {USERNAME}
    password: {SECRET}
    max_accounts: 200
  - name: tls
    hostname: {tls_host}
    port: {tls_port}
    secure: true
    username: {USERNAME}
    password: {SECRET}
    ca_path: {https_sim.ca_file}
smartermail_products: []   # other Ansible variables are ignored
"""
    )
    done = run_verify("--config", str(config), "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    document = json.loads(done.stdout)
    assert [t["name"] for t in document["targets"]] == ["plain", "tls"]
    by_target: dict[str, list[str]] = {}
    for check in document["checks"]:
        by_target.setdefault(check["target"], []).append(check["id"])
    assert by_target["plain"] == [i for i in SMARTERMAIL_IDS if i != "tls"]
    assert by_target["tls"] == SMARTERMAIL_IDS
    assert http_sim.state()["domains"] == [] and https_sim.state()["domains"] == []
    assert_no_secret(done.stdout, done.stderr)
    # --host picks one server of the file; the file supplies the rest.
    picked = run_verify("--config", str(config), "--host", "tls", "--no-canary", "--format", "json")
    assert picked.returncode == 0, picked.stderr
    assert [t["name"] for t in json.loads(picked.stdout)["targets"]] == ["tls"]


def test_config_file_typo_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "verify.yml"
    config.write_text("smartermail_servers:\n  - hostnme: mail.example.com\n    username: admin\n")
    done = run_verify("--config", str(config))
    assert done.returncode == 2
    assert "unknown key 'hostnme'" in done.stderr and str(config) in done.stderr


def test_cleanup_removes_only_old_prefixed_domains(http_sim: RunningSimulator) -> None:
    http_sim.reset()
    old = "smw-canary-20200101t000000-abc123.test"
    foreign = "customer-example.test"
    with http_sim.client() as client:
        token = client.post(
            "/api/v1/auth/authenticate-user", json={"username": USERNAME, "password": SECRET}
        ).json()["accessToken"]
        for name in (old, foreign):
            body = {"adminUsername": "boss", "adminPassword": "Pw-123456789!", "domainData": {"name": name}}
            answer = client.post(
                "/api/v1/settings/sysadmin/domain-put",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code == 200, answer.text
    done = run_verify(*server_args(http_sim), "--cleanup", "--older-than", "1h", env=PASSWORD_ENV)
    assert done.returncode == 0, done.stderr
    assert old in done.stdout
    names = [domain["name"] for domain in http_sim.state()["domains"]]
    assert names == [foreign]
    again = run_verify(*server_args(http_sim), "--cleanup", env=PASSWORD_ENV)
    assert again.returncode == 0 and "no canary domain" in again.stdout


def test_help_documents_exit_codes_and_precedence() -> None:
    done = run_verify("--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "flag > environment variable > --config file > default" in text
    assert "Exit codes: 0 all checks passed" in text


def test_terminal_gets_a_hidden_prompt_and_progress_lines(http_sim: RunningSimulator) -> None:
    import os
    import pty
    import subprocess
    import time

    from fixtures.verify_cli import clean_env

    http_sim.reset()
    master, slave = pty.openpty()
    process = subprocess.Popen(
        cli_command("verify", *server_args(http_sim), "--no-canary"),
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=clean_env(),
        text=True,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 20
    while b"password" not in seen.lower() and time.monotonic() < deadline:
        seen += os.read(master, 1024)
    os.write(master, (SECRET + "\n").encode())
    out, _ = process.communicate(timeout=60)
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    terminal = seen.decode(errors="replace")
    assert process.returncode == 0, out + terminal
    assert f"SmarterMail password for {USERNAME} on 127.0.0.1" in terminal
    assert "[1/5] PASS 127.0.0.1 dns:" in terminal and "[5/5]" in terminal
    assert SECRET not in terminal + out  # hidden input is not echoed
