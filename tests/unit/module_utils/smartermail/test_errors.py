"""Typed errors: attributes, str() is the sentence, repr() holds no secrets."""

from __future__ import annotations

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail import errors as errors

REQUIRED = [
    "SmarterMailConfigError",
    "SmarterMailConnectError",
    "SmarterMailTLSError",
    "SmarterMailTimeoutError",
    "SmarterMailApiUnavailableError",
    "SmarterMailAuthError",
    "SmarterMailPermissionError",
    "SmarterMailNotFoundError",
    "SmarterMailConflictError",
    "SmarterMailInvalidNameError",
    "SmarterMailServerError",
    "SmarterMailProtocolError",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_every_required_class_is_a_smartermail_error(name: str) -> None:
    assert issubclass(getattr(errors, name), errors.SmarterMailError)


def test_auth_subclasses() -> None:
    assert issubclass(errors.SmarterMailTwoFactorRequiredError, errors.SmarterMailAuthError)
    assert issubclass(errors.SmarterMailPasswordChangeRequiredError, errors.SmarterMailAuthError)


def test_attributes_str_and_repr() -> None:
    err = errors.SmarterMailConflictError(
        "SmarterMail at h:443 refused to create domain 'a.test': the name is already in use.",
        status=400,
        code="DOMAIN_ADD_ERROR_NAME_IN_USE",
        path="/api/v1/settings/sysadmin/domain-put",
        endpoint="h:443",
    )
    assert str(err) == err.sentence
    assert err.status == 400
    assert err.code == "DOMAIN_ADD_ERROR_NAME_IN_USE"
    assert err.url_path == err.path == "/api/v1/settings/sysadmin/domain-put"
    assert repr(err).startswith("SmarterMailConflictError(")
    assert "DOMAIN_ADD_ERROR_NAME_IN_USE" in repr(err)


def test_connect_and_tls_errors_carry_a_kind() -> None:
    assert errors.SmarterMailConnectError("x", kind="refused").kind in errors.CONNECT_KINDS
    assert errors.SmarterMailTLSError("x", kind="plain_http").kind in errors.TLS_KINDS
