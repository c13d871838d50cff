"""Pure parts of the SmarterMail verify checks: canary names and secrets, versions, probes' helpers."""

from __future__ import annotations

import datetime
import string
import threading
from pathlib import Path

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary import (
    ADMIN_PASSWORD_LENGTH,
    CanaryConfigError,
    admin_password,
    admin_username,
    canary_name,
    canary_timestamp,
    check_prefix,
    cleanup_canaries,
    domain_path,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import CheckFailed
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.network import (
    certificate_facts,
    is_ip_literal,
    nameservers,
    socket_host,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.runner import TargetContext
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.smartermail_checks import (
    SMARTERMAIL_CHECKS,
    check_dns,
    close_target,
    parse_version,
)

MOMENT = datetime.datetime(2026, 11, 24, 10, 15, 0, tzinfo=datetime.timezone.utc)


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


def test_canary_name_shape() -> None:
    name = canary_name("smw-canary-", now=MOMENT)
    assert name.startswith("smw-canary-20261124t101500-")
    assert name.endswith(".test")
    random_part = name[len("smw-canary-20261124t101500-") : -len(".test")]
    assert len(random_part) == 6 and set(random_part) <= set(string.ascii_lowercase + string.digits)
    assert canary_name("smw-canary-", now=MOMENT) != name  # random part differs


def test_canary_timestamp_round_trip_and_strictness() -> None:
    name = canary_name("smw-canary-", now=MOMENT)
    assert canary_timestamp(name, "smw-canary-") == MOMENT
    assert canary_timestamp(name.upper(), "smw-canary-") == MOMENT  # servers may change case
    assert canary_timestamp(name, "other-") is None
    for not_ours in (
        "smw-canary-customer.test",
        "smw-canary-20261124t101500-ab12cd.example",
        "smw-canary-20261124t101500-ab12cd.test.example",
        "xsmw-canary-20261124t101500-ab12cd.test",
        "smw-canary-20261399t101500-ab12cd.test",  # month 13: not a timestamp we wrote
        "smw-canary-20261124t101500-ab12cde.test",
        None,
    ):
        assert canary_timestamp(not_ours, "smw-canary-") is None


@pytest.mark.parametrize("bad", ["", "-lead", "Has Space", "dot.ted", "under_score", "x" * 42])
def test_bad_prefixes_are_refused_with_a_sentence(bad: str) -> None:
    with pytest.raises(CanaryConfigError, match="canary prefix"):
        check_prefix(bad)


def test_prefix_is_lowered_and_the_longest_allowed_fits_a_label() -> None:
    assert check_prefix("SMW-Canary-") == "smw-canary-"
    longest = "p" * 41
    label = canary_name(longest, now=MOMENT).split(".")[0]
    assert len(label) == 63


def test_admin_username_is_ten_lowercase_letters() -> None:
    names = {admin_username() for _ in range(50)}
    assert len(names) == 50
    assert all(len(n) == 10 and set(n) <= set(string.ascii_lowercase) for n in names)


def test_admin_password_is_strong() -> None:
    for _ in range(50):
        password = admin_password()
        assert len(password) == ADMIN_PASSWORD_LENGTH == 24
        assert any(c.isupper() for c in password)
        assert any(c.islower() for c in password)
        assert any(c.isdigit() for c in password)
        assert any(not c.isalnum() for c in password)


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("C:\\SmarterMail\\Domains\\", "C:\\SmarterMail\\Domains\\x.test"),
        ("D:\\Mail", "D:\\Mail\\x.test"),
        ("/var/lib/smartermail/Domains", "/var/lib/smartermail/Domains/x.test"),
        ("/var/lib/smartermail/Domains/", "/var/lib/smartermail/Domains/x.test"),
        ("", "C:\\SmarterMail\\Domains\\x.test"),
    ],
)
def test_domain_path_appends_the_name_like_the_module(base: str, expected: str) -> None:
    assert domain_path(base, "x.test") == expected


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
    now = MOMENT.timestamp()
    facts = certificate_facts(peer, now=now)
    assert facts == {
        "subject": "CN=mail.example.com",
        "issuer": "O=Example CA, CN=Example R1",
        "not_after": "2026-12-04T10:15:00Z",
        "days_left": 10.0,
    }


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


class _ListOnly:
    """Just enough of a client for cleanup_canaries's refusal before any call."""

    def __init__(self) -> None:
        self.calls = threading.Event()

    def list_domains(self) -> list[dict[str, str]]:
        self.calls.set()
        return []


@pytest.mark.parametrize("age", [-1, "3600", True])
def test_cleanup_refuses_a_bad_age_before_listing(age: object) -> None:
    client = _ListOnly()
    with pytest.raises(CanaryConfigError, match="cleanup age"):
        cleanup_canaries(client, "smw-canary-", age)  # type: ignore[arg-type]
    assert not client.calls.is_set()
