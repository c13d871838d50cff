# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SmarterMail REST API (api/v1) client used by the Ansible modules and the verify CLI.

- Logs in lazily on the first authenticated call and reuses the token.
- One password login per client: a login whose credentials were rejected is never retried
  (SmarterMail's IDS blocks an IP after repeated failed logins).
- On HTTP 401 with a refresh token: refresh once (the refresh token rotates) and replay once.
- Every failure is a typed SmarterMailError whose text names host:port and what to check;
  passwords and tokens are scrubbed from every error text and never kept in a repr.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import ssl
import threading
from types import TracebackType
from typing import Any, Dict, List, Mapping, Optional, Tuple, Type, Union
from urllib.parse import quote

from ansible_collections.astral360.smartermail.plugins.module_utils.common.redaction import (
    scrub,
    usable_secrets,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.envelope import (
    KIND_LOGIN,
    KIND_REFRESH,
    MAX_BODY_BYTES,
    Call,
    interpret,
    protocol_error,
    refusal,
    require_type,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailAuthError,
    SmarterMailConfigError,
    SmarterMailError,
    SmarterMailInvalidNameError,
    SmarterMailNotFoundError,
    SmarterMailPasswordChangeRequiredError,
    SmarterMailTwoFactorRequiredError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.login import (
    LoginResult,
    is_change_password_code,
    is_two_factor_code,
    login_result,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.transport_errors import (
    HAS_HTTPX,
    HTTPX_IMPORT_ERROR,
    explain_transport_error,
    httpx,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.url import (
    API_PREFIX,
    PortOption,
    build_base_url,
    endpoint_label,
)

__all__ = [
    "HAS_HTTPX",
    "HTTPX_IMPORT_ERROR",
    "LoginResult",
    "SmarterMailClient",
    "build_base_url",
]

USER_AGENT = "astral360-smartermail-client/1"
# A JSON object as the API sends and receives it.
JsonObject = Dict[str, Any]


class SmarterMailClient:
    """A session with one SmarterMail server as one account (usually the system administrator)."""

    def __init__(
        self,
        hostname: str,
        port: PortOption = None,
        secure: bool = True,
        username: Optional[str] = "",
        password: Optional[str] = "",
        *,
        verify_tls: bool = True,
        ca_file: Optional[str] = None,
        connect_timeout: float = 10.0,
        timeout: float = 30.0,
        transport: "Optional[httpx.BaseTransport]" = None,
    ) -> None:
        if not HAS_HTTPX:
            raise SmarterMailConfigError(
                "The Python library httpx is required to talk to SmarterMail (pip install httpx): %s"
                % (HTTPX_IMPORT_ERROR,)
            )
        self.base_url = build_base_url(hostname, port, secure)
        self.endpoint = endpoint_label(hostname, port, secure)
        self.secure = bool(secure)
        self.username = username or ""
        self._password = password or ""
        # replaced as a whole, so readers in other threads never see it change
        self._secrets: Tuple[str, ...] = ()
        self._remember_secret(self._password)
        self.connect_timeout = _positive_seconds("connect_timeout", connect_timeout)
        self.timeout = _positive_seconds("timeout", timeout)
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(self.timeout, connect=self.connect_timeout),
            verify=_tls_verify(self.secure, verify_tls, ca_file),
            transport=transport,
            follow_redirects=False,
            # Proxy and CA variables from the environment would make results depend on the shell.
            trust_env=False,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        )
        self._lock = threading.RLock()
        self._access_token: Optional[str] = None
        self._refresh_token: Optional[str] = None
        self._login_result: Optional[LoginResult] = None
        # credentials rejected: remembered, never retried
        self._login_error: Optional[SmarterMailAuthError] = None
        # 2FA or forced password change: token unusable
        self._login_blocker: Optional[SmarterMailAuthError] = None
        # session ended (refresh refused): no automatic password login
        self._session_error: Optional[SmarterMailError] = None

    # ----- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> "SmarterMailClient":
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections (does not log out; see logout())."""
        self._http.close()

    def __repr__(self) -> str:
        return "SmarterMailClient(base_url=%r, username=%r, logged_in=%r)" % (
            self.base_url,
            self.username,
            self.logged_in,
        )

    @property
    def logged_in(self) -> bool:
        return self._access_token is not None

    @property
    def last_login(self) -> Optional[LoginResult]:
        """The LoginResult of the last successful login, or None."""
        return self._login_result

    # ----- unauthenticated calls --------------------------------------------------------------

    def login_settings(self) -> JsonObject:
        """GET auth/login-settings: the login page's settings (no authentication)."""
        return self._call("GET", "auth/login-settings", "read the login settings", auth=False)

    def about(self) -> JsonObject:
        """GET licensing/about: ``version``, ``edition``, ``enterpriseFunctionality`` (no authentication)."""
        call = self._new_call("licensing/about", "read the server version")
        payload = self._finish(call, "GET", None, None, allow_empty=False)
        require_type(call, payload, "version", str)
        if "edition" in payload and (
            isinstance(payload["edition"], bool) or not isinstance(payload["edition"], int)
        ):
            raise protocol_error(call, 200, "an 'edition' field that is not a number")
        return payload

    # ----- authentication ---------------------------------------------------------------------

    def login(self) -> LoginResult:
        """POST auth/authenticate-user once. Returns a LoginResult; raises SmarterMailAuthError.

        A rejected login is remembered: calling login() again raises the same error without
        contacting the server. A login that needs 2FA or a password change returns a LoginResult
        with the flag set; authenticated calls then raise the matching SmarterMailAuthError subclass.
        After a session ended (refresh refused) only an explicit login() starts a new one.
        """
        with self._lock:
            if self._login_error is not None:
                raise self._login_error
            if not self.username or not self._password:
                raise SmarterMailConfigError(
                    "A SmarterMail username and password are required to log in to %s." % self.endpoint
                )
            call = self._new_call("auth/authenticate-user", "log in", kind=KIND_LOGIN)
            credentials = {"username": self.username, "password": self._password}
            try:
                payload = self._finish(call, "POST", None, credentials)
            except SmarterMailAuthError as err:
                self._login_error = self._specific_login_error(call, err)
                raise self._login_error from None
            token = payload.get("accessToken")
            if not isinstance(token, str) or not token:
                raise protocol_error(call, 200, "a successful login without an accessToken")
            result = login_result(payload, self.username)
            self._access_token = None
            self._refresh_token = None
            self._login_result = result
            self._session_error = None
            self._login_blocker = self._blocker_for(call, result)
            if self._login_blocker is None:
                self._remember_secret(token)
                self._access_token = token
                refresh_token = payload.get("refreshToken")
                if isinstance(refresh_token, str) and refresh_token:
                    self._remember_secret(refresh_token)
                    self._refresh_token = refresh_token
            return result

    def refresh(self) -> None:
        """POST auth/refresh-token with the rotating refresh token; raises SmarterMailAuthError."""
        with self._lock:
            call = self._new_call("auth/refresh-token", "refresh the session", kind=KIND_REFRESH)
            if self._refresh_token is None:
                raise call.error(
                    SmarterMailAuthError,
                    "There is no SmarterMail session to refresh for %s: log in first." % self.endpoint,
                )
            try:
                payload = self._finish(call, "POST", None, {"token": self._refresh_token})
            except SmarterMailAuthError as err:
                self._access_token = None
                self._refresh_token = None
                self._session_error = err
                raise
            token = payload.get("accessToken")
            if not isinstance(token, str) or not token:
                raise protocol_error(call, 200, "a successful refresh without an accessToken")
            self._remember_secret(token)
            self._access_token = token
            rotated = payload.get("refreshToken")
            if isinstance(rotated, str) and rotated:
                self._remember_secret(rotated)
                self._refresh_token = rotated

    def logout(self) -> None:
        """POST auth/logout-user; forgets the tokens. A session that already expired is fine."""
        with self._lock:
            token = self._access_token
            self._access_token = None
            self._refresh_token = None
        if token is None:
            return
        call = self._new_call("auth/logout-user", "log out")
        status, content_type, body = self._send(call, "POST", token, {})
        if status == 401:
            return
        interpret(call, status, content_type, body, allow_empty=True)

    # ----- system administrator: domains ------------------------------------------------------

    def list_domains(self) -> List[JsonObject]:
        """GET settings/sysadmin/domains -> the ``data`` list of domain objects."""
        call = self._new_call("settings/sysadmin/domains", "list domains")
        payload = self._authorized(call, "GET")
        return _list_of_objects(call, payload, "data")

    def get_domain(self, name: str) -> Optional[JsonObject]:
        """GET settings/sysadmin/domain/{name} -> ``domainData``, or None when the domain does not exist."""
        call = self._new_call("settings/sysadmin/domain/" + _domain_segment(name), "read domain %r" % name)
        try:
            payload = self._authorized(call, "GET")
        except SmarterMailNotFoundError:
            return None
        if payload.get("domainData") is None:
            return None
        return require_type(call, payload, "domainData", dict)

    def add_domain(
        self,
        name: str,
        *,
        path: str,
        admin_username: str,
        admin_password: str,
        hostname: Optional[str] = None,
        user_limit: int = 0,
        max_size: int = 0,
        alias_limit: int = 0,
        list_limit: int = 0,
    ) -> None:
        """POST settings/sysadmin/domain-put with the body the WHMCS module sends.

        ``max_size`` is in bytes (0 = unlimited); the limits use 0 for unlimited.
        Raises SmarterMailConflictError when the name is in use, SmarterMailInvalidNameError when refused.
        """
        _domain_segment(name)  # same rules as the other calls, although the name travels in the body
        self._remember_secret(admin_password)
        body = {
            "adminUsername": admin_username,
            "adminPassword": admin_password,
            "deliverLocallyForExternalDomain": False,
            "domainLocation": 0,
            "domainLocationAddress": "",
            "domainData": {
                "name": name,
                "path": path,
                "hostname": hostname if hostname else "mail." + name,
                "userLimit": int(user_limit),
                "maxSize": int(max_size),
                "aliasLimit": int(alias_limit),
                "listLimit": int(list_limit),
            },
        }
        call = self._new_call("settings/sysadmin/domain-put", "create domain %r" % name)
        self._authorized(call, "POST", body, allow_empty=True)

    def get_domain_settings(self, name: str) -> JsonObject:
        """GET settings/sysadmin/domain-settings/{name} -> ``domainSettings``."""
        call = self._new_call(
            "settings/sysadmin/domain-settings/" + _domain_segment(name),
            "read the settings of domain %r" % name,
        )
        payload = self._authorized(call, "GET")
        return require_type(call, payload, "domainSettings", dict)

    def set_domain_settings(self, name: str, settings: JsonObject) -> None:
        """POST settings/sysadmin/domain-settings/{name} with only the keys to change (server merges)."""
        if not isinstance(settings, dict):
            raise SmarterMailConfigError(
                "Domain settings for %r must be a mapping of setting names to values." % name
            )
        call = self._new_call(
            "settings/sysadmin/domain-settings/" + _domain_segment(name),
            "change the settings of domain %r" % name,
        )
        self._authorized(call, "POST", {"domainSettings": settings}, allow_empty=True)

    def manage_domain(self, name: str) -> JsonObject:
        """POST settings/sysadmin/manage-domain/{name} -> impersonation answer (impersonateAccessToken)."""
        call = self._new_call(
            "settings/sysadmin/manage-domain/" + _domain_segment(name), "impersonate domain %r" % name
        )
        payload = self._authorized(call, "POST", {})
        token = require_type(call, payload, "impersonateAccessToken", str)
        self._remember_secret(token)
        self._remember_secret(payload.get("impersonateRefreshToken"))
        return payload

    def delete_domain(self, name: str, delete_files: bool) -> None:
        """POST settings/sysadmin/domain-delete/{name}/{true|false}; true also removes the domain's files."""
        flag = "true" if delete_files else "false"
        call = self._new_call(
            "settings/sysadmin/domain-delete/%s/%s" % (_domain_segment(name), flag), "delete domain %r" % name
        )
        self._authorized(call, "POST", {}, allow_empty=True)

    def list_domain_users(self, name: str) -> List[JsonObject]:
        """GET settings/sysadmin/list-users/{name} -> the ``userData`` list."""
        call = self._new_call(
            "settings/sysadmin/list-users/" + _domain_segment(name), "list the users of domain %r" % name
        )
        payload = self._authorized(call, "GET")
        return _list_of_objects(call, payload, "userData")

    # ----- plumbing ---------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        action: str,
        auth: bool = True,
        body: Optional[JsonObject] = None,
        allow_empty: bool = False,
    ) -> JsonObject:
        call = self._new_call(path, action)
        if auth:
            return self._authorized(call, method, body, allow_empty=allow_empty)
        return self._finish(call, method, None, body, allow_empty=allow_empty)

    def _new_call(self, path: str, action: str, kind: str = "api") -> Call:
        return Call(self.endpoint, API_PREFIX + path, action, kind, self.username, self._scrub)

    def _finish(
        self,
        call: Call,
        method: str,
        token: Optional[str],
        body: Optional[JsonObject],
        allow_empty: bool = False,
    ) -> JsonObject:
        status, content_type, raw = self._send(call, method, token, body)
        return interpret(call, status, content_type, raw, allow_empty=allow_empty)

    def _authorized(
        self, call: Call, method: str, body: Optional[JsonObject] = None, allow_empty: bool = False
    ) -> JsonObject:
        """Send with the Bearer token; on 401 refresh once and replay once."""
        token = self._ensure_token()
        status, content_type, raw = self._send(call, method, token, body)
        if status == 401:
            token = self._token_after_401(call, token)
            status, content_type, raw = self._send(call, method, token, body)
        return interpret(call, status, content_type, raw, allow_empty=allow_empty)

    def _ensure_token(self) -> Optional[str]:
        with self._lock:
            if self._login_blocker is not None:
                raise self._login_blocker
            if self._session_error is not None:
                raise self._session_error
            if self._access_token is None:
                self.login()
                if self._login_blocker is not None:
                    raise self._login_blocker
            return self._access_token

    def _token_after_401(self, call: Call, used_token: Optional[str]) -> Optional[str]:
        with self._lock:
            if self._access_token is not None and self._access_token != used_token:
                return self._access_token  # another thread refreshed meanwhile
            if self._refresh_token is None:
                self._access_token = None
                self._session_error = refusal(call, 401, None)
                raise self._session_error
            self.refresh()
            return self._access_token

    def _send(
        self, call: Call, method: str, token: Optional[str], body: Optional[JsonObject]
    ) -> Tuple[int, str, bytes]:
        """One HTTP exchange -> (status, content type, body bytes capped at MAX_BODY_BYTES)."""
        headers = {"Authorization": "Bearer " + token} if token else None
        failure: SmarterMailError  # set by whichever handler caught the failure
        try:
            with self._http.stream(method, call.path, json=body, headers=headers) as response:
                raw = _read_capped(call, response)
                return response.status_code, response.headers.get("content-type", ""), raw
        except httpx.TransportError as exc:
            failure = explain_transport_error(exc, call, self.secure, self.connect_timeout, self.timeout)
        except httpx.HTTPError as exc:  # e.g. DecodingError: a body that claims gzip but is not
            failure = protocol_error(call, 200, "an unreadable body (%s)" % type(exc).__name__)
        raise failure from None

    def _blocker_for(self, call: Call, result: LoginResult) -> Optional[SmarterMailAuthError]:
        if result.two_factor_required:
            return self._two_factor_error(call)
        if result.change_password_needed:
            return self._password_change_error(call)
        return None

    def _two_factor_error(self, call: Call) -> SmarterMailTwoFactorRequiredError:
        return call.error(
            SmarterMailTwoFactorRequiredError,
            "SmarterMail at %s requires two-factor authentication for user %r: the API cannot use this "
            "account. Use a system administrator account without two-factor authentication."
            % (self.endpoint, self.username),
            status=200,
        )

    def _password_change_error(self, call: Call) -> SmarterMailPasswordChangeRequiredError:
        return call.error(
            SmarterMailPasswordChangeRequiredError,
            "SmarterMail at %s requires user %r to change the password before the API can be used: log "
            "in to the web interface once, change it, and update the stored password."
            % (self.endpoint, self.username),
            status=200,
        )

    def _specific_login_error(self, call: Call, err: SmarterMailAuthError) -> SmarterMailAuthError:
        """Keep a refused login as is, unless its code says 2FA or forced password change."""
        blocker: SmarterMailAuthError
        if is_two_factor_code(err.code):
            blocker = self._two_factor_error(call)
        elif is_change_password_code(err.code):
            blocker = self._password_change_error(call)
        else:
            return err
        blocker.status = err.status
        blocker.code = err.code
        return blocker

    def _remember_secret(self, secret: Optional[str]) -> None:
        self._secrets = usable_secrets((*self._secrets, secret))

    def _scrub(self, text: str) -> str:
        return scrub(text, self._secrets)


def _read_capped(call: Call, response: "httpx.Response") -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise protocol_error(call, response.status_code, "a body larger than %d bytes" % MAX_BODY_BYTES)
    chunks = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise protocol_error(call, response.status_code, "a body larger than %d bytes" % MAX_BODY_BYTES)
        chunks.append(chunk)
    return b"".join(chunks)


def _list_of_objects(call: Call, payload: Mapping[str, Any], key: str) -> List[JsonObject]:
    items = require_type(call, payload, key, list)
    if not all(isinstance(item, dict) for item in items):
        raise protocol_error(call, 200, "a %s list whose items are not objects" % key)
    return items


def _domain_segment(name: str) -> str:
    """Percent-encode a domain name for a URL path; refuse names that cannot be one."""
    if not isinstance(name, str) or not name or len(name) > 253 or name in (".", ".."):
        raise SmarterMailInvalidNameError(
            "%r is not a domain name: give a name such as example.com." % (name,)
        )
    if any(ch.isspace() or ch in "/\\?#%" for ch in name):
        raise SmarterMailInvalidNameError(
            "%r is not a domain name: it contains spaces, slashes or URL characters." % (name,)
        )
    return quote(name, safe="")


def _positive_seconds(option: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise SmarterMailConfigError("%s must be a positive number of seconds, not %r." % (option, value))
    return float(value)


def _tls_verify(secure: bool, verify_tls: bool, ca_file: Optional[str]) -> Union[bool, ssl.SSLContext]:
    """httpx's ``verify``: an SSLContext trusting ca_file only, the system store, or False (opt-in)."""
    if not secure:
        return False  # plain HTTP: no TLS, so skip loading a CA store nobody would use
    if not verify_tls:
        return False  # explicit opt-in only
    return trust_context(ca_file)


def trust_context(ca_file: Optional[str] = None) -> ssl.SSLContext:
    """The trust every SmarterMail connection uses: ca_file only, else the system store plus certifi.

    The verify checks' own TLS probe uses it too, so a probe and the client never disagree.
    """
    if ca_file:
        if not os.path.isfile(ca_file):
            raise SmarterMailConfigError("CA file %r does not exist or is not a file." % (ca_file,))
        try:
            return ssl.create_default_context(cafile=ca_file)
        except (ssl.SSLError, OSError, ValueError) as exc:
            reason = str(exc)
        raise SmarterMailConfigError(
            "CA file %r is not a readable PEM certificate bundle (%s)." % (ca_file, reason)
        )
    context = ssl.create_default_context()
    try:
        import certifi  # httpx's own dependency; the system store alone can be empty

        context.load_verify_locations(certifi.where())
    except (ImportError, OSError, ssl.SSLError):
        pass
    return context
