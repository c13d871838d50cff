"""The canary's pure parts: names and their timestamps, prefixes, the hidden admin, paths, cleanup."""

from __future__ import annotations

import datetime
import string
import threading

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary import (
    ADMIN_PASSWORD_ALPHABET,
    ADMIN_PASSWORD_LENGTH,
    DEFAULT_DOMAIN_PATH,
    CanaryConfigError,
    admin_password,
    admin_username,
    canary_name,
    canary_timestamp,
    check_prefix,
    cleanup_canaries,
    domain_path,
)

MOMENT = datetime.datetime(2026, 11, 24, 10, 15, 0, tzinfo=datetime.timezone.utc)


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


def test_admin_password_is_24_characters_of_the_module_alphabet() -> None:
    """The module draws 24 characters from a-z A-Z 0-9 !@#$%^&*-_=+ and does not check them afterwards."""
    assert sorted(ADMIN_PASSWORD_ALPHABET) == sorted(string.ascii_letters + string.digits + "!@#$%^&*-_=+")
    passwords = [admin_password() for _ in range(200)]
    assert all(len(p) == ADMIN_PASSWORD_LENGTH == 24 for p in passwords)
    assert set("".join(passwords)) <= set(ADMIN_PASSWORD_ALPHABET)
    assert len(set(passwords)) == 200
    # Uniform over the alphabet: across 4800 characters every kind shows up (not a per-password rule).
    joined = "".join(passwords)
    assert any(c.isupper() for c in joined) and any(c.isdigit() for c in joined)
    assert any(c in "!@#$%^&*-_=+" for c in joined)


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("C:\\SmarterMail\\Domains\\", "C:\\SmarterMail\\Domains\\x.test"),
        ("D:\\Mail", "D:\\Mail\\x.test"),
        ("D:\\Mail\\\\", "D:\\Mail\\x.test"),  # every trailing backslash is cut
        # Only backslashes are trimmed, so a Linux folder gets the module's backslash too.
        ("/var/lib/smartermail/Domains/", "/var/lib/smartermail/Domains/\\x.test"),
        ("/var/lib/smartermail/Domains", "/var/lib/smartermail/Domains\\x.test"),
        ("", "\\x.test"),  # WHMCS passes an empty option as it is
        (None, DEFAULT_DOMAIN_PATH + "x.test"),  # no option at all: the module's default
    ],
)
def test_domain_path_is_the_module_rule(folder: str | None, expected: str) -> None:
    assert domain_path(folder, "x.test") == expected


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
