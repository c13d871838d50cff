# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The outcome of a SmarterMail login, without its tokens (pure, no third-party imports).

A login answer with ``success: true`` is not always usable: an account that needs two-factor
authentication gets a step token (``message`` TWO_FACTOR_REQUIRED|method|email) and an account
that must change its password gets ``changePasswordNeeded: true``. Both are reported here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional

_ISO_UTC = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$"
)
TWO_FACTOR_CODES = ("TWO_FACTOR_REQUIRED", "TWO_FACTOR_SETUP_REQUIRED", "INVALID_TWO_FACTOR_CODE")
CHANGE_PASSWORD_CODES = ("CHANGE_PASSWORD_NEEDED", "PASSWORD_EXPIRED")


@dataclass(frozen=True)
class LoginResult:
    """Who logged in and whether the token is usable. Holds no token, so repr/str are safe."""

    username: str
    is_sysadmin: bool
    is_domain_admin: bool
    change_password_needed: bool
    two_factor_required: bool
    access_token_expiration: Optional[datetime.datetime]

    @property
    def usable(self) -> bool:
        """True when the token can call the API (no 2FA step, no forced password change)."""
        return not (self.change_password_needed or self.two_factor_required)


def parse_expiration(value: Any) -> Optional[datetime.datetime]:
    """Parse SmarterMail's ISO-8601 UTC time (7 fractional digits, 'Z'); None when absent or odd."""
    if not isinstance(value, str):
        return None
    match = _ISO_UTC.match(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction = (match.group(7) or "0")[:6].ljust(6, "0")
    offset = match.group(8)
    tz = datetime.timezone.utc
    if offset and offset != "Z":
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        tz = datetime.timezone(sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        moment = datetime.datetime(year, month, day, hour, minute, second, int(fraction), tzinfo=tz)
    except ValueError:
        return None
    return moment.astimezone(datetime.timezone.utc)


def _code_head(message: Any) -> str:
    """The first pipe-separated part of a message code, upper case ('' when there is none)."""
    if not isinstance(message, str):
        return ""
    return message.split("|", 1)[0].strip().upper()


def is_two_factor_code(message: Any) -> bool:
    return _code_head(message) in TWO_FACTOR_CODES


def is_change_password_code(message: Any) -> bool:
    return _code_head(message) in CHANGE_PASSWORD_CODES


def login_result(payload: Mapping[str, Any], requested_username: str) -> LoginResult:
    """Build a LoginResult from a successful authenticate-user answer."""
    message = payload.get("message")
    username = payload.get("username")
    if not isinstance(username, str) or not username.strip("@"):
        username = requested_username
    # A sysadmin's username is echoed with a trailing '@' (captured on a real server).
    username = username.rstrip("@") if "@" not in username.rstrip("@") else username
    return LoginResult(
        username=username,
        is_sysadmin=payload.get("isAdmin") is True,
        is_domain_admin=payload.get("isDomainAdmin") is True,
        change_password_needed=payload.get("changePasswordNeeded") is True
        or is_change_password_code(message),
        two_factor_required=is_two_factor_code(message),
        access_token_expiration=parse_expiration(payload.get("accessTokenExpiration")),
    )
