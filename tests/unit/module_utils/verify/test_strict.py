"""verify/strict.py: what a strict run (verify --strict, smartermail_fail_on_warnings) fails on."""

from __future__ import annotations

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import (
    FAIL,
    PASS,
    WARN,
    CheckResult,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.strict import (
    strict_findings,
    tls_off_names,
    warning_lines,
)

RESULTS = [
    CheckResult("tls", "mail1", WARN, "certificate expires in 3 days", "renew it"),
    CheckResult("api", "mail1", PASS, "answers"),
    CheckResult("port", "mail2", FAIL, "refused"),
]


def test_warning_lines_name_target_check_and_hint() -> None:
    assert warning_lines(RESULTS) == ["mail1/tls: certificate expires in 3 days (hint: renew it)"]


def test_tls_is_off_only_for_https_without_certificate_checks() -> None:
    targets = [
        {"name": "https-unchecked", "secure": True, "verify_tls": False},
        {"name": "https-checked", "secure": True, "verify_tls": True},
        {"name": "plain-http", "secure": False, "verify_tls": False},  # no TLS at all: nothing turned off
    ]
    assert tls_off_names(targets) == ["https-unchecked"]


def test_findings_list_tls_off_first_then_warnings_and_never_failures() -> None:
    targets = [{"name": "mail1", "secure": True, "verify_tls": False}]
    assert strict_findings(RESULTS, targets, "--insecure") == [
        "mail1: TLS certificate checks are off (--insecure)",
        "mail1/tls: certificate expires in 3 days (hint: renew it)",
    ]
    assert strict_findings([RESULTS[1]], [dict(targets[0], verify_tls=True)], "--insecure") == []
