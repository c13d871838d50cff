"""Login answers: expiry parsing, sysadmin flags, 2FA and forced password change, no tokens in repr."""

from __future__ import annotations

import datetime

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.login import (
    is_two_factor_code,
    login_result,
    parse_expiration,
)

UTC = datetime.timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-10-28T14:18:21.5589952Z", datetime.datetime(2020, 10, 28, 14, 18, 21, 558995, tzinfo=UTC)),
        ("2020-10-28T14:18:21Z", datetime.datetime(2020, 10, 28, 14, 18, 21, tzinfo=UTC)),
        ("2020-10-28T16:18:21.5+02:00", datetime.datetime(2020, 10, 28, 14, 18, 21, 500000, tzinfo=UTC)),
        ("2020-10-28T14:18:21", datetime.datetime(2020, 10, 28, 14, 18, 21, tzinfo=UTC)),
        ("2020-13-28T14:18:21Z", None),
        ("tomorrow", None),
        (None, None),
        (1700000000, None),
    ],
)
def test_parse_expiration(text: object, expected: datetime.datetime | None) -> None:
    assert parse_expiration(text) == expected


def capture(**overrides: object) -> dict[str, object]:
    """A sysadmin login answer shaped like the 2020 capture (CEN PR #2253)."""
    answer: dict[str, object] = {
        "emailAddress": "",
        "changePasswordNeeded": False,
        "displayWelcomeWizard": False,
        "isAdmin": True,
        "isDomainAdmin": False,
        "isLicensed": True,
        "accessToken": "eyJ.access.token-value",
        "refreshToken": "refresh-token-value",
        "accessTokenExpiration": "2020-10-28T14:18:21.5589952Z",
        "username": "sysadmin@",
        "success": True,
        "resultCode": 200,
    }
    answer.update(overrides)
    return answer


def test_sysadmin_login_result_strips_the_trailing_at_and_keeps_no_token() -> None:
    result = login_result(capture(), "sysadmin")
    assert result.username == "sysadmin"
    assert result.is_sysadmin is True
    assert result.is_domain_admin is False
    assert result.usable is True
    assert result.access_token_expiration == datetime.datetime(2020, 10, 28, 14, 18, 21, 558995, tzinfo=UTC)
    for text in (repr(result), str(result)):
        assert "eyJ.access.token-value" not in text
        assert "refresh-token-value" not in text


def test_domain_user_keeps_the_address() -> None:
    result = login_result(capture(isAdmin=False, isDomainAdmin=True, username="boss@a.test"), "boss@a.test")
    assert result.username == "boss@a.test"
    assert result.is_sysadmin is False
    assert result.is_domain_admin is True


def test_missing_username_falls_back_to_the_requested_one() -> None:
    assert login_result(capture(username=None), "admin").username == "admin"


def test_two_factor_step_token_is_flagged() -> None:
    result = login_result(capture(message="TWO_FACTOR_REQUIRED|rfc6238|a@b.test"), "admin")
    assert result.two_factor_required is True
    assert result.usable is False


@pytest.mark.parametrize(
    "overrides",
    [{"changePasswordNeeded": True}, {"message": "CHANGE_PASSWORD_NEEDED"}, {"message": "PASSWORD_EXPIRED"}],
)
def test_forced_password_change_is_flagged(overrides: dict[str, object]) -> None:
    result = login_result(capture(**overrides), "admin")
    assert result.change_password_needed is True
    assert result.two_factor_required is False
    assert result.usable is False


def test_two_factor_code_recognition() -> None:
    assert is_two_factor_code("two_factor_required|email|x@y")
    assert is_two_factor_code("INVALID_TWO_FACTOR_CODE")
    assert not is_two_factor_code("USERNAME_OR_PASSWORD_INCORRECT")
    assert not is_two_factor_code(None)
