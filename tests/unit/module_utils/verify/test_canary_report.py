"""The canary's two verdicts on one answer (canary_wire.Answer), DKIM and usage readings, and the check's result."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.envelope import Call, refusal
from ansible_collections.astral360.smartermail.plugins.module_utils.smartermail.errors import (
    SmarterMailError,
    SmarterMailServerError,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_module import (
    dkim_key,
    module_megabytes,
)
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_report import canary_outcome
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.canary_wire import Answer
from ansible_collections.astral360.smartermail.plugins.module_utils.verify.model import FAIL, PASS, SKIP, WARN

CALL = Call("mail:9998", "/api/v1/settings/sysadmin/domain-settings/x.test", "configure domain 'x.test'")


def answer(status: int, payload: Any, error: SmarterMailError | None = None) -> Answer:
    return Answer("POST", "settings/sysadmin/domain-settings/x.test", status, payload, error)


def test_a_200_with_success_false_is_a_success_for_the_module_only() -> None:
    body = {"success": False, "resultCode": 200, "message": "SIMULATED_FAILURE"}
    refused = answer(200, body, refusal(CALL, 200, "SIMULATED_FAILURE"))
    assert refused.module_ok and not refused.ok and refused.disagree
    assert refused.what() == "answered HTTP 200 with success:false (SIMULATED_FAILURE)"
    assert refused.line() == "POST settings/sysadmin/domain-settings/x.test 200"


def test_a_refusal_is_a_failure_for_both_with_the_module_s_message() -> None:
    body = {"success": False, "message": "DOMAIN_SETTINGS_ERROR_INVALID_OUTGOING_IP"}
    refused = answer(400, body, refusal(CALL, 400, "DOMAIN_SETTINGS_ERROR_INVALID_OUTGOING_IP"))
    assert not refused.module_ok and not refused.disagree
    assert refused.module_message() == "DOMAIN_SETTINGS_ERROR_INVALID_OUTGOING_IP"
    assert refused.what() == "answered HTTP 400 (DOMAIN_SETTINGS_ERROR_INVALID_OUTGOING_IP)"
    assert answer(502, None, SmarterMailServerError("down")).module_message() == "HTTP 502"


def test_no_answer_is_a_failure_for_both() -> None:
    lost = answer(0, None, SmarterMailError("The connection was reset."))
    assert not lost.module_ok and not lost.ok
    assert lost.what() == "got no answer (The connection was reset)"
    assert lost.module_message() == "network error, no answer"


@pytest.mark.parametrize(
    ("keys", "found"),
    [
        ({"publicKey": "MIIB", "selector": "s1", "pending": None}, "active key"),
        (
            {"publicKey": "", "selector": "", "pending": {"publicKey": "MIIB", "selector": "s2"}},
            "pending key",
        ),
        ({"publicKey": "MIIB", "selector": ""}, None),  # both must be there
        ({"publicKey": "", "pending": {"publicKey": "MIIB"}}, None),
    ],
)
def test_dkim_key_is_found_where_the_module_looks(keys: dict[str, Any], found: str | None) -> None:
    assert dkim_key({"domainSettings": {"domainKeysSettings": keys}}) == found
    assert dkim_key({"success": True}) is None and dkim_key(None) is None


def test_usage_megabytes_as_the_module_rounds_them() -> None:
    assert module_megabytes(0) == "0.00"
    assert module_megabytes(21 * 1024**3) == "21504.00"
    assert module_megabytes(1536 * 1024**2) == "1536.00"
    assert module_megabytes(123456789) == "117.76"  # 0.1150 GB first, then x 1024


def entry(label: str, status: str, summary: str, hint: str = "", round_trips: int = 19) -> dict[str, Any]:
    return {
        "label": label,
        "status": status,
        "summary": summary,
        "hint": hint,
        "round_trips": round_trips,
        "left_behind": False,
    }


def test_the_check_names_each_run_and_takes_the_worst_status() -> None:
    outcome = canary_outcome(
        [
            entry("product 'A' (id 1)", PASS, "fine"),
            entry("product 'B' (id 2)", FAIL, "canary create step failed", "fix option 6"),
            entry("product 'C' (id 3)", WARN, "fine but no DKIM", "make a key"),
        ]
    )
    assert outcome.status == FAIL
    assert outcome.summary == (
        "product 'A' (id 1): fine | product 'B' (id 2): canary create step failed | "
        "product 'C' (id 3): fine but no DKIM"
    )
    assert outcome.hint == "product 'B' (id 2): fix option 6 | product 'C' (id 3): make a key"
    assert outcome.details["round_trips"] == 57 and len(outcome.details["runs"]) == 3


def test_a_cancelled_run_skips_the_check_and_a_note_only_informs() -> None:
    assert canary_outcome([entry("x", PASS, "ok"), entry("y", SKIP, "canary cancelled")]).status == SKIP
    noted = canary_outcome([entry("the module's default options", PASS, "ok")], "no product")
    assert noted.status == PASS and noted.hint == ""
    assert noted.summary == "no product | the module's default options: ok"
