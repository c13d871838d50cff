"""Pure parts of the SmarterMail verify checks: registry order, version parsing, the dns check, close."""

from __future__ import annotations

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.smartermail_checks import (
    SMARTERMAIL_CHECKS,
    check_dns,
    close_target,
    parse_version,
)


def test_registry_order_requirements_and_applicability() -> None:
    assert [spec.id for spec in SMARTERMAIL_CHECKS] == [
        "dns",
        "port",
        "tls",
        "api",
        "credentials",
        "version",
        "canary",
    ]
    requires = {spec.id: spec.requires for spec in SMARTERMAIL_CHECKS}
    assert requires["port"] == ("dns",)
    assert requires["api"] == ("port", "tls")
    assert requires["canary"] == ("credentials", "version")
    by_id = {spec.id: spec for spec in SMARTERMAIL_CHECKS}
    plain = TargetContext("t", {"secure": False, "canary": False})
    secure = TargetContext("t", {"secure": True, "canary": True})
    assert not by_id["tls"].applies(plain) and by_id["tls"].applies(secure)
    assert not by_id["canary"].applies(plain) and by_id["canary"].applies(secure)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("100.0.9504", (100, 0, 9504)),
        ("15.0.1", (15, 0, 1)),
        ("16", (16, 0, 0)),
        ("16.3.6855.12345", (16, 3, 6855)),
        ("", None),
        ("unknown", None),
        (None, None),
    ],
)
def test_parse_version(text: str | None, parsed: tuple[int, int, int] | None) -> None:
    assert parse_version(text) == parsed


def test_dns_check_refuses_a_hostname_with_a_scheme() -> None:
    context = TargetContext("mail1", {"hostname": "https://mail.example.com", "secure": True})
    with pytest.raises(CheckFailed) as caught:
        check_dns(context)
    assert "includes a scheme" in caught.value.outcome.summary
    assert "hostname" in caught.value.outcome.hint


def test_dns_check_passes_an_ip_literal_without_lookup() -> None:
    outcome = check_dns(TargetContext("mail1", {"hostname": "192.0.2.10", "secure": True}))
    assert outcome.status == "pass"
    assert "no DNS lookup" in outcome.summary


def test_close_target_without_a_client_is_harmless() -> None:
    context = TargetContext("mail1", {})
    close_target(context)
    assert context.cache == {}
