"""The server's password requirements, checked on user create (user-put) and update (post-user).

The rules are SmarterMail's documented ones (Security > Password Requirements: minimum length, a
number, a capital, a lower-case letter, a symbol, not the username). The answer codes are GUESSES
built on the one code a client names, USER_ADD_ERROR_PASSWORD_TOO_SHORT.
"""

from __future__ import annotations

from smartermail_whmcs.simulator.config import PasswordPolicy
from smartermail_whmcs.simulator.envelope import ApiError


def broken_rule(password: str, user_name: str, policy: PasswordPolicy) -> str | None:
    """The first rule ``password`` breaks, as a code suffix, or None when it is acceptable."""
    if not password or len(password) < policy.min_length:
        return "PASSWORD_TOO_SHORT"
    if policy.require_number and not any(c.isdigit() for c in password):
        return "PASSWORD_REQUIRES_NUMBER"
    if policy.require_capital and not any(c.isupper() for c in password):
        return "PASSWORD_REQUIRES_CAPITAL"
    if policy.require_lower and not any(c.islower() for c in password):
        return "PASSWORD_REQUIRES_LOWER"
    if policy.require_symbol and all(c.isalnum() for c in password):
        return "PASSWORD_REQUIRES_SYMBOL"
    if policy.not_username and user_name and user_name.lower() in password.lower():
        return "PASSWORD_CONTAINS_USERNAME"
    return None


def check_password(password: object, user_name: str, policy: PasswordPolicy, prefix: str) -> str:
    """The password when the policy accepts it; else 400 ``<prefix><rule>`` (prefix USER_ADD_ERROR_ ...)."""
    text = password if isinstance(password, str) else ""
    rule = broken_rule(text, user_name, policy)
    if rule is not None:
        raise ApiError(400, prefix + rule)
    return text
