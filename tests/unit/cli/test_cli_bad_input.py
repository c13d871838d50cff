"""Bad-input suite, command line: malformed flags of verify, billing, sandbox and simulator, and
malformed ``verify --config`` YAML files. Each is a usage or configuration error: exit code 2, one
clear message that names the input, never a traceback. Run in-process with click's CliRunner, so
an unexpected exception shows up as ``result.exception``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from smartermail_whmcs.cli import cli

SERVER = ["--host", "127.0.0.1", "--no-secure", "--username", "admin", "--no-canary"]
ENV = {"SMARTERMAIL_PASSWORD": "Bad-Input-Unit-Secret-8817"}


def invoke(args: list[str], tmp_path: Path) -> Result:
    with contextlib.chdir(tmp_path):  # relative paths in the cases land in the test's own folder
        return CliRunner().invoke(cli, args, env={**ENV, "SMARTERMAIL_HOST": ""}, catch_exceptions=True)


def assert_usage_error(result: Result, phrase: str) -> None:
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 2, f"exit {result.exit_code}: {text}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in text
    assert phrase.lower() in text.lower(), text
    assert ENV["SMARTERMAIL_PASSWORD"] not in text


FLAG_CASES = [
    # verify
    (["verify", *SERVER, "--port", "abc"], "'abc' is not a valid integer"),
    (["verify", *SERVER, "--port", "0"], "--port"),
    (["verify", *SERVER, "--port", "70000"], "70000 is not in the range 1<=x<=65535"),
    (["verify", *SERVER, "--timeout", "-1"], "--timeout"),
    (["verify", *SERVER, "--connect-timeout", "0"], "--connect-timeout"),
    (["verify", *SERVER, "--parallel", "0"], "--parallel"),
    (["verify", *SERVER, "--format", "xml"], "'xml' is not one of"),
    (["verify", *SERVER, "--no-such-flag"], "No such option '--no-such-flag'"),
    (["verify", "--host", "mail example.com", "--username", "admin"], "hostname"),
    (["verify", "--host", "127.0.0.1:9998", "--username", "admin"], "includes a port"),
    (["verify", *SERVER, "--cleanup", "--older-than", "5 parsecs"], "not a duration"),
    (["verify", *SERVER, "--canary-prefix", "UPPER CASE"], "canary_prefix"),
    # billing
    (
        ["billing", "--price", "1e999", "--tranche-gb", "10", "--usage-gb", "1"],
        "--price must be at most 1000000000000",
    ),
    (["billing", "--price", "6", "--tranche-gb", "ten", "--usage-gb", "1"], "--tranche-gb"),
    (["billing", "--price", "6", "--tranche-gb", "10", "--usage-gb", ""], "--usage-gb"),
    # sandbox
    (["sandbox", "up", "--dir", "box", "--hosts", "0"], "--hosts"),
    (["sandbox", "up", "--dir", "box", "--hosts", "65"], "--hosts"),
    (["sandbox", "up", "--dir", "box", "--whmcs-version", "banana"], "banana"),
    (["sandbox", "up", "--dir", "box", "--module-src", "no-such-module"], "--module-src"),
    (["sandbox", "down", "--dir", "no-such-dir"], "no-such-dir"),
    # simulator
    (["simulator", "--port", "70000"], "--port"),
    (["simulator", "--latency-ms", "-5"], "--latency-ms"),
    (["simulator", "--token-ttl", "0"], "--token-ttl"),
    (["simulator", "--fault", "explode"], "'explode' is not one of"),
    (["simulator", "--sysadmin", "no-colon-here"], "--sysadmin"),
    (["simulator", "--version", "latest"], "--version"),
    (["simulator", "--cert-dir", "certs"], "--cert-dir"),
    (["simulator", "--login-failure-style", "302"], "--login-failure-style"),
]


@pytest.mark.parametrize(("args", "phrase"), FLAG_CASES, ids=[" ".join(a)[:60] for a, _ in FLAG_CASES])
def test_bad_flag_exits_2_naming_it(tmp_path: Path, args: list[str], phrase: str) -> None:
    assert_usage_error(invoke(args, tmp_path), phrase)


SERVERS = "smartermail_servers:\n"
SERVER_ENTRY = "  - name: mail1\n    hostname: 127.0.0.1\n    username: admin\n"
CONFIG_CASES = [
    ("not-yaml", "smartermail_servers: [unclosed\n", "is not valid YAML at line"),
    ("a-list", "- smartermail_servers\n- whmcs_root\n", "must be a YAML mapping"),
    ("scalar", "just some words\n", "must be a YAML mapping"),
    ("unknown-key", "smartermail_servers:\n  - name: m\n    hostnme: 127.0.0.1\n", "unknown key 'hostnme'"),
    (
        "servers-mapping",
        "smartermail_servers:\n  mail1: {hostname: 127.0.0.1}\n",
        "must be a list of servers",
    ),
    ("entry-string", "smartermail_servers:\n  - 127.0.0.1\n", "smartermail_servers[0] in"),
    ("missing-hostname", "smartermail_servers:\n  - name: mail1\n    username: admin\n", "hostname"),
    ("port-abc", SERVERS + SERVER_ENTRY + "    port: abc\n", "port"),
    ("port-0", SERVERS + SERVER_ENTRY + "    port: 0\n", "port"),
    ("port-70000", SERVERS + SERVER_ENTRY + "    port: 70000\n", "port"),
    ("port-list", SERVERS + SERVER_ENTRY + "    port: [443]\n", "must be a number"),
    ("secure-maybe", SERVERS + SERVER_ENTRY + "    secure: maybe\n", "must be true or false, not 'maybe'"),
    ("password-list", SERVERS + SERVER_ENTRY + "    password: [a, b]\n", "must be text, not list"),
    ("timeout-text", SERVERS + SERVER_ENTRY + "    timeout: soon\n", "timeout"),
    ("duplicate-names", SERVERS + SERVER_ENTRY + SERVER_ENTRY, "two servers share the name 'mail1'"),
    (
        "whmcs-roots-string",
        "whmcs_roots: /var/www/whmcs\n" + "smartermail_servers:\n" + SERVER_ENTRY,
        "whmcs_roots",
    ),
    ("canary-maybe", "smartermail_verify_canary: perhaps\nsmartermail_servers:\n" + SERVER_ENTRY, "perhaps"),
    ("no-servers", "smartermail_servers: []\n", "no SmarterMail server given"),
]


@pytest.mark.parametrize(("text", "phrase"), [c[1:] for c in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES])
def test_bad_config_file_exits_2_naming_the_key(tmp_path: Path, text: str, phrase: str) -> None:
    config = tmp_path / "verify.yml"
    config.write_text(text)
    result = invoke(["verify", "--config", str(config), "--no-canary"], tmp_path)
    assert_usage_error(result, phrase)


def test_config_file_that_is_binary_garbage_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "verify.yml"
    config.write_bytes(b"\xff\xfe\x00garbage\x89PNG\r\n")
    assert_usage_error(invoke(["verify", "--config", str(config)], tmp_path), "is not UTF-8 text")


def test_config_file_that_is_a_directory_exits_2(tmp_path: Path) -> None:
    (tmp_path / "conf.d").mkdir()
    assert_usage_error(invoke(["verify", "--config", str(tmp_path / "conf.d")], tmp_path), "conf.d")
