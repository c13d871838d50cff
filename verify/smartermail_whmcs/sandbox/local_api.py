"""The sandbox WHMCS's localAPI() from Python: one ``php <root>/sandbox/localapi.php`` run per call.

The request goes to the tree's command-line entry as JSON on stdin, and the printed JSON is the
answer, exactly what ``localAPI($action, $params)`` returns inside WHMCS. Two kinds of failure:

- php itself failed (exit 1, no JSON: a broken tree, the database down): ``StageError`` with the
  tail of php's stderr, the host's database password and encryption key blanked out;
- WHMCS answered ``result=error``: ``LocalApiError`` carrying the action and WHMCS's message, so a
  caller can tell "the module's Create failed: <why>" from a broken sandbox (or pass
  ``check=False`` and read the answer itself).

Request parameters are never put into a message: they can hold passwords (AddClient's password2).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from ansible_collections.astral360.smartermail.plugins.module_utils.whmcs.configuration import (
    SECRET_FIELDS,
    WhmcsConfigError,
    read_whmcs_config,
)

from smartermail_whmcs.errors import StageError

LOCAL_API_ENTRY = Path("sandbox") / "localapi.php"
# Long enough for AcceptOrder (the module's Create talks to the simulator); a hung php is a failure.
LOCAL_API_TIMEOUT = 180
STDERR_TAIL = 800
REDACTED = "********"


class LocalApiError(StageError):
    """WHMCS answered ``{"result": "error", "message": ...}``."""

    def __init__(self, action: str, api_message: str, response: dict[str, Any]) -> None:
        super().__init__(f"localAPI {action}: {api_message}")
        self.action = action
        self.api_message = api_message
        self.response = response


def local_api_request(action: str, params: dict[str, Any]) -> str:
    """The JSON document sandbox/localapi.php reads on stdin."""
    return json.dumps({"action": action, "params": params})


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every non-empty secret replaced (longest first, so none is left half-blanked)."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def parse_answer(action: str, stdout: str) -> dict[str, Any]:
    """The localAPI answer printed by localapi.php; ValueError when it is not a JSON object with a result."""
    answer = json.loads(stdout)
    if not isinstance(answer, dict) or not isinstance(answer.get("result"), str):
        raise ValueError(f"{action}: the answer is not a localAPI result object")
    return answer


def _host_secrets(whmcs_root: Path) -> list[str]:
    try:
        config = read_whmcs_config(str(whmcs_root))
    except WhmcsConfigError:
        return []
    return [str(getattr(config, name, "") or "") for name in SECRET_FIELDS]


def _php_failure(whmcs_root: Path, action: str, why: str, output: str) -> StageError:
    tail = redact(output.strip(), _host_secrets(whmcs_root))[-STDERR_TAIL:]
    return StageError(f"{whmcs_root}: localAPI {action}: {why}" + (f": {tail}" if tail else ""))


def call_local_api(
    whmcs_root: Path, action: str, params: dict[str, Any], *, check: bool = True
) -> dict[str, Any]:
    """``localAPI(action, params)`` on the host at ``whmcs_root``; the answer as a dict.

    With ``check`` (the default) an answer with ``result=error`` raises LocalApiError.
    """
    entry = whmcs_root / LOCAL_API_ENTRY
    if not entry.is_file():
        raise StageError(f"{whmcs_root} is not a sandbox WHMCS tree ({LOCAL_API_ENTRY} is missing)")
    try:
        done = subprocess.run(
            ["php", "-q", str(entry)],
            input=local_api_request(action, params),
            capture_output=True,
            text=True,
            timeout=LOCAL_API_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise StageError(
            f"{whmcs_root}: localAPI {action} did not answer in {LOCAL_API_TIMEOUT} s"
        ) from error
    except OSError as error:
        raise StageError(f"cannot run php for localAPI {action}: {error.strerror}") from error
    if done.returncode != 0:
        raise _php_failure(whmcs_root, action, f"php exited {done.returncode}", done.stderr or done.stdout)
    try:
        answer = parse_answer(action, done.stdout)
    except ValueError as error:
        raise _php_failure(whmcs_root, action, "no JSON answer", done.stderr + done.stdout) from error
    if check and answer["result"] != "success":
        raise LocalApiError(action, str(answer.get("message", "")), answer)
    return answer


def parse_params(pairs: tuple[str, ...] | list[str], json_text: str | None = None) -> dict[str, Any]:
    """localAPI parameters from the command line: a ``--json`` object, then ``key=value`` words.

    ``key[]=value`` appends to the list ``key`` (WHMCS's ``pid[]``, ``domain[]``); other values stay
    strings, as in an HTTP API call (booleans and numbers: use ``--json``). ValueError on bad input.
    """
    params: dict[str, Any] = {}
    if json_text:
        loaded = json.loads(json_text)
        if not isinstance(loaded, dict):
            raise ValueError("--json must be a JSON object")
        params.update(loaded)
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or key == "[]":
            raise ValueError(f"expected key=value or key[]=value, got {pair!r}")
        if key.endswith("[]"):
            name = key[:-2]
            current = params.get(name)
            params[name] = [*current, value] if isinstance(current, list) else [value]
        else:
            params[key] = value
    return params
