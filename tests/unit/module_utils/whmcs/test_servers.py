"""Pure rules of the WHMCS server row: validation, stored port, fill types, masked views."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.common.redaction import MASK
from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.servers import (
    WhmcsServerError,
    effective_port,
    fill_type_number,
    public_view,
    server_spec_from_params,
    stored_port,
)


def params(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": " mail1 ",
        "hostname": " mail1.example.com ",
        "ip_address": "",
        "port": None,
        "secure": True,
        "username": " admin ",
        "password": " s3cret ",
        "max_accounts": 200,
        "disabled": False,
        "server_group": None,
    }
    base.update(overrides)
    return base


def test_values_are_trimmed_like_whmcs_does() -> None:
    spec = server_spec_from_params(params())
    assert (spec.name, spec.hostname, spec.username, spec.password) == (
        "mail1",
        "mail1.example.com",
        "admin",
        "s3cret",
    )


def test_columns_hold_whmcs_stored_forms() -> None:
    spec = server_spec_from_params(params(secure=False, port=10000, disabled=True, max_accounts=7))
    assert spec.columns() == {
        "hostname": "mail1.example.com",
        "ipaddress": "",
        "port": 10000,
        "secure": "",
        "username": "admin",
        "maxaccounts": 7,
        "disabled": 1,
    }
    assert server_spec_from_params(params()).columns()["secure"] == "on"


@pytest.mark.parametrize(
    ("port", "secure", "stored"),
    [
        (None, True, None),
        (443, True, None),
        (9998, False, None),
        (443, False, 443),
        (9998, True, 9998),
        (8443, True, 8443),
    ],
)
def test_port_equal_to_the_module_default_is_stored_as_null(
    port: int | None, secure: bool, stored: int | None
) -> None:
    assert stored_port(port, secure) == stored
    assert effective_port(stored, secure) == (port if port is not None else (443 if secure else 9998))


@pytest.mark.parametrize("port", [0, 70000, -1, "abc", "80x"])
def test_bad_port_names_the_port_option(port: Any) -> None:
    with pytest.raises(WhmcsServerError) as caught:
        server_spec_from_params(params(port=port))
    assert caught.value.option == "port"
    assert "1 to 65535" in str(caught.value)


@pytest.mark.parametrize(
    "hostname",
    ["https://mail.example.com", "mail.example.com/api", "mail example.com", "mail.example.com:443"],
)
def test_hostname_with_scheme_path_or_port_is_refused(hostname: str) -> None:
    with pytest.raises(WhmcsServerError) as caught:
        server_spec_from_params(params(hostname=hostname))
    assert caught.value.option == "hostname"


def test_ipv6_hostname_is_accepted() -> None:
    assert server_spec_from_params(params(hostname="2001:db8::25")).hostname == "2001:db8::25"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "  "),
        ("username", ""),
        ("password", "   "),
        ("ip_address", "not-an-ip"),
        ("max_accounts", -1),
    ],
)
def test_bad_values_name_their_option(field: str, value: Any) -> None:
    with pytest.raises(WhmcsServerError) as caught:
        server_spec_from_params(params(**{field: value}))
    assert caught.value.option == field


@pytest.mark.parametrize(
    ("given", "number"), [(1, 1), ("2", 2), ("least_full", 1), ("FILL_UNTIL_FULL", 2), (" least_full ", 1)]
)
def test_fill_types(given: Any, number: int) -> None:
    assert fill_type_number(given) == number


def test_unknown_fill_type_lists_the_allowed_values() -> None:
    with pytest.raises(WhmcsServerError) as caught:
        fill_type_number("round_robin")
    assert caught.value.option == "server_group.fill_type"
    assert "least_full" in str(caught.value) and "fill_until_full" in str(caught.value)


def test_group_is_parsed_and_defaults_to_least_full() -> None:
    spec = server_spec_from_params(params(server_group={"name": " SmarterMail "}))
    assert spec.group is not None
    assert (spec.group.name, spec.group.fill_type) == ("SmarterMail", 1)


def test_password_never_in_repr_or_views() -> None:
    spec = server_spec_from_params(params(password="Very-Secret-9"))
    assert "Very-Secret-9" not in repr(spec)
    view = public_view({"name": "mail1", "password": "ciphertext", "type": "smartermail"})
    assert view["password"] == MASK
    assert "ciphertext" not in repr(view)
