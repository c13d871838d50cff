"""common/hostnames.py: the one host name rule, and the two places that must agree on it.

The WHMCS server row (whmcs/servers.py) and the SmarterMail client (smartermail/url.py) both
refuse every hostile or careless class here, and both accept the good names: WHMCS never stores
a hostname the client (and so verify) would refuse.
"""

from __future__ import annotations

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.common.hostnames import (
    HostnameError,
    normalize_hostname,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailConfigError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.url import build_base_url
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.registry import (
    VerifySettingsError,
    target_settings,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.servers import (
    WhmcsServerError,
    server_spec_from_params,
)

# (id, hostname, what the reason says)
BAD = [
    ("backtick", "mail`id`.example.com", "holds '`'"),
    ("semicolon", "mail.example.com;reboot", "holds ';'"),
    ("single-quote", "mail'.example.com", 'holds "\'"'),
    ("double-quote", 'mail".example.com', "holds '\"'"),
    ("dollar-paren", "$(id).example.com", "holds '$'"),
    ("pipe", "mail|x.example.com", "holds '|'"),
    ("at", "admin@mail.example.com", "user part"),
    ("hash", "mail.example.com#x", "path"),
    ("question-mark", "mail.example.com?x=1", "path"),
    ("percent-0a", "mail%0a.example.com", "holds '%'"),
    ("newline", "mail\n.example.com", "line breaks"),
    ("carriage-return", "mail\r.example.com", "line breaks"),
    ("nul", "mail\x00.example.com", "holds '\\x00'"),
    ("space", "mail example.com", "spaces"),
    ("scheme", "https://mail.example.com", "scheme"),
    ("path", "mail.example.com/api/v1", "path"),
    ("backslash", "mail.example.com\\x", "path"),
    ("port", "mail.example.com:443", "port option"),
    ("empty-label", "mail..example.com", "not a valid host name"),
    ("label-too-long", "a" * 64 + ".com", "not a valid host name"),
    ("leading-hyphen", "-mail.example.com", "not a valid host name"),
    ("bad-ipv6", "[mail.example.com]", "IPv6"),
]
GOOD = [
    ("mail.example.com", "mail.example.com"),
    ("Mail.Example.COM", "mail.example.com"),
    ("127.0.0.1", "127.0.0.1"),
    ("2001:db8::25", "[2001:db8::25]"),
    ("[::1]", "[::1]"),
    ("münchen.example", "xn--mnchen-3ya.example"),
    ("mail_server.local", "mail_server.local"),
    ("mail.example.com.", "mail.example.com."),
]


@pytest.mark.parametrize(("hostname", "reason"), [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_the_rule_refuses_each_bad_class_with_a_reason(hostname: str, reason: str) -> None:
    with pytest.raises(HostnameError) as caught:
        normalize_hostname(hostname)
    assert reason in caught.value.reason
    assert "\n" not in caught.value.shown and "\r" not in caught.value.shown  # control characters escaped


@pytest.mark.parametrize(("hostname", "reason"), [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_the_whmcs_row_the_client_and_verify_refuse_alike(hostname: str, reason: str) -> None:
    with pytest.raises(WhmcsServerError) as stored:
        server_spec_from_params(
            {"name": "mail1", "hostname": hostname, "username": "admin", "password": "pw-0123"}
        )
    with pytest.raises(SmarterMailConfigError) as called:
        build_base_url(hostname, None, True)
    with pytest.raises(VerifySettingsError) as verified:
        target_settings(hostname, "admin", "pw-0123")
    assert stored.value.option == "hostname"
    for error in (stored.value, called.value, verified.value):
        assert reason in str(error)
        assert str(error).endswith(".")


@pytest.mark.parametrize(("hostname", "normalized"), GOOD)
def test_good_names_pass_everywhere(hostname: str, normalized: str) -> None:
    assert normalize_hostname(hostname) == normalized
    spec = server_spec_from_params({"name": "mail1", "hostname": hostname, "username": "a", "password": "pw"})
    assert spec.hostname == hostname  # stored as given; the client normalizes when it calls
    assert normalized in build_base_url(hostname, None, True)


@pytest.mark.parametrize("value", [None, "", 42])
def test_empty_or_not_text_is_refused(value: object) -> None:
    with pytest.raises(HostnameError, match="empty"):
        normalize_hostname(value)


def test_a_long_name_is_shown_shortened() -> None:
    with pytest.raises(HostnameError) as caught:
        normalize_hostname("x;" * 200)
    assert len(caught.value.shown) < 90 and caught.value.shown.endswith("...'")
