"""Bad-input suite, server answers: a small real HTTP server on 127.0.0.1 answers verify with
malformed JSON, wrong types, missing fields, a body over 5 MiB and non-UTF-8 bytes. Each is a failed
check against a live server (exit code 1, not 2: the input the user gave is fine, the server's
answer is not), named in the report, and never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fixtures.verify_cli import run_verify

PASSWORD = "Bad-Answer-Secret-7731-Quokka"
TOKEN = "answer-token-0123456789abcdef"
LOGIN = "/api/v1/auth/authenticate-user"
ABOUT = "/api/v1/licensing/about"
SETTINGS = "/api/v1/auth/login-settings"
DOMAINS = "/api/v1/settings/sysadmin/domains"


def body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


GOOD: dict[str, bytes] = {
    SETTINGS: body({"customTitle": "Welcome", "success": True, "resultCode": 200}),
    ABOUT: body({"version": "100.0.9504", "edition": 0, "enterpriseFunctionality": True}),
    LOGIN: body(
        {
            "emailAddress": "",
            "isAdmin": True,
            "isDomainAdmin": False,
            "changePasswordNeeded": False,
            "accessToken": TOKEN,
            "refreshToken": "r-" + TOKEN,
            "accessTokenExpiration": "2099-01-01T00:00:00.0000000Z",
            "username": "admin@",
            "success": True,
            "resultCode": 200,
        }
    ),
    DOMAINS: body({"data": [], "success": True, "resultCode": 200}),
}


@contextlib.contextmanager
def answering(overrides: dict[str, bytes]) -> Iterator[int]:
    answers = {**GOOD, **overrides}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            raw = answers.get(self.path.split("?")[0], body({"success": False, "message": "NOT_FOUND"}))
            self.send_response(200 if self.path in answers else 404)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client may stop reading a huge body
                self.wfile.write(raw)

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._answer()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


CASES = [
    ("truncated-json", {SETTINGS: b'{"customTitle": "Wel'}, "api", "json"),
    ("json-array", {SETTINGS: b"[1, 2, 3]"}, "api", ""),
    ("non-utf8", {SETTINGS: b'{"customTitle": "\xff\xfe\xfa"}'}, "api", ""),
    (
        "huge-body",
        {SETTINGS: b'{"pad": "' + b"x" * (6 * 1024 * 1024) + b'"}'},
        "api",
        "larger than 5242880 bytes",
    ),
    ("html-200", {SETTINGS: b"<html><body>IIS</body></html>"}, "api", ""),
    ("version-number", {ABOUT: body({"version": 100, "edition": 0})}, "api", ""),
    (
        "login-no-token",
        {LOGIN: body({"success": True, "resultCode": 200, "isAdmin": True})},
        "credentials",
        "",
    ),
    (
        "login-token-number",
        {LOGIN: GOOD[LOGIN].replace(f'"{TOKEN}"'.encode(), b"12345", 1)},
        "credentials",
        "",
    ),
    ("login-not-json", {LOGIN: b"\x00\x01\x02binary"}, "credentials", ""),
    ("domains-wrong-type", {DOMAINS: body({"data": "none", "success": True})}, "credentials", ""),
]


@pytest.mark.parametrize(("overrides", "check", "phrase"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_malformed_answer_fails_its_check_with_exit_1(
    overrides: dict[str, bytes], check: str, phrase: str
) -> None:
    with answering(overrides) as port:
        done = run_verify(
            "--host", "127.0.0.1", "--port", str(port), "--no-secure", "--username", "admin",
            "--no-canary", "--timeout", "5", "--format", "json",
            env={"SMARTERMAIL_PASSWORD": PASSWORD},
        )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and PASSWORD not in done.stdout + done.stderr
    assert TOKEN not in done.stdout + done.stderr
    checks = {c["id"]: c for c in json.loads(done.stdout)["checks"]}
    assert checks[check]["status"] == "fail", checks
    assert phrase.lower() in checks[check]["summary"].lower(), checks[check]["summary"]
    assert checks[check]["hint"], checks[check]


def test_an_unreadable_version_is_a_warning_as_documented() -> None:
    """docs/verify.md: 'could not read the SmarterMail version' warns (exit 0): the API works."""
    with answering({ABOUT: body({"version": "banana", "edition": 0})}) as port:
        done = run_verify(
            "--host", "127.0.0.1", "--port", str(port), "--no-secure", "--username", "admin",
            "--no-canary", "--format", "json", env={"SMARTERMAIL_PASSWORD": PASSWORD},
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (version,) = [c for c in json.loads(done.stdout)["checks"] if c["id"] == "version"]
    assert version["status"] == "warn" and "'banana'" in version["summary"]
