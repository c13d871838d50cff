"""Unauthenticated and session endpoints: login settings, about, login, refresh, logout."""

from __future__ import annotations

import secrets
import time

from smartermail_whmcs.simulator.config import SimulatorConfig
from smartermail_whmcs.simulator.envelope import ApiError, Call, ok
from smartermail_whmcs.simulator.state import (
    ROLE_AUTH_STEP,
    ROLE_DOMAIN_ADMIN,
    ROLE_SYSADMIN,
    ROLE_USER,
    Session,
    iso_utc,
)

WRONG_CREDENTIALS = "USERNAME_OR_PASSWORD_INCORRECT"
CHANGE_PASSWORD_NEEDED = "CHANGE_PASSWORD_NEEDED"  # noqa: S105 - a message code


def edition_of(max_domains: int | None) -> tuple[int, str]:
    # GUESS: a one-domain limit is the Free edition; anything else reports Enterprise.
    return (2, "Free") if max_domains == 1 else (0, "Enterprise")


def login_settings(call: Call) -> dict[str, object]:
    return ok(
        allowPasswordRecovery=False,
        customLogo="",
        customTitle="Welcome to SmarterMail",
        customHelpUrl="",
        customHelpText="",
        customHtmlBlock="",
        backgroundStillImage="/dynamic/background-of-the-day",
        backgroundColor=None,
        customPageTitle="SmarterMail",
    )


def licensing_about(call: Call) -> dict[str, object]:
    # The captured answer has no success/resultCode keys.
    edition, _ = edition_of(call.state.runtime.max_domains)
    return {
        "version": call.state.runtime.version,
        "edition": edition,
        "enterpriseFunctionality": edition == 0,
    }


def session_fields(session: Session) -> dict[str, object]:
    return {
        "accessToken": session.access_token,
        "refreshToken": session.refresh_token,
        "accessTokenExpiration": iso_utc(session.expires_at),
        "refreshTokenExpiration": iso_utc(session.refresh_expires_at),
        "username": session.username,
        "isImpersonating": session.impersonating,
        "canViewPasswords": session.role == ROLE_SYSADMIN,
    }


def _refuse_login(call: Call, message: str = WRONG_CREDENTIALS) -> ApiError:
    status = 401 if call.state.runtime.login_failure_style == "401" else 200
    return ApiError(status, message)


def authenticate_user(call: Call) -> dict[str, object]:
    body = call.obj()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise _refuse_login(call)
    state = call.state
    config = state.config
    name = username.strip().lower()
    email = ""
    domain_name = None
    if "@" not in name:
        sysadmin = _find_account(config.sysadmins, name, password)
        user = _find_account(config.users, name, password)
        if sysadmin:
            role, shown = ROLE_SYSADMIN, sysadmin + "@"
        elif user:
            role, shown = ROLE_USER, user
        else:
            raise _refuse_login(call)
    else:
        local, _, domain_name = name.partition("@")
        domain = state.domains.get(domain_name)
        account = domain.users.get(local) if domain else None
        if domain is None or account is None or account.password != password:
            raise _refuse_login(call)
        if not domain.is_enabled:
            raise _refuse_login(call, "DOMAIN_DISABLED")
        if not account.is_enabled:
            raise _refuse_login(call, "ACCOUNT_DISABLED")
        role = ROLE_DOMAIN_ADMIN if account.is_domain_admin else ROLE_USER
        shown = email = f"{account.user_name}@{domain.name}"
        account.last_login = time.time()
    state.login_count += 1
    step_message = _login_step(config, role, name)
    if step_message is not None:
        session = state.new_session(shown, ROLE_AUTH_STEP, None)
        return ok(
            message=step_message,
            emailAddress=email,
            changePasswordNeeded=step_message == CHANGE_PASSWORD_NEEDED,
            isAdmin=True,
            isDomainAdmin=False,
            isLicensed=True,
            role=ROLE_AUTH_STEP,
            **session_fields(session),
        )
    session = state.new_session(shown, role, domain_name)
    return ok(
        emailAddress=email,
        changePasswordNeeded=False,
        displayWelcomeWizard=False,
        isAdmin=role == ROLE_SYSADMIN,
        isDomainAdmin=role == ROLE_DOMAIN_ADMIN,
        isLicensed=True,
        autoLoginToken="",
        autoLoginUrl="",
        localeId="en",
        role=role,
        **session_fields(session),
    )


def _login_step(config: SimulatorConfig, role: str, name: str) -> str | None:
    """The step a sysadmin must take before a usable login (2FA code, new password), if any."""
    if role != ROLE_SYSADMIN:
        return None
    if name in config.two_factor_sysadmins:
        return f"TWO_FACTOR_REQUIRED|rfc6238|{name}@example.invalid"
    if name in config.password_change_sysadmins:
        return CHANGE_PASSWORD_NEEDED
    return None


def _find_account(accounts: dict[str, str], name: str, password: str) -> str | None:
    for known, secret in accounts.items():
        if known.lower() == name and secrets.compare_digest(secret.encode(), password.encode()):
            return known
    return None


def refresh_token(call: Call) -> dict[str, object]:
    token = call.obj().get("token")
    state = call.state
    old = state.sessions_by_refresh.get(token) if isinstance(token, str) else None
    if old is None:
        raise ApiError(401, "INVALID_REFRESH_TOKEN")
    if old.refresh_expires_at <= time.time():
        state.drop_session(old)
        raise ApiError(401, "INVALID_REFRESH_TOKEN")
    # Rotation: the used refresh token dies; the old access token lives on until it expires.
    state.sessions_by_refresh.pop(old.refresh_token, None)
    new = state.new_session(old.username, old.role, old.domain, old.impersonating)
    return ok(**session_fields(new))


def logout_user(call: Call) -> dict[str, object]:
    assert call.session is not None
    call.state.drop_session(call.session)
    return ok()


def retrieve_login_token(call: Call) -> dict[str, object]:
    body = call.obj()
    username, domain_name = body.get("username"), body.get("domain")
    if not isinstance(username, str) or not username:
        raise ApiError(400, "USER_NOT_FOUND")
    if domain_name:
        domain = call.state.domains.get(str(domain_name).lower())
        if domain is None or username.lower() not in domain.users:
            raise ApiError(400, "USER_NOT_FOUND")
    token = secrets.token_urlsafe(24)
    return ok(autoLoginToken=token, autoLoginUrl=f"{call.base_url}/interface/autologin?autologin={token}")
