"""Login answers the simulator does not model (2FA, forced password change, domain admin, old 2FA 401),
served by a tiny real HTTP server on 127.0.0.1 so the credentials check meets them over the wire."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import FAIL, PASS, SKIP
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import (
    TargetContext,
    run_checks,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.smartermail_checks import (
    SMARTERMAIL_CHECKS,
    close_target,
)

PASSWORD = "Login-Variant-Secret-42"
TOKEN = "step-token-that-must-never-be-sent-0123456789"


def login_answer(**fields: Any) -> tuple[int, dict[str, Any]]:
    body = {
        "emailAddress": "",
        "changePasswordNeeded": False,
        "isAdmin": True,
        "isDomainAdmin": False,
        "accessToken": TOKEN,
        "refreshToken": "refresh-" + TOKEN,
        "accessTokenExpiration": "2099-01-01T00:00:00.0000000Z",
        "username": "admin@",
        "success": True,
        "resultCode": 200,
    }
    body.update(fields)
    return 200, body


@contextlib.contextmanager
def fake_smartermail(login: tuple[int, dict[str, Any]]) -> Iterator[tuple[int, list[str]]]:
    """login-settings, licensing/about and authenticate-user as a real server would answer them."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            seen.append("GET " + self.path + (" bearer" if self.headers.get("Authorization") else ""))
            if self.path == "/api/v1/auth/login-settings":
                self._answer(200, {"customTitle": "Welcome", "success": True, "resultCode": 200})
            elif self.path == "/api/v1/licensing/about":
                self._answer(200, {"version": "100.0.9504", "edition": 0, "enterpriseFunctionality": True})
            else:
                self._answer(403, {"success": False, "resultCode": 403, "message": "ACCESS_DENIED"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            seen.append("POST " + self.path)
            if self.path == "/api/v1/auth/authenticate-user":
                self._answer(*login)
            else:
                self._answer(200, {"success": True, "resultCode": 200})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def verify(port: int) -> dict[str, Any]:
    settings = {
        "name": "mail1",
        "hostname": "127.0.0.1",
        "port": port,
        "secure": False,
        "username": "admin",
        "password": PASSWORD,
        "timeout": 5.0,
        "canary": True,
    }
    context = TargetContext("mail1", settings)
    try:
        results = {r.id: r for r in run_checks([context], SMARTERMAIL_CHECKS)}
    finally:
        close_target(context)
    text = json.dumps([r.to_dict() for r in results.values()])
    assert PASSWORD not in text and TOKEN not in text
    return results


@pytest.mark.parametrize(
    ("login", "reason", "words"),
    [
        (login_answer(message="TWO_FACTOR_REQUIRED|rfc6238|admin@example.com"), "two_factor", "two-factor"),
        (login_answer(changePasswordNeeded=True), "password_change", "change its password"),
        # Older builds refuse with 401 and the 2FA code in the body.
        ((401, {"success": False, "message": "TWO_FACTOR_REQUIRED"}), "two_factor", "two-factor"),
        ((200, {"success": False, "message": "PASSWORD_EXPIRED"}), "password_change", "change its password"),
    ],
)
def test_two_factor_and_password_change_are_reported_as_such(
    login: tuple[int, dict[str, Any]], reason: str, words: str
) -> None:
    with fake_smartermail(login) as (port, seen):
        results = verify(port)
    credentials = results["credentials"]
    assert credentials.status == FAIL
    assert words in credentials.summary
    assert results["canary"].status == SKIP
    # The step token is never used for a real call, and the login was made once.
    assert not [line for line in seen if line.endswith("bearer")]
    assert seen.count("POST /api/v1/auth/authenticate-user") == 1


def test_a_domain_admin_login_is_not_a_sysadmin() -> None:
    login = login_answer(isAdmin=False, isDomainAdmin=True, username="boss@example.com")
    with fake_smartermail(login) as (port, _seen):
        results = verify(port)
    assert results["credentials"].status == FAIL
    assert "is a domain administrator, not a system administrator" in results["credentials"].summary
    assert results["version"].status == PASS


def test_a_sysadmin_login_whose_domain_list_is_forbidden_fails_credentials() -> None:
    with fake_smartermail(login_answer()) as (port, seen):
        results = verify(port)
    assert results["credentials"].status == FAIL
    assert "may not list domains (HTTP 403)" in results["credentials"].summary
    assert "GET /api/v1/settings/sysadmin/domains bearer" in seen
