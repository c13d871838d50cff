"""The probes' network helpers: IP literals and socket hosts, nameservers for hints, certificate facts."""

from __future__ import annotations

import datetime
from pathlib import Path

from ansible_collections.astral360.smartermail.plugins.module_utils.verify.network import (
    certificate_facts,
    is_ip_literal,
    nameservers,
    socket_host,
)


def test_ip_literals_and_socket_hosts() -> None:
    assert is_ip_literal("127.0.0.1") and is_ip_literal("::1") and is_ip_literal("[::1]")
    assert not is_ip_literal("mail.example.com")
    assert socket_host("[::1]") == "::1"
    assert socket_host("mail.example.com") == "mail.example.com"


def test_nameservers_are_read_for_hints(tmp_path: Path) -> None:
    conf = tmp_path / "resolv.conf"
    conf.write_text("# comment\nsearch example\nnameserver 10.0.0.53\nnameserver ::1\noptions ndots:1\n")
    assert nameservers(str(conf)) == ["10.0.0.53", "::1"]
    assert nameservers(str(tmp_path / "missing")) == []


def test_certificate_facts_from_a_peer_certificate() -> None:
    peer = {
        "subject": ((("commonName", "mail.example.com"),),),
        "issuer": ((("organizationName", "Example CA"),), (("commonName", "Example R1"),)),
        "notAfter": "Dec  4 10:15:00 2026 GMT",
    }
    now = datetime.datetime(2026, 11, 24, 10, 15, 0, tzinfo=datetime.timezone.utc).timestamp()
    facts = certificate_facts(peer, now=now)
    assert facts == {
        "subject": "CN=mail.example.com",
        "issuer": "O=Example CA, CN=Example R1",
        "not_after": "2026-12-04T10:15:00Z",
        "days_left": 10.0,
    }
