# -*- coding: utf-8 -*-
# Copyright: Astral 360
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The canary's calls as the module makes them, each answer judged twice: by the module's rule and by ours.

The module's rule (module-api-calls.md 1, "Success test"): HTTP 2xx is success; the body's
``success`` field is never read; the error text is the body's ``message``. It sends the token it
holds (no refresh on 401), and an "empty" POST body is the JSON array ``[]``.

Our rule (smartermail/envelope.py ``interpret``): a 2xx must also carry a JSON object that does not
say ``success: false`` (a GET needs a body at all).

The exchange goes through the verify client's own transport, so TLS trust, timeouts and the
sentences of transport errors are the ones every other check uses; only the token and the body
are the module's.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
from typing import TYPE_CHECKING, Any, Callable, List, Optional, cast
from urllib.parse import quote

from ansible_collections.astral360.smartermail.plugins.module_utils.common.redaction import scrub
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.envelope import (
    KIND_API,
    KIND_LOGIN,
    Call,
    body_kind,
    interpret,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import SmarterMailError
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.url import API_PREFIX
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary import CanaryCancelled

if TYPE_CHECKING:
    from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.client import (
        SmarterMailClient,
    )

LOGIN_PATH = "auth/authenticate-user"


def segment(name: str) -> str:
    """A name in a URL path; canary names are letters, digits, '-' and '.', which PHP's urlencode keeps too."""
    return quote(name, safe="")


class Answer:
    """One exchange: what was called, the HTTP status (0: no answer), the JSON body, both verdicts."""

    def __init__(
        self, method: str, path: str, status: int, payload: Any, error: Optional[SmarterMailError]
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.payload = payload
        # None when our rule accepts the answer; else the typed error with its sentence.
        self.error = error

    @property
    def module_ok(self) -> bool:
        """The module's verdict: the status alone."""
        return 200 <= self.status < 300

    @property
    def ok(self) -> bool:
        """Our verdict."""
        return self.error is None

    @property
    def disagree(self) -> bool:
        """The module counts this answer a success, we do not."""
        return self.module_ok and not self.ok

    def field(self, key: str) -> Any:
        """A top-level field of a JSON-object body (None otherwise)."""
        return self.payload.get(key) if isinstance(self.payload, dict) else None

    def module_message(self) -> str:
        """The error text the module would show: the body's message, else the status."""
        message = self.field("message")
        if isinstance(message, str) and message.strip():
            return message.strip()
        if self.status:
            return "HTTP %d" % self.status
        return "network error, no answer"

    def what(self) -> str:
        """The answer in a few words: 'answered HTTP 200 with success:false (CODE)', 'answered HTTP 500 (CODE)'."""
        if not self.status:
            return "got no answer (%s)" % str(self.error).rstrip(".")
        code = self.field("message")
        shown = " (%s)" % code if isinstance(code, str) and code.strip() else ""
        if self.ok or not self.module_ok:
            return "answered HTTP %d%s" % (self.status, shown)
        if self.field("success") is False:
            return "answered HTTP %d with success:false%s" % (self.status, shown)
        if isinstance(self.payload, dict) or (self.payload is None and self.method != "GET"):
            return "answered HTTP %d with an unusable body (%s)" % (self.status, str(self.error).rstrip("."))
        if self.payload is None:
            return "answered HTTP %d with a body that is not JSON" % self.status
        return "answered HTTP %d with JSON that is not an object" % self.status

    def line(self) -> str:
        """'POST settings/sysadmin/domain-put 200' (status 0: no answer)."""
        return "%s %s %d" % (self.method, self.path, self.status)


class ModuleWire:
    """Sends the module's calls for one canary run; counts them and keeps one line per call."""

    def __init__(
        self,
        client: "SmarterMailClient",
        username: str,
        password: str,
        cancelled: Optional[threading.Event] = None,
    ) -> None:
        self.client = client
        self.username = username
        self._password = password
        self.cancelled = cancelled
        self.step = ""  # the step the next call belongs to (for CanaryCancelled)
        self.lines: List[str] = []
        self._secrets: List[str] = [password]

    def hide(self, secret: Optional[str]) -> None:
        """Mask ``secret`` in every sentence of later errors (passwords, tokens)."""
        if secret:
            self._secrets.append(secret)

    def _scrub(self, text: str) -> str:
        return scrub(text, self._secrets)

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: Optional[str] = None,
        action: str = "",
        kind: str = KIND_API,
    ) -> Answer:
        """One call (path under api/v1/); a transport failure is an Answer with status 0, never raised."""
        if self.cancelled is not None and self.cancelled.is_set():
            raise CanaryCancelled(self.step)
        call = Call(self.client.endpoint, API_PREFIX + path, action or path, kind, self.username, self._scrub)
        # The client's transport, with the module's token and body (no login, refresh or replay).
        send: Callable[..., Any] = self.client._send
        try:
            status, content_type, raw = send(call, method, token, cast(Any, body))
        except SmarterMailError as failure:
            answer = Answer(method, path, 0, None, failure)
        else:
            kind_found, payload = body_kind(content_type, raw)
            verdict: Optional[SmarterMailError] = None
            try:
                interpret(call, status, content_type, raw, allow_empty=method != "GET")
            except SmarterMailError as refused:
                verdict = refused
            answer = Answer(method, path, status, payload if kind_found == "json" else None, verdict)
        self.lines.append(answer.line())
        return answer

    def login(self) -> Answer:
        """The module's sysadmin login: POST auth/authenticate-user {username, password}."""
        return self.send(
            "POST",
            LOGIN_PATH,
            {"username": self.username, "password": self._password},
            action="log in",
            kind=KIND_LOGIN,
        )

    @property
    def round_trips(self) -> int:
        return len(self.lines)
