"""Base-URL rules: scheme, default ports, omitted scheme ports, IPv6, IDN, and refused host names."""

from __future__ import annotations

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailConfigError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.url import (
    build_base_url,
    default_port,
    endpoint_label,
    normalize_hostname,
)


@pytest.mark.parametrize(
    ("hostname", "port", "secure", "expected"),
    [
        ("mail.example.com", None, True, "https://mail.example.com"),
        ("mail.example.com", None, False, "http://mail.example.com:9998"),
        ("mail.example.com", 443, True, "https://mail.example.com"),
        ("mail.example.com", 80, False, "http://mail.example.com"),
        ("mail.example.com", 80, True, "https://mail.example.com:80"),
        ("mail.example.com", 443, False, "http://mail.example.com:443"),
        ("mail.example.com", 17017, True, "https://mail.example.com:17017"),
        ("Mail.Example.COM", 9998, False, "http://mail.example.com:9998"),
        ("mail.example.com.", None, True, "https://mail.example.com."),
        ("127.0.0.1", 8443, True, "https://127.0.0.1:8443"),
        ("::1", None, True, "https://[::1]"),
        ("[::1]", 9998, False, "http://[::1]:9998"),
        ("2001:DB8:0:0::1", 8080, False, "http://[2001:db8::1]:8080"),
        ("münchen.example", None, True, "https://xn--mnchen-3ya.example"),
        ("mail_server.local", "9998", False, "http://mail_server.local:9998"),
    ],
)
def test_build_base_url(hostname: str, port: int | None, secure: bool, expected: str) -> None:
    assert build_base_url(hostname, port, secure) == expected


def test_default_ports_follow_the_module_metadata() -> None:
    assert default_port(True) == 443
    assert default_port(False) == 9998


def test_endpoint_label_always_shows_the_port() -> None:
    assert endpoint_label("mail.example.com", None, True) == "mail.example.com:443"
    assert endpoint_label("::1", None, False) == "[::1]:9998"


@pytest.mark.parametrize(
    ("hostname", "fragment"),
    [
        ("", "empty"),
        ("https://mail.example.com", "scheme"),
        ("mail.example.com/api/v1", "path"),
        ("mail.example.com\\x", "path"),
        ("mail.example.com:9998", "port option"),
        (" mail.example.com", "spaces"),
        ("mail example.com", "spaces"),
        ("admin@mail.example.com", "user part"),
        ("mail..example.com", "not a valid host name"),
        ("-mail.example.com", "not a valid host name"),
        ("mail.exa$mple.com", "holds '$'"),
        ("a" * 64 + ".com", "not a valid host name"),
        ("[mail.example.com]", "IPv6"),
    ],
)
def test_bad_hostnames_are_refused_with_a_reason(hostname: str, fragment: str) -> None:
    with pytest.raises(SmarterMailConfigError) as caught:
        build_base_url(hostname, None, True)
    assert fragment in str(caught.value)
    assert caught.value.status is None


def test_non_string_hostname_is_refused() -> None:
    with pytest.raises(SmarterMailConfigError):
        normalize_hostname(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("port", [0, 65536, -1, "https", True, 3.5])
def test_bad_ports_are_refused(port: object) -> None:
    with pytest.raises(SmarterMailConfigError) as caught:
        build_base_url("mail.example.com", port, True)  # type: ignore[arg-type]
    assert "port" in str(caught.value)
