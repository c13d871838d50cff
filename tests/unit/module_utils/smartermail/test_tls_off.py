"""smartermail/tls_off.py: when certificate checks are off, and the sentence that says so."""

from __future__ import annotations

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.tls_off import (
    server_label,
    tls_checks_off,
    tls_off_warning,
)


@pytest.mark.parametrize(
    ("secure", "verify_tls", "off"),
    [(True, False, True), (True, True, False), (False, False, False), (True, None, False)],
)
def test_only_https_with_verification_turned_off_counts(secure: bool, verify_tls: object, off: bool) -> None:
    assert tls_checks_off(secure, verify_tls) is off


def test_the_label_shows_the_port_or_the_raw_name_when_unusable() -> None:
    assert server_label("Mail.Example.com", None, True) == "mail.example.com:443"
    assert server_label("mail;x", 9998, False) == "'mail;x'"


def test_the_warning_names_the_server_the_switch_and_the_fix() -> None:
    text = tls_off_warning("mail1.example.com:443", "validate_certs: false")
    assert text.startswith("TLS certificate checks are off for mail1.example.com:443 (validate_certs: false)")
    assert "ca_path" in text and text.endswith(".")
